"""Field-by-field merge of a record (an incident, or a `sync.kinds` type) seen at two sites. Pure functions, no database.

Every synced field has a stamp (core/hlc.py); the greater stamp wins, so any order of the
same packages gives the same values. Each value also carries a *base*: the stamp of the
value it was edited from (as known to the site that made the edit). Two values of a field
are concurrent, a true conflict, when both are edits (stamp != base) and neither was made
from the other (base of one != stamp of the other). The losing value of a conflict is kept
for a supervisor (docs/sync-format.md, "Conflicts").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from posko_desktop.core.sync.records import SYNC_FIELDS


@dataclass(frozen=True)
class FieldConflict:
    field: str
    kept_value: Any
    kept_stamp: str
    lost_value: Any
    lost_stamp: str
    lost_base: str


@dataclass
class MergeResult:
    values: dict[str, Any]  # only the fields whose value or stamp changed locally
    stamps: dict[str, str]
    bases: dict[str, str]
    conflicts: list[FieldConflict]

    @property
    def changed(self) -> bool:
        return bool(self.values)


def effective_bases(stamps: Mapping[str, str], synced_stamps: Mapping[str, str] | None,
                    synced_bases: Mapping[str, str] | None) -> dict[str, str]:
    """The base of each current value at this site.

    `synced_*` is what the site held after its last import of the incident (None when it
    never imported it: the site created it, and the creation stamp is the base of its own
    later edits). A value changed since then is a local edit made from the synced value.
    """
    if synced_stamps is None:
        creation = min(stamps.values())
        return {f: creation for f in stamps}
    bases = synced_bases or {}
    out = {}
    for f, stamp in stamps.items():
        synced = synced_stamps.get(f)
        if synced is None:
            out[f] = stamp
        elif stamp == synced:
            out[f] = bases.get(f, stamp)
        else:
            out[f] = synced
    return out


def concurrent(a_stamp: str, a_base: str, b_stamp: str, b_base: str) -> bool:
    return (a_stamp != b_stamp and a_stamp != a_base and b_stamp != b_base
            and a_base != b_stamp and b_base != a_stamp)


def merge_fields(local: Mapping[str, Any], local_stamps: Mapping[str, str],
                 local_bases: Mapping[str, str], incoming: Mapping[str, Any],
                 in_stamps: Mapping[str, str], in_bases: Mapping[str, str],
                 fields: Sequence[str] = SYNC_FIELDS) -> MergeResult:
    """The merge of `fields` (an incident's by default; a `sync.kinds` type passes its
    own)."""
    values: dict[str, Any] = {}
    stamps = dict(local_stamps)
    bases = dict(local_bases)
    conflicts: list[FieldConflict] = []
    for f in fields:
        ls, ins = local_stamps[f], in_stamps[f]
        if ls == ins:
            continue
        lb, ib = local_bases.get(f, ls), in_bases.get(f, ins)
        lv, iv = local[f], incoming[f]
        is_conflict = concurrent(ls, lb, ins, ib) and lv != iv
        if ins > ls:
            values[f] = iv
            stamps[f] = ins
            bases[f] = ib
            if is_conflict:
                conflicts.append(FieldConflict(f, iv, ins, lv, ls, lb))
        elif is_conflict:
            conflicts.append(FieldConflict(f, lv, ls, iv, ins, ib))
    return MergeResult(values, stamps, bases, conflicts)
