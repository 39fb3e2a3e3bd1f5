"""The settings editor: forms per subject, units and check boxes, the reason under a refused
field until it is valid, tembusan as an editable list, saving through the service with its
version check (another admin's change is never overwritten); the raw grid as "Advanced"."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QListWidget, QSpinBox

from posko_desktop.core.services import accounts, settings_service
from posko_desktop.core.services.audit import AuditFilter, query
from posko_desktop.ui.accounts import settings_form
from posko_desktop.ui.accounts.settings_form import SettingsEditor

from .conftest import PASSWORDS


def make_editor(ctx, qtbot) -> SettingsEditor:
    editor = SettingsEditor(ctx)
    qtbot.addWidget(editor)
    editor.resize(1000, 600)
    editor.show()
    return editor


def test_signer_form_validates_while_typing_and_saves_audited(accounts_ctx, qtbot):
    editor = make_editor(accounts_ctx, qtbot)
    f = editor.fields
    assert editor.pages.tabText(1) == "Penanda tangan"
    editor.pages.setCurrentIndex(1)
    assert f["sitrep.signer_rank"].label.text() == "Pangkat/golongan"
    f["sitrep.signer_name"].editor.setText("Dr. Siti Aminah, M.Si.")
    f["sitrep.signer_position"].editor.setText("Kepala Biro Pemerintahan")
    f["sitrep.signer_rank"].editor.setText("Pembina Utama Muda (IV/c)")
    nip = f["sitrep.signer_nip"]
    qtbot.keyClicks(nip.editor, "19700101 1995")
    assert nip.message.isVisible() and "18 angka" in nip.message.text()
    assert not editor.save_button.isEnabled()
    qtbot.keyClicks(nip.editor, "03 2 001")  # valid now: the reason goes at once
    assert not nip.message.isVisible()
    assert editor.save_button.isEnabled()
    assert editor.save() == 4
    assert settings_service.get(accounts_ctx, "sitrep.signer_nip") == "19700101 199503 2 001"
    changed = {r.record_id for r in query(accounts_ctx, AuditFilter(action="setting.change")).rows}
    assert changed == {"sitrep.signer_name", "sitrep.signer_position", "sitrep.signer_rank",
                       "sitrep.signer_nip"}
    assert not editor.save_button.isEnabled()  # nothing left to save


def test_tembusan_is_an_editable_list(accounts_ctx, qtbot):
    editor = make_editor(accounts_ctx, qtbot)
    editor.pages.setCurrentIndex(2)
    lines = editor.fields["sitrep.tembusan"].editor
    assert isinstance(lines.list, QListWidget)
    before = settings_service.get(accounts_ctx, "sitrep.tembusan")
    assert lines.lines() == before
    lines.list.setCurrentRow(len(before) - 1)  # "Arsip"
    lines.move_line(-1)
    lines.list.setCurrentRow(0)
    lines.remove_line()
    lines.add_line()
    assert editor.fields["sitrep.tembusan"].message.isVisible()  # an empty line is refused
    lines.list.item(lines.list.count() - 1).setText("Kepala Kesbangpol Provinsi Jawa Tengah")
    assert not editor.fields["sitrep.tembusan"].message.isVisible()
    assert editor.save() == 1
    expected = before[1:-2] + ["Arsip", before[-2], "Kepala Kesbangpol Provinsi Jawa Tengah"]
    assert settings_service.get(accounts_ctx, "sitrep.tembusan") == expected


def test_numbers_have_units_and_ranges_booleans_are_check_boxes(accounts_ctx, qtbot):
    editor = make_editor(accounts_ctx, qtbot)
    idle = editor.fields["ui.idle_lock_minutes"].editor
    assert isinstance(idle, QDoubleSpinBox) and idle.suffix() == " menit"
    assert idle.text() == "10,0 menit" or idle.text() == "10.0 menit"  # not "10.0" bare
    cutoff = editor.fields["report.cutoff_hour"].editor
    assert isinstance(cutoff, QSpinBox) and cutoff.text() == "7.00 WIB"
    assert (cutoff.minimum(), cutoff.maximum()) == (0, 23)
    on_close = editor.fields["backup.on_close"].editor
    assert isinstance(on_close, QCheckBox) and on_close.isChecked()
    on_close.setChecked(False)
    idle.setValue(15)
    assert editor.save() == 2
    assert settings_service.get(accounts_ctx, "backup.on_close") is False
    assert settings_service.get(accounts_ctx, "ui.idle_lock_minutes") == 15.0


def test_a_change_by_someone_else_is_not_overwritten(accounts_ctx, qtbot, monkeypatch):
    editor = make_editor(accounts_ctx, qtbot)
    other = accounts_ctx.as_actor(accounts.login(accounts_ctx, "admin", PASSWORDS["admin"]).actor)
    settings_service.set(other, "sitrep.signer_name", "Nama dari meja lain")
    shown: list = []
    monkeypatch.setattr(settings_form, "show_error", lambda parent, err: shown.append(err))
    editor.fields["sitrep.signer_name"].editor.setText("Nama saya")
    assert editor.save() == 0
    assert shown and "sitrep.signer_name" in shown[0].text()
    assert settings_service.get(accounts_ctx, "sitrep.signer_name") == "Nama dari meja lain"
    assert editor.fields["sitrep.signer_name"].value() == "Nama dari meja lain"


def test_the_service_refuses_what_the_form_refuses(accounts_ctx):
    """The same rule for the CLI: a NIP of 3 digits and an empty tembusan line."""
    import pytest

    from posko_desktop.core.domain import ValidationError

    for key, value in (("sitrep.signer_nip", "123"), ("sitrep.tembusan", ["Arsip", " "]),
                       ("ui.idle_lock_minutes", -1), ("sitrep.number_format", "{nomor}/X")):
        with pytest.raises(ValidationError):
            settings_service.set(accounts_ctx, key, value)
    assert settings_service.get(accounts_ctx, "sitrep.signer_nip") == ""


def test_advanced_page_keeps_the_raw_grid(accounts_ctx, qtbot):
    editor = make_editor(accounts_ctx, qtbot)
    last = editor.pages.count() - 1
    assert editor.pages.tabText(last) == "Lanjutan"
    assert editor.pages.widget(last) is editor.advanced
    assert "sitrep.signer_nip" in editor.advanced.keys
