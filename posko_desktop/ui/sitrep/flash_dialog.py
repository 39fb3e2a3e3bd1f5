""""Laporan cepat…" from the incident's detail pane: the draft flash report of one incident
in a preview, saved as PDF, or issued after the same checklist as the sitrep (signer
filled; issuing needs `sitrep.issue`). The issued report goes into the report archive,
listed in the report tab. Every step runs off the GUI thread (services.flash)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from posko_desktop.core.context import AppContext
from posko_desktop.core.i18n import _, current_language
from posko_desktop.core.reports.annex import save_pdf
from posko_desktop.core.reports.flash_pdf import FlashOptions
from posko_desktop.core.services import flash, report_archive
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.sitrep.issue_dialog import IssueDialog, missing_signer_fields
from posko_desktop.ui.tasks import TaskRunner
from posko_desktop.ui.widgets.screen import resize_within_screen

logger = logging.getLogger(__name__)


class FlashDialog(QDialog):
    preview_ready = Signal(object)  # bytes of the PDF now shown
    issued = Signal(object)  # report_archive.IssuedInfo
    saved = Signal(str)

    def __init__(self, ctx: AppContext, runner: TaskRunner, incident_number: str,
                 title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("flash_dialog")
        self.ctx, self.runner = ctx, runner
        self.incident_number = incident_number
        self.options = FlashOptions(incident_number, lang=current_language())
        self.pdf = b""
        self.issued_number: str | None = None
        self.issue_dialog: IssueDialog | None = None
        self._busy = False
        self.pick_path: Callable[[str], str] = self._ask_path  # tests answer it
        self.setWindowTitle(_("Flash report – {number}").format(number=incident_number))
        self.heading = QLabel("{n} – {t}".format(n=incident_number, t=title), self)
        self.heading.setWordWrap(True)
        self.document = QPdfDocument(self)
        self._bytes = QByteArray()
        self._buffer: QBuffer | None = None
        self.view = QPdfView(self)
        self.view.setObjectName("flash_view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.status = QLabel(self)
        self.status.setObjectName("flash_status")
        self.status.setWordWrap(True)
        self.save_button = QPushButton(_("Save as…"), self)
        self.save_button.setObjectName("flash_save")
        self.issue_button = QPushButton(_("Issue…"), self)
        self.issue_button.setObjectName("flash_issue")
        self.close_button = QPushButton(_("Close"), self)
        self.save_button.clicked.connect(self.save)
        self.issue_button.clicked.connect(self.confirm_issue)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.issue_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        resize_within_screen(self, 760, 700)
        self.generate()

    # --- background work -------------------------------------------------------------
    def _run(self, fn: Any, *args: Any, on_done: Any, message: str) -> None:
        self._busy = True
        self.status.setText(message)
        self._update_buttons()

        def done(result: Any) -> None:
            if not isValid(self):
                return
            self._busy = False
            self._update_buttons()
            on_done(result)

        def failed(err: BaseException) -> None:
            if not isValid(self):
                return
            self._busy = False
            self._update_buttons()
            self.status.setText(_("Not done: {error}").format(
                error=err.text() if hasattr(err, "text") else err))
            show_error(self, err)

        self.runner.run(fn, *args, on_done=done, on_error=failed)

    def _update_buttons(self) -> None:
        allowed = can(self.ctx.actor, Permission.SITREP_ISSUE)
        self.save_button.setEnabled(bool(self.pdf) and not self._busy)
        self.issue_button.setEnabled(allowed and not self._busy and self.issued_number is None)
        if not allowed:
            self.issue_button.setToolTip(_("Only a supervisor or an administrator may issue"))

    # --- draft, preview, save ---------------------------------------------------------
    def generate(self) -> None:
        self._run(flash.generate, self.ctx, self.options, on_done=self._draft_ready,
                  message=_("Generating the report…"))

    def _draft_ready(self, result: tuple[bytes, Any, int]) -> None:
        pdf, data, pages = result
        self.show_pdf(pdf)
        text = _("Draft: {pages} pages. Issue it to give it a number.").format(pages=pages)
        if data.previous:
            text += " " + _("It updates the flash report number {number}.").format(
                number=data.previous)
        self.status.setText(text)

    def show_pdf(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self._update_buttons()
        self.preview_ready.emit(pdf)

    def _ask_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the flash report as"),
                                                    suggested, _("PDF files (*.pdf)"))
        return path

    def save(self) -> None:
        name = (self.issued_number or "laporan-cepat-" + self.incident_number).replace("/", "-")
        path = self.pick_path(name + ".pdf")
        if not path:
            return
        self._run(save_pdf, path, self.pdf, on_done=self._saved,
                  message=_("Saving {path}…").format(path=path))

    def _saved(self, paths: list[Path]) -> None:
        self.status.setText(_("Saved to {path}").format(path=paths[0]))
        self.saved.emit(str(paths[0]))

    # --- issuing ----------------------------------------------------------------------
    def confirm_issue(self) -> None:
        """The checklist (worker thread), then "Terbitkan" issues."""
        self._run(flash.issue_checklist, self.ctx, self.options, on_done=self.show_checklist,
                  message=_("Checking the report…"))

    def show_checklist(self, check: report_archive.Checklist) -> None:
        self.status.setText("" if check.signer_ok else _(
            "Not issued: fill in the signer ({fields}) in the settings.").format(
            fields=missing_signer_fields(check)))
        dialog = IssueDialog(check, _("Flash report of incident {number}").format(
            number=self.incident_number), self)
        dialog.accepted.connect(self.issue_now)
        self.issue_dialog = dialog
        dialog.open()

    def issue_now(self) -> None:
        self._run(flash.issue, self.ctx, self.options, on_done=self._issued,
                  message=_("Issuing the report…"))

    def _issued(self, info: report_archive.IssuedInfo) -> None:
        self.issued_number = info.number
        logger.info("Flash report %s issued from the window", info.number)
        self.issued.emit(info)
        self._run(report_archive.issued_pdf, self.ctx, info.number,
                  on_done=lambda r: self._show_issued(r[1], info.number),
                  message=_("Opening {number}…").format(number=info.number))

    def _show_issued(self, pdf: bytes, number: str) -> None:
        self.show_pdf(pdf)
        self.status.setText(_("Issued as number {number}.").format(number=number))
