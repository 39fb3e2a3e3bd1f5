"""How a free-text contest note of issue 16 becomes codes (migration 0027): only what the
text says unambiguously, by the shipped regency list."""

from __future__ import annotations

import pytest

from posko_desktop.core.medsos.contest_text import (
    NO_CONTEST,
    PAIR_NO_CONTEST,
    TWO_KINDS,
    TWO_PAIRS,
    UNCLEAR_REGENCY,
    match_contest,
)


@pytest.mark.parametrize(("note", "expected"), [
    ("Pilgub Jateng", ("33", None, None)),
    ("cagub no urut 1", ("33", 1, None)),
    ("Pilbup Banyumas", ("33.02", None, None)),
    ("Paslon 1 Kendal", ("33.24", 1, None)),
    ("paslon 02 Kab. Kudus", ("33.19", 2, None)),
    ("Pilwalkot Solo nomor urut 2", ("33.72", 2, None)),  # Solo: Kota Surakarta
    ("Kota Semarang", ("33.74", None, None)),
    ("Pilbup Magelang", ("33.08", None, None)),  # the kabupaten, not the kota (33.71)
    ("Wali Kota Tegal", ("33.76", None, None)),
    ("", (None, None, None)),
    ("paslon 02", (None, None, PAIR_NO_CONTEST)),
    ("Semarang", (None, None, UNCLEAR_REGENCY)),  # kabupaten 33.22 or kota 33.74
    ("Pilkada serentak", (None, None, NO_CONTEST)),
    ("Pilgub di Kab Kendal", (None, None, TWO_KINDS)),
    ("Pilbup Kendal paslon 1 vs paslon 2", ("33.24", None, TWO_PAIRS)),
    ("Pilwalkot Banyumas", (None, None, UNCLEAR_REGENCY)),  # Banyumas is no kota
    ("Kendal Batang", (None, None, UNCLEAR_REGENCY)),
])
def test_a_note_is_matched_only_where_it_is_unambiguous(note, expected):
    m = match_contest(note)
    assert (m.contest_code, m.pair_number, m.problem) == expected
