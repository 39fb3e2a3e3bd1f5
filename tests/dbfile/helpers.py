"""Helpers of the database-file tests: a CLI runner, an independent dump, damage made on
purpose, and read-only files that really refuse writes even to root."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from posko_desktop.cli import main

ADD = ("incident", "add", "--regency", "33.74", "--category", "A1", "--severity", "sedang",
       "--occurred", "2024-11-26 20:30")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def dump(path: Path) -> list[tuple]:
    """Every row of every table, read without the app's code (and without writing)."""
    try:
        conn = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
        conn.execute("SELECT 1 FROM sqlite_master").fetchall()
    except sqlite3.OperationalError:  # a read-only folder: no -shm can be made there
        conn = sqlite3.connect(path.as_uri() + "?mode=ro&immutable=1", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'incident_fts%' ORDER BY name")]
        rows: list[tuple] = []
        for table in tables:
            rows.extend((table, *r) for r in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'))
        return rows
    finally:
        conn.close()


def sql(path: Path, query: str, *params) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def checkpoint(path: Path) -> None:
    """Everything into the main file, no -wal left (so byte-level damage hits real data)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def root_page(path: Path, name: str) -> int:
    return int(sql(path, "SELECT rootpage FROM sqlite_master WHERE name = ?", name)[0][0])


def page_size(path: Path) -> int:
    return int(sql(path, "PRAGMA page_size")[0][0])


def overwrite_page(path: Path, page: int, data: bytes, offset: int = 0) -> None:
    """Write `data` into page `page` (1-based) at `offset` (the file has no connection)."""
    size = page_size(path)
    with path.open("r+b") as fh:
        fh.seek((page - 1) * size + offset)
        fh.write(data)


@contextmanager
def unwritable(*paths: Path) -> Iterator[None]:
    """Make files or folders refuse writes, also for root: the immutable attribute
    (`chattr +i`, EPERM for everyone) when running as root, else plain permissions."""
    root = os.geteuid() == 0
    done: list[tuple[Path, int]] = []
    try:
        for path in paths:
            mode = path.stat().st_mode
            if root:
                subprocess.run(["chattr", "+i", str(path)], check=True)
            else:
                path.chmod(mode & ~0o222)
            done.append((path, mode))
        yield
    finally:
        for path, mode in reversed(done):
            if root:
                subprocess.run(["chattr", "-i", str(path)], check=True)
            else:
                path.chmod(mode)


KILL_DURING_LOAD = (
    "import os, signal, sys\n"
    "from datetime import date\n"
    "from posko_desktop.core.context import AppContext\n"
    "from posko_desktop.core.db import engine\n"
    "from posko_desktop.core.db.session import open_database\n"
    "from posko_desktop.core.domain import Actor\n"
    "from posko_desktop.core.progress import Progress\n"
    "from posko_desktop.core.services import demo\n"
    "engine.BULK_CACHE_KIB = 256  # pages reach the file during the load\n"
    "demo.CHUNK = 300\n"
    "def report(done, total, message):\n"
    "    if done >= 900:\n"
    "        os.kill(os.getpid(), signal.SIGKILL)\n"
    "ctx = AppContext(open_database(sys.argv[1]), Actor('admin', 'admin'))\n"
    "demo.generate(ctx, incidents=3000, days=60, end_date=date(2024, 11, 30), seed=5,\n"
    "              progress=Progress(report), exclusive=True)\n"
)


def leave_hot_journal(path: Path) -> None:
    """Kill demo-data's bulk load (rollback journal) half-way: a hot journal stays."""
    out = subprocess.run([sys.executable, "-c", KILL_DURING_LOAD, str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == -signal.SIGKILL, out.stderr
    assert Path(str(path) + "-journal").stat().st_size > 0
