"""Record schemas of a package (resources/schemas/*.schema.json) and a fast checker.

`jsonschema` validates the manifest. Records are many (hundreds of thousands per package),
so they are checked by `compile_schema`, which turns the same JSON Schema files (the subset
used there: type (number: an int or a float), enum, const, pattern, minLength/maxLength,
minimum/maximum, properties, required, additionalProperties: false) into one straight-line
Python function per schema,
~50x faster than a generic validator; tests/sync/test_merge.py shows both agree.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # max/min match width of a pattern (stdlib)
from collections.abc import Callable
from datetime import datetime
from functools import cache
from operator import contains, ge, itemgetter, le
from typing import Any

from posko_desktop.core.db.stamps import FIELDS, shared_stamp
from posko_desktop.core.resources import load_json

Check = Callable[[Any], str | None]  # None when valid, else a short English reason

SYNC_FIELDS = FIELDS  # the fields with a stamp of their own
DATETIME_FIELDS = ("occurred_at", "reported_at")
# Format 2's optional follow-up fields (absent in a package of an older version: null): a
# referral's chosen contact person (0024)
OPTIONAL_FOLLOWUP = ("contact_id",)
# Format 2's optional incident fields (they and their stamps may be absent: a package of an
# older version) and what an absent one means: not known, or empty.
OPTIONAL_INCIDENT = {"victims_dead": None, "victims_injured": None, "material_loss": "",
                     "current_condition": "", "source_contact": "", "source_phone": "",
                     "kecamatan_code": None, "desa_code": None, "latitude": None,
                     "longitude": None, "contest_code": None, "pair_number": None,
                     "tps_number": None, "channel": "", "legal_type": "",
                     "reporting_unit": None}

_PY_TYPES = {"string": "str", "integer": "int", "boolean": "bool", "null": "NoneType",
             "object": "dict", "array": "list"}


class _Gen:
    """Writes one Python function per schema: straight-line checks, no per-value calls."""

    def __init__(self, fast: bool = False) -> None:
        self.lines: list[str] = []
        self.env: dict[str, Any] = {"NoneType": type(None), "le": le, "ge": ge,
                                    "contains": contains, "NUMBERS": (int, float)}
        self.n = 0
        # fast: in an object whose fields are all required and no others allowed, the
        # plain-string fields with a pattern are checked together (see `_joined_field`)
        self.fast = fast

    def name(self, prefix: str, value: Any) -> str:
        self.n += 1
        key = "{p}{n}".format(p=prefix, n=self.n)
        self.env[key] = value
        return key

    def value(self, sch: dict[str, Any], var: str, label: str, ind: str) -> None:
        out = self.lines.append
        if "type" in sch:
            names = sch["type"] if isinstance(sch["type"], list) else [sch["type"]]
            types = " or ".join("type({v}) in NUMBERS".format(v=var) if n == "number"
                                else "type({v}) is {t}".format(v=var, t=_PY_TYPES[n])
                                for n in names)
            out("{i}if not ({types}): return {m!r}".format(i=ind, types=types,
                                                          m=label + "wrong type"))
        if "const" in sch:
            c = self.name("C", sch["const"])
            out("{i}if {v} != {c}: return {m!r}".format(i=ind, v=var, c=c, m=label + "unexpected value"))
        if "enum" in sch:
            e = self.name("E", frozenset(sch["enum"]))
            out("{i}if {v} not in {e}: return {m!r}".format(
                i=ind, v=var, e=e, m=label + "not one of the allowed values"))
        is_str = "type(" + var + ") is str"
        if self.fast and sch.get("type") == "string":  # already checked just above
            is_str = "True"
        if "maxLength" in sch:
            out("{i}if {s} and len({v}) > {n}: return {m!r}".format(
                i=ind, s=is_str, v=var, n=sch["maxLength"], m=label + "too long"))
        if "minLength" in sch:
            out("{i}if {s} and len({v}) < {n}: return {m!r}".format(
                i=ind, s=is_str, v=var, n=sch["minLength"], m=label + "too short"))
        if "pattern" in sch:
            r = self.name("R", re.compile(sch["pattern"]).search)
            out("{i}if {s} and not {r}({v}): return {m!r}".format(
                i=ind, s=is_str, r=r, v=var, m=label + "does not match the pattern"))
        is_int = "type(" + var + ") in NUMBERS"  # an integer or a number (not a bool)
        if self.fast and sch.get("type") == "integer":
            is_int = "True"
        if "minimum" in sch:
            out("{i}if {s} and {v} < {n}: return {m!r}".format(
                i=ind, s=is_int, v=var, n=sch["minimum"], m=label + "too small"))
        if "maximum" in sch:
            out("{i}if {s} and {v} > {n}: return {m!r}".format(
                i=ind, s=is_int, v=var, n=sch["maximum"], m=label + "too large"))
        if "properties" in sch:
            props = sch["properties"]
            required = list(sch.get("required", ()))
            closed = sch.get("additionalProperties") is False
            if self.fast and closed:  # optional fields absent: the exact variant decides
                self.fast_object(props, var, label, ind)
                return
            allowed = self.name("A", frozenset(props))
            out("{i}if type({v}) is dict:".format(i=ind, v=var))
            inner = ind + "    "
            for name in required:
                out("{i}if {n!r} not in {v}: return {m!r}".format(
                    i=inner, n=name, v=var, m=label + "missing " + name))
            if closed:
                out("{i}if len({v}) > {k} or not {a}.issuperset({v}):".format(
                    i=inner, v=var, k=len(props), a=allowed))
                out("{i}    return {lbl!r} + 'unexpected field ' + sorted(set({v}) - {a})[0]"
                    .format(i=inner, lbl=label, v=var, a=allowed))
            for name, sub in props.items():
                self.n += 1
                sv = "x{n}".format(n=self.n)
                if name in required:
                    out("{i}{sv} = {v}[{n!r}]".format(i=inner, sv=sv, v=var, n=name))
                    self.value(sub, sv, label + name + ": ", inner)
                else:
                    out("{i}if {n!r} in {v}:".format(i=inner, n=name, v=var))
                    out("{i}    {sv} = {v}[{n!r}]".format(i=inner, sv=sv, v=var, n=name))
                    self.value(sub, sv, label + name + ": ", inner + "    ")

    def getter(self, names: list[str]) -> str:
        """Name of a function returning the tuple of these fields of a dict."""
        if len(names) > 1:
            return self.name("G", itemgetter(*names))
        return self.name("G", lambda d, _n=names[0]: (d[_n],))

    def fast_object(self, props: dict[str, Any], var: str, label: str, ind: str) -> None:
        """Exactly the listed fields; the joinable ones fetched at once (itemgetter), typed
        with one set and matched with one regex; the others checked one by one."""
        out = self.lines.append
        keys = self.name("K", frozenset(props))
        out("{i}if type({v}) is not dict or {v}.keys() != {k}: return 'fields'".format(
            i=ind, v=var, k=keys))
        joined = [n for n, sub in props.items() if _joined_field(sub)]
        if joined:
            get = self.getter(joined)
            strs = self.name("S", frozenset({str}))
            self.n += 1
            jv = "j{n}".format(n=self.n)
            out("{i}{jv} = {g}({v})".format(i=ind, jv=jv, g=get, v=var))
            patterns = {props[n]["pattern"] for n in joined}
            if len(patterns) == 1:  # e.g. the stamps of every field, often all equal
                rx = self.name("R", re.compile(patterns.pop()[1:-1]).fullmatch)
                out("{i}if {{*map(type, {jv})}} != {s} or not all(map({rx}, {{*{jv}}})): "
                    "return 'pattern'".format(i=ind, jv=jv, s=strs, rx=rx))
            else:
                rx = self.name("J", re.compile("\x00".join(
                    "(?:{p})".format(p=props[n]["pattern"][1:-1]) for n in joined)).fullmatch)
                out("{i}if {{*map(type, {jv})}} != {s} or not {rx}('\\x00'.join({jv})): "
                    "return 'pattern'".format(i=ind, jv=jv, s=strs, rx=rx))
        free = [n for n, sub in props.items() if n not in joined and _free_string(sub)]
        if free:  # strings with only a length limit: one type set, lengths via map
            self.n += 1
            fv = "f{n}".format(n=self.n)
            out("{i}{fv} = {g}({v})".format(i=ind, fv=fv, v=var, g=self.getter(free)))
            out("{i}if {{*map(type, {fv})}} != {s}: return 'type'".format(
                i=ind, fv=fv, s=self.name("S", frozenset({str}))))
            highs = self.name("H", tuple(props[n].get("maxLength", 1 << 62) for n in free))
            lows = self.name("L", tuple(props[n].get("minLength", 0) for n in free))
            out("{i}if not all(map(le, map(len, {fv}), {h})) or not all(map(ge, map(len, {fv}), "
                "{lo})): return 'length'".format(i=ind, fv=fv, h=highs, lo=lows))
        enums = [n for n, sub in props.items() if n not in joined and _enum_only(sub)]
        if enums:  # membership in a set of strings (and None) implies the type
            self.n += 1
            ev = "e{n}".format(n=self.n)
            sets = self.name("E", tuple(frozenset(props[n]["enum"]) for n in enums))
            out("{i}{ev} = {g}({v})".format(i=ind, ev=ev, v=var, g=self.getter(enums)))
            out("{i}if not all(map(contains, {s}, {ev})): return 'enum'".format(
                i=ind, s=sets, ev=ev))
        for name, sub in props.items():
            if name in joined or name in free or name in enums:
                continue
            self.n += 1
            sv = "x{n}".format(n=self.n)
            out("{i}{sv} = {v}[{n!r}]".format(i=ind, sv=sv, v=var, n=name))
            self.value(sub, sv, label + name + ": ", ind)


_ESCAPES_OK = frozenset("d.+-:")


def _joinable(pattern: str) -> bool:
    """True when `^P$` can be checked as part of one regex over NUL-joined values: P is
    anchored at both ends and can never match a NUL (no `.`, no negated class, only the
    escapes in _ESCAPES_OK), so each joined piece must match its own value exactly."""
    if len(pattern) < 3 or pattern[0] != "^" or pattern[-1] != "$" or pattern[-2] == "\\":
        return False
    inner = pattern[1:-1]
    if any(e not in _ESCAPES_OK for e in re.findall(r"\\(.)", inner)):
        return False
    plain = re.sub(r"\\.", "", inner)
    return not any(ch in plain for ch in ".^$|") and "\x00" not in plain


_NOTES = frozenset({"type", "pattern", "maxLength", "minLength", "description", "title"})


def _free_string(sch: dict[str, Any]) -> bool:
    return sch.get("type") == "string" and set(sch) <= _NOTES and "pattern" not in sch


def _enum_only(sch: dict[str, Any]) -> bool:
    """An enum of strings (and null) whose declared types admit every member."""
    types = sch.get("type")
    types = set(types if isinstance(types, list) else [types])
    if not set(sch) <= _NOTES | {"enum"} or "enum" not in sch:
        return False
    return all((type(e) is str and "string" in types) or (e is None and "null" in types)
               for e in sch["enum"])


def _joined_field(sch: dict[str, Any]) -> bool:
    """A field the fast checker covers with the joined regex alone: a plain string whose
    anchored pattern is `_joinable` and whose every match already fits min/maxLength."""
    if sch.get("type") != "string" or "pattern" not in sch or not set(sch) <= _NOTES:
        return False
    if not _joinable(sch["pattern"]):
        return False
    width: tuple[int, int] = sre_parse.parse(sch["pattern"][1:-1]).getwidth()
    low, high = width
    longest: int = sch.get("maxLength", high)
    shortest: int = sch.get("minLength", 0)
    return high <= longest and low >= shortest


def _build(schema: dict[str, Any], fast: bool) -> Check:
    gen = _Gen(fast)
    gen.lines.append("def check(v):")
    gen.value(schema, "v", "", "    ")
    gen.lines.append("    return None")
    code = "\n".join(gen.lines)
    exec(compile(code, "<schema {t}>".format(t=schema.get("title", "")), "exec"), gen.env)
    return gen.env["check"]  # type: ignore[no-any-return]


def compile_schema(schema: dict[str, Any]) -> Check:
    """The checker of `schema`. A fast variant runs first (pattern checks of one object
    combined into one regex); only when it finds any problem does the field-by-field
    variant run, which alone decides and names the problem. The fast variant accepts
    nothing the other refuses: it makes the same checks, and its joined regex matches
    only when every value matches its own anchored pattern."""
    fast, exact = _build(schema, True), _build(schema, False)

    def check(v: Any) -> str | None:
        try:
            if fast(v) is None:
                return None
        except (TypeError, KeyError):  # e.g. an unhashable value tested against an enum
            pass
        return exact(v)

    check.exact = exact  # type: ignore[attr-defined]
    return check


@cache
def schema(name: str) -> dict[str, Any]:
    """`manifest`, `incident`, `followup` or `attachment`."""
    return load_json("schemas/sync-{name}.schema.json".format(name=name))  # type: ignore[no-any-return]


@cache
def checker(name: str) -> Check:
    return compile_schema(schema(name))


def complete_incident(rec: dict[str, Any]) -> dict[str, Any]:
    """A checked incident record with every optional field (`OPTIONAL_INCIDENT`) present:
    an absent value is not known (None or empty), stamped (and based) with the stamp most
    of its fields share, as a stored stamp set of an older version reads here
    (`stamps.unpack`): the same record held here unchanged stays unchanged, and a value set
    here since is kept by the merge (its stamp is newer)."""
    stamps, bases = dict(rec["field_stamps"]), dict(rec["field_bases"])
    shared = shared_stamp(list(stamps.values()))
    for name in OPTIONAL_INCIDENT:
        stamps.setdefault(name, shared)
        bases.setdefault(name, stamps[name])
    return {**OPTIONAL_INCIDENT, **rec, "field_stamps": stamps, "field_bases": bases}


def without_optional(rec: dict[str, Any]) -> dict[str, Any]:
    """A record as format 1 has it (for a site still on an older version): no optional
    field, no stamp or base of one."""
    out = {k: v for k, v in rec.items() if k not in OPTIONAL_INCIDENT}
    for key in ("field_stamps", "field_bases"):
        out[key] = {k: v for k, v in rec[key].items() if k not in OPTIONAL_INCIDENT}
    return out


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def parse_dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
