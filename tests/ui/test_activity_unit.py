"""The activity form's reporting unit (issue 18): the desk/regency office by default, an
agency chosen from the active units, kept when the activity is opened again, and a unit
deactivated since stays on the activity (shown, not lost on the next save)."""

from __future__ import annotations

from datetime import datetime

from posko_desktop.core.services import activities as act
from posko_desktop.core.services import units
from posko_desktop.ui.activities.dialog import ActivityDialog


def test_the_form_records_and_keeps_the_reporting_unit(ctx, qtbot):
    dialog = ActivityDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.unit.currentData() is None and dialog.unit.findData("33.22") < 0
    dialog.title_edit.setText("Apel siaga Polda")
    dialog.start.set_value(datetime(2024, 11, 25, 9, 0))
    dialog.unit.setCurrentIndex(dialog.unit.findData("POLDA"))
    dialog.save()
    saved = dialog.result_info
    assert saved is not None and saved.reporting_unit == "POLDA"
    units.update_unit(ctx, "POLDA", {"active": False})
    edit = ActivityDialog(ctx, act.get_activity(ctx, saved.id))
    qtbot.addWidget(edit)
    assert edit.unit.currentData() == "POLDA"
    edit.title_edit.setText("Apel siaga Polda Jateng")
    edit.save()
    again = act.get_activity(ctx, saved.id)
    assert (again.title, again.reporting_unit) == ("Apel siaga Polda Jateng", "POLDA")
