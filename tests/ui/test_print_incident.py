"""The detail pane's Print: the print dialog opens (window-modal, not blocking); printed to
a PDF file, the sheet is the one `posko incident print` writes."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from .conftest import add


def test_print_dialog_then_the_sheet_as_pdf(ctx, make_window, qtbot, tmp_path):
    shown = add(ctx, "Intimidasi saksi di TPS 04", regency="33.22")
    window = make_window()
    window.select_row(window.log.model.row_of_id(shown.id))
    pane = window.log.detail
    qtbot.waitUntil(lambda: pane.incident_id == shown.id)
    assert pane.print_button.text() == "&Cetak…"
    pane.print_button.click()
    dialog = pane.printing.dialog
    assert isinstance(dialog, QPrintDialog) and dialog.isVisible()
    dialog.reject()  # cancelled: nothing printed
    assert pane.printing.pages is None
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "kejadian.pdf"
    printer.setOutputFileName(str(target))
    pane.printing.print_to(printer, shown.id)  # what the dialog's OK does
    qtbot.waitUntil(lambda: pane.printing.pages is not None, timeout=10_000)
    text = " ".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert pane.printing.pages == 1
    assert shown.number in text and "Intimidasi saksi di TPS 04" in text
    assert "Kab. Semarang" in text and "Linimasa" in text
