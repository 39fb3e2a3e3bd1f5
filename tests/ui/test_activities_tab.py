"""The activities tab: lists the period's activities with the filters, adds and edits
through the dialog, a stale save merges or reloads like the incident form, supervisors
delete; hosted by a stand-in for the window (the TabHost contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import activities as act
from posko_desktop.core.services.activities import ActivityInput
from posko_desktop.core.timeutil import ensure_utc
from posko_desktop.ui.activities import ActivitiesTab, make_tab
from posko_desktop.ui.events import QtEvents
from posko_desktop.ui.tabs import FeatureTab
from posko_desktop.ui.tasks import TaskRunner


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


@pytest.fixture
def fixed_now(ctx):
    """The tab opens on the last 7 days (WIB) before `now`: 27 Nov 2024, 10.00 WIB."""
    ctx.clock = lambda: ensure_utc(datetime(2024, 11, 27, 10, 0))
    return ctx


@pytest.fixture
def tab(fixed_now, runner, qtbot):
    events = QtEvents(fixed_now.bus)
    host = Host(fixed_now, runner, events)
    widget = make_tab(host)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.loads >= 1, timeout=10_000)
    yield widget
    runner.wait(10_000)
    events.close()


def rakor(**kw) -> ActivityInput:
    values = dict(kind="rakor", title="Rakor Desk Pilkada", started_at=datetime(2024, 11, 26, 9),
                  regencies=["33.74"], partners=["POLRI"])
    values.update(kw)
    return ActivityInput(**values)


def titles(tab: ActivitiesTab) -> list[str]:
    return [tab.table.item(i, 3).text() for i in range(tab.table.rowCount())]


def test_the_tab_meets_the_window_contract_and_lists_with_filters(tab, fixed_now, qtbot):
    assert isinstance(tab, FeatureTab) and tab.tab_title() == "Kegiatan"
    n = tab.loads
    act.add_activity(fixed_now, rakor())
    act.add_activity(fixed_now, rakor(title="Patroli siber", kind="patroli_siber",
                                      regencies=["33.01"]))
    act.add_activity(fixed_now, rakor(title="Rakor lama", started_at=datetime(2024, 11, 1, 9)))
    qtbot.waitUntil(lambda: tab.loads > n and len(titles(tab)) == 2, timeout=10_000)
    assert set(titles(tab)) == {"Rakor Desk Pilkada", "Patroli siber"}
    n = tab.loads
    tab.kind.setCurrentIndex(tab.kind.findData("patroli_siber"))
    qtbot.waitUntil(lambda: tab.loads > n and titles(tab) == ["Patroli siber"], timeout=10_000)
    n = tab.loads
    tab.kind.setCurrentIndex(0)
    tab.regency.setCurrentIndex(tab.regency.findData("33.74"))
    qtbot.waitUntil(lambda: tab.loads > n and titles(tab) == ["Rakor Desk Pilkada"],
                    timeout=10_000)
    n = tab.loads
    tab.regency.setCurrentIndex(0)
    tab.first.setDate(QDate(2024, 11, 1))
    qtbot.waitUntil(lambda: tab.loads > n and len(titles(tab)) == 3, timeout=10_000)


def test_add_through_the_dialog(tab, fixed_now, qtbot):
    dialog = tab.add()
    dialog.kind.setCurrentIndex(dialog.kind.findData("imbauan"))
    dialog.title_edit.setText("Imbauan pemilu damai")
    dialog.partners.setPlainText("fkub\nKesbangpol")
    for i in range(dialog.regencies.count()):
        if dialog.regencies.item(i).data(Qt.ItemDataRole.UserRole) == "33.22":
            dialog.regencies.item(i).setCheckState(Qt.CheckState.Checked)
    n = tab.loads
    dialog.save()
    assert dialog.result_info is not None
    qtbot.waitUntil(lambda: tab.loads > n and "Imbauan pemilu damai" in titles(tab),
                    timeout=10_000)
    saved = act.list_activities(fixed_now)[0]
    # partners that name an agency of the directory (FKUB, Kesbangpol: 0024) are kept as its code
    assert saved.regencies == ("33.22",) and saved.partners == ("FKUB", "KESBANGPOL")


def test_a_refused_input_stays_in_the_dialog(tab):
    dialog = tab.add()
    dialog.title_edit.setText("")
    dialog.save()
    assert dialog.result_info is None and dialog.isVisible()
    assert dialog.error.text() == "Isi judul"


def test_a_stale_save_merges_what_only_one_side_changed(tab, fixed_now, qtbot, db):
    a = act.add_activity(fixed_now, rakor())
    qtbot.waitUntil(lambda: titles(tab) == ["Rakor Desk Pilkada"], timeout=10_000)
    tab.table.setCurrentCell(0, 0)
    dialog = tab.edit_selected()
    other = AppContext(db, Actor("sari", "admin", "Sari"))
    act.update_activity(other, a.id, {"result": "Notulen dari Sari"})
    dialog.title_edit.setText("Rakor Desk Pilkada (lanjutan)")
    dialog.save()
    stored = act.get_activity(fixed_now, a.id)
    assert (stored.title, stored.result) == ("Rakor Desk Pilkada (lanjutan)", "Notulen dari Sari")


def test_a_stale_save_of_the_same_field_reloads_and_says_so(tab, fixed_now, qtbot, db,
                                                            monkeypatch):
    shown = []
    monkeypatch.setattr("posko_desktop.ui.activities.dialog.show_error",
                        lambda parent, err: shown.append(err))
    a = act.add_activity(fixed_now, rakor())
    qtbot.waitUntil(lambda: titles(tab) == ["Rakor Desk Pilkada"], timeout=10_000)
    tab.table.setCurrentCell(0, 0)
    dialog = tab.edit_selected()
    act.update_activity(AppContext(db, Actor("sari", "admin", "Sari")), a.id,
                        {"title": "Judul dari Sari"})
    dialog.title_edit.setText("Judul saya")
    dialog.save()
    assert shown and "sari" in shown[0].text_in("en")
    assert dialog.title_edit.text() == "Judul dari Sari"  # reloaded, nothing overwritten
    assert act.get_activity(fixed_now, a.id).title == "Judul dari Sari"


def test_a_supervisor_deletes(tab, fixed_now, qtbot, monkeypatch):
    act.add_activity(fixed_now, rakor())
    qtbot.waitUntil(lambda: titles(tab) == ["Rakor Desk Pilkada"], timeout=10_000)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    tab.table.setCurrentCell(0, 0)
    n = tab.loads
    tab.delete_selected()
    qtbot.waitUntil(lambda: tab.loads > n and titles(tab) == [], timeout=10_000)
