"""The Direktori tab and the referral contact (issue 18): a supervisor adds an agency and a
contact, a stale edit is refused, shown and reloaded, an operator sees no edit buttons and
is refused with the database unchanged; in the detail pane the legal type's route
preselects the agency, its answer time sets the due time, the chosen contact's phone and
WhatsApp number are shown for the referral."""

from __future__ import annotations

from datetime import timedelta

import pytest

from posko_desktop.core.domain import Actor, PermissionDenied, StaleEdit
from posko_desktop.core.services import directory
from posko_desktop.ui.directory import DirectoryTab, make_tab
from posko_desktop.ui.events import QtEvents
from posko_desktop.ui.tabs import FeatureTab

from .conftest import add, sql
from .test_units_tab import Host  # the stand-in for the window (TabHost)


def open_tab(ctx, runner, qtbot) -> tuple[DirectoryTab, QtEvents]:
    events = QtEvents(ctx.bus)
    widget = make_tab(Host(ctx, runner, events))
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.loads >= 1, timeout=10_000)
    return widget, events


@pytest.fixture
def tab(ctx, runner, qtbot):
    widget, events = open_tab(ctx.as_actor(Actor("spv", "supervisor", "Penyelia")), runner,
                              qtbot)
    yield widget
    runner.wait(10_000)
    events.close()


def select(tab: DirectoryTab, code: str) -> None:
    tab.agencies.selectRow([r.code for r in tab.rows].index(code))


def test_a_supervisor_adds_an_agency_and_a_contact(tab, qtbot, db_path):
    assert isinstance(tab, FeatureTab) and tab.tab_title() == "Direktori"
    assert tab.agencies.rowCount() == len(tab.rows) >= 40
    dialog = tab.add_agency()
    dialog.code.setText("DINSOS")
    dialog.name.setText("Dinas Sosial Provinsi Jawa Tengah")
    dialog.parent_agency.setCurrentIndex(dialog.parent_agency.findData("KESBANGPOL"))
    dialog.answer_hours.setValue(48)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: "DINSOS" in [r.code for r in tab.rows], timeout=10_000)
    select(tab, "DINSOS")
    contact = tab.add_contact()
    contact.name.setText("Sri Wahyuni")
    contact.function.setText("Kabid Linjamsos")
    contact.phone.setText("0812-0000-1001")
    contact.save()
    qtbot.waitUntil(lambda: tab.contacts.rowCount() == 1, timeout=10_000)
    assert tab.contacts.item(0, 2).text() == "0812-0000-1001"
    assert sql(db_path, "SELECT parent_code, answer_hours FROM agency WHERE number = 'DINSOS'"
               ) == [("KESBANGPOL", 48)]
    assert sql(db_path, "SELECT agency_code, name, phone FROM agency_contact") == [
        ("DINSOS", "Sri Wahyuni", "0812-0000-1001")]


def test_contact_buttons_wait_until_a_contact_is_chosen(tab, qtbot):
    directory.add_contact(tab.ctx, "KPID", "Andi", phone="0812-0000-2002")
    qtbot.waitUntil(lambda: "KPID" in [r.code for r in tab.rows if r.contacts], timeout=10_000)
    select(tab, "KPID")
    assert tab.contacts.rowCount() == 1 and tab.add_contact_button.isEnabled()
    assert not tab.edit_contact_button.isEnabled()
    assert not tab.remove_contact_button.isEnabled()
    tab.contacts.selectRow(0)
    assert tab.edit_contact_button.isEnabled() and tab.remove_contact_button.isEnabled()
    select(tab, [r.code for r in tab.rows if not r.contacts][0])
    assert not tab.edit_contact_button.isEnabled()


def test_a_stale_edit_is_refused_shown_and_reloaded(tab, qtbot, monkeypatch, db_path):
    shown = []
    monkeypatch.setattr("posko_desktop.ui.directory.dialogs.show_error",
                        lambda parent, err, *a: shown.append(err))
    select(tab, "KPID")
    dialog = tab.edit_agency()
    directory.update_agency(tab.ctx, "KPID", {"address": "Jl. Tri Lomba Juang (orang lain)"})
    dialog.address.setPlainText("Alamat dari dialog")
    dialog.save()
    assert isinstance(shown[0], StaleEdit)
    assert sql(db_path, "SELECT address FROM agency WHERE number = 'KPID'") == [
        ("Jl. Tri Lomba Juang (orang lain)",)]
    c = directory.add_contact(tab.ctx, "KPID", "Andi", phone="0812-0000-2002")
    qtbot.waitUntil(lambda: tab.selected() is not None and len(tab.selected().contacts) == 1,
                    timeout=10_000)
    tab.contacts.selectRow(0)
    editor = tab.edit_contact()
    directory.update_contact(tab.ctx, c.id, {"phone": "0812-0000-2003"})
    editor.phone.setText("0812-0000-9999")
    editor.save()
    assert isinstance(shown[1], StaleEdit)
    assert sql(db_path, "SELECT phone FROM agency_contact") == [("0812-0000-2003",)]
    qtbot.waitUntil(lambda: tab.contacts.item(0, 2).text() == "0812-0000-2003",
                    timeout=10_000)


def test_an_operator_sees_no_edit_buttons_and_is_refused(ctx, runner, qtbot, monkeypatch,
                                                         db_path):
    directory.add_contact(ctx, "POLDA", "Kompol Hadi", phone="0812-0000-0104")
    widget, events = open_tab(ctx.as_actor(Actor("opr1", "operator", "Operator")), runner,
                              qtbot)
    shown = []
    monkeypatch.setattr("posko_desktop.ui.directory.dialogs.show_error",
                        lambda parent, err, *a: shown.append(err))
    monkeypatch.setattr("posko_desktop.ui.directory.tab.show_error",
                        lambda parent, err, *a: shown.append(err))
    try:
        for button in (widget.add_agency_button, widget.edit_agency_button,
                       widget.add_contact_button, widget.edit_contact_button,
                       widget.remove_contact_button):
            assert not button.isVisibleTo(widget)
        before = sql(db_path, "SELECT * FROM agency ORDER BY number") + sql(
            db_path, "SELECT * FROM agency_contact")
        select(widget, "POLDA")
        dialog = widget.edit_agency()  # reached anyway: the service refuses
        dialog.answer_hours.setValue(12)
        dialog.save()
        widget.contacts.selectRow(0)
        assert not widget.remove_contact()
        assert [type(e) for e in shown] == [PermissionDenied, PermissionDenied]
        assert sql(db_path, "SELECT * FROM agency ORDER BY number") + sql(
            db_path, "SELECT * FROM agency_contact") == before
    finally:
        runner.wait(10_000)
        events.close()


def test_a_referral_picks_a_contact_and_the_pane_shows_the_phone(ctx, make_window, qtbot,
                                                                  db_path):
    directory.update_agency(ctx, "GAKKUMDU", {"answer_hours": 6})
    directory.add_contact(ctx, "GAKKUMDU", "AKBP Contoh", "Koordinator Sentra Gakkumdu",
                          phone="0812-0000-5005", whatsapp="0813-0000-5005")
    d = add(ctx, "Politik uang di Desa Lerep", category="B1", legal_type="pidana")
    window = make_window()
    window.log.detail.show_incident(d.id)
    pane = window.log.detail
    assert pane.agency.currentData() == "GAKKUMDU"  # the route of an election crime
    now = ctx.now()
    assert abs(pane.due_at.value() - (now + timedelta(hours=6))) < timedelta(minutes=2)
    contacts = pane.referral_form.contact
    assert contacts.count() == 2 and "0812-0000-5005" in contacts.itemText(1)
    contacts.setCurrentIndex(1)
    pane.referral_text.setText("Mohon kajian awal")
    pane.refer_button.click()
    qtbot.waitUntil(lambda: pane.referrals.topLevelItemCount() == 1)
    line = pane.referral_contact.text()
    assert "AKBP Contoh" in line and "0812-0000-5005" in line and "WA 0813-0000-5005" in line
    assert pane.referral_contact.isVisibleTo(pane)
    assert "0812-0000-5005" in pane.referrals.topLevelItem(0).text(4)
    [(contact_id,)] = sql(db_path, "SELECT contact_id FROM followup WHERE kind = 'referral'")
    assert contact_id is not None


def test_the_tab_writes_the_excel_file_and_the_phone_list(tab, qtbot, tmp_path):
    directory.add_contact(tab.ctx, "KPID", "Dewi Contoh", "Komisioner", phone="0812-0000-7007")
    paths = {".xlsx": tmp_path / "direktori.xlsx", ".pdf": tmp_path / "telepon.pdf"}
    tab.pick_save_path = lambda _t, suggested, _f: str(paths[suggested[suggested.rindex("."):]])
    tab.export()
    tab.phone_list()
    qtbot.waitUntil(lambda: len(tab.host.messages) == 2, timeout=20_000)
    assert paths[".xlsx"].stat().st_size > 0 and paths[".pdf"].read_bytes()[:4] == b"%PDF"
    assert "1" in tab.host.messages[0] and "1" in tab.host.messages[1]
