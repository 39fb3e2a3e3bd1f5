"""Sitrep benchmark: the province sitrep of voting day at 1,000,000 incidents.

    .venv/bin/python bench/bench_sitrep.py [--incidents 1000000] [--repeat 5]
    (or through bench/run.py, which lists this module)

The shared bench database spreads its incidents over 90 days, so its voting-day period
holds tens of thousands of incidents. The issue's scenario is "1,000,000 incidents, a
period with ~2,000": this module builds (once, cached in bench/.cache) its own database of
the same size spread over ten years (`demo-data --days 3660 --end-date 2024-11-27`), whose
voting-day period holds about 3,000 incidents, and measures on that.

Rows: data gathering (with the raw sqlite3 baseline of the same counting and listing
queries), PDF rendering with both charts, the end-to-end in-process time (target ≤ 3 s),
and a cold `posko sitrep` run in a fresh process (interpreter start and imports included).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, PYTHON, Row, measure, summary

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.periods import report_period
from posko_desktop.core.reports import sitrep_pdf
from posko_desktop.core.reports.data import SitrepOptions
from posko_desktop.core.services import demo, reference, sitrep

AREA = "sitrep"
VOTING_DAY = date(2024, 11, 27)
TARGET_S = 3.0


def sitrep_db(incidents: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"sitrep-{incidents}.sqlite3"
    if path.exists():
        return path
    print(f"building {path.name} (once) …", file=sys.stderr)
    db = open_database(path, create=True)
    ctx = AppContext(db, Actor("bench", "admin", "Bench"))
    reference.init_site(ctx, "33", "Posko Desk Pilkada Provinsi Jawa Tengah")
    demo.generate(ctx, incidents=incidents, days=3660, end_date=VOTING_DAY, seed=2024)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def raw_queries(conn: sqlite3.Connection) -> int:
    """The counting and listing work of `gather()`, straight through sqlite3."""
    period = report_period(VOTING_DAY)
    previous = period.previous()
    start = datetime(2024, 9, 24, 17, tzinfo=UTC)  # 25 Sep 00.00 WIB, campaign start
    count_sql = ("SELECT regency_code, substr(category_code, 1, 1), severity_rank, status, "
                 "count(*) FROM incident WHERE occurred_at >= ? AND occurred_at < ? AND "
                 "deleted = 0 GROUP BY 1, 2, 3, 4")
    n = 0
    for a, b in ((period.start, period.end), (previous.start, previous.end),
                 (start, period.end)):
        n += len(conn.execute(count_sql, (_utc(a), _utc(b))).fetchall())
    n += len(conn.execute(
        "SELECT number, occurred_at, regency_code, category_code, severity, status, title "
        "FROM incident WHERE occurred_at >= ? AND occurred_at < ? AND deleted = 0 "
        "ORDER BY occurred_at, seq", (_utc(period.start), _utc(period.end))).fetchall())
    return n


def run(db_path: Path | None, args: argparse.Namespace) -> list[Row]:
    incidents = getattr(args, "incidents", 1_000_000)
    repeat = max(3, min(getattr(args, "repeat", 5), 7))
    path = sitrep_db(incidents)
    db = open_database(path)
    ctx = AppContext(db, Actor("bench", "admin", "Bench"))
    options = SitrepOptions(VOTING_DAY)
    holder: dict[str, object] = {}

    def gather() -> None:
        holder["data"] = sitrep.gather(ctx, options)

    def render() -> None:
        data = holder["data"]
        data.generated_at = datetime.now(UTC)  # type: ignore[attr-defined]
        holder["pdf"] = sitrep_pdf.render_bytes(data)  # type: ignore[arg-type]

    def end_to_end() -> None:
        holder["e2e"] = sitrep.generate(ctx, options)

    rows: list[Row] = []
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA cache_size=-65536")
    try:
        g_med, g_p95 = summary(measure(gather, repeat))
        raw_med, raw_p95 = summary(measure(lambda: raw_queries(conn), repeat))
    finally:
        conn.close()
    data = holder["data"]
    in_period = len(data.appendix)  # type: ignore[attr-defined]
    notable = data.notable_total  # type: ignore[attr-defined]
    r_med, r_p95 = summary(measure(render, repeat))
    _pdf, pages = holder["pdf"]  # type: ignore[misc]
    e_med, e_p95 = summary(measure(end_to_end, repeat))
    cpu = []
    for _ in range(repeat):  # CPU seconds: what the work costs when the machine is busy
        start = time.process_time()
        end_to_end()
        cpu.append(time.process_time() - start)
    cpu_med = sorted(cpu)[len(cpu) // 2]
    load = os.getloadavg()[0]
    db.dispose()
    note = f"{in_period:,} incidents in the period, {notable:,} notable, {pages} pages"
    rows.append(Row(AREA, "sitrep data (gather)", g_med, g_p95, raw_median=raw_med,
                    raw_p95=raw_p95, note=note))
    rows.append(Row(AREA, "sitrep PDF render (2 charts)", r_med, r_p95, note=f"{pages} pages"))
    rows.append(Row(AREA, "sitrep province, voting day, end to end", e_med / 1000,
                    e_p95 / 1000, unit="s", target=f"≤ {TARGET_S:.0f} s",
                    ok=e_p95 / 1000 <= TARGET_S,
                    note=f"{incidents:,} incidents; {note}; CPU {cpu_med:.2f} s; "
                         f"load average {load:.1f} on {os.cpu_count()} cores"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sitrep.pdf"
        cmd = [str(PYTHON), "-m", "posko_desktop", "--db", str(path), "sitrep", "--date",
               VOTING_DAY.isoformat(), "--out", str(out)]
        times = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        c_med, c_p95 = summary(times)
    rows.append(Row(AREA, "posko sitrep (cold process)", c_med, c_p95, unit="s",
                    note="interpreter start, imports and migration check included"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from run import print_table  # the shared table printer

    print_table(run(None, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
