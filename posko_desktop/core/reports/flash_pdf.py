"""The flash report (laporan cepat/khusus) of one incident as a PDF, in the shape of the
BNPB incident report: time of the update, waktu kejadian, lokasi, kronologis, korban,
kerugian materiil, upaya yang dilakukan, kondisi mutakhir, sumber.

`FlashData` is filled by `services.flash.gather()`; no queries here. Victims, material
loss, the current condition and the source's contact are the incident's own fields
(migration 0011); not recorded: "–", and the current condition is then the incident's
status with its latest follow-up.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from posko_desktop.core.i18n import _, language, ngettext
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.reports.data import Identity, Letterhead, Paper, ReportKind, Signer
from posko_desktop.core.reports.fonts import SANS, register_fonts
from posko_desktop.core.reports.pdf_common import (
    esc,
    severity_colors,
    severity_label,
    source_label,
    status_label,
    when,
)
from posko_desktop.core.reports.pdf_letter import LetterRenderer
from posko_desktop.core.timeutil import to_wib


@dataclass(frozen=True)
class FlashOptions:
    incident: str  # the incident's number (or id)
    paper: str = Paper.A4.value
    lang: str = "id"

    def to_json(self) -> dict[str, Any]:
        return {"kind": ReportKind.FLASH.value, "incident": self.incident,
                "paper": self.paper, "lang": self.lang}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FlashOptions:
        return cls(data["incident"], data.get("paper", Paper.A4.value), data.get("lang", "id"))


@dataclass(frozen=True)
class FlashAction:
    at: datetime
    text: str


@dataclass
class FlashData:
    options: FlashOptions
    incident_id: str
    number: str | None  # the report's number once issued
    incident_number: str
    title: str
    occurred_at: datetime
    reported_at: datetime
    regency_code: str
    regency_name: str
    kecamatan: str
    desa: str
    location: str
    category_code: str
    category_label_id: str
    category_label_en: str
    severity: str
    status: str
    description: str
    people_involved: int | None
    source_type: str
    source_detail: str
    actions: tuple[FlashAction, ...]  # upaya yang dilakukan, oldest first
    letterhead: Letterhead
    signer: Signer
    identity: Identity
    tembusan: tuple[str, ...]
    previous: str | None = None  # number of the earlier flash report of this incident
    # the incident's report fields (migration 0011); None: not recorded
    dead: int | None = None
    injured: int | None = None
    material_loss: str | None = None
    current_condition: str | None = None
    source_contact: str | None = None
    generated_at: datetime | None = None
    corrects: str | None = None
    audit_anchor: str | None = None
    training: bool = False  # a training database: a LATIHAN band on every page


def render(data: FlashData, stream: IO[bytes], progress: Progress = NO_PROGRESS) -> int:
    register_fonts()
    with language(data.options.lang):
        return FlashRenderer(data, progress).write(stream)


def render_bytes(data: FlashData, progress: Progress = NO_PROGRESS) -> tuple[bytes, int]:
    buf = io.BytesIO()
    pages = render(data, buf, progress)
    return buf.getvalue(), pages


class FlashRenderer(LetterRenderer):
    def __init__(self, data: FlashData, progress: Progress) -> None:
        updated = data.generated_at or data.reported_at
        super().__init__(data, lang=data.options.lang, paper=data.options.paper,
                         signed_on=_wib_day(updated), progress=progress)
        self.d = data

    def title_text(self) -> str:
        return "{t} – {n}".format(t=_("Flash report"), n=self.d.incident_number)

    def subject_text(self) -> str:
        return self.d.identity.subject or _("Flash report of incident {number}: {title}").format(
            number=self.d.incident_number, title=self.d.title)

    def body(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("FLASH REPORT"), st.title),
                               self.p(esc("{n} – {t}".format(n=d.incident_number, t=d.title)),
                                      st.subtitle), Spacer(1, 2 * mm)]
        if d.previous:
            out.append(self.p("<i>{}</i>".format(esc(_(
                "Update of flash report number {number}").format(number=d.previous))),
                st.subtitle))
        place = " – ".join(x for x in (d.regency_name, d.kecamatan, d.desa) if x)
        if d.location:
            place += " ({})".format(d.location)
        category = d.category_label_en if self.lang == "en" else d.category_label_id
        actions = [Paragraph(esc("{w} WIB – {t}".format(w=when(a.at, self.lang), t=a.text)),
                             st.cell) for a in d.actions] or [self.p("–", st.cell)]
        condition = d.current_condition or status_label(d.status)
        if not d.current_condition and d.actions:
            condition += " – " + _("last follow-up {when} WIB").format(
                when=when(d.actions[-1].at, self.lang))
        source = source_label(d.source_type) + (" – " + d.source_detail if d.source_detail else "")
        if d.source_contact:
            source += " – " + d.source_contact
        rows: list[tuple[str, Any]] = [
            (_("Time of this update"), "{} WIB".format(when(d.generated_at, self.lang))),
            (_("Time of the incident"), "{} WIB".format(when(d.occurred_at, self.lang))),
            (_("Location"), place),
            (_("Category and severity"), "{c} {l} – {s}".format(
                c=d.category_code, l=category, s=severity_label(d.severity))),
            (_("Chronology"), d.description or d.title),
            (_("Victims"), self.victims()),
            (_("Material loss"), d.material_loss or "–"),
            (_("Parties involved"), "–" if d.people_involved is None else ngettext(
                "{n} person", "{n} people", d.people_involved).format(
                n=self.num(d.people_involved))),
            (_("Efforts made"), actions),
            (_("Current condition"), condition),
            (_("Source"), source),
        ]
        table = Table([[self.p("<b>{}</b>".format(esc(k)), st.cell),
                        v if isinstance(v, list) else self.p(esc(v), st.cell)]
                       for k, v in rows], colWidths=[42 * mm, self.width - 42 * mm])
        severity_row = next(i for i, (k, _v) in enumerate(rows) if k == _("Category and severity"))
        fill = severity_colors().get(d.severity, (colors.white, colors.black))[0]
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), SANS, 8), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.4, "#7a7a7a"),
            # a swatch of the one severity palette (as the sitrep's incidents)
            ("LINEBEFORE", (1, severity_row), (1, severity_row), 5, fill),
        ]))
        out.append(table)
        return out

    def victims(self) -> str:
        d = self.d
        if d.dead is None and d.injured is None:
            return "–"
        return _("{dead} dead, {injured} injured").format(
            dead="?" if d.dead is None else self.num(d.dead),
            injured="?" if d.injured is None else self.num(d.injured))


def _wib_day(moment: datetime) -> date:
    return to_wib(moment).date()
