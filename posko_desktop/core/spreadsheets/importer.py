"""Import incidents from a filled-in template (.xlsx) or a CSV file.

Every row is parsed and checked with the incident service's own validation; the report
lists each problem by row (as Excel numbers it), column (as headed in the file) and text.
By default nothing is written while any row is wrong; with `valid_rows_only` the valid rows
are written and the others reported. The whole import is one transaction.

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
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core.context import AppContext, local_site
from posko_desktop.core.db.models import Category, FollowUp, Incident, NumberSequence, Regency
from posko_desktop.core.domain import (
    FollowUpKind,
    Severity,
    SourceType,
    Status,
    ValidationErrors,
)
from posko_desktop.core.events import Change
from posko_desktop.core.hlc import next_stamp
from posko_desktop.core.i18n import N_, _, gettext_in
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import audit
from posko_desktop.core.services import incidents as incident_service
from posko_desktop.core.services.authz import Permission, can, require
from posko_desktop.core.services.incidents import EDITABLE_FIELDS, IncidentInput
from posko_desktop.core.services.reference import categories, regencies
from posko_desktop.core.spreadsheets.columns import COLUMN_BY_KEY, COLUMNS, FIELD_TO_COLUMN
from posko_desktop.core.spreadsheets.reader import Sheet, SheetRow, SpreadsheetError, read_sheet
from posko_desktop.core.spreadsheets.values import (
    CategoryMatcher,
    CellProblem,
    RegencyMatcher,
    cell_text,
    match_severity,
    match_source,
    match_status,
    parse_people,
    parse_wib_cell,
)
from posko_desktop.core.textrules import format_int
from posko_desktop.core.timeutil import wib_date

logger = logging.getLogger(__name__)

KEY_PREFIX = "xlsx:"
KEY_LENGTH = 16
_KEY_RE = re.compile(r"^xlsx:[0-9a-f]{16}(?: |$)")
SOURCE_DETAIL_MAX = 500 - len(KEY_PREFIX) - KEY_LENGTH - 1  # room for "xlsx:<key> "
_TEXT_FIELDS = ("title", "description", "kecamatan", "desa", "location")
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
class _Prepared:
    row: int
    values: dict[str, Any]
    status: str
    key: str
    incident_id: uuid.UUID | None = None  # from an export's "Incident ID" column


def check_spreadsheet(ctx: AppContext, path: str | Path,
                      progress: Progress = NO_PROGRESS) -> ImportReport:
    """Read and validate without writing anything (the import dialog shows this report)."""
    return _run(ctx, Path(path), valid_rows_only=False, dry_run=True, progress=progress)


def import_spreadsheet(ctx: AppContext, path: str | Path, *, valid_rows_only: bool = False,
                       progress: Progress = NO_PROGRESS) -> ImportReport:
    """Import the rows; see the module docstring. Returns the report (also when blocked)."""
    return _run(ctx, Path(path), valid_rows_only=valid_rows_only, dry_run=False,
                progress=progress)


def _run(ctx: AppContext, path: Path, *, valid_rows_only: bool, dry_run: bool,
         progress: Progress) -> ImportReport:
    require(ctx.actor, Permission.IMPORT)
    require(ctx.actor, Permission.INCIDENT_CREATE)
    progress.report(0, 0, _("Reading {name}").format(name=path.name))
    try:
        sheet = read_sheet(path, progress)
    except SpreadsheetError as err:
        logger.warning("Spreadsheet %s refused: %s", path, err.text_in("en"))
        raise
    if not sheet.rows:
        raise SpreadsheetError(N_("Sheet \"{sheet}\" in {name} has no incident rows"),
                               sheet=sheet.sheet_name, name=sheet.file_name)
    report = ImportReport(path.name, sheet.sheet_name, rows_total=len(sheet.rows),
                          valid_rows_only=valid_rows_only, dry_run=dry_run)
    now = ctx.now()
    session_cm: AbstractContextManager[Session] = ctx.db.read() if dry_run else ctx.db.write()
    with session_cm as s:
        local_site(s)  # a database without a site is refused before any work
        # Keep the reference rows alive: the session's identity map holds objects weakly,
        # and the service's validation looks each one up per row.
        pinned = [*s.scalars(select(Regency)), *s.scalars(select(Category))]
        prepared = list(_evaluate(ctx, s, sheet, now, report, progress))
        report.problems.sort(key=lambda p: (p.row, _COLUMN_ORDER.get(p.key, 99)))
        new = _drop_known(s, prepared, report)
        report.new_rows = len(new)
        if dry_run or report.blocked:
            logger.info("Spreadsheet %s checked: %d rows, %d with problems, %d new",
                        path.name, report.rows_total, len(report.error_rows), len(new))
            return report
        total = len(new)
        writer = _Writer(ctx, s, now, path.name)
        with s.no_autoflush:  # one flush per batch, not one per row
            for i, item in enumerate(new, 1):
                inc = writer.insert(item)
                report.imported.append(ImportedRow(item.row, inc.number, inc.id))
                if i % 500 == 0:
                    writer.flush()
                    progress.report(i, total, _("Importing rows"))
            writer.flush()
        progress.check()  # a cancel at the very end still rolls everything back
        del pinned
    logger.info("Spreadsheet %s imported by %s: %d new, %d skipped, %d rows with problems",
                path.name, ctx.actor.username, len(report.imported),
                len(report.already_imported) + len(report.duplicates), len(report.error_rows))
    if report.imported:
        ctx.bus.publish(Change("incident", tuple(str(r.id) for r in report.imported)))
    return report


def _evaluate(ctx: AppContext, s: Session, sheet: Sheet, now: datetime, report: ImportReport,
              progress: Progress) -> Iterator[_Prepared]:
    regency_matcher = RegencyMatcher(regencies(s))
    category_matcher = CategoryMatcher(categories(s))
    may_set_status = can(ctx.actor, Permission.INCIDENT_VERIFY)
    total = len(sheet.rows)
    for i, row in enumerate(sheet.rows, 1):
        if i % 200 == 0:
            progress.report(i, total, _("Checking rows"))
        item = _evaluate_row(s, sheet, row, now, regency_matcher, category_matcher,
                             may_set_status, report)
        if item is not None:
            yield item


def _evaluate_row(s: Session, sheet: Sheet, row: SheetRow, now: datetime,
                  regency_matcher: RegencyMatcher, category_matcher: CategoryMatcher,
                  may_set_status: bool, report: ImportReport) -> _Prepared | None:
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
    occurred = parse("occurred_at", parse_wib_cell, True)
    reported = parse("reported_at", parse_wib_cell, False)
    category = parse("category", category_matcher.match, default="")
    severity = parse("severity", match_severity, default="")
    status = parse("status", match_status, default=Status.BARU.value)
    source = parse("source_type", match_source, default=SourceType.LAPANGAN.value)
    people = parse("people_involved", parse_people)
    detail = _KEY_RE.sub("", cell_text(row.values.get("source_detail")), count=1)
    if len(detail) > SOURCE_DETAIL_MAX:
        problem("source_detail", N_("At most {max} characters"), max=SOURCE_DETAIL_MAX)
    if status != Status.BARU.value and not may_set_status:
        problem("status", N_("Only a supervisor may import a status other than {status}"),
                status=gettext_in("id", "New"))
    texts = {name: cell_text(row.values.get(name)) for name in _TEXT_FIELDS}
    data = IncidentInput(
        regency_code=regency, title=texts["title"], category_code=category,
        severity=severity, occurred_at=occurred, source_type=source, source_detail=detail,
        description=texts["description"], kecamatan=texts["kecamatan"], desa=texts["desa"],
        location=texts["location"], reported_at=reported, people_involved=people,
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
    ref = cell_text(row.values.get("ref"))
    try:
        incident_id: uuid.UUID | None = uuid.UUID(cell_text(row.values.get("incident_id")))
    except ValueError:
        incident_id = None
    return _Prepared(row.number, values, status, row_key(ref, values, reported, status),
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
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()
    return digest[:KEY_LENGTH]


def known_keys(s: Session) -> set[str]:
    """Row keys of every incident imported from a spreadsheet (deleted ones included)."""
    stmt = select(Incident.source_detail).where(Incident.source_detail.like(KEY_PREFIX + "%"))
    start, end = len(KEY_PREFIX), len(KEY_PREFIX) + KEY_LENGTH
    return {detail[start:end] for detail in s.scalars(stmt)}


def _known_ids(s: Session, prepared: list[_Prepared]) -> set[uuid.UUID]:
    ids = [p.incident_id for p in prepared if p.incident_id is not None]
    found: set[uuid.UUID] = set()
    for i in range(0, len(ids), 500):
        found.update(s.scalars(select(Incident.id).where(Incident.id.in_(ids[i:i + 500]))))
    return found


def _drop_known(s: Session, prepared: list[_Prepared], report: ImportReport) -> list[_Prepared]:
    known = known_keys(s)
    known_ids = _known_ids(s, prepared)
    first_row: dict[str, int] = {}
    new: list[_Prepared] = []
    for item in prepared:
        if item.key in known or item.incident_id in known_ids:
            report.already_imported.append(item.row)
        elif item.key in first_row:
            report.duplicates.append((item.row, first_row[item.key]))
        else:
            first_row[item.key] = item.row
            new.append(item)
    return new


class _Writer:
    """Writes the same record `incidents.create_incident` makes, inside the import's one
    transaction (site, stamps and response hours looked up once, not per row)."""

    def __init__(self, ctx: AppContext, s: Session, now: datetime, file_name: str) -> None:
        self.ctx, self.s, self.now, self.file_name = ctx, s, now, file_name
        self.site = local_site(s)
        self.millis = int(now.timestamp() * 1000)
        self.hours: dict[str, timedelta] = {}
        self.followups: list[FollowUp] = []  # added after their incidents are flushed
        # The number sequence must be a persistent row before the loop: a pending (unflushed)
        # one is invisible to session.get under no_autoflush, and every row would start at 1.
        sequence = s.get(NumberSequence, (self.site.code, now.year))
        if sequence is None:
            sequence = NumberSequence(site=self.site.code, year=now.year, last=0)
            s.add(sequence)
            s.flush()
        self.sequence = sequence  # a strong reference: the identity map holds it weakly

    def flush(self) -> None:
        self.s.flush()
        if self.followups:
            self.s.add_all(self.followups)
            self.followups.clear()
            self.s.flush()

    def stamp(self) -> str:
        # as context.new_stamp, without re-reading the site row for every incident
        stamp = next_stamp(self.site.last_stamp or None, self.millis, self.site.code)
        self.site.last_stamp = stamp
        return stamp

    def respond_by(self, reported_at: datetime, severity: str) -> datetime:
        if severity not in self.hours:
            base = datetime(2024, 1, 1, tzinfo=UTC)
            self.hours[severity] = incident_service.respond_by_time(self.s, base, severity) - base
        return reported_at + self.hours[severity]

    def insert(self, item: _Prepared) -> Incident:
        ctx, s, now, site_code = self.ctx, self.s, self.now, self.site.code
        values = dict(item.values)
        detail = values["source_detail"]
        values["source_detail"] = KEY_PREFIX + item.key + (" " + detail if detail else "")
        stamp = self.stamp()
        inc = Incident(
            id=uuid7(),
            number=incident_service.next_number(s, site_code, now.year),
            origin_site=site_code,
            occurred_date=wib_date(values["occurred_at"]),
            severity_rank=Severity(values["severity"]).rank,
            status=item.status,
            recorded_by=ctx.actor.username,
            created_at=now,
            updated_at=now,
            updated_by=ctx.actor.username,
            respond_by=self.respond_by(values["reported_at"], values["severity"]),
            responded_at=None if item.status == Status.BARU.value else now,
            next_referral_due=None,
            mod_stamp=stamp,
            field_stamps={name: stamp for name in (*EDITABLE_FIELDS, "status", "deleted")},
            deleted=False,
            **values,
        )
        s.add(inc)
        if item.status != Status.BARU.value:
            text = gettext_in("id", N_("Status taken from spreadsheet {file}, row {row}")).format(
                file=self.file_name, row=item.row)
            self.followups.append(FollowUp(
                id=uuid7(), incident_id=inc.id, created_at=now, author=ctx.actor.username,
                origin_site=site_code, kind=FollowUpKind.STATUS.value, text=text,
                status_from=Status.BARU.value, status_to=item.status, mod_stamp=self.stamp(),
            ))
        audit.record(s, ctx.actor, "incident.import", "incident", str(inc.id), before=None,
                     after={name: getattr(inc, name) for name in (*EDITABLE_FIELDS, "status")},
                     at=now, detail="{file}:{row}".format(file=self.file_name, row=item.row))
        return inc
