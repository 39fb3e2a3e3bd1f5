"""Spreadsheets in the window: File menu entries for the import dialog (row-level report),
the export of the (filtered) log and the Excel template.

The main window provides `ctx`, `runner`, `status_message(text)`, `file_menu` and
`log.filter_bar.filter()`; one line in it, `install_menu(self)`, adds the entries. The work
itself lives in `dialog.py`, imported on first use so openpyxl is not loaded at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from posko_desktop.core import i18n
from posko_desktop.core.i18n import _
from posko_desktop.core.services.incidents import IncidentFilter

if TYPE_CHECKING:
    from posko_desktop.ui.spreadsheets.dialog import ImportDialog
    from posko_desktop.ui.tasks import Task


def open_import_dialog(window: Any, path: str | Path | None = None) -> ImportDialog | None:
    """Ask for a file (unless given), open the import dialog and start checking it."""
    from posko_desktop.ui.spreadsheets import dialog  # deferred heavy import (openpyxl)

    return dialog.open_import_dialog(window, path)


def export_log(window: Any, flt: IncidentFilter, path: str | Path | None = None,
               fmt: str | None = None) -> Task | None:
    """Export the (filtered) log to XLSX or CSV with a progress dialog and cancel."""
    from posko_desktop.ui.spreadsheets import dialog  # deferred heavy import (openpyxl)

    return dialog.export_log(window, flt, path, fmt)


def save_template(window: Any, path: str | Path | None = None) -> Task | None:
    """Write the Excel template off the GUI thread."""
    from posko_desktop.ui.spreadsheets import dialog  # deferred heavy import (openpyxl)

    return dialog.save_template(window, path)


def _current_filter(window: Any) -> IncidentFilter:
    try:
        return window.log.filter_bar.filter()
    except AttributeError:
        return IncidentFilter()


class SpreadsheetActions(QObject):
    """The three menu entries; `install_menu` puts them into the window's File menu."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.import_action = QAction(window)
        self.import_action.setObjectName("action_import_spreadsheet")
        self.import_action.triggered.connect(lambda: open_import_dialog(window))
        self.export_action = QAction(window)
        self.export_action.setObjectName("action_export_log")
        self.export_action.triggered.connect(lambda: export_log(window, _current_filter(window)))
        self.template_action = QAction(window)
        self.template_action.setObjectName("action_save_template")
        self.template_action.triggered.connect(lambda: save_template(window))
        i18n.on_language_changed(lambda _lang: self.retranslate_ui())
        self.retranslate_ui()

    @property
    def actions(self) -> list[QAction]:
        return [self.import_action, self.export_action, self.template_action]

    def retranslate_ui(self) -> None:
        try:
            self.import_action.setText(_("&Import spreadsheet (Excel/CSV)…"))
            self.export_action.setText(_("E&xport the log (Excel/CSV)…"))
            self.template_action.setText(_("Save the Excel &template…"))
        except RuntimeError:  # the window is gone
            pass


def install_menu(window: Any) -> SpreadsheetActions:
    """Add the spreadsheet entries to `window.file_menu` as a group before its last group
    (usually "Quit")."""
    actions = SpreadsheetActions(window)
    menu = getattr(window, "file_menu", None)
    if menu is not None:
        before = next((a for a in reversed(menu.actions()) if a.isSeparator()), None)
        if before is None:
            menu.addSeparator()
            menu.addActions(actions.actions)
        else:
            menu.insertActions(before, actions.actions)
            menu.insertSeparator(actions.actions[0])
    window.spreadsheet_actions = actions
    return actions
