"""The text rules every output follows (core/textrules.py): one test per rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from posko_desktop.core import i18n
from posko_desktop.core.textrules import (
    format_date,
    format_date_long,
    format_datetime,
    format_datetime_wib,
    format_int,
    format_number,
    format_signed,
    format_time,
    neutralise_cell,
    restore_cell,
    short_date,
)

# --- spreadsheet cells -------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_a_cell_starting_with_a_formula_trigger_gets_an_apostrophe(prefix):
    """OWASP CSV injection: a spreadsheet shows the text instead of running it, and our own
    import takes the apostrophe off again."""
    text = prefix + "SUM(A1:A9)"
    assert neutralise_cell(text) == "'" + text
    assert restore_cell(neutralise_cell(text)) == text


def test_other_cells_are_left_as_they_are():
    for value in ("Hoaks", "", "a=b", "'kutip", "33.74", 1234, -5, 2.5, None):
        assert neutralise_cell(value) == value
    assert restore_cell("'kutip") == "'kutip"  # not ours: no trigger after the apostrophe


# --- numbers -----------------------------------------------------------------------------


def test_thousands_indonesian_use_dots():
    assert [format_int(n, "id") for n in (0, 999, 1234, 1234567)] == [
        "0", "999", "1.234", "1.234.567"]


def test_thousands_english_use_commas():
    assert [format_int(n, "en") for n in (0, 999, 1234, 1234567)] == [
        "0", "999", "1,234", "1,234,567"]


def test_a_change_carries_its_sign_in_both_languages():
    assert (format_signed(1234, "id"), format_signed(-1234, "id")) == ("+1.234", "−1.234")
    assert (format_signed(1234, "en"), format_signed(-1234, "en")) == ("+1,234", "−1,234")
    assert format_signed(0, "en") == "0"


def test_decimals_indonesian_comma_english_point():
    assert (format_number(2.5, "id"), format_number(2.5, "en")) == ("2,5", "2.5")
    assert (format_number(1234.5, "id"), format_number(1234.5, "en")) == ("1.234,5", "1,234.5")
    assert (format_number(3.0, "id"), format_number(2.96, "en")) == ("3", "3")


def test_without_a_language_the_current_one_is_used():
    assert format_int(1234) == "1.234"  # Bahasa Indonesia is the default
    with i18n.language("en"):
        assert format_int(1234) == "1,234"
        assert format_date_long(date(2024, 11, 27)) == "Wednesday, 27 November 2024"


# --- dates and times ---------------------------------------------------------------------

VOTING_DAY = date(2024, 11, 27)
MOMENT = datetime(2024, 11, 26, 23, 5, tzinfo=UTC)  # 27 Nov 06.05 WIB


def test_dates_in_indonesian():
    assert format_date_long(VOTING_DAY, "id") == "Rabu, 27 November 2024"
    assert format_date(date(2024, 12, 1), "id") == "1 Desember 2024"
    assert short_date(date(2024, 12, 1), "id") == "1 Des"


def test_dates_in_english():
    assert format_date_long(VOTING_DAY, "en") == "Wednesday, 27 November 2024"
    assert format_date(date(2024, 12, 1), "en") == "1 December 2024"
    assert short_date(date(2024, 12, 1), "en") == "1 Dec"


def test_times_are_wib_with_a_dot_in_indonesian_and_a_colon_in_english():
    assert (format_time(MOMENT, "id"), format_time(MOMENT, "en")) == ("06.05", "06:05")
    assert format_datetime(MOMENT, "id") == "27-11-2024 06.05"
    assert format_datetime_wib(MOMENT, "en") == "27-11-2024 06:05 WIB"
    assert format_datetime(None) == format_datetime_wib(None) == ""
