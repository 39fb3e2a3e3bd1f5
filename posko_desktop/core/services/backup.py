"""Backups: make one (online, consistent, checked), list them, keep the automatic ones
within the retention rule, and check the database itself. Restore: `services/restore.py`.

A backup is a file plus its manifest (`core/backup/manifest.py`). SQLite: a copy through
the online backup API, checked with the full `integrity_check` before it is kept — that
copy is the snapshot, so the check of the copy is the full check of the database at that
moment (a failing copy leads to a check of the live file, and on damage to
`health.DatabaseDamaged`: writes stop, the older backups stay). Evidence files live in
the database (`blob`), and so is the site's signing key, sealed per user: the copy carries
everything the site needs to go on. Server mode: `pg_dump -Fc`, checked with
`pg_restore --list`. Every backup is audited (`backup.create`) when the database can be
written; a read-only or damaged database can still be backed up.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from posko_desktop.core import appinfo, settings
from posko_desktop.core.backup import manifest as mf
from posko_desktop.core.backup import pg_tools, retention, sqlite_copy
from posko_desktop.core.backup.manifest import Manifest
from posko_desktop.core.context import AppContext
from posko_desktop.core.db import health
from posko_desktop.core.db.engine import sqlite_driver
from posko_desktop.core.db.files import (
    create_private_file,
    fsync_dir,
    fsync_file,
    make_private_dir,
    same_file,
    sha256_of,
    sidecars,
    temp_name,
)
from posko_desktop.core.db.models import Incident, LocalSite
from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.domain import PoskoError, ValidationError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require

logger = logging.getLogger(__name__)

SQLITE_SUFFIX = ".sqlite3"
PG_SUFFIX = ".dump"
PARTIAL_MAX_AGE_S = 24 * 3600


class BackupError(PoskoError):
    code = "backup"


@dataclass(frozen=True)
class BackupInfo:
    file: Path
    manifest: Manifest

    @property
    def created(self) -> datetime:
        return self.manifest.created


@dataclass(frozen=True)
class BackupSettings:
    folder: Path | None  # None: server mode without a folder set (and no fallback given)
    interval_minutes: int
    on_close: bool
    keep_hourly: int
    keep_daily: int


# --- settings and folders ----------------------------------------------------------------


def default_folder(ctx: AppContext, fallback: Path | None = None) -> Path | None:
    """`backups` next to an SQLite file; for a server database the caller's `fallback`
    (the CLI and the window pass the user data folder's `backups`)."""
    if ctx.db.file is not None:
        return ctx.db.file.parent / "backups"
    return fallback


def _required(folder: Path | None) -> Path:
    if folder is None:
        raise ValidationError(N_("Set the backup folder first (setting backup.folder)"),
                              field="backup.folder")
    return folder


def backup_settings(ctx: AppContext, fallback: Path | None = None) -> BackupSettings:
    """The backup settings; their defaults when the database cannot be read (damaged)."""
    values = {var.key: var.default for var in (
        settings.BACKUP_FOLDER, settings.BACKUP_INTERVAL_MINUTES, settings.BACKUP_ON_CLOSE,
        settings.BACKUP_KEEP_HOURLY, settings.BACKUP_KEEP_DAILY)}
    try:
        with ctx.db.read() as s:
            values = {key: settings.get(s, settings.lookup(key)) for key in values}
    except PoskoError as err:
        logger.warning("Backup settings unreadable, defaults used: %s", err.text_in("en"))
    folder_text = str(values[settings.BACKUP_FOLDER.key] or "").strip()
    folder = Path(folder_text).expanduser() if folder_text else default_folder(ctx, fallback)
    return BackupSettings(folder, max(0, int(values[settings.BACKUP_INTERVAL_MINUTES.key])),
                          bool(values[settings.BACKUP_ON_CLOSE.key]),
                          int(values[settings.BACKUP_KEEP_HOURLY.key]),
                          int(values[settings.BACKUP_KEEP_DAILY.key]))


@dataclass(frozen=True)
class BackupStatus:
    """What the window's status bar shows: the settings and the newest verified backup."""

    settings: BackupSettings
    newest: BackupInfo | None


def backup_status(ctx: AppContext, fallback: Path | None = None) -> BackupStatus:
    conf = backup_settings(ctx, fallback)
    newest = newest_backup(conf.folder, site_code_of(ctx)) if conf.folder else None
    return BackupStatus(conf, newest)


# --- listing -----------------------------------------------------------------------------


def list_backups(folder: Path, site_code: str | None = None) -> list[BackupInfo]:
    """The backups in `folder` (those with a manifest whose file is there), newest first;
    only one site's with `site_code`."""
    return [BackupInfo(path, m) for path, m in mf.scan(folder)
            if path.exists() and (site_code is None or m.site_code == site_code)]


def newest_backup(folder: Path, site_code: str | None = None) -> BackupInfo | None:
    """The newest backup whose check passed (it is verified again before a restore)."""
    return next((b for b in list_backups(folder, site_code) if b.manifest.verified), None)


def site_code_of(ctx: AppContext) -> str | None:
    try:
        with ctx.db.read() as s:
            return s.scalars(select(LocalSite.code)).first()
    except PoskoError:
        return None


def last_change(ctx: AppContext) -> str:
    """"ID:HASH" of the newest audit entry that is not about backups ("" when none)."""
    with ctx.db.read() as s:
        row = s.execute(select(AuditEntry.id, AuditEntry.hash)
                        .where(AuditEntry.action.not_like("backup.%"))
                        .order_by(AuditEntry.id.desc()).limit(1)).first()
    return "{}:{}".format(row[0], row[1]) if row else ""


# --- making a backup -----------------------------------------------------------------------


def create_backup(ctx: AppContext, *, kind: str = mf.MANUAL, folder: Path | None = None,
                  out: Path | None = None, progress: Progress = NO_PROGRESS) -> BackupInfo:
    """Back up the database into `folder` (default: the setting `backup.folder`) or to the
    file `out`. Automatic kinds prune the folder afterwards (`backup.keep_hourly` /
    `backup.keep_daily`)."""
    require(ctx.actor, Permission.EXPORT)
    now = ctx.now()
    site = site_code_of(ctx) or ""
    conf = backup_settings(ctx)
    if out is not None:
        target = Path(out).expanduser().resolve()
        if target.exists():
            raise ValidationError(N_("{path} already exists; choose another file name"),
                                  field="out", path=str(target))
    else:
        suffix = SQLITE_SUFFIX if ctx.db.is_sqlite else PG_SUFFIX
        base = Path(folder).expanduser() if folder is not None else _required(conf.folder)
        target = mf.unique_target(base / mf.backup_name(site, now, kind, suffix))
    _refuse_live_target(ctx, target)
    _make_folder(target.parent)
    _remove_stale_partials(target.parent, now)
    progress.report(0, 100, _("Copying the database…"))
    tmp = temp_name(target)
    try:
        create_private_file(tmp)
        check, facts = _snapshot(ctx, tmp, progress)
        progress.report(90, 100, _("Checking the backup…"))
        if not check.ok:
            _copy_failed_check(ctx, check)
        fsync_file(tmp)
        sha = sha256_of(tmp)  # read back: what is on the backup drive is what was checked
        size = tmp.stat().st_size
        os.replace(tmp, target)
    except OSError as err:
        raise _folder_error(target.parent, err) from None
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(target.parent)
    manifest = Manifest(
        file=target.name, kind=kind, backend="sqlite" if ctx.db.is_sqlite else "postgresql",
        created_at=mf.utc_text(now), sha256=sha, size=size, check="ok",
        site_code=facts.site_code or site, site_name=facts.site_name, schema=facts.schema,
        incidents=facts.incidents, audit_anchor=facts.audit_anchor,
        last_change=facts.last_change, made_by=ctx.actor.username,
        source=ctx.db.display_location, app_version=appinfo.app_info().version)
    mf.write_manifest(target, manifest)
    record(ctx, "backup.create", target, {"kind": kind, "sha256": sha, "size": size}, now)
    if kind in mf.PRUNABLE and out is None:
        prune(target.parent, hourly=conf.keep_hourly, daily=conf.keep_daily)
    progress.report(100, 100, _("Done"))
    logger.info("Backup %s (%s, %d bytes, sha256 %s) of %s", target, kind, size, sha,
                ctx.db.display_location)
    ctx.bus.publish(Change(ChangeKind.BACKUP, (target.name,)))
    return BackupInfo(target, manifest)


def auto_backup(ctx: AppContext, *, kind: str = mf.AUTO, check_when_unchanged: bool = True,
                progress: Progress = NO_PROGRESS) -> BackupInfo | None:
    """The window's scheduled backup (and the one at close): a backup when anything changed
    since the newest backup of this site in the folder; otherwise, with
    `check_when_unchanged`, the full integrity check of the database instead. None when no
    backup was made."""
    conf = backup_settings(ctx)
    newest = next(iter(list_backups(_required(conf.folder), site_code_of(ctx) or "")), None)
    changed = last_change(ctx)
    if newest is not None and newest.manifest.verified and newest.manifest.last_change == changed:
        logger.info("No change since backup %s: no new backup", newest.file.name)
        if check_when_unchanged:
            result = health.check_database(ctx.db, full=True)
            if not result.ok:
                raise health.damaged(ctx.db.display_location, result.summary)
        return None
    return create_backup(ctx, kind=kind, progress=progress)


def prune(folder: Path, *, hourly: int, daily: int) -> list[Path]:
    """Delete the automatic backups the retention rule does not keep (per site)."""
    removed: list[Path] = []
    backups = list_backups(folder)
    for site in {b.manifest.site_code for b in backups}:
        mine = [(b.file, b.manifest) for b in backups if b.manifest.site_code == site]
        for path, _m in retention.to_prune(mine, hourly=hourly, daily=daily):
            try:
                path.unlink(missing_ok=True)
                mf.manifest_path(path).unlink(missing_ok=True)
                removed.append(path)
            except OSError as err:
                logger.warning("Could not remove old backup %s: %s", path, err)
    if removed:
        logger.info("Removed %d old automatic backups from %s", len(removed), folder)
    return removed


def check_integrity(ctx: AppContext, *, full: bool = False) -> health.CheckResult:
    """quick_check (or integrity_check with `full`); on damage writes stop from now on."""
    return health.check_database(ctx.db, full=full)


def record(ctx: AppContext, action: str, target: Path, after: dict[str, object],
           now: datetime) -> None:
    """The audit line of a backup or restore; a read-only or damaged database cannot take
    it (the manifest is then the only record) and a busy one is not waited for twice."""
    if ctx.db.read_only:
        logger.warning("%s %s not audited: the database is read-only", action, target.name)
        return
    try:
        with ctx.db.write() as s:
            audit.record(s, ctx.actor, action, "backup", target.name, before=None,
                         after={**after, "file": str(target)}, at=now)
    except PoskoError as err:
        logger.warning("%s %s not audited: %s", action, target.name, err.text_in("en"))


# --- helpers -------------------------------------------------------------------------------


def _snapshot(ctx: AppContext, tmp: Path,
              progress: Progress) -> tuple[health.CheckResult, sqlite_copy.Facts]:
    if not ctx.db.is_sqlite:
        facts = _server_facts(ctx)
        pg_tools.dump(ctx.db.url, tmp)
        progress.report(80, 100, _("Checking the backup…"))
        pg_tools.check_dump(tmp)
        return health.CheckResult(True, True), facts

    def pages(_status: int, remaining: int, total: int) -> None:
        progress.report(int(80 * (total - remaining) / max(total, 1)), 100,
                        _("Copying the database…"))

    try:
        with ctx.db.engine.connect() as conn:
            return sqlite_copy.copy_to_new_file(sqlite_driver(conn), tmp, pages)
    except (DBAPIError, sqlite3.Error) as err:
        if health.sqlite_error_name(err).startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            damage = health.damaged(ctx.db.display_location, str(err))
            ctx.db.refuse_writes(damage)
            raise damage from None
        raise _folder_error(tmp.parent, err) from None


def _server_facts(ctx: AppContext) -> sqlite_copy.Facts:
    from posko_desktop.core.db.migrate import current_revision  # alembic is heavy

    with ctx.db.read() as s:
        site = s.execute(select(LocalSite.code, LocalSite.name)).first()
        incidents = s.scalar(select(func.count()).select_from(Incident)) or 0
        anchor = s.execute(select(AuditEntry.id, AuditEntry.hash)
                           .order_by(AuditEntry.id.desc()).limit(1)).first()
    return sqlite_copy.Facts(site[0] if site else "", site[1] if site else "",
                             current_revision(ctx.db) or "", int(incidents),
                             "{}:{}".format(*anchor) if anchor else "", last_change(ctx))


def _copy_failed_check(ctx: AppContext, check: health.CheckResult) -> None:
    """The copy is the snapshot: if it fails the full check, so does the database, unless
    the backup drive garbled it. Find out which, and say so."""
    live = health.check_database(ctx.db, full=True)
    if not live.ok:
        raise health.damaged(ctx.db.display_location, live.summary)
    raise BackupError(N_("The copy failed its check ({detail}), although the database is "
                         "sound: the backup drive may be faulty. No backup was kept; try "
                         "another folder or drive."), detail=check.summary)


def _folder_error(folder: Path, err: BaseException) -> BackupError:
    logger.warning("Backup into %s failed: %s", folder, str(err))
    if health.is_disk_full(err):
        return BackupError(N_("The backup folder {folder} has no space left: no backup was "
                              "made (the database is unchanged). Free some space there or "
                              "choose another folder (setting backup.folder)."),
                           folder=str(folder))
    return BackupError(N_("The backup could not be written to {folder} ({error}). Check that "
                          "the drive is connected and writable, or choose another folder "
                          "(setting backup.folder)."), folder=str(folder), error=str(err))


def _make_folder(folder: Path) -> None:
    try:
        make_private_dir(folder)
    except OSError as err:
        raise _folder_error(folder, err) from None


def _refuse_live_target(ctx: AppContext, target: Path) -> None:
    live = ctx.db.file
    if live is not None and any(same_file(target, f) or target == f.resolve()
                                for f in (live, *sidecars(live))):
        raise ValidationError(N_("A backup cannot be written over the database itself"),
                              field="out")


def _remove_stale_partials(folder: Path, now: datetime) -> None:
    """`.partial` files left by a backup that was killed a day or more ago."""
    try:
        for path in folder.glob(".*.partial"):
            if now.timestamp() - path.stat().st_mtime > PARTIAL_MAX_AGE_S:
                path.unlink(missing_ok=True)
                logger.info("Removed the unfinished backup %s", path)
    except OSError as err:
        logger.info("Could not tidy %s: %s", folder, err)
