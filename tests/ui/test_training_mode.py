"""Training mode in the window (issue 19): title and badge say LATIHAN, demo data only in a
training database, the switch asks first and opens the other file (live one untouched)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from posko_desktop.core import i18n
from posko_desktop.core.services import training
from posko_desktop.ui import training_mode


def test_training_window_is_marked_and_offers_demo_data(training_window):
    window = training_window
    assert window.windowTitle().startswith("LATIHAN — ")
    badge = window.training.badge
    assert badge.isVisible() and badge.text().startswith("LATIHAN")
    assert window.statusBar().isAncestorOf(badge)
    assert window.demo_action.isEnabled()
    assert window.training.switch_action.text() == "Kembali ke data asli…"
    i18n.set_language("en")
    try:
        window.retranslate_ui()
        assert window.windowTitle().startswith("LATIHAN — ")
        assert window.training.switch_action.text().startswith("Back to the live data")
    finally:
        i18n.set_language("id")
        window.retranslate_ui()


def test_live_window_has_no_marking_and_no_demo_data(window, db_path):
    assert "LATIHAN" not in window.windowTitle()
    assert not window.training.badge.isVisible()
    assert not window.demo_action.isEnabled()
    assert "latihan" in window.demo_action.toolTip().lower()
    assert window.load_demo_data() is None and window.demo_dialog is None
    assert window.training.switch_action.text() == "Mode latihan…"
    assert training_mode.other_database(window.ctx, False) == \
        db_path.with_name(training.TRAINING_FILE_NAME)


def test_switch_asks_first_then_starts_the_app_on_the_other_file(window, qtbot, monkeypatch,
                                                                 db_path):
    started: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(training_mode.QProcess, "startDetached",
                        lambda program, args: (started.append((program, args)) or True, 1))
    before = db_path.read_bytes()
    box = window.training.ask_switch()
    assert isinstance(box, QMessageBox) and box.isVisible()
    box.button(QMessageBox.StandardButton.No).click()
    assert started == [] and window.isVisible()
    box = window.training.ask_switch()
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not window.isVisible())
    (_program, args), = started
    assert args[-2:] == ["--db", str(db_path.with_name(training.TRAINING_FILE_NAME))]
    assert not Path(args[-1]).exists()  # made as a training database by the set-up wizard
    QApplication.processEvents()
    assert db_path.read_bytes() == before


