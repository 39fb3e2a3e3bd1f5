"""The incident form's reporting unit (issue 18): the regency's office by default, an
agency chosen from the active units; a new incident of Polda turns Polda "masuk" in the
reporting watch and leaves the regency office as it was; a unit change is saved through
the version check (never undoing another's change); a unit deactivated since stays."""

from __future__ import annotations

from posko_desktop.core.domain import Actor
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import units
from posko_desktop.ui.dialogs.incident_form import IncidentFormDialog
from posko_desktop.ui.dialogs.merge_dialog import MergeDialog

from .conftest import add


def watch(ctx) -> dict[str, str]:
    return {c: s.status for c, s in dash.report_status(ctx, dash.current_period(ctx)).items()}


def test_a_new_incident_of_polda_turns_polda_masuk_not_the_office(ctx, qtbot):
    before = watch(ctx)
    form = IncidentFormDialog(ctx)
    qtbot.addWidget(form)
    assert form.unit.code() is None and form.unit.findData("33.74") < 0  # offices: no item
    assert form.unit.findData("KESBANGPOL") > 0
    form.regency.set_code("33.74")
    form.title.setText("Pengerahan massa di depan kantor KPU")
    form.category.set_values(("A1",))
    form.unit.setCurrentIndex(form.unit.findData("POLDA"))
    form.save()
    assert form.result_detail is not None and form.result_detail.reporting_unit == "POLDA"
    after = watch(ctx)
    assert (before["POLDA"], after["POLDA"]) == ("belum", "masuk")
    assert after["33.74"] == before["33.74"] == "belum"  # not the Kota Semarang office's report
    edit = IncidentFormDialog(ctx, inc.get_incident(ctx, form.result_detail.id))
    qtbot.addWidget(edit)
    assert edit.unit.code() == "POLDA"


def test_a_unit_change_goes_through_the_version_check(ctx, qtbot):
    ani = ctx.as_actor(Actor("ani", "admin", "Ani"))
    d = add(ctx, "Hoaks surat suara tercoblos")
    form = IncidentFormDialog(ctx, d)
    qtbot.addWidget(form)
    inc.update_incident(ani, d.id, {"reporting_unit": "KODAM4"}, expected_version=d.version)
    form.unit.setCurrentIndex(form.unit.findData("POLDA"))
    form.save()  # both changed the unit: asked, nothing saved yet
    dialog = form.merge_dialog
    assert isinstance(dialog, MergeDialog) and dialog.isVisible()
    assert inc.get_incident(ctx, d.id).reporting_unit == "KODAM4"
    dialog.choose("reporting_unit", "mine")
    dialog.save_button.click()
    assert inc.get_incident(ctx, d.id).reporting_unit == "POLDA"
    # a form opened before Ani's unit change and saving another field keeps Ani's unit
    seen = inc.get_incident(ctx, d.id)
    other = IncidentFormDialog(ctx, seen)
    qtbot.addWidget(other)
    inc.update_incident(ani, d.id, {"reporting_unit": None}, expected_version=seen.version)
    other.location.setText("TPS 05 Tembalang")
    other.save()
    saved = inc.get_incident(ctx, d.id)
    assert (saved.location, saved.reporting_unit) == ("TPS 05 Tembalang", None)


def test_a_deactivated_unit_stays_on_the_incident(ctx, qtbot):
    d = inc.update_incident(ctx, add(ctx, "Apel").id, {"reporting_unit": "KESBANGPOL"})
    units.update_unit(ctx, "KESBANGPOL", {"active": False})
    form = IncidentFormDialog(ctx, inc.get_incident(ctx, d.id))
    qtbot.addWidget(form)
    assert form.unit.code() == "KESBANGPOL" and "KESBANGPOL" in form.unit.currentText()
    fresh = IncidentFormDialog(ctx)
    qtbot.addWidget(fresh)
    assert fresh.unit.findData("KESBANGPOL") < 0  # not offered for a new incident
    form.title.setText("Apel siaga Kesbangpol")
    form.save()
    again = inc.get_incident(ctx, d.id)
    assert (again.title, again.reporting_unit) == ("Apel siaga Kesbangpol", "KESBANGPOL")
