"""Who and what this program is: name, version, publisher and description from
pyproject.toml (the one place they are written), and the versions of the packages it runs
on. Every artefact reads them from here: the window and its About dialog, `posko
--version`, backups' manifests, the PyInstaller bundle, the .deb and the Windows installer.

Where the facts come from, in order:
1. a PyInstaller bundle: `build-info.json` that `installer/posko.spec` wrote at build time
   (the bundle has no package metadata; the file also records every bundled package);
2. the installed distribution's metadata (`pip install -e .` or a wheel);
3. `pyproject.toml` next to the source tree (a clone run without installing).
"""

from __future__ import annotations

import json
import logging
import platform
import sys
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DISTRIBUTION = "posko-desktop"
PRODUCT = "Posko Desk Pilkada"
BUILD_INFO = "build-info.json"
SOURCE_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class AppInfo:
    version: str
    publisher: str
    description: str
    frozen: bool = False  # running from a PyInstaller bundle
    # Bundle: the exact versions recorded at build time; else empty (see `packages()`).
    recorded_packages: dict[str, str] = field(default_factory=dict)
    build: dict[str, str] = field(default_factory=dict)  # python, platform, pyinstaller …
    product: str = PRODUCT


def bundle_dir() -> Path | None:
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else None


@cache
def app_info() -> AppInfo:
    bundle = bundle_dir()
    if bundle is not None and (bundle / BUILD_INFO).is_file():
        return from_build_info(json.loads((bundle / BUILD_INFO).read_text(encoding="utf-8")))
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return from_pyproject(SOURCE_ROOT / "pyproject.toml")
    return AppInfo(version=meta["Version"], publisher=meta["Author"] or "",
                   description=meta["Summary"] or "")


def from_build_info(data: dict[str, Any]) -> AppInfo:
    return AppInfo(version=str(data["version"]), publisher=str(data["publisher"]),
                   description=str(data["description"]), frozen=True,
                   recorded_packages={str(k): str(v) for k, v in data["packages"].items()},
                   build={str(k): str(v) for k, v in data.get("build", {}).items()})


def from_pyproject(path: Path) -> AppInfo:
    import tomllib  # only for a source tree run without installing

    try:
        project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
    except (OSError, KeyError, ValueError) as err:
        logger.warning("No version information (%s): %s", path, err)
        return AppInfo(version="0+unknown", publisher="", description="")
    authors = project.get("authors") or [{}]
    return AppInfo(version=str(project["version"]), publisher=str(authors[0].get("name", "")),
                   description=str(project.get("description", "")))


def build_info_json(info: AppInfo, packages: dict[str, str], build: dict[str, str]) -> str:
    """What the bundle records (written by installer/posko.spec, read by `app_info`)."""
    return json.dumps({"product": info.product, "version": info.version,
                       "publisher": info.publisher, "description": info.description,
                       "packages": dict(sorted(packages.items())), "build": build},
                      indent=2, ensure_ascii=False) + "\n"


# --- the packages the program runs on --------------------------------------------------------


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def requirement_closure(root: str, extras: tuple[str, ...] = ()) -> dict[str, str]:
    """Every installed distribution `root` needs on this platform (its own extras
    included), by canonical name → installed version; `root` itself is left out."""
    from packaging.requirements import Requirement  # build and --verbose only

    found: dict[str, str] = {}
    todo: list[tuple[str, tuple[str, ...]]] = [(root, extras)]
    while todo:
        name, wanted = todo.pop()
        dist = metadata.distribution(name)
        for line in dist.requires or []:
            req = Requirement(line)
            envs = [{"extra": e} for e in wanted] or [{"extra": ""}]
            if req.marker is not None and not any(req.marker.evaluate(env) for env in envs):
                continue
            key = _canonical(req.name)
            if key in found:
                continue
            found[key] = metadata.version(req.name)
            todo.append((req.name, tuple(sorted(req.extras))))
    found.pop(_canonical(root), None)
    return dict(sorted(found.items()))


def packages() -> dict[str, str]:
    """Bundle: the versions recorded at build time. Source: the installed versions of
    every package the program needs (empty when the program is not installed)."""
    info = app_info()
    if info.frozen:
        return info.recorded_packages
    try:
        return requirement_closure(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return {}


def verbose_lines() -> list[str]:
    """`posko --version --verbose`: one fact per line, then `name==version` per package."""
    info = app_info()
    lines = [f"{info.product} {info.version}", f"publisher: {info.publisher}",
             f"python: {platform.python_version()} ({sys.platform}, {platform.machine()})",
             "bundle: {kind}".format(kind="PyInstaller" if info.frozen else "no (source)")]
    lines += [f"build {key}: {value}" for key, value in sorted(info.build.items())]
    lines.append("packages ({how}):".format(
        how="recorded at build" if info.frozen else "installed"))
    lines += [f"  {name}=={version}" for name, version in packages().items()]
    return lines


# --- licences of what ships -------------------------------------------------------------------


@dataclass(frozen=True)
class ThirdParty:
    name: str
    licence: str
    source: str
    package: str = ""  # the PyPI distribution, for libraries


def third_party() -> tuple[list[ThirdParty], list[ThirdParty]]:
    """(shipped data, main libraries) with their licences: resources/third-party.json."""
    from posko_desktop.core.resources import load_json

    raw = load_json("third-party.json")

    def entries(key: str) -> list[ThirdParty]:
        return [ThirdParty(e["name"], e["licence"], e["source"], e.get("package", ""))
                for e in raw[key]]

    return entries("data"), entries("libraries")
