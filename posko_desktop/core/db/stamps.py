"""Field stamps as stored: the stamp most fields share once, the others by name.

An incident's `field_stamps` (and a sync base's `stamps` and `bases`) name one stamp for
each synced field (`FIELDS`). Mostly all but one or two share one stamp, the one of the
incident's creation. Written out in full they took ~560 bytes, 40 % of an incident row, and
every index build and every import read and wrote them. Stored packed instead:
`{"*": shared stamp, field: stamp, ...}` with only the fields whose stamp differs, in
`FIELDS` order. Packing is canonical (equal stamps give the same `pack_text`), so stamps
the import wrote can be compared as text (rows the ORM wrote have JSON with spaces: they
are compared decoded). A dict that does not name exactly the fields of `FIELDS` is stored as
it is. Python code sees full dicts: the models' `StampsJSON` columns pack and unpack, and
code that reads or writes the stored text itself uses `pack_text` / `unpack`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

import orjson
from sqlalchemy import JSON, TypeDecorator
from sqlalchemy.engine import Dialect

FIELDS = (
    "regency_code", "kecamatan", "desa", "location", "occurred_at", "reported_at",
    "source_type", "source_detail", "title", "description", "category_code", "severity",
    "people_involved",
    # format 2's optional fields (migration 0011): the flash report's, the place by code
    "victims_dead", "victims_injured", "material_loss", "current_condition", "source_contact",
    "source_phone", "kecamatan_code", "desa_code", "latitude", "longitude",
    # the contest, pair and TPS concerned (migration 0014)
    "contest_code", "pair_number", "tps_number",
    "channel", "legal_type",  # migration 0017: the taxonomy's channel and legal type
    "reporting_unit",  # migration 0016, synced since 0025: an agency's unit code or None
    "status", "deleted",
)
SHARED = "*"
_FIELD_SET = frozenset(FIELDS)


def pack(stamps: Mapping[str, str]) -> dict[str, str]:
    """The stored form of full stamps; anything else (already packed, other fields) as is."""
    if len(stamps) != len(FIELDS) or not _FIELD_SET.issuperset(stamps):
        return dict(stamps)
    shared = shared_stamp(list(stamps.values()))
    out = {SHARED: shared}
    for name in FIELDS:
        value = stamps[name]
        if value != shared:
            out[name] = value
    return out


def shared_stamp(values: list[str]) -> str:
    """The stamp `pack` stores once: the most frequent; a tie: the latest."""
    shared = values[0]
    if values.count(shared) * 2 <= len(values):  # else it is the most frequent (the usual)
        counts: dict[str, int] = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        shared = max(counts, key=lambda v: (counts[v], v))
    return shared


def unpack(stored: Mapping[str, str]) -> dict[str, str]:
    """Full stamps (in `FIELDS` order) from their stored form. Incidents written at schema
    0001 name only the fields edited then (title, status, severity, deleted): the others
    get the earliest of those, the incident's creation stamp, so such an incident syncs
    like any other (partners require every field)."""
    shared = stored.get(SHARED)
    if shared is None:
        if not stored or len(stored) == len(FIELDS) or not _FIELD_SET.issuperset(stored):
            return dict(stored)
        shared = min(stored.values())
    return {name: stored.get(name, shared) for name in FIELDS}


def pack_text(stamps: Mapping[str, str]) -> str:
    """The stored JSON text (compact, as SQLite holds it when written without the ORM)."""
    return orjson.dumps(pack(stamps)).decode()


@overload
def unpack_stored(value: None) -> None: ...
@overload
def unpack_stored(value: str | bytes | Mapping[str, str]) -> dict[str, str]: ...
def unpack_stored(value: Any) -> dict[str, str] | None:
    """Full stamps from a value read past the ORM (JSON text, or already decoded)."""
    if value is None:
        return None
    return unpack(orjson.loads(value) if isinstance(value, str | bytes) else value)


class StampsJSON(TypeDecorator[dict[str, str]]):
    """A JSON column holding field stamps, packed in the database (see the module)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Mapping[str, str] | None,
                           dialect: Dialect) -> dict[str, str] | None:
        return None if value is None else pack(value)

    def process_result_value(self, value: Mapping[str, str] | None,
                             dialect: Dialect) -> dict[str, str] | None:
        return None if value is None else unpack(value)
