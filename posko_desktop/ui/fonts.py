"""Make sure text renders: register DejaVu Sans (shipped with matplotlib) with Qt."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication

from posko_desktop.core.resources import font_path

logger = logging.getLogger(__name__)

FALLBACK_FAMILY = "DejaVu Sans"
_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf")


def register_fonts() -> list[str]:
    """Register the bundled DejaVu files; returns the families Qt now knows from them."""
    families: list[str] = []
    for name in _FILES:
        try:
            path = font_path(name)
        except FileNotFoundError:
            logger.warning("Font %s not found (matplotlib missing?)", name)
            continue
        if not path.exists():
            logger.warning("Font file %s does not exist", path)
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            logger.warning("Qt refused the font file %s", path)
            continue
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def system_font_usable(app: QApplication) -> bool:
    """True when the system (before our registration) has a real font family that the UI
    font resolves to; on a machine with no fonts every widget would show boxes."""
    families = set(QFontDatabase.families())
    return bool(families) and QFontInfo(app.font()).family() in families


def setup_fonts(app: QApplication) -> str:
    """Register DejaVu and use it as the application font if the system has none usable.
    Returns the family in use."""
    usable = system_font_usable(app)
    families = register_fonts()
    if not usable and families:
        font = QFont(FALLBACK_FAMILY, max(app.font().pointSize(), 10))
        app.setFont(font)
        logger.info("No usable system font; using %s", FALLBACK_FAMILY)
    return app.font().family()
