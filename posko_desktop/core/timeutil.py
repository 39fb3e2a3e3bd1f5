"""Time: stored in UTC, entered and shown in WIB (Asia/Jakarta, UTC+7). Dates and times
as text (Indonesian or English): `core.textrules`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def utcnow() -> datetime:
    return datetime.now(UTC)


def ensure_utc(value: datetime) -> datetime:
    """Aware datetimes are converted to UTC; naive ones are taken as WIB wall time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=WIB)
    return value.astimezone(UTC)


def to_wib(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(WIB)


def wib_date(value: datetime) -> date:
    return to_wib(value).date()


def wib_day_start(day: date) -> datetime:
    """00:00 WIB of `day`, as an aware UTC datetime."""
    return datetime.combine(day, time(0, 0), tzinfo=WIB).astimezone(UTC)


def wib_range(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """[first 00:00 WIB, day after last 00:00 WIB) in UTC; either end may be open."""
    start = wib_day_start(first) if first else None
    end = wib_day_start(last + timedelta(days=1)) if last else None
    return start, end


def parse_wib(text: str) -> datetime:
    """Parse 'YYYY-MM-DD HH:MM' (or ISO 8601) entered in WIB; returns aware UTC."""
    text = text.strip().replace("T", " ")
    value = datetime.fromisoformat(text)
    return ensure_utc(value)


def month_roman(month: int) -> str:
    return _ROMAN[month - 1]
