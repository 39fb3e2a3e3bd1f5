"""Restore a backup, in two steps so a person can be asked in between:

1. `prepare_restore` (no permission needed, writes nothing of the database): verify the
   backup — its SHA-256 against the manifest, then (SQLite) a private copy next to the
   database, its full integrity check, that it is a Posko Desk database this version can
   open; read its site, size and age, and the site of the current database.
2. `apply_restore` (`backup.restore`, admins): refuse a backup of another site unless
   forced; keep the current database as a pre-restore backup; bring the copy to the
   newest schema and write the audit entry into it; then write it into the database file
   through SQLite's backup API — one transaction, so a crash leaves either the old or
   the restored database, and other programs with the file open see one or the other.
   Server mode: `pg_restore --single-transaction`, then the audit entry.

Who restores is checked against the current database when it opens, or against the
backup itself when the current one is missing, empty or damaged (`login_context`).
The caller closes its own connections to the database before `apply_restore`.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from posko_desktop.core.backup import manifest as mf
from posko_desktop.core.backup import pg_tools, sqlite_copy
from posko_desktop.core.backup.manifest import Manifest
from posko_desktop.core.context import AppContext
from posko_desktop.core.db import health
from posko_desktop.core.db.engine import Database, sqlite_uri
from posko_desktop.core.db.files import (
    copy_private,
    create_private_file,
    same_file,
    sha256_of,
    sidecars,
)
from posko_desktop.core.db.migrate import SCHEMA_HEAD, alembic_config
from posko_desktop.core.db.session import open_database, sqlite_file_of
from posko_desktop.core.domain import Actor, DatabaseVersionError, PoskoError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import audit
from posko_desktop.core.services import backup as backups
from posko_desktop.core.services.authz import Permission, require

logger = logging.getLogger(__name__)

COPY_PREFIX = ".posko-restore-"


class RestoreError(PoskoError):
    code = "restore"


class OtherSite(RestoreError):
    code = "restore_other_site"


@dataclass
class PreparedRestore:
    location: str  # the database to restore into (path or URL)
    backup_file: Path
    manifest: Manifest | None
    sha256: str
    site_code: str  # of the backup ("" when unknown)
    site_name: str
    incidents: int
    schema: str
    live_site: str | None  # of the current database (None: unreadable or none)
    folder: Path  # where the pre-restore copy goes
    copy: Path | None = None  # SQLite: the verified private copy
    extra: list[Path] = field(default_factory=list)

    @property
    def other_site(self) -> bool:
        return bool(self.live_site) and self.site_code != self.live_site

    @property
    def is_sqlite(self) -> bool:
        return self.copy is not None

    def discard(self) -> None:
        """Remove the private copy (and what migrating it left); safe to call twice."""
        leftovers = ([self.copy] if self.copy else []) + self.extra
        for path in leftovers:
            for p in (path, *sidecars(path)):
                p.unlink(missing_ok=True)


@dataclass(frozen=True)
class RestoreResult:
    backup_file: Path
    pre_restore: Path | None
    site_code: str
    incidents: int
    forced: bool


def prepare_restore(location: str, backup_file: Path, *, folder: Path,
                    progress: Progress = NO_PROGRESS) -> PreparedRestore:
    backup_file = Path(backup_file).expanduser().resolve()
    if not backup_file.is_file():
        raise RestoreError(N_("There is no backup file {path}"), path=str(backup_file))
    manifest = mf.read_manifest(backup_file)
    live = sqlite_file_of(location)
    if live is not None and any(same_file(backup_file, f) for f in (live, *sidecars(live))):
        raise RestoreError(N_("{path} is the database itself, not a backup of it"),
                           path=str(backup_file))
    if live is None:
        return _prepare_server(location, backup_file, manifest, folder, progress)
    return _prepare_sqlite(location, live, backup_file, manifest, folder, progress)


def _prepare_sqlite(location: str, live: Path, backup_file: Path, manifest: Manifest | None,
                    folder: Path, progress: Progress) -> PreparedRestore:
    copy = live.with_name(f"{COPY_PREFIX}{uuid.uuid4().hex[:12]}.sqlite3")
    for pattern in (COPY_PREFIX + "*", "." + COPY_PREFIX + "*.partial"):
        for stale in live.parent.glob(pattern):  # left by a restore that was killed
            stale.unlink(missing_ok=True)
    total = backup_file.stat().st_size
    progress.report(0, 100, _("Verifying the backup…"))
    try:
        sha = copy_private(backup_file, copy, lambda done: progress.report(
            int(40 * done / max(total, 1)), 100, _("Verifying the backup…")))
    except OSError as err:
        raise RestoreError(N_("The backup could not be copied next to the database ({error})"),
                           error=str(err)) from None
    prepared = PreparedRestore(location, backup_file, manifest, sha, "", "", 0, "", None,
                               folder, copy)
    try:
        _check_sha(manifest, sha, backup_file)
        progress.report(45, 100, _("Checking the backup…"))
        check, facts = sqlite_copy.check_file(copy)
        if not check.ok:
            raise RestoreError(N_("The backup {path} is damaged ({detail}); choose another "
                                  "one."), path=str(backup_file), detail=check.summary)
        _check_schema(facts.schema, backup_file)
        prepared.site_code, prepared.site_name = facts.site_code, facts.site_name
        prepared.incidents, prepared.schema = facts.incidents, facts.schema
        prepared.live_site = _live_site(live)
    except BaseException:
        prepared.discard()
        raise
    progress.report(100, 100, _("Backup verified"))
    return prepared


def _prepare_server(location: str, backup_file: Path, manifest: Manifest | None,
                    folder: Path, progress: Progress) -> PreparedRestore:
    progress.report(0, 100, _("Verifying the backup…"))
    sha = sha256_of(backup_file)
    _check_sha(manifest, sha, backup_file)
    pg_tools.check_dump(backup_file)
    live_site = None
    try:
        db = Database(location)
        try:
            live_site = backups.site_code_of(AppContext(db, Actor("", "", "")))
        finally:
            db.dispose()
    except Exception as err:  # an unreachable or empty server has no site
        logger.info("Current site of %s unknown: %s", location, str(err))
    m = manifest
    progress.report(100, 100, _("Backup verified"))
    return PreparedRestore(location, backup_file, manifest, sha, m.site_code if m else "",
                           m.site_name if m else "", m.incidents if m else 0,
                           m.schema if m else "", live_site, folder)


def _check_sha(manifest: Manifest | None, sha: str, backup_file: Path) -> None:
    if manifest is None:
        logger.warning("Backup %s has no manifest: verified by its check only", backup_file)
        return
    if manifest.sha256 != sha:
        raise RestoreError(N_("The backup {path} changed after it was made (its SHA-256 does "
                              "not match its manifest): it is damaged or was altered. Choose "
                              "another backup."), path=str(backup_file))


def _check_schema(schema: str, backup_file: Path) -> None:
    if not schema:
        raise RestoreError(N_("{path} is not a Posko Desk backup"), path=str(backup_file))
    if schema == SCHEMA_HEAD:
        return
    from alembic.script import ScriptDirectory  # deferred, heavy

    known = {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if schema not in known:
        raise DatabaseVersionError(
            N_("This database was made by a newer version of Posko Desk (schema {revision}). "
               "Update the application; the database was not changed."), revision=schema)


def _live_site(live: Path) -> str | None:
    """The site of the current database file, read without changing it (None when it is
    missing, empty or unreadable)."""
    if not live.exists() or live.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(sqlite_uri(live, read_only=True), uri=True)
        try:
            row = conn.execute("SELECT code FROM local_site LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as err:
        logger.info("Site of %s unreadable: %s", live, str(err))
        return None
    return str(row[0]) if row else None


def login_context(prepared: PreparedRestore) -> AppContext | None:
    """Where the person restoring logs in when the current database cannot be opened: the
    backup's own copy (its accounts). None for server mode (log in to the server)."""
    if prepared.copy is None:
        return None
    db = open_database(prepared.copy, upgrade_backup=False)  # the copy is a backup
    return AppContext(db, Actor("", "", ""))


def apply_restore(prepared: PreparedRestore, actor: Actor, *, now: datetime,
                  force: bool = False, progress: Progress = NO_PROGRESS) -> RestoreResult:
    require(actor, Permission.BACKUP_RESTORE)
    if not prepared.site_code and not force:
        raise OtherSite(N_("The site of the backup {path} is unknown (no manifest): restore "
                           "it only if you are sure, with --force"), path=str(prepared.backup_file))
    if prepared.other_site and not force:
        raise OtherSite(N_("The backup {path} is of site {backup_site}, this database is site "
                           "{site}: not restored. To replace this site's data with the other "
                           "site's anyway, confirm it (--force)."),
                        path=str(prepared.backup_file), backup_site=prepared.site_code,
                        site=prepared.live_site)
    if prepared.is_sqlite:
        return _apply_sqlite(prepared, actor, now, force, progress)
    return _apply_server(prepared, actor, now, force, progress)


def _record_restore(location: str | Path, prepared: PreparedRestore, actor: Actor,
                    pre: Path | None, force: bool, now: datetime) -> None:
    """The audit entry of the restore, in the database at `location` (opened, so an older
    backup is migrated to the newest schema first)."""
    db = open_database(location, upgrade_backup=False)  # the restored copy (or the server)
    try:
        with db.write() as s:
            audit.record(s, actor, "backup.restore", "backup", prepared.backup_file.name,
                         before=None, at=now, after={
                             "file": str(prepared.backup_file), "sha256": prepared.sha256,
                             "backup_site": prepared.site_code,
                             "replaced_site": prepared.live_site or "",
                             "pre_restore": str(pre) if pre else "", "forced": force})
    finally:
        db.dispose()


def _apply_sqlite(prepared: PreparedRestore, actor: Actor, now: datetime, force: bool,
                  progress: Progress) -> RestoreResult:
    live = sqlite_file_of(prepared.location)
    assert live is not None and prepared.copy is not None
    progress.report(0, 100, _("Keeping the current database as a pre-restore copy…"))
    pre = _pre_restore_copy(prepared, actor, now)
    progress.report(40, 100, _("Preparing the backup…"))
    _record_restore(prepared.copy, prepared, actor, pre, force, now)  # into the copy
    progress.report(50, 100, _("Restoring…"))
    if not live.exists():
        create_private_file(live)

    def pages(_status: int, remaining: int, total: int) -> None:
        progress.report(50 + int(50 * (total - remaining) / max(total, 1)), 100, _("Restoring…"))

    try:
        sqlite_copy.restore_into(prepared.copy, live, pages)
    except sqlite3.DatabaseError as err:
        if not health.sqlite_error_name(err).startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            translated = health.translate(err, live)
            raise (translated or err) from None
        _replace_damaged_file(prepared.copy, live)
    prepared.discard()
    logger.info("Restored %s into %s by %s (pre-restore copy %s)", prepared.backup_file, live,
                actor.username, pre)
    return RestoreResult(prepared.backup_file, pre, prepared.site_code, prepared.incidents, force)


def _replace_damaged_file(copy: Path, live: Path) -> None:
    """The current file is too damaged to be written through SQLite (its first page is
    gone): replace it as a file. The stale -wal/-journal would be applied to the new file,
    so they go first."""
    logger.warning("%s is unusable as a restore target: replacing the file", live)
    for side in sidecars(live):
        side.unlink(missing_ok=True)
    replacement = live.with_name(f"{COPY_PREFIX}{uuid.uuid4().hex[:12]}.sqlite3")
    copy_private(copy, replacement)
    replacement.replace(live)


def _pre_restore_copy(prepared: PreparedRestore, actor: Actor, now: datetime) -> Path | None:
    """The current database as a backup of kind pre-restore (if there is one to keep)."""
    live = sqlite_file_of(prepared.location)
    if live is not None and (not live.exists() or live.stat().st_size == 0):
        return None
    try:
        db = Database(prepared.location, create=False)
    except Exception as err:  # nothing to keep when it cannot even be opened
        logger.warning("No pre-restore copy of %s: %s", prepared.location, str(err))
        return None
    try:
        ctx = AppContext(db, actor, clock=lambda: now)
        return backups.create_backup(ctx, kind=mf.PRE_RESTORE, folder=prepared.folder).file
    except health.DatabaseDamaged as err:
        logger.warning("Pre-restore copy of a damaged database: %s", err.text_in("en"))
    finally:
        db.dispose()  # before the damaged file is read as a file below
    return _raw_pre_restore_copy(prepared, live, now)


def _raw_pre_restore_copy(prepared: PreparedRestore, live: Path | None,
                          now: datetime) -> Path | None:
    """A damaged SQLite file is kept byte for byte (no connection to it is open here)."""
    if live is None:
        return None
    target = prepared.folder / mf.backup_name(prepared.live_site or "", now,
                                                   mf.PRE_RESTORE + "-rusak",
                                                   backups.SQLITE_SUFFIX)
    copy_private(live, target)
    return target


def _apply_server(prepared: PreparedRestore, actor: Actor, now: datetime, force: bool,
                  progress: Progress) -> RestoreResult:
    progress.report(0, 100, _("Keeping the current database as a pre-restore copy…"))
    pre = _pre_restore_copy(prepared, actor, now)
    progress.report(40, 100, _("Restoring…"))
    pg_tools.restore(prepared.location, prepared.backup_file)
    _record_restore(prepared.location, prepared, actor, pre, force, now)
    progress.report(100, 100, _("Done"))
    logger.info("Restored %s into %s by %s", prepared.backup_file, prepared.location,
                actor.username)
    return RestoreResult(prepared.backup_file, pre, prepared.site_code, prepared.incidents, force)
