"""The lexicon editor window: an admin lists the terms by category, adds, replaces and
removes one (the version shown moves with each change); a supervisor sees the lexicon but
cannot change it."""

from __future__ import annotations

import pytest

from posko_desktop.core.domain import Actor
from posko_desktop.core.services.medsos import lexicon
from posko_desktop.ui.events import QtEvents
from posko_desktop.ui.medsos import make_tab
from tests.ui.test_activities_tab import Host


@pytest.fixture
def open_lexicon(ctx, runner, qtbot):
    events = QtEvents(ctx.bus)
    tabs = []

    def opened(actor: Actor):
        tab = make_tab(Host(ctx.as_actor(actor), runner, events))
        qtbot.addWidget(tab)
        tabs.append(tab)
        window = tab.queue.open_lexicon()
        qtbot.waitUntil(lambda: window.page.loads >= 1, timeout=10_000)
        return window

    yield opened
    runner.wait(10_000)
    events.close()


def _terms(window) -> list[tuple[str, str, str]]:
    t = window.table
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]


def test_an_admin_edits_the_lexicon_in_the_window(open_lexicon, qtbot):
    window = open_lexicon(Actor("adi", "admin", "Adi"))
    start = window.view.version
    assert "Leksikon versi {v}:".format(v=start) in window.version.text()
    window.category.setCurrentIndex(window.category.findData("politik_uang"))
    money = _terms(window)
    assert money and {row[1] for row in money} == {"Politik uang"}
    window.new_term.setText("amplop biru")
    window.new_category.setCurrentIndex(window.new_category.findData("politik_uang"))
    window.add()
    qtbot.waitUntil(lambda: ("amplop biru", "Politik uang", "ditambahkan") in _terms(window),
                    timeout=10_000)
    added_version = window.view.version
    assert added_version != start and added_version in window.version.text()
    window.table.selectRow([r[0] for r in _terms(window)].index("amplop biru"))
    dialog = window.edit_selected()
    dialog.term.setText("amplop biru serangan fajar")
    dialog.accept()
    qtbot.waitUntil(lambda: ("amplop biru serangan fajar", "Politik uang", "ditambahkan")
                    in _terms(window), timeout=10_000)
    assert "amplop biru" not in [r[0] for r in _terms(window)]
    shipped = next(r for r in _terms(window) if r[2] == "bawaan")
    window.table.selectRow(_terms(window).index(shipped))
    window.remove_selected()
    qtbot.waitUntil(lambda: shipped not in _terms(window), timeout=10_000)
    view = lexicon.view(window.ctx)
    assert view.version == window.view.version != added_version
    assert [(e.term, e.action, e.deleted) for e in view.entries] == [
        ("amplop biru", "add", True), ("amplop biru serangan fajar", "add", False),
        (shipped[0], "remove", False)]


def test_a_supervisor_sees_the_lexicon_but_cannot_change_it(open_lexicon):
    window = open_lexicon(Actor("ani", "supervisor", "Ani"))
    assert window.table.rowCount() == len(window.view.terms) > 200
    for button in (window.add_button, window.edit_button, window.remove_button):
        assert not button.isEnabled()
    assert "administrator" in window.note.text()
