"""What the sync services hand out: plain dataclasses (never ORM objects) and the error."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from posko_desktop.core.domain import PoskoError

BROADCAST = "*"  # the recipient of a package for every site


class SyncError(PoskoError):
    code = "sync"


@dataclass(frozen=True)
class KeyStatus:
    fingerprint: str
    short_fingerprint: str
    site_code: str
    site_name: str
    added_at: datetime
    added_by: str
    revoked_at: datetime | None

    @property
    def trusted(self) -> bool:
        return self.revoked_at is None


@dataclass
class RegencyCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "updated": self.updated, "unchanged": self.unchanged,
                "conflicts": self.conflicts}


@dataclass
class ImportResult:
    file: str
    package_id: str
    source_site: str
    already_imported: bool = False
    per_regency: dict[str, RegencyCounts] = field(default_factory=dict)
    followups_new: int = 0
    attachments_new: int = 0
    relayed_from: list[str] = field(default_factory=list)
    # per record type of `sync.kinds` (e.g. "activities") with records in the package
    records: dict[str, RegencyCounts] = field(default_factory=dict)
    # How the import ran (not part of the summary that is logged and audited): records
    # checked in a helper process rather than in this one; the transaction written with a
    # rollback journal rather than WAL (SQLite, `Database.bulk_write`).
    helper_process: bool = False
    rollback_journal: bool = False

    def totals(self) -> RegencyCounts:
        t = RegencyCounts()
        for c in self.per_regency.values():
            t.new += c.new
            t.updated += c.updated
            t.unchanged += c.unchanged
            t.conflicts += c.conflicts
        return t

    def summary(self) -> dict[str, Any]:
        out = {"per_regency": {k: v.as_dict() for k, v in sorted(self.per_regency.items())},
               "totals": self.totals().as_dict(), "followups_new": self.followups_new,
               "attachments_new": self.attachments_new, "relayed_from": self.relayed_from}
        if self.records:  # only then: the summary of an incidents-only import is as before
            out["records"] = {k: v.as_dict() for k, v in sorted(self.records.items())}
        return out


@dataclass(frozen=True)
class ExportResult:
    path: Path
    package_id: str
    recipient: str
    sequence: int
    mode: str
    counts: dict[str, int]


@dataclass(frozen=True)
class ConflictInfo:
    id: int
    incident_id: uuid.UUID
    number: str
    regency_code: str
    title: str
    field: str
    kept_value: Any
    kept_stamp: str
    lost_value: Any
    lost_stamp: str
    lost_site: str
    package_id: str
    detected_at: datetime
    resolved: bool
    resolution: str | None


@dataclass(frozen=True)
class RecordConflictInfo:
    """A conflict of a record type of `sync.kinds` (`record_kind`: its name, e.g.
    "activities"); `label` names the record for people (its number and title)."""

    id: int
    record_kind: str
    record_id: uuid.UUID
    label: str
    field: str
    kept_value: Any
    kept_stamp: str
    lost_value: Any
    lost_stamp: str
    lost_site: str
    package_id: str
    detected_at: datetime
    resolved: bool
    resolution: str | None


@dataclass(frozen=True)
class PeerStatus:
    site_code: str
    name: str
    last_received: datetime | None
    last_sent: datetime | None
    pending: int
    key: str  # "trusted" | "revoked" | "none"


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    action: str
    package_id: str
    peer_site: str
    actor: str
    file_name: str
    summary: dict[str, Any]


def jsonable(value: Any) -> Any:
    """A field value as it goes into audit entries and conflicts (times as ISO text)."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value
