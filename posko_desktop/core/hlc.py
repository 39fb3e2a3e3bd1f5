"""Modification stamps: a hybrid logical clock that orders edits across sites.

A stamp is `"{ms:013d}-{counter:05d}-{site}"`: wall-clock milliseconds (UTC), a counter for
edits within the same millisecond or after a clock that ran behind, and the site code as
the final tie-break. Plain string comparison gives the same total order on every site, so
"newest stamp wins" is deterministic whatever order packages arrive in.
"""

from __future__ import annotations

from dataclasses import dataclass


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


def next_stamp(last: str | None, now_millis: int, site: str) -> str:
    """The next stamp for `site`, greater than `last` (any site's) and close to `now`."""
    if not last:
        return str(Stamp(now_millis, 0, site))
    prev = Stamp.parse(last)
    if now_millis > prev.millis:
        return str(Stamp(now_millis, 0, site))
    return str(Stamp(prev.millis, prev.counter + 1, site))
