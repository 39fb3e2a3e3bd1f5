"""Feedback that follows what the operator does: a field's message goes as soon as the field
is valid, and the detail pane never shows (or acts on) an incident the filter hides."""

from __future__ import annotations

from posko_desktop.core.services import incidents

from .conftest import add, sql, wait_loaded


def test_a_message_clears_as_soon_as_its_field_is_valid(window, qtbot, db_path):
    form = window.new_incident()
    form.title.setText("x")
    form.save()
    assert form.errors["title"].isVisibleTo(form)
    assert form.errors["regency_code"].isVisibleTo(form)
    qtbot.keyClicks(form.title, "y")  # "xy": still too short, the message stays
    assert form.errors["title"].isVisibleTo(form)
    qtbot.keyClicks(form.title, "z")  # "xyz": valid, gone at once (no save needed)
    assert not form.errors["title"].isVisibleTo(form)
    assert form.errors["regency_code"].isVisibleTo(form)  # the others wait for their field
    form.regency.set_code("33.02")
    assert not form.errors["regency_code"].isVisibleTo(form)
    assert form.errors["category_code"].isVisibleTo(form)
    form.title.clear()  # no new message while typing: only a save shows new ones
    assert not form.errors["title"].isVisibleTo(form)
    assert sql(db_path, "SELECT count(*) FROM incident") == [(0,)]
    form.reject()


def test_detail_pane_clears_when_the_filter_hides_the_incident(ctx, make_window, qtbot,
                                                               db_path):
    shown = add(ctx, "Hoaks kotak suara", regency="33.74")
    add(ctx, "Banjir rendam TPS", regency="33.22", category="G1")
    window = make_window()
    row = window.log.model.row_of_id(shown.id)
    window.select_row(row)
    pane = window.log.detail
    qtbot.waitUntil(lambda: pane.incident_id == shown.id)
    assert "ditolak" in pane.status_buttons and pane.body.isVisibleTo(window)
    window.log.filter_bar.regency.set_code("33.22")  # the filter no longer lists it
    window.log.filter_bar.regency.lineEdit().editingFinished.emit()
    qtbot.waitUntil(lambda: window.log.model.filter.regencies == ("33.22",))
    wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: pane.detail is None, timeout=10_000)
    assert not pane.body.isVisibleTo(window)  # no Reject or Edit to click
    assert shown.number in pane.placeholder.text()
    assert "filter" in pane.placeholder.text()
    assert window.current_incident_id is None
    assert window.edit_current() is None
    assert sql(db_path, "SELECT status FROM incident WHERE number = ?", shown.number) == [
        ("baru",)]


def test_detail_pane_keeps_an_incident_the_filter_still_lists(ctx, make_window, qtbot):
    shown = add(ctx, "Hoaks kotak suara", regency="33.74")
    window = make_window()
    window.select_row(window.log.model.row_of_id(shown.id))
    pane = window.log.detail
    qtbot.waitUntil(lambda: pane.incident_id == shown.id)
    window.log.filter_bar.regency.set_code("33.74")
    window.log.filter_bar.regency.lineEdit().editingFinished.emit()
    qtbot.waitUntil(lambda: window.log.model.filter.regencies == ("33.74",))
    wait_loaded(qtbot, window)
    assert pane.incident_id == shown.id and pane.body.isVisibleTo(window)
    assert incidents.get_incident(ctx, shown.id).status == "baru"
