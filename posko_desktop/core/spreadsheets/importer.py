"""Read incidents from a filled-in template (.xlsx) or a CSV file and check them; the
import itself (one write transaction) is `core/services/spreadsheet_import.py`.

Every row is parsed and checked with the incident service's own validation; the report
lists each problem by row (as Excel numbers it), column (as headed in the file) and text.

Re-import: each row gets a key (SHA-256 of its normalised content and the file's own
reference number) kept in the incident's source detail as ``xlsx:<key>``; a row whose key
is already in the database (even on a deleted incident, or one received by sync) is skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core import places
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Incident
from posko_desktop.core.domain import (
    SourceType,
    Status,
    ValidationErrors,
)
from posko_desktop.core.i18n import N_, _, gettext_in
from posko_desktop.core.progress import Progress
from posko_desktop.core.services import incidents as incident_service
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.services.reference import categories, regencies
from posko_desktop.core.services.units import units_in
from posko_desktop.core.spreadsheets.columns import COLUMN_BY_KEY, COLUMNS, FIELD_TO_COLUMN
from posko_desktop.core.spreadsheets.reader import Sheet, SheetRow, SpreadsheetError, read_sheet
from posko_desktop.core.spreadsheets.values import (
    CategoryMatcher,
    CellProblem,
    RegencyMatcher,
    UnitMatcher,
    cell_text,
    match_channel,
    match_legal_type,
    match_severity,
    match_source,
    match_status,
    parse_degrees,
    parse_people,
    parse_wib_cell,
)
from posko_desktop.core.textrules import format_int

logger = logging.getLogger(__name__)

KEY_PREFIX = "xlsx:"
KEY_LENGTH = 16
_KEY_RE = re.compile(r"^xlsx:[0-9a-f]{16}(?: |$)")
SOURCE_DETAIL_MAX = 500 - len(KEY_PREFIX) - KEY_LENGTH - 1  # room for "xlsx:<key> "
_TEXT_FIELDS = ("title", "description", "kecamatan", "desa", "location")
_REPORT_TEXTS = ("material_loss", "current_condition", "source_contact", "source_phone")
_COLUMN_ORDER = {c.key: i for i, c in enumerate(COLUMNS)}


@dataclass
class RowProblem:
    """One problem: row as Excel shows it, column header as in the file, message msgid."""

    row: int
    column: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    key: str = ""  # the template column key (sorting, tests)

    def text(self) -> str:
        return _(self.message).format(**self.params)

    def text_in(self, lang: str) -> str:
        return gettext_in(lang, self.message).format(**self.params)


@dataclass(frozen=True)
class ImportedRow:
    row: int
    number: str
    id: uuid.UUID


@dataclass
class ImportReport:
    file_name: str
    sheet_name: str
    rows_total: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    already_imported: list[int] = field(default_factory=list)  # rows skipped: key in the DB
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (row, same as row)
    imported: list[ImportedRow] = field(default_factory=list)
    new_rows: int = 0  # valid rows that are not in the database yet
    valid_rows_only: bool = False
    dry_run: bool = False

    @property
    def error_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    @property
    def has_errors(self) -> bool:
        return bool(self.problems)

    @property
    def valid_rows(self) -> int:
        return self.rows_total - len(self.error_rows)

    @property
    def blocked(self) -> bool:
        """Nothing was (or would be) written because some row is wrong."""
        return self.has_errors and not self.valid_rows_only

    def summary(self) -> str:
        skipped = len(self.already_imported) + len(self.duplicates)
        if self.dry_run:
            text = _("Rows read: {total}; with problems: {bad}; already imported: {skipped}; "
                     "new incidents to import: {new}").format(
                total=format_int(self.rows_total), bad=format_int(len(self.error_rows)),
                skipped=format_int(skipped), new=format_int(self.new_rows))
        else:
            text = _("Rows read: {total}; with problems: {bad}; already imported: {skipped}; "
                     "incidents imported: {imported}").format(
                total=format_int(self.rows_total), bad=format_int(len(self.error_rows)),
                skipped=format_int(skipped), imported=format_int(len(self.imported)))
        if self.blocked and not self.dry_run:
            text += ". " + _("Nothing was imported: fix the rows listed, or import the valid "
                             "rows only.")
        return text


@dataclass
class PreparedRow:
    """A checked row, ready to be written: the incident's values, status and row key."""

    row: int
    values: dict[str, Any]
    status: str
    key: str
    incident_id: uuid.UUID | None = None  # from an export's "Incident ID" column


def read_rows(path: Path, progress: Progress) -> Sheet:
    """The file's incident rows; an unreadable file or a sheet without rows is refused."""
    progress.report(0, 0, _("Reading {name}").format(name=path.name))
    try:
        sheet = read_sheet(path, progress)
    except SpreadsheetError as err:
        logger.warning("Spreadsheet %s refused: %s", path, err.text_in("en"))
        raise
    if not sheet.rows:
        raise SpreadsheetError(N_("Sheet \"{sheet}\" in {name} has no incident rows"),
                               sheet=sheet.sheet_name, name=sheet.file_name)
    return sheet


def check_rows(ctx: AppContext, s: Session, sheet: Sheet, now: datetime,
               report: ImportReport, progress: Progress) -> list[PreparedRow]:
    """Parse and check every row inside the caller's transaction: fills the report's
    problems (sorted by row and column), rows already imported and duplicates, and returns
    the new rows to write."""
    prepared = list(_evaluate(ctx, s, sheet, now, report, progress))
    report.problems.sort(key=lambda p: (p.row, _COLUMN_ORDER.get(p.key, 99)))
    new = _drop_known(s, prepared, report)
    report.new_rows = len(new)
    return new


def _evaluate(ctx: AppContext, s: Session, sheet: Sheet, now: datetime, report: ImportReport,
              progress: Progress) -> Iterator[PreparedRow]:
    regency_matcher = RegencyMatcher(regencies(s))
    unit_matcher = UnitMatcher({u.code: (u.unit_type, u.name) for u in units_in(s)})
    category_matcher = CategoryMatcher(categories(s))
    may_set_status = can(ctx.actor, Permission.INCIDENT_VERIFY)
    total = len(sheet.rows)
    for i, row in enumerate(sheet.rows, 1):
        if i % 200 == 0:
            progress.report(i, total, _("Checking rows"))
        item = _evaluate_row(s, sheet, row, now, regency_matcher, unit_matcher, category_matcher,
                             may_set_status, report)
        if item is not None:
            yield item


def _evaluate_row(s: Session, sheet: Sheet, row: SheetRow, now: datetime,
                  regency_matcher: RegencyMatcher, unit_matcher: UnitMatcher,
                  category_matcher: CategoryMatcher,
                  may_set_status: bool, report: ImportReport) -> PreparedRow | None:
    failed: set[str] = set()

    def problem(key: str, message: str, **params: Any) -> None:
        failed.add(key)
        column = sheet.headers.get(key) or gettext_in("id", COLUMN_BY_KEY[key].header)
        report.problems.append(RowProblem(row.number, column, message, params, key))

    def parse(key: str, fn: Any, *args: Any, default: Any = None) -> Any:
        try:
            return fn(row.values.get(key), *args)
        except CellProblem as err:
            problem(key, err.message, **err.params)
            return default

    regency = parse("regency", regency_matcher.match, default="")
    unit = parse("reporting_unit", unit_matcher.match)
    occurred = parse("occurred_at", parse_wib_cell, True)
    reported = parse("reported_at", parse_wib_cell, False)
    category = parse("category", category_matcher.match, default="")
    severity = parse("severity", match_severity, default="")
    channel = parse("channel", match_channel, default="")
    legal_type = parse("legal_type", match_legal_type, default="")
    status = parse("status", match_status, default=Status.BARU.value)
    source = parse("source_type", match_source, default=SourceType.LAPANGAN.value)
    people = parse("people_involved", parse_people)
    dead = parse("victims_dead", parse_people)
    injured = parse("victims_injured", parse_people)
    detail = _KEY_RE.sub("", cell_text(row.values.get("source_detail")), count=1)
    if len(detail) > SOURCE_DETAIL_MAX:
        problem("source_detail", N_("At most {max} characters"), max=SOURCE_DETAIL_MAX)
    if status != Status.BARU.value and not may_set_status:
        problem("status", N_("Only a supervisor may import a status other than {status}"),
                status=gettext_in("id", "New"))
    latitude = parse("latitude", parse_degrees)
    longitude = parse("longitude", parse_degrees)
    pair = parse("pair_number", parse_people)
    tps = parse("tps_number", parse_people)
    texts = {name: cell_text(row.values.get(name)) for name in (*_TEXT_FIELDS, *_REPORT_TEXTS)}
    codes: dict[str, str | None] = {}
    for name, pattern in (("kecamatan", places.KECAMATAN_RE), ("desa", places.DESA_RE)):
        codes[name] = texts[name] if pattern.match(texts[name]) else None  # a code, not a name
        texts[name] = "" if codes[name] else texts[name]
    data = IncidentInput(
        regency_code=regency, title=texts["title"], category_code=category,
        severity=severity, occurred_at=occurred, source_type=source, source_detail=detail,
        description=texts["description"], kecamatan=texts["kecamatan"], desa=texts["desa"],
        location=texts["location"], reported_at=reported, people_involved=people,
        victims_dead=dead, victims_injured=injured, material_loss=texts["material_loss"],
        current_condition=texts["current_condition"], source_contact=texts["source_contact"],
        source_phone=texts["source_phone"], kecamatan_code=codes["kecamatan"],
        desa_code=codes["desa"], latitude=latitude, longitude=longitude,
        contest_code=cell_text(row.values.get("contest_code")) or None, pair_number=pair,
        tps_number=tps, channel=channel, legal_type=legal_type,
    )
    values: dict[str, Any] | None = None
    try:
        # The incident service's own rules (kept private there; see docs/spreadsheets.md).
        values = incident_service.validate_input(s, data, now)
    except ValidationErrors as errs:
        for err in errs.errors:
            key = FIELD_TO_COLUMN.get(err.field or "", "title")
            if key not in failed:
                problem(key, err.message, **err.params)
    if failed or values is None:
        return None
    values["reporting_unit"] = unit
    ref = cell_text(row.values.get("ref"))
    try:
        incident_id: uuid.UUID | None = uuid.UUID(cell_text(row.values.get("incident_id")))
    except ValueError:
        incident_id = None
    return PreparedRow(row.number, values, status, row_key(ref, values, reported, status),
                     incident_id)


def row_key(ref: str, values: dict[str, Any], reported: datetime | None, status: str) -> str:
    """Stable key of a row: the same content (however the regency, category or time was
    written) and the same reference number give the same key."""

    def norm(value: Any) -> Any:
        if isinstance(value, str):
            return " ".join(value.split())
        if isinstance(value, datetime):
            return value.isoformat()
        return value

    parts = [
        norm(ref), values["regency_code"], norm(values["occurred_at"]),
        norm(reported) if reported else "", values["category_code"], values["severity"],
        status, values["source_type"], norm(values["source_detail"]),
        *(norm(values[name]) for name in _TEXT_FIELDS), values["people_involved"],
    ]
    report = [values["victims_dead"], values["victims_injured"],
              *(norm(values[name]) for name in _REPORT_TEXTS), values["latitude"],
              values["longitude"]]
    if any(v not in (None, "") for v in report):  # rows without them keep their old keys
        parts += report
    if values.get("reporting_unit"):  # issue 18; rows without a unit keep their old keys
        parts.append(values["reporting_unit"])

    named = [values["contest_code"], values["pair_number"], values["tps_number"]]
    if any(v is not None for v in named):  # as the report's fields (issue 17)
        parts += named
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()
    return digest[:KEY_LENGTH]


def known_keys(s: Session) -> set[str]:
    """Row keys of every incident imported from a spreadsheet (deleted ones included)."""
    stmt = select(Incident.source_detail).where(Incident.source_detail.like(KEY_PREFIX + "%"))
    start, end = len(KEY_PREFIX), len(KEY_PREFIX) + KEY_LENGTH
    return {detail[start:end] for detail in s.scalars(stmt)}


def _known_ids(s: Session, prepared: list[PreparedRow]) -> set[uuid.UUID]:
    ids = [p.incident_id for p in prepared if p.incident_id is not None]
    found: set[uuid.UUID] = set()
    for i in range(0, len(ids), 500):
        found.update(s.scalars(select(Incident.id).where(Incident.id.in_(ids[i:i + 500]))))
    return found


def _drop_known(s: Session, prepared: list[PreparedRow], report: ImportReport) -> list[PreparedRow]:
    known = known_keys(s)
    known_ids = _known_ids(s, prepared)
    first_row: dict[str, int] = {}
    new: list[PreparedRow] = []
    for item in prepared:
        if item.key in known or item.incident_id in known_ids:
            report.already_imported.append(item.row)
        elif item.key in first_row:
            report.duplicates.append((item.row, first_row[item.key]))
        else:
            first_row[item.key] = item.row
            new.append(item)
    return new
