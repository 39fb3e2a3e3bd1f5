"""The contest and candidate pair a free-text contest note names ("Pilgub Jateng", "Pilbup
Banyumas", "Paslon 1 Kendal"), by code: how migration 0027 turned the posts' free text of
issue 16 into codes, and what `posko post contest-report` explains for the rest.

Only what the text alone says unambiguously is matched, from the shipped regency list (the
same result on every site, so sites that ran the migration still converge): "pilgub",
"gubernur", "cagub" name the governor's contest (33); a regency's name names its Pilbup or
Pilwalkot, and for the four names held by a kabupaten and a kota (Magelang, Pekalongan,
Semarang, Tegal) a word saying which ("pilbup", "bupati", "kab", "pilwalkot", "walikota",
"kota"); "paslon", "pasangan", "nomor urut", "no" followed by a number names the pair.
A pair without a contest ("paslon 02": the Pilgub's or a regency's?) is not matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from posko_desktop.core.domain import PROVINCE_CODE
from posko_desktop.core.i18n import N_
from posko_desktop.core.resources import load_json

_GOVERNOR = {"pilgub", "gubernur", "cagub", "cawagub", "pilgubjateng"}
_KABUPATEN = {"pilbup", "bupati", "cabup", "cawabup", "kab", "kabupaten"}
_KOTA = {"pilwalkot", "walikota", "cawalkot", "kota"}
_ALIASES = {"solo": "surakarta"}
_PAIR = re.compile(r"\b(?:paslon|pasangan(?: calon)?|nomor urut|no urut|nomor|no)"
                   r"(?: urut)?(?: nomor| no)? 0*(\d{1,2})\b")
BALLOT_MAX = 99


@dataclass(frozen=True)
class ContestMatch:
    """`contest_code`/`pair_number` found (None: not named or not clear); `problem` the
    msgid saying why the note is not matched whole (None: matched whole)."""

    contest_code: str | None
    pair_number: int | None
    problem: str | None


NO_CONTEST = N_("names no contest")
TWO_KINDS = N_("names the governor election and a regency's")
UNCLEAR_REGENCY = N_("the regency is not clear (kabupaten or kota, or several)")
PAIR_NO_CONTEST = N_("names a pair but not its contest")
TWO_PAIRS = N_("names more than one pair")


@cache
def _regencies() -> dict[str, list[tuple[str, str]]]:
    """Lower-case name -> [(code, kind)] (two entries for the four shared names)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for r in load_json("regencies.json")["regencies"]:
        out.setdefault(r["name"].lower(), []).append((r["code"], r["kind"]))
    return out


def _words(text: str) -> str:
    raw = re.sub(r"[^0-9a-z]+", " ", text.lower().replace("wali kota", "walikota"))
    return " ".join(_ALIASES.get(w, w) for w in raw.split())


def _contest(words: list[str]) -> tuple[str | None, str | None]:
    said = set(words)
    governor = bool(said & _GOVERNOR)
    kind = ("kabupaten" if said & _KABUPATEN else None, "kota" if said & _KOTA else None)
    named = [hit for w in dict.fromkeys(words) for hit in _regencies().get(w, ())]
    if governor:
        return (None, TWO_KINDS) if any(kind) else (PROVINCE_CODE, None)
    if not named:
        return None, NO_CONTEST
    if all(kind):
        return None, UNCLEAR_REGENCY
    wanted = kind[0] or kind[1]
    fitting = [code for code, k in named if wanted is None or k == wanted]
    return (fitting[0], None) if len(fitting) == 1 else (None, UNCLEAR_REGENCY)


def match_contest(text: str) -> ContestMatch:
    """The contest and pair `text` names (see the module's rules)."""
    normal = _words(text)
    if not normal:
        return ContestMatch(None, None, None)
    contest, problem = _contest(normal.split())
    pairs = sorted({int(n) for n in _PAIR.findall(normal) if 1 <= int(n) <= BALLOT_MAX})
    if len(pairs) > 1:
        return ContestMatch(contest, None, TWO_PAIRS)
    pair = pairs[0] if pairs else None
    if contest is None:
        return ContestMatch(None, None, PAIR_NO_CONTEST if pair is not None and
                            problem == NO_CONTEST else problem)
    return ContestMatch(contest, pair, None)
