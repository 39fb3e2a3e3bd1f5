"""The activity form's place (issue 17): the kecamatan list follows the ticked regencies,
the desa list the chosen kecamatan; a desa outside its kecamatan (as an older or imported
record may hold it) is refused on save with the kecamatan that has it named, nothing
written; a fitting place is saved by code."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from posko_desktop.core.services import activities as act
from posko_desktop.core.services.activities import ActivityFilter
from posko_desktop.ui.activities.dialog import ActivityDialog

JAMBU, GONDORIYO_JAMBU, WUJIL = "33.22.08", "33.22.08.1006", "33.22.13.1005"


def tick(dialog: ActivityDialog, code: str) -> None:
    for i in range(dialog.regencies.count()):
        item = dialog.regencies.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == code:
            item.setCheckState(Qt.CheckState.Checked)


def test_the_form_offers_the_places_of_the_ticked_regency_and_refuses_a_stray_desa(ctx, qtbot):
    dialog = ActivityDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("Rakor pengamanan TPS desa")
    dialog.start.set_value(datetime(2024, 11, 25, 9, 0))
    assert dialog.kecamatan.count() == 1  # only "(no kecamatan)" before a regency is ticked
    tick(dialog, "33.22")
    assert dialog.kecamatan.count() == 1 + 19
    dialog.kecamatan.setCurrentIndex(dialog.kecamatan.findData(JAMBU))
    assert dialog.desa.findData(GONDORIYO_JAMBU) > 0 and dialog.desa.findData(WUJIL) < 0
    dialog.set_place(JAMBU, WUJIL)  # a desa of Bergas, kept as a stored value would be
    dialog.save()
    assert "Bergas" in dialog.error.text() and "Jambu" in dialog.error.text()
    assert act.list_activities(ctx, ActivityFilter(include_deleted=True)) == []
    dialog.set_place(JAMBU, GONDORIYO_JAMBU)
    dialog.save()
    saved = dialog.result_info
    assert saved is not None and (saved.kecamatan_code, saved.desa_code) == (JAMBU,
                                                                            GONDORIYO_JAMBU)
    edit = ActivityDialog(ctx, act.get_activity(ctx, saved.id))
    qtbot.addWidget(edit)
    assert (edit.kecamatan.currentData(), edit.desa.currentData()) == (JAMBU, GONDORIYO_JAMBU)


def type_into(qtbot, box, text: str) -> None:
    """Type into an editable combo as a user does, then leave the box."""
    box.lineEdit().clear()
    qtbot.keyClicks(box.lineEdit(), text)
    box.lineEdit().editingFinished.emit()


def test_a_place_is_found_by_typing_part_of_its_name(ctx, qtbot):
    """Issue 17 "completion by name in the form": the kecamatan and desa lists take typed
    text; the completer offers the names containing it (any case); leaving the box picks the
    one item it fits; text that fits none or several puts the chosen item back."""
    dialog = ActivityDialog(ctx)
    qtbot.addWidget(dialog)
    tick(dialog, "33.22")
    type_into(qtbot, dialog.kecamatan, "jamb")
    assert dialog.kecamatan.currentData() == JAMBU
    completer = dialog.desa.completer()
    completer.setCompletionPrefix("ONDOR")
    assert completer.currentCompletion() == "Gondoriyo ({c})".format(c=GONDORIYO_JAMBU)
    type_into(qtbot, dialog.desa, "ONDOR")
    assert dialog.desa.currentData() == GONDORIYO_JAMBU
    type_into(qtbot, dialog.desa, "xyz")  # fits no desa: the chosen one stays, shown
    assert dialog.desa.currentData() == GONDORIYO_JAMBU
    assert dialog.desa.lineEdit().text() == dialog.desa.currentText()
    type_into(qtbot, dialog.kecamatan, "ungaran")  # Ungaran Barat and Timur: not one
    assert dialog.kecamatan.currentData() == JAMBU
