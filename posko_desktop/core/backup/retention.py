"""Which automatic backups to keep: the newest of each of the last `hourly` hours that have
one, and the newest of each of the last `daily` WIB days that have one (like borg's and
restic's "keep hourly/daily"). Manual and pre-restore backups are never pruned."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from posko_desktop.core.backup.manifest import PRUNABLE, Manifest
from posko_desktop.core.timeutil import to_wib


def to_prune(backups: Sequence[tuple[Path, Manifest]], *, hourly: int,
             daily: int) -> list[tuple[Path, Manifest]]:
    """The automatic backups (of any site in the list) that the rule does not keep."""
    auto = sorted((b for b in backups if b[1].kind in PRUNABLE),
                  key=lambda b: (b[1].created_at, b[0].name), reverse=True)
    keep: set[Path] = set()
    for width, count in ((13, hourly), (10, daily)):  # "YYYY-MM-DDTHH" / "YYYY-MM-DD" (WIB)
        seen: set[str] = set()
        for path, manifest in auto:
            if len(seen) >= max(0, count):
                break
            bucket = to_wib(manifest.created).isoformat()[:width]
            if bucket not in seen:
                seen.add(bucket)
                keep.add(path)
    if auto and not keep:
        keep.add(auto[0][0])  # whatever the settings say, the newest automatic backup stays
    return [b for b in auto if b[0] not in keep]
