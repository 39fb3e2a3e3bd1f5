"""The candidate pair dialog: contest, ballot number, names and parties. It saves with the
version it opened with; a change made meanwhile (here or by an import) is shown and the
dialog reloads the stored pair (`StaleEdit`)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError, StaleEdit
from posko_desktop.core.i18n import _
from posko_desktop.core.services import contests
from posko_desktop.core.services.contests import PairInfo, PairInput
from posko_desktop.ui.errors import show_error


class PairDialog(QDialog):
    def __init__(self, ctx: AppContext, pair: PairInfo | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pair_dialog")
        self.ctx = ctx
        self.pair = pair
        self.saved: PairInfo | None = None
        self.contest = QComboBox(self)
        for c in contests.list_contests(ctx):
            self.contest.addItem("{code} {name}".format(code=c.code, name=c.name), c.code)
        self.ballot = QSpinBox(self)
        self.ballot.setRange(1, contests.BALLOT_MAX)
        self.head = QLineEdit(self)
        self.deputy = QLineEdit(self)
        self.parties = QLineEdit(self)
        self.parties.setPlaceholderText(_("Separated by ; (e.g. PDI-P; PKB)."))
        form = QFormLayout(self)
        for label, widget in ((_("Contest:"), self.contest),
                              (_("Candidate pair (ballot number):"), self.ballot),
                              (_("Candidate") + ":", self.head),
                              (_("Running mate") + ":", self.deputy),
                              (_("Supporting parties") + ":", self.parties)):
            form.addRow(label, widget)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.setWindowTitle(_("Candidate pair"))
        if pair is not None:
            self.fill(pair)

    def fill(self, pair: PairInfo) -> None:
        self.pair = pair
        self.contest.setCurrentIndex(max(0, self.contest.findData(pair.contest_code)))
        self.ballot.setValue(pair.ballot_number)
        self.head.setText(pair.head)
        self.deputy.setText(pair.deputy)
        self.parties.setText("; ".join(pair.parties))

    def input(self) -> PairInput:
        return PairInput(self.contest.currentData(), self.ballot.value(), self.head.text(),
                         self.deputy.text(),
                         [p.strip() for p in self.parties.text().split(";") if p.strip()])

    def save(self) -> None:
        try:
            if self.pair is None:
                self.saved = contests.add_pair(self.ctx, self.input())
            else:
                self.saved = contests.update_pair(self.ctx, self.pair.id, self.input(),
                                                  expected_version=self.pair.version)
        except StaleEdit as err:
            show_error(self, err)
            assert self.pair is not None
            self.fill(contests.get_pair(self.ctx, self.pair.id))  # reload what is stored
            return
        except PoskoError as err:
            show_error(self, err)
            return
        self.accept()
