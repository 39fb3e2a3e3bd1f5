"""Modification stamps: a hybrid logical clock that orders edits across sites.

A stamp is `"{ms:013d}-{counter:05d}-{site}"`: wall-clock milliseconds (UTC), a counter for
edits within the same millisecond or after a clock that ran behind, and the site code as
the final tie-break. Both numbers have a fixed width that `next_stamp` never exceeds: a
counter at its maximum carries into the milliseconds (the next stamp is one millisecond
later, counter 0), and the milliseconds end in the year 2286. So plain string comparison
(Python and SQL alike) gives the same total order as comparing the numbers, on every site,
and "newest stamp wins" is deterministic whatever order packages arrive in. Imports refuse
stamps too far ahead of the receiver's clock (`sync.clock_ahead_hours`), so a peer cannot
push a site's clock towards that end.
"""

from __future__ import annotations

from dataclasses import dataclass

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_

MAX_MILLIS = 10**13 - 1  # 13 digits: 2286-11-20
MAX_COUNTER = 10**5 - 1  # 5 digits


class ClockExhausted(PoskoError):
    """The site's clock reached the last stamp (only a clock poisoned by an older version)."""

    code = "clock_exhausted"


@dataclass(frozen=True, order=True)
class Stamp:
    millis: int
    counter: int
    site: str

    def __str__(self) -> str:
        return f"{self.millis:013d}-{self.counter:05d}-{self.site}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        millis, counter, site = text.split("-", 2)
        return cls(int(millis), int(counter), site)


def latest_text(millis: int) -> str:
    """A text greater than every stamp of at most `millis` and smaller than every later
    one (for "no stamp beyond this time" as one string comparison)."""
    return "{ms:013d}-{c:05d}-~".format(ms=max(0, min(millis, MAX_MILLIS)), c=MAX_COUNTER)


def next_stamp(last: str | None, now_millis: int, site: str) -> str:
    """The next stamp for `site`, greater than `last` (any site's) and close to `now`."""
    if not last:
        stamp = Stamp(now_millis, 0, site)
    else:
        prev = Stamp.parse(last)
        if now_millis > prev.millis:
            stamp = Stamp(now_millis, 0, site)
        elif prev.counter < MAX_COUNTER:
            stamp = Stamp(prev.millis, prev.counter + 1, site)
        else:  # carry: one millisecond later (also mends a six-digit counter of old)
            stamp = Stamp(prev.millis + 1, 0, site)
    if not 0 <= stamp.millis <= MAX_MILLIS:
        raise ClockExhausted(N_("The sync clock of this database has reached its end ({stamp}); "
                                "a package from an older version moved it into the far future"),
                             stamp=last or str(now_millis))
    return str(stamp)
