"""Two workstations on one file, seen from window B: B's stale saves never undo A's work.

Workstation A is another `Database` on the same file (another copy of the app). The form
merges a refused save field by field: what only one side changed merges by itself, a field
both changed is decided in the merge dialog (both values under the field's label).
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.engine import Database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import accounts, settings_service
from posko_desktop.core.services import incidents as inc
from posko_desktop.ui.accounts.panels import SettingsPanel, UsersPanel
from posko_desktop.ui.dialogs.merge_dialog import MergeDialog

from .conftest import add, sql, status_messages, wait_loaded

A_TITLE = "Hoaks surat suara tercoblos (dibantah KPU)"


@pytest.fixture
def ani(db_path):
    """Workstation A: its own Database on the same file."""
    other = Database(db_path)
    yield AppContext(other, Actor("ani", "admin", "Ani"))
    other.dispose()


def open_form(qtbot, window, incident_id):
    row = window.log.model.row_of_id(incident_id)
    window.select_row(row)
    qtbot.waitUntil(lambda: window.log.detail.incident_id == incident_id)
    form = window.edit_current()
    assert form is not None and form.isVisible()
    return form


def error_boxes(widget) -> list[QMessageBox]:
    return [b for b in widget.findChildren(QMessageBox)
            if b.objectName() == "posko_error_box" and b.isVisible()]


def test_a_change_only_the_other_made_merges_by_itself(ctx, make_window, qtbot, db_path, ani):
    d = add(ctx, "Hoaks surat suara tercoblos", description="Beredar video")
    window = make_window()
    form = open_form(qtbot, window, d.id)
    shown = status_messages(window)
    seen = inc.get_incident(ani, d.id)
    inc.update_incident(ani, d.id, {"title": A_TITLE, "description": "Video lama 2019"},
                        expected_version=seen.version)
    form.severity.set_values(("kritis",))
    form.save()
    qtbot.waitUntil(lambda: window.form is None)
    assert sql(db_path, "SELECT title, description, severity FROM incident") == [
        (A_TITLE, "Video lama 2019", "kritis")]
    merged = [m for m in shown if m.startswith("Digabungkan dengan perubahan oleh ani pada ")]
    assert len(merged) == 1 and merged[0].endswith(": Judul, Uraian"), shown
    wait_loaded(qtbot, window)
    assert window.log.detail.detail.title == A_TITLE


@pytest.mark.parametrize("pick, title", [("theirs", A_TITLE), ("mine", "Judul dari Budi")])
def test_a_field_both_changed_is_picked_in_the_merge_dialog(ctx, make_window, qtbot, db_path,
                                                            ani, pick, title):
    d = add(ctx, "Hoaks surat suara tercoblos")
    window = make_window()
    form = open_form(qtbot, window, d.id)
    inc.update_incident(ani, d.id, {"title": A_TITLE, "severity": "tinggi"},
                        expected_version=d.version)
    form.title.setText("Judul dari Budi")
    form.location.setText("TPS 05 Tembalang")
    form.save()
    dialog = form.merge_dialog
    assert isinstance(dialog, MergeDialog) and dialog.isVisible()
    assert sql(db_path, "SELECT title, location FROM incident") == [(A_TITLE, "")]  # nothing yet
    assert "telah diubah oleh ani pada" in dialog.findChild(QLabel, "merge_intro").text()
    labels = {w.objectName(): w.text() for w in dialog.findChildren(QLabel)
              if w.objectName().startswith("merge_label_")}
    assert labels == {"merge_label_title": "Judul", "merge_label_location": "Lokasi",
                      "merge_label_severity": "Tingkat keparahan"}
    assert dialog.radios[("title", "mine")].text() == "Judul dari Budi"
    assert dialog.radios[("title", "theirs")].text() == A_TITLE
    # decided already: B's location, A's severity
    assert dialog.radios[("location", "mine")].isChecked()
    assert dialog.radios[("severity", "theirs")].isChecked()
    assert not dialog.radios[("severity", "mine")].isEnabled()
    assert not dialog.save_button.isEnabled()  # the title is not decided yet
    dialog.choose("title", pick)
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: window.form is None)
    assert sql(db_path, "SELECT title, location, severity FROM incident") == [
        (title, "TPS 05 Tembalang", "tinggi")]


def test_cancelling_the_merge_keeps_the_form_and_writes_nothing(ctx, make_window, qtbot,
                                                                db_path, ani):
    d = add(ctx, "Hoaks surat suara tercoblos")
    window = make_window()
    form = open_form(qtbot, window, d.id)
    inc.update_incident(ani, d.id, {"title": A_TITLE}, expected_version=d.version)
    form.title.setText("Judul dari Budi")
    form.save()
    before = sql(db_path, "SELECT * FROM incident")
    form.merge_dialog.reject()
    assert form.isVisible() and form.title.text() == "Judul dari Budi"
    assert sql(db_path, "SELECT * FROM incident") == before


def test_a_stale_status_change_is_refused_and_the_pane_reloads(ctx, make_window, qtbot,
                                                               db_path, ani):
    d = add(ctx, "Pengerahan ASN")
    window = make_window()
    window.select_row(window.log.model.row_of_id(d.id))
    qtbot.waitUntil(lambda: window.log.detail.incident_id == d.id)
    pane = window.log.detail
    inc.update_incident(ani, d.id, {"severity": "kritis"}, expected_version=d.version)
    before = sql(db_path, "SELECT * FROM incident")
    assert not pane.change_status("diverifikasi")
    [box] = error_boxes(window)
    assert box.text().startswith("Kejadian {n} telah diubah oleh ani pada ".format(n=d.number))
    assert "was changed by ani at" in box.text()  # and in English below
    assert sql(db_path, "SELECT * FROM incident") == before
    assert pane.detail.severity == "kritis"  # reloaded: the supervisor now sees A's change
    box.close()
    assert pane.change_status("diverifikasi")
    assert sql(db_path, "SELECT status, severity FROM incident") == [("diverifikasi", "kritis")]


def test_a_stale_setting_is_refused_and_the_panel_reloads(ctx, qtbot, ani):
    panel = SettingsPanel(ctx)
    qtbot.addWidget(panel)
    key, other = "accounts.max_failed_logins", "watch.silent_hours"
    settings_service.set(ani, key, 3, expected_version=settings_service.get_versioned(ani)[key].version)
    # B edits another setting: A's value is not put back (the panel compares with what it showed)
    panel.set_value_text(other, "12")
    assert panel.save_changes() == 1
    assert settings_service.get(ctx, key) == 3 and settings_service.get(ctx, other) == 12.0
    settings_service.set(ani, key, 4, expected_version=settings_service.get_versioned(ani)[key].version)
    panel.set_value_text(key, "7")
    assert panel.save_changes() == 0
    assert error_boxes(panel)
    assert settings_service.get(ctx, key) == 4
    assert panel.table.item(panel.keys.index(key), 1).text() == "4"  # the current value


def test_a_stale_change_of_a_user_is_refused_and_the_table_reloads(ctx, qtbot, ani, monkeypatch):
    from argon2 import PasswordHasher, Type

    monkeypatch.setattr(accounts, "PASSWORD_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID))
    accounts.add_user(ctx, "opr", "Lapor-Situasi-77", "operator", "Operator Satu")
    panel = UsersPanel(ctx)
    qtbot.addWidget(panel)
    accounts.set_role(ani, "opr", "supervisor",
                      expected_version=accounts.get_user(ani, "opr").version)
    assert panel.set_role("opr", "admin") is None
    assert error_boxes(panel)
    assert accounts.get_user(ctx, "opr").role == "supervisor"
    [row] = [u for u in panel.users if u.username == "opr"]
    assert row.role == "supervisor"  # reloaded
    assert panel.set_role("opr", "admin").role == "admin"
