"""Choosers shared by the filter bar and the forms: regency (type-ahead by name or code),
category (groups and children), and simple value lists. Item data is always a tuple of
codes (empty tuple = "all") so a filter value maps to one item."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from posko_desktop.core.i18n import _, ngettext
from posko_desktop.core.services.reference import (
    CategoryInfo,
    RegencyInfo,
    normalize_regency_code,
)


def type_to_search(combo: QComboBox, visible: int | None = None) -> QCompleter:
    """Make `combo` editable for typing only (nothing typed is inserted) with a completer
    offering the items that contain the text, in any case."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    if visible is not None:
        completer.setMaxVisibleItems(visible)
    combo.setCompleter(completer)
    return completer


def regency_label(r: RegencyInfo) -> str:
    """'33.22 Kab. Semarang' / '33.74 Kota Semarang': code first, never ambiguous."""
    return "{code} {name}".format(code=r.code, name=r.full_name)


class ValueCombo(QComboBox):
    """A combo whose items carry tuples of codes. `values()` gives the current tuple."""

    def set_items(self, items: Sequence[tuple[str, tuple[str, ...]]]) -> None:
        current = self.values()
        self.blockSignals(True)
        self.clear()
        for text, data in items:
            self.addItem(text, data)
        self.blockSignals(False)
        self.set_values(current, emit=False)

    def _index_of(self, wanted: tuple[str, ...]) -> int:
        for i in range(self.count()):
            if tuple(self.itemData(i) or ()) == wanted:
                return i
        return -1

    def values(self) -> tuple[str, ...]:
        data = self.currentData()
        return tuple(data) if data else ()

    def set_values(self, values: Sequence[str], emit: bool = True) -> None:
        wanted = tuple(values)
        self.blockSignals(not emit)
        try:
            i = self._index_of(wanted)
            if i >= 0:
                self.setCurrentIndex(i)
                return
            if len(wanted) < 2:
                self.setCurrentIndex(-1)
                return
            # Several values (e.g. from a dashboard click): one extra item carries them.
            self.addItem(ngettext("{n} selected", "{n} selected", len(wanted)).format(
                n=len(wanted)), wanted)
            self.setCurrentIndex(self.count() - 1)
        finally:
            self.blockSignals(False)


class RegencyCombo(ValueCombo):
    """Editable combo: type 'sema' and pick 'Kab. Semarang' or 'Kota Semarang', or type
    '3374' / '33.74' and press Enter."""

    resolved = Signal()

    def __init__(self, regencies: Sequence[RegencyInfo], all_label: Callable[[], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._regencies = list(regencies)
        self._all_label = all_label
        type_to_search(self)
        self.editor().editingFinished.connect(self._resolve_text)
        self.editor().setClearButtonEnabled(all_label is not None)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        items: list[tuple[str, tuple[str, ...]]] = []
        if self._all_label is not None:
            items.append((self._all_label(), ()))
        items.extend((regency_label(r), (r.code,)) for r in self._regencies)
        self.set_items(items)
        self.editor().setPlaceholderText(_("Type a name or code"))

    def editor(self) -> QLineEdit:
        """The line edit of this (always editable) combo box."""
        edit = self.lineEdit()
        assert edit is not None
        return edit

    def code(self) -> str:
        values = self.values()
        return values[0] if len(values) == 1 else ""

    def set_code(self, code: str) -> None:
        self.set_values((code,) if code else ())

    def match(self, text: str) -> int:
        """Index of the item the typed text means, or -1 (ambiguous or unknown)."""
        text = text.strip()
        if not text:
            return 0 if self._all_label is not None else -1
        exact = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if exact >= 0:
            return exact
        code = normalize_regency_code(text)
        if code:
            return self._index_of((code,))
        hits = [i for i in range(self.count())
                if text.lower() in self.itemText(i).lower() and self.itemData(i)]
        return hits[0] if len(hits) == 1 else -1

    def _resolve_text(self) -> None:
        i = self.match(self.currentText())
        if i >= 0:
            if i != self.currentIndex():
                self.setCurrentIndex(i)
            else:
                self.setEditText(self.itemText(i))
        elif self.currentIndex() >= 0:
            self.setEditText(self.itemText(self.currentIndex()))
        self.resolved.emit()


class CategoryCombo(ValueCombo):
    """Groups ('A Konten digital') and children ('A1 Hoaks…'); `leaves_only` disables
    the groups (the form needs a leaf)."""

    def __init__(self, categories: Sequence[CategoryInfo], all_label: Callable[[], str] | None = None,
                 leaves_only: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._categories = list(categories)
        self._all_label = all_label
        self._leaves_only = leaves_only
        self.retranslate_ui()

    def set_categories(self, categories: Sequence[CategoryInfo]) -> None:
        self._categories = list(categories)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        items: list[tuple[str, tuple[str, ...]]] = []
        if self._all_label is not None:
            items.append((self._all_label(), ()))
        for c in self._categories:
            indent = "" if c.is_group else "    "
            items.append(("{indent}{code} {label}".format(indent=indent, code=c.code, label=c.label),
                          (c.code,)))
        self.set_items(items)
        if self._leaves_only:
            model = self.model()
            assert isinstance(model, QStandardItemModel)
            for i in range(self.count()):
                codes: tuple[str, ...] = self.itemData(i) or ()
                if len(codes) == 1 and len(codes[0]) == 1:
                    item = model.item(i)
                    item.setEnabled(False)
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)

    def code(self) -> str:
        values = self.values()
        return values[0] if len(values) == 1 else ""


class EnumCombo(ValueCombo):
    """Values of a str-enum with translated labels (severity, status, source type)."""

    def __init__(self, values: Sequence[Any], all_label: Callable[[], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values = list(values)
        self._all_label = all_label
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        items: list[tuple[str, tuple[str, ...]]] = []
        if self._all_label is not None:
            items.append((self._all_label(), ()))
        items.extend((v.label, (v.value,)) for v in self._values)
        self.set_items(items)

    def value(self) -> str:
        values = self.values()
        return values[0] if len(values) == 1 else ""
