"""Kasus: the list of hoax cases (filtered by status and category) beside the detail of
the chosen one (`case_detail.py`). Reloads on every case, post and take-down change."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from posko_desktop.core.context import AppContext
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.medsos.vocab import CaseCategory, CaseStatus, Verdict
from posko_desktop.core.services.medsos import cases
from posko_desktop.core.services.medsos.cases import CaseFilter, CaseInfo, CaseReach
from posko_desktop.core.textrules import format_int
from posko_desktop.ui.medsos.case_detail import CaseDetailPane
from posko_desktop.ui.medsos.common import (
    ID_ROLE,
    MedsosPage,
    fill_table,
    make_table,
    one_line,
    refill_choices,
)
from posko_desktop.ui.tabs import TabHost
from posko_desktop.ui.widgets.combo_fit import fit_combo

logger = logging.getLogger(__name__)

COLUMNS = (N_("Number"), N_("Claim"), N_("Status"), N_("Verdict"), N_("Posts"))


@dataclass(frozen=True)
class CaseRow:
    case: CaseInfo
    reach: CaseReach


def load_cases(ctx: AppContext, flt: CaseFilter) -> list[CaseRow]:
    found = cases.list_cases(ctx, flt)
    reach = cases.reach_of(ctx, [c.id for c in found])
    return [CaseRow(c, reach[c.id]) for c in found]


class CasesPage(MedsosPage):
    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.setObjectName("medsos_cases")
        self.rows: list[CaseRow] = []
        self._generation = 0
        self.status = QComboBox(self)
        self.category = QComboBox(self)
        fit_combo(self.category, 24)
        self.status.currentIndexChanged.connect(self.reload)
        self.category.currentIndexChanged.connect(self.reload)
        self.labels = [QLabel(self) for _i in range(2)]
        self.table = make_table(self, len(COLUMNS), stretch=1)
        for column, width in ((0, 150), (2, 115), (3, 105), (4, 70)):
            self.table.setColumnWidth(column, width)
        self.table.itemSelectionChanged.connect(self._chosen)
        self.detail = CaseDetailPane(host, self)
        left = QWidget(self)
        filters = QHBoxLayout()
        for label, combo in zip(self.labels, (self.status, self.category), strict=True):
            filters.addWidget(label)
            filters.addWidget(combo, 1)
        pane = QVBoxLayout(left)
        pane.setContentsMargins(0, 0, 0, 0)
        pane.addLayout(filters)
        pane.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([600, 740])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.retranslate_ui()
        host.events.changed.connect(self._on_change)
        self.reload()

    def retranslate_ui(self) -> None:
        self.labels[0].setText(_("Status"))
        self.labels[1].setText(_("Category"))
        refill_choices(self.status, _("All statuses"), ((v.label, v.value) for v in CaseStatus))
        refill_choices(self.category, _("All categories"),
                       ((v.label, v.value) for v in CaseCategory))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.detail.retranslate_ui()
        self._fill()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        flt = CaseFilter(status=self.status.currentData(), category=self.category.currentData())
        self.call(load_cases, self.ctx, flt, done=lambda rows: self._loaded(rows, generation))

    def _loaded(self, rows: list[CaseRow], generation: int) -> None:
        if generation != self._generation:
            return
        self.rows = rows
        self._fill()
        self.loads += 1
        if self.detail.case_id is not None:
            self.detail.reload()

    def _fill(self) -> None:
        chosen = self.detail.case_id
        self.table.blockSignals(True)
        fill_table(self.table, [
            (r.case.number, one_line(r.case.claim), CaseStatus(r.case.status).label,
             Verdict(r.case.verdict.verdict).label if r.case.verdict else "",
             format_int(r.reach.posts)) for r in self.rows],
            [str(r.case.id) for r in self.rows])
        for i, r in enumerate(self.rows):
            if r.case.id == chosen:
                self.table.selectRow(i)
        self.table.blockSignals(False)

    def _chosen(self) -> None:
        item = self.table.item(self.table.currentRow(), 0)
        self.detail.show_case(uuid.UUID(item.data(ID_ROLE)) if item else None)

    def choose(self, number: str) -> None:
        for i, r in enumerate(self.rows):
            if r.case.number == number:
                self.table.selectRow(i)
                return

    def _on_change(self, change: Change) -> None:
        if change.kind in (ChangeKind.HOAX_CASE, ChangeKind.SOCIAL_POST, ChangeKind.TAKEDOWN):
            self.reload()
