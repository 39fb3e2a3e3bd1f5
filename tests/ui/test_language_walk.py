"""The language walk (issue 19): every tab, the menus and the main dialogs, in English and
in Indonesian, after a switch at run time, hold no text of the other language (the rules
and what counts as data: tests/ui/visible_texts.py). The dialogs also fit the office
laptop's screen (tests/ui/fit.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWizard

from posko_desktop.ui.dashboard.tab import REFRESH_DEBOUNCE_MS

from .conftest import settle
from .dialog_openers import NOT_WALKED, OPENERS, dialog_classes
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


def test_every_dialog_class_is_walked_or_listed_with_a_reason():
    found = dialog_classes()
    walked = {c.__module__ + "." + c.__qualname__ for c in OPENERS}
    missing = sorted(set(found) - walked - set(NOT_WALKED))
    assert not missing, "neither walked (tests/ui/dialog_openers.py) nor listed with a " \
        "reason: " + ", ".join(missing)
    assert not (set(NOT_WALKED) | walked) - set(found)  # no stale entries
    assert len(walked) >= 35


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_dialog_fits_and_speaks_one_language(demo_window, qtbot, lang, tmp_path):
    window = demo_window
    window.set_language(lang)
    window.select_row(0)
    qtbot.waitUntil(lambda: window.log.detail.detail is not None)
    screen = SIZES[0]
    found = {}
    for cls, opener in OPENERS.items():
        name = cls.__name__
        dialog = opener(window, tmp_path)
        assert isinstance(dialog, cls), name
        dialog.show()
        settle(qtbot, window)
        opened = dialog.size()
        dialog.resize(dialog.size().boundedTo(screen))  # on the office laptop's screen
        QCoreApplication.processEvents()
        problems = wrong_language(dialog, lang, RULES) + defects(dialog)
        if isinstance(dialog, QWizard):  # every page of the set-up wizard
            dialog.site_page.site_combo.set_values(("33.74",))
            while dialog.currentId() != dialog.pageIds()[-1]:
                dialog.next()
                QCoreApplication.processEvents()
                page = dialog.currentPage().title() + ": "
                problems += [page + p for p in wrong_language(dialog, lang, RULES)
                             + defects(dialog) if page + p not in problems]
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
