"""Damaged input never escapes as anything but `MedsosError`: every sample file cut at
random places, with random bytes changed, and random garbage."""

from __future__ import annotations

import random

import pytest

from posko_desktop.core.medsos.drafts import MedsosError
from posko_desktop.core.medsos.intake import read_posts

from .conftest import DATA

SAMPLES = sorted(p.name for p in DATA.iterdir())
CUTS = 25


def _read(path, options) -> None:
    try:
        result = read_posts(path, options)
    except MedsosError as err:
        assert err.text_in("en") and err.text_in("id")
        return
    for draft in result.drafts:  # what comes out is usable
        assert draft.text == draft.text.strip()
        assert draft.posted_at is None or draft.posted_at.utcoffset().total_seconds() == 0
    for problem in result.problems:
        assert problem.text()


@pytest.mark.parametrize("name", SAMPLES)
def test_random_truncations_raise_nothing_but_medsos_error(name, options, tmp_path):
    raw = (DATA / name).read_bytes()
    rnd = random.Random(name)
    cuts = sorted({rnd.randrange(0, len(raw)) for _ in range(CUTS)} | {0, 1, len(raw) - 1})
    for n, cut in enumerate(cuts):
        path = tmp_path / f"{n}-{name}"
        path.write_bytes(raw[:cut])
        _read(path, options)


@pytest.mark.parametrize("name", SAMPLES)
def test_random_byte_changes_raise_nothing_but_medsos_error(name, options, tmp_path):
    raw = bytearray((DATA / name).read_bytes())
    rnd = random.Random("flip" + name)
    for n in range(15):
        data = bytearray(raw)
        for _ in range(rnd.randrange(1, 6)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        path = tmp_path / f"{n}-{name}"
        path.write_bytes(bytes(data))
        _read(path, options)


@pytest.mark.parametrize("suffix", [".txt", ".json", ".csv", ".xlsx", ""])
def test_garbage_and_empty_files_are_refused(suffix, options, tmp_path):
    rnd = random.Random(suffix)
    for n, data in enumerate([b"", b"\x00" * 50, bytes(rnd.randrange(256) for _ in range(500)),
                              b"PK\x03\x04" + b"\x00" * 100, b"{" * 10000, b"[" * 100000]):
        path = tmp_path / f"g{n}{suffix}"
        path.write_bytes(data)
        with pytest.raises(MedsosError):
            read_posts(path, options)


def test_a_missing_file_is_a_medsos_error(options, tmp_path):
    with pytest.raises(MedsosError):
        read_posts(tmp_path / "hilang.txt", options)
