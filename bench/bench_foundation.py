"""Foundation benchmark (issue 2): demo data, cold start, log queries, search, jump-scroll,
statistics and memory, each next to the raw sqlite3 baseline for the same work.

    .venv/bin/python bench/run.py --only foundation
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import common
from common import PYTHON, ROOT, Row, copy_db, measure, summary

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import incidents, stats
from posko_desktop.core.services.incidents import IncidentFilter, SortKey

AREA = "foundation"
PAGE = 200
END = date(2024, 11, 30)

COLS = ("incident.id, incident.number, incident.occurred_at, incident.regency_code, regency.name, "
        "regency.kind, incident.category_code, incident.severity, incident.status, incident.title, "
        "incident.location, incident.respond_by, incident.responded_at, "
        "incident.next_referral_due, incident.deleted")


def _utc_text(day: date) -> str:
    """00:00 WIB of `day` as stored (UTC text)."""
    start = datetime.combine(day, datetime.min.time()) - timedelta(hours=7)
    return start.isoformat(" ", "microseconds")


def raw_where(flt: IncidentFilter) -> tuple[str, list[Any]]:
    """The same filter written by hand for the raw sqlite3 baseline."""
    conds = ["incident.deleted = 0"]
    params: list[Any] = []
    if flt.regencies:
        conds.append("incident.regency_code IN ({})".format(",".join("?" * len(flt.regencies))))
        params += list(flt.regencies)
    if flt.categories:
        parts = []
        for c in flt.categories:
            if len(c) == 1:
                parts.append("incident.category_code LIKE ?")
                params.append(c + "%")
            else:
                parts.append("incident.category_code = ?")
                params.append(c)
        conds.append("(" + " OR ".join(parts) + ")")
    if flt.severities:
        ranks = [["rendah", "sedang", "tinggi", "kritis"].index(s) for s in flt.severities]
        conds.append("incident.severity_rank IN ({})".format(",".join("?" * len(ranks))))
        params += ranks
    if flt.statuses:
        conds.append("incident.status IN ({})".format(",".join("?" * len(flt.statuses))))
        params += list(flt.statuses)
    if flt.date_from:
        conds.append("incident.occurred_at >= ?")
        params.append(_utc_text(flt.date_from))
    if flt.date_to:
        conds.append("incident.occurred_at < ?")
        params.append(_utc_text(flt.date_to + timedelta(days=1)))
    if flt.text:
        words = " ".join('"{}"*'.format(w) for w in flt.text.split())
        conds.append("incident.seq IN (SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?)")
        params.append(words)
    return " AND ".join(conds), params


def raw_page(conn: sqlite3.Connection, flt: IncidentFilter, sort: SortKey, desc: bool,
             offset: int) -> list[tuple]:
    where, params = raw_where(flt)
    direction = "DESC" if desc else "ASC"
    keys = [sort.value]
    if sort in (SortKey.REGENCY, SortKey.CATEGORY, SortKey.SEVERITY, SortKey.STATUS):
        keys.append("occurred_at")  # the same order as the service
    order = ", ".join(f"incident.{k} {direction}" for k in [*keys, "seq"])
    sql = (f"SELECT {COLS} FROM incident JOIN regency ON regency.code = incident.regency_code "
           f"WHERE {where} ORDER BY {order} LIMIT {PAGE} OFFSET {offset}")
    return conn.execute(sql, params).fetchall()


COMBOS: list[tuple[str, IncidentFilter, SortKey, bool]] = [
    ("no filter, newest first", IncidentFilter(), SortKey.OCCURRED, True),
    ("regency 33.74", IncidentFilter(regencies=("33.74",)), SortKey.OCCURRED, True),
    ("regency + severity", IncidentFilter(regencies=("33.74",), severities=("tinggi", "kritis")),
     SortKey.OCCURRED, True),
    ("group A + status baru", IncidentFilter(categories=("A",), statuses=("baru",)),
     SortKey.OCCURRED, True),
    ("3 regencies, 7 days, by severity",
     IncidentFilter(regencies=("33.01", "33.29", "33.72"), date_from=date(2024, 11, 24),
                    date_to=END), SortKey.SEVERITY, True),
    ("in follow-up, 30 days, by number", IncidentFilter(
        statuses=("ditindaklanjuti",), date_from=date(2024, 11, 1), date_to=END),
     SortKey.NUMBER, False),
    ("critical, by title", IncidentFilter(severities=("kritis",)), SortKey.TITLE, False),
    ("regency + B2 + dates, oldest first", IncidentFilter(
        regencies=("33.01",), categories=("B2",), date_from=date(2024, 11, 20), date_to=END),
     SortKey.OCCURRED, False),
    ("no filter, by regency", IncidentFilter(), SortKey.REGENCY, False),
    ("no filter, by status", IncidentFilter(), SortKey.STATUS, True),
    ("no filter, by category", IncidentFilter(), SortKey.CATEGORY, False),
    ("no filter, by severity", IncidentFilter(), SortKey.SEVERITY, True),
    ("no filter, by reported", IncidentFilter(), SortKey.REPORTED, True),
    ("group A + 14 days, by title", IncidentFilter(categories=("A",), date_from=date(
        2024, 11, 17), date_to=END), SortKey.TITLE, False),
    ("regency + 30 days, by reported", IncidentFilter(regencies=("33.74",), date_from=date(
        2024, 11, 1), date_to=END), SortKey.REPORTED, True),
    ("critical + new, by number", IncidentFilter(severities=("kritis",), statuses=("baru",)),
     SortKey.NUMBER, True),
    ("search + regency, by title", IncidentFilter(text="uang", regencies=("33.22",)),
     SortKey.TITLE, False),
]

SEARCHES: list[tuple[str, IncidentFilter]] = [
    ("hoaks", IncidentFilter(text="hoaks")),
    ("serangan fajar", IncidentFilter(text="serangan fajar")),
    ("baliho", IncidentFilter(text="baliho")),
    ("banjir", IncidentFilter(text="banjir")),
    ("tps (prefix)", IncidentFilter(text="tps")),
    ("sumber (place prefix)", IncidentFilter(text="sumber")),
    ("kampanye + regency", IncidentFilter(text="kampanye", regencies=("33.74",))),
    ("rare word", IncidentFilter(text="teror")),
]


def _row(name: str, ours: list[float], raw: list[float] | None, target_ms: float | None,
         note: str = "", ratio: float | None = None, cpu: list[float] | None = None) -> Row:
    med, p95 = summary(ours)
    rmed, rp95 = summary(raw) if raw else (None, None)
    ok = None
    if target_ms is not None:
        ok = p95 <= target_ms
        if ratio is not None and rmed:
            ok = ok and med <= ratio * rmed
    target = "" if target_ms is None else f"p95 <= {target_ms:g} ms"
    if ratio is not None:
        target += f", <= {ratio:g}x raw"
    return Row(AREA, name, med, p95, "ms", rmed, rp95, target, ok, note,
               summary(cpu)[0] if cpu else None)


# --- the measurements -------------------------------------------------------------------


def bench_demo(db_path: Path, info: dict[str, Any], args: argparse.Namespace) -> list[Row]:
    n = info["incidents"]
    size_mb = info["bytes"] / 1048576
    rows = [Row(AREA, f"demo-data {n:,} incidents", info["seconds"], None, "s", target=
                "<= 60 s" if n == 1_000_000 else "", ok=info["seconds"] <= 60 if n == 1_000_000
                else None, note=("cached build " + info["built"]) if info.get("cached") else
                "built in this run"),
            Row(AREA, "database size", size_mb, None, "MB",
                note="{:.0f} bytes per incident (incl. follow-ups, indexes, FTS)".format(
                    info["bytes"] / n))]
    if "cpu_writer_s" in info:
        rows[0].note += "; CPU: writer {:.0f} s, generator {:.0f} s; load avg {:.1f}".format(
            info["cpu_writer_s"], info["cpu_generator_s"], info["load_average"])
    if info.get("cached") and not args.raw_load:
        rows[0].note += "; raw load baseline: --raw-load"
        return rows
    # raw baseline: the same rows (read back) inserted with sqlite3 executemany into the
    # same schema, indexes and full-text index included
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "raw.sqlite3"
        src = sqlite3.connect(db_path)
        dst = sqlite3.connect(target, isolation_level=None)
        dst.execute("PRAGMA journal_mode=WAL")
        dst.execute("PRAGMA synchronous=FULL")
        schema = src.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                             "AND tbl_name IN ('incident', 'followup', 'regency', 'category') "
                             "AND name NOT LIKE 'incident_fts%'").fetchall()
        for kind, _name, sql in schema:
            if kind == "table":
                dst.execute(sql)
        start = time.perf_counter()
        dst.execute("BEGIN")
        for table in ("incident", "followup"):
            cols = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
            insert = "INSERT INTO {t} ({c}) VALUES ({q})".format(
                t=table, c=",".join(cols), q=",".join("?" * len(cols)))
            cur = src.execute("SELECT {} FROM {}".format(",".join(cols), table))
            while True:
                chunk = cur.fetchmany(20_000)
                if not chunk:
                    break
                dst.executemany(insert, chunk)
        for kind, _name, sql in schema:
            if kind == "index":
                dst.execute(sql)
        dst.execute("CREATE VIRTUAL TABLE incident_fts USING fts5(title, description, location, "
                    "kecamatan, desa, content='incident', content_rowid='seq', "
                    "tokenize='unicode61 remove_diacritics 2')")
        dst.execute("INSERT INTO incident_fts(incident_fts) VALUES ('rebuild')")
        dst.execute("COMMIT")
        raw_s = time.perf_counter() - start
        src.close()
        dst.close()
    rows[0].raw_median = raw_s
    rows[0].note += "; raw = copying the generated rows with executemany"
    return rows


def _first_paint(command: list[str], db_path: Path) -> tuple[float, float] | str:
    """(first_paint_ms, wall ms) of one cold start on a fresh copy, or the failure."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8",
           "POSKO_DATA_DIR": str(Path(tempfile.gettempdir()) / "posko-bench-data")}
    with tempfile.TemporaryDirectory() as tmp:
        db = copy_db(db_path, Path(tmp) / "start.sqlite3")  # cold: a file never opened
        start = time.perf_counter()
        done = subprocess.run([*command, "--db", str(db), "--exit-after-first-paint"], env=env,
                              capture_output=True, text=True, timeout=120)
        wall = (time.perf_counter() - start) * 1000
    line = next((ln for ln in done.stdout.splitlines() if "first_paint_ms" in ln), None)
    if done.returncode != 0 or line is None:
        return "no first_paint_ms (exit {}): {}".format(done.returncode, done.stderr.strip()[-200:])
    return float(json.loads(line)["first_paint_ms"]), wall


def bench_bundle_start(db_path: Path, args: argparse.Namespace) -> list[Row]:
    """`--bundle DIR`: the PyInstaller bundle's cold start against the source tree's,
    measured alternately in one sitting; target: within 1.3x of the source (issue 20)."""
    source: list[float] = []
    bundle: list[float] = []
    for _ in range(args.starts):
        for command, into in (([str(PYTHON), str(ROOT / "main.py")], source),
                              ([str(Path(args.bundle) / "posko-desktop")], bundle)):
            result = _first_paint(command, db_path)
            if isinstance(result, str):
                return [Row(AREA, "cold start of the bundle", None, None, note=result)]
            into.append(result[0])
    med, p95 = summary(bundle)
    smed, sp95 = summary(source)
    return [Row(AREA, "cold start of the bundle to first painted rows", med, p95, "ms", smed, sp95,
                "<= 1.3x source", med <= 1.3 * smed,
                "raw = the source tree (python main.py), alternately")]


def bench_cold_start(db_path: Path, args: argparse.Namespace) -> list[Row]:
    ours: list[float] = []
    walls: list[float] = []
    for _ in range(args.starts):
        result = _first_paint([str(PYTHON), str(ROOT / "main.py")], db_path)
        if isinstance(result, str):
            return [Row(AREA, "cold start to first painted rows", None, None, target="<= 1500 ms",
                        note=result)]
        ours.append(result[0])
        walls.append(result[1])
    raw_code = ("import sqlite3,sys;c=sqlite3.connect(sys.argv[1]);"
                "c.execute('SELECT {} FROM incident JOIN regency ON regency.code="
                "incident.regency_code WHERE deleted=0 ORDER BY occurred_at DESC, seq DESC "
                "LIMIT 200').fetchall()").format(COLS)
    raw: list[float] = []
    for _ in range(args.starts):
        start = time.perf_counter()
        subprocess.run([str(PYTHON), "-c", raw_code, str(db_path)], check=True, timeout=60)
        raw.append((time.perf_counter() - start) * 1000)
    row = _row("cold start to first painted rows", ours, raw, 1500,
               note="app's own first_paint_ms (process start → rows painted, offscreen); "
                    "wall incl. exit {:.0f} ms; raw = python + sqlite3 first page".format(
                        summary(walls)[0]))
    return [row]


def bench_queries(ctx: AppContext, conn: sqlite3.Connection, args: argparse.Namespace) -> list[Row]:
    rows = []
    all_ours: list[float] = []
    all_raw: list[float] = []
    all_cpu: list[float] = []
    for name, flt, sort, desc in COMBOS:
        ours = measure(lambda f=flt, s=sort, d=desc: incidents.query_incidents(ctx, f, s, d, 0,
                                                                               PAGE), args.repeat)
        cpu = list(common.last_cpu)
        raw = measure(lambda f=flt, s=sort, d=desc: raw_page(conn, f, s, d, 0), args.repeat)
        all_ours += ours
        all_raw += raw
        all_cpu += cpu
        if args.verbose:
            rows.append(_row(f"  filter: {name}", ours, raw, 100, cpu=cpu))
    rows.insert(0, _row(f"filter + sort, first page ({len(COMBOS)} combinations)", all_ours,
                        all_raw, 100, note="p95 over all combinations; --verbose for each",
                        cpu=all_cpu))
    counts = []
    for _name, flt, _sort, _desc in COMBOS[:6]:
        counts += measure(lambda f=flt: incidents.count_incidents(ctx, f), max(3, args.repeat // 4))
    rows.append(_row("  row count of the same filters", counts, None, None,
                     note="fetched after the first page is shown"))
    return rows


def bench_search(ctx: AppContext, conn: sqlite3.Connection, args: argparse.Namespace) -> list[Row]:
    ours_all: list[float] = []
    raw_all: list[float] = []
    cpu_all: list[float] = []
    rows = []
    for name, flt in SEARCHES:
        ours = measure(lambda f=flt: incidents.query_incidents(ctx, f, SortKey.OCCURRED, True, 0,
                                                               PAGE), args.repeat)
        cpu = list(common.last_cpu)
        raw = measure(lambda f=flt: raw_page(conn, f, SortKey.OCCURRED, True, 0), args.repeat)
        ours_all += ours
        raw_all += raw
        cpu_all += cpu
        if args.verbose:
            rows.append(_row(f"  search: {name}", ours, raw, 100, cpu=cpu))
    rows.insert(0, _row(f"full-text search, first page ({len(SEARCHES)} queries)", ours_all,
                        raw_all, 100, cpu=cpu_all))
    return rows


def bench_stats(ctx: AppContext, conn: sqlite3.Connection, args: argparse.Namespace) -> list[Row]:
    first = END - timedelta(days=89)
    ours = measure(lambda: stats.counts_by(ctx, "regency", first, END), args.repeat)
    cpu = list(common.last_cpu)
    raw_sql = ("SELECT regency_code, count(*) FROM incident WHERE deleted = 0 AND occurred_date "
               "BETWEEN ? AND ? GROUP BY regency_code")
    raw = measure(lambda: conn.execute(raw_sql, (first.isoformat(), END.isoformat())).fetchall(),
                  args.repeat)
    rows = [_row("stats --by regency, 90 days (service)", ours, raw, 100, ratio=2.0,
                 note="raw = the plain GROUP BY", cpu=cpu)]
    for by in ("category", "severity", "status", "day"):
        rows.append(_row(f"  stats --by {by}, 90 days", measure(
            lambda b=by: stats.counts_by(ctx, b, first, END), max(5, args.repeat // 2)), None,
            None))
    cli = []
    env = {**os.environ, "POSKO_DATA_DIR": str(Path(tempfile.gettempdir()) / "posko-bench-data")}
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([str(PYTHON), "-m", "posko_desktop", "--db", str(ctx.db.file), "stats",
                        "--by", "regency", "--from", first.isoformat(), "--to", END.isoformat(),
                        "--format", "json"], env=env, check=True, capture_output=True, timeout=60)
        cli.append((time.perf_counter() - start) * 1000)
    rows.append(_row("  posko stats --by regency (whole command)", cli, None, None,
                     note="includes interpreter start and imports"))
    return rows


def _model_in_qt(ctx: AppContext) -> tuple[Any, Any, Callable[[Callable[[], bool]], None]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication  # Qt only for these rows

    from posko_desktop.ui.models.incident_table import IncidentTableModel
    from posko_desktop.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])

    def wait(cond: Callable[[], bool], timeout: float = 60.0) -> None:
        end = time.perf_counter() + timeout
        while not cond():
            app.processEvents()
            if time.perf_counter() > end:
                raise TimeoutError("the table model did not deliver in time")
            time.sleep(0.0005)

    runner = TaskRunner()
    model = IncidentTableModel(ctx, runner)
    model.refresh()
    wait(lambda: not model.is_loading)
    return model, runner, wait


def _wait_for_page_keys(model: Any, wait: Callable[[Callable[[], bool]], None]) -> float:
    """Milliseconds until the model's page-key pass is done (counted from now)."""
    from posko_desktop.ui.models.incident_table import PAGE_KEYS_FROM

    start = time.perf_counter()
    if model.rowCount() < PAGE_KEYS_FROM:  # a small log walks by OFFSET: no keys collected
        return 0.0
    wait(lambda: model.jumps_are_seeks)
    return (time.perf_counter() - start) * 1000


def bench_scroll(ctx: AppContext, conn: sqlite3.Connection, args: argparse.Namespace) -> list[Row]:
    model, runner, wait = _model_in_qt(ctx)
    total = model.rowCount()
    keys_ms = _wait_for_page_keys(model, wait)
    rnd = random.Random(1)
    positions = [rnd.randrange(total) for _ in range(args.repeat * 2)]
    ours = []
    cpu = []
    for pos in positions:
        cpu0 = time.process_time()
        start = time.perf_counter()
        model.data(model.index(pos, 0))  # asks for the page
        wait(lambda p=pos: model.row_at(p) is not None)
        ours.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu0) * 1000)
    raw = measure(lambda: raw_page(conn, IncidentFilter(), SortKey.OCCURRED, True,
                                   (rnd.randrange(total) // PAGE) * PAGE), args.repeat * 2, 0)
    runner.wait(5000)
    return [_row(f"jump-scroll: page at a random row of {total:,} (table model)", ours, raw, 50,
                 note="model.data() → page fetched off-thread by its first row's key → row "
                      "available; raw = OFFSET", cpu=cpu),
            Row(AREA, "  page-key pass after the row count (background)", keys_ms, None,
                note="until then jumps walk OFFSET pages")]


def memory_probe(db: str) -> None:
    """Child process: open the database, build the table model, scroll it end to end,
    print the resident memory as JSON."""
    import psutil

    database = open_database(db)
    ctx = AppContext(database, Actor("bench", "admin", "Bench"))
    model, runner, wait = _model_in_qt(ctx)
    total = model.rowCount()
    pages = max(1, total // PAGE)
    step = max(1, pages // 100)  # dragging the scroll bar top to bottom: ~100 stops
    for page_no in list(range(0, pages, step)) + [pages - 1]:
        row = min(total - 1, page_no * PAGE)
        model.data(model.index(row, 0))
        wait(lambda r=row: model.row_at(r) is not None)
        for col in range(model.columnCount()):
            model.data(model.index(row, col))
    runner.wait(5000)
    rss = psutil.Process().memory_info().rss
    print(json.dumps({"rss_mb": rss / 1048576, "rows": total}))


def bench_memory(db_path: Path, args: argparse.Namespace) -> list[Row]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([str(PYTHON), str(Path(__file__)), "--memory-probe", str(db_path)],
                          env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        return [Row(AREA, "resident memory, scrolled end to end", None, unit="MB",
                    target="<= 300 MB", note=done.stderr.strip()[-200:])]
    data = json.loads(done.stdout.strip().splitlines()[-1])
    raw_code = "import sqlite3,psutil,sys;c=sqlite3.connect(sys.argv[1]);" \
               "[c.execute('SELECT * FROM incident LIMIT 200 OFFSET ?',(o,)).fetchall() " \
               "for o in range(0,{},{})];print(psutil.Process().memory_info().rss)".format(
                   data["rows"], max(PAGE, data["rows"] // 100))
    raw = subprocess.run([str(PYTHON), "-c", raw_code, str(db_path)], capture_output=True,
                         text=True, timeout=600)
    raw_mb = int(raw.stdout.strip()) / 1048576 if raw.returncode == 0 else None
    return [Row(AREA, "resident memory, DB open + table scrolled end to end", data["rss_mb"],
                None, "MB", raw_mb, None, "<= 300 MB", data["rss_mb"] <= 300,
                note="raw = python + sqlite3 reading the same pages")]


# --- entry point ------------------------------------------------------------------------

SECTIONS = ("demo", "start", "filters", "search", "scroll", "stats", "memory")


def run(db_path: Path, args: argparse.Namespace) -> list[Row]:
    only = set(args.section or SECTIONS)
    rows: list[Row] = []
    if "demo" in only:
        rows += bench_demo(db_path, args.demo_info, args)
    if "start" in only:
        rows += bench_cold_start(db_path, args)
        if getattr(args, "bundle", None):
            rows += bench_bundle_start(db_path, args)
    database = open_database(db_path)
    ctx = AppContext(database, Actor("bench", "admin", "Bench"))
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA cache_size=-65536")  # the app's page cache size
    try:
        if "filters" in only:
            rows += bench_queries(ctx, conn, args)
        if "search" in only:
            rows += bench_search(ctx, conn, args)
        if "stats" in only:
            rows += bench_stats(ctx, conn, args)
        if "scroll" in only:
            rows += bench_scroll(ctx, conn, args)
    finally:
        conn.close()
        database.dispose()
    if "memory" in only:
        rows += bench_memory(db_path, args)
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--memory-probe":
        memory_probe(sys.argv[2])
    else:
        print("run through bench/run.py", file=sys.stderr)
        raise SystemExit(2)
