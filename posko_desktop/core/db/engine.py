"""Engine and sessions for the embedded SQLite file and the PostgreSQL server mode."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from posko_desktop.core.db import health
from posko_desktop.core.db.files import create_private_file, make_private_dir
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 65_536  # 64 MiB page cache per connection
BULK_CACHE_KIB = 262_144  # 256 MiB while a bulk load (demo data) runs
# ... and its reads (foreign keys, the table scans that re-create indexes) from a memory map
# instead of one read() per page (1M demo incidents: index build 16-18 -> 13-14 s).
# SQLite caps it (2 GiB by default); the rest of the file is read as usual.
BULK_MMAP_BYTES = 1 << 32

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


def sqlite_uri(file: Path, *, read_only: bool = False, immutable: bool = False) -> str:
    """The URI SQLite opens `file` with: never `mode=rwc`, so a file that vanished is not
    silently re-created empty; `immutable` for a read-only medium without -wal/-shm."""
    uri = file.as_uri() + ("?mode=ro" if read_only else "?mode=rw")
    return uri + ("&immutable=1" if immutable else "")


def sqlite_driver(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under an SQLAlchemy connection to an SQLite file."""
    return cast(sqlite3.Connection, conn.connection.dbapi_connection)


def _sqlite_connect(dbapi_connection: Any, _record: Any, busy_ms: int = BUSY_TIMEOUT_MS,
                    read_only: bool = False) -> None:
    # Take transaction control from pysqlite so BEGIN / BEGIN IMMEDIATE are ours
    # (SQLAlchemy SQLite dialect docs, "Serializable isolation / Savepoints").
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    if not read_only:  # a read-only file keeps the journal mode it has
        try:
            cur.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as err:
            # Another connection is bulk-loading with a rollback journal (`bulk_write`); it
            # switches the file back to WAL when done, and this connection follows the file
            # then. Until that, it waits for the loader like for any writer.
            if "locked" not in str(err):
                raise
            logger.warning("Could not switch the database to WAL now (%s); continuing", str(err))
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cur.close()


def _enter_bulk(raw: Any, exclusive: bool, big_cache: bool) -> bool:
    """Bigger cache (`big_cache`); with `exclusive`, try the rollback journal. True if
    switched."""
    cur = raw.cursor()
    try:
        if big_cache:
            cur.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
            cur.execute(f"PRAGMA mmap_size={BULK_MMAP_BYTES}").fetchall()
        if not exclusive:
            return False
        try:
            # Leaving WAL needs the only connection to the file: SQLite refuses at once
            # ("database is locked") while another one, in any process, has it open.
            # TRUNCATE: with synchronous=FULL the commit (journal cut to 0 bytes) is synced.
            mode = cur.execute("PRAGMA journal_mode=TRUNCATE").fetchall()[0][0]
        except sqlite3.OperationalError as err:
            logger.info("Bulk write stays in WAL: %s", str(err))
            return False
        return str(mode).lower() == "truncate"
    finally:
        cur.close()


def _leave_bulk(raw: Any, rollback_journal: bool) -> bool:
    """Back to WAL and the normal cache. False if that failed (the connection is dropped;
    every new connection sets WAL again)."""
    try:
        cur = raw.cursor()
        try:
            cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            cur.execute("PRAGMA mmap_size=0").fetchall()
            if rollback_journal:
                mode = cur.execute("PRAGMA journal_mode=WAL").fetchall()[0][0]
                if str(mode).lower() != "wal":
                    logger.warning("Database left in %s journal mode after a bulk write", mode)
                    return False
                # A first read opens the WAL on this connection; until then SQLite refuses
                # a checkpoint on it ("database table is locked").
                cur.execute("SELECT count(*) FROM sqlite_master").fetchall()
        finally:
            cur.close()
    except sqlite3.Error as err:
        logger.warning("Could not restore WAL after a bulk write: %s", str(err))
        return False
    return True


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
    an advisory write lock on PostgreSQL).

    SQLite: `create` makes a missing file (mode 0600) first; SQLite itself is never allowed
    to create one. `read_only` (the reason, from `session.open_database`) opens the file
    with `mode=ro` (and `immutable` on a read-only medium without -wal/-shm) and refuses
    every write with that reason. `refuse_writes()` does the same later (damage found).
    Driver errors that are file states (disk full, read-only, damaged) reach callers as
    the operator's errors of `health`.
    """

    def __init__(self, path_or_url: str | Path, *, echo: bool = False,
                 write_wait_ms: int = BUSY_TIMEOUT_MS, create: bool = True,
                 read_only: health.DatabaseReadOnly | None = None,
                 immutable: bool = False) -> None:
        self.url = to_url(path_or_url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.file: Path | None = None
        self.writes_refused: PoskoError | None = read_only
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                self.file = file = Path(parsed.database)
                if create and read_only is None and not file.exists():
                    create_private_file(file)
                elif read_only is None:
                    make_private_dir(file.parent)
                uri = sqlite_uri(file, read_only=read_only is not None, immutable=immutable)
                timeout = write_wait_ms / 1000
                kwargs["creator"] = lambda: sqlite3.connect(
                    uri, uri=True, check_same_thread=False, timeout=timeout)
            else:
                kwargs["connect_args"] = {"check_same_thread": False,
                                          "timeout": write_wait_ms / 1000}
        else:
            kwargs["pool_pre_ping"] = True
            if parsed.get_backend_name() == "postgresql" and "options" not in parsed.query:
                kwargs["connect_args"] = {"options": PG_SESSION_OPTIONS}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            ro = read_only is not None
            event.listen(self.engine, "connect",
                         lambda dbapi, rec: _sqlite_connect(dbapi, rec, write_wait_ms, ro))
            event.listen(self.engine, "begin", _sqlite_begin)
        elif self.engine.dialect.name == "postgresql":
            event.listen(self.engine, "begin", _pg_begin)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._write_engine = self.engine.execution_options(
            posko_write=True, posko_write_wait_ms=write_wait_ms)
        self._writer = sessionmaker(self._write_engine, expire_on_commit=False)

    @property
    def display_location(self) -> str:
        if self.file:
            return str(self.file)
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def read_only(self) -> bool:
        """True when writes are refused (read-only file, folder or medium; damage found)."""
        return self.writes_refused is not None

    def refuse_writes(self, reason: PoskoError) -> None:
        """From now on every write raises `reason` before touching the database."""
        if self.writes_refused is None or isinstance(reason, health.DatabaseDamaged):
            self.writes_refused = reason
        logger.warning("Writes to %s refused from now on: %s", self.display_location,
                       reason.text_in("en"))

    def _check_writable(self) -> None:
        if self.writes_refused is not None:  # the same error each time, without old frames
            raise self.writes_refused.with_traceback(None)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._file_errors(), self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: commits on success, rolls back on any error. Waiting longer
        than `write_wait_ms` for another writer ends in `DatabaseBusy`, nothing written."""
        self._check_writable()
        with self._file_errors(), self._busy_errors(), self._writer.begin() as session:
            yield session

    @contextmanager
    def bulk_write(self, *, exclusive: bool = False,
                   big_cache: bool = True) -> Iterator[Session]:
        """A write transaction for loading many rows at once (demo data, a big package):
        `write()` with, on SQLite and `big_cache`, a larger page cache and memory-mapped
        reads (which count in the process's resident memory).

        With `exclusive` (a one-shot command like the CLI, where nothing else in this
        process uses the database) and no other connection to the file in any process, the
        transaction runs with a rollback journal instead of WAL: pages appended to the file
        are then written once, where WAL writes every page twice (into the -wal file, then
        into the database at the checkpoint). It stays all or nothing: a crash leaves a hot
        journal that the next connection rolls back before reading. Programs that open the
        file meanwhile wait for the load like for any writer. Afterwards the file is back
        in WAL mode. If another connection is open, the load simply runs in WAL.
        """
        if not self.is_sqlite:
            with self.write() as session:
                yield session
            return
        self._check_writable()
        with self._file_errors(), self._write_engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            rollback_journal = _enter_bulk(raw, exclusive, big_cache)
            logger.info("Bulk write on %s with %s", self.display_location,
                        "a rollback journal" if rollback_journal else "WAL")
            try:
                with (self._busy_errors(), Session(bind=conn, expire_on_commit=False) as session,
                      session.begin()):
                    yield session
            finally:
                if not _leave_bulk(raw, rollback_journal):
                    conn.invalidate()  # never hand this connection out again

    @contextmanager
    def _busy_errors(self) -> Iterator[None]:
        try:
            yield
        except OperationalError as err:
            if not _is_busy(err):
                raise
            logger.warning("Write to %s gave up waiting for another writer: %s",
                           self.display_location, err.orig)
            raise DatabaseBusy(
                N_("Another workstation is saving right now; this change was not saved. "
                   "Try again in a moment.")
            ) from None

    @contextmanager
    def _file_errors(self) -> Iterator[None]:
        """Disk full, read-only, damaged: the operator's error instead of raw SQL. Damage
        and read-only also refuse every later write."""
        try:
            yield
        except (DBAPIError, sqlite3.Error) as err:
            translated = health.translate(err, self.file)
            if translated is None:
                raise
            logger.warning("%s: %s", self.display_location, str(err))
            if isinstance(translated, health.DatabaseDamaged | health.DatabaseReadOnly):
                self.refuse_writes(translated)
            raise translated from None

    def dispose(self) -> None:
        self.engine.dispose()
