"""Accounts and audit benchmark: password hashing at the product's Argon2id parameters, a
whole login, appending audit entries, verifying the whole chain, and the audit viewer's
first page, against the raw sqlite3 baseline for the same work.

    .venv/bin/python bench/run.py --only accounts
    .venv/bin/python bench/bench_accounts.py [--entries 100000] [--repeat 20]

The trail is built in its own temporary database (bench/.cache/audit-N.sqlite3, reused):
N entries written through `audit.record` in transactions of 1,000, as a sync import would.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from common import CACHE, Row, measure, summary

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import accounts, audit, reference
from posko_desktop.core.services.audit import AuditFilter

AREA = "accounts"
PASSWORD = "Bench-Sandi-Kuat-1"
USERS = [Actor(f"opr{i}", "operator", f"Operator {i}") for i in range(8)]


def _cpu() -> float:
    """Median CPU ms of the last measure() (close to the idle-machine wall time)."""
    return statistics.median(common.last_cpu) if common.last_cpu else float("nan")


def build_trail(entries: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"audit-{entries}.sqlite3"
    if path.exists():
        return path
    db = open_database(path, create=True)
    ctx = AppContext(db, Actor("bench", "admin", "Bench"))
    reference.init_site(ctx, "33", "Posko Desk Pilkada Provinsi Jawa Tengah")
    accounts.create_first_admin(ctx, "admin", PASSWORD, "Admin")
    done = 0
    while done < entries:
        with db.write() as s:
            for i in range(min(1000, entries - done)):
                n = done + i
                audit.record(s, USERS[n % len(USERS)], "incident.update", "incident",
                             f"0193{n:028x}", before={"severity": "sedang"},
                             after={"severity": "tinggi", "title": f"Kejadian {n}"}, at=ctx.now())
        done += min(1000, entries - done)
    db.dispose()
    return path


def run(_db_path: Path | None, args: argparse.Namespace) -> list[Row]:
    entries = getattr(args, "entries", 100_000)
    repeat = max(5, getattr(args, "repeat", 20))
    rows: list[Row] = []

    # 1. Argon2id at OWASP's parameters (the product's hasher).
    times = measure(lambda: accounts.hash_password(PASSWORD), repeat)
    med, p95 = summary(times)
    rows.append(Row(AREA, "Argon2id hash (m=19456 KiB, t=2, p=1)", med, p95,
                    target="≈ 18 ms (docs/roles.md)", note="per login / password change",
                    cpu_median=_cpu()))

    start = time.perf_counter()
    path = build_trail(entries)
    built = time.perf_counter() - start
    db = open_database(path)
    ctx = AppContext(db, Actor("admin", "admin", "Admin"))

    # 2. A whole login: hash check + counters + audit entry, committed (adds 1 entry).
    times = measure(lambda: accounts.login(ctx, "admin", PASSWORD), repeat)
    med, p95 = summary(times)
    rows.append(Row(AREA, "login (verify + audit, committed)", med, p95,
                    note="the Argon2id hash above plus one committed write", cpu_median=_cpu()))

    # 3. Appending: 1,000 entries in one transaction vs raw sqlite3 INSERT of the same rows.
    def append_1000() -> None:
        with db.write() as s:
            for i in range(1000):
                audit.record(s, USERS[i % len(USERS)], "bench.append", "incident", str(i),
                             before=None, after={"n": i}, at=ctx.now())

    def raw_1000() -> None:
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TEMP TABLE t(id INTEGER PRIMARY KEY, at TEXT, username TEXT, "
                     "action TEXT, after TEXT, prev TEXT UNIQUE, h TEXT UNIQUE)")
        prev = "0" * 64
        rows_ = []
        for i in range(1000):
            h = hashlib.sha256(f"{i}{prev}".encode()).hexdigest()
            rows_.append((i, "2024-11-27 01:00:00.000000", "opr", "bench.append",
                          f'{{"n":{i}}}', prev, h))
            prev = h
        conn.executemany("INSERT INTO t VALUES (?,?,?,?,?,?,?)", rows_)
        conn.commit()
        conn.close()

    small = max(3, repeat // 4)
    med, p95 = summary(measure(append_1000, small))
    cpu = _cpu()
    rmed, rp95 = summary(measure(raw_1000, small))
    rows.append(Row(AREA, "append 1,000 audit entries (1 transaction)", med, p95,
                    raw_median=rmed, raw_p95=rp95, cpu_median=cpu,
                    note="{:.0f} entries/s".format(1000 / (med / 1000))))

    # 4. Verify the whole chain.
    total = audit.verify_chain(ctx).checked
    times = measure(lambda: audit.verify_chain(ctx), 3, warmup=0)
    med, p95 = summary(times)
    cpu = _cpu() / 1000

    def raw_scan() -> None:
        conn = sqlite3.connect(path)
        for row in conn.execute("SELECT * FROM audit_log ORDER BY id"):
            hashlib.sha256(repr(row).encode()).hexdigest()
        conn.close()

    rmed, rp95 = summary(measure(raw_scan, 3, warmup=0))
    rows.append(Row(AREA, f"verify chain ({total:,} entries)", med / 1000, p95 / 1000, unit="s",
                    raw_median=rmed / 1000, raw_p95=rp95 / 1000, cpu_median=cpu,
                    note="{:,.0f} entries/s; raw = scan + one SHA-256 per row".format(
                        total / (med / 1000))))

    # 5. The viewer's first page: all, one user, one action prefix.
    for label, flt, where, params in (
        ("all", AuditFilter(), "", ()),
        ("one user", AuditFilter(username="opr3"), "WHERE username = ?", ("opr3",)),
        ("action prefix", AuditFilter(action="auth."), "WHERE action >= ? AND action < ?",
         ("auth.", "auth.\U0010ffff")),
    ):
        med, p95 = summary(measure(lambda f=flt: audit.query(ctx, f, limit=500), repeat))
        cpu = _cpu()

        def raw(where: str = where, params: tuple = params) -> None:
            conn = sqlite3.connect(path)
            conn.execute(f"SELECT count(*) FROM audit_log {where}", params).fetchone()
            conn.execute(f"SELECT * FROM audit_log {where} ORDER BY id DESC LIMIT 500",
                         params).fetchall()
            conn.close()

        rmed, rp95 = summary(measure(raw, repeat))
        rows.append(Row(AREA, f"audit viewer first page ({label})", med, p95, raw_median=rmed,
                        raw_p95=rp95, target="p95 ≤ 100", ok=p95 <= 100, cpu_median=cpu))
    db.dispose()
    rows.append(Row(AREA, f"build the {entries:,}-entry trail", built, unit="s",
                    note="0 = reused from bench/.cache"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    for r in run(None, args):
        print(r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
