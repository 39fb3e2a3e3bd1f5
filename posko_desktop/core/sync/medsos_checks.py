"""The checks of Pantau Medsos records that the JSON Schema cannot make (`kinds.SyncedKind.
check`): control characters in the texts nested in lists and objects (a verdict's
reasoning, a re-check's note, an evidence file's author ...), and the rules between fields
(a verdict approved by the person who decided it; an image fingerprint that is no
fingerprint)."""

from __future__ import annotations

from typing import Any

from posko_desktop.core.textrules import control_character

MULTILINE_KEYS = frozenset({"reasoning", "text", "note"})


def nested_text_problem(value: Any, name: str) -> str | None:
    """The first text in `value` (a dict, list or text) holding a control character (line
    breaks allowed in `MULTILINE_KEYS` only)."""
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, multiline = stack.pop()
        if isinstance(item, str):
            bad = control_character(item, multiline=multiline)
            if bad is not None:
                return "{name}: control character {ch}".format(name=name, ch=bad)
        elif isinstance(item, dict):
            stack += [(v, k in MULTILINE_KEYS) for k, v in item.items()]
        elif isinstance(item, list):
            stack += [(v, multiline) for v in item]
    return None


def _evidence_problem(rec: dict[str, Any]) -> str | None:
    from posko_desktop.core.medsos.images import ImageFingerprint  # numpy, Pillow: on use

    for entry in rec["evidence"]:
        if entry["phash"]:
            try:
                ImageFingerprint.from_text(entry["phash"])
            except ValueError:
                return "evidence: not an image fingerprint"
    return nested_text_problem(rec["evidence"], "evidence")


def check_post(rec: dict[str, Any]) -> str | None:
    if not rec["post_id"] and not rec["canonical_url"]:
        return "a post needs a post id or a canonical URL"
    return (nested_text_problem(rec["flags"], "flags")
            or nested_text_problem(rec["engagement"], "engagement") or _evidence_problem(rec))


def check_case(rec: dict[str, Any]) -> str | None:
    verdict = rec["verdict"]
    if verdict is not None and verdict["approved_by"] is not None \
            and verdict["approved_by"] == verdict["decided_by"]:
        return "verdict approved by the person who decided it"
    for name in ("verdict", "fact_checks", "clarification"):
        problem = nested_text_problem(rec[name], name)
        if problem:
            return problem
    return _evidence_problem(rec)


def check_takedown(rec: dict[str, Any]) -> str | None:
    return nested_text_problem(rec["rechecks"], "rechecks")
