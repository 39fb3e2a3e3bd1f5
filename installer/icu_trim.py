"""Rebuild Qt's ICU data library (`libicudata.so.NN`) with only what the app can use.

The PyPI build of Qt links ICU; its data library holds every locale's names, currencies,
units, time-zone names and collation plus ~200 legacy code pages: 32 MB of the bundle.
The app speaks Indonesian and English and decodes text with Python, so we keep:

- every item that is not per-locale (properties, normalisation, break rules and
  dictionaries, time-zone rules, the converter alias table, transliteration),
- the per-locale items of `root`, `id` and `en` (and their `pool`/`res_index`),
- the Western European and DOS code pages (`windows-125x`, ISO 8859, IBM 437/850/858);

and drop the rest. ICU falls back to `root` for any other locale, as it does for a
locale it does not know. Tools: `icupkg` and `genccode` (Debian `icu-devtools`) and a C
compiler driver for the assembler (`gcc`). Measured sizes: docs/performance.md.

    python installer/icu_trim.py LIBICUDATA OUT_DIR    # prints the new library's path
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

KEEP_LOCALES = frozenset({"root", "id", "id_ID", "en", "en_US", "en_US_POSIX", "en_001",
                          "en_GB", "en_ID", "pool", "res_index"})
LOCALE_TREES = frozenset({"coll", "curr", "lang", "region", "unit", "zone", "rbnf"})
KEEP_CODE_PAGES = re.compile(r"^ibm-(534[6-9]|535[0-4]|91[2-9]|92[0-3]|437|850|858|1252)_")
_LOCALE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]*)*")
_SONAME = re.compile(r"libicudata\.so\.(\d+)$")
TOOLS = ("icupkg", "genccode", "gcc")


class TrimError(RuntimeError):
    pass


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


def dropped(items: list[str]) -> list[str]:
    """The package items to leave out (item names as `icupkg -l` lists them)."""
    out = []
    for item in items:
        parts = item.split("/")
        name = parts[-1]
        tree = parts[0] if len(parts) > 1 else None
        if name.endswith(".cnv") and tree is None:
            if not KEEP_CODE_PAGES.match(name):
                out.append(item)
            continue
        if not name.endswith(".res") or (tree is not None and tree not in LOCALE_TREES):
            continue
        stem = name[:-4]
        if stem not in KEEP_LOCALES and _LOCALE.fullmatch(stem):
            out.append(item)
    return out


def _data_blob(lib: Path, symbol: str) -> bytes:
    """The bytes of the exported data symbol (`icudtNN_dat`), read through `nm`."""
    listing = _run("nm", "-D", "--defined-only", "-S", str(lib))
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[3] == symbol:
            start, size = int(fields[0], 16), int(fields[1], 16)
            break
    else:
        raise TrimError(f"{lib} does not export {symbol}")
    # In this library the symbol's address equals its file offset (.rodata at its
    # load address); check the package header's magic bytes rather than assume it.
    data = lib.read_bytes()[start:start + size]
    if len(data) != size or data[2:4] != b"\xda\x27":
        raise TrimError(f"{lib}: {symbol} is not an ICU data package at offset {start:#x}")
    return data


def trim(lib: Path, out_dir: Path) -> Path:
    """Write a trimmed copy of `lib` (same soname, same exported symbol) into `out_dir`."""
    match = _SONAME.search(lib.name)
    if match is None:
        raise TrimError(f"not an ICU data library: {lib.name}")
    if missing := missing_tools():
        raise TrimError("missing build tools: " + ", ".join(missing)
                        + " (Debian: apt install icu-devtools gcc)")
    version = match.group(1)
    name = f"icudt{version}l"
    work = out_dir / "icu-work"
    work.mkdir(parents=True, exist_ok=True)
    full = work / f"{name}.dat"
    full.write_bytes(_data_blob(lib, f"icudt{version}_dat"))
    items = _run("icupkg", "-l", str(full)).split()
    drop = work / "drop.txt"
    drop.write_text("\n".join(dropped(items)) + "\n", encoding="utf-8")
    small = work / "small" / f"{name}.dat"
    small.parent.mkdir(exist_ok=True)
    _run("icupkg", "-r", str(drop), str(full), str(small))
    _run("genccode", "-e", f"icudt{version}", "-a", "gcc", "-d", str(work), str(small))
    out = out_dir / lib.name
    _run("gcc", "-shared", "-nostdlib", f"-Wl,-soname,{lib.name}", "-o", str(out),
         str(work / f"{name}_dat.S"))
    return out


def _run(*cmd: str) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise TrimError(f"{' '.join(cmd[:2])} failed: {done.stderr.strip()[:500]}")
    return done.stdout


if __name__ == "__main__":
    print(trim(Path(sys.argv[1]), Path(sys.argv[2])))
