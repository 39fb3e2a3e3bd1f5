"""Posko Desk benchmark: one command, one table.

    .venv/bin/python bench/run.py [--incidents 1000000] [--only NAME] [--rebuild]

Builds (first time) or reuses the demo database `bench/.cache/demo-N.sqlite3` (git-ignored),
then runs every area's benchmark module and prints medians / p95 next to the raw sqlite3
baseline for the same work, measured in the same run, and the target.

An area adds `bench/bench_<area>.py` with `run(db_path, args) -> list[Row]` (Row from
`bench/common.py`) and lists its module name in MODULES below. `--only NAME` runs the
modules (or the foundation sections) whose name contains NAME.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, demo_db

# Benchmark modules, one per area (bench/bench_<area>.py with run(db_path, args)).
MODULES: list[str] = ["bench_foundation"]
MODULES.append("bench_dashboard")
MODULES.append("bench_sync")
MODULES.append("bench_sitrep")
MODULES.append("bench_accounts")
MODULES.append("bench_places")
MODULES.append("bench_medsos")
MODULES.append("bench_reports")
MODULES.append("bench_kerawanan")


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.1f}"


def print_table(rows: list[Row]) -> None:
    headers = ["area", "measurement", "median", "p95", "cpu median", "raw median", "raw p95",
               "target", "ok", "note"]
    table = []
    for r in rows:
        ok = "" if r.ok is None else ("OK" if r.ok else "MISS")
        cpu = getattr(r, "cpu_median", None)
        table.append([r.area, r.name, fmt(r.median, r.unit), fmt(r.p95, r.unit) if r.p95 is not
                      None else "", fmt(cpu, r.unit) if cpu is not None else "",
                      fmt(r.raw_median, r.unit) if r.raw_median is not None else "",
                      fmt(r.raw_p95, r.unit) if r.raw_p95 is not None else "", r.target, ok,
                      r.note])
    widths = [max(len(h), *(len(row[i]) for row in table)) if table else len(h)
              for i, h in enumerate(headers)]
    widths[-1] = len(headers[-1])  # the note column is not padded
    line = " | ".join("{:<" + str(w) + "}" for w in widths)
    print(line.format(*headers))
    print("-+-".join("-" * w for w in widths))
    for row in table:
        print(line.format(*row))
    print("(times in ms unless marked; raw = the same work with Python's sqlite3 directly; "
          "cpu = CPU time of this process, close to the wall time on an idle machine)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--only", help="run only modules/sections whose name contains this")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached demo DB")
    parser.add_argument("--raw-load", action="store_true",
                        help="measure the raw load baseline even for a cached database")
    parser.add_argument("--repeat", type=int, default=20, help="repetitions per measurement")
    parser.add_argument("--starts", type=int, default=5, help="cold starts to measure")
    parser.add_argument("--bundle", help="also time this PyInstaller folder's cold start "
                                         "against the source tree (e.g. dist/posko-desk)")
    parser.add_argument("--verbose", action="store_true", help="one row per query too")
    parser.add_argument("--json", help="also write the rows to this JSON file")
    args = parser.parse_args()

    started = time.perf_counter()
    print(f"demo database with {args.incidents:,} incidents …", file=sys.stderr)
    db_path, info = demo_db(args.incidents, rebuild=args.rebuild)
    args.demo_info = info
    rows: list[Row] = []
    for name in MODULES:
        module = importlib.import_module(name)
        sections = getattr(module, "SECTIONS", ())
        args.section = None
        if args.only and args.only not in name:
            picked = [s for s in sections if args.only in s]
            if not picked:
                continue
            args.section = picked
        print(f"running {name} …", file=sys.stderr)
        rows += module.run(db_path, args)
    print_table(rows)
    print(f"database: {db_path} ({db_path.stat().st_size / 1048576:.0f} MB); "
          f"total bench time {time.perf_counter() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in rows], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
