"""Installers are built from a bundle: the real PyInstaller folder when POSKO_BUNDLE names
one (the full check, installer/README.md), otherwise a staged folder of the same shape
whose `posko` / `posko-desktop` run this source tree with this venv's Python (fast
enough for every CI run; what is checked is the packaging, the app is the same code)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def stage_bundle(folder: Path, *, windows: bool = False) -> Path:
    """A folder shaped like dist/posko-desk (with `.exe` names for the Windows installer)."""
    folder.mkdir(parents=True)
    (folder / "_internal").mkdir()
    (folder / "_internal" / "README.txt").write_text("staged bundle\n", encoding="utf-8")
    for name, target in (("posko", "-m posko_desktop"), ("posko-desktop", str(ROOT / "main.py"))):
        exe = folder / (name + (".exe" if windows else ""))
        exe.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" {target} "$@"\n',
                       encoding="utf-8")
        exe.chmod(0o755)
    return folder


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    real = os.environ.get("POSKO_BUNDLE")
    if real:
        return Path(real).resolve()
    return stage_bundle(tmp_path / "staged" / "posko-desk")
