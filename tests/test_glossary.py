"""docs/glosarium.md: one Indonesian term per concept, enforced on the catalogue."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "installer"))
import glossary

PO = glossary.CATALOGUE.read_text(encoding="utf-8")


def test_the_indonesian_catalogue_uses_no_ruled_out_variant():
    assert glossary.violations(PO, glossary.rules()) == []


def test_a_planted_variant_is_found():
    planted = PO.replace('msgstr "Log kejadian"', 'msgstr "Log insiden"', 1)
    assert planted != PO
    found = glossary.violations(planted, glossary.rules())
    assert len(found) == 1 and "'insiden' for 'incident' (use 'kejadian')" in found[0]


def test_the_glossary_names_the_concepts_the_field_asked_for():
    concepts = {r.concept.split(" (")[0]: r.term for r in glossary.rules()}
    assert concepts["incident"] == "kejadian"
    assert concepts["site"] == "simpul"
    assert concepts["situation level"] == "status situasi"
    assert concepts["situation report"] == "laporan situasi"
    for concept in ("response deadline", "error", "invalid", "detail", "refresh", "supervisor"):
        assert concept in concepts


def test_apply_rewrites_words_and_keeps_placeholders_code_and_options():
    po = ('msgid "x"\nmsgstr "Insiden di situs {detail}: jalankan `posko sitrep` dengan --site"\n\n'
          'msgid "y"\nmsgstr ""\n"Detail insidennya "\n"tidak valid"\n')
    out = glossary.apply(po, glossary.rules())
    assert ('msgstr "Kejadian di simpul {detail}: jalankan `posko sitrep` dengan --site"'
            in out)
    assert '"Rincian kejadiannya "\n"tidak sah"' in out
    assert 'msgid "x"' in out and glossary.violations(out, glossary.rules()) == []
