"""Render the application icon from its SVG source (run after editing the SVG; the results
are committed, so builds need neither tool):

    .venv/bin/python installer/make_icons.py

resources/icons/posko-desk.svg → resources/icons/posko-desk-{16..512}.png (rsvg-convert,
Debian package librsvg2-bin) and resources/icons/posko-desk.ico (every PNG up to 256 px in
one file, Pillow). Small sizes are rendered from the SVG at their own size, not scaled
down from a big PNG, so 16 px stays sharp.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PIL import Image

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SOURCE = ICONS / "posko-desk.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = tuple(s for s in SIZES if s <= 256)  # the .ico format stops at 256 px


def png_path(size: int) -> Path:
    return ICONS / f"posko-desk-{size}.png"


def render() -> None:
    tool = shutil.which("rsvg-convert")
    if tool is None:
        raise SystemExit("make_icons: install rsvg-convert first (apt-get install librsvg2-bin)")
    for size in SIZES:
        subprocess.run([tool, "-w", str(size), "-h", str(size), "-o", str(png_path(size)),
                        str(SOURCE)], check=True)
    images = [Image.open(png_path(s)).convert("RGBA") for s in ICO_SIZES]
    images[-1].save(ICONS / "posko-desk.ico", format="ICO",
                    sizes=[(s, s) for s in ICO_SIZES], append_images=images[:-1])
    print(f"make_icons: {len(SIZES)} PNG sizes and posko-desk.ico in {ICONS}")


if __name__ == "__main__":
    render()

