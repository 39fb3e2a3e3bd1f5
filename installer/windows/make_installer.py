"""Compile the Windows installer (posko.nsi) around a built bundle, with the identity from
pyproject.toml. Runs wherever `makensis` runs: Windows CI, or Debian's `nsis` package.

    python installer/windows/make_installer.py dist/posko-desk dist
    → dist/posko-desk-VERSION-setup.exe
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("posko.nsi")
ICON = ROOT / "resources" / "icons" / "posko-desk.ico"


def installer_name(version: str) -> str:
    return f"posko-desk-{version}-setup.exe"


def defines(dist: Path, out: Path) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    version = project["version"]
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    return {"VERSION": version, "VERSION4": ".".join(str(n) for n in numbers + [0] * (4 - len(numbers))),
            "PUBLISHER": project["authors"][0]["name"], "DESCRIPTION": project["description"],
            "DIST": str(dist.resolve()), "ICON": str(ICON),
            "OUTFILE": str((out / installer_name(version)).resolve())}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    dist, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    makensis = shutil.which("makensis")
    if makensis is None:
        print("make_installer: makensis not found (Debian: apt-get install nsis)", file=sys.stderr)
        return 1
    values = defines(dist, out)
    cmd = [makensis, "-V2", "-INPUTCHARSET", "UTF8"]
    cmd += [f"-D{key}={value}" for key, value in values.items()] + [str(SCRIPT)]
    subprocess.run(cmd, check=True)
    print(values["OUTFILE"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
