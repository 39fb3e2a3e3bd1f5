"""Cell values of post tables: counts written as people and tools write them, and times."""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from typing import Any

from posko_desktop.core.medsos.intake.common import as_utc

_COUNT = re.compile(r"^(\d{1,3}(?:[.,\s]\d{3})+|\d+(?:[.,]\d+)?)\s*(k|rb|ribu|jt|juta|m|b|miliar)?$",
                    re.IGNORECASE)
_GROUPED = re.compile(r"\d{1,3}(?:[.,\s]\d{3})+")
_FACTOR = {"k": 1_000, "rb": 1_000, "ribu": 1_000, "m": 1_000_000, "jt": 1_000_000,
           "juta": 1_000_000, "b": 1_000_000_000, "miliar": 1_000_000_000}
_ZONES = {"wib": "+07:00", "wita": "+08:00", "wit": "+09:00", "utc": "+00:00",
          "gmt": "+00:00", "z": "+00:00"}
_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
            "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H.%M", "%d-%m-%Y %H:%M",
            "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")


class BadValue(ValueError):
    pass


def parse_count(value: Any) -> int | None:
    """"1.234" / "1,234" / "1 234" -> 1234; "1,2K" / "12rb" / "1.5jt" / "2M" -> scaled;
    empty -> None; anything else -> BadValue."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadValue(str(value))
    if isinstance(value, int):
        if value < 0:
            raise BadValue(str(value))
        return value
    if isinstance(value, float):
        if value < 0 or value != value or value > 1e15:
            raise BadValue(str(value))
        return round(value)
    text = str(value).strip().replace("\u00a0", " ")
    if text.isdigit() and text.isascii():
        return int(text)
    if not text or text in ("-", "—"):
        return None
    m = _COUNT.match(text)
    if m is None:
        raise BadValue(text)
    number, unit = m.group(1), (m.group(2) or "").lower()
    if unit:
        return round(float(number.replace(",", ".").replace(" ", "")) * _FACTOR[unit])
    if _GROUPED.fullmatch(number):
        return int(re.sub(r"\D", "", number))
    if number.isdigit():
        return int(number)
    raise BadValue(text)  # "12,5" without a unit is not a count


def parse_time(value: Any, tz: tzinfo) -> datetime | None:
    """A time from a cell: datetime (naive = `tz`), ISO 8601 with or without zone,
    "21/07/2024 10:15", "2024-07-21 10:15:42 WIB", Unix seconds; empty -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return as_utc(value if value.tzinfo else value.replace(tzinfo=tz))
    if isinstance(value, date):
        return as_utc(datetime.combine(value, time(), tz))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 946684800 <= value <= 4102444800:  # 2000..2100 as Unix seconds
            return as_utc(datetime.fromtimestamp(value, tz))
        raise BadValue(str(value))
    text = " ".join(str(value).strip().split())
    if not text:
        return None
    parts = text.rsplit(" ", 1)
    if len(parts) == 2 and parts[1].lower() in _ZONES:
        text = parts[0] + _ZONES[parts[1].lower()]
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        moment = _by_format(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return as_utc(moment)


def _by_format(text: str) -> datetime:
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise BadValue(text)
