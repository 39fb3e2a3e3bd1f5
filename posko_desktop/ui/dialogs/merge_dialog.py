"""Field-by-field merge of an incident edit that someone else overtook (`StaleEdit`).

Every field either side changed is one row with both values under its label. Fields only
one side changed are decided already (their radio button is set and disabled); for a field
both changed the user picks their own value or the stored one, and Save stays disabled
until every such field is decided. Opened with `open()`, never a blocking exec.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import StaleEdit
from posko_desktop.core.edit_merge import EditMerge, Side
from posko_desktop.core.i18n import _, current_language
from posko_desktop.core.services.value_texts import ValueTexts, field_label

SIDES: tuple[Side, Side] = ("mine", "theirs")
VALUE_WIDTH_PX = 380  # a long value (a description) is elided; whole in its tooltip


class MergeDialog(QDialog):
    def __init__(self, ctx: AppContext, merge: EditMerge, mine: dict[str, Any], err: StaleEdit,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("merge_dialog")
        self.setWindowTitle(_("Merge your change"))
        self.setMinimumWidth(1000)
        self.merge = merge
        self.groups: dict[str, QButtonGroup] = {}
        self.radios: dict[tuple[str, Side], QRadioButton] = {}
        texts = ValueTexts(ctx)
        lang = current_language()

        intro = QLabel("{what}\n\n{how}".format(
            what=err.text(),
            how=_("Fields only one side changed are merged already. For each field both "
                  "changed, choose the value to keep; then save.")), self)
        intro.setObjectName("merge_intro")
        intro.setWordWrap(True)
        grid_holder = QWidget(self)
        grid = QGridLayout(grid_holder)
        grid.addWidget(QLabel("<b>{t}</b>".format(t=_("Field")), self), 0, 0)
        grid.addWidget(QLabel("<b>{t}</b>".format(t=_("Your value")), self), 0, 1)
        grid.addWidget(QLabel("<b>{t}</b>".format(t=_("Saved by {name}, {time}").format(
            name=err.who_in(lang), time=err.when_in(lang))), self), 0, 2)
        clashing = {c.field for c in merge.clashes}
        shown = [name for name in merge.values
                 if name in clashing or name in merge.mine_only or name in merge.theirs_only]
        for row, name in enumerate(shown, start=1):
            label = QLabel(field_label(name), self)
            label.setObjectName("merge_label_" + name)
            grid.addWidget(label, row, 0)
            group = QButtonGroup(self)
            for col, side in enumerate(SIDES, start=1):
                value = mine[name] if side == "mine" else err.current[name]
                radio = QRadioButton(self)
                radio.setText(radio.fontMetrics().elidedText(  # whole in the tooltip
                    " ".join(texts.text(name, value).split()), Qt.TextElideMode.ElideRight,
                    VALUE_WIDTH_PX))
                radio.setObjectName("{side}_{name}".format(side=side, name=name))
                radio.setToolTip(texts.text(name, value) if not isinstance(value, str) else value)
                group.addButton(radio)
                self.radios[(name, side)] = radio
                grid.addWidget(radio, row, col)
            if name in clashing:
                group.buttonToggled.connect(lambda *_a: self._update_save())
            else:  # decided already: shown, not changeable
                self.radios[(name, "mine" if name in merge.mine_only else "theirs")].setChecked(True)
                for side in SIDES:
                    self.radios[(name, side)].setEnabled(False)
            self.groups[name] = group
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_holder)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self._update_save()

    @property
    def save_button(self) -> Any:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def choose(self, name: str, side: Side) -> None:
        self.radios[(name, side)].setChecked(True)

    def choices(self) -> dict[str, Side]:
        out: dict[str, Side] = {}
        for c in self.merge.clashes:
            for side in SIDES:
                if self.radios[(c.field, side)].isChecked():
                    out[c.field] = side
        return out

    def values(self) -> dict[str, Any]:
        return self.merge.resolve(self.choices())

    def _update_save(self) -> None:
        self.save_button.setEnabled(len(self.choices()) == len(self.merge.clashes))
