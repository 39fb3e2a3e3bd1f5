"""Field-by-field merge of a refused stale save (`StaleEdit`). Pure functions, no database.

`base` is what the user opened, `mine` what they want to save, `theirs` what is stored now.
A field only one side changed takes that side's value by itself; a field both changed to
the same value is no question either; a field both changed to different values is a
`Clash` the user decides (mine or theirs). The merged values are then saved again with
the version the refusal carried, and that save is version-checked like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Side = Literal["mine", "theirs"]


@dataclass(frozen=True)
class Clash:
    field: str
    base: Any
    mine: Any
    theirs: Any


@dataclass(frozen=True)
class EditMerge:
    values: dict[str, Any]  # every field; a clash holds its stored (theirs) value until resolved
    mine_only: tuple[str, ...]  # fields only this user changed (their value is kept)
    theirs_only: tuple[str, ...]  # fields only the other side changed (taken over)
    clashes: tuple[Clash, ...]

    def resolve(self, choices: Mapping[str, Side]) -> dict[str, Any]:
        """The values to save, each clash decided by `choices` (field -> mine | theirs)."""
        missing = [c.field for c in self.clashes if choices.get(c.field) not in ("mine", "theirs")]
        if missing:
            raise ValueError(f"no choice for {missing}")
        out = dict(self.values)
        for c in self.clashes:
            out[c.field] = c.mine if choices[c.field] == "mine" else c.theirs
        return out


def three_way(base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any],
              fields: Iterable[str]) -> EditMerge:
    values: dict[str, Any] = {}
    mine_only: list[str] = []
    theirs_only: list[str] = []
    clashes: list[Clash] = []
    for f in fields:
        b, m, t = base[f], mine[f], theirs[f]
        values[f] = t
        if m == t:
            continue
        if t == b:
            values[f] = m
            mine_only.append(f)
        elif m == b:
            theirs_only.append(f)
        else:
            clashes.append(Clash(f, b, m, t))
    return EditMerge(values, tuple(mine_only), tuple(theirs_only), tuple(clashes))
