"""Export the (filtered) incident log to XLSX or CSV, streamed, with formula injection
neutralised. The columns are the template's (plus number, deadlines and provenance), so an
export can be read back by the import."""

from __future__ import annotations

import csv
import enum
import logging
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import select

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Category, Incident, Regency
from posko_desktop.core.domain import PoskoError, RegencyKind
from posko_desktop.core.i18n import N_, _, current_language
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import incidents as incident_service
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.spreadsheets import print_setup
from posko_desktop.core.spreadsheets.columns import COLUMN_BY_KEY
from posko_desktop.core.spreadsheets.files import write_atomically
from posko_desktop.core.spreadsheets.template import DATE_FORMAT
from posko_desktop.core.spreadsheets.values import (
    severity_label,
    source_label,
    status_label,
    taxonomy_label,
)
from posko_desktop.core.textrules import neutralise_cell, training_marking
from posko_desktop.core.timeutil import to_wib

logger = logging.getLogger(__name__)

XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header row
CSV_TIME_FORMAT = "%Y-%m-%d %H:%M"
BATCH = 2000


class ExportFormat(enum.StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


class ExportError(PoskoError):
    code = "export"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    rows: int


# (header msgid, width) in order; template columns first by key, then the extras.
_EXPORT_COLUMNS: tuple[tuple[str, int], ...] = (
    (N_("Incident number"), 16),
    (COLUMN_BY_KEY["regency"].header, 26),
    (COLUMN_BY_KEY["occurred_at"].header, 18),
    (COLUMN_BY_KEY["reported_at"].header, 18),
    (COLUMN_BY_KEY["category"].header, 36),
    (COLUMN_BY_KEY["severity"].header, 10),
    (COLUMN_BY_KEY["status"].header, 20),
    (COLUMN_BY_KEY["source_type"].header, 20),
    (COLUMN_BY_KEY["source_detail"].header, 30),
    (COLUMN_BY_KEY["title"].header, 40),
    (COLUMN_BY_KEY["description"].header, 50),
    (COLUMN_BY_KEY["kecamatan"].header, 16),
    (COLUMN_BY_KEY["desa"].header, 16),
    (COLUMN_BY_KEY["location"].header, 20),
    (COLUMN_BY_KEY["people_involved"].header, 10),
    *((COLUMN_BY_KEY[key].header, COLUMN_BY_KEY[key].width)
      for key in (*incident_service.REPORT_FIELDS, "latitude", "longitude",
                  *incident_service.CONTEST_FIELDS)),
    (COLUMN_BY_KEY["channel"].header, 10),  # after the older columns: their places stay
    (COLUMN_BY_KEY["legal_type"].header, 22),
    (N_("Respond by (WIB)"), 18),
    (N_("Recorded by"), 14),
    (N_("Origin site"), 10),
    (N_("Incident ID"), 38),
)
# 0-based positions of WIB times
_TIME_COLUMNS = {2, 3, [m for m, _w in _EXPORT_COLUMNS].index(N_("Respond by (WIB)"))}


def export_headers() -> list[str]:
    return [_(msgid) for msgid, _width in _EXPORT_COLUMNS]


def export_log(ctx: AppContext, flt: IncidentFilter, out: str | Path, fmt: str,
               progress: Progress = NO_PROGRESS, csv_delimiter: str = ",") -> ExportResult:
    """Write the incidents matching `flt` (newest first) to `out`. The file appears only
    when complete (written next to it, then renamed); a cancel or failure leaves none."""
    require(ctx.actor, Permission.EXPORT)
    try:
        kind = ExportFormat(fmt.lower())
    except ValueError:
        raise ExportError(N_("Unknown export format {format}; use xlsx or csv"), format=fmt) from None
    if csv_delimiter not in (",", ";", "\t"):
        raise ExportError(N_("The CSV separator must be a comma, a semicolon or a tab"))
    out = Path(out)
    if out.is_dir():
        raise ExportError(N_("{path} is a folder; give a file name"), path=str(out))
    total = incident_service.count_incidents(ctx, flt)
    if kind is ExportFormat.XLSX and total > XLSX_MAX_ROWS:
        raise ExportError(N_("{count} incidents do not fit in one Excel sheet ({limit} rows); "
                             "export to CSV or narrow the filter"), count=total, limit=XLSX_MAX_ROWS)
    with ctx.db.read() as s:
        marking = training_marking() if settings.get(s, settings.SITE_TRAINING) else ""
    rows = _rows(ctx, flt)

    def write(tmp: Path) -> int:
        if kind is ExportFormat.XLSX:
            count = _write_xlsx(tmp, rows, total, progress, marking)
        else:
            count = _write_csv(tmp, rows, total, progress, csv_delimiter, marking)
        progress.check()
        return count

    try:
        count = write_atomically(out, write)
    finally:
        rows.close()  # ends the read transaction even when the writer failed
    logger.info("Exported %d incidents to %s (%s)", count, out, kind.value)
    return ExportResult(out, kind.value, count)


def _rows(ctx: AppContext, flt: IncidentFilter) -> Generator[list[Any], None, None]:
    """Stream the matching incidents in one read transaction (a consistent snapshot),
    `BATCH` rows at a time: memory stays flat whatever the size of the log."""
    lang = current_language()
    label_col = Category.label_en if lang == "en" else Category.label_id
    with ctx.db.read() as s:
        stmt = (
            select(Incident.number, Incident.regency_code, Regency.kind, Regency.name,
                   Incident.occurred_at, Incident.reported_at, Incident.category_code,
                   label_col, Incident.channel, Incident.legal_type,
                   Incident.severity, Incident.status, Incident.source_type,
                   Incident.source_detail, Incident.title, Incident.description,
                   Incident.kecamatan, Incident.desa, Incident.location,
                   Incident.people_involved,
                   *(getattr(Incident, name) for name in incident_service.REPORT_FIELDS),
                   Incident.latitude, Incident.longitude,
                   *(getattr(Incident, name) for name in incident_service.CONTEST_FIELDS),
                   Incident.respond_by, Incident.recorded_by,
                   Incident.origin_site, Incident.id)
            .join(Regency, Regency.code == Incident.regency_code)
            .join(Category, Category.code == Incident.category_code)
        )
        stmt = incident_service.apply_filter(stmt, flt, s.get_bind().dialect.name)
        stmt = stmt.order_by(Incident.occurred_at.desc(), Incident.seq.desc())
        result = s.execute(stmt.execution_options(yield_per=BATCH))
        for r in result:
            prefix = "Kab." if r.kind == RegencyKind.KABUPATEN else "Kota"
            yield [
                r.number, f"{r.regency_code} {prefix} {r.name}", _wib(r.occurred_at),
                _wib(r.reported_at), f"{r.category_code} {r[7]}", severity_label(r.severity, lang),
                status_label(r.status, lang), source_label(r.source_type, lang),
                r.source_detail, r.title, r.description, r.kecamatan, r.desa, r.location,
                r.people_involved,
                *(getattr(r, name) for name in incident_service.REPORT_FIELDS),
                r.latitude, r.longitude,
                *(getattr(r, name) for name in incident_service.CONTEST_FIELDS),
                taxonomy_label(r.channel, lang), taxonomy_label(r.legal_type, lang),
                _wib(r.respond_by), r.recorded_by, r.origin_site, str(r.id),
            ]


def _wib(value: datetime | None) -> datetime | None:
    return to_wib(value).replace(tzinfo=None) if value is not None else None


def _write_xlsx(path: Path, rows: Iterator[list[Any]], total: int, progress: Progress,
                marking: str) -> int:
    """`marking`: a training database's LATIHAN line, above the header and in the sheet name."""
    wb = Workbook(write_only=True)
    title = _("Incident log")
    ws = wb.create_sheet("LATIHAN {title}".format(title=title)[:31] if marking else title)
    head, rows = print_setup.sample(rows)
    widths = print_setup.widths_from(export_headers(), head)
    # the declared width is the most a column takes (long texts wrap)
    widths = [min(w, float(declared)) if declared > 20 else w
              for w, (_msgid, declared) in zip(widths, _EXPORT_COLUMNS, strict=False)]
    print_setup.table_layout(ws, 2 if marking else 1, widths)
    bold = Font(bold=True)
    if marking:  # the reader finds the header below title rows (reader.HEADER_SEARCH_ROWS)
        cell = WriteOnlyCell(ws, value=marking)
        cell.font = Font(bold=True, color="A01010")
        ws.append([cell])
    header = []
    for text in export_headers():
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    try:
        count = _append_rows(ws, rows, total, progress)
    except BaseException:
        _discard(ws)
        raise
    wb.save(path)
    return count


def _discard(ws: Any) -> None:
    """Finish openpyxl's half-written sheet stream quietly; the temp file is deleted anyway."""
    for closer in (ws.close, getattr(ws._writer, "close", None)):
        try:
            if closer is not None:
                closer()
        except Exception:  # the stream is broken by design here
            logger.debug("Discarding an unfinished sheet", exc_info=True)


def _append_rows(ws: Any, rows: Iterator[list[Any]], total: int, progress: Progress) -> int:
    count = 0
    for row in rows:
        out: list[Any] = []
        for i, value in enumerate(row):
            if i in _TIME_COLUMNS and value is not None:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = DATE_FORMAT
                out.append(cell)
            else:
                # neutralised text never starts with "=", so openpyxl stores it as a string
                # (it only makes formulas of text that starts with "=")
                out.append(neutralise_cell(value))
        ws.append(out)
        count += 1
        if count % BATCH == 0:
            progress.report(count, total, _("Exporting incidents"))
    return count


def _write_csv(path: Path, rows: Iterator[list[Any]], total: int, progress: Progress,
               delimiter: str, marking: str) -> int:
    count = 0
    # UTF-8 with BOM so that Excel recognises the encoding.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        if marking:  # padded to the header's width: the reader guesses the separator from it
            writer.writerow([marking] + [""] * (len(export_headers()) - 1))
        writer.writerow(export_headers())
        for row in rows:
            writer.writerow([_csv_cell(i, v) for i, v in enumerate(row)])
            count += 1
            if count % BATCH == 0:
                progress.report(count, total, _("Exporting incidents"))
    return count


def _csv_cell(i: int, value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(CSV_TIME_FORMAT)
    return neutralise_cell(value)
