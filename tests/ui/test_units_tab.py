"""The reporting units tab: lists the regency offices and agencies, an admin adds an agency
and changes a unit through the dialog (the version it opened with: a stale save is refused,
shown, and the tab reloads), an operator sees no edit buttons; hosted by a stand-in for the
window (the TabHost contract)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Actor, StaleEdit
from posko_desktop.core.services import units
from posko_desktop.ui.events import QtEvents
from posko_desktop.ui.tabs import FeatureTab
from posko_desktop.ui.tasks import TaskRunner
from posko_desktop.ui.units import UnitsTab, make_tab


@dataclass
class Host:
    ctx: AppContext
    runner: TaskRunner
    events: QtEvents
    messages: list[str] = field(default_factory=list)

    def show_incident_log(self, flt) -> None:
        raise AssertionError("not used")

    def status_message(self, text: str) -> None:
        self.messages.append(text)


def open_tab(ctx, runner, qtbot) -> tuple[UnitsTab, QtEvents]:
    events = QtEvents(ctx.bus)
    widget = make_tab(Host(ctx, runner, events))
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.loads >= 1, timeout=10_000)
    return widget, events


@pytest.fixture
def tab(ctx, runner, qtbot):
    widget, events = open_tab(ctx, runner, qtbot)
    yield widget
    runner.wait(10_000)
    events.close()


def cell(tab: UnitsTab, code: str, column: int) -> str:
    row = [r.code for r in tab.rows].index(code)
    return tab.table.item(row, column).text()


def test_the_tab_lists_every_unit_and_is_a_feature_tab(tab):
    assert isinstance(tab, FeatureTab) and tab.tab_title() == "Unit pelapor"
    assert tab.table.rowCount() == 35 + 9
    assert cell(tab, "33.74", 1) == "Kota Semarang" and cell(tab, "33.74", 2) == "Kabupaten/Kota"
    assert cell(tab, "BPBD", 3) == "Hanya bila ada kejadian"
    assert tab.add_button.isVisibleTo(tab) and tab.edit_button.isVisibleTo(tab)


def test_an_admin_adds_an_agency_and_changes_a_unit(tab, qtbot):
    dialog = tab.add()
    dialog.code.setText("DINSOS")
    dialog.name.setText("Dinas Sosial Provinsi Jawa Tengah")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: "DINSOS" in [r.code for r in tab.rows], timeout=10_000)
    tab.table.selectRow([r.code for r in tab.rows].index("KPU-PROV"))
    dialog = tab.edit_selected()
    assert dialog is not None and dialog.code.isReadOnly()
    dialog.cadence.setCurrentIndex(dialog.cadence.findData("on_event"))
    dialog.active.setChecked(False)
    dialog.save()
    qtbot.waitUntil(lambda: cell(tab, "KPU-PROV", 4) == "tidak", timeout=10_000)
    assert units.get_unit(tab.ctx, "KPU-PROV").cadence == "on_event"


def test_a_stale_save_is_refused_shown_and_reloaded(tab, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr("posko_desktop.ui.units.tab.show_error",
                        lambda parent, err, *a: shown.append(err))
    tab.table.selectRow([r.code for r in tab.rows].index("POLDA"))
    dialog = tab.edit_selected()
    units.update_unit(tab.ctx, "POLDA", {"name": "Polda Jateng (diubah orang lain)"})
    dialog.name.setText("Polda dari dialog")
    dialog.save()
    assert isinstance(shown[0], StaleEdit)
    assert units.get_unit(tab.ctx, "POLDA").name == "Polda Jateng (diubah orang lain)"
    qtbot.waitUntil(lambda: cell(tab, "POLDA", 1) == "Polda Jateng (diubah orang lain)",
                    timeout=10_000)


def test_an_operator_sees_the_units_without_edit_buttons(ctx, runner, qtbot):
    widget, events = open_tab(ctx.as_actor(Actor("opr1", "operator", "Operator")), runner,
                              qtbot)
    try:
        assert widget.table.rowCount() == 35 + 9
        assert not widget.add_button.isVisibleTo(widget)
        assert not widget.edit_button.isVisibleTo(widget)
    finally:
        runner.wait(10_000)
        events.close()
