"""Maintain the one gettext catalogue (resources/locale, domain `posko`) with Babel.

    python installer/i18n.py update            extract _()/N_() messages, merge into id/en, compile
    python installer/i18n.py missing           list messages without an Indonesian translation
    python installer/i18n.py add FILE.json     merge {"English msgid": "Indonesian text"} into id
    python installer/i18n.py compile           compile .po -> .mo (done by the install commands)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "resources" / "locale"
LANGS = ("id", "en")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "posko.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain="posko", project="Posko Desk")
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def save(catalog: Catalog, lang: str) -> None:
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".po.tmp")
    with tmp.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, no_location=True, sort_output=True)
    tmp.replace(path)


def extract() -> Catalog:
    template = Catalog(project="Posko Desk", domain="posko")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT / "posko_desktop"), method_map=[("**.py", "python")], keywords=KEYWORDS,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update() -> None:
    template = extract()
    for lang in LANGS:
        catalog = load(lang)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        for msg in list(catalog.obsolete):  # drop messages no longer in the code
            del catalog.obsolete[msg]
        save(catalog, lang)
    compile_all()


def compile_all() -> None:
    for lang in LANGS:
        catalog = load(lang)
        mo = po_path(lang).with_suffix(".mo")
        with mo.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)


def missing() -> list[str]:
    return [m.id for m in load("id") if m.id and not m.string]


def add(path: str) -> None:
    entries: dict[str, str] = json.loads(Path(path).read_text(encoding="utf-8"))
    catalog = load("id")
    unknown = []
    for msgid, text in entries.items():
        msg = catalog.get(msgid)
        if msg is None:
            unknown.append(msgid)
            continue
        msg.string = text
        msg.flags.discard("fuzzy")
    save(catalog, "id")
    compile_all()
    if unknown:
        print("not in the catalogue (run update first):", *unknown, sep="\n  ")


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "update"
    if cmd == "update":
        update()
        print(f"{len(missing())} message(s) lack an Indonesian translation")
    elif cmd == "missing":
        for m in missing():
            print(json.dumps(m, ensure_ascii=False))
    elif cmd == "add":
        add(argv[2])
    elif cmd == "compile":
        compile_all()
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
