"""Engine and sessions for the embedded SQLite file and the PostgreSQL server mode."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


def to_url(path_or_url: str | Path) -> str:
    """Accept a file path or a SQLAlchemy URL (as `--db` and `POSKO_DB` do)."""
    text = str(path_or_url)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from pysqlite so BEGIN / BEGIN IMMEDIATE are ours
    # (SQLAlchemy SQLite dialect docs, "Serializable isolation / Savepoints").
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
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
    if conn.get_execution_options().get("posko_write", False):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")


class Database:
    """One engine, two session factories: `read()` and `write()` (BEGIN IMMEDIATE on SQLite,
    an advisory write lock on PostgreSQL)."""

    def __init__(self, path_or_url: str | Path, *, echo: bool = False) -> None:
        self.url = to_url(path_or_url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.file: Path | None = None
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                self.file = Path(parsed.database)
                self.file.parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        elif self.engine.dialect.name == "postgresql":
            event.listen(self.engine, "begin", _pg_begin)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(posko_write=True), expire_on_commit=False
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
        """A write transaction: commits on success, rolls back on any error."""
        with self._writer.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
