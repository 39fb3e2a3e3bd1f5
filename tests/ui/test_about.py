"""Tentang (About) from the Help menu: what the operator reads when asked "which version,
where is my data?"; the window carries the application icon."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel

from posko_desktop.core import appinfo, i18n
from posko_desktop.paths import AppPaths
from posko_desktop.ui import startup
from posko_desktop.ui.dialogs.about import AboutDialog


def test_help_menu_opens_about_with_version_database_folder_and_licences(window, qtbot):
    assert window.help_menu.title().replace("&", "") == "Bantuan"
    assert window.about_action in window.help_menu.actions()
    window.about_action.trigger()
    dialog = window.findChild(AboutDialog, "about_dialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Tentang Posko Desk"
    title = dialog.findChild(QLabel, "about_title").text()
    assert "Versi {v}".format(v=appinfo.app_info().version) in title
    assert dialog.facts["database"].text() == window.ctx.db.display_location
    assert dialog.facts["data_folder"].text() == str(AppPaths.default().data_dir)
    assert dialog.facts["publisher"].text() == "Pemerintah Provinsi Jawa Tengah"
    table = dialog.licences
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    licences = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert licences["Qt / PySide6"] == "LGPL-3.0-only"
    assert any(n.startswith("Kode wilayah Kemendagri") for n in names)
    assert any(n.startswith("DejaVu") for n in names)


def test_about_speaks_english_when_the_window_does(window):
    window.set_language("en")
    try:
        assert window.help_menu.title().replace("&", "") == "Help"
        dialog = window.show_about()
        assert dialog.windowTitle() == "About Posko Desk"
    finally:
        window.set_language(i18n.DEFAULT_LANGUAGE)


def test_application_and_windows_carry_the_icon(qapp):
    startup.apply_identity(qapp)
    icon = QApplication.windowIcon()
    assert not icon.isNull()
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(16, 16), (32, 32), (256, 256)} <= sizes
    assert icon.pixmap(16, 16).toImage().pixelColor(8, 3).alpha() > 0
    assert QApplication.desktopFileName() == "posko-desk"
    assert QApplication.applicationVersion() == appinfo.app_info().version
