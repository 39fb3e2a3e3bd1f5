"""The PyInstaller spec stays in step with the source tree (the build itself is too slow
for the suite; installer/README.md says how to build and check a bundle)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from posko_desktop.core import i18n, resources
from posko_desktop.core.db.migrate import MIGRATIONS_DIR

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "posko.spec"


def spec_constant(name: str):
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not defined in installer/posko.spec")


def test_every_resource_is_packaged_or_deliberately_left_out():
    shipped = spec_constant("RESOURCES")
    left_out = spec_constant("RESOURCES_NOT_SHIPPED")
    present = sorted(p.name for p in (ROOT / "resources").iterdir() if not p.name.startswith("."))
    missing = [name for name in present if name not in shipped and name not in left_out]
    assert missing == [], f"add these to RESOURCES in installer/posko.spec: {missing}"
    gone = [name for name in shipped if not (ROOT / "resources" / name).exists()]
    assert gone == [], f"installer/posko.spec lists resources that no longer exist: {gone}"


def test_spec_ships_every_language_and_the_migrations():
    assert sorted(spec_constant("LANGUAGES")) == sorted(i18n.LANGUAGES)
    text = SPEC.read_text(encoding="utf-8")
    assert MIGRATIONS_DIR == ROOT / "posko_desktop" / "core" / "db" / "migrations"
    assert '"posko_desktop" / "core" / "db" / "migrations"' in text
    assert (MIGRATIONS_DIR / "env.py").exists()


def test_no_code_imports_a_qt_module_the_bundle_leaves_out():
    excluded = set(spec_constant("QT_EXCLUDED"))
    used = set()
    for path in (ROOT / "posko_desktop").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    clash = sorted(used & excluded)
    assert clash == [], f"the app now uses {clash}: remove them from QT_EXCLUDED in posko.spec"


def test_resources_are_found_inside_a_bundle(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / "resources"
    assert resources.resource_path("locale", "id") == tmp_path / "resources" / "locale" / "id"


def test_the_app_loads_none_of_the_numpy_parts_the_bundle_leaves_out():
    """numpy.random and numpy.fft are left out of the bundle (3.8 MB): the desktop app with
    its charts, reports and social-media matching must not import them."""
    left_out = ["numpy.random", "numpy.fft"]
    assert set(left_out) <= set(spec_constant("PY_EXCLUDED"))
    probe = (
        "import importlib, pkgutil, sys\n"
        "import posko_desktop\n"
        "for m in pkgutil.walk_packages(posko_desktop.__path__, 'posko_desktop.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "import matplotlib.backends.backend_agg, matplotlib.backends.backend_qtagg\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0:2] in {[m.split('.') for m in left_out]}))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                         text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
