"""The report tab before "Terbitkan" (issue 15): the checklist refuses without a signer,
asks to confirm a "Nihil" on a critical day, then issues; the weekly report is issued and
listed in the same archive; the date field takes typed dates and past days; the flash
report ("Laporan cepat…" in the detail pane) is saved, refused without a signer, issued,
archived and listed in the report tab."""

from __future__ import annotations

import io
import sqlite3

from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt

from posko_desktop.core import settings
from posko_desktop.core.reports.data import ReportKind
from posko_desktop.ui.sitrep.date_field import parse_date

from .conftest import add, sql
from .test_sitrep import open_tab, seed, sign, wait_idle


def dump(db_path) -> list[str]:
    con = sqlite3.connect(str(db_path))
    try:
        return list(con.iterdump())
    finally:
        con.close()


def open_checklist(qtbot, tab):
    tab.issue_dialog = None
    tab.confirm_issue()
    qtbot.waitUntil(lambda: tab.issue_dialog is not None, timeout=60_000)
    wait_idle(qtbot, tab)
    return tab.issue_dialog


def test_without_a_signer_the_checklist_says_what_to_fill_and_nothing_is_issued(
        ctx, db_path, make_window, qtbot):
    seed(ctx)
    tab = open_tab(make_window(), qtbot)
    wait_idle(qtbot, tab)
    before = dump(db_path)
    dialog = open_checklist(qtbot, tab)
    assert "Nama, NIP" in dialog.text.text()  # named as the settings page names them
    assert "sitrep.signer" not in dialog.text.text()  # not the raw setting keys
    assert not dialog.issue_button.isEnabled()
    assert "Nama, NIP" in tab.status.text()
    dialog.reject()
    assert dump(db_path) == before


def test_with_a_signer_a_nihil_on_a_critical_day_needs_the_box_then_issues(
        ctx, db_path, make_window, qtbot):
    seed(ctx)  # one critical incident in the period
    sign(ctx)
    tab = open_tab(make_window(), qtbot)
    wait_idle(qtbot, tab)
    dialog = open_checklist(qtbot, tab)
    assert "F, H" in dialog.text.text() and dialog.confirm.isVisible() is not False
    assert not dialog.issue_button.isEnabled()
    dialog.confirm.setChecked(True)
    assert dialog.issue_button.isEnabled()
    with qtbot.waitSignal(tab.issued, timeout=60_000) as signal:
        dialog.issue_button.click()
    wait_idle(qtbot, tab)
    assert signal.args[0].number == "100.1.4.1/001/LAPSIT/2024"
    assert sql(db_path, "SELECT number FROM sitrep_issued") == [("100.1.4.1/001/LAPSIT/2024",)]


def test_written_conclusions_need_no_confirmation(ctx, make_window, qtbot):
    seed(ctx)
    sign(ctx)
    tab = open_tab(make_window(), qtbot)
    tab.obstacles.setPlainText("Jaringan seluler putus di dua kecamatan.")
    tab.conclusions.setPlainText("Perkuat patroli siber.")
    dialog = open_checklist(qtbot, tab)
    assert not dialog.check.needs_confirmation and dialog.issue_button.isEnabled()
    dialog.reject()


def test_the_weekly_report_is_issued_and_listed_in_the_tab(ctx, db_path, make_window, qtbot):
    seed(ctx)
    sign(ctx)
    tab = open_tab(make_window(), qtbot)
    tab.kind.setCurrentIndex(tab.kind.findData(ReportKind.WEEKLY.value))
    tab.date.setDate(QDate(2024, 11, 27))  # any day of week 48
    wait_idle(qtbot, tab)
    dialog = open_checklist(qtbot, tab)
    assert dialog.issue_button.isEnabled()  # the weekly report asks no Nihil confirmation
    with qtbot.waitSignal(tab.issued, timeout=60_000) as signal:
        dialog.issue_button.click()
    assert signal.args[0].number == "100.1.4.1/001/LAPMING/2024"
    qtbot.waitUntil(lambda: tab.archive.rowCount() == 1, timeout=30_000)
    wait_idle(qtbot, tab)
    assert tab.archive.item(0, 0).text() == "100.1.4.1/001/LAPMING/2024"
    assert tab.archive.item(0, 8).text() == "Mingguan"
    [(start, end)] = sql(db_path, "SELECT period_start, period_end FROM sitrep_issued")
    assert start.startswith("2024-11-24 17:00:00")  # Monday 25 Nov 00.00 WIB
    assert end.startswith("2024-12-01 17:00:00")


def test_a_typed_date_is_taken_as_written_and_past_days_are_selectable(ctx, make_window, qtbot):
    tab = open_tab(make_window(), qtbot)
    field = tab.date
    field.setDate(QDate(2026, 12, 6))
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "27-11-2024")
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert field.date() == QDate(2024, 11, 27)
    assert field.edit.text() == "27-11-2024"
    field.calendar.clicked.emit(QDate(2024, 9, 25))  # a past day, picked in the calendar
    assert field.date() == QDate(2024, 9, 25)
    assert field.calendar.minimumDate() <= QDate(2024, 1, 1)
    qtbot.keyClicks(field.edit, "x")
    field.edit.setText("31-02-2024")
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert field.date() == QDate(2024, 9, 25)  # not a date: kept, the field is marked
    assert parse_date("2024-11-27") == parse_date("27/11/2024") == parse_date("27112024")
    wait_idle(qtbot, tab)


def open_flash(qtbot, window, inc):
    from .test_main_window import select

    select(qtbot, window, inc.id)
    pane = window.log.detail
    pane.flash_button.click()
    dialog = pane.flash_dialog
    qtbot.waitUntil(lambda: bool(dialog.pdf) and dialog.runner.active == 0, timeout=60_000)
    return pane, dialog


def test_the_detail_pane_saves_a_flash_report_of_the_incident(ctx, make_window, qtbot,
                                                             tmp_path):
    from pypdf import PdfReader

    inc = add(ctx, "Bentrok pendukung di Bojongrahayu")
    window = make_window()
    target = tmp_path / "laporan-cepat.pdf"
    asked: list[str] = []
    window.log.detail.pick_report_path = lambda suggested: asked.append(suggested) or str(target)
    pane, dialog = open_flash(qtbot, window, inc)
    assert "DRAF" in " ".join(p.extract_text() for p in PdfReader(
        io.BytesIO(dialog.pdf)).pages)
    with qtbot.waitSignal(pane.action_done, timeout=60_000):
        dialog.save_button.click()
    assert asked == ["laporan-cepat-{n}.pdf".format(n=inc.number)]
    text = " ".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert "LAPORAN CEPAT" in text and inc.number in text
    assert "Bentrok pendukung di Bojongrahayu" in text
    assert not list(tmp_path.glob("*.part"))
    dialog.reject()


def test_a_flash_report_without_a_signer_is_refused_in_the_window(ctx, db_path, make_window,
                                                                 qtbot):
    inc = add(ctx, "Intimidasi terhadap saksi")
    _pane, dialog = open_flash(qtbot, make_window(), inc)
    before = dump(db_path)
    dialog.issue_button.click()
    qtbot.waitUntil(lambda: dialog.issue_dialog is not None, timeout=60_000)
    checklist = dialog.issue_dialog
    assert "Nama, NIP" in checklist.text.text()
    assert not checklist.issue_button.isEnabled()
    assert "Nama, NIP" in dialog.status.text()
    checklist.reject()
    assert dump(db_path) == before
    dialog.reject()


def test_a_flash_report_is_issued_from_the_window_archived_and_listed(ctx, db_path,
                                                                     make_window, qtbot):
    from pypdf import PdfReader

    from posko_desktop.core.services import report_archive

    inc = add(ctx, "Pembakaran alat peraga kampanye")
    sign(ctx)
    window = make_window()
    _pane, dialog = open_flash(qtbot, window, inc)
    dialog.issue_button.click()
    qtbot.waitUntil(lambda: dialog.issue_dialog is not None, timeout=60_000)
    checklist = dialog.issue_dialog
    assert checklist.issue_button.isEnabled()  # signer filled; no Nihil to confirm
    assert inc.number in checklist.text.text()
    with qtbot.waitSignal(dialog.issued, timeout=60_000) as signal:
        checklist.issue_button.click()
    info = signal.args[0]
    assert info.kind == ReportKind.FLASH.value and "/001/LAPCEP/" in info.number
    qtbot.waitUntil(lambda: dialog.issued_number == info.number and dialog.runner.active == 0
                    and "DRAF" not in PdfReader(io.BytesIO(dialog.pdf))
                    .pages[0].extract_text(), timeout=60_000)
    assert not dialog.issue_button.isEnabled()  # one issue per dialog; an update is a new one
    [archived] = report_archive.list_issued(ctx, kind=ReportKind.FLASH.value)
    assert archived.number == info.number
    stored_info, stored = report_archive.issued_pdf(ctx, info.number)
    assert stored == dialog.pdf and stored_info.sha256 == info.sha256
    assert sql(db_path, "SELECT count(*) FROM sitrep_issued") == [(1,)]
    # listed in the report tab's archive, kind "Laporan cepat"
    tab = open_tab(window, qtbot)
    qtbot.waitUntil(lambda: tab.archive.rowCount() == 1, timeout=30_000)
    wait_idle(qtbot, tab)
    assert tab.archive.item(0, 0).text() == info.number
    assert tab.archive.item(0, 8).text() == "Laporan cepat"
    dialog.reject()


def test_saving_a_long_sitrep_writes_its_attached_lampiran_beside(ctx, db_path, make_window,
                                                                   qtbot, tmp_path):
    seed(ctx)  # 3 incidents in the period of 27 Nov
    with ctx.db.write() as s:
        settings.put(s, settings.SITREP_APPENDIX_PDF_MAX, 2, "admin", ctx.now())
    tab = open_tab(make_window(), qtbot)
    with qtbot.waitSignal(tab.preview_ready, timeout=60_000):
        tab.preview_button.click()
    wait_idle(qtbot, tab)
    assert tab.save_to(str(tmp_path / "sitrep.pdf"), tab.pdf)
    annex = tmp_path / "lampiran-i-sitrep-2024-11-27-33.xlsx"
    rows = list(load_workbook(annex, read_only=True).active.iter_rows(values_only=True))
    assert sorted(r[1] for r in rows[3:]) == sorted(n for (n,) in sql(
        db_path, "SELECT number FROM incident WHERE deleted = 0"))
    assert not list(tmp_path.glob("*.part"))
