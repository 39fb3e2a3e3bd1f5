"""The detail pane's Print: the print dialog, then the A4 sheet of `posko incident print`.

To a PDF file (the dialog's "Print to file", or no printer installed) the sheet is written
exactly as the CLI writes it; to a printer its pages are drawn from that PDF (QtPdf), so
paper and file always show the same thing. The sheet is made off the GUI thread."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from posko_desktop.core.context import AppContext
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.tasks import TaskRunner

logger = logging.getLogger(__name__)


class IncidentPrinting:
    """One per detail pane; `ask(incident_id)` opens the print dialog (never blocking)."""

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget,
                 on_done: Callable[[str], None]) -> None:
        self.ctx = ctx
        self.runner = runner
        self.parent = parent
        self.on_done = on_done
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        self.dialog: QPrintDialog | None = None
        self.pages: int | None = None  # of the last sheet printed

    def ask(self, incident_id: uuid.UUID, number: str) -> QPrintDialog:
        if not self.printer.outputFileName() and self.printer.outputFormat() == \
                QPrinter.OutputFormat.PdfFormat:
            self.printer.setOutputFileName("kejadian-{n}.pdf".format(n=number))
        dialog = QPrintDialog(self.printer, self.parent)
        dialog.setObjectName("incident_print_dialog")
        dialog.accepted.connect(lambda: self.print_to(self.printer, incident_id))
        self.dialog = dialog
        QDialog.open(dialog)  # window-modal, never a blocking exec
        return dialog

    def print_to(self, printer: QPrinter, incident_id: uuid.UUID) -> None:
        # here: reportlab is loaded when something is printed, not with the window
        from posko_desktop.core.reports.incident_sheet import render_bytes
        from posko_desktop.core.services import incident_print

        self.pages = None
        path = printer.outputFileName()
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and path:
            self.runner.run(incident_print.print_pdf, self.ctx, str(incident_id), path,
                            on_done=lambda pages: self._done(pages, path),
                            on_error=lambda err: show_error(self.parent, err))
            return
        self.runner.run(lambda: render_bytes(incident_print.gather(self.ctx, str(incident_id))),
                        on_done=lambda made: self._to_paper(printer, *made),
                        on_error=lambda err: show_error(self.parent, err))

    def _done(self, pages: int, where: str) -> None:
        self.pages = pages
        self.on_done(where)

    def _to_paper(self, printer: QPrinter, pdf: bytes, pages: int) -> None:
        """Draw each page of the sheet on the printer at its resolution."""
        buffer = QBuffer(self.parent)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument(self.parent)
        document.load(buffer)
        painter = QPainter()
        if not painter.begin(printer):
            logger.warning("The printer %s did not start", printer.printerName())
            return
        try:
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            for page in range(document.pageCount()):
                if page:
                    printer.newPage()
                image = document.render(page, QSize(area.width(), area.height()))
                painter.drawImage(0, 0, image)
        finally:
            painter.end()
        self._done(pages, printer.printerName())
