"""The Piket tab and the handover shown after login (issue 18): the officer writes the
handover of the running shift, the next one sees it first and acknowledges it; hosted by a
stand-in for the window (the TabHost contract)."""

from __future__ import annotations

from datetime import datetime

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import shifts
from posko_desktop.core.timeutil import ensure_utc
from posko_desktop.ui.events import QtEvents
from posko_desktop.ui.shifts import make_tab
from posko_desktop.ui.shifts.dialog import show_after_login
from posko_desktop.ui.tabs import FeatureTab
from tests.ui.test_activities_tab import Host


def test_write_then_the_next_officer_sees_and_acknowledges_it(ctx, runner, qtbot):
    ctx.clock = lambda: ensure_utc(datetime(2024, 11, 27, 14, 50))
    sri = AppContext(ctx.db, Actor("sri", "operator", "Sri"), ctx.bus, ctx.clock)
    events = QtEvents(sri.bus)
    tab = make_tab(Host(sri, runner, events))
    qtbot.addWidget(tab)
    assert isinstance(tab, FeatureTab)
    qtbot.waitUntil(lambda: tab.loads >= 1, timeout=10_000)
    assert "Belum ada serah terima" in tab.handover.toPlainText()
    tab.note.setPlainText("Pantau TPS 05 Tembalang")
    tab.write_button.click()
    qtbot.waitUntil(lambda: tab.latest is not None, timeout=10_000)
    assert "Pantau TPS 05 Tembalang" in tab.handover.toPlainText()
    assert not tab.ack_button.isEnabled()  # the writer does not acknowledge
    runner.wait(10_000)
    events.close()

    budi = AppContext(ctx.db, Actor("budi", "operator", "Budi"), ctx.bus, ctx.clock)
    dialog = show_after_login(budi, tab)
    assert dialog is not None and dialog.isVisible()
    assert "Pantau TPS 05 Tembalang" in dialog.text.toPlainText()
    assert "Unit yang belum melapor (42)" in dialog.text.toPlainText()  # 35 + 7 agencies
    assert "POLDA Polda Jawa Tengah" in dialog.text.toPlainText()
    assert dialog.ack_button.isVisible()
    dialog.ack_button.click()
    assert shifts.latest_handover(ctx).acknowledged_by == "budi"
    assert not dialog.ack_button.isVisible()
    assert "Diterima oleh budi" in dialog.text.toPlainText()
    dialog.close()
