"""Shared pieces of the benchmark: the result row, timing and the cached demo database.

Each area's module `bench/bench_<area>.py` has `run(db_path, args) -> list[Row]` and is
listed in `bench/run.py` (MODULES).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import demo, reference

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
CACHE = Path(os.environ.get("POSKO_BENCH_CACHE") or BENCH_DIR / ".cache")  # tests: a tmp folder
PYTHON = ROOT / ".venv" / "bin" / "python"
if not PYTHON.exists():
    PYTHON = Path(sys.executable)


@dataclass
class Row:
    """One line of the table. Times in ms unless `unit` says otherwise; `raw_*` is the raw
    sqlite3 baseline for the same work, measured in the same run (None: no baseline)."""

    area: str
    name: str
    median: float | None
    p95: float | None = None
    unit: str = "ms"
    raw_median: float | None = None
    raw_p95: float | None = None
    target: str = ""
    ok: bool | None = None
    note: str = ""
    cpu_median: float | None = None  # process CPU time: close to the wall time of an idle machine


def percentile(values: list[float], pct: float) -> float:
    data = sorted(values)
    if not data:
        return float("nan")
    k = (len(data) - 1) * pct / 100
    lo = int(k)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


last_cpu: list[float] = []  # CPU ms (all threads of this process) of the last measure()


def measure(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> list[float]:
    """Wall times in ms of `repeat` calls (after `warmup` unmeasured calls); their CPU
    times are left in `last_cpu`."""
    for _ in range(warmup):
        fn()
    out = []
    last_cpu.clear()
    for _ in range(repeat):
        cpu = time.process_time()
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
        last_cpu.append((time.process_time() - cpu) * 1000)
    return out


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 95)


def demo_db(incidents: int, *, rebuild: bool = False) -> tuple[Path, dict[str, Any]]:
    """The cached demo database with `incidents` incidents (built by `posko demo-data`
    the first time; the build's time and size are kept next to it)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo-{incidents}.sqlite3"
    info_path = path.with_suffix(".json")
    if rebuild or not path.exists() or not info_path.exists():
        for p in CACHE.glob(f"demo-{incidents}.sqlite3*"):
            p.unlink()
        db = open_database(path, create=True)
        ctx = AppContext(db, Actor("bench", "admin", "Bench"))
        reference.init_site(ctx, "33", "Posko Desk Pilkada Provinsi Jawa Tengah")
        start = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        demo.generate(ctx, incidents=incidents, days=90, end_date=date(2024, 11, 30), seed=2024,
                      exclusive=True)  # as `posko demo-data` does
        seconds = time.perf_counter() - start
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the generator process
        cpu_writer = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.dispose()
        info = {"incidents": incidents, "seconds": seconds, "bytes": path.stat().st_size,
                "built": time.strftime("%Y-%m-%d %H:%M:%S"), "cpu_writer_s": cpu_writer,
                "cpu_generator_s": kids.ru_utime + kids.ru_stime,
                "load_average": os.getloadavg()[0]}
        info_path.write_text(json.dumps(info))
        info["cached"] = False
        return path, info
    info = json.loads(info_path.read_text())
    info["cached"] = True
    return path, info


def copy_db(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        target = Path(str(dst) + suffix)
        if target.exists():
            os.remove(target)
    shutil.copy(src, dst)
    return dst
