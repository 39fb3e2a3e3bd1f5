"""The cyclic garbage collector paused around bulk work (a report over 80,000 incidents).

Reading a voting day's incidents and follow-ups makes millions of short-lived tuples and
rows; each 700 allocations start a collection, and the older generations are walked again
and again over every object the process holds (the window's, the report's). On 28 Nov 2024
at 1,000,000 incidents that was 0.7 of the daily sitrep's 3.2 s CPU (docs/decisions.md,
"h-sitrep-fast"). Reference counting still frees everything that is not in a cycle while
the collector is paused; cycles made meanwhile are collected after it resumes.

Threads: the collector is one per process. The pause is counted, so overlapping pauses
(two reports on two threads) resume it only when the last one ends, and a collector that
was already off stays off.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False  # whether the outermost pause found the collector on


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block with the cyclic collector off; its state is restored afterwards,
    also when the block raises."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
