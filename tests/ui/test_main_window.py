"""The incident log window on a real database: what an operator does all day."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from posko_desktop.core import i18n
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Actor, Status, allowed_transitions
from posko_desktop.core.services.incidents import (
    IncidentFilter,
    IncidentInput,
    count_incidents,
    create_incident,
)
from posko_desktop.core.timeutil import WIB
from posko_desktop.ui import tabs
from posko_desktop.ui.models.incident_table import ROW_ROLE, Column
from posko_desktop.ui.tabs import TabHost

from .conftest import add, sql, wait_loaded


def numbers_shown(window) -> list[str]:
    model = window.log.model
    return [model.row_at(r).number for r in range(model.rowCount())]


def select(qtbot, window, incident_id: uuid.UUID) -> None:
    row = window.log.model.row_of_id(incident_id)
    assert row is not None
    window.select_row(row)
    qtbot.waitUntil(lambda: window.log.detail.incident_id == incident_id)


def test_window_lists_the_incidents_of_the_database_newest_first(ctx, db_path, make_window):
    for i in range(3):
        add(ctx, "Insiden nomor {i}".format(i=i), hours_ago=10 - i)
    window = make_window()
    expected = [r[0] for r in sql(db_path, "SELECT number FROM incident WHERE deleted = 0 "
                                           "ORDER BY occurred_at DESC, seq DESC")]
    assert numbers_shown(window) == expected
    assert window.log.filter_bar.count_label.text() == "3 kejadian ditampilkan"
    assert "3 kejadian" in window.count_label.text()
    assert str(db_path) in window.db_label.text()


def test_add_an_incident_through_the_form_and_see_it_in_the_table(window, qtbot, db_path):
    form = window.new_incident()
    assert form.isVisible()
    form.title.setText("Hoaks surat suara tercoblos di Tembalang")
    form.category.set_values(("A1",))
    form.severity.set_values(("tinggi",))
    form.location.setText("TPS 05 Tembalang")
    # Type ahead by code, then Enter saves the whole form.
    form.regency.lineEdit().clear()
    qtbot.keyClicks(form.regency.lineEdit(), "3374")
    qtbot.keyClick(form.regency.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.form is None)
    rows = sql(db_path, "SELECT title, regency_code, severity, category_code, location FROM incident")
    assert rows == [("Hoaks surat suara tercoblos di Tembalang", "33.74", "tinggi", "A1",
                     "TPS 05 Tembalang")]
    wait_loaded(qtbot, window)
    assert window.log.model.total == 1
    row = window.log.model.row_at(0)
    assert row.title == "Hoaks surat suara tercoblos di Tembalang"
    assert window.log.model.index(0, Column.REGENCY).data() == "Kota Semarang"
    # The new incident is selected and shown in the detail pane.
    assert window.log.detail.detail.title == row.title


def test_form_shows_validation_messages_next_to_the_fields_and_saves_nothing(window, db_path):
    form = window.new_incident()
    form.title.setText("x")
    form.save()
    assert form.isVisible()
    assert form.errors["title"].isVisibleTo(form)
    assert form.errors["title"].text() == i18n.gettext_in("id", "The title needs at least 3 characters")
    assert form.errors["title"].text() != "The title needs at least 3 characters"
    assert form.errors["regency_code"].isVisibleTo(form)
    assert form.errors["category_code"].isVisibleTo(form)
    assert not form.errors["location"].isVisibleTo(form)
    assert sql(db_path, "SELECT count(*) FROM incident") == [(0,)]
    form.reject()


def test_escape_cancels_the_form(window, qtbot, db_path):
    form = window.new_incident()
    form.title.setText("Tidak jadi disimpan")
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.form is None)
    assert sql(db_path, "SELECT count(*) FROM incident") == [(0,)]


def test_edit_an_incident_through_the_form(ctx, make_window, qtbot, db_path):
    inc = add(ctx, "Baliho dirusak", regency="33.22", category="E1")
    window = make_window()
    select(qtbot, window, inc.id)
    form = window.edit_current()
    assert form.regency.code() == "33.22"
    form.title.setText("Baliho paslon dirusak orang tak dikenal")
    form.save()
    assert sql(db_path, "SELECT title FROM incident") == [("Baliho paslon dirusak orang tak dikenal",)]
    qtbot.waitUntil(lambda: window.log.model.row_at(0).title.startswith("Baliho paslon"))


def test_filter_by_regency_typed_by_name_and_by_search_text(ctx, make_window, qtbot, db_path):
    add(ctx, "Banjir rendam TPS", regency="33.22", category="G1")
    add(ctx, "Hoaks kotak suara", regency="33.74", category="A1")
    add(ctx, "Hoaks daftar pemilih", regency="33.74", category="F1")
    add(ctx, "Politik uang di Cilacap", regency="33.01", category="B1")
    window = make_window()
    bar = window.log.filter_bar
    # "Semarang" alone is ambiguous; "Kota Semarang" is not.
    bar.regency.setEditText("kota semarang")
    bar.regency.lineEdit().editingFinished.emit()
    qtbot.waitUntil(lambda: window.log.model.filter.regencies == ("33.74",))
    wait_loaded(qtbot, window)
    expected = sql(db_path, "SELECT count(*) FROM incident WHERE regency_code = '33.74'")[0][0]
    assert window.log.model.total == expected == 2
    assert {window.log.model.row_at(r).regency_code for r in range(2)} == {"33.74"}

    qtbot.keyClicks(bar.search, "kotak")
    qtbot.waitUntil(lambda: window.log.model.filter.text == "kotak")
    wait_loaded(qtbot, window)
    assert [window.log.model.row_at(0).title] == ["Hoaks kotak suara"]
    assert window.log.model.total == 1
    assert bar.count_label.text() == "1 kejadian ditampilkan"

    bar.reset_button.click()
    wait_loaded(qtbot, window)
    assert window.log.model.total == 4
    assert bar.search.text() == ""


def test_ambiguous_regency_name_is_not_guessed(ctx, window, qtbot):
    bar = window.log.filter_bar
    assert bar.regency.match("Semarang") == -1
    assert bar.regency.itemText(bar.regency.match("33.22")) == "33.22 Kab. Semarang"
    assert bar.regency.itemText(bar.regency.match("3374")) == "33.74 Kota Semarang"
    assert bar.regency.itemText(bar.regency.match("kab. semarang")) == "33.22 Kab. Semarang"
    assert bar.regency.itemText(bar.regency.match("cilacap")) == "33.01 Kab. Cilacap"


def test_show_incident_log_applies_a_filter_from_another_tab(ctx, window, qtbot, db_path):
    add(ctx, "Satu", regency="33.22")
    add(ctx, "Dua", regency="33.74")
    add(ctx, "Tiga", regency="33.01", severity="kritis")
    window.show_incident_log(IncidentFilter(regencies=("33.22", "33.74")))
    wait_loaded(qtbot, window)
    assert window.tabs.currentWidget() is window.log
    assert window.log.filter_bar.regency.currentText() == "2 dipilih"
    assert window.log.model.total == 2
    window.show_incident_log(IncidentFilter(severities=("kritis",)))
    wait_loaded(qtbot, window)
    assert window.log.model.total == 1
    assert window.log.filter_bar.regency.values() == ()


def test_status_buttons_show_only_allowed_transitions_and_change_the_status(ctx, make_window, qtbot, db_path):
    inc = add(ctx, "Intimidasi saksi")
    window = make_window()
    select(qtbot, window, inc.id)
    pane = window.log.detail
    expected = {t.target.value for t in allowed_transitions(Status.BARU)}
    assert set(pane.status_buttons) == expected
    assert pane.status_buttons["diverifikasi"].text() == "Verifikasi"

    pane.status_buttons["diverifikasi"].click()
    assert sql(db_path, "SELECT status FROM incident") == [("diverifikasi",)]
    assert set(pane.status_buttons) == {t.target.value for t in allowed_transitions(Status.DIVERIFIKASI)}
    qtbot.waitUntil(lambda: window.log.model.index(0, Column.STATUS).data() == "Diverifikasi")

    # Reject needs a reason: the prompt opens; an empty reason is not accepted.
    pane.status_buttons["ditolak"].click()
    dialog = pane.reason_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.accept()
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)
    dialog.text.setPlainText("Bukan pelanggaran pemilu")
    dialog.accept()
    assert sql(db_path, "SELECT status FROM incident") == [("ditolak",)]
    assert sql(db_path, "SELECT text FROM followup WHERE status_to = 'ditolak'") == [
        ("Bukan pelanggaran pemilu",)]
    assert set(pane.status_buttons) == {"baru"}  # only reopen
    assert pane.timeline.count() == 2


def test_refused_status_change_shows_a_bilingual_message_and_changes_nothing(ctx, make_window, qtbot, db_path):
    inc = add(ctx, "Pengerahan ASN")
    operator = ctx.as_actor(Actor("ani", "operator", "Ani"))
    window = make_window(AppContext(ctx.db, operator.actor, ctx.bus))
    select(qtbot, window, inc.id)
    pane = window.log.detail
    # An operator is not shown what only a supervisor may decide …
    assert not set(pane.status_buttons) & {"diverifikasi", "ditolak", "tidak_dapat_diverifikasi"}
    assert not pane.delete_button.isVisibleTo(window)
    # … and if a request still reaches the core (stale screen, role changed) it is refused.
    pane.change_status("diverifikasi")
    boxes = [b for b in window.findChildren(QMessageBox) if b.objectName() == "posko_error_box"]
    assert boxes and boxes[-1].isVisible()
    text = boxes[-1].text()
    assert "\n\n" in text  # Indonesian, then English
    assert sql(db_path, "SELECT status FROM incident") == [("baru",)]
    boxes[-1].close()


def test_add_a_follow_up_note(ctx, make_window, qtbot, db_path):
    inc = add(ctx, "Bentrok pendukung")
    window = make_window()
    select(qtbot, window, inc.id)
    pane = window.log.detail
    pane.followup_text.setPlainText("Sudah koordinasi dengan Polres Semarang")
    pane.followup_button.click()
    assert sql(db_path, "SELECT kind, text FROM followup") == [
        ("note", "Sudah koordinasi dengan Polres Semarang")]
    assert pane.followup_text.toPlainText() == ""
    assert "Sudah koordinasi dengan Polres Semarang" in pane.timeline.item(0).text()
    assert pane.sections.tabText(0) == "Linimasa (1)"


def test_empty_follow_up_is_refused_and_the_typed_nothing_stays(ctx, make_window, qtbot, db_path):
    inc = add(ctx, "Bentrok pendukung")
    window = make_window()
    select(qtbot, window, inc.id)
    window.log.detail.followup_button.click()
    assert sql(db_path, "SELECT count(*) FROM followup") == [(0,)]


def test_referral_created_and_its_state_updated(ctx, make_window, qtbot, db_path):
    inc = add(ctx, "Serangan fajar", category="B2")
    window = make_window()
    select(qtbot, window, inc.id)
    pane = window.log.detail
    pane.agency.setCurrentIndex(0)
    agency = pane.agency.currentData()
    pane.referral_text.setText("Mohon klarifikasi")
    pane.refer_button.click()
    assert sql(db_path, "SELECT kind, agency_code, referral_state FROM followup") == [
        ("referral", agency, "terkirim")]
    assert pane.referrals.topLevelItemCount() == 1
    pane.referral_state.setCurrentIndex(pane.referral_state.findData("dijawab"))
    pane.referral_update_button.click()
    assert sql(db_path, "SELECT referral_state FROM followup WHERE kind = 'referral_update'") == [
        ("dijawab",)]
    assert pane.referrals.topLevelItem(0).text(1) == "Dijawab"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_attachment_added_opened_and_saved_as(ctx, make_window, qtbot, tmp_path, db_path):
    inc = add(ctx, "Tangkapan layar hoaks")
    evidence = tmp_path / "bukti.png"
    evidence.write_bytes(PNG)
    window = make_window()
    select(qtbot, window, inc.id)
    pane = window.log.detail
    pane.pick_files = lambda: [str(evidence)]
    opened = []
    pane.open_url = opened.append
    pane.add_attachments()
    qtbot.waitUntil(lambda: pane.attachments.count() == 1, timeout=10_000)
    assert sql(db_path, "SELECT filename, size FROM attachment") == [("bukti.png", len(PNG))]
    pane.attachments.setCurrentRow(0)
    temp = pane.open_attachment()
    assert temp.read_bytes() == PNG and opened and opened[0].toLocalFile() == str(temp)
    target = tmp_path / "salinan.png"
    pane.pick_save_path = lambda suggested: str(target)
    pane.save_attachment()
    assert target.read_bytes() == PNG


def test_refused_attachment_shows_a_message_and_stores_nothing(ctx, make_window, qtbot, tmp_path, db_path):
    inc = add(ctx, "Lampiran salah")
    bad = tmp_path / "catatan.txt"
    bad.write_text("bukan gambar")
    window = make_window()
    select(qtbot, window, inc.id)
    pane = window.log.detail
    pane.pick_files = lambda: [str(bad)]
    pane.add_attachments()
    qtbot.waitUntil(lambda: any(b.objectName() == "posko_error_box" and b.isVisible()
                                for b in pane.findChildren(QMessageBox)), timeout=10_000)
    assert sql(db_path, "SELECT count(*) FROM attachment") == [(0,)]


def test_delete_and_restore(ctx, make_window, qtbot, db_path):
    inc = add(ctx, "Salah input")
    window = make_window()
    select(qtbot, window, inc.id)
    pane = window.log.detail
    pane.delete_button.click()
    pane.reason_dialog.text.setPlainText("duplikat")
    pane.reason_dialog.accept()
    assert sql(db_path, "SELECT deleted FROM incident") == [(1,)]
    wait_loaded(qtbot, window)
    assert window.log.model.total == 0  # deleted incidents leave the log…
    window.log.filter_bar.deleted.setChecked(True)  # …until asked for
    wait_loaded(qtbot, window)
    assert window.log.model.total == 1
    assert pane.delete_button.text() == "Pulihkan"
    assert not pane.status_buttons
    pane.delete_button.click()
    assert sql(db_path, "SELECT deleted FROM incident") == [(0,)]


def test_switch_language_changes_labels_and_keeps_typed_text(ctx, window, qtbot, db):
    add(ctx, "Hoaks")
    wait_loaded(qtbot, window)
    bar = window.log.filter_bar
    bar.search.setText("hoaks tps")
    model = window.log.model
    assert model.headerData(Column.NUMBER, Qt.Orientation.Horizontal) == "Nomor"
    assert window.file_menu.title() == "&Berkas"
    window.set_language("en")
    assert i18n.current_language() == "en"
    assert model.headerData(Column.NUMBER, Qt.Orientation.Horizontal) == "Number"
    assert window.file_menu.title() == "&File"
    assert window.tabs.tabText(0) == "Incident log"
    assert bar.regency.itemText(0) == "All regencies/cities"
    assert bar.search.text() == "hoaks tps"
    # issue 19: never the whole database's language again
    assert sql(db.file, "SELECT count(*) FROM setting WHERE key = 'ui.language'") == [(0,)]
    window.set_language("id")
    assert window.tabs.tabText(0) == "Log kejadian"
    assert bar.search.text() == "hoaks tps"


def test_language_switch_keeps_an_open_form(ctx, window, qtbot):
    form = window.new_incident()
    form.title.setText("Sedang diketik")
    window.set_language("en")
    assert form.windowTitle() == "New incident"
    assert form.labels["title"].text() == "&Title:"
    assert form.title.text() == "Sedang diketik"
    form.reject()


def test_changes_from_a_worker_thread_refresh_the_log(ctx, window, qtbot, db_path):
    """Core events published off the GUI thread reach the window through a queued signal."""
    done = []
    window.runner.run(lambda: add(ctx, "Dari thread lain"), on_done=done.append)
    qtbot.waitUntil(lambda: window.log.model.total == 1, timeout=10_000)
    assert window.log.model.row_at(0).title == "Dari thread lain"


def test_row_role_gives_the_row_and_severity_is_coloured(ctx, window, qtbot):
    add(ctx, "Kritis sekali", severity="kritis")
    wait_loaded(qtbot, window)
    idx = window.log.model.index(0, Column.SEVERITY)
    assert idx.data() == "Kritis"
    assert idx.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert idx.data(ROW_ROLE).severity == "kritis"


def test_ctrl_n_opens_the_form(window, qtbot):
    window.activateWindow()
    window.new_action.trigger()
    assert window.form is not None
    assert window.new_action.shortcut().toString() == "Ctrl+N"
    window.form.reject()


def test_feature_tabs_follow_the_tab_contract(window, qtbot):
    """Tabs from ui.tabs come after the log, are reachable as themselves, and retitle on a
    language switch."""
    assert window.tabs.widget(0) is window.log
    for widget in window.feature_tabs:
        index = window.tabs.indexOf(widget)
        assert index > 0 and window.tabs.widget(index) is widget
        window.tabs.setCurrentWidget(widget)
        assert window.tabs.currentWidget() is widget
        window.set_language("en")
        assert window.tabs.tabText(index) == widget.tab_title()
        window.set_language("id")
        assert window.tabs.tabText(index) == widget.tab_title()
    window.show_incident_log(IncidentFilter())
    assert window.tabs.currentWidget() is window.log


class CountTab(QWidget):
    """A minimal feature tab: built from the TabHost alone."""

    def __init__(self, host: TabHost) -> None:
        super().__init__()
        self.host = host
        self.label = QLabel(self)
        host.events.changed.connect(lambda _change: self.retranslate_ui())
        self.retranslate_ui()

    def tab_title(self) -> str:
        return "Hitung"

    def retranslate_ui(self) -> None:
        self.label.setText(str(count_incidents(self.host.ctx, IncidentFilter())))


def test_a_tab_breaking_the_contract_is_left_out_and_the_rest_work(ctx, make_window,
                                                                  monkeypatch, qtbot):
    """Tabs are mounted when they are `FeatureTab`s; a factory that fails or gives a widget
    without `tab_title()`/`retranslate_ui()` is logged and left out, the log and the other
    tabs stay."""

    def broken(host: TabHost) -> QWidget:
        raise RuntimeError("tab bug")

    monkeypatch.setattr(tabs, "tab_factories", lambda: [broken, lambda host: QWidget(), CountTab])
    window = make_window()
    assert [type(t) for t in window.feature_tabs] == [CountTab]
    assert window.tabs.count() == 2 and window.tabs.widget(0) is window.log
    count_tab = window.feature_tabs[0]
    assert window.tabs.tabText(1) == "Hitung" and count_tab.label.text() == "0"
    add(ctx, "Dihitung oleh tab")
    qtbot.waitUntil(lambda: count_tab.label.text() == "1", timeout=5_000)  # host.events


def test_enter_on_a_row_opens_it_in_the_form(ctx, make_window, qtbot):
    inc = add(ctx, "Dibuka dengan Enter", regency="33.01")
    window = make_window()
    select(qtbot, window, inc.id)
    window.activateWindow()
    window.log.table.setFocus()
    qtbot.keyClick(window.log.table, Qt.Key.Key_Return)
    assert window.form is not None
    assert window.form.title.text() == "Dibuka dengan Enter"
    window.form.reject()


def test_window_title_names_the_site_and_calendars_follow_the_language(window):
    assert window.windowTitle().endswith("Posko Desk Pilkada Provinsi Jawa Tengah")
    date_edit = window.log.filter_bar.date_from
    assert date_edit.locale().language() == QLocale.Language.Indonesian
    window.set_language("en")
    assert date_edit.locale().language() == QLocale.Language.English


def test_date_range_is_in_wib_days_and_category_groups_include_their_children(ctx, make_window, qtbot, db_path):
    def at(title, when, category="A1", severity="sedang"):
        create_incident(ctx, IncidentInput(regency_code="33.74", title=title, category_code=category,
                                           severity=severity, occurred_at=when, reported_at=when))

    at("Malam sebelum", datetime(2024, 11, 26, 23, 30, tzinfo=WIB))
    at("Dini hari pemungutan", datetime(2024, 11, 27, 0, 30, tzinfo=WIB), category="A5")
    at("Siang pemungutan", datetime(2024, 11, 27, 13, 0, tzinfo=WIB), category="B1", severity="kritis")
    window = make_window()
    bar = window.log.filter_bar
    bar.date_from.set_day(date(2024, 11, 27))
    bar.date_to.set_day(date(2024, 11, 27))
    wait_loaded(qtbot, window)
    titles = {window.log.model.row_at(r).title for r in range(window.log.model.rowCount())}
    assert titles == {"Dini hari pemungutan", "Siang pemungutan"}  # 23:30 WIB on the 26th is not the 27th
    bar.category.set_values(("A",))
    wait_loaded(qtbot, window)
    assert [window.log.model.row_at(0).title] == ["Dini hari pemungutan"] and window.log.model.total == 1
    bar.category.set_values(())
    bar.severity.set_values(("kritis",))
    wait_loaded(qtbot, window)
    assert window.log.model.total == 1 and window.log.model.row_at(0).title == "Siang pemungutan"
    bar.severity.set_values(())
    bar.status.set_values(("baru",))
    wait_loaded(qtbot, window)
    expected = sql(db_path, "SELECT count(*) FROM incident WHERE status = 'baru' "
                            "AND occurred_date = '2024-11-27'")[0][0]
    assert window.log.model.total == expected == 2


def test_clicking_a_column_title_sorts_in_sql(ctx, make_window, qtbot, db_path):
    for title, sev in (("Beta", "kritis"), ("Alfa", "rendah"), ("Gama", "tinggi")):
        add(ctx, title, severity=sev)
    window = make_window()
    header = window.log.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.TITLE) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    wait_loaded(qtbot, window)
    first = [window.log.model.row_at(r).title for r in range(3)]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    wait_loaded(qtbot, window)
    second = [window.log.model.row_at(r).title for r in range(3)]
    assert {tuple(first), tuple(second)} == {("Alfa", "Beta", "Gama"), ("Gama", "Beta", "Alfa")}
    assert window.log.model.sort_key[0].value == "title"
