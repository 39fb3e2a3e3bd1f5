"""Record schemas of a package (resources/schemas/*.schema.json) and a fast checker.

`jsonschema` validates the manifest. Records are many (hundreds of thousands per package),
so they are checked by `compile_schema`, which turns the same JSON Schema files (the subset
used there: type, enum, const, pattern, minLength/maxLength, minimum/maximum, properties,
required, additionalProperties: false) into one straight-line Python function per schema,
~50x faster than a generic validator; tests/sync/test_merge.py shows both agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

from posko_desktop.core.resources import load_json

Check = Callable[[Any], str | None]  # None when valid, else a short English reason

SYNC_FIELDS = (
    "regency_code", "kecamatan", "desa", "location", "occurred_at", "reported_at",
    "source_type", "source_detail", "title", "description", "category_code", "severity",
    "people_involved", "status", "deleted",
)
DATETIME_FIELDS = ("occurred_at", "reported_at")

_PY_TYPES = {"string": "str", "integer": "int", "boolean": "bool", "null": "NoneType",
             "object": "dict", "array": "list"}


class _Gen:
    """Writes one Python function per schema: straight-line checks, no per-value calls."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.env: dict[str, Any] = {"NoneType": type(None)}
        self.n = 0

    def name(self, prefix: str, value: Any) -> str:
        self.n += 1
        key = "{p}{n}".format(p=prefix, n=self.n)
        self.env[key] = value
        return key

    def value(self, sch: dict[str, Any], var: str, label: str, ind: str) -> None:
        out = self.lines.append
        if "type" in sch:
            names = sch["type"] if isinstance(sch["type"], list) else [sch["type"]]
            types = " or ".join("type({v}) is {t}".format(v=var, t=_PY_TYPES[n]) for n in names)
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
        is_int = "type(" + var + ") is int"
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


def compile_schema(schema: dict[str, Any]) -> Check:
    gen = _Gen()
    gen.lines.append("def check(v):")
    gen.value(schema, "v", "", "    ")
    gen.lines.append("    return None")
    code = "\n".join(gen.lines)
    exec(compile(code, "<schema {t}>".format(t=schema.get("title", "")), "exec"), gen.env)  # noqa: S102
    return gen.env["check"]  # type: ignore[no-any-return]


@cache
def schema(name: str) -> dict[str, Any]:
    """`manifest`, `incident`, `followup` or `attachment`."""
    return load_json("schemas/sync-{name}.schema.json".format(name=name))  # type: ignore[no-any-return]


@cache
def checker(name: str) -> Check:
    return compile_schema(schema(name))


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def parse_dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
