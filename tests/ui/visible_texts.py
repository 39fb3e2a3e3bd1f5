"""The texts a user sees in a window (labels, buttons, group titles, placeholders, tooltips,
tab and column titles, combo items, menu entries, window titles, chart texts) and the catalogue rules
they are checked against (tests/ui/test_language_walk.py).

Data are left out by rule, not by list: the cells of tables and lists and the text typed
in fields are data (headers are checked), and so are the items of a combo box marked
`items_are_data` (the column names of an imported file), except its first item; a text with no letters (numbers, dates) is
data; a catalogue text only counts when its words (besides {placeholders}) hold at least
four letters, so a name such as a regency never matches by chance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po
from matplotlib.text import Text
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QTreeView,
    QWidget,
)

CATALOGUE = Path(__file__).resolve().parents[2] / "resources/locale/id/LC_MESSAGES/posko.po"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True)
class Rules:
    indonesian: list[tuple[str, re.Pattern[str]]]  # id texts that differ from their msgid
    english: list[tuple[str, re.Pattern[str]]]  # msgids whose Indonesian differs
    msgids: frozenset[str]  # every English text (an English word may be an id text too)
    msgstrs: frozenset[str]  # every Indonesian text

    @classmethod
    def load(cls) -> Rules:
        with CATALOGUE.open("rb") as f:
            catalog = read_po(f)
        indonesian, english, msgids, msgstrs = [], [], set(), set()
        for message in catalog:
            if not message.id or not isinstance(message.id, str) or not message.string:
                continue
            msgid, msgstr = message.id, str(message.string)
            msgids.add(_norm(msgid))
            msgstrs.add(_norm(msgstr))
            if _norm(msgid) == _norm(msgstr):
                continue
            for text, bucket in ((msgstr, indonesian), (msgid, english)):
                if len(re.sub(r"[^A-Za-z]", "", PLACEHOLDER.sub("", text))) >= 4:
                    bucket.append((text, _pattern(text)))
        return cls(indonesian, english, frozenset(msgids), frozenset(msgstrs))


def _norm(text: str) -> str:
    return " ".join(text.replace("&", "").split())


def _pattern(text: str) -> re.Pattern[str]:
    parts = PLACEHOLDER.split(_norm(text))
    return re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$", re.S)


def matches(text: str, rules: list[tuple[str, re.Pattern[str]]]) -> str | None:
    shown = _norm(text)
    if not re.search(r"[A-Za-z]{2}", shown):
        return None
    for source, pattern in rules:
        if pattern.match(shown):
            return source
    return None


def _menu_texts(menu: QMenu, where: str) -> list[tuple[str, str]]:
    found = [(where, menu.title())]
    for action in menu.actions():
        if action.menu() is not None:
            found += _menu_texts(action.menu(), where)
        elif not action.isSeparator():
            found += [(where, action.text()), (where, action.toolTip())]
    return found


def visible_texts(top: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text of a visible widget under `top`, `top` included."""
    found: list[tuple[str, str]] = [("window title", top.windowTitle())]
    for widget in [top, *top.findChildren(QWidget)]:
        if not widget.isVisible() and not isinstance(widget, QMenu):
            continue
        where = type(widget).__name__ + (" " + widget.objectName() if widget.objectName() else "")
        if widget.toolTip():
            found.append((where, widget.toolTip()))
        if isinstance(widget, QMenu):
            if widget.parentWidget() is not None and widget.parentWidget().isVisible():
                found += _menu_texts(widget, where)
        elif isinstance(widget, QLabel | QAbstractButton):
            found.append((where, widget.text()))
        elif isinstance(widget, QGroupBox):
            found.append((where, widget.title()))
        elif isinstance(widget, QLineEdit | QPlainTextEdit):
            found.append((where, widget.placeholderText()))  # typed text is data
        if isinstance(widget, QComboBox) and not widget.isEditable():
            shown = 1 if widget.property("items_are_data") else widget.count()
            found += [(where, widget.itemText(i)) for i in range(shown)]
        figure = getattr(widget, "figure", None)  # a matplotlib canvas: titles, axes, legends
        if figure is not None and hasattr(figure, "findobj"):
            found += [(where + " chart", t.get_text()) for t in figure.findobj(Text)]
        if isinstance(widget, QTabWidget):
            found += [(where, widget.tabText(i)) for i in range(widget.count())]
            found += [(where, widget.tabToolTip(i)) for i in range(widget.count())]
        if isinstance(widget, QTableView | QTreeView) and widget.model() is not None:
            model = widget.model()
            for column in range(model.columnCount(QModelIndex())):
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = model.headerData(column, Qt.Orientation.Horizontal, role)
                    if isinstance(value, str):
                        found.append((where + " header", value))
    return [(w, t) for w, t in found if t and t.strip()]


def wrong_language(top: QWidget, lang: str, rules: Rules) -> list[str]:
    """Texts in the other language: in English an Indonesian text of the catalogue, in
    Indonesian an English msgid that has an Indonesian text."""
    catalogue = rules.indonesian if lang == "en" else rules.english
    own = rules.msgids if lang == "en" else rules.msgstrs
    problems = []
    for where, text in visible_texts(top):
        if _norm(text) in own:
            continue  # also a text of this language ("Platform", "Status")
        source = matches(text, catalogue)
        if source is not None:
            problems.append("{w}: {t!r} (catalogue: {s!r})".format(w=where, t=text, s=source))
    return sorted(set(problems))
