"""Dashboard benchmark: full refresh (data for every chart + building + rendering the five
figures) and each chart's data against the raw sqlite3 baseline, on the shared demo DB.

    .venv/bin/python bench/run.py --only dashboard [--incidents 1000000]
    .venv/bin/python bench/bench_dashboard.py [--incidents 200000] [--repeat 10]

Scenario: the tab's default view, 14 days ending on the newest day of the demo data
(30 Nov 2024), and the 30-day view. The raw baseline is the same SQL the service sends
(all rows from the covering index minus deleted rows from the partial index), run with
Python's sqlite3; the note gives the naive `deleted = 0` query for comparison.
Figures are built and drawn (Agg) on the worker thread; the GUI thread only copies the
finished pictures into the canvases (tests/ui/test_dashboard.py checks no matplotlib draw
runs on the GUI thread). The longest single chart draw is listed for information.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from common import Row, demo_db, measure, summary

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.periods import report_period
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.timeutil import wib_day_start

AREA = "dashboard"
AS_OF = date(2024, 11, 30)
# Panel sizes (pixels) of the tab in a 1400x900 window (screenshot in docs/dashboard.md).
SIZES = {"tilemap": (455, 300), "trend": (545, 300), "heatmap": (455, 430),
         "categories": (545, 210), "severity": (545, 170)}


def _utc_text(moment: datetime) -> str:
    """The text form SQLAlchemy stores UTC datetimes in on SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _two(conn: sqlite3.Connection, select_group: str, where: str, group: str,
         params: tuple) -> list:
    all_rows = conn.execute(f"SELECT {select_group} FROM incident WHERE {where} GROUP BY {group}",
                            params).fetchall()
    deleted = conn.execute(f"SELECT {select_group} FROM incident WHERE deleted = 1 AND {where} "
                           f"GROUP BY {group}", params).fetchall()
    return [all_rows, deleted]


def raw_queries(conn: sqlite3.Connection, first: date, last: date) -> dict:
    """The raw sqlite3 version of each chart's data (same SQL, no Python reshaping)."""
    d0, d1 = first.isoformat(), last.isoformat()
    lead = (first - timedelta(days=6)).isoformat()
    sev = ", ".join(f"sum(CASE WHEN severity_rank = {r} THEN 1 ELSE 0 END)" for r in range(4))
    at = wib_day_start(last + timedelta(days=1))
    win = _utc_text(at - timedelta(hours=72)), _utc_text(at)
    period = report_period(last)
    end = _utc_text(period.end)
    rng = "occurred_date >= ? AND occurred_date <= ?"
    warn0 = (last - timedelta(days=14)).isoformat()
    return {
        "trend": lambda: _two(conn, "occurred_date, regency_code, count(*)", rng,
                              "occurred_date, regency_code", (lead, d1)),
        "heatmap": lambda: _two(conn, "occurred_date, regency_code, count(*)", rng,
                                "occurred_date, regency_code", (d0, d1)),
        "categories": lambda: _two(conn, "regency_code, category_code, count(*)",
                                   rng, "regency_code, category_code", (d0, d1)),
        "severity": lambda: _two(conn, f"occurred_date, regency_code, count(*), {sev}", rng,
                                 "occurred_date, regency_code", (d0, d1)),
        "levels": lambda: conn.execute(
            "SELECT regency_code, severity_rank, count(*), sum(CASE WHEN status IN ('baru', "
            "'diverifikasi', 'ditindaklanjuti') THEN 1 ELSE 0 END) FROM incident WHERE "
            "occurred_at >= ? AND occurred_at < ? AND deleted IS 0 AND status NOT IN "
            "('ditolak', 'tidak_dapat_diverifikasi') GROUP BY 1, 2", win).fetchall(),
        "warnings": lambda: _two(conn, "occurred_date, regency_code, count(*)", rng,
                                 "occurred_date, regency_code", (warn0, d1)),
        "report status": lambda: conn.execute(
            "SELECT r.code, (SELECT created_at FROM incident i WHERE i.regency_code = r.code AND "
            "i.created_at < ? AND i.deleted IS 0 ORDER BY i.created_at DESC LIMIT 1), "
            "(SELECT recorded_by FROM incident i WHERE i.regency_code = r.code AND "
            "i.created_at < ? AND i.deleted IS 0 ORDER BY i.created_at DESC LIMIT 1) "
            "FROM regency r", (end, end)).fetchall(),
    }


def service_calls(ctx: AppContext, first: date, last: date) -> dict:
    at = wib_day_start(last + timedelta(days=1))
    period = report_period(last)
    return {
        "trend": lambda: dash.daily_counts(ctx, first, last),
        "heatmap": lambda: dash.heatmap(ctx, first, last),
        "categories": lambda: dash.category_breakdown(ctx, first, last),
        "severity": lambda: dash.severity_breakdown(ctx, first, last),
        "levels": lambda: dash.situation_levels(ctx, at),
        "warnings": lambda: dash.early_warnings(ctx, last),
        "report status": lambda: dash.report_status(ctx, period),
    }


def full_refresh(ctx: AppContext, first: date, last: date) -> tuple[float, float, float]:
    """(data ms, figures ms, longest single draw ms) of one complete dashboard refresh."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from posko_desktop.core.charts.board import dashboard_figures

    t0 = time.perf_counter()
    snap = dash.snapshot(ctx, first, last)
    t1 = time.perf_counter()
    figures = dashboard_figures(snap, SIZES)
    longest = 0.0
    for fig, _rows in figures.values():
        d0 = time.perf_counter()
        FigureCanvasAgg(fig).draw()
        longest = max(longest, time.perf_counter() - d0)
    t3 = time.perf_counter()
    return (t1 - t0) * 1000, (t3 - t1) * 1000, longest * 1000


def run(db_path: Path, args: argparse.Namespace) -> list[Row]:
    repeat = max(3, min(getattr(args, "repeat", 10), 10))
    db = open_database(db_path)
    ctx = AppContext(db, Actor("bench", "admin", "Bench"))
    rows: list[Row] = []
    conn = sqlite3.connect(str(db_path))
    n = getattr(args, "incidents", 0)
    try:
        for days in (14, 30):
            first, last = AS_OF - timedelta(days=days - 1), AS_OF
            full_refresh(ctx, first, last)  # warm-up: imports, caches
            totals, draws, datas, cpus = [], [], [], []
            for _ in range(repeat):
                cpu0 = time.process_time()
                data_ms, fig_ms, longest = full_refresh(ctx, first, last)
                cpus.append((time.process_time() - cpu0) * 1000)
                totals.append(data_ms + fig_ms)
                datas.append(data_ms)
                draws.append(longest)
            med, p95 = summary(totals)
            rows.append(Row(AREA, f"full refresh {days} d (data+figures+render), {n:,}", med, p95,
                            target="≤ 1000 ms", ok=med <= 1000,
                            note="data {:.0f} ms".format(summary(datas)[0]),
                            cpu_median=summary(cpus)[0]))
            cmed, cp95 = summary(cpus)
            rows.append(Row(AREA, f"full refresh {days} d, CPU time of the process", cmed, cp95,
                            target="≤ 1000 ms", ok=cmed <= 1000,
                            note="≈ wall time on an idle machine (single-threaded work)"))
            dmed, dp95 = summary(draws)
            rows.append(Row(AREA, f"longest single chart draw (worker thread), {days} d", dmed,
                            dp95, note="the GUI thread only copies the drawn picture"))
            services = service_calls(ctx, first, last)
            raws = raw_queries(conn, first, last)
            for name, fn in services.items():
                m, p = summary(measure(fn, repeat))
                cpu = summary(list(getattr(common, "last_cpu", []) or [0.0]))[0]
                rm, rp = summary(measure(raws[name], repeat))
                # + 10 ms: the service's fixed cost (session, settings, regency names) on
                # queries that take well under a millisecond raw
                rows.append(Row(AREA, f"{name} data, {days} d", m, p, raw_median=rm, raw_p95=rp,
                                target="≤ 2× raw", ok=m <= 2 * rm + 10.0,
                                note="raw < 5 ms: +10 ms slack" if rm < 5 else "",
                                cpu_median=cpu))
        first = AS_OF - timedelta(days=13)
        naive = measure(lambda: conn.execute(
            "SELECT occurred_date, regency_code, count(*) FROM incident WHERE deleted = 0 AND "
            "occurred_date >= ? AND occurred_date <= ? GROUP BY 1, 2",
            (first.isoformat(), AS_OF.isoformat())).fetchall(), 3)
        rows.append(Row(AREA, "naive 'deleted = 0' day×regency count, 14 d (reference)",
                        summary(naive)[0], note="what the partial-index subtraction avoids"))
    finally:
        conn.close()
        db.dispose()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--db", type=Path, help="measure on this database instead of the cache")
    args = parser.parse_args()
    db_path = args.db if args.db else demo_db(args.incidents)[0]
    from run import print_table

    print_table(run(db_path, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
