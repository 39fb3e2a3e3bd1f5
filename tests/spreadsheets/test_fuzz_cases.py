"""Hostile spreadsheets (tests/fuzz/spreadsheet_cases.py) through the real CLI: every case
ends in exit 0 (a valid file, imported) or exit 2 (refused, the database unchanged), never
in a crash; every case the generator marks as bad is refused."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from posko_desktop.cli import main

from .helpers import dump, sql

_CASES_FILE = Path(__file__).resolve().parents[1] / "fuzz" / "spreadsheet_cases.py"


def _load_cases():
    spec = importlib.util.spec_from_file_location("spreadsheet_cases", _CASES_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.spreadsheet_cases


@pytest.mark.parametrize("seed", [14, 2024])
def test_hostile_spreadsheets_are_refused_and_valid_ones_import(seed, db_path, tmp_path, capsys):
    assert main(["--db", str(db_path), "init", "--site", "33", "--site-name", "Posko"]) == 0
    outcomes: dict[str, set[int]] = {}
    wrong: list[str] = []
    imported = 0
    for name, path, must_refuse, command in _load_cases()(tmp_path / "cases",
                                                          random.Random(seed), 110):
        before = dump(db_path)
        code = main(["--db", str(db_path), "--lang", "en", *command])
        out = capsys.readouterr()
        outcomes.setdefault(name.split(":")[0], set()).add(code)
        if code == 2:
            if path.name not in out.err:
                wrong.append("{}: refused without naming the file on stderr".format(path.name))
            if dump(db_path) != before:
                wrong.append("{}: refused but the database changed".format(path.name))
        elif code == 0:
            imported += 1
        if code != (2 if must_refuse else 0):
            wrong.append("{} exit {}: {}".format(path.name, code, (out.err or out.out)[-300:]))
    assert not wrong, "\n".join(wrong)
    assert len(outcomes) >= 30  # every kind ran
    assert sql(db_path, "SELECT count(*) FROM incident") >= imported > 0
