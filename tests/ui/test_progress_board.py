"""The stage progress board: 35 regencies × 9 stages readable at 1366×768 (every column
in view, no cut text), reports made in the form appear (also those from elsewhere: the
STAGE_PROGRESS change), a refused report leaves the database as it was, the regencies'
workbook imports with its row report; hosted by a stand-in for the window."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDateTime

from posko_desktop.core.services import stage_progress as prog
from posko_desktop.core.services.stage_progress import StageReportInput
from posko_desktop.core.timeutil import ensure_utc
from posko_desktop.ui.events import QtEvents
from posko_desktop.ui.progress import ProgressTab, make_tab
from posko_desktop.ui.tabs import FeatureTab, tab_factories
from tests.ui.test_activities_tab import Host


@pytest.fixture
def tab(ctx, runner, qtbot):
    ctx.clock = lambda: ensure_utc(datetime(2024, 11, 27, 16, 0))  # WIB
    events = QtEvents(ctx.bus)
    host = Host(ctx, runner, events)
    widget = make_tab(host)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.loads >= 1, timeout=10_000)
    yield widget
    runner.wait(10_000)
    events.close()


def row_of(tab: ProgressTab, code: str) -> int:
    assert tab.board is not None
    return [g.code for g in tab.board.regencies].index(code)


def cell(tab: ProgressTab, code: str, column: int) -> str:
    return tab.table.item(row_of(tab, code), column).text()


def test_the_board_is_readable_at_1366_by_768(tab, qtbot):
    assert isinstance(tab, FeatureTab) and tab.tab_title() == "Progres tahapan"
    assert make_tab in tab_factories()
    tab.resize(1366, 768 - 80)  # the window's title, menu, tabs and status bar
    tab.show()
    qtbot.waitExposed(tab)
    assert (tab.table.rowCount(), tab.table.columnCount()) == (35, 9)
    header = tab.table.horizontalHeader()
    assert sum(header.sectionSize(i) for i in range(9)) <= tab.table.viewport().width()
    assert not tab.table.horizontalScrollBar().isVisible()
    metrics = tab.table.fontMetrics()
    assert tab.table.verticalHeader().defaultSectionSize() >= metrics.height()
    widest = max(metrics.horizontalAdvance(t) for t in ("2.640/2.640", "✓ 27-11 14.00"))
    assert min(header.sectionSize(i) for i in range(9)) > widest
    assert tab.table.verticalHeader().width() > metrics.horizontalAdvance("Kab. Banjarnegara")


def test_a_report_from_the_form_and_one_from_elsewhere_appear(tab, ctx, qtbot):
    tab.pick(row_of(tab, "33.22"), 1)  # voting
    tab.done.setValue(1800)
    tab.total.setValue(2640)
    tab.when.setDateTime(QDateTime(datetime(2024, 11, 27, 13, 0)))
    n = tab.loads
    tab.report()
    qtbot.waitUntil(lambda: tab.loads > n and cell(tab, "33.22", 1) == "1.800/2.640",
                    timeout=10_000)
    assert prog.list_reports(ctx)[0].as_of == ensure_utc(datetime(2024, 11, 27, 13, 0))
    n = tab.loads
    prog.report_stage(ctx, StageReportInput("33.74", "logistik", datetime(2024, 11, 26, 21, 0),
                                            1, 1))
    qtbot.waitUntil(lambda: tab.loads > n and cell(tab, "33.74", 0) == "✓ 26-11 21.00",
                    timeout=10_000)
    assert "Logistik 1/35" in tab.summary.text()
    tab.pick(row_of(tab, "33.22"), 1)
    assert (tab.done.value(), tab.total.value()) == (1800, 2640)


def test_a_refused_report_changes_nothing(tab, ctx, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr("posko_desktop.ui.progress.board.show_error",
                        lambda parent, err: shown.append(err))
    tab.pick(row_of(tab, "33.22"), 2)  # PSU: no earlier report, "of" left on auto
    tab.done.setValue(1)
    tab.report()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0].field == "total"
    assert prog.list_reports(ctx) == []


def test_the_workbook_imports_with_its_row_report(tab, ctx, qtbot, tmp_path):
    from posko_desktop.core.spreadsheets import stage_progress as workbook

    path = workbook.write_template(ctx, tmp_path / "tahapan.xlsx", "33.01")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    ws["E2"], ws["G2"] = "ya", datetime(2024, 11, 26, 20, 0)
    ws["E3"], ws["F3"], ws["G3"] = 10, 5, datetime(2024, 11, 27, 14, 0)  # 10 of 5
    wb.save(path)
    tab.import_workbook(str(path))
    qtbot.waitUntil(lambda: "nothing was imported" in tab.import_result.text()
                    or "tidak ada yang diimpor" in tab.import_result.text(), timeout=10_000)
    assert "Baris 3" in tab.import_result.text()
    assert prog.list_reports(ctx) == []
    ws["F3"] = 2900
    wb.save(path)
    n = tab.loads
    tab.import_workbook(str(path))
    # the import's own answer and the reload its change asks for arrive in either order
    qtbot.waitUntil(lambda: tab.loads > n and cell(tab, "33.01", 1) == "10/2.900"
                    and "2 laporan tahapan diimpor" in tab.import_result.text(),
                    timeout=10_000)
