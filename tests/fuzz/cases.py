"""Every family of fuzz cases, packages and (when its module exists) spreadsheets
(tests/fuzz/README.md)."""

from __future__ import annotations

import importlib
import random
from collections.abc import Iterator
from pathlib import Path

from .packages import package_cases
from .runner import Case
from .world import World


def all_cases(world: World, folder: Path, seed: int, n: int) -> Iterator[Case]:
    """About `n` cases: packages, and a fifth spreadsheets when
    `tests/fuzz/spreadsheet_cases.py` is there."""
    rng = random.Random(seed)
    try:
        sheets = importlib.import_module(__package__ + ".spreadsheet_cases")
    except ModuleNotFoundError as err:
        if err.name != __package__ + ".spreadsheet_cases":
            raise
        sheets = None
    n_sheets = n // 5 if sheets is not None else 0
    yield from package_cases(world, folder / "packages", random.Random(rng.random()),
                             n - n_sheets)
    if sheets is not None:
        folder_sheets = folder / "spreadsheets"
        folder_sheets.mkdir(parents=True, exist_ok=True)
        yield from sheets.spreadsheet_cases(folder_sheets, random.Random(rng.random()),
                                            n_sheets)
