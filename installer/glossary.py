"""The glossary of docs/glosarium.md, machine-read: one Indonesian term per concept.

    python installer/glossary.py check            list catalogue texts that use a ruled-out variant
    python installer/glossary.py apply            rewrite them to the chosen term (placeholders,
                                                  `code` and --options are left alone)

tests/test_glossary.py runs `check` on the Indonesian catalogue.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glosarium.md"
CATALOGUE = ROOT / "resources" / "locale" / "id" / "LC_MESSAGES" / "posko.po"
# {placeholders}, `code`, --options and %(printf)s stay as they are
_PROTECTED = re.compile(r"(\{[^}]*\}|`[^`]*`|--[\w-]+|%\([^)]*\)\w)")


@dataclass(frozen=True)
class Rule:
    concept: str
    term: str
    variants: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        words = "|".join(re.escape(v) for v in sorted(self.variants, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])({words})(?=\w*)", re.IGNORECASE)


def rules(text: str | None = None) -> list[Rule]:
    """The rows of the glossary's table that rule variants out (column "Bukan")."""
    text = GLOSSARY.read_text(encoding="utf-8") if text is None else text
    out = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not line.lstrip().startswith("|") or set(cells[0]) <= {"-", " "}:
            continue
        concept, term, variants = cells[0], cells[1].strip("*"), cells[2]
        if concept == "Konsep" or variants in ("", "—"):
            continue
        out.append(Rule(concept, term, tuple(v.strip().strip("*") for v in variants.split(","))))
    return out


def msgstrs(po_text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po text, continuation lines joined."""
    pairs: list[tuple[str, str]] = []
    msgid, current, key = "", "", None
    for line in po_text.splitlines() + [""]:
        if line.startswith("msgid "):
            key, msgid = "id", _unquote(line[6:])
        elif line.startswith("msgstr"):
            key, current = "str", _unquote(line.split(" ", 1)[1])
        elif line.startswith('"') and key == "id":
            msgid += _unquote(line)
        elif line.startswith('"') and key == "str":
            current += _unquote(line)
        else:
            if key == "str" and msgid:
                pairs.append((msgid, current))
            key = None
            if line.startswith("msgid_plural"):
                key = "plural"
    return pairs


def _unquote(s: str) -> str:
    return s.strip()[1:-1]


def _outside_protected(text: str, fn) -> str:
    parts = _PROTECTED.split(text)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def violations(po_text: str, glossary: list[Rule]) -> list[str]:
    found = []
    for msgid, msgstr in msgstrs(po_text):
        bare = _outside_protected(msgstr, lambda s: s)
        plain = _PROTECTED.sub(" ", bare)
        for rule in glossary:
            m = rule.pattern().search(plain)
            if m:
                found.append(f"{m.group(1)!r} for {rule.concept!r} (use {rule.term!r}): "
                             f"{msgid!r} -> {msgstr!r}")
    return found


def _cased(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def apply(po_text: str, glossary: list[Rule]) -> str:
    out = []
    for line in po_text.splitlines(keepends=True):
        if line.startswith("msgstr") or (line.startswith('"') and out and _in_msgstr(out)):
            for rule in glossary:
                pat = rule.pattern()
                line = _outside_protected(
                    line, lambda s, p=pat, t=rule.term: p.sub(lambda m: _cased(t, m.group(1)), s))
        out.append(line)
    return "".join(out)


def _in_msgstr(previous: list[str]) -> bool:
    for line in reversed(previous):
        if line.startswith("msgstr"):
            return True
        if not line.startswith('"'):
            return False
    return False


def main(argv: list[str]) -> int:
    text = CATALOGUE.read_text(encoding="utf-8")
    if argv == ["apply"]:
        CATALOGUE.write_text(apply(text, rules()), encoding="utf-8")
        return 0
    found = violations(text, rules())
    print("\n".join(found) or "glossary: no ruled-out variant in the Indonesian catalogue")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
