"""Stamp order holds for every counter and time (issue 14, finding 1): the text of a stamp
sorts as its numbers do, and the next stamp is always greater and of the same width, even
after a counter at its end or a clock pushed far ahead."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posko_desktop.core.hlc import (
    MAX_COUNTER,
    MAX_MILLIS,
    ClockExhausted,
    Stamp,
    latest_text,
    next_stamp,
)

SITES = st.sampled_from(["33", "33.01", "33.22", "33.74", "33.99"])
MILLIS = st.integers(min_value=0, max_value=MAX_MILLIS)
COUNTERS = st.integers(min_value=0, max_value=MAX_COUNTER)
STAMPS = st.builds(Stamp, MILLIS, COUNTERS, SITES)


@given(STAMPS, STAMPS)
def test_text_order_is_number_order(a, b):
    assert (str(a) < str(b)) == (a < b)
    assert Stamp.parse(str(a)) == a


@given(STAMPS, st.integers(min_value=0, max_value=MAX_MILLIS), SITES)
def test_next_stamp_is_greater_and_of_fixed_width(last, now, site):
    if last.millis == MAX_MILLIS and last.counter == MAX_COUNTER and now <= last.millis:
        with pytest.raises(ClockExhausted):
            next_stamp(str(last), now, site)
        return
    nxt = next_stamp(str(last), now, site)
    assert nxt > str(last) and Stamp.parse(nxt) > last
    assert len(nxt) == len(str(Stamp(0, 0, site)))


@given(STAMPS, st.lists(st.integers(min_value=0, max_value=MAX_MILLIS - 10**6), max_size=30))
def test_a_run_of_stamps_only_grows(start, clock):
    if start.millis > MAX_MILLIS - 10**6:
        start = Stamp(start.millis - 10**6, start.counter, start.site)
    last = str(start)
    for now in clock:
        nxt = next_stamp(last, now, "33")
        assert nxt > last
        last = nxt


def test_a_full_counter_carries_into_the_milliseconds():
    """The case of the issue: the counter at 99999 (a clock pushed ahead, many edits)
    gave `…-100000-33`, which sorted before the stamp it followed."""
    last = "1732762800001-99999-33.74"
    assert next_stamp(last, 5, "33") == "1732762800002-00000-33"
    # a six-digit counter an older version wrote is mended the same way
    assert next_stamp("1732762800001-100000-33", 5, "33") == "1732762800002-00000-33"


@given(MILLIS, STAMPS)
def test_latest_text_bounds_every_stamp_of_its_time(millis, stamp):
    assert (str(stamp) <= latest_text(millis)) == (stamp.millis <= millis)
