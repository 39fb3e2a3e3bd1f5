"""TPS register import (issue 17): ~58,000 rows of our CSV template (and the same rows as
XLSX) into an empty register, through `tps_register.import_register` (file checks, header,
every cell checked, one transaction, Core inserts), against the raw baseline (csv.reader and
sqlite3 `executemany` of the same rows into the same table, no checks). Target: ≤ 5 s.

    .venv/bin/python bench/run.py --only kerawanan
    .venv/bin/python bench/bench_kerawanan.py [--repeat 3] [--previous-reader OLD.py]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import openpyxl
from common import Row, measure, summary

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.resources import resource_path
from posko_desktop.core.services import reference, tps_register
from posko_desktop.core.spreadsheets import xlsx_rows

AREA = "kerawanan"
ROWS = 58_000


def _write_files(folder: Path) -> tuple[Path, Path]:
    with resource_path("data", "wilayah-33.csv").open(encoding="utf-8", newline="") as fh:
        desa = [r["kode"] for r in csv.DictReader(fh) if r["tingkat"] == "desa/kelurahan"]
    rows = [(d, n, 200 + (i * 37) % 400, "Balai dusun {n}".format(n=n), -7.0 - (i % 997) / 1000,
             110.0 + (i % 991) / 1000)
            for i, (d, n) in enumerate((d, n) for n in range(1, 8) for d in desa)][:ROWS]
    header = ["Kode desa", "Nomor TPS", "DPT", "Alamat", "Lintang", "Bujur"]
    path = folder / "tps.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("TPS")
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    xlsx = folder / "tps.xlsx"
    wb.save(xlsx)
    return path, xlsx


def _previous_reader(path: str) -> Callable[[Path], Iterator[tuple[Any, ...]]]:
    """`sheet_rows` of an earlier xlsx_rows.py (e.g. `git show main:posko_desktop/core/
    spreadsheets/xlsx_rows.py > /tmp/old_xlsx_rows.py`), to measure against in one run."""
    spec = importlib.util.spec_from_file_location("previous_xlsx_rows", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.sheet_rows


def run(_db_path: Path | None, args: argparse.Namespace) -> list[Row]:
    """Rounds alternate the raw baseline, the CSV import, the XLSX import (and the XLSX
    import through the previous reader with `--previous-reader FILE`), so machine noise
    falls on all of them alike."""
    repeat = getattr(args, "repeat", 3)
    previous = getattr(args, "previous_reader", None)
    work = Path(tempfile.mkdtemp(prefix="bench-kerawanan-"))
    try:
        empty = work / "empty.sqlite3"
        db = open_database(empty, create=True)
        reference.init_site(AppContext(db, Actor("bench", "admin", "Bench")), "33", "Bench")
        db.dispose()
        csv_path, xlsx_path = _write_files(work)
        target = work / "target.sqlite3"

        def fresh() -> Path:
            for p in work.glob("target.sqlite3*"):
                p.unlink()
            shutil.copy(empty, target)
            return target

        def app_import(path: Path) -> Callable[[], None]:
            def go() -> None:
                ctx = AppContext(open_database(fresh()), Actor("bench", "admin", "Bench"))
                assert tps_register.import_register(ctx, path).added == ROWS
                ctx.db.dispose()
            return go

        def raw() -> None:
            con = sqlite3.connect(fresh())
            with csv_path.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.reader(fh, delimiter=";"))[1:]
            con.executemany(
                "INSERT INTO tps (desa_code, number, kecamatan_code, regency_code, dpt, "
                "address, latitude, longitude) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(r[0], int(r[1]), r[0][:8], r[0][:5], int(r[2]), r[3], float(r[4]),
                  float(r[5])) for r in rows])
            con.commit()
            con.close()

        cases: dict[str, Callable[[], None]] = {
            "CSV": app_import(csv_path), "XLSX": app_import(xlsx_path)}
        if previous:
            old_reader = _previous_reader(previous)

            def with_previous() -> None:
                current = xlsx_rows.sheet_rows
                xlsx_rows.sheet_rows = old_reader  # type: ignore[assignment]
                try:
                    app_import(xlsx_path)()
                finally:
                    xlsx_rows.sheet_rows = current
            cases["XLSX, previous reader"] = with_previous
        times: dict[str, list[float]] = {name: [] for name in ("raw", *cases)}
        cpus: dict[str, list[float]] = {name: [] for name in ("raw", *cases)}
        loads = [os.getloadavg()[0]]
        for _round in range(repeat):
            for name, fn in {"raw": raw, **cases}.items():
                times[name] += measure(fn, 1, warmup=0)
                cpus[name] += common.last_cpu
            loads.append(os.getloadavg()[0])
        rmed, rp95 = summary(times["raw"])
        out = []
        for name in cases:
            med, p95 = summary(times[name])
            out.append(Row(AREA, "TPS register import, {n} rows ({f})".format(n=ROWS, f=name),
                           med, p95, raw_median=rmed, raw_p95=rp95, target="≤ 5000",
                           ok=p95 <= 5000, cpu_median=summary(cpus[name])[0],
                           note="{k} runs; load {lo:.1f}–{hi:.1f}; raw CPU {r:.0f} ms".format(
                               k=len(times[name]), lo=min(loads), hi=max(loads),
                               r=summary(cpus["raw"])[0])))
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--previous-reader", metavar="FILE",
                        help="an earlier xlsx_rows.py to measure against, alternately")
    args = parser.parse_args()
    from run import print_table

    print_table(run(None, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
