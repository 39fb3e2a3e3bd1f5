"""Every message has its Indonesian translation, with the same placeholders (Electrum style)."""

from __future__ import annotations

import re
import string

import i18n as catalogue_tool

from posko_desktop.core import i18n


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_catalogue_is_up_to_date_with_the_code():
    """A message used in the code but missing from the catalogue fails here:
    run `python installer/i18n.py update` and translate it."""
    in_code = {m.id for m in catalogue_tool.extract() if m.id}
    in_po = {m.id for m in catalogue_tool.load("id") if m.id}
    missing = sorted(in_code - in_po)
    assert not missing, f"not in resources/locale/id posko.po: {missing[:20]}"


def test_every_message_has_an_indonesian_translation():
    untranslated = catalogue_tool.missing()
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:10]}"


def test_translations_keep_their_placeholders():
    bad = []
    for msg in catalogue_tool.load("id"):
        if msg.id and msg.string and isinstance(msg.id, str):
            if _fields(msg.id) != _fields(msg.string):
                bad.append(msg.id)
    assert not bad, bad


def test_no_fstrings_inside_gettext_calls():
    root = catalogue_tool.ROOT / "posko_desktop"
    offenders = []
    for path in root.rglob("*.py"):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bN?_\(\s*f[\"']", line):
                offenders.append(f"{path.relative_to(root)}:{lineno}")
    assert not offenders, offenders


def test_switching_language_changes_rendered_text():
    i18n.set_language("id")
    assert i18n._("Critical") == "Kritis"
    i18n.set_language("en")
    assert i18n._("Critical") == "Critical"


def test_language_override_is_per_thread():
    """An English report rendered on a worker thread leaves the GUI thread in Indonesian."""
    import threading

    seen: dict[str, str] = {}
    inside = threading.Event()
    release = threading.Event()

    def worker() -> None:
        with i18n.language("en"):
            seen["worker"] = i18n._("Critical")
            inside.set()
            release.wait(5)

    i18n.set_language("id")
    thread = threading.Thread(target=worker)
    thread.start()
    inside.wait(5)
    seen["main"] = i18n._("Critical")
    release.set()
    thread.join()
    assert seen == {"worker": "Critical", "main": "Kritis"}
