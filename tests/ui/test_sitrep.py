"""The sitrep tab in the real main window, offscreen, on a real SQLite file."""

from __future__ import annotations

import io
from datetime import datetime

from pypdf import PdfReader
from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrinter

from posko_desktop.core import settings
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import incidents
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.timeutil import WIB
from posko_desktop.ui.sitrep import SitrepTab

from .conftest import sql


def seed(ctx) -> None:
    for i, (regency, sev) in enumerate([("33.74", "kritis"), ("33.74", "rendah"),
                                        ("33.01", "tinggi")]):
        when = datetime(2024, 11, 26, 9 + i, tzinfo=WIB)
        incidents.create_incident(ctx, IncidentInput(
            regency_code=regency, title="Kejadian uji {i}".format(i=i), category_code="A1",
            severity=sev, occurred_at=when, reported_at=when))


def sign(ctx) -> None:
    with ctx.db.write() as s:
        settings.put(s, settings.SITREP_SIGNER_NAME, "Dr. Siti Aminah, M.Si.", "admin", ctx.now())
        settings.put(s, settings.SITREP_SIGNER_NIP, "19700101 199503 2 001", "admin", ctx.now())


def open_tab(window, qtbot) -> SitrepTab:
    tab = next(t for t in window.feature_tabs if isinstance(t, SitrepTab))
    window.tabs.setCurrentWidget(tab)
    tab.date.setDate(QDate(2024, 11, 27))
    return tab


def wait_idle(qtbot, tab) -> None:
    qtbot.waitUntil(lambda: tab._task is None and tab.runner.active == 0, timeout=60_000)


def test_preview_shows_the_report_and_fills_the_highlights(ctx, make_window, qtbot):
    seed(ctx)
    tab = open_tab(make_window(), qtbot)
    with qtbot.waitSignal(tab.preview_ready, timeout=60_000) as signal:
        tab.preview_button.click()
    wait_idle(qtbot, tab)
    pdf = signal.args[0]
    reader = PdfReader(io.BytesIO(pdf))
    assert tab.document.pageCount() == len(reader.pages) >= 3
    assert "Tercatat 3 kejadian" in tab.highlights.toPlainText()
    assert tab.print_button.isEnabled() and tab.save_button.isEnabled()


def test_opening_the_tab_shows_a_preview_without_a_click(ctx, make_window, qtbot):
    seed(ctx)
    window = make_window()
    tab = next(t for t in window.feature_tabs if isinstance(t, SitrepTab))
    with qtbot.waitSignal(tab.preview_ready, timeout=60_000):
        window.tabs.setCurrentWidget(tab)
    wait_idle(qtbot, tab)
    assert tab.document.pageCount() >= 3


def test_edited_texts_go_into_the_pdf(ctx, make_window, qtbot):
    tab = open_tab(make_window(), qtbot)
    tab.highlights.setPlainText("Situasi umum aman dan terkendali.")
    tab.conclusions.setPlainText("Perkuat patroli siber.")
    with qtbot.waitSignal(tab.preview_ready, timeout=60_000) as signal:
        tab.preview_button.click()
    wait_idle(qtbot, tab)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(signal.args[0])).pages)
    assert "Situasi umum aman dan terkendali." in text
    assert "Perkuat patroli siber." in text


def test_issue_stores_the_report_and_lists_it(ctx, db_path, make_window, qtbot, tmp_path):
    seed(ctx)
    sign(ctx)
    tab = open_tab(make_window(), qtbot)
    with qtbot.waitSignal(tab.issued, timeout=60_000) as signal:
        tab.issue_now(confirm_nihil=True)
    info = signal.args[0]
    qtbot.waitUntil(lambda: tab.archive.rowCount() == 1, timeout=30_000)
    wait_idle(qtbot, tab)
    assert tab.archive.item(0, 0).text() == info.number == "100.1.4.1/001/LAPSIT/2024"
    assert tab.shown_number == info.number
    stored = sql(db_path, "SELECT sha256, number FROM sitrep_issued")
    assert stored == [(info.sha256, info.number)]
    # save the shown (issued) PDF and print it to a PDF file through QPrinter
    assert tab.save_to(str(tmp_path / "copy.pdf"), tab.pdf)
    assert (tmp_path / "copy.pdf").read_bytes() == tab.pdf
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    tab.start_print(tab.pdf, printer)
    wait_idle(qtbot, tab)
    printed = PdfReader(str(tmp_path / "printed.pdf"))
    assert len(printed.pages) == info.pages


def test_a_correction_refers_to_the_old_number(ctx, make_window, qtbot):
    seed(ctx)
    sign(ctx)
    tab = open_tab(make_window(), qtbot)
    with qtbot.waitSignal(tab.issued, timeout=60_000):
        tab.issue_now(confirm_nihil=True)
    qtbot.waitUntil(lambda: tab.archive.rowCount() == 1, timeout=30_000)
    wait_idle(qtbot, tab)
    tab.archive.selectRow(0)
    tab.prepare_correction()
    wait_idle(qtbot, tab)
    assert tab.corrects == "100.1.4.1/001/LAPSIT/2024"
    with qtbot.waitSignal(tab.issued, timeout=60_000) as signal:
        tab.issue_now(confirm_nihil=True)
    assert signal.args[0].corrects == "100.1.4.1/001/LAPSIT/2024"
    assert signal.args[0].number == "100.1.4.1/002/LAPSIT/2024"
    qtbot.waitUntil(lambda: tab.archive.rowCount() == 2, timeout=30_000)
    wait_idle(qtbot, tab)


def test_an_operator_cannot_issue(ctx, make_window, qtbot):
    operator = ctx.as_actor(Actor("op", "operator", "Operator"))
    tab = open_tab(make_window(operator), qtbot)
    wait_idle(qtbot, tab)
    assert not tab.issue_button.isEnabled()


def test_changing_an_option_refreshes_the_preview(ctx, make_window, qtbot):
    tab = open_tab(make_window(), qtbot)
    with qtbot.waitSignal(tab.preview_ready, timeout=60_000):
        tab.preview_button.click()
    wait_idle(qtbot, tab)
    with qtbot.waitSignal(tab.preview_ready, timeout=60_000) as signal:
        tab.paper.setCurrentIndex(tab.paper.findData("f4"))
    wait_idle(qtbot, tab)
    page = PdfReader(io.BytesIO(signal.args[0])).pages[0]
    assert round(float(page.mediabox.width), 2) == 609.45
