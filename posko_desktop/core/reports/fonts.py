"""DejaVu Sans and Serif (shipped with matplotlib) registered once in reportlab, as
families so `<b>`/`<i>` work; TrueType fonts are always embedded (subset) in the PDF."""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from posko_desktop.core.resources import font_path

SANS = "DejaVuSans"
SERIF = "DejaVuSerif"
MONO = "DejaVuSansMono"  # checksums and addresses that must read character by character

_FAMILIES = {
    SANS: ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
           "DejaVuSans-BoldOblique.ttf"),
    SERIF: ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf",
            "DejaVuSerif-BoldItalic.ttf"),
}
_lock = threading.Lock()
_done = False


def register_fonts() -> None:
    global _done
    with _lock:
        if _done:
            return
        for family, files in _FAMILIES.items():
            names = (family, f"{family}-Bold", f"{family}-Italic", f"{family}-BoldItalic")
            for name, file in zip(names, files, strict=True):
                pdfmetrics.registerFont(TTFont(name, str(font_path(file))))
            pdfmetrics.registerFontFamily(family, normal=names[0], bold=names[1],
                                          italic=names[2], boldItalic=names[3])
        pdfmetrics.registerFont(TTFont(MONO, str(font_path("DejaVuSansMono.ttf"))))
        _done = True
