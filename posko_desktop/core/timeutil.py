"""Time: stored in UTC, entered and shown in WIB (Asia/Jakarta, UTC+7)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from posko_desktop.core.i18n import N_, _, current_language

WIB = ZoneInfo("Asia/Jakarta")

_DAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
         N_("Saturday"), N_("Sunday"))
_MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
           N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
           N_("December"))
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


def format_date_long(day: date) -> str:
    """'Rabu, 27 November 2024' in Indonesian, 'Wednesday, 27 November 2024' in English."""
    return "{day}, {d} {month} {y}".format(
        day=_(_DAYS[day.weekday()]), d=day.day, month=_(_MONTHS[day.month - 1]), y=day.year
    )


def format_date(day: date) -> str:
    return "{d} {month} {y}".format(d=day.day, month=_(_MONTHS[day.month - 1]), y=day.year)


def format_datetime_wib(value: datetime | None) -> str:
    if value is None:
        return ""
    local = to_wib(value)
    sep = "." if current_language() == "id" else ":"
    return "{d} {hh:02d}{sep}{mm:02d} WIB".format(
        d=local.strftime("%d-%m-%Y"), hh=local.hour, mm=local.minute, sep=sep
    )


def month_roman(month: int) -> str:
    return _ROMAN[month - 1]
