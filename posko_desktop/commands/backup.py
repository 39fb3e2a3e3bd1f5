"""posko backup / restore / check: copies of the database, putting one back, and the
integrity check (docs/operator-guide.md, docs/cli-json.md).

`backup --list` and `check` need no login: they must work on a database that can no
longer be opened normally, and they show no data (file names, sizes, SQLite's findings).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from posko_desktop.commands.common import identify, open_context, print_json
from posko_desktop.commands.incidents import iso
from posko_desktop.core.backup.manifest import MANUAL
from posko_desktop.core.context import AppContext
from posko_desktop.core.db import health
from posko_desktop.core.db.session import open_database, sqlite_file_of
from posko_desktop.core.domain import Actor, DatabaseVersionError
from posko_desktop.core.i18n import _
from posko_desktop.core.progress import Progress
from posko_desktop.core.services import backup as svc
from posko_desktop.core.services import restore as restore_svc
from posko_desktop.core.timeutil import to_wib, utcnow
from posko_desktop.paths import AppPaths, resolve_db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help=_("back up the database (checked copy with a manifest)"))
    p.add_argument("--out", help=_("write the backup to this file instead of the backup folder"))
    p.add_argument("--folder", help=_("backup folder (default: the setting backup.folder)"))
    p.add_argument("--list", action="store_true", help=_("list the backups in the folder"))
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("output format (default: table)"))
    p.set_defaults(handler=cmd_backup)

    r = sub.add_parser("restore", help=_("replace the database with a verified backup"))
    r.add_argument("file", help=_("the backup file"))
    r.add_argument("--force", action="store_true",
                   help=_("restore even a backup of another site (or without a manifest)"))
    r.add_argument("--folder", help=_("where the pre-restore copy goes (default: the backup "
                                      "folder)"))
    r.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("output format (default: table)"))
    r.set_defaults(handler=cmd_restore)

    c = sub.add_parser("check", help=_("check the database for damage (SQLite)"))
    c.add_argument("--full", action="store_true",
                   help=_("the full integrity check (slower) instead of the quick check"))
    c.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("output format (default: table)"))
    c.set_defaults(handler=cmd_check)


def _progress() -> Progress:
    def show(done: int, total: int, message: str) -> None:
        if total:
            line = "{message} {pct}%".format(message=message, pct=done * 100 // total)
            print("\r" + line.ljust(60), end="", file=sys.stderr, flush=True)

    return Progress(show)


def _end_progress() -> None:
    print(file=sys.stderr)


def _default_folder(location: str) -> Path:
    file = sqlite_file_of(location)
    if file is not None:
        return file.parent / "backups"
    return AppPaths.default().ensure().data_dir / "backups"


def backup_json(info: svc.BackupInfo) -> dict[str, Any]:
    m = info.manifest
    return {"file": str(info.file), "kind": m.kind, "backend": m.backend,
            "created_at": iso(m.created), "size": m.size, "sha256": m.sha256,
            "check": m.check, "site": m.site_code, "site_name": m.site_name,
            "schema": m.schema, "incidents": m.incidents, "made_by": m.made_by}


def cmd_backup(args: argparse.Namespace) -> int:
    if args.list:
        return _list(args)
    ctx = open_context(args, quick_check=False)  # the backup runs the full check itself
    folder = Path(args.folder) if args.folder else None
    if folder is None and args.out is None:
        folder = svc.backup_settings(ctx).folder or _default_folder(str(ctx.db.url))
    info = svc.create_backup(ctx, kind=MANUAL, folder=folder,
                             out=Path(args.out) if args.out else None, progress=_progress())
    _end_progress()
    if args.format == "json":
        print_json(backup_json(info))
    else:
        print(_("Backup written: {path}").format(path=info.file))
        print(_("{size} bytes, SHA-256 {sha}, check: {check}; manifest {manifest}").format(
            size=info.manifest.size, sha=info.manifest.sha256, check=info.manifest.check,
            manifest=str(info.file) + ".json"))
    return 0


def _list(args: argparse.Namespace) -> int:
    location = resolve_db(args.db, AppPaths.default().ensure())
    folder = Path(args.folder) if args.folder else None
    site = None
    if folder is None:
        try:
            ctx = open_context(args, login=False, quick_check=False)
        except (health.DatabaseFileError, DatabaseVersionError):
            folder = _default_folder(location)  # a broken database: its default folder
        else:
            try:
                folder = svc.backup_settings(ctx).folder or _default_folder(location)
                site = svc.site_code_of(ctx)
            finally:
                ctx.db.dispose()
    backups = svc.list_backups(folder, site)
    if args.format == "json":
        print_json({"folder": str(folder), "backups": [backup_json(b) for b in backups]})
        return 0
    print(_("Backups in {folder}:").format(folder=folder))
    if not backups:
        print(_("(none)"))
    for b in backups:
        m = b.manifest
        print("{when}  {kind:<12} {inc:>9} {label}  {check}  {file}".format(
            when=to_wib(m.created).strftime("%Y-%m-%d %H:%M:%S"), kind=m.kind,
            inc=m.incidents, label=_("incidents"), check=m.check, file=b.file.name))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    location = resolve_db(args.db, AppPaths.default().ensure())
    folder = Path(args.folder) if args.folder else _restore_folder(args, location)
    prepared = restore_svc.prepare_restore(location, Path(args.file), folder=folder,
                                           progress=_progress())
    _end_progress()
    try:
        actor = _restore_actor(args, location, prepared)
        result = restore_svc.apply_restore(prepared, actor, now=utcnow(), force=args.force,
                                           progress=_progress())
        _end_progress()
    finally:
        prepared.discard()
    if args.format == "json":
        print_json({"restored": str(result.backup_file), "into": location,
                    "pre_restore": str(result.pre_restore) if result.pre_restore else None,
                    "site": result.site_code, "incidents": result.incidents,
                    "forced": result.forced})
    else:
        print(_("Restored {path} ({n} incidents, site {site}) into {location}").format(
            path=result.backup_file, n=result.incidents, site=result.site_code,
            location=location))
        if result.pre_restore:
            print(_("The database as it was before is kept in {path}").format(
                path=result.pre_restore))
    return 0


def _restore_folder(args: argparse.Namespace, location: str) -> Path:
    try:
        ctx = open_context(args, login=False, quick_check=False)
    except (health.DatabaseFileError, DatabaseVersionError):
        return _default_folder(location)
    try:
        return svc.backup_settings(ctx).folder or _default_folder(location)
    finally:
        ctx.db.dispose()


def _restore_actor(args: argparse.Namespace, location: str,
                   prepared: restore_svc.PreparedRestore) -> Actor:
    """Log in to the current database; when it cannot be opened, to the backup's copy."""
    try:
        db = open_database(location)
    except (health.DatabaseFileError, DatabaseVersionError):
        ctx = restore_svc.login_context(prepared)
        if ctx is None:
            raise
    else:
        ctx = AppContext(db, Actor("", "", ""))
    try:
        actor, _password = identify(ctx, args)
        return actor
    finally:
        ctx.db.dispose()  # the restore needs the file without our connections


def cmd_check(args: argparse.Namespace) -> int:
    location = resolve_db(args.db, AppPaths.default().ensure())
    try:
        ctx = open_context(args, login=False, quick_check=False)
    except health.DatabaseDamaged as err:  # too damaged to open: that is the finding
        result = health.CheckResult(False, args.full, (str(err.params.get("detail", "")),))
        return _print_check(args, result, location)
    try:
        result = svc.check_integrity(ctx, full=args.full)
    finally:
        ctx.db.dispose()
    return _print_check(args, result, ctx.db.display_location)


def _print_check(args: argparse.Namespace, result: health.CheckResult, location: str) -> int:
    if args.format == "json":
        print_json({"ok": result.ok, "full": result.full, "applicable": result.applicable,
                    "problems": list(result.problems)})
    elif not result.applicable:
        print(_("Server mode: the PostgreSQL server checks its own data; nothing to check "
                "here."))
    elif result.ok:
        print(_("The database is sound ({check}: ok)").format(
            check="integrity_check" if result.full else "quick_check"))
    else:
        print(health.damaged(location, result.summary).text(), file=sys.stderr)
        for problem in result.problems:
            print(problem)
    return 0 if result.ok else 1
