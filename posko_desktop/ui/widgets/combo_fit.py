"""Combo boxes that never cut an item unseen: as wide as their longest item when that is at
most `max_chars` characters, else `max_chars` wide with the item elided in the field, whole
in the drop-down list (as wide as its longest item) and whole in the tooltip. Follows the
items as they change (loads, a language switch)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox

LIST_MARGIN = 40  # the list's frame, item padding and scroll bar


class _ComboFit(QObject):
    def __init__(self, combo: QComboBox, max_chars: int) -> None:
        super().__init__(combo)
        self.combo = combo
        self.max_chars = max_chars
        model = combo.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset,
                       model.dataChanged):
            signal.connect(self.update)
        combo.currentIndexChanged.connect(self.update)
        combo.installEventFilter(self)
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.combo and event.type() == QEvent.Type.Resize:
            self._tooltip()
        return False

    def update(self, *_args: object) -> None:
        combo = self.combo
        texts = [combo.itemText(i) for i in range(combo.count())]
        longest = max((len(t) for t in texts), default=0)
        if longest <= self.max_chars:
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        else:
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(self.max_chars)
        metrics = combo.fontMetrics()
        widest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
        combo.view().setMinimumWidth(widest + LIST_MARGIN)
        self._tooltip()
        combo.updateGeometry()

    def _tooltip(self) -> None:
        self.combo.setToolTip(self.combo.currentText() if self._elided() else "")

    def _elided(self) -> bool:
        combo = self.combo
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                             QStyle.SubControl.SC_ComboBoxEditField, combo)
        return combo.fontMetrics().horizontalAdvance(combo.currentText()) > field.width()


def fit_combo(combo: QComboBox, max_chars: int = 28) -> QComboBox:
    """Keep `combo` fitted to its items (see the module text); returns it."""
    existing = combo.findChild(_ComboFit)
    if existing is None:
        _ComboFit(combo, max_chars)
    else:
        existing.max_chars = max_chars
        existing.update()
    return combo
