"""First run (no site yet) and loading demo data from the window."""

from __future__ import annotations

from datetime import date

from posko_desktop.core.context import AppContext
from posko_desktop.core.services import reference, site_key
from posko_desktop.core.sync import keys
from posko_desktop.paths import AppPaths
from posko_desktop.ui.dialogs.demo_data import DemoDataDialog
from posko_desktop.ui.dialogs.first_run import FirstRunDialog

from .conftest import ADMIN_ACTOR, sql


def test_first_run_dialog_initialises_a_regency_office(db, db_path, qtbot):
    ctx = AppContext(db, ADMIN_ACTOR)
    assert reference.site_or_none(ctx) is None
    dialog = FirstRunDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.site_combo.itemText(0).startswith("33 Provinsi Jawa Tengah")
    i = dialog.site_combo.findText("33.74 Kota Semarang")
    assert i > 0 and dialog.site_combo.findText("33.22 Kab. Semarang") > 0
    dialog.site_combo.setCurrentIndex(i)
    assert dialog.name.text() == "Posko Desk Pilkada Kota Semarang"
    dialog.accept()
    assert not dialog.isVisible()
    assert reference.site_or_none(ctx) == reference.SiteInfo("33.74", "Posko Desk Pilkada Kota Semarang")
    assert sql(db_path, "SELECT code, name FROM local_site") == [("33.74", "Posko Desk Pilkada Kota Semarang")]
    # no signing key yet, and never a file of it: it is made with the first administrator
    assert not keys.private_key_path(AppPaths.default().keys_dir, "33.74").exists()
    assert site_key.public_info(ctx) is None


def test_first_run_refuses_an_empty_name_and_writes_nothing(db, db_path, qtbot):
    ctx = AppContext(db, ADMIN_ACTOR)
    dialog = FirstRunDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.name.setText("   ")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.isVisibleTo(dialog) and dialog.error.text()
    assert sql(db_path, "SELECT count(*) FROM local_site") == [(0,)]


def test_demo_data_loads_off_the_gui_thread_with_progress(ctx, qtbot, runner, db_path):
    dialog = DemoDataDialog(ctx, runner)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.count.setValue(300)
    dialog.days.setValue(20)
    with qtbot.waitSignal(dialog.finished_loading, timeout=30_000) as blocker:
        dialog.start()
    assert blocker.args == [300]
    assert dialog.progress.value() == 100
    assert sql(db_path, "SELECT count(*) FROM incident")[0][0] == 300


def test_cancelled_demo_data_leaves_the_database_as_it_was(ctx, qtbot, runner, db_path):
    dialog = DemoDataDialog(ctx, runner)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.count.setValue(200_000)
    dialog.end_date.setDate(date(2024, 11, 30))
    dialog.start()
    dialog.cancel()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    assert dialog.written is None
    assert sql(db_path, "SELECT count(*) FROM incident") == [(0,)]


def test_window_menu_opens_the_demo_dialog(training_window, qtbot):
    window = training_window
    window.demo_action.trigger()
    assert window.demo_dialog is not None and window.demo_dialog.isVisible()
    window.demo_dialog.reject()
    qtbot.waitUntil(lambda: window.demo_dialog is None)
