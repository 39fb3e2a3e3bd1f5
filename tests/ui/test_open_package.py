"""A .posko file opened with the app (double-click; the Windows installer's and the
.deb's file association run `posko-desktop FILE.posko`): the window asks before it
imports, and imports through the sync tab only on Yes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from posko_desktop.app import _qt_args, package_arg
from posko_desktop.ui import tabs


def test_the_package_on_the_command_line_is_found_and_not_passed_to_qt(tmp_path):
    pkg = tmp_path / "kiriman 3322.POSKO"
    argv = ["--db", "x.posko", "--lang", "id", str(pkg), "-platform", "offscreen"]
    assert package_arg(argv) == pkg.resolve()
    assert _qt_args(argv) == ["-platform", "offscreen"]
    assert package_arg(["--db", "a.sqlite3"]) is None


def _importer(window) -> tabs.PackageImporter:
    return next(w for w in window.feature_tabs if isinstance(w, tabs.PackageImporter))


def test_no_imports_nothing(window, qtbot, monkeypatch, tmp_path):
    calls: list[list[Path]] = []
    monkeypatch.setattr(_importer(window), "import_paths", calls.append)
    box = window.offer_package_import(tmp_path / "office.posko")
    assert box.isVisible() and box.objectName() == "package_import_confirm"
    assert "office.posko" in box.text() and box.text().startswith("Impor paket")
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.No).click()
    qtbot.waitUntil(lambda: not box.isVisible())
    assert calls == []


def test_yes_imports_it_in_the_sync_tab(window, qtbot, monkeypatch, tmp_path):
    calls: list[list[Path]] = []
    importer = _importer(window)
    monkeypatch.setattr(importer, "import_paths", calls.append)
    box = window.offer_package_import(tmp_path / "office.posko")
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: calls != [])
    assert calls == [[tmp_path / "office.posko"]]
    assert window.tabs.currentWidget() is importer
