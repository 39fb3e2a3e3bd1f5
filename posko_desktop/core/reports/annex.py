"""The electronic Lampiran: when a period holds more incidents than the paper list may
show (`sitrep.appendix_pdf_max`; the weekly report's open critical incidents:
`weekly.critical_pdf_max`), the full list is an XLSX file embedded in the PDF
(a PDF file attachment, so the archive keeps it with the report under the report's own
SHA-256) and written beside every PDF file the app saves. The paper names the file, its row
count and its SHA-256 (docs/decisions.md, "The Lampiran beyond the paper").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString

from posko_desktop.core.i18n import _
from posko_desktop.core.reports.annex_xlsx import MIME, write_xlsx_columns
from posko_desktop.core.reports.data import SEVERITIES, AppendixRow, SitrepData
from posko_desktop.core.reports.pdf_common import NOTABLE_MARK, severity_label, status_label
from posko_desktop.core.reports.weekly_data import WeeklyData
from posko_desktop.core.textrules import (
    FORMULA_TRIGGERS,
    format_date_long,
    format_int,
    training_marking,
)

# Asia/Jakarta has been UTC+7 without daylight saving since 1964: a fixed offset per row is
# exact for every incident the app holds and ten times cheaper than a zone lookup.
WIB_OFFSET = timedelta(hours=7)
_MIME_NAME = "/" + MIME.replace("/", "#2F")  # a PDF name: "/" inside is written #2F


@dataclass(frozen=True)
class Annex:
    name: str  # file name, printed on paper and used beside the PDF
    content: bytes
    rows: int
    description: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def annex_name(data: SitrepData) -> str:
    scope = (data.options.regency or "33").replace(".", "")
    return "lampiran-i-sitrep-{d}-{s}.xlsx".format(d=data.options.report_date.isoformat(),
                                                     s=scope)


def wib_minutes(moments: Iterable[datetime]) -> list[str]:
    """'2024-11-26 14:05' (WIB) for each UTC time: formatted once per minute (a voting day
    has ~65,000 incidents in 1,440 minutes; strftime per row was a tenth of the report's
    time budget)."""
    cache: dict[tuple[int, int, int, int, int], str] = {}
    out = []
    for m in moments:
        key = (m.year, m.month, m.day, m.hour, m.minute)
        text = cache.get(key)
        if text is None:
            text = cache[key] = (m + WIB_OFFSET).strftime("%Y-%m-%d %H:%M")
        out.append(text)
    return out


def incident_annex(name: str, rows: Sequence[AppendixRow], description: str, note: str,
                   sheet: str, *, training: bool, notable_column: bool) -> Annex:
    """A list of incidents as an XLSX annex, in the current language: No., number, time
    (WIB), regency, category, severity, status, title (and the notable mark); above the
    header the training marking (a training database), `description` and `note`."""
    sev = {s: severity_label(s) for s in SEVERITIES}
    statuses = {st: status_label(st) for st in {r.status for r in rows}}
    triggers = set(FORMULA_TRIGGERS)  # one character each: as `neutralise_cell`, per column
    columns: list[Sequence[str | int]] = [
        list(range(1, len(rows) + 1)), [r.number for r in rows],
        wib_minutes(r.occurred_at for r in rows), [r.regency_name for r in rows],
        [r.category_code for r in rows], [sev.get(r.severity, r.severity) for r in rows],
        [statuses[r.status] for r in rows],
        ["'" + t if t[:1] in triggers else t for t in (r.title for r in rows)]]
    header = [_("No."), _("Number"), _("Time (WIB)"), _("Regency/city"), _("Category"),
              _("Severity"), _("Status"), _("Title")]
    widths = [7, 16, 17, 24, 9, 10, 18, 70]
    if notable_column:
        columns.append([NOTABLE_MARK if r.notable else "" for r in rows])
        header.append(_("Notable"))
        widths.append(9)
    titles = [training_marking()] if training else []
    content = write_xlsx_columns(sheet, [*titles, description, note], header, columns,
                                 widths)
    return Annex(name, content, len(rows), description)


def sitrep_annex(data: SitrepData) -> Annex:
    """Every incident of the period (Lampiran I in full), in the current language."""
    title = _("Appendix I – every incident of the period, daily situation report {day}, "
              "{scope}").format(day=format_date_long(data.options.report_date,
                                                     data.options.lang),
                                scope=data.scope_name)
    note = _("{n} incidents; {mark} = notable incident (section C)").format(
        n=format_int(len(data.appendix), data.options.lang), mark=NOTABLE_MARK)
    return incident_annex(annex_name(data), data.appendix, title, note, _("Appendix I"),
                          training=data.training, notable_column=True)


def weekly_annex(data: WeeklyData) -> Annex:
    """Every open critical incident of the week (section 5 in full), current language."""
    scope = (data.options.regency or "33").replace(".", "")
    name = "kejadian-kritis-terbuka-{w}-{s}.xlsx".format(w=data.options.week, s=scope)
    title = _("Critical incidents of the week still open, weekly report {week}, "
              "{scope}").format(week=data.options.week, scope=data.scope_name)
    note = _("{n} critical incidents that occurred in the week and are still open, the "
             "oldest first").format(n=format_int(len(data.open_critical), data.options.lang))
    return incident_annex(name, data.open_critical, title, note, _("Open critical"),
                          training=data.training, notable_column=False)


def paper_rows(rows: Sequence[AppendixRow], limit: int) -> list[tuple[int, AppendixRow]]:
    """The rows a paper list shows, each with its number in the full list: all of them, or
    beyond `limit` (0: no limit) the most severe first, then the notable, then in list
    order (time order: the oldest first). One pass into buckets, not a sort of all."""
    numbered = list(enumerate(rows, start=1))
    if not limit or len(numbered) <= limit:
        return numbered
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    buckets: dict[tuple[int, bool], list[tuple[int, AppendixRow]]] = {}
    for item in numbered:
        r = item[1]
        key = (-rank.get(r.severity, 0), not r.notable)
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = []
        bucket.append(item)
    out: list[tuple[int, AppendixRow]] = []
    for key in sorted(buckets):
        out += buckets[key]
        if len(out) >= limit:
            break
    return out[:limit]


# --- inside the PDF ----------------------------------------------------------------------


def embed(doc: Any, annexes: list[Annex]) -> None:
    """Attach the files to the PDF being written (reportlab's document of a canvas, before
    it saves): the catalog's EmbeddedFiles name tree, one file specification each."""
    names: list[Any] = []
    for a in annexes:
        stream = PDFStream(PDFDictionary({
            "Type": PDFName("EmbeddedFile"), "Subtype": _MIME_NAME,
            "Params": PDFDictionary({"Size": len(a.content)})}), a.content, filters=[])
        spec = PDFDictionary({
            "Type": PDFName("Filespec"), "F": PDFString(a.name), "UF": PDFString(a.name),
            "Desc": PDFString(a.description), "EF": PDFDictionary({"F": doc.Reference(stream)}),
        })
        names += [PDFString(a.name), doc.Reference(spec)]
    if names:
        doc.Catalog.Names = PDFDictionary({"EmbeddedFiles": PDFDictionary(
            {"Names": PDFArray(names)})})


_SPEC = re.compile(rb"/EF <<\s*/F (\d+) 0 R\s*>>\s*/F \(([A-Za-z0-9._-]+)\)")
_LENGTH = re.compile(rb"/Length (\d+)")


def embedded_files(pdf: bytes) -> list[tuple[str, bytes]]:
    """The files `embed` attached to a PDF this app wrote (name, content); [] for any other
    PDF. Reads only the objects `embed` writes (reportlab's layout), nothing general."""
    out: list[tuple[str, bytes]] = []
    for match in _SPEC.finditer(pdf):
        obj = pdf.find(b"\n%d 0 obj" % int(match.group(1)))
        if obj < 0:
            continue
        start = pdf.find(b"stream\n", obj)
        length = _LENGTH.search(pdf, obj, start)
        if start < 0 or length is None:
            continue
        begin = start + len(b"stream\n")
        out.append((match.group(2).decode("ascii"), pdf[begin:begin + int(length.group(1))]))
    return out


def save_pdf(path: str | Path, pdf: bytes) -> list[Path]:
    """Write the PDF and, beside it, every file attached to it (the electronic Lampiran),
    each under a `.part` name moved in place: never a half-written file. Returns the paths
    written, the PDF first; raises OSError."""
    target = Path(path).expanduser()
    written = []
    for name, content in [(target.name, pdf), *embedded_files(pdf)]:
        final = target.with_name(name)
        part = final.with_name(name + ".part")
        try:
            part.write_bytes(content)
            part.replace(final)
        finally:
            part.unlink(missing_ok=True)
        written.append(final)
    return written
