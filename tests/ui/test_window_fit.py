"""The window fits an office laptop (1366×768 less the taskbar: 1366×728) and a full-HD
screen (1920×1050), in Indonesian and English, on a training database with demo data on
voting day: every tab shows its widgets whole (tests/ui/fit.py says what "cut" means),
needs no scroll bar of its own, and the log shows number, time, regency, severity,
status and title without scrolling sideways."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtWidgets import QApplication, QComboBox, QTabWidget

from posko_desktop.core.domain import Actor
from posko_desktop.ui import main_window
from posko_desktop.ui.models.incident_table import Column
from posko_desktop.ui.widgets.combo_fit import fit_combo

from .conftest import settle
from .fit import defects, each_page

SIZES = [QSize(1366, 728), QSize(1920, 1050)]
MAIN_COLUMNS = (Column.NUMBER, Column.OCCURRED, Column.REGENCY, Column.SEVERITY,
                Column.STATUS, Column.TITLE)


def show_tab(qtbot, window, index: int) -> None:
    window.tabs.setCurrentIndex(index)
    settle(qtbot, window)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: "{w}x{h}".format(w=s.width(), h=s.height()))
def test_every_tab_fits(demo_window, qtbot, size, lang):
    window = demo_window
    window.set_language(lang)
    window.resize(size)
    settle(qtbot, window)
    assert window.size() == size, "the window cannot be made this small"
    assert window.tabs.count() >= 11
    found = {}
    for index in range(window.tabs.count()):
        show_tab(qtbot, window, index)
        if index == 0:
            window.select_row(0)
            qtbot.waitUntil(lambda: window.log.detail.detail is not None)
            settle(qtbot, window)
        holder = QTabWidget.widget(window.tabs, index)  # the scroll area around a tab
        problems = []
        for page in each_page(holder, skip=window.tabs):
            settle(qtbot, window)
            problems += [page + ": " + p if page else p for p in defects(window)
                         if p not in problems]  # a sub-page adds only its own defects
        inner = window.tabs.widget(index)
        if holder is not inner:  # a feature tab: its scroll area shows it whole
            if holder.verticalScrollBar().isVisible():
                problems.append("the tab scrolls: it needs {n} px of height, {h} shown".format(
                    n=inner.minimumSizeHint().height(), h=holder.viewport().height()))
        if problems:
            found[window.tabs.tabText(index)] = problems
    assert not found, "\n".join("{t}:\n  {p}".format(t=t, p="\n  ".join(p))
                                for t, p in found.items())


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: "{w}x{h}".format(w=s.width(), h=s.height()))
def test_the_log_shows_its_main_columns_without_scrolling_sideways(demo_window, qtbot, size,
                                                                   lang):
    window = demo_window
    window.set_language(lang)
    window.resize(size)
    settle(qtbot, window)
    table = window.log.table
    header = table.horizontalHeader()
    for column in MAIN_COLUMNS:
        assert not header.isSectionHidden(column)
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert right <= table.viewport().width(), Column(column).name
    assert header.sectionSize(Column.TITLE) >= 240
    # the detail pane shows the common fields of an incident without a scroll bar
    window.select_row(0)
    qtbot.waitUntil(lambda: window.log.detail.detail is not None)
    settle(qtbot, window)
    assert not window.log.detail.fields_scroll.verticalScrollBar().isVisible()


def test_hidden_columns_come_back_from_the_header_menu_and_are_remembered(demo_window, qtbot,
                                                                          make_window):
    window = demo_window
    header = window.log.table.horizontalHeader()
    menu = window.log.columns.menu()
    actions = {a.data(): a for a in menu.actions()}
    assert set(actions) == {int(c) for c in Column}
    assert not actions[Column.NUMBER].isEnabled()  # the number always stays
    if actions[Column.CATEGORY].isChecked():
        actions[Column.CATEGORY].trigger()  # hide
    if not actions[Column.LOCATION].isChecked():
        actions[Column.LOCATION].trigger()  # show
    assert header.isSectionHidden(Column.CATEGORY)
    assert not header.isSectionHidden(Column.LOCATION)
    window.close()
    again = make_window(window.ctx)
    header = again.log.table.horizontalHeader()
    assert header.isSectionHidden(Column.CATEGORY)
    assert not header.isSectionHidden(Column.LOCATION)
    menu = again.log.columns.menu()
    shown = {a.data(): a.isChecked() for a in menu.actions()}
    assert shown[Column.CATEGORY] is False and shown[Column.LOCATION] is True
    # per user: another account on this computer starts from the default (narrow screen)
    other = make_window(window.ctx.as_actor(Actor("operator.budi", "operator", "Budi")))
    assert other.log.table.horizontalHeader().isSectionHidden(Column.LOCATION)
    # every column shown is a choice too (kept, not taken for "no choice yet")
    again.log.columns.set_shown(Column.CATEGORY, True)
    assert QSettings().value("log_columns/admin/hidden") == ""
    again.close()
    assert not make_window(window.ctx).log.table.horizontalHeader().isSectionHidden(
        Column.CATEGORY)


def test_the_window_opens_within_the_screen(qtbot, ctx, runner):
    for available in (QSize(1366, 728), QSize(1920, 1050), QSize(1280, 680)):
        size = main_window.default_window_size(available)
        assert size.width() <= available.width() and size.height() <= available.height()
    assert main_window.default_window_size(QSize(1366, 728)) == QSize(1366, 728)
    big = main_window.default_window_size(QSize(3840, 2100))
    assert big.width() < 3840 and big.height() < 2100  # not stretched over a 4K screen
    window = main_window.MainWindow(ctx, runner)
    qtbot.addWidget(window)
    screen = QApplication.primaryScreen().availableGeometry()
    assert window.width() <= screen.width() and window.height() <= screen.height()
    window.close()


def test_a_combo_box_shows_long_items_whole_in_its_list_and_tooltip(qtbot):
    combo = QComboBox()
    qtbot.addWidget(combo)
    fit_combo(combo, 12)
    combo.addItems(["Pendek", "Kampanye di tempat ibadah/pendidikan/kantor pemerintah"])
    combo.show()
    metrics = combo.fontMetrics()
    long_item = combo.itemText(1)
    assert combo.view().minimumWidth() >= metrics.horizontalAdvance(long_item)
    assert combo.width() < metrics.horizontalAdvance(long_item)  # elided in the field
    assert combo.toolTip() == ""  # "Pendek" is shown whole
    combo.setCurrentIndex(1)
    assert combo.toolTip() == long_item
    short = QComboBox()
    qtbot.addWidget(short)
    fit_combo(short, 30)
    short.addItems(["33.04 Kab. Banjarnegara"])
    short.show()
    assert short.width() >= short.minimumSizeHint().width()
    assert short.minimumSizeHint().width() > metrics.horizontalAdvance("33.04 Kab. Banjarnegara")
