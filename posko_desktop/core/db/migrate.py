"""Open a database: refuse one made by a newer version, back up, then migrate to head.

Upgrade in place (the first start after installing a new version): an SQLite file gets a
verified backup first (`core/backup/pre_upgrade.py`, in `backups/` next to it), then the
migrations run one revision at a time in one transaction, reporting progress per step so
the window and the CLI can show it when the upgrade takes more than a second.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from posko_desktop.core.backup.pre_upgrade import backup_before_upgrade
from posko_desktop.core.db import health
from posko_desktop.core.db.engine import BUSY_TIMEOUT_MS, PG_MIGRATE_LOCK, Database, sqlite_uri
from posko_desktop.core.domain import DatabaseVersionError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest migration. Opening a database already at this revision skips Alembic entirely
# (importing it costs ~0.4 s of cold start); a test keeps this equal to the scripts' head.
SCHEMA_HEAD = "0028"


def alembic_config() -> Config:
    from alembic.config import Config  # deferred: only needed when a migration runs

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory  # deferred, see SCHEMA_HEAD

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext  # deferred, see SCHEMA_HEAD

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(db: Database, *, progress: Progress = NO_PROGRESS, backup: bool = True) -> bool:
    """Bring `db` to the newest schema. Returns True when something was upgraded.

    A revision this program does not know means a newer Posko Desk made the file:
    it is refused and left untouched. An SQLite file is backed up and the backup verified
    before anything changes (`backup=False`: a private copy that is itself a backup).
    """
    if _stored_revision(db) == SCHEMA_HEAD:
        return False
    if db.engine.dialect.name == "postgresql":
        # Server mode: several workstations may start together after an update. One
        # migrates (PostgreSQL DDL is transactional: all of it or nothing), the others
        # wait on this lock and then find the schema at head.
        with db.engine.connect() as lock_conn:
            lock_conn.exec_driver_sql(f"SELECT pg_advisory_lock({PG_MIGRATE_LOCK})")
            try:
                return _migrate(db, progress, backup)
            finally:
                lock_conn.exec_driver_sql(f"SELECT pg_advisory_unlock({PG_MIGRATE_LOCK})")
    return _migrate(db, progress, backup)


def _stored_revision(db: Database) -> str | None:
    """The revision recorded in the database, read with one query (None if there is none)."""
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:  # no alembic_version table: new or foreign file, the full path decides
        return None
    return rows[0][0] if len(rows) == 1 else None


def _migrate(db: Database, progress: Progress, backup: bool) -> bool:
    from alembic import command  # deferred, see SCHEMA_HEAD
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    current = current_revision(db)
    head = script.get_current_head()
    if current == head:
        return False
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise DatabaseVersionError(
            N_("This database was made by a newer version of Posko Desk (schema {revision}). "
               "Update the application; the database was not changed."),
            revision=current,
        )
    if current is None:
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        if tables - {"alembic_version"}:
            raise DatabaseVersionError(
                N_("This file is not a Posko Desk database; it was not changed."),
            )
    assert head is not None
    steps = [rev.revision for rev in script.iterate_revisions(head, current or "base")][::-1]
    backup_share = 0
    if current is not None and db.file is not None and backup:
        backup_share = 30
        backup_before_upgrade(db.file, to_schema=head, progress=progress, share=backup_share)
    logger.info("Migrating %s from %s to %s (%d steps)", db.display_location, current, head,
                len(steps))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        for done, revision in enumerate(steps):
            progress.report(backup_share + (100 - backup_share) * done // len(steps), 100,
                            _("Upgrading the database to schema {revision}…").format(
                                revision=revision))
            command.upgrade(cfg, revision)
    progress.report(100, 100, _("Database upgraded to schema {revision}").format(revision=head))
    return True


def check_sqlite_file(path: Path, *, read_only: bool = False, immutable: bool = False,
                      quick_check: bool = False) -> str | None:
    """Before the engine opens an existing file (even its WAL pragma rewrites the header):
    refuse, leaving it byte-identical, a file that is not SQLite, not Posko Desk's, damaged,
    or made by a newer version. Returns the schema revision (None: no schema yet).

    The file is read through SQLite, never with `open()`: this process may already hold
    connections to it, and closing a plain descriptor would drop their locks (SQLite, "How
    To Corrupt An SQLite Database File", 2.2). A writable file is opened read-write, so a
    hot journal left by a killed save is rolled back here, as SQLite does on any first
    read; nothing else is written. `quick_check` also runs SQLite's quick check there, so
    a damaged file is refused before anything (even the WAL pragma) writes to it.
    """
    uri = sqlite_uri(path, read_only=read_only, immutable=immutable)
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            versions = (con.execute("SELECT version_num FROM alembic_version").fetchall()
                        if "alembic_version" in tables else [])
            check = health.check_connection(con, full=False) if quick_check else None
        finally:
            con.close()
    except sqlite3.Error as err:
        logger.warning("Refused %s: %s (%s)", path, str(err), health.sqlite_error_name(err))
        if health.sqlite_error_name(err).startswith("SQLITE_NOTADB"):
            raise DatabaseVersionError(
                N_("This file is damaged or is not a database; it was not changed.")) from None
        translated = health.translate(err, path)
        if translated is not None:
            raise translated from None
        raise
    if check is not None and not check.ok:
        logger.error("quick_check of %s found damage: %s", path, "; ".join(check.problems[:5]))
        raise health.damaged(str(path), check.summary)
    if not versions:
        if tables - {"alembic_version"}:
            logger.warning("Refused %s: tables of another program", path)
            raise DatabaseVersionError(
                N_("This file is not a Posko Desk database; it was not changed."))
        return None
    current = str(versions[0][0])
    if current == SCHEMA_HEAD:
        return current
    from alembic.script import ScriptDirectory  # deferred, see SCHEMA_HEAD

    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current not in known:
        logger.warning("Refused %s: unknown (newer) schema %s", path, current)
        raise DatabaseVersionError(
            N_("This database was made by a newer version of Posko Desk (schema {revision}). "
               "Update the application; the database was not changed."),
            revision=current,
        )
    return current
