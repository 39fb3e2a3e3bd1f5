"""Engine and sessions for the embedded SQLite file and the PostgreSQL server mode."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from posko_desktop.core.db.planner import optimize_on_close
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000

# Server mode: a workstation that vanishes (cable pulled, crash) in the middle of a save
# must not keep the write lock for hours. Server-side TCP keepalives notice a dead peer in
# about a minute; an open transaction left idle for 5 minutes is ended as a backstop.
PG_SESSION_OPTIONS = (
    "-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3 "
    "-c idle_in_transaction_session_timeout=300000"
)


class DatabaseBusy(PoskoError):
    """Another workstation (or program) held the write lock longer than we wait."""

    code = "db_busy"


def to_url(path_or_url: str | Path) -> str:
    """Accept a file path or a SQLAlchemy URL (as `--db` and `POSKO_DB` do)."""
    text = str(path_or_url)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def _sqlite_connect(dbapi_connection: Any, _record: Any, busy_ms: int = BUSY_TIMEOUT_MS) -> None:
    # Take transaction control from pysqlite so BEGIN / BEGIN IMMEDIATE are ours
    # (SQLAlchemy SQLite dialect docs, "Serializable isolation / Savepoints").
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get("posko_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# PostgreSQL server mode: write transactions from every workstation take one transaction-
# scoped advisory lock first, the equivalent of SQLite's BEGIN IMMEDIATE. Services are
# written as read-modify-write under "one writer at a time" (number sequence, HLC stamp
# of the site, sync import); this keeps them correct on the server too (docs/decisions.md).
# Writes are human-paced (a few per second at most), so serialising them costs nothing.
PG_WRITE_LOCK = 0x506F736B6F  # "Posko"
PG_MIGRATE_LOCK = PG_WRITE_LOCK + 1


def _pg_begin(conn: Any) -> None:
    options = conn.get_execution_options()
    if options.get("posko_write", False):
        wait_ms = int(options.get("posko_write_wait_ms", BUSY_TIMEOUT_MS))
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {wait_ms}")  # like SQLite's busy timeout
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")


def _is_busy(err: OperationalError) -> bool:
    """SQLite "database is locked" after the busy timeout, PostgreSQL lock_timeout (55P03)."""
    if getattr(err.orig, "sqlstate", None) == "55P03":
        return True
    return "database is locked" in str(err.orig)


class Database:
    """One engine, two session factories: `read()` and `write()` (BEGIN IMMEDIATE on SQLite,
    an advisory write lock on PostgreSQL)."""

    def __init__(self, path_or_url: str | Path, *, echo: bool = False,
                 write_wait_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.url = to_url(path_or_url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.file: Path | None = None
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                self.file = Path(parsed.database)
                self.file.parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": write_wait_ms / 1000}
        else:
            kwargs["pool_pre_ping"] = True
            if parsed.get_backend_name() == "postgresql" and "options" not in parsed.query:
                kwargs["connect_args"] = {"options": PG_SESSION_OPTIONS}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect",
                         lambda dbapi, rec: _sqlite_connect(dbapi, rec, write_wait_ms))
            event.listen(self.engine, "begin", _sqlite_begin)
            event.listen(self.engine, "close", lambda dbapi, rec: optimize_on_close(dbapi))
        elif self.engine.dialect.name == "postgresql":
            event.listen(self.engine, "begin", _pg_begin)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(posko_write=True, posko_write_wait_ms=write_wait_ms),
            expire_on_commit=False,
        )

    @property
    def display_location(self) -> str:
        if self.file:
            return str(self.file)
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: commits on success, rolls back on any error. Waiting longer
        than `write_wait_ms` for another writer ends in `DatabaseBusy`, nothing written."""
        try:
            with self._writer.begin() as session:
                yield session
        except OperationalError as err:
            if not _is_busy(err):
                raise
            logger.warning("Write to %s gave up waiting for another writer: %s",
                           self.display_location, err.orig)
            raise DatabaseBusy(
                N_("Another workstation is saving right now; this change was not saved. "
                   "Try again in a moment.")
            ) from None

    def dispose(self) -> None:
        self.engine.dispose()
