"""Run tests with the wall clock at the hours where "today" differs between UTC and WIB.

    python tests/any_hour.py                 the time-sensitive tests, 7 hours x 2 time zones
    python tests/any_hour.py --all           the whole suite, same matrix (~14 suite runs)
    python tests/any_hour.py --ci            two of those runs (CI: 23:30 UTC in TZ=UTC, when
                                             the UTC and WIB days differ; 00:00 UTC, the
                                             07.00 WIB cut-off, in TZ=Asia/Jakarta)
    python tests/any_hour.py -- -k sitrep    extra pytest arguments after --

WIB midnight is 17:00 UTC and the 07.00 WIB report cut-off is 00:00 UTC, so a test that
takes "today" from the wrong clock fails at some of these hours. Each run shifts the clock
of every Python process of the test session (tests/clock/), in TZ=UTC and TZ=Asia/Jakarta.
Exit status 1 if any run failed; the table says which.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOURS_UTC = ("16:59:30", "17:00:00", "23:30:00", "23:59:30", "00:00:00", "06:59:30", "07:00:00")
ZONES = ("UTC", "Asia/Jakarta")
CI_RUNS = (("UTC", "23:30:00"), ("Asia/Jakarta", "00:00:00"))
# The tests that depend on "now": audit day filters, dashboard windows and the reporting
# watch, sitrep periods and numbering, respond-by times, demo data's simulated clock,
# account lockout delays, the window's default filters, the shift of a moment and the
# handover's open items, stage progress dates, the day counts of the dashboard.
TIME_SENSITIVE = (
    "tests/accounts/test_audit.py",
    "tests/accounts/test_accounts.py",
    "tests/core/test_dashboard.py",
    "tests/core/test_sitrep.py",
    "tests/core/test_sitrep_cli.py",
    "tests/core/test_incidents.py",
    "tests/core/test_stats.py",
    "tests/core/test_demo.py",
    "tests/cli/test_cli.py",
    "tests/ui/test_dashboard.py",
    "tests/dbfile/test_backup.py",
    "tests/ui/test_backup.py",
    "tests/core/test_edit_versions.py",
    "tests/shifts/test_handover.py",
    "tests/shifts/test_cli.py",
    "tests/progress/test_stage_progress.py",
    "tests/core/test_day_counts.py",
    "tests/ui/test_incident_model.py",
    "tests/core/test_dashboard_contests.py",
    "tests/ui/test_dashboard_contests.py",
    "tests/core/test_migration_0028.py",
)


def main(argv: list[str]) -> int:
    extra: list[str] = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    targets = [] if "--all" in argv else list(TIME_SENSITIVE)
    day = datetime.now(UTC).date().isoformat()
    runs = CI_RUNS if "--ci" in argv else [(z, h) for z in ZONES for h in HOURS_UTC]
    failed = []
    print(f"{'TZ':<14} {'clock (UTC)':<22} result")
    for zone, hour in runs:
        env = {**os.environ, "TZ": zone, "POSKO_TEST_NOW": f"{day}T{hour}+00:00"}
        env.pop("POSKO_TEST_CLOCK_OFFSET", None)
        started = time.monotonic()
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
             *targets, *extra],
            cwd=ROOT, env=env, capture_output=True, text=True)
        last = (run.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"{zone:<14} {day} {hour:<11} {last} [{time.monotonic() - started:.0f} s]",
              flush=True)
        if run.returncode != 0:
            failed.append((zone, hour))
            print("\n".join(line for line in run.stdout.splitlines()
                            if line.startswith(("FAILED", "ERROR"))), flush=True)
    if failed:
        print(f"{len(failed)} of {len(runs)} runs failed")
        return 1
    print(f"all {len(runs)} runs passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
