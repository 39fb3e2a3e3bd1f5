"""The incident form's flash report fields (right column) and the detail pane."""

from __future__ import annotations

import pytest

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.engine import Database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import contests
from posko_desktop.core.services import incidents as inc

from .conftest import add, sql, status_messages
from .test_stale_edits import open_form


@pytest.fixture
def ani(db_path):
    other = Database(db_path)
    yield AppContext(other, Actor("ani", "admin", "Ani"))
    other.dispose()


def test_the_form_edits_the_fields_and_shows_a_bad_phone_next_to_it(ctx, make_window, qtbot,
                                                                     db_path):
    d = add(ctx, "Bentrok pendukung di Bergas", category="D3")
    window = make_window()
    form = open_form(qtbot, window, d.id)
    assert form.victims_dead.text() == "—"  # not known
    form.victims_dead.setValue(1)
    form.victims_injured.setValue(4)
    form.material_loss.setPlainText("2 motor dibakar")
    form.current_condition.setPlainText("Kondusif")
    form.source_contact.setText("Bripka Sugeng")
    form.source_phone.setText("0812 ABC")
    before = sql(db_path, "SELECT * FROM incident")
    form.save()
    assert form.isVisible() and form.errors["source_phone"].isVisible()
    assert "0812 ABC" in form.errors["source_phone"].text()
    assert sql(db_path, "SELECT * FROM incident") == before
    form.source_phone.setText("0812 3456 789")
    form.save()
    qtbot.waitUntil(lambda: window.form is None)
    assert sql(db_path, "SELECT victims_dead, victims_injured, material_loss, "
                        "current_condition, source_contact, source_phone FROM incident") == [
        (1, 4, "2 motor dibakar", "Kondusif", "Bripka Sugeng", "0812 3456 789")]
    qtbot.waitUntil(lambda: window.log.detail.detail is not None
                    and window.log.detail.detail.victims_dead == 1)
    shown = window.log.detail.fields.text()
    assert "1 meninggal, 4 luka" in shown and "Bripka Sugeng · 0812 3456 789" in shown


def test_a_change_of_a_field_by_someone_else_merges_by_itself(ctx, make_window, qtbot,
                                                              db_path, ani):
    d = add(ctx, "Bentrok pendukung di Bergas", category="D3")
    window = make_window()
    form = open_form(qtbot, window, d.id)
    shown = status_messages(window)
    inc.update_incident(ani, d.id, {"victims_dead": 2}, expected_version=d.version)
    form.current_condition.setPlainText("Pelaku ditangkap")
    form.save()
    qtbot.waitUntil(lambda: window.form is None)
    assert sql(db_path, "SELECT victims_dead, current_condition FROM incident") == [
        (2, "Pelaku ditangkap")]
    assert any(m.startswith("Digabungkan") and m.endswith(": Korban meninggal")
               for m in shown), shown


def test_a_desa_outside_its_kecamatan_is_refused_in_the_form(ctx, make_window, qtbot,
                                                            db_path):
    """Completion offers the regency's kecamatan and the chosen kecamatan's desa; a desa
    of another kecamatan is refused next to the field, naming where it is."""
    d = add(ctx, "Bentrok pendukung", regency="33.22", category="D3")
    window = make_window()
    form = open_form(qtbot, window, d.id)
    kec_names = form.places.models["kecamatan"].stringList()
    assert len(kec_names) == 19 and "Ungaran Barat" in kec_names  # Kab. Semarang's
    form.kecamatan.setText("Bergas")
    assert "Wujil" in form.places.models["desa"].stringList()
    assert "Lerep" not in form.places.models["desa"].stringList()
    form.desa.setText("Lerep")
    before = sql(db_path, "SELECT * FROM incident")
    form.save()
    assert form.isVisible() and form.errors["desa"].isVisible()
    assert "Ungaran Barat (33.22.18)" in form.errors["desa"].text()
    assert sql(db_path, "SELECT * FROM incident") == before
    form.desa.setText("Wujil")
    form.latitude.setText("-7,1800")
    form.longitude.setText("110.4200")
    form.save()
    qtbot.waitUntil(lambda: window.form is None)
    assert sql(db_path, "SELECT kecamatan, kecamatan_code, desa, desa_code, latitude, "
                        "longitude FROM incident") == [
        ("Bergas", "33.22.13", "Wujil", "33.22.13.1005", -7.18, 110.42)]


def test_the_form_names_contest_pair_and_tps_and_refuses_a_pair_not_held(ctx, make_window,
                                                                          qtbot, db_path):
    """Issue 17: the form's Contest, Candidate pair and TPS fields; a ballot number the
    contest does not hold is refused next to its field, nothing written."""
    contests.add_pair(ctx, contests.PairInput(contest_code="33.74", ballot_number=1,
                                              head="Calon Kepala", deputy="Calon Wakil"))
    d = add(ctx, "Bagi-bagi sembako atas nama paslon", category="B1")
    window = make_window()
    form = open_form(qtbot, window, d.id)
    form.contest.setCurrentIndex(form.contest.findData("33.74"))
    form.pair_number.setValue(2)
    form.kecamatan.setText("Semarang Tengah")
    form.desa.setText("Miroto")
    form.tps_number.setValue(3)
    before = sql(db_path, "SELECT * FROM incident")
    form.save()
    assert form.isVisible() and form.errors["pair_number"].isVisible()
    assert sql(db_path, "SELECT * FROM incident") == before
    form.pair_number.setValue(1)
    form.save()
    qtbot.waitUntil(lambda: window.form is None)
    assert sql(db_path, "SELECT contest_code, pair_number, desa_code, tps_number "
                        "FROM incident") == [("33.74", 1, "33.74.01.1001", 3)]
