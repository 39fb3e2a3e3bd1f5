"""Record schemas of a package (resources/schemas/*.schema.json) and a fast checker.

`jsonschema` validates the manifest. Records are many (hundreds of thousands per package),
so they are checked by `compile_schema`, which turns the same JSON Schema files (the subset
used there: type, enum, const, pattern, minLength/maxLength, minimum/maximum, properties,
required, additionalProperties: false) into plain Python checks ~20x faster;
tests/sync/test_records.py shows both agree.
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

_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def compile_schema(schema: dict[str, Any]) -> Check:
    checks: list[Check] = []
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        tests = [_TYPES[n] for n in names]

        def check_type(v: Any, tests: list[Callable[[Any], bool]] = tests) -> str | None:
            return None if any(t(v) for t in tests) else "wrong type"
        checks.append(check_type)
    if "const" in schema:
        const = schema["const"]
        checks.append(lambda v: None if v == const else "unexpected value")
    if "enum" in schema:
        allowed = set(schema["enum"])
        checks.append(lambda v: None if v in allowed else "not one of the allowed values")
    if "pattern" in schema:
        rx = re.compile(schema["pattern"])
        checks.append(lambda v: None if not isinstance(v, str) or rx.search(v) else
                      "does not match the pattern")
    if "maxLength" in schema:
        mx = schema["maxLength"]
        checks.append(lambda v: None if not isinstance(v, str) or len(v) <= mx else "too long")
    if "minLength" in schema:
        mn = schema["minLength"]
        checks.append(lambda v: None if not isinstance(v, str) or len(v) >= mn else "too short")
    if "minimum" in schema:
        lo = schema["minimum"]
        checks.append(lambda v: None if not isinstance(v, int) or isinstance(v, bool) or v >= lo
                      else "too small")
    if "maximum" in schema:
        hi = schema["maximum"]
        checks.append(lambda v: None if not isinstance(v, int) or isinstance(v, bool) or v <= hi
                      else "too large")
    if "properties" in schema:
        props = {k: compile_schema(v) for k, v in schema["properties"].items()}
        required = tuple(schema.get("required", ()))
        closed = schema.get("additionalProperties") is False

        def check_object(v: Any) -> str | None:
            if not isinstance(v, dict):
                return None
            for name in required:
                if name not in v:
                    return "missing {name}".format(name=name)
            if closed and len(v) > len(props):
                extra = sorted(set(v) - set(props))
                return "unexpected field {name}".format(name=extra[0])
            for name, value in v.items():
                check = props.get(name)
                if check is None:
                    if closed:
                        return "unexpected field {name}".format(name=name)
                    continue
                problem = check(value)
                if problem:
                    return "{name}: {problem}".format(name=name, problem=problem)
            return None
        checks.append(check_object)

    def run(v: Any) -> str | None:
        for c in checks:
            problem = c(v)
            if problem:
                return problem
        return None
    return run


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
