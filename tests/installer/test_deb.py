"""installer/build-deb.sh: the .deb an office installs on Debian/Ubuntu. Built from the
bundle (staged, or the real one with POSKO_BUNDLE), checked with dpkg-deb and lintian
(errors fail), installed into a throw-away root with `dpkg --root`, run from the installed
path (`posko --version`, then the bundle smoke test), removed cleanly."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
PKG = "posko-desk"

pytestmark = pytest.mark.packaging


def run(*cmd: str | Path, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=True, **kw)


@pytest.fixture
def deb(bundle: Path, tmp_path: Path) -> Path:
    env = {**os.environ, "DEB_COMPRESS": os.environ.get("DEB_COMPRESS", "gzip")}
    out = run("bash", ROOT / "installer" / "build-deb.sh", bundle, tmp_path / "out", env=env)
    path = Path(out.stdout.strip().splitlines()[-1])
    arch = run("dpkg", "--print-architecture").stdout.strip()
    assert path.name == f"{PKG}_{VERSION}_{arch}.deb" and path.is_file()
    return path


def fake_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    admin = root / "var" / "lib" / "dpkg"
    for sub in ("info", "updates", "triggers"):
        (admin / sub).mkdir(parents=True)
    (admin / "status").touch()
    return root


def dpkg(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # --force-depends: the throw-away root has no system libraries (the bundle's Qt uses
    # the machine's); --force-not-root: CI may run the suite as a user.
    return run("dpkg", f"--root={root}", "--log=/dev/null", "--force-depends",
               "--force-not-root", "--force-bad-path", *args)


def test_package_metadata_contents_and_lintian(deb: Path):
    info = run("dpkg-deb", "--info", deb).stdout
    fields = dict(line.strip().split(": ", 1) for line in info.splitlines()
                  if ": " in line and line.startswith(" ") and not line.startswith("  "))
    assert fields["Package"] == PKG and fields["Version"] == VERSION
    assert fields["Maintainer"].startswith("Pemerintah Provinsi Jawa Tengah <")
    depends = {d.split(" ")[0] for d in fields["Depends"].split(", ")}
    assert {"libgl1", "libegl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3",
            "libxcb-cursor0", "libxkbcommon-x11-0"} <= depends
    contents = run("dpkg-deb", "--contents", deb).stdout
    for path in ("./opt/posko-desk/posko", "./opt/posko-desk/posko-desktop",
                 "./usr/bin/posko -> /opt/posko-desk/posko",
                 "./usr/bin/posko-desktop -> /opt/posko-desk/posko-desktop",
                 "./usr/share/applications/posko-desk.desktop",
                 "./usr/share/mime/packages/posko-desk.xml",
                 "./usr/share/icons/hicolor/16x16/apps/posko-desk.png",
                 "./usr/share/icons/hicolor/scalable/apps/posko-desk.svg",
                 "./usr/share/doc/posko-desk/copyright"):
        assert path in contents, path
    assert " root/root " in contents and "DEBIAN" not in contents
    # no maintainer scripts: dpkg's triggers refresh menus, MIME and icon caches
    assert not {"postinst", "postrm", "preinst", "prerm"} & set(info.split())

    lint = subprocess.run(["lintian", "--tag-display-limit", "0", str(deb)],
                          capture_output=True, text=True)
    errors = [line for line in lint.stdout.splitlines() if line.startswith("E:")]
    assert errors == [], lint.stdout


def test_install_run_and_remove_in_a_throw_away_root(deb: Path, tmp_path: Path):
    root = fake_root(tmp_path)
    dpkg(root, "-i", str(deb))
    assert "ii  posko-desk" in dpkg(root, "-l", PKG).stdout
    app = root / "opt" / PKG
    assert os.readlink(root / "usr" / "bin" / "posko") == f"/opt/{PKG}/posko"
    desktop = (root / "usr/share/applications/posko-desk.desktop").read_text(encoding="utf-8")
    assert "Exec=posko-desktop %f" in desktop and "Icon=posko-desk" in desktop
    assert "MimeType=application/x-posko-package;" in desktop
    mime = (root / "usr/share/mime/packages/posko-desk.xml").read_text(encoding="utf-8")
    assert '<glob pattern="*.posko"/>' in mime

    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path / "home"),
           "POSKO_DATA_DIR": str(tmp_path / "home" / "data")}
    version = run(app / "posko", "--version", env=env, cwd=tmp_path)
    assert version.stdout == f"posko {VERSION}\n"
    smoke = run("bash", ROOT / "installer" / "check-bundle.sh", app, env=env, cwd=tmp_path,
                timeout=600)
    assert f"bundle OK: {app}" in smoke.stdout

    user_data = root / "home" / "kantor" / ".local" / "share" / "PoskoDesk" / "posko.sqlite3"
    user_data.parent.mkdir(parents=True)
    user_data.write_bytes(b"data of the office")
    dpkg(root, "--purge", PKG)
    assert not app.exists()
    left = sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and not str(p.relative_to(root)).startswith("var/lib/dpkg"))
    assert left == [str(user_data.relative_to(root))]  # only the user's data stays
    assert user_data.read_bytes() == b"data of the office"
