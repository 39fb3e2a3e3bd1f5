"""Fixtures of the social-media core tests: sample files, options with a fixed read time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from posko_desktop.core.medsos.intake import IntakeOptions
from posko_desktop.core.medsos.lexicon import Lexicon

DATA = Path(__file__).resolve().parents[1] / "data" / "medsos"
READ_AT = datetime(2024, 7, 22, 1, 0, tzinfo=UTC)
KEY = bytes(range(32))


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return Lexicon.default()


@pytest.fixture
def options(lexicon: Lexicon) -> IntakeOptions:
    return IntakeOptions(read_at=READ_AT, pseudonym_key=KEY, lexicon=lexicon)
