"""The lexicon flagger: terms per category at word boundaries, places to regencies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from posko_desktop.core.medsos.drafts import MedsosError
from posko_desktop.core.medsos.lexicon import CATEGORY_LABELS, Lexicon
from posko_desktop.core.medsos.normalize import normalise
from posko_desktop.core.resources import resource_path


def scan(lexicon, text):
    return lexicon.scan(normalise(text))


def test_the_shipped_lexicon_is_versioned_and_covers_every_category(lexicon):
    data = json.loads(resource_path("medsos", "lexicon-v1.json").read_text("utf-8"))
    assert lexicon.version == data["version"] == 1
    assert data["provenance"]
    assert set(data["terms"]) == set(CATEGORY_LABELS) == set(lexicon.categories)
    assert all(len(words) >= 15 for words in data["terms"].values())
    regencies = {p.regency for p in lexicon.places if p.kind != "kecamatan"}
    assert len(regencies) == 35
    assert sum(p.kind == "kecamatan" for p in lexicon.places) == 576


@pytest.mark.parametrize(("text", "term", "category"), [
    ("Serangan fajarrr sdh mulai!!", "serangan fajar", "politik_uang"),
    ("Tiap warga dapat AMPLOP 100rb", "amplop", "politik_uang"),
    ("nomor piro wani piro", "nomor piro wani piro", "politik_uang"),
    ("KPU curang bgt", "kpu curang", "serangan_penyelenggara"),
    ("surat suara udh tercoblos", "surat suara sudah tercoblos", "serangan_penyelenggara"),
    ("dasar kafir", "dasar kafir", "sara"),
    ("Raimu! asu kabeh", "asu kabeh", "ujaran_kebencian"),
    ("jancuk tenan", "jancuk", "ujaran_kebencian"),
    ("bakar rumahnya kalau ga nyoblos", "bakar rumahnya", "ancaman"),
    ("VIRALKAN sebelum dihapus", "viralkan", "ajakan_sebar"),
])
def test_terms_are_found_on_normalised_text(lexicon, text, term, category):
    flags = scan(lexicon, text).flags
    assert (term, category) in {(f.term, f.category) for f in flags}


def test_matches_only_whole_words_with_their_spans(lexicon):
    text = normalise("Kasus kebakaran di pasar, bukan asumsi. Sang asu!")
    flags = lexicon.flags(text)
    assert [(f.term, text[f.start:f.end]) for f in flags] == [("asu", "asu")]
    assert text[flags[0].start - 5:flags[0].start] == "sang "


def test_a_longer_term_hides_the_shorter_one_inside_it(lexicon):
    assert [f.term for f in scan(lexicon, "asu kabeh").flags] == ["asu kabeh"]


@pytest.mark.parametrize(("text", "regencies"), [
    ("Serangan fajar di Kec. Bulu, Kab Sukoharjo", ("33.11",)),  # Bulu lies in 3 regencies
    ("Bulu kucing rontok", ()),  # an everyday word counts only after "kecamatan"
    ("Warga Karanganyar demo", ("33.13",)),  # the regency, not the 4 kecamatan of that name
    ("ricuh di Semarang Barat", ("33.74",)),  # the longer name wins over "Semarang"
    ("di Semarang saja", ()),  # kabupaten or kota: ambiguous
    ("di Semarang, tepatnya Banyumanik", ("33.74",)),  # confirmed by a kecamatan
    ("Kota Tegal dan Kabupaten Tegal", ("33.28", "33.76")),
    ("Pemilih di Solo", ("33.72",)),  # alias of Surakarta
    ("TPS 12 Kecamatan Mijen", ()),  # Mijen: Demak and Kota Semarang
])
def test_places_point_to_regencies_without_guessing(lexicon, text, regencies):
    assert scan(lexicon, text).regencies == regencies


def test_a_lexicon_built_from_rows_matches_slang_spellings():
    lex = Lexicon.from_dict({"version": 7, "terms": {"uji": ["gak netral"]}})
    assert lex.version == 7
    assert [f.term for f in lex.flags(normalise("KPU nggak netral"))] == ["tidak netral"]


@pytest.mark.parametrize("content", [b"{", b"[]", b'{"version": "1", "terms": {}}',
                                     b'{"version": 1}', b'{"version": 1, "terms": {"a": 5}}'])
def test_a_broken_lexicon_file_is_refused(tmp_path: Path, content):
    path = tmp_path / "lexicon.json"
    path.write_bytes(content)
    with pytest.raises(MedsosError):
        Lexicon.load(path)


def test_empty_lexicon_finds_nothing():
    assert Lexicon(1, []).scan("kpu curang").flags == ()


def test_every_kecamatan_lies_in_a_known_regency(lexicon):
    """Every kecamatan sits in one of the app's 35 regencies."""
    regencies = {p.regency for p in lexicon.places if p.kind != "kecamatan"}
    assert {p.regency for p in lexicon.places} == regencies
