"""The audit trail to CSV or XLSX as the audit view shows it (issue 19): action names,
incident and report numbers, field labels in the UI language, values formatted, times in
WIB — and, for machines, the raw codes in the columns after them (UTC time, user name,
role, site, action code, record type and id, detail code, before/after JSON, hash).

Written to a temporary file and renamed, so a cancelled or failed export leaves nothing
half-written. The export itself is recorded in the trail.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import ValidationError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import audit
from posko_desktop.core.services.audit import AuditError, AuditFilter, canonical_json
from posko_desktop.core.services.audit_text import AuditLine, AuditReader
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.textrules import neutralise_cell

logger = logging.getLogger(__name__)

_LINES = 500  # entries turned into words at a time (one look-up of their numbers)


def header() -> list[str]:
    """The columns in words, then the raw ones."""
    return [_("No."), _("Time (WIB)"), _("User"), _("Action"), _("Record"), _("Changes"),
            _("Detail"),
            _("Time (UTC)"), _("User name"), _("Role"), _("Site"), _("Action code"),
            _("Record type"), _("Record id"), _("Detail code"), _("Before (JSON)"),
            _("After (JSON)"), _("Hash")]


def cells(line: AuditLine) -> list[Any]:
    r = line.entry
    return [r.id, line.when, line.user, line.action, line.record, line.changes, line.detail,
            audit.at_text(r.at), r.username, r.role, r.site_code, r.action, r.record_type,
            r.record_id, r.detail, canonical_json(r.before), canonical_json(r.after), r.hash]


def export(ctx: AppContext, flt: AuditFilter, path: str | Path, fmt: str | None = None,
           progress: Progress = NO_PROGRESS) -> int:
    """Write the filtered trail (oldest first) to CSV or XLSX; returns the row count."""
    require(ctx.actor, Permission.AUDIT_VIEW)
    target = Path(path)
    fmt = (fmt or target.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "xlsx"):
        raise ValidationError(N_("Export format must be csv or xlsx, not {fmt}"), field="format",
                              fmt=fmt)
    tmp = target.with_name(target.name + ".part")
    try:
        count = (_write_csv if fmt == "csv" else _write_xlsx)(_rows(ctx, flt, progress), tmp)
        os.replace(tmp, target)
    except OSError as err:
        raise AuditError(N_("Cannot write {path}: {error}"), path=str(target),
                         error=err.strerror or str(err)) from err
    finally:
        if tmp.exists():
            tmp.unlink()
    with ctx.db.write() as s:
        audit.record(s, ctx.actor, "audit.export", "audit", fmt, before=None,
                     after={"rows": count, "file": target.name,
                            "filter": audit.filter_dict(flt)}, at=ctx.now())
    logger.info("Exported %s audit entries to %s", count, target)
    return count


def _rows(ctx: AppContext, flt: AuditFilter, progress: Progress) -> Iterator[list[Any]]:
    reader = AuditReader(ctx)
    batch: list[audit.AuditRow] = []
    for row in audit.iter_rows(ctx, flt, progress):
        batch.append(row)
        if len(batch) == _LINES:
            yield from (cells(line) for line in reader.lines(batch))
            batch = []
    yield from (cells(line) for line in reader.lines(batch))


def _write_csv(rows: Iterator[list[Any]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header())
        for row in rows:
            writer.writerow([neutralise_cell(c) for c in row])
            count += 1
    return count


def _write_xlsx(rows: Iterator[list[Any]], path: Path) -> int:
    from openpyxl import Workbook  # deferred: openpyxl is only needed for this export
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from posko_desktop.core.spreadsheets import print_setup

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Audit trail"))
    bold = Font(bold=True)
    titles = []
    for text in header():
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        titles.append(cell)
    head, body = print_setup.sample(rows)
    print_setup.table_layout(ws, 1, print_setup.widths_from(header(), head, 50))
    ws.append(titles)
    count = 0
    for row in body:
        out = []
        for value in row:
            cell = WriteOnlyCell(ws, value=neutralise_cell(value))
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            out.append(cell)
        ws.append(out)
        count += 1
    wb.save(path)
    return count
