"""Small display helpers shared by the widgets (numbers, times in WIB)."""

from __future__ import annotations

from datetime import datetime

from posko_desktop.core.i18n import current_language
from posko_desktop.core.timeutil import to_wib


def format_int(value: int) -> str:
    """12345 -> '12.345' in Indonesian, '12,345' in English."""
    text = f"{value:,}"
    return text.replace(",", ".") if current_language() == "id" else text


def short_wib(value: datetime | None) -> str:
    """'27-11-2024 08.15' (id) / '27-11-2024 08:15' (en), WIB wall time, no suffix."""
    if value is None:
        return ""
    local = to_wib(value)
    sep = "." if current_language() == "id" else ":"
    return "{d} {hh:02d}{sep}{mm:02d}".format(
        d=local.strftime("%d-%m-%Y"), hh=local.hour, mm=local.minute, sep=sep)
