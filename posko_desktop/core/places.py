"""Kecamatan and desa/kelurahan of Jawa Tengah by Kemendagri code, and matching names to
them (issue 17, "Places as data"). Plain data and functions: no database, no Qt.

The list ships as `resources/data/wilayah-33.csv` (MIT, `resources/data/LICENSE-wilayah`);
migration 0011 copies it into the `kecamatan` and `desa` tables. Codes: regency `33.xx`,
kecamatan `33.xx.yy`, desa/kelurahan `33.xx.yy.nnnn` (the 4th part starts with 1 for a
kelurahan, 2 for a desa).

A name matches when its normalised form (`norm`) equals one place's: case, spaces,
punctuation and a leading "Kec." / "Desa" / "Kel." are ignored. A name equal to several
places is *ambiguous* and never taken as a match.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from posko_desktop.core.resources import resource_path

WILAYAH_FILE = ("data", "wilayah-33.csv")
KECAMATAN_RE = re.compile(r"^33\.\d{2}\.\d{2}$")
DESA_RE = re.compile(r"^33\.\d{2}\.\d{2}\.[12]\d{3}$")
_PREFIX = re.compile(r"^(kecamatan|kec|kelurahan|kel|desa|ds)(\.\s*|\s+)(?=\S)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")

# the outcome of matching one name
MATCHED, AMBIGUOUS, UNKNOWN, EMPTY = "matched", "ambiguous", "unknown", "empty"


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    parent: str  # the regency of a kecamatan, the kecamatan of a desa
    kind: str  # "kecamatan", "desa" or "kelurahan"


def norm(name: str) -> str:
    """The form names are compared in: "Kec. Ungaran  Barat" -> "ungaranbarat"."""
    text = " ".join(name.casefold().split())
    return _NOT_ALNUM.sub("", _PREFIX.sub("", text))


@cache
def wilayah() -> tuple[tuple[Place, ...], tuple[Place, ...]]:
    """(kecamatan, desa/kelurahan) from the shipped file, in code order."""
    kecamatan: list[Place] = []
    desa: list[Place] = []
    with resource_path(*WILAYAH_FILE).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code, name, level = row["kode"], row["nama"].strip(), row["tingkat"]
            if level == "kecamatan":
                kecamatan.append(Place(code, name, code[:5], "kecamatan"))
            elif level == "desa/kelurahan":
                kind = "kelurahan" if code[9] == "1" else "desa"
                desa.append(Place(code, name, code[:8], kind))
    return tuple(kecamatan), tuple(desa)


@dataclass(frozen=True)
class Match:
    """Codes found for a (kecamatan, desa) name pair and how each name fared."""

    kecamatan_code: str | None
    desa_code: str | None
    kecamatan: str  # MATCHED, AMBIGUOUS, UNKNOWN or EMPTY
    desa: str


@dataclass
class PlaceIndex:
    """Lookups by code and by normalised name within a regency or a kecamatan."""

    kecamatan: dict[str, Place] = field(default_factory=dict)
    desa: dict[str, Place] = field(default_factory=dict)
    kec_by_name: dict[tuple[str, str], list[Place]] = field(default_factory=dict)
    desa_by_name: dict[tuple[str, str], list[Place]] = field(default_factory=dict)
    desa_in_regency: dict[tuple[str, str], list[Place]] = field(default_factory=dict)
    kec_of_regency: dict[str, list[Place]] = field(default_factory=dict)
    desa_of_kec: dict[str, list[Place]] = field(default_factory=dict)

    @classmethod
    def build(cls, kecamatan: Iterable[Place], desa: Iterable[Place]) -> PlaceIndex:
        index = cls()
        for k in kecamatan:
            index.kecamatan[k.code] = k
            index.kec_by_name.setdefault((k.parent, norm(k.name)), []).append(k)
            index.kec_of_regency.setdefault(k.parent, []).append(k)
        for d in desa:
            index.desa[d.code] = d
            index.desa_by_name.setdefault((d.parent, norm(d.name)), []).append(d)
            index.desa_in_regency.setdefault((d.parent[:5], norm(d.name)), []).append(d)
            index.desa_of_kec.setdefault(d.parent, []).append(d)
        return index

    def match(self, regency: str, kecamatan: str, desa: str) -> Match:
        """Codes for free-text names, only where the names leave no doubt: the kecamatan
        among the regency's, the desa among the kecamatan's (or, without a kecamatan,
        among the regency's: the desa's kecamatan then follows)."""
        kec_code: str | None = None
        kec_state = EMPTY
        if norm(kecamatan):
            found = self.kec_by_name.get((regency, norm(kecamatan)), [])
            kec_state = _state(found)
            kec_code = found[0].code if kec_state == MATCHED else None
        desa_code: str | None = None
        desa_state = EMPTY
        if norm(desa):
            if kec_code is not None:
                found = self.desa_by_name.get((kec_code, norm(desa)), [])
            elif kec_state == EMPTY:
                found = self.desa_in_regency.get((regency, norm(desa)), [])
            else:  # the kecamatan is not known: the desa cannot be placed either
                found = []
            desa_state = _state(found)
            if desa_state == MATCHED:
                desa_code = found[0].code
                if kec_code is None:
                    kec_code = found[0].parent
        return Match(kec_code, desa_code, kec_state, desa_state)

    def near(self, name: str, options: list[Place], n: int = 5) -> list[Place]:
        """The options whose names are closest to `name` (for a refusal's candidates)."""
        by_norm: dict[str, Place] = {}
        for p in options:
            by_norm.setdefault(norm(p.name), p)
        close = difflib.get_close_matches(norm(name), list(by_norm), n=n, cutoff=0.5)
        return [by_norm[c] for c in close] or options[:n]


def _state(found: list[Place]) -> str:
    return UNKNOWN if not found else (MATCHED if len(found) == 1 else AMBIGUOUS)


@cache
def shipped_index() -> PlaceIndex:
    """The index of the shipped list (the tables hold the same rows)."""
    return PlaceIndex.build(*wilayah())


def names(places: Iterable[Place]) -> str:
    """"Ungaran Barat (33.22.08), Ungaran Timur (33.22.09)" for a message."""
    return ", ".join("{n} ({c})".format(n=p.name, c=p.code) for p in places)
