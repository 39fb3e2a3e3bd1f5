"""The language walk (issue 19): every tab, the menus and the main dialogs, in English and
in Indonesian, after a switch at run time, hold no text of the other language (the rules
and what counts as data: tests/ui/visible_texts.py). The dialogs also fit the office
laptop's screen (tests/ui/fit.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QWidget

from posko_desktop.ui.accounts.dialogs import AddUserDialog, ChangePasswordDialog, LoginDialog
from posko_desktop.ui.activities.dialog import ActivityDialog
from posko_desktop.ui.dashboard.tab import REFRESH_DEBOUNCE_MS
from posko_desktop.ui.spreadsheets import open_import_dialog
from posko_desktop.ui.units.tab import UnitDialog
from tests.spreadsheets.helpers import fill_template, row

from .conftest import settle
from .fit import defects, each_page
from .test_window_fit import SIZES
from .visible_texts import Rules, visible_texts, wrong_language

RULES = Rules.load()


def test_the_rules_know_the_catalogue():
    assert len(RULES.indonesian) > 500 and len(RULES.english) > 500
    assert any(text == "Simpan" for text, _p in RULES.indonesian)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_every_tab_and_menu_speaks_one_language(demo_window, qtbot, lang):
    window = demo_window
    # switched at run time away and back: what a tab forgets to retranslate shows up
    window.set_language("en" if lang == "id" else "id")
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        settle(qtbot, window)
    window.set_language(lang)
    window.select_row(0)
    found = {}
    seen: set[str] = set()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        settle(qtbot, window)
        qtbot.wait(REFRESH_DEBOUNCE_MS + 100)  # a tab shown again refreshes (dashboard)
        settle(qtbot, window)
        problems = []
        for page in each_page(window.tabs.currentWidget(), skip=window.tabs):
            settle(qtbot, window)
            seen.update(w for where, _text in visible_texts(window) for w in where.split())
            problems += [page + ": " + p if page else p
                         for p in wrong_language(window, lang, RULES) if p not in problems]
        if problems:
            found[window.tabs.tabText(index)] = problems
    assert not found, "\n".join("{t}:\n  {p}".format(t=t, p="\n  ".join(p))
                                for t, p in found.items())
    assert {"chart", "header", "QMenu", "QComboBox", "QLabel"} <= seen  # what the walk read


def dialogs(window, folder: Path) -> dict[str, Callable[[], QWidget]]:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    workbook = fill_template(ctx, folder / "laporan.xlsx", [row(), row(regency="Semarang")])
    return {
        "new incident": window.new_incident,
        "edit incident": window.edit_current,
        "about": window.show_about,
        "demo data": window.load_demo_data,
        "flash report": lambda: window.log.detail.open_flash_report(),
        "login": lambda: LoginDialog(ctx, window),
        "change password": lambda: ChangePasswordDialog(ctx, window),
        "add user": lambda: AddUserDialog(ctx, window),
        "activity": lambda: ActivityDialog(ctx, None, window),
        "reporting unit": lambda: UnitDialog(ctx, None, window),
        "import report": lambda: open_import_dialog(window, workbook),  # one row refused
    }


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_main_dialogs_fit_and_speak_one_language(demo_window, qtbot, lang, tmp_path):
    window = demo_window
    window.set_language(lang)
    window.select_row(0)
    qtbot.waitUntil(lambda: window.log.detail.detail is not None)
    screen = SIZES[0]
    found = {}
    for name, opener in dialogs(window, tmp_path).items():
        dialog = opener()
        assert isinstance(dialog, QDialog), name
        dialog.show()
        settle(qtbot, window)
        opened = dialog.size()
        dialog.resize(dialog.size().boundedTo(screen))  # on the office laptop's screen
        QCoreApplication.processEvents()
        problems = wrong_language(dialog, lang, RULES) + defects(dialog)
        if not opened.boundedTo(screen) == opened:
            problems.append("opens at {w}×{h}, larger than the laptop's screen".format(
                w=opened.width(), h=opened.height()))
        if not dialog.size().boundedTo(screen) == dialog.size():
            problems.append("cannot be made {w}×{h}: it needs {n}".format(
                w=screen.width(), h=screen.height(), n=dialog.minimumSizeHint().toTuple()))
        if problems:
            found[name] = problems
        dialog.reject()
        settle(qtbot, window)
    assert not found, "\n".join("{t}:\n  {p}".format(t=t, p="\n  ".join(p))
                                for t, p in found.items())
