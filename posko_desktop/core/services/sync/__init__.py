"""Sync between sites through `.posko` files (docs/sync-format.md): records merge field by
field by stamp, follow-ups by union, tombstones are the `deleted` field with its own stamp,
and a value that loses against a concurrent edit goes to `sync_conflict`.

| module | what it holds |
|---|---|
| `results` | the dataclasses the services return, `SyncError` |
| `keys` | this site's signing key, the trust list (trust, list, revoke) |
| `export`, `export_records` | export: which incidents go out, the plain record reader |
| `export_sqlite` | the export's fast path on SQLite (records built as JSON by SQLite) |
| `importing` | import: signature, replay, record files checked (`core/sync/scan.py`) |
| `apply` | checked records written: inserts, field merge, conflicts, union of follow-ups |
| `conflicts`, `overview` | conflicts for a supervisor; sync log, per-site status, dump |

Callers use this package: `from posko_desktop.core.services import sync`, then
`sync.export_package(...)`, `sync.import_package(...)` and the names below.
"""

from posko_desktop.core.services.sync.conflicts import list_conflicts, resolve_conflict
from posko_desktop.core.services.sync.export import export_package
from posko_desktop.core.services.sync.importing import import_package
from posko_desktop.core.services.sync.keys import (
    ensure_site_key,
    export_public_key,
    inspect_key_file,
    list_keys,
    revoke_key,
    trust_key,
)
from posko_desktop.core.services.sync.overview import (
    canonical_dump,
    overview,
    pending_count,
    sync_log,
)
from posko_desktop.core.services.sync.results import (
    BROADCAST,
    ConflictInfo,
    ExportResult,
    ImportResult,
    KeyStatus,
    LogEntry,
    PeerStatus,
    RegencyCounts,
    SyncError,
)
from posko_desktop.core.sync.package import PackageError

__all__ = [
    "BROADCAST", "ConflictInfo", "ExportResult", "ImportResult", "KeyStatus", "LogEntry",
    "PackageError", "PeerStatus", "RegencyCounts", "SyncError", "canonical_dump",
    "ensure_site_key", "export_package", "export_public_key", "import_package",
    "inspect_key_file", "list_conflicts", "list_keys", "overview", "pending_count",
    "resolve_conflict", "revoke_key", "sync_log", "trust_key",
]
