"""The sync tab over real databases: status per site, export and import off the GUI
thread, a refused file reported, conflicts resolved from the table, key trust."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from posko_desktop.core.context import AppContext
from posko_desktop.core.services import activities as act
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.ui.events import QtEvents
from posko_desktop.ui.sync import SyncTab
from posko_desktop.ui.tasks import TaskRunner

from .conftest import add_incident, send
from .forge import read_members, write_members


@dataclass
class Window:
    """What a tab gets from the main window (tabs.py contract)."""

    ctx: AppContext
    runner: TaskRunner
    events: QtEvents


@pytest.fixture
def tab_for(qtbot):
    made = []

    def make(site):
        runner = TaskRunner()
        events = QtEvents(site.ctx.bus)
        tab = SyncTab(Window(site.ctx, runner, events), keys_dir=site.keys_dir)
        qtbot.addWidget(tab)
        made.append((tab, runner, events))
        qtbot.waitUntil(lambda: tab.sites.rowCount() == 35, timeout=10_000)
        return tab

    yield make
    for _tab, runner, events in made:
        runner.wait(10_000)
        events.close()


def log_text(tab) -> str:
    return tab.log.toPlainText()


def test_status_import_and_refusal(sites, tmp_path, qtbot, tab_for):
    prov, kab, _ = sites
    for _i in range(2):
        add_incident(kab)
    good = send(kab, prov, tmp_path)
    members = read_members(good)
    body = bytearray(members["records/incidents.jsonl"])
    body[3] ^= 1
    members["records/incidents.jsonl"] = bytes(body)
    bad = write_members(tmp_path / "rusak.posko", members)

    tab = tab_for(prov)
    assert "33" in tab.site_label.text()
    codes = [tab.sites.item(r, 0).text() for r in range(tab.sites.rowCount())]
    row = codes.index("33.22")
    assert tab.sites.item(row, 2).text() == "dipercaya"
    tab.import_paths([bad, good])
    qtbot.waitUntil(lambda: "2 baru" in log_text(tab), timeout=20_000)
    assert "rusak.posko" in log_text(tab)
    qtbot.waitUntil(lambda: tab.sites.item(row, 3).text() != "–", timeout=10_000)
    assert inc.count_incidents(prov.ctx, inc.IncidentFilter()) == 2


def test_export_from_the_tab(sites, tmp_path, qtbot, tab_for):
    prov, kab, _ = sites
    add_incident(prov, regency_code="33.74")
    tab = tab_for(prov)
    out = tmp_path / "untuk-kab.posko"
    tab.export_to(out, "33.22", False)
    qtbot.waitUntil(lambda: "1 kejadian" in log_text(tab), timeout=20_000)
    assert svc.import_package(kab.ctx, out).totals().new == 1


def test_conflict_resolved_from_the_table(sites, tmp_path, qtbot, tab_for):
    prov, kab, _ = sites
    d = add_incident(kab)
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    for site, title in ((kab, "Versi kabupaten"), (prov, "Versi provinsi")):
        data = d.to_input()
        data.title = title
        inc.update_incident(site.ctx, d.id, data)
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    tab = tab_for(prov)
    qtbot.waitUntil(lambda: tab.conflicts.rowCount() == 1, timeout=10_000)
    lost = tab.conflicts.item(0, 4).text()
    tab.conflicts.selectRow(0)
    tab.take_btn.click()
    qtbot.waitUntil(lambda: tab.conflicts.rowCount() == 0, timeout=10_000)
    assert inc.get_incident(prov.ctx, d.id).title == lost


def test_an_activity_conflict_is_listed_and_resolved_from_the_same_table(sites, tmp_path, qtbot,
                                                                         tab_for):
    prov, kab, _ = sites
    a = act.add_activity(kab.ctx, act.ActivityInput(
        "rakor", "Rakor Forkopimda", datetime(2024, 11, 25, 9, 0), regencies=["33.22"]))
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    act.update_activity(kab.ctx, a.id, {"result": "Versi kabupaten"})
    act.update_activity(prov.ctx, a.id, {"result": "Versi provinsi"})
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    tab = tab_for(prov)
    qtbot.waitUntil(lambda: tab.conflicts.rowCount() == 1, timeout=10_000)
    assert tab.conflicts.item(0, 1).text() == a.number + " Rakor Forkopimda"
    lost = tab.conflicts.item(0, 4).text()
    tab.conflicts.selectRow(0)
    tab.take_btn.click()
    qtbot.waitUntil(lambda: tab.conflicts.rowCount() == 0, timeout=10_000)
    assert act.get_activity(prov.ctx, a.id).result == lost


def test_key_import_needs_the_spoken_fingerprint(sites, template_db, tmp_path, qtbot, tab_for):
    from .conftest import make_site

    prov = sites[0]
    other = make_site(template_db, tmp_path / "o", "33.01", "Cilacap")
    tab = tab_for(prov)
    tab.import_key(other.key_file, heard="1234-5678-9ABC-DEF0-1234")
    qtbot.waitUntil(lambda: tab.runner.active == 0, timeout=10_000)
    assert [k.site_code for k in svc.list_keys(prov.ctx)].count("33.01") == 0
    dialog = tab.import_key(other.key_file)
    qtbot.addWidget(dialog)
    info = svc.inspect_key_file(other.key_file)
    dialog.heard.setText(info.short_fingerprint.lower())
    dialog.accept()
    qtbot.waitUntil(lambda: "33.01" in [k.site_code for k in svc.list_keys(prov.ctx)],
                    timeout=10_000)
    other.ctx.db.dispose()
