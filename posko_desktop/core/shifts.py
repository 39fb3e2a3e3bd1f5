"""The desk's shifts (piket): three eight-hour shifts per WIB day, the 2024 desks' pattern
(pagi 07.00–15.00, siang 15.00–23.00, malam 23.00–07.00 the next day; the morning shift
starts at the report cut-off). A night shift belongs to the day it starts on. Standard
library only (docs/shifts.md)."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time, timedelta

from posko_desktop.core.i18n import N_, _
from posko_desktop.core.timeutil import WIB

SHIFT_HOURS = 8


class Shift(enum.StrEnum):
    PAGI = "pagi"
    SIANG = "siang"
    MALAM = "malam"

    @property
    def start_hour(self) -> int:
        return _START[self]

    @property
    def label(self) -> str:
        return _(_LABELS[self])


_START = {Shift.PAGI: 7, Shift.SIANG: 15, Shift.MALAM: 23}
_LABELS = {Shift.PAGI: N_("Morning (07.00–15.00)"), Shift.SIANG: N_("Afternoon (15.00–23.00)"),
           Shift.MALAM: N_("Night (23.00–07.00)")}


def bounds(day: date, shift: Shift) -> tuple[datetime, datetime]:
    """Start and end (UTC) of a shift of a WIB day."""
    start = datetime.combine(day, time(shift.start_hour), WIB).astimezone(UTC)
    return start, start + timedelta(hours=SHIFT_HOURS)


def shift_at(moment: datetime) -> tuple[date, Shift]:
    """The shift a moment (aware) falls in, with the WIB day it started on."""
    local = moment.astimezone(WIB)
    day = local.date()
    if local.hour < Shift.PAGI.start_hour:  # the night shift that began the day before
        return day - timedelta(days=1), Shift.MALAM
    for shift in (Shift.MALAM, Shift.SIANG, Shift.PAGI):
        if local.hour >= shift.start_hour:
            return day, shift
    raise AssertionError("unreachable")


def next_shift(day: date, shift: Shift) -> tuple[date, Shift]:
    order = list(Shift)
    i = order.index(shift)
    return (day, order[i + 1]) if i + 1 < len(order) else (day + timedelta(days=1), order[0])
