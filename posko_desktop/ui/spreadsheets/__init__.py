"""Spreadsheets in the window: File menu entries for the import dialog (row-level report),
the export of the (filtered) log and the Excel template.

The main window owns a `SpreadsheetActions` and puts its `actions` into its File menu. The
work itself lives in `dialog.py`, imported on first use so openpyxl is not loaded at
start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from posko_desktop.core import i18n
from posko_desktop.core.i18n import _

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from posko_desktop.core.context import AppContext
    from posko_desktop.core.services.incidents import IncidentFilter
    from posko_desktop.ui.spreadsheets.dialog import ImportDialog
    from posko_desktop.ui.tasks import Task, TaskRunner


class SpreadsheetHost(Protocol):
    """What the spreadsheet entries need from the window."""

    @property
    def ctx(self) -> AppContext: ...

    @property
    def runner(self) -> TaskRunner: ...

    def status_message(self, text: str) -> None: ...

    def window(self) -> QWidget:
        """The parent of the file choosers and dialogs (`QWidget.window()`)."""
        ...


def open_import_dialog(host: SpreadsheetHost,
                       path: str | Path | None = None) -> ImportDialog | None:
    """Ask for a file (unless given), open the import dialog and start checking it."""
    from posko_desktop.ui.spreadsheets import dialog  # deferred heavy import (openpyxl)

    return dialog.open_import_dialog(host, path)


def export_log(host: SpreadsheetHost, flt: IncidentFilter, path: str | Path | None = None,
               fmt: str | None = None) -> Task | None:
    """Export the (filtered) log to XLSX or CSV with a progress dialog and cancel."""
    from posko_desktop.ui.spreadsheets import dialog  # deferred heavy import (openpyxl)

    return dialog.export_log(host, flt, path, fmt)


def save_template(host: SpreadsheetHost, path: str | Path | None = None) -> Task | None:
    """Write the Excel template off the GUI thread."""
    from posko_desktop.ui.spreadsheets import dialog  # deferred heavy import (openpyxl)

    return dialog.save_template(host, path)


class SpreadsheetActions(QObject):
    """The three menu entries (`actions`, for the window's File menu); `current_filter`
    gives the log's filter for the export. The last import dialog opened is
    `import_dialog`."""

    def __init__(self, host: SpreadsheetHost,
                 current_filter: Callable[[], IncidentFilter]) -> None:
        parent = host.window()
        super().__init__(parent)
        self.host = host
        self.import_dialog: ImportDialog | None = None
        self.import_action = QAction(parent)
        self.import_action.setObjectName("action_import_spreadsheet")
        self.import_action.triggered.connect(self.open_import)
        self.export_action = QAction(parent)
        self.export_action.setObjectName("action_export_log")
        self.export_action.triggered.connect(lambda: export_log(host, current_filter()))
        self.template_action = QAction(parent)
        self.template_action.setObjectName("action_save_template")
        self.template_action.triggered.connect(lambda: save_template(host))
        i18n.on_language_changed(lambda _lang: self.retranslate_ui())
        self.retranslate_ui()

    @property
    def actions(self) -> list[QAction]:
        return [self.import_action, self.export_action, self.template_action]

    def open_import(self) -> ImportDialog | None:
        dialog = open_import_dialog(self.host)
        if dialog is not None:
            self.import_dialog = dialog
        return dialog

    def retranslate_ui(self) -> None:
        try:
            self.import_action.setText(_("&Import spreadsheet (Excel/CSV)…"))
            self.export_action.setText(_("E&xport the log (Excel/CSV)…"))
            self.template_action.setText(_("Save the Excel &template…"))
        except RuntimeError:  # the window is gone
            pass
