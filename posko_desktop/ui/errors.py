"""Show errors to the user: bilingual for refused actions, a dialog instead of a crash."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import _

logger = logging.getLogger(__name__)

# Parentless message boxes are owned by Python: keep them alive until they are closed.
_open_boxes: list[QMessageBox] = []


def _keep(box: QMessageBox) -> None:
    if box.parent() is None:
        _open_boxes.append(box)
        box.finished.connect(lambda _r: _open_boxes.remove(box) if box in _open_boxes else None)


def show_error(parent: QWidget | None, err: BaseException, title: str | None = None) -> QMessageBox:
    """Non-blocking message box. A PoskoError shows in Indonesian and English (the office
    may run the UI in English while the message is read by an Indonesian supervisor)."""
    if isinstance(err, PoskoError):
        text = err.text()
        other = err.text_in("en" if text == err.text_in("id") else "id")
        if other != text:
            text = "{main}\n\n{other}".format(main=text, other=other)
    else:
        text = _("Unexpected error: {error}").format(error=err)
    box = QMessageBox(QMessageBox.Icon.Warning, title or _("Action refused"), text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setObjectName("posko_error_box")
    _keep(box)
    box.open()
    return box


def install_exception_hook(log_file: Path) -> None:
    """Log unhandled exceptions and show a dialog instead of letting the app die (Vorta)."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        logger.critical("Unhandled exception", exc_info=(exc_type, exc, tb))
        app = QApplication.instance()
        if app is None:
            sys.__excepthook__(exc_type, exc, tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        box = QMessageBox(QMessageBox.Icon.Critical, _("Unexpected error"),
                          _("Something went wrong: {error}\n\nYour data is safe; the details "
                            "are in the log file {log}.").format(error=exc, log=log_file),
                          QMessageBox.StandardButton.Ok)
        box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _keep(box)
        box.open()

    sys.excepthook = hook
