"""Training mode in the window (issue 19; services/training.py).

`TrainingControls` (the main window owns one): the LATIHAN badge in the status bar, the
File menu's switch (*Mode latihan* on a live database, *Kembali ke data asli* on a training
one), and whether *Muat data contoh* is enabled (only in a training database). The switch
asks first, then starts the app again on the other database file and closes this window: the
database left behind is not touched. The training file sits next to the live one
(`posko-latihan.sqlite3`); a new file of that name becomes a training database at its first
start (`creates_training`).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QProcess, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMessageBox

from posko_desktop.core.context import AppContext
from posko_desktop.core.i18n import _
from posko_desktop.core.services import training
from posko_desktop.paths import AppPaths, resolve_db

if TYPE_CHECKING:
    from posko_desktop.ui.main_window import MainWindow

logger = logging.getLogger(__name__)

BADGE_STYLE = ("QLabel { background: #a01010; color: white; font-weight: bold; "
               "padding: 1px 10px; border-radius: 3px; }")


def creates_training(location: str | Path | None) -> bool:
    """A database file named like the training file becomes a training database when it
    is set up (first start after File → Mode latihan)."""
    return location is not None and Path(location).name == training.TRAINING_FILE_NAME


def other_database(ctx: AppContext, is_training: bool) -> Path | None:
    """The file the switch opens: the training file next to this live one, or the live
    database (--db / POSKO_DB / the default file) from a training one. None on a server."""
    here = ctx.db.file
    if here is None:
        return None
    if not is_training:
        return Path(here).with_name(training.TRAINING_FILE_NAME)
    live = Path(resolve_db(None, AppPaths.default()))
    if creates_training(live):  # started on the training file: its live sibling
        live = live.with_name(AppPaths.default().default_db.name)
    return live


def relaunch_command(location: Path) -> tuple[str, list[str]]:
    """The program and arguments that start the app on `location`."""
    if getattr(sys, "frozen", False):  # the bundled app
        return sys.executable, ["--db", str(location)]
    return sys.executable, ["-c", "from posko_desktop.app import main; raise SystemExit(main())",
                            "--db", str(location)]


class TrainingControls:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.training = training.is_training(window.ctx)
        self.badge = QLabel(window)
        self.badge.setObjectName("training_badge")
        self.badge.setStyleSheet(BADGE_STYLE)
        self.badge.setVisible(self.training)
        window.statusBar().insertPermanentWidget(0, self.badge)
        self.switch_action = QAction(window)
        self.switch_action.setObjectName("training_switch")
        self.switch_action.triggered.connect(self.ask_switch)
        self.switch_action.setEnabled(other_database(window.ctx, self.training) is not None)

    def window_title(self, title: str) -> str:
        return _("LATIHAN — {title}").format(title=title) if self.training else title

    def retranslate_ui(self) -> None:
        self.badge.setText(_("LATIHAN — training data"))
        self.badge.setToolTip(_("This is a training database: its data and every output "
                                "are marked LATIHAN and are not official"))
        self.switch_action.setText(_("Back to the live data (Kembali ke data asli)…")
                                   if self.training else _("Training mode (Mode latihan)…"))
        demo = self.window.demo_action
        demo.setEnabled(self.training)
        demo.setToolTip("" if self.training else _(
            "Demo data only goes into a training database: File → Training mode"))
        demo.setStatusTip(demo.toolTip())

    def ask_switch(self) -> QMessageBox | None:
        target = other_database(self.window.ctx, self.training)
        if target is None:
            return None
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        text = (_("Close the training database and open the live data ({file})?")
                if self.training else
                _("Open the training database ({file})? The live data stays as it is; "
                  "everything you do there is marked LATIHAN."))
        box = QMessageBox(QMessageBox.Icon.Question, _("Switch database"),
                          text.format(file=target), yes | no, self.window)
        box.setObjectName("training_switch_confirm")
        box.setDefaultButton(no)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self.switch_to(target)
                             if box.clickedButton() is box.button(yes) else None)
        box.open()
        return box

    def switch_to(self, target: Path) -> bool:
        program, arguments = relaunch_command(target)
        logger.info("Switching to %s (training=%s now)", target, self.training)
        started, _pid = QProcess.startDetached(program, arguments)
        if not started:
            logger.warning("Could not start the app on %s", target)
            self.window.status_message(_("Could not open {file}").format(file=target))
            return False
        self.window.close()
        return True
