"""SQLite copies through SQLite's online backup API: a consistent snapshot of a live
database (writers in WAL mode are not blocked), a check of a copy, and a restore into the
live file that is one transaction (a crash leaves the old database or the restored one).

A new backup file is written by a connection that takes no file locks (`unix-none` VFS,
exclusive locking mode, no journal): it is a private temporary file nobody else opens,
and the backup folder may be a USB drive or a network share where SQLite's locks are
unreliable. It becomes a backup only after its check passed and it was renamed.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from posko_desktop.core.db import health
from posko_desktop.core.db.engine import BUSY_TIMEOUT_MS, sqlite_uri

logger = logging.getLogger(__name__)

# Every change is audited; backups audit themselves too, so "changed since the newest
# backup" compares the newest entry that is not about backups.
LAST_CHANGE_SQL = ("SELECT id, hash FROM audit_log WHERE action NOT LIKE 'backup.%' "
                   "ORDER BY id DESC LIMIT 1")
STEP_PAGES = 2048  # 8 MiB per backup step at SQLite's default 4 KiB pages
# (status, remaining, total): SQLite's backup progress; total counts pages.
PageProgress = Callable[[int, int, int], None]


@dataclass(frozen=True)
class Facts:
    """What a copy holds, read from the copy itself."""

    site_code: str
    site_name: str
    schema: str
    incidents: int
    audit_anchor: str  # newest audit entry "ID:HASH"
    last_change: str  # newest audit entry that is not about backups: "ID:HASH"


def _private_writer(path: Path) -> sqlite3.Connection:
    """A connection for a new private file: no locks, no journal (see module doc)."""
    vfs = "&vfs=unix-none" if os.name == "posix" else ""
    conn = sqlite3.connect(path.as_uri() + "?mode=rwc" + vfs, uri=True, isolation_level=None)
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")  # the caller fsyncs the finished file
    return conn


def copy_to_new_file(source: sqlite3.Connection, target: Path,
                     progress: PageProgress | None = None) -> tuple[health.CheckResult, Facts]:
    """Copy the database behind `source` into the new file `target` (which must exist,
    empty, mode 0600), make it a self-contained rollback-journal file, run the full
    integrity_check on it and read its facts."""
    dst = _private_writer(target)
    try:
        source.backup(dst, pages=STEP_PAGES, progress=progress)
        dst.execute("PRAGMA journal_mode=DELETE")  # no -wal needed to read the copy
        result = health.check_connection(dst, full=True)
        facts = read_facts(dst)
    finally:
        dst.close()
    return result, facts


def check_file(path: Path) -> tuple[health.CheckResult, Facts]:
    """integrity_check and facts of a closed copy (a private temporary copy of a backup)."""
    conn = _private_writer(path)
    try:
        result = health.check_connection(conn, full=True)
        facts = read_facts(conn) if result.ok else Facts("", "", "", 0, "", "")
    finally:
        conn.close()
    return result, facts


def read_facts(conn: sqlite3.Connection) -> Facts:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    def first(sql: str, table: str) -> Any:
        if table not in tables:
            return None
        return conn.execute(sql).fetchone()

    site = first("SELECT code, name FROM local_site LIMIT 1", "local_site")
    schema = first("SELECT version_num FROM alembic_version", "alembic_version")
    count = first("SELECT count(*) FROM incident", "incident")
    anchor = first("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", "audit_log")
    change = first(LAST_CHANGE_SQL, "audit_log")
    return Facts(site[0] if site else "", site[1] if site else "",
                 str(schema[0]) if schema else "", int(count[0]) if count else 0,
                 "{}:{}".format(*anchor) if anchor else "", "{}:{}".format(*change) if change else "")


def restore_into(source: Path, live: Path, progress: PageProgress | None = None) -> None:
    """Write the verified copy `source` into the live database file through the backup
    API: one write transaction on the live file, so other connections (this window's, a
    CLI run) wait and then see the restored database, and a crash leaves the old one."""
    src = sqlite3.connect(source.as_uri() + "?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(sqlite_uri(live), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            dst.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            dst.execute("PRAGMA synchronous=FULL")
            src.backup(dst, pages=STEP_PAGES, progress=progress)
        finally:
            dst.close()
    finally:
        src.close()
    logger.info("Restored %s into %s", source, live)
