"""The fuzzer in CI: 1,000 hostile cases (packages, and spreadsheets when their module
exists) imported through the CLI into copies of a prepared province database. None may be
accepted when it must be refused, none may end in exit 1 (an unexpected error), and no
refusal may change the database (tests/fuzz/README.md; 10,000 cases: bench/bench_fuzz.py)."""

from __future__ import annotations

from posko_desktop.core.services import accounts
from posko_desktop.core.sync import keywrap

from .cases import all_cases
from .runner import Runner
from .world import CHEAP_HASHER, CHEAP_KDF, build

CASES = 1_000
SEED = 14


def test_a_thousand_hostile_cases_are_all_refused_cleanly(tmp_path, monkeypatch):
    monkeypatch.setattr(accounts, "PASSWORD_HASHER", CHEAP_HASHER)
    monkeypatch.setattr(keywrap, "KDF", CHEAP_KDF)
    world = build(tmp_path / "world")
    outcome = Runner(world, tmp_path / "run").run(all_cases(world, tmp_path / "cases", SEED,
                                                            CASES))
    assert outcome.cases >= CASES
    assert outcome.failures == 0, outcome.table() + "\n" + outcome.examples()
    assert not outcome.unnamed, outcome.examples()
    assert not outcome.good_refused, outcome.examples()  # valid packages still pass
