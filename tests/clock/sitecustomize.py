"""Test-only: shift this Python process's wall clock to POSKO_TEST_NOW (`tests/any_hour.py`).

The tests' conftest puts this folder on PYTHONPATH when POSKO_TEST_NOW is set, so the CLI
and helper processes that tests start see the same shifted clock as the test process.
time-machine moves `time.time()`, `datetime.now()`, `date.today()` … and lets the clock tick;
monotonic clocks and sleeping stay real, so timeouts and lock waits behave as usual.
"""

from posko_clock_shift import start_from_environment

start_from_environment()
