"""Import and export on SQLite and on the real PostgreSQL server (server mode)."""

from __future__ import annotations

import csv

from sqlalchemy import text

from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.spreadsheet_import import import_spreadsheet
from posko_desktop.core.spreadsheets import export_log

from .helpers import fill_template, row


def _count(ctx, where: str = "TRUE") -> int:
    with ctx.db.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM incident WHERE {where}")).scalar())


def test_import_export_round_trip_on_each_backend(any_ctx, tmp_path):
    ctx = any_ctx
    rows = [row(ref="1", title="+62 812 lapor warga"), row(ref="2", regency="Semarang"),
            row(ref="3", regency="Kota Semarang", status="Selesai", title="Sudah ditangani")]
    path = fill_template(ctx, tmp_path / "isi.xlsx", rows)
    blocked = import_spreadsheet(ctx, path)
    assert blocked.blocked and blocked.error_rows == [3]
    assert _count(ctx) == 0
    done = import_spreadsheet(ctx, path, valid_rows_only=True)
    assert [r.row for r in done.imported] == [2, 4]
    assert _count(ctx) == 2 and _count(ctx, "status = 'selesai'") == 1
    assert import_spreadsheet(ctx, path, valid_rows_only=True).already_imported == [2, 4]
    assert _count(ctx) == 2

    result = export_log(ctx, IncidentFilter(), tmp_path / "log.csv", "csv")
    assert result.rows == _count(ctx, "deleted = FALSE") == 2
    exported = list(csv.DictReader((tmp_path / "log.csv").read_text(encoding="utf-8-sig")
                                   .splitlines(keepends=True)))
    assert {r["Judul"] for r in exported} == {"'+62 812 lapor warga", "Sudah ditangani"}
    assert import_spreadsheet(ctx, tmp_path / "log.csv").already_imported == [2, 3]
