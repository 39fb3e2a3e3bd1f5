"""Import incidents from a filled-in template (.xlsx) or a CSV file: the use case around
`core/spreadsheets/importer.py`, which reads and checks the rows.

By default nothing is written while any row is wrong; with `valid_rows_only` the valid rows
are written and the others reported. The whole import is one transaction; rows already
imported (by their row key) are skipped. See docs/spreadsheets.md.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core.context import AppContext, local_site
from posko_desktop.core.db.models import Category, FollowUp, Incident, NumberSequence, Regency
from posko_desktop.core.db.stamps import FIELDS as STAMPED_FIELDS
from posko_desktop.core.domain import FollowUpKind, Severity, Status
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.hlc import next_stamp
from posko_desktop.core.i18n import N_, _, gettext_in
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import audit
from posko_desktop.core.services import incidents as incident_service
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.incidents import EDITABLE_FIELDS
from posko_desktop.core.spreadsheets.importer import (
    KEY_PREFIX,
    ImportedRow,
    ImportReport,
    PreparedRow,
    check_rows,
    read_rows,
)
from posko_desktop.core.timeutil import wib_date

logger = logging.getLogger(__name__)


def check_spreadsheet(ctx: AppContext, path: str | Path,
                      progress: Progress = NO_PROGRESS) -> ImportReport:
    """Read and validate without writing anything (the import dialog shows this report)."""
    return _run(ctx, Path(path), valid_rows_only=False, dry_run=True, progress=progress)


def import_spreadsheet(ctx: AppContext, path: str | Path, *, valid_rows_only: bool = False,
                       progress: Progress = NO_PROGRESS) -> ImportReport:
    """Import the rows (see the module docstring). Returns the report (also when blocked)."""
    return _run(ctx, Path(path), valid_rows_only=valid_rows_only, dry_run=False,
                progress=progress)


def _run(ctx: AppContext, path: Path, *, valid_rows_only: bool, dry_run: bool,
         progress: Progress) -> ImportReport:
    require(ctx.actor, Permission.IMPORT)
    require(ctx.actor, Permission.INCIDENT_CREATE)
    sheet = read_rows(path, progress)
    report = ImportReport(path.name, sheet.sheet_name, rows_total=len(sheet.rows),
                          valid_rows_only=valid_rows_only, dry_run=dry_run)
    now = ctx.now()
    session_cm: AbstractContextManager[Session] = ctx.db.read() if dry_run else ctx.db.write()
    with session_cm as s:
        local_site(s)  # a database without a site is refused before any work
        # Keep the reference rows alive: the session's identity map holds objects weakly,
        # and the service's validation looks each one up per row.
        pinned = [*s.scalars(select(Regency)), *s.scalars(select(Category))]
        new = check_rows(ctx, s, sheet, now, report, progress)
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
        ctx.bus.publish(Change(ChangeKind.INCIDENT, tuple(str(r.id) for r in report.imported)))
    return report


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

    def insert(self, item: PreparedRow) -> Incident:
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
            field_stamps=dict.fromkeys(STAMPED_FIELDS, stamp),
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
