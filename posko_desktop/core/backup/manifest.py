"""The manifest beside every backup: `<backup file>.json`, one per backup.

It is the backup's record (a record inside the database would be lost by the restore it
describes): what was copied, when, by whom, the SHA-256 and size of the file, the check
that passed, the site and how much it holds. One small file per backup, written durably
(temporary name, fsync, rename), so two workstations backing up into one shared folder
never rewrite each other's records.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from posko_desktop.core.db.files import write_private_bytes
from posko_desktop.core.timeutil import to_wib

logger = logging.getLogger(__name__)

FORMAT = "posko-backup/1"
SUFFIX = ".json"

# Kinds of backup. Automatic ones are pruned by the retention rule; the others are kept
# until someone deletes them.
MANUAL = "manual"
AUTO = "auto"
CLOSE = "close"
PRE_RESTORE = "pre-restore"
PRE_UPGRADE = "pre-upgrade"  # made by the first start of a new version, before migrating
PRUNABLE = frozenset({AUTO, CLOSE})


@dataclass(frozen=True)
class Manifest:
    file: str  # name of the backup file, in the same folder as the manifest
    kind: str
    backend: str  # "sqlite" | "postgresql"
    created_at: str  # ISO 8601 UTC ("…Z")
    sha256: str
    size: int
    check: str  # "ok" or the first problem the check found
    site_code: str
    site_name: str
    schema: str
    incidents: int
    audit_anchor: str  # "ID:HASH" of the newest audit entry copied ("" when none)
    last_change: str  # "ID:HASH" of the newest audit entry not about backups
    made_by: str
    source: str
    app_version: str
    format: str = FORMAT

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.created_at.replace("Z", "+00:00")).astimezone(UTC)

    @property
    def verified(self) -> bool:
        return self.check == "ok"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def backup_name(site_code: str, when: datetime, kind: str, suffix: str) -> str:
    stamp = to_wib(when).strftime("%Y%m%d-%H%M%S")
    site = site_code.replace(".", "") or "tanpa-simpul"
    return f"posko-{site}-{stamp}-{kind}{suffix}"


def unique_target(target: Path) -> Path:
    """`target`, or `target-2`, `-3` … when a backup or manifest of that name exists."""
    candidate, n = target, 1
    while candidate.exists() or manifest_path(candidate).exists():
        n += 1
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
    return candidate


def utc_text(when: datetime) -> str:
    """ISO 8601 UTC with microseconds: backups made within one second still sort."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def manifest_path(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + SUFFIX)


def write_manifest(backup_file: Path, manifest: Manifest) -> Path:
    target = manifest_path(backup_file)
    data = json.dumps(manifest.to_json(), ensure_ascii=False, indent=2, sort_keys=True)
    write_private_bytes(target, (data + "\n").encode("utf-8"))
    return target


def read_manifest(backup_file: Path) -> Manifest | None:
    """The manifest beside `backup_file`, None when it is missing or not ours."""
    path = manifest_path(backup_file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        logger.warning("Unreadable backup manifest %s: %s", path, err)
        return None
    return _from_json(data, path)


def _from_json(data: Any, path: Path) -> Manifest | None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    names = {f.name for f in fields(Manifest)}
    try:
        return Manifest(**{k: v for k, v in data.items() if k in names})
    except TypeError as err:
        logger.warning("Incomplete backup manifest %s: %s", path, err)
        return None


def scan(folder: Path) -> list[tuple[Path, Manifest]]:
    """Every backup in `folder` that has a manifest, newest first."""
    found: list[tuple[Path, Manifest]] = []
    try:
        candidates = sorted(folder.glob("*" + SUFFIX))
    except OSError as err:
        logger.warning("Cannot list backups in %s: %s", folder, err)
        return []
    for path in candidates:
        backup_file = path.with_name(path.name[: -len(SUFFIX)])
        manifest = read_manifest(backup_file)
        if manifest is not None and manifest.file == backup_file.name:
            found.append((backup_file, manifest))
    found.sort(key=lambda item: (item[1].created_at, item[0].name), reverse=True)
    return found
