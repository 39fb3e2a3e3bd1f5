"""Opening the database at start-up off the GUI thread, with a progress dialog when it takes
long: the first start after an upgrade backs the file up and migrates it (minutes for a
big database), and the window must not freeze meanwhile. The dialog appears only when the
work takes more than `DIALOG_DELAY_MS`, so a normal start shows nothing."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.session import open_database
from posko_desktop.core.i18n import _
from posko_desktop.core.progress import Progress

logger = logging.getLogger(__name__)

DIALOG_DELAY_MS = 1000


class DatabaseOpener(QObject):
    """`open()` runs `open_database` on a worker thread and waits in a local event loop;
    `progressed` carries the core's reports to the GUI thread."""

    progressed = Signal(int, int, str)
    _finished = Signal()

    def __init__(self, parent: QWidget | None = None, delay_ms: int = DIALOG_DELAY_MS) -> None:
        super().__init__(parent)
        self.delay_ms = delay_ms
        self.dialog: QProgressDialog | None = None
        self.dialog_shown = False
        self._last: tuple[int, int, str] = (0, 100, "")
        self.progressed.connect(self._on_progress)

    def open(self, location: str | Path, *, create: bool = False) -> Database:
        if QCoreApplication.instance() is None:
            # No event loop can run (a script, a test without the app): the worker's
            # `_finished` would never arrive and `exec()` would wait for ever.
            return open_database(location, create=create)
        outcome: dict[str, object] = {}

        def work() -> None:
            try:
                outcome["db"] = open_database(location, create=create,
                                              progress=Progress(self.progressed.emit))
            except BaseException as err:  # handed to the GUI thread and raised there
                outcome["error"] = err
            finally:
                self._finished.emit()

        loop = QEventLoop()
        self._finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(self._show_dialog)
        timer.start(self.delay_ms)
        thread = threading.Thread(target=work, name="open-database", daemon=True)
        thread.start()
        loop.exec()  # returns once the worker's (queued) `_finished` arrives
        thread.join()
        timer.stop()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        error = outcome.get("error")
        if isinstance(error, BaseException):
            raise error
        db = outcome["db"]
        assert isinstance(db, Database)
        return db

    def _on_progress(self, done: int, total: int, message: str) -> None:
        self._last = (done, total, message)
        if self.dialog is not None:
            self._apply(self.dialog)

    def _show_dialog(self) -> None:
        dialog = QProgressDialog(_("Opening the database…"), "", 0, 100)
        dialog.setObjectName("upgrade_progress")
        dialog.setWindowTitle(_("Posko Desk is upgrading the database"))
        dialog.setCancelButton(None)  # a migration is one transaction: it finishes or not
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self.dialog = dialog
        self.dialog_shown = True
        self._apply(dialog)
        dialog.show()
        logger.info("Opening the database takes long: progress dialog shown")

    def _apply(self, dialog: QProgressDialog) -> None:
        done, total, message = self._last
        dialog.setMaximum(total or 0)
        dialog.setValue(done)
        if message:
            dialog.setLabelText(message)
