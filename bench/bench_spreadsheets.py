"""Spreadsheet benchmark: export of the log (XLSX, CSV) and import of a full sheet.

    .venv/bin/python bench/bench_spreadsheets.py [--incidents 100000] [--rows 20000] [--workdir DIR]

Builds (or reuses) a demo database with --incidents incidents in WORKDIR, exports it to XLSX
and CSV (time, rows, file size), then writes a --rows sheet, imports it into an empty
database and imports it again (every row already there). Prints a table; peak memory is
the process's maximum resident set size after each step (it only grows).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import reference
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.spreadsheet_import import import_spreadsheet
from posko_desktop.core.spreadsheets import export_log, write_template
from posko_desktop.core.spreadsheets.columns import data_sheet_names

ADMIN = Actor("bench", "admin", "Bench")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn, results: list) -> object:
    start = time.perf_counter()
    value = fn()
    results.append((label, time.perf_counter() - start, value, peak_mb()))
    return value


def build_demo(db: Path, incidents: int) -> None:
    if db.exists():
        return
    posko = [sys.executable, "-m", "posko_desktop", "--db", str(db)]
    subprocess.run([*posko, "init", "--site", "33", "--site-name", "Bench", "--training"],
                   check=True)
    subprocess.run([*posko, "demo-data", "--incidents", str(incidents), "--days", "90",
                    "--end-date", "2024-11-30", "--seed", "7"], check=True)


def make_sheet(ctx: AppContext, path: Path, rows: int) -> None:
    template = write_template(ctx, path.with_name("template.xlsx"))
    wb = openpyxl.load_workbook(template)
    ws = wb[data_sheet_names()[0]]
    regencies = [r.full_name for r in reference.list_regencies(ctx) if r.name != "Semarang"]
    start = datetime(2024, 9, 1, 7, 0)
    for i in range(rows):
        ws.append([f"B-{i}", regencies[i % len(regencies)], start + timedelta(minutes=7 * i), None,
                   "A1", "Sedang", None, "Media sosial", f"https://contoh.id/{i}",
                   f"Laporan bench nomor {i}", "Uraian singkat", "", "", "TPS 01", i % 20])
    wb.save(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--workdir", default="bench-data/spreadsheets")
    args = parser.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    results: list = []

    demo = work / f"demo-{args.incidents}.sqlite3"
    build_demo(demo, args.incidents)
    db = open_database(demo)
    ctx = AppContext(db, ADMIN)
    out = timed("export XLSX (all)", lambda: export_log(ctx, IncidentFilter(), work / "log.xlsx", "xlsx"), results)
    out = timed("export CSV (all)", lambda: export_log(ctx, IncidentFilter(), work / "log.csv", "csv"), results)
    db.dispose()
    del out

    sheet = work / f"sheet-{args.rows}.xlsx"
    empty = work / "import.sqlite3"
    for p in (empty, Path(str(empty) + "-wal"), Path(str(empty) + "-shm")):
        p.unlink(missing_ok=True)
    db = open_database(empty, create=True)
    ctx = AppContext(db, ADMIN)
    reference.init_site(ctx, "33", "Bench")
    if not sheet.exists():
        make_sheet(ctx, sheet, args.rows)
    timed(f"import {args.rows} rows (empty DB)", lambda: import_spreadsheet(ctx, sheet), results)
    timed(f"re-import {args.rows} rows (all known)", lambda: import_spreadsheet(ctx, sheet), results)
    db.dispose()

    print(f"{'step':<36} {'seconds':>8} {'rows':>8} {'peak RSS MB':>12}")
    for label, seconds, value, peak in results:
        rows = getattr(value, "rows", None)
        if rows is None:
            rows = len(getattr(value, "imported", [])) or len(getattr(value, "already_imported", []))
        print(f"{label:<36} {seconds:>8.2f} {rows:>8} {peak:>12.0f}")
    for name in ("log.xlsx", "log.csv", sheet.name):
        print(f"{name}: {(work / name).stat().st_size / 1048576:.1f} MB")
    shutil.rmtree(work / "unused", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
