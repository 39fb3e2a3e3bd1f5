"""The lexicon flagger: terms by category and place names, found in normalised text.

One Aho-Corasick automaton (pyahocorasick) holds every term and place pattern; a match
counts only at word boundaries (normalised text is words separated by single spaces).
Terms are normalised with the same function as the texts, so "gak" in a term matches
"nggak" in a post. Flags only rank the triage queue: a person always decides.

File format (resources/medsos/lexicon-v1.json, docs/medsos.md): `version`,
`categories` {key: label}, `terms` {category: [term, ...]}, `places` [{name, kind,
regency, code?, context_only}]. A place with `context_only` counts only right after
"kecamatan", "kec", "kabupaten", "kab" or "kota" (names that are everyday words).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from posko_desktop.core.i18n import N_, _
from posko_desktop.core.medsos.drafts import Flag, MedsosError
from posko_desktop.core.medsos.normalize import normalise_term
from posko_desktop.core.resources import resource_path

logger = logging.getLogger(__name__)

DEFAULT_FILE = ("medsos", "lexicon-v1.json")
CATEGORY_LABELS = {  # built-in categories, translated; an admin's new one shows its key
    "sara": N_("SARA (ethnicity, religion, race, inter-group)"),
    "ujaran_kebencian": N_("Hate speech and insults"),
    "ancaman": N_("Threats and violence"),
    "politik_uang": N_("Money politics"),
    "serangan_penyelenggara": N_("Attacks on the election bodies"),
    "ajakan_sebar": N_("Calls to spread"),
}


def category_label(key: str, own: str | None = None) -> str:
    """A category's label in the UI language: a built-in one translated, an admin's own one
    as the lexicon has it (`own`), else its key."""
    built_in = CATEGORY_LABELS.get(key)
    return _(built_in) if built_in else (own or key)


@dataclass(frozen=True)
class Term:
    text: str  # as written in the lexicon
    category: str
    normalised: str


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # kabupaten, kota, kecamatan
    regency: str  # regency code the place lies in
    code: str = ""  # kecamatan code
    context_only: bool = False


@dataclass(frozen=True)
class PlaceMatch:
    place: Place
    start: int
    end: int


@dataclass(frozen=True)
class Scan:
    flags: tuple[Flag, ...]
    places: tuple[PlaceMatch, ...]
    regencies: tuple[str, ...]  # regency codes named without ambiguity, sorted

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({f.category for f in self.flags}))


def bad_lexicon(name: str, reason: str) -> MedsosError:
    return MedsosError(N_("The lexicon {name} cannot be used: {reason}"), name=name,
                       reason=reason)


class Lexicon:
    def __init__(self, version: int, terms: Iterable[Term], places: Iterable[Place] = (),
                 categories: Mapping[str, str] | None = None, name: str = "lexicon") -> None:
        self.version = version
        self.name = name
        self.terms = tuple(terms)
        self.places = tuple(places)
        self.categories = dict(categories or {})
        import ahocorasick  # the C automaton: loaded when a lexicon is built

        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[str, int]]] = {}
        for i, term in enumerate(self.terms):
            if term.normalised:
                entries.setdefault(term.normalised, []).append(("t", i))
        for i, place in enumerate(self.places):
            key = normalise_term(place.name)
            if key:
                entries.setdefault(key, []).append(("p", i))
        for key, values in entries.items():
            self._automaton.add_word(key, (len(key), tuple(values)))
        if entries:
            self._automaton.make_automaton()
        self._empty = not entries

    # --- loading ------------------------------------------------------------------------

    @classmethod
    def default(cls) -> Lexicon:
        return cls.load(resource_path(*DEFAULT_FILE))

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError) as err:
            logger.warning("Cannot read lexicon %s: %s", path, err)
            raise bad_lexicon(path.name, str(err)[:200]) from err
        return cls.from_dict(data, name=path.name)

    @classmethod
    def from_dict(cls, data: Any, name: str = "lexicon") -> Lexicon:
        try:
            version = data["version"]
            cats = data.get("categories", {})
            raw_terms = data["terms"]
            raw_places = data.get("places", [])
            if not (isinstance(version, int) and isinstance(cats, dict)
                    and isinstance(raw_terms, dict) and isinstance(raw_places, list)):
                raise TypeError("version, categories, terms or places has the wrong type")
            terms = [Term(str(t), str(cat), normalise_term(str(t)))
                     for cat, words in raw_terms.items() for t in words]
            places = [Place(str(p["name"]), str(p["kind"]), str(p["regency"]),
                            str(p.get("code", "")), bool(p.get("context_only", False)))
                      for p in raw_places]
        except (KeyError, TypeError, AttributeError) as err:
            raise bad_lexicon(name, str(err)[:200]) from err
        return cls(version, terms, places, {str(k): str(v) for k, v in cats.items()}, name)

    # --- matching -----------------------------------------------------------------------

    def _matches(self, text: str) -> Iterable[tuple[int, int, tuple[tuple[str, int], ...]]]:
        if self._empty or not text:
            return
        last = len(text) - 1
        for end, (length, values) in self._automaton.iter(text):
            start = end - length + 1
            if (start == 0 or text[start - 1] == " ") and (end == last or text[end + 1] == " "):
                yield start, end + 1, values

    def scan(self, text_normalised: str) -> Scan:
        """Terms and places in a normalised text (`normalize.normalise`)."""
        flags: list[Flag] = []
        found: list[PlaceMatch] = []
        for start, end, values in self._matches(text_normalised):
            for kind, i in values:
                if kind == "t":
                    term = self.terms[i]
                    flags.append(Flag(term.normalised, term.category, start, end))
                else:
                    place = self.places[i]
                    if place.context_only and not _after_prefix(text_normalised, start):
                        continue
                    found.append(PlaceMatch(place, start, end))
        places = _resolve(text_normalised, found)
        return Scan(_longest_flags(flags), places, _regencies(places))

    def flags(self, text_normalised: str) -> tuple[Flag, ...]:
        return self.scan(text_normalised).flags


_PREFIX_KIND = {"kecamatan": "kecamatan", "kec": "kecamatan", "kabupaten": "kabupaten",
                "kab": "kabupaten", "kota": "kota", "kotamadya": "kota"}


def _prefix(text: str, start: int) -> str:
    return text[:start].rstrip().rsplit(" ", 1)[-1]


def _after_prefix(text: str, start: int) -> bool:
    return _prefix(text, start) in _PREFIX_KIND


def _inside_longer(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e and (e - s) > (end - start) for s, e in spans)


def _longest_flags(flags: list[Flag]) -> tuple[Flag, ...]:
    """"asu kabeh" found, "asu" inside it dropped (same category)."""
    kept = [f for f in flags
            if not _inside_longer(f.start, f.end, ((o.start, o.end) for o in flags
                                                   if o.category == f.category))]
    return tuple(dict.fromkeys(kept))


def _resolve(text: str, matches: list[PlaceMatch]) -> tuple[PlaceMatch, ...]:
    """Longest names first ("semarang barat" over "semarang"), then by the word before the
    name: "kab"/"kabupaten", "kota", "kec"/"kecamatan" pick that kind; a bare name that is
    a regency's name means the regency, not the kecamatan of the same name."""
    spans = [(m.start, m.end) for m in matches]
    by_span: dict[tuple[int, int], list[PlaceMatch]] = {}
    for m in matches:
        if not _inside_longer(m.start, m.end, spans):
            by_span.setdefault((m.start, m.end), []).append(m)
    kept: list[PlaceMatch] = []
    for (start, _end), group in by_span.items():
        kind = _PREFIX_KIND.get(_prefix(text, start))
        if kind is not None:
            chosen = [m for m in group if m.place.kind == kind]
        else:
            chosen = [m for m in group if m.place.kind != "kecamatan"]
        kept += chosen or group
    return tuple(dict.fromkeys(kept))


def _regencies(matches: tuple[PlaceMatch, ...]) -> tuple[str, ...]:
    """Regencies named without ambiguity: a name that lies in one regency counts; a name
    shared by several (Bulu; Semarang the kabupaten and the kota) counts only for those of
    its regencies that another, unambiguous name in the text confirms."""
    by_span: dict[tuple[int, int], set[str]] = {}
    for m in matches:
        by_span.setdefault((m.start, m.end), set()).add(m.place.regency)
    sure = {next(iter(codes)) for codes in by_span.values() if len(codes) == 1}
    for codes in by_span.values():
        if len(codes) > 1:
            sure |= codes & sure
    return tuple(sorted(sure))
