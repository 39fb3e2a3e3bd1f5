"""Indonesian normalisation for matching: case, emoji, punctuation, repeated letters, slang."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posko_desktop.core.medsos.normalize import SLANG, normalise


@pytest.mark.parametrize(("text", "expected"), [
    ("KPU CURANGGG bangettt!!! 😡😡", "kpu curang banget"),
    ("yg bener aja, gak mungkin", "yang benar saja tidak mungkin"),
    ("Nggak ada, ga ada, gk ada, enggak ada", "tidak ada tidak ada tidak ada tidak ada"),
    ("dgn uang utk warga krn sdh dekat", "dengan uang untuk warga karena sudah dekat"),
    ("Anak2 jgn ikut2an", "anak anak jangan ikut ikutan"),
    ("𝐒𝐄𝐑𝐀𝐍𝐆𝐀𝐍 𝐅𝐀𝐉𝐀𝐑", "serangan fajar"),  # styled letters (NFKC)
    ("ＫＰＵ　curang", "kpu curang"),  # full-width
    ("Cek https://t.co/AbC dan www.detik.com/x ya", "cek dan ya"),
    ("Rp50rb/org di TPS05", "rp 50 rb orang di tps 05"),
    ("maaaaf, wkwkwkwk", "maaf wkwkwkwk"),
    ("#KPUCurang @bawaslu_ri", "kpucurang bawaslu ri"),
    ("", ""),
    ("!!! ??? 😡", ""),
])
def test_normalised_form(text, expected):
    assert normalise(text) == expected


def test_spelling_variants_of_one_claim_become_one_text():
    variants = [
        "Surat suara SUDAH tercoblos!!! KPU curang",
        "surat suara sdh tercoblos, kpu curangggg 😡",
        "Surat-suara udh TERCOBLOS... KPU Curang!!",
        "surat suara udah tercoblos kpu curang",
    ]
    assert {normalise(v) for v in variants} == {"surat suara sudah tercoblos kpu curang"}


def test_slang_table_maps_to_standard_words_that_stay_put():
    """Every target of the table is itself left alone (no chains, no loops)."""
    for target in SLANG.values():
        assert normalise(target) == target


@given(st.text(max_size=300))
def test_normalising_twice_changes_nothing_and_leaves_only_words(text):
    once = normalise(text)
    assert normalise(once) == once
    assert re.fullmatch(r"(?:[^\W_]+(?: [^\W_]+)*)?", once)
