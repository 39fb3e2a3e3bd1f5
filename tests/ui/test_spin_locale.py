"""Spin boxes write numbers as the UI language does: "0,0100" in Indonesian, "0.0100" in
English, in the settings form built before and after a language switch and in a form
opened later; typing the language's separator is understood."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox

from posko_desktop.core import i18n
from posko_desktop.ui.accounts.settings_form import SettingsEditor


def alpha_box(window) -> QDoubleSpinBox:
    box = window.findChild(QDoubleSpinBox, "settings_field_warning.alpha")
    assert box is not None
    return box


def test_decimal_separator_follows_the_ui_language(make_window, qtbot):
    i18n.set_language("id")
    window = make_window()
    box = alpha_box(window)
    assert box.text().startswith("0,01"), box.text()
    window.set_language("en")
    assert box.text().startswith("0.01"), box.text()
    later = SettingsEditor(window.ctx)  # a form made after the switch
    qtbot.addWidget(later)
    assert later.fields["warning.alpha"].editor.text().startswith("0.01")
    window.set_language("id")
    assert box.text().startswith("0,01"), box.text()
    assert later.fields["warning.alpha"].editor.text().startswith("0,01")


def test_typing_the_languages_separator_sets_the_value(make_window, qtbot):
    i18n.set_language("id")
    window = make_window()
    box = alpha_box(window)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "0,05")
    box.interpretText()
    assert abs(box.value() - 0.05) < 1e-9
    window.set_language("en")
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "0.02")
    box.interpretText()
    assert abs(box.value() - 0.02) < 1e-9
    i18n.set_language("id")


def test_every_spin_box_of_the_window_has_the_languages_locale(make_window):
    i18n.set_language("id")
    window = make_window()
    boxes = window.findChildren(QAbstractSpinBox)
    assert boxes
    assert {b.locale().decimalPoint() for b in boxes} == {","}
    window.set_language("en")
    assert {b.locale().decimalPoint() for b in boxes} == {"."}
    window.set_language("id")
