"""The dashboard's contest panel (issue 17): incidents and posts naming each contest of the
period, the Pilgub first; a contest opens on its candidate pairs ("tanpa paslon": naming
the contest only). One sortable tree: a command-post user reads a contest and its pairs in
one place and sorts by the busiest with one click.

The counts come with the tab's refresh (`snapshot.contests`, counted on the worker thread
from the index of migration 0028; docs/decisions.md, h-contest-index)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.dashboard_data import ContestCounts
from posko_desktop.core.i18n import _
from posko_desktop.core.textrules import format_date, format_int

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CODE_ROLE = Qt.ItemDataRole.UserRole
NO_PAIR_ORDER = 10_000  # "tanpa paslon" after every ballot number


class _Item(QTreeWidgetItem):
    """Sorts by the number behind a cell (order in the list, counts), not its text."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        col = self.treeWidget().sortColumn() if self.treeWidget() else 0
        mine, theirs = self.data(col, SORT_ROLE), other.data(col, SORT_ROLE)
        if mine is None or theirs is None:
            return bool(self.text(col) < other.text(col))
        return bool(mine < theirs)


class ContestsPanel(QWidget):
    """`loaded(ContestCounts)` after the tree shows new counts."""

    loaded = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dash_contests")
        self.counts: ContestCounts | None = None
        self.caption = QLabel(self)
        self.caption.setObjectName("dash_contests_caption")
        self.caption.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("dash_contests_tree")
        self.tree.setColumnCount(3)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(12)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(self._open_contest)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.tree, 1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.tree.setHeaderLabels([_("Contest / candidate pair"), _("Incidents"), _("Posts")])
        if self.counts is not None:
            self._fill(self.counts)
        else:
            self.caption.setText(_("Refreshing…"))

    def show_counts(self, counts: ContestCounts | None) -> None:
        """The counts of the tab's refresh (its period and filter)."""
        if counts is None:
            return
        self._fill(counts)
        self.loaded.emit(counts)

    # --- the tree ------------------------------------------------------------------------

    def _fill(self, counts: ContestCounts) -> None:
        self.counts = counts
        period = "{start} – {end}".format(start=format_date(counts.date_from),
                                          end=format_date(counts.date_to))
        self.caption.setText(
            _("Incidents and posts naming a contest, {period}").format(period=period)
            if counts.posts_counted else
            _("Incidents naming a contest, {period} (posts are counted only without a "
              "category or severity filter)").format(period=period))
        opened = {top.data(0, CODE_ROLE) for top in self._tops() if top.isExpanded()}
        current = self.tree.currentItem()
        chosen = current.data(0, CODE_ROLE) if current is not None else None
        sorting = self.tree.isSortingEnabled()
        self.tree.setSortingEnabled(False)
        self.tree.clear()
        for order, contest in enumerate(counts.contests):
            item = self._item(None, contest.short_name, order, contest.incidents, contest.posts)
            item.setData(0, CODE_ROLE, contest.code)
            item.setToolTip(0, contest.name)
            for pair in contest.pairs:
                label = (_("no candidate pair") if pair.number is None else
                         "{n}. {names}".format(n=pair.number, names=pair.names or "—"))
                self._item(item, label, NO_PAIR_ORDER if pair.number is None else pair.number,
                           pair.incidents, pair.posts)
            self.tree.addTopLevelItem(item)
            if contest.code in opened or (not opened and order == 0):
                item.setExpanded(True)  # the Pilgub open at first
            if contest.code == chosen:
                self.tree.setCurrentItem(item)
        if not counts.contests:
            self.caption.setText(self.caption.text() + "\n" + _("No contest named"))
        self.tree.setSortingEnabled(sorting)

    def _item(self, parent: QTreeWidgetItem | None, label: str, order: int, incidents: int,
              posts: int | None) -> QTreeWidgetItem:
        item = _Item(parent) if parent is not None else _Item()
        item.setText(0, label)
        item.setToolTip(0, label)
        item.setData(0, SORT_ROLE, order)
        for col, value in ((1, incidents), (2, posts)):
            item.setText(col, "—" if value is None else format_int(value))
            item.setData(col, SORT_ROLE, -1 if value is None else value)
            item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _open_contest(self, current: QTreeWidgetItem | None, _previous: Any) -> None:
        """Picking a contest shows its pairs."""
        if current is not None and current.parent() is None:
            current.setExpanded(True)

    def rows(self) -> list[tuple[str, str, str, list[tuple[str, str, str]]]]:
        """What the tree shows, top to bottom: (contest, incidents, posts, [pairs])."""
        def cells(item: QTreeWidgetItem) -> tuple[str, str, str]:
            return item.text(0), item.text(1), item.text(2)

        return [(*cells(top), [cells(c) for j in range(top.childCount())
                               if (c := top.child(j)) is not None])
                for top in self._tops()]

    def _tops(self) -> list[QTreeWidgetItem]:
        return [item for i in range(self.tree.topLevelItemCount())
                if (item := self.tree.topLevelItem(i)) is not None]
