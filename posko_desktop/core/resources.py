"""The one place that finds files shipped in `resources/` (source tree or PyInstaller bundle)."""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


@cache
def load_json(name: str) -> Any:
    with resource_path(name).open(encoding="utf-8") as fh:
        return json.load(fh)


def font_path(name: str = "DejaVuSans.ttf") -> Path:
    """DejaVu fonts ship with matplotlib; used by Qt, matplotlib and reportlab alike."""
    spec = importlib.util.find_spec("matplotlib")  # located without the slow import
    if spec is None or spec.origin is None:
        raise FileNotFoundError(name)
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / name
