"""packed field stamps: the stamp most fields share is stored once

`incident.field_stamps`, `sync_base.stamps` and `sync_base.bases` name one stamp per
synced field; mostly 13 or more of the 15 share one. They are now stored as
`{"*": shared stamp, field: stamp, ...}` with only the fields whose stamp differs (see
`db/stamps.py`): ~80 bytes instead of ~560 per incident. Rows are rewritten in place; the
file keeps its size until it is vacuumed, new rows take the space freed.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from alembic import op
from sqlalchemy import text

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# A copy as of this revision (a migration must not change when the application does).
FIELDS = (
    "regency_code", "kecamatan", "desa", "location", "occurred_at", "reported_at",
    "source_type", "source_detail", "title", "description", "category_code", "severity",
    "people_involved", "status", "deleted",
)
COLUMNS = (("incident", "seq", "field_stamps"), ("sync_base", "incident_id", "stamps"),
           ("sync_base", "incident_id", "bases"))
BATCH = 5000


def pack(stamps: dict[str, str]) -> dict[str, str]:
    if len(stamps) != len(FIELDS) or not set(FIELDS).issuperset(stamps):
        return stamps
    counts: dict[str, int] = {}
    for value in stamps.values():
        counts[value] = counts.get(value, 0) + 1
    shared = max(counts, key=lambda v: (counts[v], v))
    out = {"*": shared}
    out.update((name, stamps[name]) for name in FIELDS if stamps[name] != shared)
    return out


def unpack(stored: dict[str, str]) -> dict[str, str]:
    shared = stored.get("*")
    if shared is None:
        return stored
    return {name: stored.get(name, shared) for name in FIELDS}


def _on_text(fn: Callable[[dict[str, str]], dict[str, str]]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if value is None:
            return None
        return json.dumps(fn(json.loads(value)), separators=(",", ":"), ensure_ascii=False)
    return convert


def _rewrite(fn: Callable[[dict[str, str]], dict[str, str]]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        raw: Any = bind.connection.dbapi_connection  # sqlite3.Connection
        raw.create_function("posko_stamps_0007", 1, _on_text(fn), deterministic=True)
        for table, _key, column in COLUMNS:
            op.execute("UPDATE {t} SET {c} = posko_stamps_0007({c})".format(t=table, c=column))
        return
    for table, key, column in COLUMNS:  # PostgreSQL: in batches along the primary key
        last = None
        while True:
            where = "" if last is None else "WHERE {k} > :last ".format(k=key)
            rows = bind.execute(text("SELECT {k}, {c} FROM {t} {w}ORDER BY {k} LIMIT {n}".format(
                k=key, c=column, t=table, w=where, n=BATCH)), {"last": last}).all()
            if not rows:
                break
            bind.execute(text("UPDATE {t} SET {c} = CAST(:v AS JSON) WHERE {k} = :k".format(
                t=table, c=column, k=key)),
                [{"k": k, "v": json.dumps(fn(v if isinstance(v, dict) else json.loads(v)))}
                 for k, v in rows])
            last = rows[-1][0]


def upgrade() -> None:
    _rewrite(pack)


def downgrade() -> None:
    _rewrite(unpack)
