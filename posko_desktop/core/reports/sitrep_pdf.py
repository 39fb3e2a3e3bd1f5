"""The daily situation report (laporan situasi harian) as a PDF, with reportlab platypus.

`render(data, stream)` writes the whole report for a `SitrepData` into any binary stream
and returns the page count. No database access: `services.sitrep.gather()` collects the
data. Text is translated in the report's own language (`data.options.lang`).

Reader order (issue 15): kop, identity block (pdf_letter.py), title, A Pendahuluan,
B Ringkasan (highlights, key figures, reporting, the 35-regency recap, trend chart and
tile map), C Kejadian menonjol, D Kegiatan Posko, E Tindak lanjut dan koordinasi,
F Kendala, G Perkiraan dan agenda, H Simpulan dan saran, signature, tembusan, Lampiran
(I: every incident of the period, II: the referrals).

Determinism: the PDF is written with reportlab's `invariant` flag (no creation date or
random document id), so the same data gives the same bytes; the only varying text is the
generation time in the footer (`data.generated_at`).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from posko_desktop.core.i18n import _, language, ngettext
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.reports import pdf_charts, unit_report
from posko_desktop.core.reports.annex import Annex, paper_rows, sitrep_annex
from posko_desktop.core.reports.data import (
    GROUPS,
    SEVERITIES,
    ActivityLine,
    AppendixRow,
    Counts,
    MedsosSummary,
    NotableIncident,
    SitrepData,
)
from posko_desktop.core.reports.fonts import SANS, register_fonts
from posko_desktop.core.reports.kerawanan_pdf import kerawanan_block
from posko_desktop.core.reports.pdf_common import (
    ALERT,
    NOTABLE_MARK,
    SUB_BG,
    TOTAL_BG,
    WrapTable,
    count_of,
    countdown_text,
    esc,
    grid_style,
    level_colors,
    level_label,
    referral_label,
    report_status_label,
    severity_colors,
    severity_label,
    shorten,
    source_label,
    status_label,
    when,
    when_short,
)
from posko_desktop.core.reports.pdf_letter import LetterRenderer
from posko_desktop.core.reports.stage_table import stage_progress_table, stage_summary
from posko_desktop.core.textrules import format_date, format_date_long, format_signed, format_time
from posko_desktop.core.timeutil import to_wib

logger = logging.getLogger(__name__)

CHRONOLOGY_MAX = 260  # characters of a chronology in a section C block (about 3 lines)
ACTION_MAX = 150
SOURCE_MAX = 80


def render(data: SitrepData, stream: IO[bytes], progress: Progress = NO_PROGRESS) -> int:
    """Write the report as PDF into `stream`; returns the number of pages."""
    register_fonts()
    with language(data.options.lang):
        return SitrepRenderer(data, progress).write(stream)


def render_bytes(data: SitrepData, progress: Progress = NO_PROGRESS) -> tuple[bytes, int]:
    buf = io.BytesIO()
    pages = render(data, buf, progress)
    return buf.getvalue(), pages


def medsos_block(r: LetterRenderer, m: MedsosSummary) -> list[Flowable]:
    """Pemantauan media sosial: the period's figures, then the cases opened or decided."""
    st = r.st
    figures = [
        (_("Posts collected"), m.posts), (_("New hoax cases"), m.new_cases),
        (_("Verdicts approved"), m.verdicts), (_("Clarifications published"), m.clarifications),
        (_("Take-down requests sent"), m.takedowns_sent),
        (_("Taken down"), m.takedowns_down), (_("Requests still up"), m.takedowns_up)]
    out: list[Flowable] = [r.p(_("Social media monitoring"), st.subsection)]
    cells = [[r.p(esc(label), st.cell), r.p(r.num(n), st.cell_r)] for label, n in figures]
    cells.append([r.p("", st.cell), r.p("", st.cell)])
    half = (len(cells) + 1) // 2
    rows = [left + right for left, right in zip(cells[:half], cells[half:], strict=False)]
    w = r.width - 14
    table = Table(rows, hAlign="RIGHT", colWidths=[w * 0.38, w * 0.12, w * 0.38, w * 0.12])
    table.setStyle(TableStyle(grid_style()))
    out.append(table)
    if m.cases:
        head = [r.p(h, st.head) for h in (_("Case"), _("Opened (WIB)"), _("Claim"),
                                          _("Verdict"))]
        lines: list[list[Any]] = [head] + [[
            r.p(esc(c.number), st.cell), r.p(esc(when(c.opened_at, r.lang)), st.cell),
            r.p(esc(c.claim), st.cell), r.p(esc(c.verdict(r.lang) or "–"), st.cell)]
            for c in m.cases]
        cases = Table(lines, repeatRows=1, hAlign="RIGHT",
                      colWidths=[w * 0.25, w * 0.14, w * 0.41, w * 0.2])
        cases.setStyle(TableStyle(grid_style() + [("VALIGN", (0, 1), (-1, -1), "TOP")]))
        out += [Spacer(1, 2 * mm), cases]
    return out


def activity_table(r: LetterRenderer, lines: tuple[ActivityLine, ...]) -> Table:
    """Kegiatan Posko: one row per activity (the daily section D and the weekly report)."""
    st = r.st
    head = [r.p(h, st.head) for h in (_("Time (WIB)"), _("Activity"), _("Regency/city"),
                                      _("Partners"), _("Result"))]
    rows: list[list[Any]] = [head]
    for a in lines:
        rows.append([r.p(esc(when(a.at, r.lang)), st.cell), r.p(esc(a.kind_label(r.lang)), st.cell),
                     r.p(esc(", ".join(a.regencies) or _("Province")), st.cell),
                     r.p(esc(", ".join(a.partners) or "–"), st.cell), r.p(esc(a.result), st.cell)])
    w = r.width - 14
    table = Table(rows, repeatRows=1, hAlign="RIGHT",
                  colWidths=[w * 0.15, w * 0.15, w * 0.18, w * 0.20, w * 0.32])
    table.setStyle(TableStyle(grid_style() + [("VALIGN", (0, 1), (-1, -1), "TOP")]))
    return table


class SitrepRenderer(LetterRenderer):
    def __init__(self, data: SitrepData, progress: Progress) -> None:
        super().__init__(data, lang=data.options.lang, paper=data.options.paper,
                         signed_on=data.options.report_date, progress=progress)
        self.d = data
        self.annex: Annex | None = None  # Lampiran I in full, when paper shows only a part

    def title_text(self) -> str:
        return "{t} – {d}".format(t=_("Daily situation report"),
                                  d=format_date_long(self.d.options.report_date, self.lang))

    def subject_text(self) -> str:
        return self.d.identity.subject or _("Daily situation report of the {election}, "
                                            "{day}").format(
            election=self.d.election_name,
            day=format_date_long(self.d.options.report_date, self.lang))

    def period_text(self) -> str:
        p = self.d.period
        return _("{start_day} at {start_time} WIB to {end_day} at {end_time} WIB").format(
            start_day=format_date_long(to_wib(p.start).date(), self.lang),
            start_time=format_time(p.start, self.lang),
            end_day=format_date_long(to_wib(p.end).date(), self.lang),
            end_time=format_time(p.end, self.lang),
        )

    def body(self) -> list[Flowable]:
        steps: list[Callable[[], list[Flowable]]] = [
            self.heading, self.section_a, self.section_b, self.recap, self.stage_progress,
            self.charts,
            self.section_c, self.section_d, self.section_e, self.section_f, self.section_g,
            self.section_h,
        ]
        story: list[Flowable] = []
        for i, step in enumerate(steps):
            self.progress.report(40 + i * 3, 100, _("Writing the report"))
            story.extend(step())
        return story

    # -- title
    def heading(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [
            self.p(_("DAILY SITUATION REPORT"), st.title),
            self.p(esc("{e} – {s}".format(e=d.election_name.upper(), s=d.scope_name.upper())),
                   st.subtitle),
            Spacer(1, 2.5 * mm),
        ]
        stages = "; ".join(s.label(self.lang) for s in d.stages_now) or "–"
        cd = d.countdown
        if cd > 0:
            cd_text = ngettext("{h}: {n} day before voting day ({day})",
                               "{h}: {n} days before voting day ({day})", cd)
        elif cd == 0:
            cd_text = _("{h}: voting day ({day})")
        else:
            cd_text = ngettext("{h}: {n} day after voting day ({day})",
                               "{h}: {n} days after voting day ({day})", -cd)
        cd_text = cd_text.format(h=countdown_text(cd), n=abs(cd),
                                 day=format_date_long(d.voting_day, self.lang))
        rows = [
            (_("Day, date"), format_date_long(d.options.report_date, self.lang)),
            (_("Period covered"), self.period_text()),
            (_("Scope"), self.scope_text()),
            (_("Election stage"), stages),
            (_("Countdown"), cd_text),
        ]
        label = ParagraphStyle("lab", parent=st.body, spaceAfter=0)
        table = Table(
            [[self.p(esc(k), label), self.p(":", label), self.p(esc(v), label)]
             for k, v in rows if v],
            colWidths=[40 * mm, 4 * mm, self.width - 44 * mm],
        )
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), SANS, 8),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
        ]))
        out.append(table)
        return out

    def scope_text(self) -> str:
        d = self.d
        if d.is_province:
            return _("{name} ({count} regencies and cities)").format(
                name=d.scope_name, count=len(d.regency_rows))
        return d.scope_name

    # -- A
    def section_a(self) -> list[Flowable]:
        out: list[Flowable] = [self.p(_("A. INTRODUCTION"), self.st.section)]
        body = self.free_text(self.d.introduction)
        return out + (body or [self.nihil()])

    # -- B
    def section_b(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("B. SITUATION SUMMARY"), st.section),
                               self.p(_("1. Highlights"), st.subsection)]
        highlights = [h for h in (d.texts.highlights or []) if h.strip()][:5]
        if highlights:
            for i, line in enumerate(highlights):
                out.append(Paragraph(esc(line), st.item, bulletText=f"{chr(97 + i)}."))
        else:
            out.append(Paragraph(_("Nil"), st.item))
        out.append(self.p(_("2. Key figures"), st.subsection))
        out.append(self.key_figures_table())
        out.append(self.p(_("3. Reporting by the regencies and cities"), st.subsection))
        out.extend(self.reporting_lines())
        out.extend(unit_report.agency_lines(self, d.unit_rows))

        if d.kerawanan is not None:  # the baseline beside the situation (issue 17)
            out.extend(kerawanan_block(self, d.kerawanan, _("4. Kerawanan")))
        return out

    def key_figures_table(self) -> Table:
        st, f = self.st, self.d.figures
        head = [self.p(_("Item"), st.head), self.p(_("This period"), st.head),
                self.p(_("Previous period"), st.head), self.p(_("Change"), st.head),
                self.p(_("Cumulative since {day}").format(
                    day=format_date(f.cumulative_from, self.lang)), st.head)]
        rows: list[list[Any]] = [head]
        subheads: list[int] = []
        bold_rows: list[int] = []
        sev_rows: dict[int, str] = {}

        def add(label: str, getter: Callable[[Counts], int], bold: bool = False,
                indent: bool = False) -> None:
            a, b, c = getter(f.period), getter(f.previous), getter(f.cumulative)
            cell = self.p(("&nbsp;&nbsp;&nbsp;&nbsp;" if indent else "") + esc(label),
                          st.cell_b if bold else st.cell)
            if bold:
                bold_rows.append(len(rows))
            rows.append([cell, self.num(a), self.num(b), format_signed(a - b, self.lang),
                         self.num(c)])

        add(_("New incidents"), lambda c: c.new, bold=True)
        add(_("of which still open"), lambda c: c.open, indent=True)
        add(_("of which resolved"), lambda c: c.resolved, indent=True)
        add(_("of which rejected or not verifiable"), lambda c: c.closed_other, indent=True)
        subheads.append(len(rows))
        rows.append([self.p(_("By severity"), st.cell_b), "", "", "", ""])
        for sev in SEVERITIES:
            sev_rows[len(rows)] = sev
            add(severity_label(sev), count_of("by_severity", sev), indent=True)
        subheads.append(len(rows))
        rows.append([self.p(_("By category group"), st.cell_b), "", "", "", ""])
        for g in self.d.groups:
            add("{code}. {label}".format(code=g.code, label=g.label(self.lang)),
                count_of("by_group", g.code), indent=True)
        w = self.width
        table = Table(rows, colWidths=[w * 0.40, w * 0.14, w * 0.15, w * 0.12, w * 0.19],
                      repeatRows=1)
        style = grid_style() + [
            ("FONT", (1, 1), (-1, -1), SANS, 7.8),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("RIGHTPADDING", (1, 1), (-1, -1), 6),
            ("TOPPADDING", (0, 1), (-1, -1), 1.2), ("BOTTOMPADDING", (0, 1), (-1, -1), 1.6),
        ]
        for r in subheads:
            style += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), SUB_BG)]
        for r in bold_rows:
            style.append(("FONT", (1, r), (-1, r), f"{SANS}-Bold", 7.8))
        sev_fill = severity_colors()
        for r, sev in sev_rows.items():  # a swatch of the one severity palette
            style += [("LINEBEFORE", (0, r), (0, r), 5, sev_fill[sev][0])]
        table.setStyle(TableStyle(style))
        return table

    def reporting_lines(self) -> list[Flowable]:
        st, d = self.st, self.d
        by: dict[str, list[str]] = {"masuk": [], "nihil": [], "belum": []}
        for row in d.regency_rows:
            by.setdefault(row.report_status, []).append(row.name)
        out: list[Flowable] = []
        labels = (
            ("masuk", _("Reported incidents")),
            ("nihil", _("Reported nil (nothing happened)")),
            ("belum", _("Not yet reported")),
        )
        for code, label in labels:
            names = by.get(code, [])
            text = "<b>{label}</b>: {n}".format(label=esc(label), n=ngettext(
                "{count} regency/city", "{count} regencies/cities", len(names)).format(
                count=len(names)))
            if names and code != "masuk":
                text += " – " + esc(", ".join(names))
            out.append(Paragraph(text, st.item, bulletText="–"))
        return out

    # -- the 35-regency recap (B.4)
    def recap(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("4. Recapitulation by regency and city"), st.subsection)]
        head = ([self.p(_("No."), st.head), self.p(_("Regency/city"), st.head)]
                + [self.p(g, st.head) for g in GROUPS]
                + [self.p(_("Total"), st.head), self.p(_("Report"), st.head),
                   self.p(_("Situation"), st.head)])
        rows: list[list[Any]] = [head]
        total_col = 2 + len(GROUPS)  # No., name, the groups, then total, report, situation
        style = grid_style() + [
            ("FONT", (0, 1), (-1, -1), SANS, 7.8),
            ("ALIGN", (0, 1), (0, -1), "CENTER"),
            ("ALIGN", (2, 1), (total_col, -1), "RIGHT"),
            ("ALIGN", (total_col + 1, 1), (-1, -1), "CENTER"),
            ("TOPPADDING", (0, 1), (-1, -1), 1.0), ("BOTTOMPADDING", (0, 1), (-1, -1), 1.4),
            # counts: narrow padding, so a five-digit total fits the 9 mm group columns
            ("LEFTPADDING", (2, 1), (total_col, -1), 2),
            ("RIGHTPADDING", (2, 1), (total_col, -1), 3),
        ]
        colors_by_level = level_colors()
        level_styles = {code: ParagraphStyle(f"lv_{code}", parent=st.cell_c, textColor=fg,
                                             fontName=f"{SANS}-Bold")
                        for code, (_bg, fg) in colors_by_level.items()}
        missing = ParagraphStyle("belum", parent=st.cell_c, textColor=ALERT)
        totals = dict.fromkeys(GROUPS, 0)
        for i, row in enumerate(d.regency_rows, start=1):
            r = len(rows)
            rows.append([str(i), self.p(esc(row.name), st.cell)]
                        + [self.num(row.by_group.get(g, 0)) for g in GROUPS]
                        + [self.num(row.total),
                           self.p(esc(report_status_label(row.report_status)),
                                  missing if row.report_status == "belum" else st.cell_c),
                           self.p(esc(level_label(row.level)),
                                  level_styles.get(row.level, st.cell_c))])
            for g in GROUPS:
                totals[g] += row.by_group.get(g, 0)
            style.append(("FONT", (total_col, r), (total_col, r), f"{SANS}-Bold", 7.8))
            fill = colors_by_level.get(row.level)
            if fill is not None:
                style.append(("BACKGROUND", (total_col + 2, r), (total_col + 2, r), fill[0]))
        r = len(rows)
        rows.append(["", self.p("<b>{}</b>".format(_("TOTAL")), st.cell)]
                    + [self.num(totals[g]) for g in GROUPS]
                    + [self.num(sum(totals.values())), "", ""])
        style += [("BACKGROUND", (0, r), (-1, r), TOTAL_BG),
                  ("FONT", (2, r), (-1, r), f"{SANS}-Bold", 7.0)]  # totals: 5 digits in 9 mm
        # group H (issue 18) took its 9 mm from the report and situation columns: the
        # regency names keep their width
        fixed = 8 * mm + len(GROUPS) * 9 * mm + 15 * mm + 17 * mm + 20 * mm
        table = Table(rows, repeatRows=1, colWidths=[8 * mm, self.width - fixed]
                      + [9 * mm] * len(GROUPS) + [15 * mm, 17 * mm, 20 * mm])
        table.setStyle(TableStyle(style))
        out.append(table)
        legend = "; ".join("<b>{c}</b> = {l}".format(c=g.code, l=esc(g.label(self.lang)))
                           for g in d.groups)
        out.append(Spacer(1, 1.5 * mm))
        out.append(self.p("{k}: {legend}. {r}".format(
            k=_("Legend"), legend=legend, r=esc(_(
                "Report: Reported = incidents arrived from or were entered for the regency in "
                "the period; Nil = it reported that nothing happened; Not yet = no report."))),
            st.small))
        out.extend(unit_report.agency_recap(self, d.unit_rows))
        return out

    def stage_progress(self) -> list[Flowable]:
        """B.5 (issue 17): a summary; the table per regency is Appendix III."""
        d = self.d
        if not d.stage_progress:
            return []
        return [self.p(_("5. Voting, the tally and disputes (as of the period's end)"),
                       self.st.subsection),
                Paragraph(esc(stage_summary(d.stage_progress, d.regency_count, self.lang)),
                          self.st.item)]

    def charts(self) -> list[Flowable]:
        d, st = self.d, self.st
        out: list[Flowable] = []
        trend = pdf_charts.trend_image(d.trend, self.width, figsize=(8.0, 3.2))
        tiles = pdf_charts.tile_image(d.levels, self.width * 0.85)
        self.progress.report(70, 100, _("Drawing the charts"))
        if trend is not None:
            out.append(CondPageBreak(trend.drawHeight + 14 * mm))
            out.append(Spacer(1, 3 * mm))
            out.append(KeepTogether([trend, self.p(esc(_(
                "Figure 1. Incidents per day (WIB calendar day) with the 7-day moving "
                "average and the election milestones")), st.caption)]))
        if tiles is not None:
            out.append(KeepTogether([tiles, self.p(esc(_(
                "Figure 2. Situation level of the 35 regencies and cities at the end of the "
                "period (K, W, S, A: the level's letter on each tile)")), st.caption)]))
        return out

    # -- C
    def section_c(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("C. NOTABLE INCIDENTS"), st.section)]
        if not d.notable_total:
            return out + [self.nihil()]
        intro = ngettext(
            "{count} incident of the period is notable (high or critical severity, or "
            "verified or taken into follow-up in the period).",
            "{count} incidents of the period are notable (high or critical severity, or "
            "verified or taken into follow-up in the period).", d.notable_total,
        ).format(count=self.num(d.notable_total))
        rest = d.notable_total - len(d.notable)
        if rest > 0:
            intro += " " + ngettext(
                "The {n} that matter most are described here; the other {m} is marked "
                "with {mark} in Appendix I.",
                "The {n} that matter most are described here; the other {m} are marked "
                "with {mark} in Appendix I.", rest).format(
                n=self.num(len(d.notable)), m=self.num(rest), mark=NOTABLE_MARK)
        out.append(self.p(esc(intro), ParagraphStyle("cintro", parent=st.body_j, leftIndent=14)))
        for i, inc in enumerate(d.notable, start=1):
            out.append(self.notable_block(i, inc))
        return out

    def notable_block(self, i: int, inc: NotableIncident) -> Flowable:
        """At most about 8 lines: title, facts, chronology, follow-up; a shortened text
        says so and where the whole is (never an ellipsis)."""
        st = self.st
        place = " – ".join(x for x in (inc.regency_name, inc.kecamatan, inc.desa) if x)
        if inc.location:
            place += " ({})".format(inc.location)
        status = status_label(inc.status)
        if inc.moved_to:
            status += " – " + _("became {status} in the period").format(
                status=status_label(inc.moved_to).lower())
        cat_label = inc.category_label_en if self.lang == "en" else inc.category_label_id
        facts = [(_("Time"), "{w} WIB".format(w=when(inc.occurred_at, self.lang))),
                 (_("Location"), place),
                 (_("Category"), "{c} {l}".format(c=inc.category_code, l=cat_label)),
                 (_("Severity"), severity_label(inc.severity)),
                 (_("Status"), status)]
        if inc.people_involved is not None:
            facts.append((_("Parties involved"), ngettext(
                "{n} person", "{n} people", inc.people_involved).format(
                n=self.num(inc.people_involved))))
        shortened = _("(shortened; the full text is in the incident log)")
        chronology, cut = shorten(inc.description or inc.title, CHRONOLOGY_MAX)
        follow = "–"
        if inc.latest_action:
            text, cut_a = shorten(inc.latest_action, ACTION_MAX)
            follow = "{t}{s} ({w} WIB)".format(t=text, s=" " + shortened if cut_a else "",
                                               w=when(inc.latest_action_at, self.lang))
        if inc.referrals:
            follow += "; " + _("referred to {list}").format(list=", ".join(
                "{a} ({s})".format(a=a, s=referral_label(s).lower()) for a, s in inc.referrals))
        source = source_label(inc.source_type)
        if inc.source_detail:
            detail, cut_s = shorten(inc.source_detail, SOURCE_MAX)
            source += " – " + detail + (" " + shortened if cut_s else "")
        style = ParagraphStyle("cblock", parent=st.small, fontSize=8.4, leading=10.4,
                               leftIndent=14, spaceAfter=0)
        parts = [
            "<b>{i}. {n} – {t}</b>".format(i=i, n=esc(inc.number), t=esc(inc.title)),
            "; ".join("<b>{k}</b>: {v}".format(k=esc(k), v=esc(v)) for k, v in facts),
            "<b>{k}</b>: {v}".format(k=esc(_("Chronology")), v=esc(chronology)
                                      + (" <i>{}</i>".format(esc(shortened)) if cut else "")),
            "<b>{k}</b>: {v}. <b>{s}</b>: {src}".format(
                k=esc(_("Latest follow-up")), v=esc(follow), s=esc(_("Source")),
                src=esc(source)),
        ]
        sev_fill = severity_colors().get(inc.severity, (colors.white, colors.black))[0]
        block = Table([[[Paragraph(x, style) for x in parts]]], colWidths=[self.width])
        block.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), SANS, 8), ("LINEBEFORE", (0, 0), (0, 0), 4, sev_fill),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]))
        return block

    # -- D
    def section_d(self) -> list[Flowable]:
        out: list[Flowable] = [self.p(_("D. ACTIVITIES OF THE POSKO"), self.st.section)]
        out.append(activity_table(self, self.d.activities) if self.d.activities
                   else self.nihil())
        if self.d.medsos is not None:
            out += medsos_block(self, self.d.medsos)
        return out

    # -- E
    def section_e(self) -> list[Flowable]:
        st, d = self.st, self.d
        a = d.actions
        out: list[Flowable] = [self.p(_("E. FOLLOW-UP AND COORDINATION"), st.section)]
        out.append(self.p(esc(_(
            "In the period: {notes} follow-up note(s), {status} status change(s), {sent} new "
            "referral(s) to agencies and {updates} referral update(s).").format(
                notes=self.num(a.notes), status=self.num(a.status_changes),
                sent=self.num(a.referrals_sent), updates=self.num(a.referral_updates))),
            ParagraphStyle("eintro", parent=st.body_j, leftIndent=14)))
        if not d.referrals_total:
            return out + [self.nihil()]
        out.append(self.agency_table())
        out.append(Spacer(1, 1.5 * mm))
        out.append(self.p(esc(ngettext(
            "The referral is listed in Appendix II, overdue first.",
            "The {n} referrals are listed in Appendix II, overdue first.",
            d.referrals_total).format(n=self.num(d.referrals_total))),
            ParagraphStyle("eref", parent=st.small, leftIndent=14)))
        return out

    def agency_table(self) -> Table:
        st = self.st
        head = [self.p(h, st.head) for h in (
            _("Agency"), _("Sent in the period"), _("of which done"), _("Still open"),
            _("Past the due time"))]
        rows: list[list[Any]] = [head]
        totals = [0, 0, 0, 0]
        for a in self.d.agency_rows:
            values = [a.sent, a.done, a.open, a.overdue]
            totals = [t + v for t, v in zip(totals, values, strict=True)]
            rows.append([self.p(esc(a.name), st.cell)] + [self.num(v) for v in values])
        rows.append([self.p("<b>{}</b>".format(_("TOTAL")), st.cell)]
                    + [self.num(v) for v in totals])
        w = self.width - 14
        table = Table(rows, repeatRows=1, hAlign="RIGHT",
                      colWidths=[w * 0.36, w * 0.16, w * 0.16, w * 0.16, w * 0.16])
        table.setStyle(TableStyle(grid_style() + [
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("RIGHTPADDING", (1, 1), (-1, -1), 6),
            ("BACKGROUND", (0, -1), (-1, -1), TOTAL_BG),
            ("FONT", (1, -1), (-1, -1), f"{SANS}-Bold", 7.8),
        ]))
        return table

    # -- F, G, H
    def section_f(self) -> list[Flowable]:
        out: list[Flowable] = [self.p(_("F. OBSTACLES"), self.st.section)]
        return out + (self.free_text(self.d.texts.obstacles) or [self.nihil()])

    def section_g(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("G. OUTLOOK AND AGENDA FOR THE NEXT 24/48/72 HOURS"),
                                      st.section)]
        body: list[Flowable] = []
        for m in d.milestones:
            days = max((m.day - d.options.report_date).days, 1)
            what = (_("{stage} begins") if m.starts else _("{stage} ends")).format(
                stage=m.stage.label(self.lang))
            body.append(Paragraph("{day} ({within}): {what}".format(
                day=esc(format_date_long(m.day, self.lang)),
                within=esc(ngettext("within {n} hour", "within {n} hours", 24 * days).format(
                    n=24 * days)), what=esc(what)), st.item, bulletText="–"))
        body.extend(self.free_text(d.texts.outlook))
        return out + (body or [self.nihil()])

    def section_h(self) -> list[Flowable]:
        out: list[Flowable] = [self.p(_("H. CONCLUSIONS AND RECOMMENDATIONS"), self.st.section)]
        return out + (self.free_text(self.d.texts.conclusions) or [self.nihil()])

    # -- Lampiran
    def appendix(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [
            PageBreak(),
            self.p(_("APPENDIX I"), st.title),
            self.p(esc(_("Incidents in the period {period}").format(period=self.period_text())),
                   st.subtitle),
            Spacer(1, 3 * mm),
        ]
        if not d.appendix:
            out.append(self.p(_("Nil"), st.subtitle))
        else:
            shown = self.paper_rows()
            if len(shown) < len(d.appendix):
                out.append(self.annex_note(len(shown)))
                out.append(Spacer(1, 2 * mm))
            head = [self.p(h, st.head_s) for h in (
                _("No."), _("Number"), _("Time (WIB)"), _("Regency/city"), _("Cat."),
                _("Severity"), _("Status"), _("Title"))]
            sev = {s: severity_label(s) for s in SEVERITIES}
            statuses: dict[str, str] = {}
            fixed = [9 * mm, 25 * mm, 18 * mm, 25 * mm, 8 * mm, 17 * mm, 21 * mm]
            title_w = self.width - sum(fixed)
            body: list[list[str]] = []
            for i, r in shown:
                status = statuses.get(r.status)
                if status is None:
                    status = statuses[r.status] = status_label(r.status)
                number = f"{NOTABLE_MARK} {r.number}" if r.notable else r.number
                body.append([str(i), number, when_short(r.occurred_at, self.lang),
                             r.regency_name, r.category_code, sev.get(r.severity, r.severity),
                             status, r.title])
            out.append(WrapTable(head, body, fixed + [title_w], align="rlllclll"))
            out.append(Spacer(1, 1.5 * mm))
            out.append(self.p(esc(_("{mark} = notable incident (section C).").format(
                mark=NOTABLE_MARK)), st.small))
        if d.referrals:
            out += self.referral_appendix()
        if d.stage_progress:
            out += [PageBreak(), self.p(_("APPENDIX III"), st.title),
                    self.p(esc(_("Voting, the tally and disputes per regency/city (as of the "
                                 "period's end)")), st.subtitle),
                    Spacer(1, 3 * mm),
                    stage_progress_table(self, d.stage_progress, d.regency_count)]
        return out

    def paper_rows(self) -> list[tuple[int, AppendixRow]]:
        """The rows of Lampiran I on paper with their number in the full list: all of them,
        or beyond `appendix_pdf_max` the most severe first (then the notable, then by time)
        while the attached XLSX file holds every row (`attachments`)."""
        d = self.d
        rows = paper_rows(d.appendix, d.appendix_pdf_max)
        if len(rows) < len(d.appendix):
            self.annex = sitrep_annex(d)
        return rows

    def annex_note(self, shown: int) -> Flowable:
        a = self.annex
        assert a is not None
        return self.p(esc(_(
            "The period has {total} incidents; this table shows the {n} most severe. The full "
            "list of all {total} incidents is the spreadsheet {name} ({total} rows, SHA-256 "
            "{sha}), attached to this PDF file and delivered with it.").format(
            total=self.num(len(self.d.appendix)), n=self.num(shown), name=a.name,
            sha=a.sha256)), self.st.body)

    def attachments(self) -> list[Annex]:
        return [self.annex] if self.annex is not None else []

    def referral_appendix(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [PageBreak(), self.p(_("APPENDIX II"), st.title),
                               self.p(esc(_("Referrals, overdue first")), st.subtitle),
                               Spacer(1, 3 * mm)]
        head = [self.p(h, st.head_s) for h in (
            _("No."), _("Incident"), _("Regency/city"), _("Agency"), _("Sent (WIB)"),
            _("Due (WIB)"), _("State"), _("Note"))]
        rows: list[list[str]] = []
        red: set[tuple[int, int]] = set()
        fixed = [9 * mm, 24 * mm, 22 * mm, 22 * mm, 18 * mm, 18 * mm, 22 * mm]
        for i, ref in enumerate(d.referrals, start=1):
            state = referral_label(ref.state)
            if ref.overdue:
                state += " – " + _("overdue")
                red.add((i - 1, 6))
            rows.append([str(i), ref.incident_number, ref.regency_name, ref.agency_name,
                         when_short(ref.created_at, self.lang), when_short(ref.due_at, self.lang),
                         state, ref.text])
        out.append(WrapTable(head, rows, fixed + [self.width - sum(fixed)], align="rlllllll",
                             red=frozenset(red)))
        note = _("Listed: referrals sent in the period, and referrals of the 7 days before "
                 "that are still open at its end.")
        if d.referrals_total > len(d.referrals):
            note += " " + _("The first {n} of {total} are listed; the table per agency counts "
                            "all of them.").format(n=self.num(len(d.referrals)),
                                                   total=self.num(d.referrals_total))
        out.append(Spacer(1, 1.5 * mm))
        out.append(self.p(esc(note), st.small))
        return out
