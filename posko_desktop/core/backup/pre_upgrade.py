"""The verified backup the first start of a new version makes before it migrates an
SQLite database (`core/db/migrate.py`): the same kind of file as `posko backup` makes — a
copy through SQLite's online backup API, the full integrity check of the copy, fsync,
SHA-256 read back, renamed into place, a manifest beside it — in the `backups` folder next
to the database, where `posko backup --list`, `posko restore` and the start-up rescue
dialog find it. Kind `pre-upgrade`: never pruned. The migration does not start unless
this backup was written and checked.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from posko_desktop.core import appinfo
from posko_desktop.core.backup import manifest as mf
from posko_desktop.core.backup import sqlite_copy
from posko_desktop.core.db import health
from posko_desktop.core.db.engine import BUSY_TIMEOUT_MS, sqlite_uri
from posko_desktop.core.db.files import (
    create_private_file,
    fsync_dir,
    fsync_file,
    make_private_dir,
    sha256_of,
    temp_name,
)
from posko_desktop.core.i18n import _
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.timeutil import utcnow

logger = logging.getLogger(__name__)

FOLDER = "backups"  # next to the database, as services/backup.default_folder


def folder_for(file: Path) -> Path:
    return file.parent / FOLDER


def backup_before_upgrade(file: Path, *, to_schema: str,
                          progress: Progress = NO_PROGRESS, share: int = 100) -> Path:
    """Back up `file` into `folder_for(file)` and return the backup. Progress reports run
    from 0 to `share` percent. Raises DatabaseDamaged when the copy (so the database)
    fails the full integrity check: then nothing is migrated."""
    folder = folder_for(file)
    make_private_dir(folder)
    now = utcnow()  # no context before the database opens: the wall clock names the file
    source = sqlite3.connect(sqlite_uri(file), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        site = _site_code(source)
        target = mf.unique_target(folder / mf.backup_name(site, now, mf.PRE_UPGRADE, ".sqlite3"))
        tmp = temp_name(target)
        create_private_file(tmp)

        def pages(_status: int, remaining: int, total: int) -> None:
            progress.report(int(share * 0.8 * (total - remaining) / max(total, 1)), 100,
                            _copying())

        try:
            progress.report(0, 100, _copying())
            check, facts = sqlite_copy.copy_to_new_file(source, tmp, pages)
            if not check.ok:
                raise health.damaged(str(file), check.summary)
            fsync_file(tmp)
            sha = sha256_of(tmp)  # read back: what is on disk is what was checked
            size = tmp.stat().st_size
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        source.close()
    fsync_dir(folder)
    mf.write_manifest(target, mf.Manifest(
        file=target.name, kind=mf.PRE_UPGRADE, backend="sqlite", created_at=mf.utc_text(now),
        sha256=sha, size=size, check="ok", site_code=facts.site_code or site,
        site_name=facts.site_name, schema=facts.schema, incidents=facts.incidents,
        audit_anchor=facts.audit_anchor, last_change=facts.last_change,
        made_by="upgrade to {schema}".format(schema=to_schema), source=str(file),
        app_version=appinfo.app_info().version))
    progress.report(share, 100, _copying())
    logger.info("Backup before the upgrade to %s: %s (%d bytes, sha256 %s)", to_schema,
                target, size, sha)
    return target


def _site_code(conn: sqlite3.Connection) -> str:
    try:
        row = conn.execute("SELECT code FROM local_site LIMIT 1").fetchone()
    except sqlite3.Error:
        return ""
    return str(row[0]) if row else ""


def _copying() -> str:
    return _("Backing up the database before the upgrade…")
