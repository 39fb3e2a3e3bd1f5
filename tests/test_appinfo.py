"""Identity and reproducible builds: version, publisher and description come from
pyproject.toml only; `posko --version` stays one line, `--verbose` lists the exact
packages (in a bundle: those recorded at build, equal to installer/bundle-lock.txt)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from posko_desktop.cli import main
from posko_desktop.core import appinfo

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
sys.path.insert(0, str(ROOT / "installer"))

import bundle_lock  # noqa: E402 - installer/bundle_lock.py


def test_every_source_of_identity_says_what_pyproject_says():
    """The installed metadata and the source-tree fallback agree with pyproject.toml."""
    for info in (appinfo.app_info(), appinfo.from_pyproject(ROOT / "pyproject.toml")):
        assert info.version == PROJECT["version"]
        assert info.publisher == PROJECT["authors"][0]["name"] == "Pemerintah Provinsi Jawa Tengah"
        assert info.description == PROJECT["description"]


def test_version_is_written_in_one_place_only():
    """No other file of the package spells the version out."""
    version = PROJECT["version"]
    spelled = [str(p.relative_to(ROOT)) for p in (ROOT / "posko_desktop").rglob("*.py")
               if f'"{version}"' in p.read_text(encoding="utf-8")]
    assert spelled == []


def test_posko_version_is_one_short_line(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"posko {PROJECT['version']}\n"


def test_posko_version_verbose_lists_every_package_the_lock_pins(capsys):
    """From the source tree: the installed versions, which the CI venv keeps equal to the
    lock for every bundled package (a drifted venv shows here, not only at build)."""
    assert main(["--version", "--verbose"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Posko Desk Pilkada {PROJECT['version']}"
    assert "publisher: Pemerintah Provinsi Jawa Tengah" in out
    listed = dict(line.strip().split("==") for line in out if line.startswith("  "))
    locked, _tools = bundle_lock.read_lock()
    assert set(listed) == set(locked)
    for name in ("pyside6", "sqlalchemy", "reportlab", "matplotlib"):
        assert name in listed


def test_lock_file_pins_exact_versions_and_the_build_tools():
    runtime, tools = bundle_lock.read_lock()
    assert "pyinstaller" in tools and "pyside6" in runtime
    assert not set(runtime) & set(tools)
    for version in [*runtime.values(), *tools.values()]:
        assert version and not version.startswith(("<", ">", "~", "="))


def test_a_bundle_reports_the_versions_recorded_at_build(tmp_path, monkeypatch):
    """Frozen (sys._MEIPASS): facts and packages come from build-info.json, as the spec
    writes it, even where the package metadata is missing."""
    info = appinfo.from_pyproject(ROOT / "pyproject.toml")
    recorded = {"pyside6": "6.11.3", "sqlalchemy": "2.1.9"}
    (tmp_path / appinfo.BUILD_INFO).write_text(appinfo.build_info_json(
        info, recorded, {"pyinstaller": "6.22.3", "commit": "abc123"}), encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(appinfo.metadata, "metadata", _no_metadata)
    appinfo.app_info.cache_clear()
    try:
        frozen = appinfo.app_info()
        assert frozen.frozen and frozen.version == PROJECT["version"]
        assert appinfo.packages() == recorded
        lines = appinfo.verbose_lines()
        assert "bundle: PyInstaller" in lines and "build commit: abc123" in lines
        assert "  pyside6==6.11.3" in lines
    finally:
        appinfo.app_info.cache_clear()


def _no_metadata(name: str):
    raise appinfo.metadata.PackageNotFoundError(name)


def test_every_runtime_dependency_has_its_licence_listed():
    """The About dialog's licence table names each direct dependency of pyproject.toml."""
    _data, libraries = appinfo.third_party()
    listed = {lib.package for lib in libraries}
    deps = {dep.split(";")[0].split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip().lower()
            for dep in PROJECT["dependencies"]}
    assert deps - listed == set()
    assert all(lib.licence and lib.source for lib in libraries)


@pytest.mark.parametrize("argv", [["--version"], ["--version", "--verbose"]])
def test_version_needs_no_database_and_no_qt(argv, tmp_path):
    env = {"POSKO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    code = ("import sys; from posko_desktop.cli import main; rc = main(sys.argv[1:]); "
            "assert 'PySide6' not in sys.modules; raise SystemExit(rc)")
    out = subprocess.run([sys.executable, "-c", code, *argv], env=env, cwd=tmp_path,
                         capture_output=True, text=True, check=True)
    assert out.stdout.startswith(("posko ", "Posko Desk Pilkada"))
    assert not any(tmp_path.glob("*.sqlite3"))


def test_build_info_is_json_with_the_identity():
    text = appinfo.build_info_json(appinfo.app_info(), {"a": "1"}, {"python": "3.11"})
    data = json.loads(text)
    assert data["version"] == PROJECT["version"] and data["packages"] == {"a": "1"}


def test_the_place_list_ships_with_its_mit_notice():
    """Issue 17: the 576 kecamatan and 8,563 desa come from cahyadsn/wilayah (MIT); the
    notice is shipped beside the list (resources/data is in the bundle) and the About
    dialog's licence table (and the Debian copyright file made from it) names them."""
    from tests.test_packaging import spec_constant

    data, _libraries = appinfo.third_party()
    [entry] = [d for d in data if "resources/data/wilayah-33.csv" in d.name]
    assert entry.licence.startswith("MIT") and "cahyadsn/wilayah" in entry.source
    notice = (ROOT / "resources" / "data" / "LICENSE-wilayah").read_text(encoding="utf-8")
    assert "wilayah-33.csv" in notice and "MIT License" in notice
    assert "Permission is hereby granted, free of charge" in notice
    assert "data" in spec_constant("RESOURCES")
