"""Muat data contoh: generate demo incidents off the GUI thread, with progress and cancel."""

from __future__ import annotations

import importlib
import logging
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import _
from posko_desktop.core.progress import Cancelled
from posko_desktop.core.textrules import format_int
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.tasks import Task, TaskRunner

logger = logging.getLogger(__name__)

VOTING_DAY = date(2024, 11, 27)


class DemoDataDialog(QDialog):
    finished_loading = Signal(int)  # number of incidents written

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.task: Task | None = None
        self.written: int | None = None
        self.setObjectName("demo_data")
        self.setMinimumWidth(460)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.count = QSpinBox(self)
        self.count.setRange(1, 2_000_000)
        self.count.setSingleStep(1000)
        self.count.setValue(20_000)
        self.days = QSpinBox(self)
        self.days.setRange(1, 730)
        self.days.setValue(90)
        self.end_date = QDateEdit(self)
        self.end_date.setCalendarPopup(True)
        self.end_date.setDisplayFormat("dd-MM-yyyy")
        self.end_date.setDate(QDate(2024, 11, 30))
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2_000_000_000)
        self.seed.setValue(2024)
        self.labels = [QLabel(self) for _i in range(4)]
        form = QFormLayout()
        for label, field in zip(self.labels, (self.count, self.days, self.end_date, self.seed),
                                strict=True):
            label.setBuddy(field)
            form.addRow(label, field)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.start_button = QPushButton(self)
        self.start_button.setDefault(True)
        self.buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Load demo data"))
        self.intro.setText(_("Adds realistic synthetic incidents (uneven across regencies and "
                             "categories, rising toward voting day 27 November 2024) so the "
                             "log, dashboard and sitrep can be tried. The same seed gives the "
                             "same data."))
        for label, text in zip(self.labels, (_("&Incidents:"), _("&Days:"), _("&Last day:"),
                                             _("&Seed:")), strict=True):
            label.setText(text)
        self.start_button.setText(_("Load"))

    def parameters(self) -> dict[str, Any]:
        d = self.end_date.date()
        return {"incidents": self.count.value(), "days": self.days.value(),
                "end_date": date(d.year(), d.month(), d.day()), "seed": self.seed.value()}

    def start(self) -> None:
        if self.task is not None:
            return
        params = self.parameters()
        for w in (self.count, self.days, self.end_date, self.seed, self.start_button):
            w.setEnabled(False)
        self.message.setText(_("Preparing…"))
        logger.info("Loading demo data %s", params)
        # Imported here, not at start-up: the generator is only needed when asked for.
        demo = importlib.import_module("posko_desktop.core.services.demo")
        self.task = self.runner.run(demo.generate, self.ctx, on_progress=self._on_progress,
                                    on_done=self._on_done, on_error=self._on_error, **params)

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if not isValid(self):
            return
        if total > 0:
            self.progress.setRange(0, 100)
            self.progress.setValue(int(100 * done / total))
        else:
            self.progress.setRange(0, 0)
        self.message.setText(message or _("{done} of {total}").format(
            done=format_int(done), total=format_int(total)))

    def _on_done(self, written: int) -> None:
        if not isValid(self):
            return
        self.task = None
        self.written = int(written or 0)
        self.progress.setRange(0, 100)
        self.progress.setValue(100)
        self.finished_loading.emit(self.written)
        self.accept()

    def _on_error(self, err: BaseException) -> None:
        if not isValid(self):
            return
        self.task = None
        if isinstance(err, Cancelled):
            self.reject()
            return
        for w in (self.count, self.days, self.end_date, self.seed, self.start_button):
            w.setEnabled(True)
        self.message.setText("")
        show_error(self, err if isinstance(err, PoskoError) else err)

    def cancel(self) -> None:
        if self.task is not None:
            self.message.setText(_("Cancelling…"))
            self.cancel_button.setEnabled(False)
            self.task.cancel()  # the core rolls back; _on_error closes the dialog
        else:
            self.reject()

    def reject(self) -> None:
        if self.task is not None:  # Esc while running means cancel, not hide
            self.cancel()
            return
        super().reject()
