"""The roster editor and the handover note in the window (issue 18): a supervisor adds,
moves and removes officers of a day's shifts (each change audited); an operator cannot
open the editor; the last handover's note is edited in its dialog, version checked (a
change made meanwhile refuses the save and reloads), its items stay as generated, and an
acknowledged handover is no longer editable."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from argon2 import PasswordHasher, Type
from PySide6.QtWidgets import QApplication, QMessageBox

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import accounts, audit, shifts
from posko_desktop.core.services.audit import AuditFilter
from posko_desktop.core.timeutil import ensure_utc
from posko_desktop.ui.events import QtEvents
from posko_desktop.ui.shifts import make_tab
from posko_desktop.ui.shifts.dialog import HandoverDialog
from posko_desktop.ui.shifts.roster_editor import OFFICER, RosterEditor
from tests.ui.test_activities_tab import Host

DAY = date(2024, 11, 27)


@pytest.fixture
def desk(ctx, monkeypatch):
    """Accounts sri and budi (operators) and the supervisor spv, at 14.50 WIB."""
    monkeypatch.setattr(accounts, "PASSWORD_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID))
    ctx.clock = lambda: ensure_utc(datetime(2024, 11, 27, 14, 50))
    admin = accounts.create_first_admin(ctx, "admin", "Kantor-Gubernur-9", "Admin")
    actx = ctx.as_actor(admin.actor)
    for name, role in (("sri", "operator"), ("budi", "operator"), ("spv", "supervisor")):
        accounts.add_user(actx, name, "Piket-Jaga-2024x", role, name.title())
    return ctx


def as_(ctx, name: str, role: str) -> AppContext:
    return AppContext(ctx.db, Actor(name, role, name.title()), ctx.bus, ctx.clock)


def row_of(editor: RosterEditor, shift: str, username: str):
    box = editor.lists[shift]
    return next(box.item(i) for i in range(box.count())
                if box.item(i).data(OFFICER)[0] == username)


def test_a_supervisor_adds_moves_and_removes_officers(desk, qtbot):
    spv = as_(desk, "spv", "supervisor")
    editor = RosterEditor(spv, DAY)
    qtbot.addWidget(editor)
    for name, duty in (("sri", "Polda"), ("budi", "")):
        editor.officer.setCurrentIndex(editor.officer.findData(name))
        editor.duty.setText(duty)
        editor.shift.setCurrentIndex(editor.shift.findData("pagi"))
        assert editor.add()
    assert editor.officers_on("pagi") == [("budi", ""), ("sri", "Polda")]
    editor.lists["pagi"].setCurrentItem(row_of(editor, "pagi", "sri"))
    editor.move_target.setCurrentIndex(editor.move_target.findData("malam"))
    assert editor.move_selected()
    editor.lists["pagi"].setCurrentItem(row_of(editor, "pagi", "budi"))
    assert editor.remove()
    got = [(r.shift, r.username, r.duty) for r in shifts.roster(desk, DAY, DAY)]
    assert got == [("malam", "sri", "Polda")]
    assert editor.lists["malam"].item(0).text() == "Sri — Polda"
    rows = audit.query(desk, AuditFilter(), newest_first=False).rows
    assert [r.action for r in rows if r.action.startswith("shift.")] == [
        "shift.roster", "shift.roster", "shift.roster_move", "shift.roster"]


def test_an_operator_cannot_edit_the_roster(desk, runner, qtbot):
    sri = as_(desk, "sri", "operator")
    events = QtEvents(sri.bus)
    tab = make_tab(Host(sri, runner, events))
    qtbot.addWidget(tab)
    assert not tab.edit_roster_button.isEnabled()
    spv_tab = make_tab(Host(as_(desk, "spv", "supervisor"), runner, events))
    qtbot.addWidget(spv_tab)
    assert spv_tab.edit_roster_button.isEnabled()
    editor = spv_tab.edit_roster()
    assert editor.isVisible()
    editor.close()
    runner.wait(10_000)
    events.close()


def test_the_handover_note_is_edited_with_a_version_check(desk, qtbot):
    sri, budi = as_(desk, "sri", "operator"), as_(desk, "budi", "operator")
    written = shifts.create_handover(sri, "Pantau TPS 05")
    dialog = HandoverDialog(budi, shifts.get_handover(budi, written.id))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.note.isVisible() and dialog.note.toPlainText() == "Pantau TPS 05"
    dialog.note.setPlainText("Pantau TPS 05 dan TPS 07 Tembalang")
    dialog.save_note()
    stored = shifts.get_handover(desk, written.id)
    assert stored.note == "Pantau TPS 05 dan TPS 07 Tembalang"
    assert stored.items == written.items  # the item list stays as generated
    shifts.update_note(sri, written.id, "Versi Sri", expected_version=stored.version)
    dialog.note.setPlainText("Versi Budi")
    dialog.save_note()  # changed meanwhile: refused, reloaded
    assert shifts.get_handover(desk, written.id).note == "Versi Sri"
    assert dialog.note.toPlainText() == "Versi Sri"
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)
             and w.isVisible()]
    assert boxes and "Versi" not in boxes[-1].text()
    for box in boxes:
        box.close()
    dialog.ack_button.click()
    assert not dialog.note.isVisible() and not dialog.save_button.isVisible()
    rows = audit.query(desk, AuditFilter(action="shift.handover_note"), newest_first=False).rows
    assert [(r.username, r.after) for r in rows] == [
        ("budi", {"note": "Pantau TPS 05 dan TPS 07 Tembalang"}), ("sri", {"note": "Versi Sri"})]


def test_a_second_editor_open_on_the_same_day_loses_nobody(desk, qtbot):
    shifts.set_roster(desk, DAY, "pagi", [("sri", "Polda")])
    first, second = (RosterEditor(as_(desk, name, role), DAY)
                     for name, role in (("spv", "supervisor"), ("admin", "admin")))
    for editor in (first, second):
        qtbot.addWidget(editor)
    first.officer.setCurrentIndex(first.officer.findData("budi"))
    first.shift.setCurrentIndex(first.shift.findData("pagi"))
    assert first.add()
    assert second.officers_on("pagi") == [("sri", "Polda")]  # it still shows the old roster
    second.lists["pagi"].setCurrentItem(row_of(second, "pagi", "sri"))
    assert not second.remove()  # refused: budi, added meanwhile, would have been lost
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)
             and w.isVisible()]
    assert boxes and "diubah oleh Spv (spv)" in boxes[-1].text()
    for box in boxes:
        box.close()
    assert {(r.username, r.duty) for r in shifts.roster(desk, DAY, DAY)} == {
        ("sri", "Polda"), ("budi", "")}
    assert second.officers_on("pagi") == [("budi", ""), ("sri", "Polda")]  # reloaded
