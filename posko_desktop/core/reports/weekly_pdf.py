"""The weekly report (laporan mingguan) as a PDF: the official-letter shell of
pdf_letter.py around the week's figures. No database access (`services.weekly.gather()`).

Order: kop, identity block, title and week, 1 totals against the previous week, 2 incidents
per day, 3 the regencies with the week's level, 4 top categories, 5 open critical
incidents, 6 Kegiatan Posko, 7 take-downs, 8 outlook for the coming week, 9 conclusions,
signature, tembusan.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from posko_desktop.core.i18n import _, language, ngettext
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.reports.annex import Annex, paper_rows, weekly_annex
from posko_desktop.core.reports.data import GROUPS, SEVERITIES, Counts
from posko_desktop.core.reports.fonts import SANS, register_fonts
from posko_desktop.core.reports.kerawanan_pdf import kerawanan_block
from posko_desktop.core.reports.pdf_common import (
    TOTAL_BG,
    WrapTable,
    count_of,
    esc,
    grid_style,
    level_colors,
    level_label,
    severity_colors,
    severity_label,
    status_label,
    when_short,
)
from posko_desktop.core.reports.pdf_letter import LetterRenderer
from posko_desktop.core.reports.sitrep_pdf import activity_table
from posko_desktop.core.reports.weekly_data import WeeklyData
from posko_desktop.core.textrules import format_date_long, format_signed


def render(data: WeeklyData, stream: IO[bytes], progress: Progress = NO_PROGRESS) -> int:
    register_fonts()
    with language(data.options.lang):
        return WeeklyRenderer(data, progress).write(stream)


def render_bytes(data: WeeklyData, progress: Progress = NO_PROGRESS) -> tuple[bytes, int]:
    buf = io.BytesIO()
    pages = render(data, buf, progress)
    return buf.getvalue(), pages


class WeeklyRenderer(LetterRenderer):
    def __init__(self, data: WeeklyData, progress: Progress) -> None:
        super().__init__(data, lang=data.options.lang, paper=data.options.paper,
                         signed_on=data.options.sunday, progress=progress)
        self.d = data
        self.annex: Annex | None = None  # section 5 in full, when paper shows only a part

    def week_text(self) -> str:
        o = self.d.options
        return _("week {week}: {monday} to {sunday}").format(
            week=o.week, monday=format_date_long(o.monday, self.lang),
            sunday=format_date_long(o.sunday, self.lang))

    def title_text(self) -> str:
        return "{t} – {w}".format(t=_("Weekly report"), w=self.d.options.week)

    def subject_text(self) -> str:
        return self.d.identity.subject or _("Weekly report of the {election}, {week}").format(
            election=self.d.election_name, week=self.week_text())

    def body(self) -> list[Flowable]:
        steps: list[Callable[[], list[Flowable]]] = [
            self.heading, self.totals, self.per_day, self.regencies, self.categories,
            self.open_critical, self.activities, self.takedowns, self.outlook,
            self.conclusions]
        out: list[Flowable] = []
        for i, step in enumerate(steps):
            self.progress.report(40 + i * 4, 100, _("Writing the report"))
            out.extend(step())
        return out

    def heading(self) -> list[Flowable]:
        st, d = self.st, self.d
        return [self.p(_("WEEKLY REPORT"), st.title),
                self.p(esc("{e} – {s}".format(e=d.election_name.upper(), s=d.scope_name.upper())),
                       st.subtitle),
                self.p(esc(_("Week {week}: {monday} to {sunday} (WIB)").format(
                    week=d.options.week, monday=format_date_long(d.options.monday, self.lang),
                    sunday=format_date_long(d.options.sunday, self.lang))), st.subtitle),
                Spacer(1, 2 * mm)]

    def table(self, rows: list[list[Any]], widths: list[float], extra: list[Any]) -> Table:
        table = Table(rows, repeatRows=1, colWidths=widths)
        table.setStyle(TableStyle(grid_style() + extra))
        return table

    def totals(self) -> list[Flowable]:
        st, d = self.st, self.d
        head = [self.p(h, st.head) for h in (_("Item"), _("This week"), _("Previous week"),
                                             _("Change"))]
        rows: list[list[Any]] = [head]

        def add(label: str, get: Callable[[Counts], int]) -> None:
            a, b = get(d.week), get(d.previous)
            rows.append([self.p(esc(label), st.cell), self.num(a), self.num(b),
                         format_signed(a - b, self.lang)])

        add(_("New incidents"), lambda c: c.new)
        add(_("of which still open"), lambda c: c.open)
        add(_("of which resolved"), lambda c: c.resolved)
        add(_("of which rejected or not verifiable"), lambda c: c.closed_other)
        for sev in SEVERITIES:
            add(severity_label(sev), count_of("by_severity", sev))
        w = self.width
        return [self.p(_("1. Totals and change against the previous week"), st.section),
                self.table(rows, [w * 0.46, w * 0.18, w * 0.18, w * 0.18],
                           [("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                            ("FONT", (1, 1), (-1, 1), f"{SANS}-Bold", 7.8)])]

    def per_day(self) -> list[Flowable]:
        st, d = self.st, self.d
        head = [self.p(_("Day"), st.head), self.p(_("Total"), st.head)] + [
            self.p(esc(severity_label(s)), st.head) for s in SEVERITIES]
        rows: list[list[Any]] = [head]
        for day in d.days:
            c = day.counts
            rows.append([self.p(esc(format_date_long(day.day, self.lang)), st.cell),
                         self.num(c.new)] + [self.num(c.by_severity.get(s, 0)) for s in SEVERITIES])
        rows.append([self.p("<b>{}</b>".format(_("TOTAL")), st.cell), self.num(d.week.new)]
                    + [self.num(d.week.by_severity.get(s, 0)) for s in SEVERITIES])
        fills = severity_colors()
        w = self.width
        extra = [("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("BACKGROUND", (0, -1), (-1, -1), TOTAL_BG),
                 ("FONT", (1, -1), (-1, -1), f"{SANS}-Bold", 7.8)]
        extra += [("LINEBELOW", (2 + i, 0), (2 + i, 0), 3, fills[s][0])
                  for i, s in enumerate(SEVERITIES)]
        return [self.p(_("2. Incidents per day"), st.section),
                self.table(rows, [w * 0.32, w * 0.14] + [w * 0.135] * 4, extra)]

    def regencies(self) -> list[Flowable]:
        st, d = self.st, self.d
        head = ([self.p(_("No."), st.head), self.p(_("Regency/city"), st.head)]
                + [self.p(g, st.head) for g in GROUPS]
                + [self.p(_("Total"), st.head), self.p(_("Level at the end of the week"), st.head)])
        rows: list[list[Any]] = [head]
        total_col = 2 + len(GROUPS)  # No., name, the groups, then total and level
        extra: list[Any] = [("ALIGN", (2, 1), (total_col, -1), "RIGHT"),
                            ("ALIGN", (total_col + 1, 1), (-1, -1), "CENTER"),
                            ("TOPPADDING", (0, 1), (-1, -1), 1.0),
                            ("BOTTOMPADDING", (0, 1), (-1, -1), 1.4),
                            # narrow padding: a five-digit total fits the 9 mm columns
                            ("LEFTPADDING", (2, 1), (total_col, -1), 2),
                            ("RIGHTPADDING", (2, 1), (total_col, -1), 3)]
        fills = level_colors()
        for i, row in enumerate(d.regency_rows, start=1):
            fill = fills.get(row.level)
            ink = colors.black
            if fill is not None:
                extra.append(("BACKGROUND", (total_col + 1, len(rows)), (total_col + 1, len(rows)),
                              fill[0]))
                ink = fill[1]
            level = Paragraph("<b>{}</b>".format(esc(level_label(row.level))),
                              ParagraphStyle("wlevel", parent=st.cell_c, textColor=ink))
            rows.append([str(i), self.p(esc(row.name), st.cell)]
                        + [self.num(row.by_group.get(g, 0)) for g in GROUPS]
                        + [self.num(row.total), level])
        rows.append(["", self.p("<b>{}</b>".format(_("TOTAL")), st.cell)]
                    + [self.num(d.week.by_group.get(g, 0)) for g in GROUPS]
                    + [self.num(d.week.new), ""])
        extra += [("BACKGROUND", (0, -1), (-1, -1), TOTAL_BG),
                  ("FONT", (2, -1), (-1, -1), f"{SANS}-Bold", 7.0)]  # totals: 5 digits in 9 mm
        fixed = 8 * mm + len(GROUPS) * 9 * mm + 15 * mm + 19 * mm  # H from the level column
        out: list[Flowable] = [
            self.p(_("3. Regencies and cities"), st.section),
            self.table(rows, [8 * mm, self.width - fixed] + [9 * mm] * len(GROUPS)
                       + [15 * mm, 19 * mm], extra)]
        if d.kerawanan is not None:  # the baseline beside the situation (issue 17)
            out += kerawanan_block(self, d.kerawanan, _("Kerawanan"))
        return out

    def categories(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("4. Most frequent categories"), st.section)]
        if not d.top_categories:
            return out + [self.nihil()]
        head = [self.p(h, st.head) for h in (_("Category"), _("Total"), _("Share"))]
        rows: list[list[Any]] = [head]
        for c in d.top_categories:
            share = round(100 * c.n / d.week.new) if d.week.new else 0
            rows.append([self.p(esc("{code} {label}".format(code=c.code, label=c.label(self.lang))),
                                st.cell), self.num(c.n), f"{share}%"])
        w = self.width
        return out + [self.table(rows, [w * 0.64, w * 0.18, w * 0.18],
                                 [("ALIGN", (1, 1), (-1, -1), "RIGHT")])]

    def open_critical(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("5. Critical incidents of the week still open"),
                                      st.section)]
        if not d.open_critical:
            return out + [self.nihil()]
        shown = paper_rows(d.open_critical, d.critical_pdf_max)  # the oldest first
        if len(shown) < len(d.open_critical):
            self.annex = weekly_annex(d)
            out.append(self.p(esc(_(
                "The week has {total} critical incidents still open; this table shows the {n} "
                "oldest. The full list of all {total} is the spreadsheet {name} ({total} rows, "
                "SHA-256 {sha}), attached to this PDF file and delivered with it.").format(
                total=self.num(len(d.open_critical)), n=self.num(len(shown)),
                name=self.annex.name, sha=self.annex.sha256)), st.body))
            out.append(Spacer(1, 2 * mm))
        head = [self.p(h, st.head_s) for h in (_("No."), _("Number"), _("Time (WIB)"),
                                               _("Regency/city"), _("Status"), _("Title"))]
        fixed = [9 * mm, 26 * mm, 18 * mm, 27 * mm, 22 * mm]
        rows = [[str(i), r.number, when_short(r.occurred_at, self.lang), r.regency_name,
                 status_label(r.status), r.title] for i, r in shown]
        return out + [WrapTable(head, rows, fixed + [self.width - sum(fixed)], align="rlllll")]

    def attachments(self) -> list[Annex]:
        return [self.annex] if self.annex is not None else []

    def activities(self) -> list[Flowable]:
        out: list[Flowable] = [self.p(_("6. Activities of the Posko"), self.st.section)]
        if not self.d.activities:
            return out + [self.nihil()]
        return out + [activity_table(self, self.d.activities)]

    def takedowns(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("7. Take-down requests"), st.section)]
        if not d.takedowns:
            return out + [self.nihil()]
        head = [self.p(h, st.head_s) for h in (_("Time (WIB)"), _("Platform"), _("Link"),
                                               _("State"))]
        fixed = [18 * mm, 24 * mm, 26 * mm]
        rows = [[when_short(t.requested_at, self.lang), t.platform, t.url, t.state]
                for t in d.takedowns]
        return out + [WrapTable(head, rows, fixed[:2] + [self.width - sum(fixed)] + fixed[2:],
                                align="llll")]

    def outlook(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("8. Outlook for the coming week"), st.section)]
        body: list[Flowable] = []
        for m in d.milestones:
            what = (_("{stage} begins") if m.starts else _("{stage} ends")).format(
                stage=m.stage.label(self.lang))
            body.append(Paragraph("{day}: {what}".format(
                day=esc(format_date_long(m.day, self.lang)), what=esc(what)), st.item,
                bulletText="–"))
        days = (d.voting_day - d.options.sunday).days
        if 0 < days <= 14:
            body.append(Paragraph(esc(ngettext("Voting day is in {n} day.",
                                               "Voting day is in {n} days.", days).format(n=days)),
                                  st.item, bulletText="–"))
        body.extend(self.free_text(d.texts.outlook))
        return out + (body or [self.nihil()])

    def conclusions(self) -> list[Flowable]:
        out: list[Flowable] = [self.p(_("9. Conclusions and recommendations"), self.st.section)]
        return out + (self.free_text(self.d.texts.conclusions) or [self.nihil()])
