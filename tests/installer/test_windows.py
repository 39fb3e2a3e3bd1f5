"""The Windows delivery, checked on Linux: posko.nsi compiles with Debian's makensis around
a staged bundle (or the real one with POSKO_BUNDLE; PyInstaller cannot cross-compile),
and the CI workflow that builds the real thing on a Windows runner is valid YAML that
names every step and runs the spec, the smoke test, the installer and the artefact."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.installer.conftest import stage_bundle

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
MAKE = ROOT / "installer" / "windows" / "make_installer.py"

pytestmark = pytest.mark.packaging


@pytest.fixture
def windows_bundle(tmp_path: Path) -> Path:
    real = os.environ.get("POSKO_WINDOWS_BUNDLE")
    if real:
        return Path(real).resolve()
    return stage_bundle(tmp_path / "staged" / "posko-desk", windows=True)


def test_nsis_script_compiles_into_the_setup_program(windows_bundle: Path, tmp_path: Path):
    out = subprocess.run([sys.executable, str(MAKE), str(windows_bundle), str(tmp_path / "out")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "warning" not in (out.stdout + out.stderr).lower()
    setup = tmp_path / "out" / f"posko-desk-{PROJECT['version']}-setup.exe"
    assert out.stdout.strip().splitlines()[-1] == str(setup)
    assert setup.read_bytes()[:2] == b"MZ"  # a Windows program


def test_nsis_script_does_what_the_issue_asks():
    """What a reader of posko.nsi should find (the compile test proves it is valid)."""
    nsi = (ROOT / "installer" / "windows" / "posko.nsi").read_text(encoding="utf-8")
    for needle in ('InstallDir "$PROGRAMFILES64\\Posko Desk"', "RequestExecutionLevel admin",
                   '"Posko Desk (baris perintah)"', 'WriteRegStr HKLM "Software\\Classes\\.posko"',
                   '"$INSTDIR\\posko-desktop.exe" "%1"', "WriteUninstaller",
                   "Data Anda TIDAK dihapus", "Your data was NOT removed"):
        assert needle in nsi, needle
    uninstall = nsi.split('Section "Uninstall"', 1)[1]
    assert "LOCALAPPDATA" not in uninstall.split("DetailPrint", 1)[0]  # nothing in profiles


def test_a_broken_script_fails_to_compile(windows_bundle: Path, tmp_path: Path):
    """The compile test can fail: makensis stops at an unknown instruction."""
    broken = tmp_path / "broken.nsi"
    text = (ROOT / "installer" / "windows" / "posko.nsi").read_text(encoding="utf-8")
    broken.write_text(text.replace("WriteUninstaller", "WriteUninstallerr"), encoding="utf-8")
    sys.path.insert(0, str(MAKE.parent))
    try:
        import make_installer
    finally:
        sys.path.remove(str(MAKE.parent))
    defines = make_installer.defines(windows_bundle, tmp_path)
    cmd = ["makensis", "-V2", *(f"-D{k}={v}" for k, v in defines.items()), str(broken)]
    assert subprocess.run(cmd, capture_output=True, text=True).returncode != 0


def test_windows_workflow_is_valid_and_names_every_step():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    jobs = flow["jobs"]
    assert jobs, "no jobs"
    runs = []
    for job in jobs.values():
        assert job["runs-on"].startswith("windows")
        for step in job["steps"]:
            assert step.get("name"), step
            assert ("uses" in step) != ("run" in step), step
            runs.append(step.get("run", "") + step.get("uses", ""))
    text = "\n".join(runs)
    assert "-c installer/bundle-lock.txt" in text  # the same lock as Linux
    assert "installer/posko.spec" in text  # the same spec
    assert "installer/windows/check-bundle.ps1" in text
    assert "installer/windows/make_installer.py" in text
    assert "actions/upload-artifact" in text


def test_powershell_smoke_test_runs_what_check_bundle_sh_runs():
    """Every `posko` subcommand of check-bundle.sh appears in the PowerShell version."""
    sh = (ROOT / "installer" / "check-bundle.sh").read_text(encoding="utf-8")
    ps = (ROOT / "installer" / "windows" / "check-bundle.ps1").read_text(encoding="utf-8")
    for command in ("--version", '"init"', '"incident", "add"', '"demo-data"', '"stats"',
                    '"chart", "tilemap"', '"sitrep"', '"--exit-after-first-paint"'):
        assert command.strip('"').split('", "')[0] in sh
        assert command in ps, command
