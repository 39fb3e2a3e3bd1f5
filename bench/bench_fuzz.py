"""The fuzzer at scale: 10,000 hostile cases (tests/fuzz/README.md) imported through the
CLI into copies of a prepared province database; prints the table of docs/performance.md
("Fuzzing hostile packages"). Exit code 1 when any case was accepted although it must be refused,
ended in exit 1, or changed the database while refused.

    .venv/bin/python bench/bench_fuzz.py [--cases 10000] [--seed 14]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fuzz package and the sites of tests/sync

from fuzz.cases import all_cases  # noqa: E402
from fuzz.runner import Runner  # noqa: E402
from fuzz.world import build, cheap_crypto  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="posko-fuzz-") as tmp:
        work = Path(tmp)
        os.environ["POSKO_DATA_DIR"] = str(work / "data")  # the CLI's log, not the user's
        cheap_crypto()
        start = time.perf_counter()
        world = build(work / "world")
        outcome = Runner(world, work / "run").run(all_cases(world, work / "cases", args.seed,
                                                            args.cases))
        print("seed {s}, {t:.0f} s in all".format(s=args.seed, t=time.perf_counter() - start))
        print(outcome.table())
        details = outcome.examples(20)
        if details:
            print(details)
    return 1 if outcome.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
