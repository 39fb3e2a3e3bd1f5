"""The bundle's lock file, installer/bundle-lock.txt: exact versions of every package that
goes into the PyInstaller bundle, and of the build tools, as pip constraints.

    .venv/bin/python installer/bundle_lock.py write   # after a deliberate upgrade
    .venv/bin/python installer/bundle_lock.py check   # the venv matches the lock (exit 1 if not)

Install for a build with `pip install -c installer/bundle-lock.txt -e ".[package]"`;
installer/posko.spec runs `check` and refuses to build from anything else, then records
the bundled packages in the bundle (build-info.json; `posko --version --verbose`).
The lock is made on Linux; a Windows build installs the same constraints and gets, on
top, the few Windows-only packages (e.g. pywin32-ctypes for PyInstaller), unpinned.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from posko_desktop.core.appinfo import DISTRIBUTION, requirement_closure  # noqa: E402

LOCK = ROOT / "installer" / "bundle-lock.txt"
BUILD_TOOL = "pyinstaller"
HEADER = """\
# Exact versions of every package in the Posko Desk bundle (and, below, the build tools).
# Made by `.venv/bin/python installer/bundle_lock.py write`; the build checks the venv
# against it (installer/README.md, "Reproducible builds"). Use as pip constraints:
#   .venv/bin/pip install -c installer/bundle-lock.txt -e ".[package]"
"""


def bundled() -> dict[str, str]:
    return requirement_closure(DISTRIBUTION)


def build_tools() -> dict[str, str]:
    tools = requirement_closure(BUILD_TOOL)
    tools[BUILD_TOOL] = metadata.version(BUILD_TOOL)
    return {k: v for k, v in sorted(tools.items()) if k not in bundled()}


def render(runtime: dict[str, str], tools: dict[str, str]) -> str:
    lines = [HEADER, "# in the bundle"]
    lines += [f"{name}=={version}" for name, version in sorted(runtime.items())]
    lines += ["", "# build tools (not in the bundle)"]
    lines += [f"{name}=={version}" for name, version in sorted(tools.items())]
    return "\n".join(lines) + "\n"


def read_lock(path: Path = LOCK) -> tuple[dict[str, str], dict[str, str]]:
    """(bundled, build tools) as written in the lock file."""
    runtime: dict[str, str] = {}
    tools: dict[str, str] = {}
    target = runtime
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# build tools"):
            target = tools
        if not line.strip() or line.startswith("#"):
            continue
        name, version = line.split("==")
        target[name.strip()] = version.strip()
    return runtime, tools


def differences() -> list[str]:
    """What the venv has that the lock does not say (empty: they match)."""
    want_runtime, want_tools = read_lock()
    out = []
    for want, have in ((want_runtime, bundled()), (want_tools, build_tools())):
        for name in sorted(set(want) | set(have)):
            if want.get(name) != have.get(name):
                out.append(f"{name}: lock {want.get(name, '-')}, installed {have.get(name, '-')}")
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["write"]:
        LOCK.write_text(render(bundled(), build_tools()), encoding="utf-8")
        print(f"bundle_lock: wrote {LOCK}")
        return 0
    if argv[:1] == ["check"]:
        diff = differences()
        for line in diff:
            print(f"bundle_lock: {line}", file=sys.stderr)
        if diff:
            print("bundle_lock: install with `pip install -c installer/bundle-lock.txt "
                  "-e \".[package]\"` or, for a deliberate upgrade, run `write`", file=sys.stderr)
        return 1 if diff else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
