"""Text rules every output follows (PDF, XLSX/CSV, CLI tables, the window): spreadsheet
cells that must never run as formulas, numbers and dates in Indonesian or English.

`lang` is "id" or "en"; None means the current language (`i18n.current_language()`, which
`i18n.language(lang)` overrides on one thread while an English report is rendered).
Stdlib and `core.i18n` only: no Qt, no database.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TypeVar, overload

from posko_desktop.core.i18n import N_, _, current_language, gettext_in
from posko_desktop.core.timeutil import to_wib

T = TypeVar("T")

# --- text coming in ----------------------------------------------------------------------

# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F; one regex search instead
# of a category lookup per character (~40x faster on the post import's 100,000 rows).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
_CONTROL_NOT_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character no stored text may hold, as "U+XXXX": NUL and the other C0/C1
    control characters (tab and line breaks too, unless `multiline`), U+FFFE/U+FFFF."""
    m = (_CONTROL_NOT_BREAKS if multiline else _CONTROL).search(text)
    return None if m is None else "U+{:04X}".format(ord(m.group()))


# --- spreadsheet cells -------------------------------------------------------------------

# OWASP "CSV injection": a cell starting with one of these may be run as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


@overload
def neutralise_cell(value: str) -> str: ...
@overload
def neutralise_cell(value: T) -> T: ...
def neutralise_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (shown, not
    run); anything else (numbers, None, dates) is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def restore_cell(text: str) -> str:
    """Undo `neutralise_cell` on import (our own exports round-trip, e.g. "+62 812 …")."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


# --- numbers -----------------------------------------------------------------------------


def _lang(lang: str | None) -> str:
    return lang or current_language()


_SWAP = str.maketrans(",.", ".,")


def _swap_separators(text: str, lang: str | None) -> str:
    """Python writes 1,234.5; Indonesian writes 1.234,5."""
    if _lang(lang) != "id":
        return text
    return text.translate(_SWAP)


def format_int(value: int, lang: str | None = None) -> str:
    """1234 -> '1.234' (id) / '1,234' (en)."""
    return _swap_separators(f"{value:,}", lang)


def format_signed(value: int, lang: str | None = None) -> str:
    """A change: '+1.234' / '−1.234' (minus sign, not hyphen) / '0'."""
    if value > 0:
        return "+" + format_int(value, lang)
    if value < 0:
        return "−" + format_int(-value, lang)
    return "0"


def format_number(value: float, lang: str | None = None) -> str:
    """A score or mean with at most one decimal: 3 -> '3', 2.5 -> '2,5' (id) / '2.5' (en),
    1234.5 -> '1.234,5' / '1,234.5'."""
    if abs(value - round(value)) < 0.05:
        return format_int(int(round(value)), lang)
    return _swap_separators(f"{value:,.1f}", lang)


def format_size(size: int) -> str:
    """A file size: '812 B', '37 KB', '4.2 MB' (the decimal point as the tools write it)."""
    if size < 1024:
        return "{n} B".format(n=size)
    if size < 1024 * 1024:
        return "{n:.0f} KB".format(n=size / 1024)
    return "{n:.1f} MB".format(n=size / 1048576)


# --- dates and times (shown in WIB) --------------------------------------------------------

_DAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
         N_("Saturday"), N_("Sunday"))
_MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
           N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
           N_("December"))
_SHORT_MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"),
                 N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))


def _text(message: str, lang: str | None) -> str:
    return gettext_in(lang, message) if lang else _(message)


def format_date(day: date, lang: str | None = None) -> str:
    """'27 November 2024' (the month named in the language)."""
    return "{d} {month} {y}".format(d=day.day, month=_text(_MONTHS[day.month - 1], lang),
                                    y=day.year)


def format_date_long(day: date, lang: str | None = None) -> str:
    """'Rabu, 27 November 2024' (id) / 'Wednesday, 27 November 2024' (en)."""
    return "{day}, {date}".format(day=_text(_DAYS[day.weekday()], lang),
                                  date=format_date(day, lang))


def short_date(day: date, lang: str | None = None) -> str:
    """'23 Nov' / '1 Des' (id) / '1 Dec' (en): chart axes and compact lists."""
    return "{d} {m}".format(d=day.day, m=_text(_SHORT_MONTHS[day.month - 1], lang))


def format_time(moment: datetime, lang: str | None = None) -> str:
    """WIB wall time: '14.05' (id) / '14:05' (en)."""
    local = to_wib(moment)
    sep = "." if _lang(lang) == "id" else ":"
    return f"{local.hour:02d}{sep}{local.minute:02d}"


def format_datetime(moment: datetime | None, lang: str | None = None) -> str:
    """'27-11-2024 14.05' (id) / '27-11-2024 14:05' (en), WIB wall time, no suffix;
    '' for None."""
    if moment is None:
        return ""
    return "{d} {t}".format(d=to_wib(moment).strftime("%d-%m-%Y"), t=format_time(moment, lang))


def format_datetime_wib(moment: datetime | None, lang: str | None = None) -> str:
    """'27-11-2024 14.05 WIB' (id) / '27-11-2024 14:05 WIB' (en); '' for None."""
    if moment is None:
        return ""
    return format_datetime(moment, lang) + " WIB"


# --- training mode (issue 19): the marking every output of a training database carries ---
TRAINING_MARKING = N_("LATIHAN (training) — not official data")


def training_marking() -> str:
    """The LATIHAN marking in the current language (LATIHAN appears in every language)."""
    return _(TRAINING_MARKING)
