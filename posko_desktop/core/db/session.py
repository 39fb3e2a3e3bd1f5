"""Open a database ready for services: the file's state first, then connect, refuse newer
schemas, migrate.

The one way to open an SQLite file (`open_database`):
1. missing or 0 bytes: refused (`health.DatabaseMissing` / `DatabaseEmpty`); only
   `create=True` (`posko init`, the set-up wizard) makes a new database, mode 0600;
2. an existing file loses group/other permissions (older versions made it 0644);
3. what the medium allows (`health.write_access_problem`): a read-only file, folder or
   medium opens for viewing only, writes refused with a message that says what to do;
4. the header and schema are read through SQLite (`migrate.check_sqlite_file`); a
   writable file's hot journal is rolled back there; small files get the quick check;
5. the engine, then migrations (a read-only file must already be at the newest schema).
Damage anywhere else is found by the integrity checks (`health.check_database`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from posko_desktop.core.db import health
from posko_desktop.core.db.engine import Database, to_url
from posko_desktop.core.db.files import create_private_file, restrict_to_owner, sidecars
from posko_desktop.core.db.migrate import SCHEMA_HEAD, check_sqlite_file, migrate
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_
from posko_desktop.core.progress import NO_PROGRESS, Progress

logger = logging.getLogger(__name__)


class DatabaseUnavailable(PoskoError):
    """The PostgreSQL server (server mode) cannot be reached or refuses this login."""

    code = "db_unavailable"


def sqlite_file_of(path_or_url: str | Path) -> Path | None:
    """The SQLite file a location names (None for a server URL or an in-memory database)."""
    url = make_url(to_url(path_or_url))
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(str(url.database))
    return None


def open_database(path_or_url: str | Path, *, create: bool = False,
                  quick_check_max_bytes: int = 0, progress: Progress = NO_PROGRESS,
                  upgrade_backup: bool = True) -> Database:
    """Open (and migrate) a database. `create`: a missing or empty SQLite file becomes a
    new database; without it such a file is refused and left as it is. An SQLite file of
    at most `quick_check_max_bytes` gets SQLite's quick check before anything writes to
    it (the CLI: `health.CLI_QUICK_CHECK_MAX_BYTES`); damage raises DatabaseDamaged.
    An upgrade reports to `progress` (backup, then each migration step); an SQLite file is
    backed up first unless `upgrade_backup` is False (a private copy of a backup)."""
    file = sqlite_file_of(path_or_url)
    if file is not None:
        db = _open_sqlite(path_or_url, file, create, quick_check_max_bytes)
    else:
        db = Database(path_or_url)
    try:
        migrate(db, progress=progress, backup=upgrade_backup)
    except OperationalError as err:
        db.dispose()
        if db.is_sqlite:
            translated = health.translate(err, db.file)
            if translated is not None:
                raise translated from None
            raise
        logger.warning("Cannot reach %s: %s", db.display_location, str(err))
        raise DatabaseUnavailable(
            N_("Cannot reach the database server {location}. Check the address, that the "
               "server is running and that this computer may connect; details are in the log."),
            location=db.display_location,
        ) from None
    except Exception:
        db.dispose()
        raise
    return db


def _open_sqlite(path_or_url: str | Path, file: Path, create: bool,
                 quick_check_max_bytes: int) -> Database:
    location = str(file)
    if not file.exists():
        if not create:
            raise health.missing(location)
        create_private_file(file)
        logger.info("New database file %s", file)
    elif file.is_file() and file.stat().st_size == 0 and not _has_pending_data(file):
        if not create:
            raise health.empty(location)
        logger.info("Empty database file %s becomes a new database", file)
    restrict_to_owner(file)
    quick = 0 < file.stat().st_size <= quick_check_max_bytes
    problem = health.write_access_problem(file)
    if problem is None:
        check_sqlite_file(file, quick_check=quick)
        return Database(path_or_url, create=False)
    reason = health.read_only(problem, file)
    immutable = False
    if problem != "file":  # no -wal/-shm/-journal can be created next to the file
        wal, shm, journal = sidecars(file)
        if _size(journal) > 0 or (_size(wal) > 0 and not shm.exists()):
            raise health.interrupted_save(location)
        immutable = _size(wal) <= 0  # nothing pending: read the file as it is
    revision = check_sqlite_file(file, read_only=True, immutable=immutable, quick_check=quick)
    if revision != SCHEMA_HEAD:
        raise health.upgrade_needs_write(location)
    logger.warning("Opening %s read-only (%s)", file, problem)
    return Database(path_or_url, create=False, read_only=reason, immutable=immutable)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return -1


def _has_pending_data(file: Path) -> bool:
    """A non-empty -wal or -journal: committed pages not yet in the file, or a save to undo."""
    wal, _shm, journal = sidecars(file)
    return _size(wal) > 0 or _size(journal) > 0
