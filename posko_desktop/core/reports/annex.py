"""The electronic Lampiran: when a period holds more incidents than the paper list may
show (`sitrep.appendix_pdf_max`), the full list is an XLSX file embedded in the PDF
(a PDF file attachment, so the archive keeps it with the report under the report's own
SHA-256) and written beside every PDF file the app saves. The paper names the file, its row
count and its SHA-256 (docs/decisions.md, "The Lampiran beyond the paper").
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString

from posko_desktop.core.i18n import _
from posko_desktop.core.reports.annex_xlsx import MIME, write_xlsx
from posko_desktop.core.reports.data import SEVERITIES, SitrepData
from posko_desktop.core.reports.pdf_common import NOTABLE_MARK, severity_label, status_label
from posko_desktop.core.textrules import (
    format_date_long,
    format_int,
    neutralise_cell,
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


def sitrep_annex(data: SitrepData) -> Annex:
    """Every incident of the period (Lampiran I in full), in the current language."""
    sev = {s: severity_label(s) for s in SEVERITIES}
    statuses: dict[str, str] = {}
    rows: list[list[str | int]] = []
    for i, r in enumerate(data.appendix, start=1):
        status = statuses.get(r.status)
        if status is None:
            status = statuses[r.status] = status_label(r.status)
        rows.append([i, r.number, (r.occurred_at + WIB_OFFSET).strftime("%Y-%m-%d %H:%M"),
                     r.regency_name, r.category_code, sev.get(r.severity, r.severity), status,
                     neutralise_cell(r.title), NOTABLE_MARK if r.notable else ""])
    title = _("Appendix I – every incident of the period, daily situation report {day}, "
              "{scope}").format(day=format_date_long(data.options.report_date,
                                                     data.options.lang),
                                scope=data.scope_name)
    titles = [training_marking()] if data.training else []
    titles += [title, _("{n} incidents; {mark} = notable incident (section C)").format(
        n=format_int(len(rows), data.options.lang), mark=NOTABLE_MARK)]
    header = [_("No."), _("Number"), _("Time (WIB)"), _("Regency/city"), _("Category"),
              _("Severity"), _("Status"), _("Title"), _("Notable")]
    content = write_xlsx(_("Appendix I"), titles, header, rows,
                         [7, 16, 17, 24, 9, 10, 18, 70, 9])
    return Annex(annex_name(data), content, len(rows), title)


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
