"""Qt's own strings (standard dialog buttons, line-edit menus) through our catalogue.

Qt ships no `qtbase_id`, so a QTranslator answers the handful of strings Qt's widgets
show; English falls through to Qt's built-in text.
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator

from posko_desktop.core.i18n import N_, _, current_language

# Qt source text (with its mnemonic) -> our msgid.
QT_STRINGS: dict[str, str] = {
    "OK": N_("OK"),
    "&OK": N_("OK"),
    "Cancel": N_("Cancel"),
    "&Cancel": N_("Cancel"),
    "Save": N_("Save"),
    "&Save": N_("Save"),
    "Save All": N_("Save all"),
    "Open": N_("Open"),
    "&Open": N_("Open"),
    "&Yes": N_("Yes"),
    "Yes to &All": N_("Yes to all"),
    "&No": N_("No"),
    "N&o to All": N_("No to all"),
    "Abort": N_("Abort"),
    "Retry": N_("Retry"),
    "Ignore": N_("Ignore"),
    "Close": N_("Close"),
    "&Close": N_("Close"),
    "Discard": N_("Discard"),
    "Don't Save": N_("Don't save"),
    "Close without Saving": N_("Close without saving"),
    "Help": N_("Help"),
    "Apply": N_("Apply"),
    "Reset": N_("Reset"),
    "Restore Defaults": N_("Restore defaults"),
    "&Undo": N_("Undo"),
    "&Redo": N_("Redo"),
    "Cu&t": N_("Cut"),
    "&Copy": N_("Copy"),
    "&Paste": N_("Paste"),
    "Delete": N_("Delete"),
    "Select All": N_("Select all"),
    "Show Details...": N_("Show details..."),
    "Hide Details...": N_("Hide details..."),
}


class CatalogueTranslator(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:  # Qt's signature
        # None is a null QString: Qt then keeps its own English text ("" would blank it).
        if current_language() == "en":
            return None
        msgid = QT_STRINGS.get(source)
        if msgid is None:
            return None
        text = _(msgid)
        if "&" in source and "&" not in text:
            text = "&" + text
        return text

    def isEmpty(self) -> bool:
        return False
