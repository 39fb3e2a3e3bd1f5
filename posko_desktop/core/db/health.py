"""The honest states of a database file and the integrity checks.

Each state the operator can meet has its own error with a message that says what to do
(docs/operator-guide.md): the file is missing or empty (never silently replaced by a new
database), damaged, read-only (the file, its folder or the whole medium), the disk is full,
or an interrupted save cannot be finished without write access. `translate()` turns the
driver's errors into these; `Database` uses it for every session.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_

logger = logging.getLogger(__name__)

# How many problems a check lists at most (SQLite's default for integrity_check is 100).
CHECK_MAX_ERRORS = 20
# The CLI runs quick_check before every command on files up to this size (measured:
# 20,000 incidents = 52 MB in ~60 ms; docs/decisions.md).
CLI_QUICK_CHECK_MAX_BYTES = 128 * 1024 * 1024


class DatabaseFileError(PoskoError):
    """The database file is in a state the operator must know about."""

    code = "db_file"


class DatabaseMissing(DatabaseFileError):
    code = "db_missing"


class DatabaseEmpty(DatabaseFileError):
    code = "db_empty"


class DatabaseDamaged(DatabaseFileError):
    code = "db_damaged"


class DatabaseReadOnly(DatabaseFileError):
    """View only. `reason` is "file", "folder" or "medium"."""

    code = "db_read_only"

    def __init__(self, message: str, /, reason: str, **params: Any) -> None:
        self.reason = reason
        super().__init__(message, **params)


class DiskFull(DatabaseFileError):
    code = "disk_full"


class NeedsWriteAccess(DatabaseFileError):
    """An interrupted save (hot journal) or an upgrade must be finished before reading."""

    code = "db_needs_write"


def missing(location: str) -> DatabaseMissing:
    return DatabaseMissing(
        N_("There is no database at {location}. Create a new one with posko init (or the "
           "set-up wizard of the window), or restore a backup with posko restore FILE."),
        location=location)


def empty(location: str) -> DatabaseEmpty:
    return DatabaseEmpty(
        N_("The database file {location} is empty (0 bytes): its contents are lost, for "
           "example after a crash or a full disk. It was not replaced by a new database. "
           "Restore the newest backup (posko restore FILE, or Restore… when the window "
           "starts); to start a new, empty log instead, run posko init."),
        location=location)


def damaged(location: str, detail: str) -> DatabaseDamaged:
    return DatabaseDamaged(
        N_("The database {location} is damaged ({detail}). To protect what is left, nothing "
           "more is written to it. Restore the newest verified backup: File → Restore… in "
           "the window, or posko restore FILE (posko backup --list shows the backups)."),
        location=location, detail=detail[:200])


def disk_full(location: str) -> DiskFull:
    return DiskFull(
        N_("The disk that holds the database {location} is full: this change was not saved "
           "and the database is unchanged. Free some space on that disk (move or delete old "
           "files, empty the recycle bin), then try again."),
        location=location)


def read_only(reason: str, file: Path) -> DatabaseReadOnly:
    if reason == "medium":
        return DatabaseReadOnly(
            N_("The disk that holds the database {location} is read-only (a write-protected "
               "USB stick, a CD, a read-only network share). The log opens for viewing only; "
               "nothing can be saved. To record again, copy the database to this computer's "
               "disk or a writable drive and open that copy."),
            reason=reason, location=str(file))
    if reason == "folder":
        return DatabaseReadOnly(
            N_("The folder {folder} that holds the database does not allow writing. The log "
               "opens for viewing only; nothing can be saved. To record again, give your "
               "account write access to that folder (or move the database to a writable "
               "folder) and start Posko Desk again."),
            reason=reason, folder=str(file.parent), location=str(file))
    return DatabaseReadOnly(
        N_("The database file {location} is read-only. The log opens for viewing only; "
           "nothing can be saved. To record again, make the file writable (remove the "
           "read-only mark in its properties, or ask the administrator) and start Posko "
           "Desk again."),
        reason=reason, location=str(file))


def interrupted_save(location: str) -> NeedsWriteAccess:
    return NeedsWriteAccess(
        N_("The database {location} was not closed properly: an interrupted save must be "
           "undone first, and that needs write access. Make the file and its folder "
           "writable (or copy them to a writable disk) and open it again; nothing is lost."),
        location=location)


def upgrade_needs_write(location: str) -> NeedsWriteAccess:
    return NeedsWriteAccess(
        N_("The database {location} must be upgraded for this version of Posko Desk, which "
           "needs write access. Open it once from a writable location."),
        location=location)


# --- what the medium allows ------------------------------------------------------------


def write_access_problem(file: Path) -> str | None:
    """Why SQLite could not write `file` (or create its -wal/-shm/-journal next to it):
    "medium" (the file system is mounted read-only), "folder", "file"; None if it can.
    Uses stat/access only, never a descriptor of the database."""
    folder = file.parent
    statvfs = getattr(os, "statvfs", None)
    if statvfs is not None:
        try:
            if statvfs(folder).f_flag & os.ST_RDONLY:
                return "medium"
        except OSError:
            pass
    if not os.access(folder, os.W_OK):
        return "folder"
    if file.exists() and not os.access(file, os.W_OK):
        return "file"
    return None


# --- driver errors -> the states above --------------------------------------------------


def sqlite_error_name(err: BaseException) -> str:
    """SQLite's (extended) result code name of a driver error, "" for anything else."""
    orig = err.orig if isinstance(err, DBAPIError) else err
    return str(getattr(orig, "sqlite_errorname", "") or "")


def _driver_text(err: BaseException) -> str:
    orig = err.orig if isinstance(err, DBAPIError) else err
    return str(orig)


def is_disk_full(err: BaseException) -> bool:
    """The OS's ENOSPC or SQLite's SQLITE_FULL ("database or disk is full"); never decided
    by other words of the message (a path may contain "full")."""
    if getattr(err, "errno", None) == errno.ENOSPC:
        return True
    if not isinstance(err, DBAPIError | sqlite3.Error):
        return False
    return (sqlite_error_name(err).startswith("SQLITE_FULL")
            or "database or disk is full" in _driver_text(err))


def translate(err: BaseException, file: Path | None) -> PoskoError | None:
    """The operator's error for a driver error of the SQLite file `file` (None: not one of
    the file states; the caller re-raises the original)."""
    if file is None or not isinstance(err, DBAPIError | sqlite3.Error):
        return None
    name = sqlite_error_name(err)
    location = str(file)
    if is_disk_full(err):
        return disk_full(location)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return damaged(location, _driver_text(err))
    if name == "SQLITE_READONLY_ROLLBACK":
        return interrupted_save(location)
    if name.startswith("SQLITE_READONLY"):
        return read_only(write_access_problem(file) or "file", file)
    if name.startswith("SQLITE_IOERR") and _disk_is_full(file):
        return disk_full(location)
    return None


def _disk_is_full(file: Path) -> bool:
    try:
        st = os.statvfs(file.parent)
    except (OSError, AttributeError):
        return False
    return st.f_bavail * st.f_frsize < (1 << 20)


# --- integrity checks ----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """`ok`; `problems` as SQLite lists them (at most CHECK_MAX_ERRORS); `full` is True for
    integrity_check, False for quick_check; `applicable` False on PostgreSQL."""

    ok: bool
    full: bool
    problems: tuple[str, ...] = ()
    applicable: bool = True

    @property
    def summary(self) -> str:
        return self.problems[0] if self.problems else "ok"


def check_connection(conn: Any, *, full: bool) -> CheckResult:
    """PRAGMA quick_check (integrity_check with `full`) on an sqlite3 connection."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = conn.execute(f"PRAGMA {pragma}({CHECK_MAX_ERRORS})").fetchall()
    except sqlite3.DatabaseError as err:  # page 1 or the schema itself is unreadable
        return CheckResult(False, full, (str(err),))
    problems = tuple(str(r[0]) for r in rows)
    return CheckResult(problems == ("ok",), full, () if problems == ("ok",) else problems)


def check_database(db: Any, *, full: bool = False) -> CheckResult:
    """Check an open `Database`. On damage its writes are refused from now on. On
    PostgreSQL the server keeps its own pages (checksums, WAL replay): `applicable` is
    False and the result is ok."""
    if not db.is_sqlite:
        return CheckResult(True, full, (), applicable=False)
    try:
        with db.engine.connect() as conn:
            result = check_connection(conn.connection.dbapi_connection, full=full)
    except DBAPIError as err:  # the file cannot even be opened any more
        if translate(err, db.file) is None:
            raise
        result = CheckResult(False, full, (_driver_text(err),))
    if not result.ok:
        logger.error("%s of %s found damage: %s", "integrity_check" if full else "quick_check",
                     db.display_location, "; ".join(result.problems[:5]))
        db.refuse_writes(damaged(db.display_location, result.summary))
    return result
