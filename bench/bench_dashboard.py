"""Dashboard benchmark: full refresh (data for every chart + building + rendering the five
figures) and each chart's data against the raw sqlite3 baseline, on the shared demo DB.

    .venv/bin/python bench/run.py --only dashboard [--incidents 1000000]
    .venv/bin/python bench/bench_dashboard.py [--incidents 200000] [--repeat 10]
    .venv/bin/python bench/bench_dashboard.py --db NEW.sqlite3 --old-code DIR --old-db OLD.sqlite3

With the baseline (issue 17): the database gets a 58,000-TPS register, an IKP, a TPS-rawan
mapping and Polda classes (generated, imported once through the services), and the row
"full refresh 30 d + baseline" measures what the tab's worker does: `snapshot` and the
figures drawn by a fresh `DrawnBoard` (cold: all six charts) and, after one new incident,
by the board kept from the refresh before (what the tab does all day). `--old-code DIR`
(a checkout of the code before, e.g. `git archive`) runs the same measurement with the old
code on its own copy of the database (`--old-db`, at the old schema), old and new
alternately in child processes, each a warm-up and three measured refreshes.

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
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from common import ROOT, Row, demo_db, measure, summary

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
        "contest panel": lambda: [*_two(
            conn, "contest_code, pair_number, count(*)", rng + " AND contest_code IS NOT NULL",
            "contest_code, pair_number", (d0, d1)), conn.execute(
            "SELECT contest_code, pair_number, count(*) FROM social_post WHERE deleted = 0 AND "
            "contest_code IS NOT NULL AND created_at >= ? AND created_at < ? GROUP BY 1, 2",
            (_utc_text(wib_day_start(first)), _utc_text(at))).fetchall()],
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
        "contest panel": lambda: dash.contest_counts(ctx, first, last),  # also in snapshot
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


# --- full refresh with the baseline (issue 17) ----------------------------------------------


def ensure_baseline(db_path: Path) -> None:
    """Import a 58,000-TPS register and the three baseline kinds once (generated files:
    TPS as bench_kerawanan.py makes them; 60 % of the TPS in the TPS-rawan mapping, each
    variable with chance 1/4; a Polda class for every TPS; an IKP row per regency)."""
    import csv
    import random
    import shutil
    import tempfile

    from bench_kerawanan import _write_files

    from posko_desktop.core.services import baseline, tps_register

    db = open_database(db_path, upgrade_backup=False)  # a bench copy: no backup first
    ctx = AppContext(db, Actor("bench", "admin", "Bench"))
    try:
        if len(baseline.list_imports(ctx)) >= 3:
            return
        work = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
        tps_csv, _xlsx = _write_files(work)
        with tps_csv.open(encoding="utf-8", newline="") as fh:
            tps = [(r[0], r[1]) for r in list(csv.reader(fh, delimiter=";"))[1:]]
        rnd = random.Random(17)
        files = {"tps_rawan": work / "rawan.csv", "polda": work / "polda.csv",
                 "ikp": work / "ikp.csv"}
        with files["tps_rawan"].open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(["Kode desa", "Nomor TPS", "Penggunaan hak pilih", "Keamanan",
                        "Politik uang", "SARA", "Netralitas", "Logistik", "Lokasi TPS",
                        "Listrik dan internet"])
            w.writerows([d, n, *(rnd.choice(("", "", "", "1")) for _ in range(8))]
                        for d, n in tps if rnd.random() < 0.6)
        with files["polda"].open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(["Kode desa", "Nomor TPS", "Kelas Polda"])
            w.writerows([d, n, rnd.choice(("Kurang rawan", "Rawan", "Sangat rawan"))]
                        for d, n in tps)
        with files["ikp"].open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["Kode kabupaten/kota", "Skor IKP", "Kategori IKP"])
            for code in [*("33.{:02d}".format(i) for i in range(1, 30)),
                         *("33.{}".format(i) for i in range(71, 77))]:
                score = round(rnd.uniform(20, 80), 2)
                w.writerow([code, score, "rendah" if score < 40 else
                            "sedang" if score < 60 else "tinggi"])
        tps_register.import_register(ctx, tps_csv)
        for kind, path in files.items():
            baseline.import_baseline(ctx, kind, path, "Bench")
        shutil.rmtree(work, ignore_errors=True)
    finally:
        db.dispose()


def _refresher(ctx: AppContext) -> Callable[[bool], list[str]]:
    """refresh(cold) -> the charts drawn: the tab worker's work (data, then figures drawn
    at the panels' sizes) with the code at hand; new code: a `DrawnBoard` (cold: a new
    one), old code: every figure built and drawn."""
    from posko_desktop.core.charts import board as board_module

    first, last = AS_OF - timedelta(days=29), AS_OF
    held = getattr(board_module, "DrawnBoard", None)
    kept = [held() if held else None]

    def refresh(cold: bool) -> list[str]:
        snap = dash.snapshot(ctx, first, last)
        if held is None:
            from posko_desktop.ui.dashboard.tab import render_figures  # the old worker

            return list(render_figures(snap, SIZES, 1.0))
        if cold:
            kept[0] = held()
        kept[0].draw(snap, SIZES, 1.0)
        return list(kept[0].drawn)
    return refresh


def _one_change(ctx: AppContext, n: int) -> None:
    """One incident more on the last day of the view (as an operator adds one)."""
    from posko_desktop.core.services import incidents
    from posko_desktop.core.services.incidents import IncidentInput

    when = datetime.combine(AS_OF, datetime.min.time()) + timedelta(hours=9, minutes=n)
    incidents.create_incident(ctx, IncidentInput(
        regency_code="33.74", title="Bench: satu kejadian baru", category_code="A1",
        severity="sedang", occurred_at=when, reported_at=when))


def child(db_path: Path, mode: str, repeat: int = 3) -> dict[str, Any]:
    """One sitting of `repeat` refreshes after a warm-up (imports, caches, page cache)."""
    db = open_database(db_path, upgrade_backup=False)
    ctx = AppContext(db, Actor("bench", "admin", "Bench"))
    refresh = _refresher(ctx)
    refresh(True)
    from posko_desktop.core.charts import board as board_module

    settle = getattr(board_module, "keep_loaded_objects", None)
    if settle is not None:  # what the tab does after its first pictures (new code only)
        settle()
    out: dict[str, Any] = {"cpu": [], "wall": [], "drawn": [], "load": [os.getloadavg()[0]]}
    for i in range(repeat):
        if mode == "change":
            _one_change(ctx, i)
        cpu, wall = time.process_time(), time.perf_counter()
        drawn = refresh(mode == "cold")
        out["cpu"].append((time.process_time() - cpu) * 1000)
        out["wall"].append((time.perf_counter() - wall) * 1000)
        out["drawn"].append(len(drawn))
    db.dispose()
    return out


def raw_refresh_queries(db_path: Path) -> Callable[[], None]:
    """The raw baseline: the counting SQL a refresh sends to the day counts and the TPS
    register (day x regency with severities over the 30 days and the warning history,
    regency x category, the level's whole days, TPS per regency) through Python's sqlite3,
    no reshaping, no drawing. (The marks of a baseline version are counted once per version
    and kept, so a refresh does not send that SQL.)"""
    conn = sqlite3.connect(str(db_path))
    first = (AS_OF - timedelta(days=43)).isoformat()
    d0, d1 = (AS_OF - timedelta(days=29)).isoformat(), AS_OF.isoformat()
    sev = ", ".join(f"sum(CASE WHEN severity_rank = {r} THEN n ELSE 0 END)" for r in range(4))
    by_day = (f"SELECT occurred_date, regency_code, sum(n), {sev} FROM incident_day_count "
              "WHERE occurred_date >= ? AND occurred_date <= ? GROUP BY 1, 2")
    queries = [
        (by_day, (first, d1)),
        (by_day, ((AS_OF - timedelta(days=2)).isoformat(), d1)),
        ("SELECT regency_code, category_code, sum(n) FROM incident_day_count WHERE "
         "occurred_date >= ? AND occurred_date <= ? GROUP BY 1, 2", (d0, d1)),
        ("SELECT regency_code, count(*) FROM tps GROUP BY 1", ()),
    ]

    def run_all() -> None:
        for sql, params in queries:
            conn.execute(sql, params).fetchall()
    return run_all


def refresh_rows(db_path: Path, args: argparse.Namespace) -> list[Row]:
    """The full refresh with the baseline: new code in children (cold, after a change),
    old code alternately when `--old-code` is given, and the raw baseline."""
    import json
    import subprocess

    ensure_baseline(db_path)
    old_code, old_db = getattr(args, "old_code", None), getattr(args, "old_db", None)
    sides = [("new", ROOT, db_path)]
    if old_code and old_db:
        ensure_baseline_old = [common.PYTHON, str(Path(__file__)), "--child", "baseline",
                               "--db", str(old_db)]
        subprocess.run(ensure_baseline_old, check=True, cwd="/",
                       env={**os.environ, "PYTHONPATH": str(old_code)})
        sides.append(("old", Path(old_code), Path(old_db)))
    results: dict[tuple[str, str], dict[str, list[float]]] = {}
    for _round in range(getattr(args, "rounds", 3)):
        for mode in ("cold", "change"):
            for side, code, path in sides:  # old and new alternately
                done = subprocess.run(
                    [common.PYTHON, str(Path(__file__)), "--child", mode, "--db", str(path)],
                    check=True, capture_output=True, text=True, cwd="/",
                    env={**os.environ, "PYTHONPATH": str(code)})
                got = json.loads(done.stdout.strip().splitlines()[-1])
                acc = results.setdefault((side, mode),
                                         {"cpu": [], "wall": [], "drawn": [], "load": []})
                for k in acc:
                    acc[k] += got[k]
    rm, rp = summary(measure(raw_refresh_queries(db_path), 10))
    raw_cpu = summary(list(common.last_cpu))[0]
    rows = []
    n = getattr(args, "incidents", 0)
    for (side, mode), acc in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        (cpu, cpu_p95), wall = summary(acc["cpu"]), summary(acc["wall"])
        what = "all six charts drawn" if mode == "cold" else "after one new incident"
        rows.append(Row(AREA, f"full refresh 30 d + baseline (58,000 TPS), {what}, "
                              f"{side} code, {n:,}", wall[0], wall[1],
                        raw_median=rm if side == "new" else None,
                        raw_p95=rp if side == "new" else None, target="CPU ≤ 600 ms",
                        ok=cpu <= 600, cpu_median=cpu,
                        note="{k} runs; CPU p95 {p:.0f} ms; load {lo:.1f}–{hi:.1f}; charts drawn "
                             "per refresh: {d}{raw}".format(
                            k=len(acc["cpu"]), p=cpu_p95, lo=min(acc["load"]), hi=max(acc["load"]),
                            d=sorted(set(acc["drawn"])),
                            raw="; raw CPU {:.0f} ms".format(raw_cpu) if side == "new" else "")))
    return rows


def run(db_path: Path, args: argparse.Namespace) -> list[Row]:
    repeat = max(3, min(getattr(args, "repeat", 10), 10))
    db = open_database(db_path)
    ctx = AppContext(db, Actor("bench", "admin", "Bench"))
    rows: list[Row] = []
    conn = sqlite3.connect(str(db_path))
    n = getattr(args, "incidents", 0)
    try:
        rows += refresh_rows(db_path, args)
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
    parser.add_argument("--old-code", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--old-db", type=Path, help="its copy of the database (old schema)")
    parser.add_argument("--rounds", type=int, default=3, help="old/new alternations")
    parser.add_argument("--only-refresh", action="store_true",
                        help="only the full refresh with the baseline")
    parser.add_argument("--child", choices=("cold", "change", "baseline"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "baseline":
        ensure_baseline(args.db)
        return 0
    if args.child:
        import json

        print(json.dumps(child(args.db, args.child)))
        return 0
    db_path = args.db if args.db else demo_db(args.incidents)[0]
    from run import print_table

    print_table(refresh_rows(db_path, args) if args.only_refresh else run(db_path, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
