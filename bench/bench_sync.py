"""Sync benchmark: export of a 100,000-incident package and its import.

    .venv/bin/python bench/bench_sync.py [--incidents 100000] [--repeat 3] [--workdir DIR]

Builds (or reuses) a regency-office database (site 33.74) with demo data, then in fresh
child processes (so each peak resident memory is its own): full export; import into an
empty province database; import of a second full package into the province database that
already holds everything (all unchanged). The three steps run `--repeat` times (a fresh
province database each time); prints the median time, the range, package size and the
highest peak RSS.
Targets (issue 5): export <= 5 s, import into empty <= 10 s, import unchanged <= 3 s,
peak memory <= 400 MB. A big import reads and checks the records in a helper process: its
CPU time is included in "CPU s", and its own peak RSS is in the detail (`helper_peak_mb`;
it is forked, so it shares pages with the importing process and the sum over-counts).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import accounts, demo, reference, site_key
from posko_desktop.core.services import sync as svc
from posko_desktop.core.sync import keys

ADMIN = Actor("bench", "admin", "Bench")
PASSWORD = "Bangku-Uji-Sinkron-1"  # the exporting office's administrator (made the site key)
BENCH_DIR = Path(__file__).resolve().parent


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(work: Path, incidents: int) -> dict[str, Path]:
    work.mkdir(parents=True, exist_ok=True)
    src = work / "src-{n}-0008.sqlite3".format(n=incidents)  # with its site key (0008)
    keys_dir = work / "keys"  # unused since 0008: the key is in the database
    if not src.exists():  # built in a child process: the measured children are forked from
        # this one, and a child's peak RSS starts at its parent's size
        subprocess.run([sys.executable, __file__, "--child", "build", "--db", str(src),
                        "--incidents", str(incidents)], check=True)
    return {"src": src, "keys": keys_dir}


def build_source(src: Path, incidents: int) -> None:
    tmp = src.with_suffix(".building")
    for p in tmp.parent.glob(tmp.name + "*"):
        p.unlink()
    db = open_database(tmp, create=True)
    ctx = AppContext(db, ADMIN)
    reference.init_site(ctx, "33.74", "Posko Kota Semarang")
    accounts.create_first_admin(ctx, ADMIN.username, PASSWORD)
    demo.generate(ctx, incidents=incidents, days=90, end_date=date(2024, 11, 30), seed=7)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    tmp.rename(src)


def fresh_target(work: Path, src: Path) -> Path:
    target = work / "target.sqlite3"
    for p in work.glob("target.sqlite3*"):
        p.unlink()
    db = open_database(target, create=True)
    ctx = AppContext(db, ADMIN)
    reference.init_site(ctx, "33", "Posko Provinsi")
    key_file = work / "src.poskokey"
    src_db = open_database(src)
    public = site_key.public_info(AppContext(src_db, ADMIN))
    src_db.dispose()
    assert public is not None
    key_file.write_bytes(keys.public_key_file_bytes(public))
    info = svc.inspect_key_file(key_file)
    svc.trust_key(ctx, key_file, info.short_fingerprint)
    db.dispose()
    return target


def child(step: str, db: Path, keys_dir: Path, package: Path) -> dict[str, float]:
    """Run one step in this (child) process and report time and peak RSS."""
    ctx = AppContext(open_database(db), ADMIN)
    if step == "export":  # the site key is unlocked at login, before the clock starts
        ctx = ctx.as_actor(accounts.login(ctx, ADMIN.username, PASSWORD).actor)
    base = peak_mb()
    cpu = time.process_time()
    start = time.perf_counter()
    if step == "export":
        r = svc.export_package(ctx, keys_dir, "33", package, full=True)
        detail = r.counts
    else:
        result = svc.import_package(ctx, package, exclusive=True)  # as `posko sync import`
        detail = result.totals().as_dict() | {"followups_new": result.followups_new}
    seconds = time.perf_counter() - start
    helper = resource.getrusage(resource.RUSAGE_CHILDREN)  # the import's reader process
    helper_cpu = helper.ru_utime + helper.ru_stime
    if helper_cpu:
        detail = detail | {"helper_cpu_s": round(helper_cpu, 2),
                           "helper_peak_mb": round(helper.ru_maxrss / 1024)}
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu + helper_cpu,
            "peak_mb": peak_mb(), "helper_peak_mb": helper.ru_maxrss / 1024 if helper_cpu else 0,
            "before_mb": base, "detail": detail}


def run_child(step: str, db: Path, keys_dir: Path, package: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", step, "--db", str(db),
                          "--keys", str(keys_dir), "--package", str(package)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(work: Path, incidents: int, repeat: int = 3) -> list[tuple[str, dict, str]]:
    paths = prepare(work, incidents)
    pkg1, pkg2 = work / "full-1.posko", work / "full-2.posko"
    runs: dict[str, list[dict]] = {"export full": [], "import into empty": [],
                                   "import, all unchanged": []}
    for _ in range(repeat):
        target = fresh_target(work, paths["src"])
        # the exporting office's database is copied so the benchmark never changes the cache
        src = work / "src-copy.sqlite3"
        shutil.copy(paths["src"], src)
        r = run_child("export", src, paths["keys"], pkg1)
        r["size_mb"] = pkg1.stat().st_size / 1048576
        runs["export full"].append(r)
        runs["import into empty"].append(run_child("import", target, paths["keys"], pkg1))
        run_child("export", src, paths["keys"], pkg2)
        runs["import, all unchanged"].append(run_child("import", target, paths["keys"], pkg2))
    targets = {"export full": "<= 5 s", "import into empty": "<= 10 s",
               "import, all unchanged": "<= 3 s"}
    return [(name, _median_run(rs), targets[name]) for name, rs in runs.items()]


def _median_run(runs: list[dict]) -> dict:
    """The run with the median time, with the range of times and the highest peak RSS."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    out = dict(ordered[(len(ordered) - 1) // 2])
    out["range"] = (ordered[0]["seconds"], ordered[-1]["seconds"])
    out["peak_mb"] = max(r["peak_mb"] for r in runs)
    out["helper_peak_mb"] = max(r.get("helper_peak_mb", 0) for r in runs)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", default=str(BENCH_DIR / ".cache" / "sync"))
    parser.add_argument("--child")
    parser.add_argument("--db")
    parser.add_argument("--keys")
    parser.add_argument("--package")
    args = parser.parse_args()
    if args.child == "build":
        build_source(Path(args.db), args.incidents)
        return 0
    if args.child:
        print(json.dumps(child(args.child, Path(args.db), Path(args.keys), Path(args.package)),
                         default=str))
        return 0
    rows = measure(Path(args.workdir), args.incidents, args.repeat)
    print("{:24} {:>9} {:>13} {:>9} {:>10} {:>9}  {}".format(
        "step", "median s", "range s", "CPU s", "peak RSS", "target", "detail"))
    for name, r, target in rows:
        ok = (r["seconds"] <= float(target.split()[1])
              and r["peak_mb"] + r.get("helper_peak_mb", 0) <= 400)
        print("{:24} {:>9.2f} {:>13} {:>9.2f} {:>7.0f} MB {:>9}  {} {}".format(
            name, r["seconds"], "{:.2f}–{:.2f}".format(*r["range"]), r["cpu_seconds"],
            r["peak_mb"], target, "OK" if ok else "MISS",
            json.dumps(r["detail"]) + (" package {:.1f} MiB".format(r["size_mb"])
                                       if "size_mb" in r else "")))
    print("({} runs of each step; CPU and detail of the median run)".format(args.repeat))
    return 0


def run(db_path: Path, args: argparse.Namespace) -> list:
    """Entry for bench/run.py: the sync rows of the common table."""
    from common import Row  # bench/common.py (same folder)

    out = []
    for name, r, target in measure(BENCH_DIR / ".cache" / "sync", 100_000):
        limit = float(target.split()[1])
        out.append(Row("sync", name + " (100k)", r["seconds"], unit="s", target=target,
                       ok=(r["seconds"] <= limit
                           and r["peak_mb"] + r.get("helper_peak_mb", 0) <= 400),
                       note="3 runs: {:.2f}–{:.2f} s; CPU {:.1f} s, peak RSS {:.0f} MB".format(
                           *r["range"], r["cpu_seconds"], r["peak_mb"])))
    return out


if __name__ == "__main__":
    raise SystemExit(main())
