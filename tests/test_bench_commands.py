"""The bench commands still run (bench/ is not part of the suite, so a renamed sheet or a
new refusal would otherwise break them unnoticed): the crash bench, the spreadsheet bench
and `bench/run.py` on tiny databases in a temporary folder. Speed is not asserted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench(tmp_path: Path, *args: str) -> str:
    env = {**os.environ, "POSKO_BENCH_CACHE": str(tmp_path / "cache"),
           "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout


def test_the_crash_bench_kills_and_finds_nothing_lost(tmp_path):
    out = bench(tmp_path, "bench/bench_crash.py", "--trials", "1", "--only", "add,import-xlsx",
                "--incidents", "300", "--workdir", str(tmp_path / "crash"))
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()
            if line.split() and line.split()[0] in ("add", "import-xlsx", "all")}
    assert set(rows) == {"add", "import-xlsx", "all"}
    trials, _completed, lockouts, partial, lost = (int(v) for v in rows["all"][:5])
    assert trials == 2 and (lockouts, partial, lost) == (0, 0, 0)


def test_the_spreadsheet_bench_imports_its_sheet(tmp_path):
    out = bench(tmp_path, "bench/bench_spreadsheets.py", "--incidents", "300", "--rows", "30",
                "--workdir", str(tmp_path / "sheets"))
    assert "re-import 30 rows (all known)" in out


def test_the_one_bench_command_prints_its_table(tmp_path):
    out = bench(tmp_path, "bench/run.py", "--incidents", "1000", "--only", "foundation",
                "--repeat", "2", "--starts", "1")
    assert "resident memory, DB open + table scrolled end to end" in out
    assert "demo-1000.sqlite3" in out
