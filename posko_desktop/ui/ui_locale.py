"""Numbers in widgets as the UI language writes them: Qt's default locale and the locale of
every spin box follow the language ("0,05" in Indonesian, "0.05" in English; the month and
day names of the calendar pop-ups too). A spin box reads what it shows, so typing the
language's decimal separator is understood."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QAbstractSpinBox, QApplication


def locale_of(lang: str) -> QLocale:
    if lang == "id":
        return QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def apply_ui_locale(lang: str) -> QLocale:
    """The default for widgets made from now on, and every spin box that exists already
    (also those of dialogs and forms outside the main window), which redraws its value."""
    locale = locale_of(lang)
    QLocale.setDefault(locale)
    for widget in QApplication.allWidgets():
        if isinstance(widget, QAbstractSpinBox) and widget.locale() != locale:
            widget.setLocale(locale)
    return locale
