"""Start time-machine at POSKO_TEST_NOW (an ISO 8601 time with offset), ticking.

The first process turns that time into an offset from the real clock (exported as
POSKO_TEST_CLOCK_OFFSET), so the processes it starts later see the same shifted clock.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

ENV = "POSKO_TEST_NOW"
OFFSET_ENV = "POSKO_TEST_CLOCK_OFFSET"


def start_from_environment() -> datetime | None:
    value = os.environ.get(ENV)
    if not value:
        return None
    import time_machine  # test dependency, only loaded when a shifted clock is asked for

    real = time.time()
    offset = os.environ.get(OFFSET_ENV)
    if offset is None:
        start = datetime.fromisoformat(value)
        if start.tzinfo is None:
            raise SystemExit(f"{ENV} needs a UTC offset, e.g. 2026-12-05T23:30:00+00:00")
        offset = repr(start.timestamp() - real)
        os.environ[OFFSET_ENV] = offset
    shifted = datetime.fromtimestamp(real + float(offset), UTC)
    time_machine.travel(shifted, tick=True).start()
    return shifted
