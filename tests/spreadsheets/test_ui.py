"""The import dialog (report table, "Impor semua" disabled while a row is wrong), the
export action and the menu entries, with the real TaskRunner and SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QMainWindow

from posko_desktop.core import i18n
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.spreadsheet_import import check_spreadsheet
from posko_desktop.ui.main_window import MainWindow
from posko_desktop.ui.spreadsheets import (
    SpreadsheetActions,
    export_log,
    open_import_dialog,
    save_template,
)
from posko_desktop.ui.spreadsheets.dialog import ImportDialog, ProblemModel

from .helpers import dump, fill_template, row, sql


class Host(QMainWindow):
    """What the spreadsheet UI needs from the main window (`SpreadsheetHost`)."""

    def __init__(self, ctx, runner):
        super().__init__()
        self.ctx, self.runner = ctx, runner
        self.file_menu = self.menuBar().addMenu("Berkas")
        self.file_menu.addAction("Baru")
        self.file_menu.addSeparator()
        self.file_menu.addAction("Keluar")
        self.messages: list[str] = []

    def status_message(self, text):
        self.messages.append(text)


@pytest.fixture
def host(ctx, runner, qtbot):
    w = Host(ctx, runner)
    qtbot.addWidget(w)
    return w


def _wait_idle(qtbot, dialog: ImportDialog):
    qtbot.waitUntil(lambda: dialog.task is None and dialog.report is not None, timeout=10_000)


def test_dialog_with_errors_offers_only_the_valid_rows(host, qtbot, tmp_path, db_path):
    path = fill_template(host.ctx, tmp_path / "salah.xlsx",
                         [row(), row(regency="Semarang"), row(title="Hi", ref="x")])
    before = dump(db_path)
    dialog = open_import_dialog(host, path)
    _wait_idle(qtbot, dialog)
    model = dialog.table.model()
    lines = [tuple(model.index(r, c).data() for c in range(3)) for r in range(model.rowCount())]
    assert lines == [
        ("3", "Kabupaten/Kota",
         '"Semarang" ambigu: tulis Kab. Semarang (33.22) / Kota Semarang (33.74)'),
        ("4", "Judul", "Judul minimal 3 karakter"),
    ]
    assert [model.headerData(c, Qt.Orientation.Horizontal)
            for c in range(3)] == ["Baris", "Kolom", "Masalah"]
    assert dialog.import_all_button.text() == "Impor semua"
    assert not dialog.import_all_button.isEnabled()
    assert dialog.import_valid_button.text() == "Impor baris yang valid saja"
    assert dialog.import_valid_button.isEnabled()
    assert dump(db_path) == before  # the check wrote nothing

    with qtbot.waitSignal(dialog.imported, timeout=10_000) as blocker:
        dialog.import_valid_button.click()
    report = blocker.args[0]
    assert [r.row for r in report.imported] == [2]
    assert sql(db_path, "SELECT count(*) FROM incident") == 1
    assert not dialog.import_valid_button.isEnabled() and not dialog.import_all_button.isEnabled()
    assert "kejadian diimpor: 1" in dialog.summary.text()
    assert host.messages and "kejadian diimpor: 1" in host.messages[-1]
    dialog.close_button.click()  # "Tutup" closes (and deletes) the dialog
    qtbot.waitUntil(lambda: host.findChild(ImportDialog) is None, timeout=5_000)


def test_dialog_without_errors_imports_all(host, qtbot, tmp_path, db_path):
    path = fill_template(host.ctx, tmp_path / "ok.xlsx", [row(), row(title="Kedua kalinya")])
    dialog = open_import_dialog(host, path)
    _wait_idle(qtbot, dialog)
    assert dialog.table.model().rowCount() == 0
    assert dialog.import_all_button.isEnabled() and not dialog.import_valid_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        dialog.import_all_button.click()
    assert sql(db_path, "SELECT count(*) FROM incident") == 2
    # the same file again: nothing new, so nothing to import
    again = open_import_dialog(host, path)
    _wait_idle(qtbot, again)
    assert not again.import_all_button.isEnabled()
    assert "sudah pernah diimpor: 2" in again.summary.text()


def test_dialog_with_a_bad_file_shows_the_error_and_writes_nothing(host, qtbot, tmp_path, db_path):
    junk = tmp_path / "foto.csv"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    before = dump(db_path)
    dialog = open_import_dialog(host, junk)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10_000)
    assert dialog.summary.text() == "Tidak ada yang diimpor."
    assert not dialog.import_all_button.isEnabled() and not dialog.import_valid_button.isEnabled()
    assert dump(db_path) == before


def test_export_action_writes_the_filtered_log(host, qtbot, tmp_path, db_path):
    fill = fill_template(host.ctx, tmp_path / "ok.xlsx",
                         [row(), row(regency="Kota Semarang", title="Di kota")])
    dialog = open_import_dialog(host, fill)
    _wait_idle(qtbot, dialog)
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        dialog.import_all_button.click()
    out = tmp_path / "kota.xlsx"
    task = export_log(host, IncidentFilter(regencies=("33.74",)), out)
    qtbot.waitUntil(lambda: task.finished, timeout=10_000)
    ws = openpyxl.load_workbook(out).active
    assert ws.max_row - 1 == sql(db_path, "SELECT count(*) FROM incident WHERE regency_code='33.74'") == 1
    assert ws["J2"].value == "Di kota"
    assert "1 kejadian diekspor" in host.messages[-1]

    csv_task = export_log(host, IncidentFilter(), tmp_path / "semua", fmt="csv")
    qtbot.waitUntil(lambda: csv_task.finished, timeout=10_000)
    assert len((tmp_path / "semua.csv").read_text(encoding="utf-8-sig").splitlines()) == 3


def test_save_template_runs_off_the_gui_thread(host, qtbot, tmp_path):
    task = save_template(host, tmp_path / "t.xlsx")
    qtbot.waitUntil(lambda: task.finished, timeout=10_000)
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames[1] == "Data Kejadian"


def test_menu_entries_follow_the_language(host):
    actions = SpreadsheetActions(host, IncidentFilter)
    assert [a.text() for a in actions.actions] == [
        "&Impor lembar kerja (Excel/CSV)…", "E&kspor log (Excel/CSV)…", "Simpan &templat Excel…"]
    i18n.set_language("en")
    assert actions.import_action.text() == "&Import spreadsheet (Excel/CSV)…"


def test_the_menu_does_not_load_openpyxl_at_start_up():
    code = ("import sys; import posko_desktop.ui.spreadsheets as s; "
            "assert 'openpyxl' not in sys.modules, 'openpyxl loaded'; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_menu_in_the_real_main_window(ctx, runner, qtbot, tmp_path):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    window = MainWindow(ctx, runner)
    qtbot.addWidget(window)
    names = [a.objectName() for a in window.file_menu.actions()]
    ours = ["action_import_spreadsheet", "action_export_log", "action_save_template"]
    start = names.index(ours[0])
    assert names[start:start + 3] == ours
    assert window.file_menu.actions()[start - 1].isSeparator()  # a group of their own
    assert window.file_menu.actions()[-1] is window.quit_action
    assert window.spreadsheet_actions.import_action.text() == "&Impor lembar kerja (Excel/CSV)…"
    runner.wait(10_000)


def test_file_menu_import_and_filtered_export_in_the_real_window(ctx, runner, qtbot, tmp_path,
                                                                db_path, monkeypatch):
    """The whole path an operator takes: File → import (file chooser stubbed), then the log
    filtered to one regency, File → export: the file holds exactly that regency's rows."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    sheet = fill_template(ctx, tmp_path / "isi.xlsx",
                          [row(), row(regency="Kota Semarang", title="Di kota satu"),
                           row(regency="3374", title="Di kota dua")])
    out = tmp_path / "ekspor.csv"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(out), "CSV, UTF-8 (*.csv)"))
    window = MainWindow(ctx, runner)
    qtbot.addWidget(window)
    window.spreadsheet_actions.import_action.trigger()
    dialog = window.spreadsheet_actions.import_dialog
    _wait_idle(qtbot, dialog)
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        dialog.import_all_button.click()
    dialog.close_button.click()  # "Tutup"
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)

    window.show_incident_log(IncidentFilter(regencies=("33.74",)))
    window.spreadsheet_actions.export_action.trigger()
    qtbot.waitUntil(lambda: out.exists() and runner.active == 0, timeout=10_000)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) - 1 == sql(db_path, "SELECT count(*) FROM incident WHERE regency_code='33.74'") == 2
    assert all(",33.74 Kota Semarang," in line for line in lines[1:])
    runner.wait(10_000)


def test_problem_model_follows_the_qt_model_rules(ctx, tmp_path, qtmodeltester):
    report = check_spreadsheet(ctx, fill_template(ctx, tmp_path / "x.xlsx",
                                                  [row(regency="Tegal"), row(title="X")]))
    model = ProblemModel()
    model.set_problems(report.problems)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
