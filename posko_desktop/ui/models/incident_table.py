"""The incident log as a lazily paged table model (Anki style: pages fetched on demand).

Rows come from `incidents.query_incidents` in pages of `PAGE_SIZE`, kept in an LRU cache;
the total from `count_incidents`, after the first page. For a long log a background pass
then collects the sort key of every page's first row (`incidents.page_keys`), so a jump
anywhere is one index seek instead of an OFFSET walk from the top (until then, OFFSET).
Every query runs on the TaskRunner, so the GUI thread never waits for SQLite; a row whose
page is not in yet shows a placeholder and is repainted when the page arrives. Sorting is
done by SQL (`SortKey`).
"""

from __future__ import annotations

import enum
import logging
import uuid
from collections import OrderedDict, deque
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle
from shiboken6 import isValid

from posko_desktop.core import palette
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Page, Severity, Status
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import incidents, reference
from posko_desktop.core.services.incidents import IncidentFilter, IncidentRow, SortKey
from posko_desktop.core.textrules import format_datetime, format_datetime_wib
from posko_desktop.ui.tasks import TaskRunner

logger = logging.getLogger(__name__)

PAGE_SIZE = 200
CACHE_PAGES = 60  # 12,000 rows at most in memory
RECENT_PAGES = 8  # page requests older than the last 8 are dropped (fast scrolling)
PAGE_KEYS_FROM = 20_000  # rows; below this an OFFSET walk is fast enough
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the IncidentRow (None while its page loads)
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the incident UUID
SORT_VALUE_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    NUMBER = 0
    OCCURRED = 1
    REGENCY = 2
    SEVERITY = 3
    STATUS = 4
    TITLE = 5
    CATEGORY = 6
    LOCATION = 7


HEADERS = {
    Column.NUMBER: N_("Number"),
    Column.OCCURRED: N_("Occurred (WIB)"),
    Column.REGENCY: N_("Regency/city"),
    Column.CATEGORY: N_("Category"),
    Column.SEVERITY: N_("Severity"),
    Column.STATUS: N_("Status"),
    Column.TITLE: N_("Title"),
    Column.LOCATION: N_("Location"),
}

SORT_KEYS: dict[Column, SortKey] = {
    Column.NUMBER: SortKey.NUMBER,
    Column.OCCURRED: SortKey.OCCURRED,
    Column.REGENCY: SortKey.REGENCY,
    Column.CATEGORY: SortKey.CATEGORY,
    Column.SEVERITY: SortKey.SEVERITY,
    Column.STATUS: SortKey.STATUS,
    Column.TITLE: SortKey.TITLE,
}

# The one severity palette (core/palette.py): colour-blind safe, lightness falls
# monotonically with severity (readable in greyscale), and the label is always written too.
SEVERITY_COLOURS: dict[str, tuple[str, str]] = {
    s: (palette.SEVERITY_FILL[s.value], palette.SEVERITY_INK[s.value]) for s in Severity
}


class IncidentTableModel(QAbstractTableModel):
    loaded = Signal()  # a refresh brought its first page (the count may follow)
    counted = Signal()  # the total of the refresh is known
    loading = Signal()  # a refresh started (the view keeps the old rows until `loaded`)
    page_loaded = Signal(int)
    keys_loaded = Signal()  # the page keys of the current refresh are in (jumps are seeks)
    failed = Signal(object)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self._filter = IncidentFilter()
        self._sort = SortKey.OCCURRED
        self._descending = True
        self._total = 0
        self._pages: OrderedDict[int, list[IncidentRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._recent: deque[int] = deque(maxlen=RECENT_PAGES)
        self._wanted: frozenset[int] = frozenset()
        self._generation = 0
        self._page_keys: tuple[int, list[tuple[Any, ...]]] = (0, [])  # (generation, keys)
        self._keys_running = False  # at most one key pass at a time (it takes ~1 s at 1M)
        self._loading = False
        self._counting = False
        self._now = ctx.now()
        self._category_labels: dict[str, tuple[str, str]] = {}
        self._overdue_icon: QIcon | None = None

    # --- state -------------------------------------------------------------------------

    @property
    def filter(self) -> IncidentFilter:
        return self._filter

    @property
    def total(self) -> int:
        return self._total

    @property
    def sort_key(self) -> tuple[SortKey, bool]:
        return self._sort, self._descending

    @property
    def is_loading(self) -> bool:
        """True until the first page and the total of the last refresh are in."""
        return self._loading or self._counting

    @property
    def jumps_are_seeks(self) -> bool:
        """True once any page of the current refresh is fetched by key, not by OFFSET."""
        gen, keys = self._page_keys
        return gen == self._generation and bool(keys)

    def set_filter(self, flt: IncidentFilter) -> None:
        if flt != self._filter:
            self._filter = flt
            self.refresh()

    def refresh(self) -> None:
        """Fetch the first page, then count, both off the GUI thread. The first page shows
        as soon as it is in (a count over a million rows takes longer); the row count then
        grows to the total without a reset, so selection and scroll position stay."""
        self._generation += 1
        gen = self._generation
        self._loading = True
        self._counting = True
        self._pending.clear()
        self.loading.emit()
        self.runner.run(
            incidents.query_incidents, self.ctx, self._filter, self._sort, self._descending,
            0, PAGE_SIZE,
            on_done=lambda page: self._first_page_in(gen, page),
            on_error=lambda err: self._failed(gen, err),
        )

    @property
    def is_counting(self) -> bool:
        return self._counting

    @property
    def first_page_ready(self) -> bool:
        return not self._loading

    def _first_page_in(self, gen: int, page: Page) -> None:
        if not isValid(self):  # the window closed while the query ran
            return
        if gen != self._generation:
            return
        self.beginResetModel()
        self._now = self.ctx.now()
        self._total = len(page.rows)
        self._pages.clear()
        self._pages[0] = page.rows
        self._loading = False
        self.endResetModel()
        if len(page.rows) < PAGE_SIZE:
            self._counting = False  # the first page is everything
        else:
            self.runner.run(incidents.count_incidents, self.ctx, self._filter,
                            on_done=lambda total: self._count_in(gen, total),
                            on_error=lambda err: self._failed(gen, err))
        self.loaded.emit()
        if not self._counting:
            self.counted.emit()

    def _count_in(self, gen: int, total: int) -> None:
        if not isValid(self):  # the window closed while the query ran
            return
        if gen != self._generation:
            return
        self._counting = False
        if total > self._total:
            self.beginInsertRows(QModelIndex(), self._total, total - 1)
            self._total = total
            self.endInsertRows()
        elif total < self._total:  # rows vanished between the two queries: start over
            self.refresh()
            return
        self.counted.emit()
        self._collect_page_keys()

    def _collect_page_keys(self) -> None:
        if self._keys_running or self._counting or self._total < PAGE_KEYS_FROM:
            return
        if self._page_keys[0] == self._generation:
            return
        self._keys_running = True
        gen = self._generation
        self.runner.run(
            incidents.page_keys, self.ctx, self._filter, self._sort, self._descending, PAGE_SIZE,
            on_done=lambda keys: self._keys_in(gen, keys),
            on_error=lambda err: self._keys_in(gen, [], err),
        )

    def _keys_in(self, gen: int, keys: list[tuple[Any, ...]],
                 err: BaseException | None = None) -> None:
        if not isValid(self):  # the window closed while the query ran
            return
        self._keys_running = False
        if err is not None:  # jumps stay OFFSET walks: slower, still right
            logger.warning("Page keys of the log could not be collected: %s", err)
            self._page_keys = (gen, [])
        elif gen == self._generation:
            self._page_keys = (gen, keys)
            self.keys_loaded.emit()
        self._collect_page_keys()  # a refresh came while this pass ran

    def _failed(self, gen: int, err: BaseException) -> None:
        if not isValid(self):  # the window closed while the query ran
            return
        if gen == self._generation:
            self._loading = False
            self._counting = False
            self.failed.emit(err)

    def _request(self, page_no: int) -> None:
        if page_no in self._pending:
            return
        self._pending.add(page_no)
        self._recent.append(page_no)
        self._wanted = frozenset(self._recent)  # one reference swap: safe to read off-thread
        gen = self._generation
        self.runner.run(
            self._fetch_page, gen, page_no, self._filter, self._sort, self._descending,
            on_done=lambda page: self._page_in(gen, page_no, page),
            on_error=lambda err: self._failed(gen, err),
        )

    def _fetch_page(self, gen: int, page_no: int, flt: IncidentFilter, sort: SortKey,
                    descending: bool) -> Page | None:  # worker thread
        if gen != self._generation or page_no not in self._wanted:
            # The filter changed, or the view scrolled far past this page while it waited
            # in the queue: skip it (a repaint asks again if it is ever shown).
            return None
        keys_gen, keys = self._page_keys  # one reference read: safe off-thread
        if keys_gen == gen and keys:
            anchor = min(page_no, len(keys) - 1)
            return incidents.query_incidents(self.ctx, flt, sort, descending,
                                             (page_no - anchor) * PAGE_SIZE, PAGE_SIZE,
                                             start_key=keys[anchor])
        return incidents.query_incidents(self.ctx, flt, sort, descending,
                                         page_no * PAGE_SIZE, PAGE_SIZE)

    def _page_in(self, gen: int, page_no: int, page: Page | None) -> None:
        if not isValid(self):  # the window closed while the query ran
            return
        self._pending.discard(page_no)
        if gen != self._generation or page is None:
            return
        self._pages[page_no] = page.rows
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)
        first = page_no * PAGE_SIZE
        last = min(first + PAGE_SIZE, self._total) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))
        self.page_loaded.emit(page_no)

    def tick(self) -> None:
        """Re-evaluate "overdue" against the current time (the window calls this every
        minute, so a log left open all day flags incidents as they become late)."""
        self._now = self.ctx.now()
        if self._total:
            self.dataChanged.emit(self.index(0, Column.NUMBER), self.index(self._total - 1, Column.NUMBER))

    def row_at(self, row: int) -> IncidentRow | None:
        """The row if its page is loaded (no fetch)."""
        rows = self._pages.get(row // PAGE_SIZE)
        if rows is None:
            return None
        offset = row % PAGE_SIZE
        return rows[offset] if offset < len(rows) else None

    def _row(self, row: int) -> IncidentRow | None:
        page_no = row // PAGE_SIZE
        rows = self._pages.get(page_no)
        if rows is None:
            self._request(page_no)
            return None
        self._pages.move_to_end(page_no)
        offset = row % PAGE_SIZE
        return rows[offset] if offset < len(rows) else None

    def row_of_id(self, incident_id: uuid.UUID) -> int | None:
        """Row number of an incident among the loaded pages."""
        for page_no, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.id == incident_id:
                    return page_no * PAGE_SIZE + i
        return None

    def retranslate(self) -> None:
        self._category_labels.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._total:
            self.dataChanged.emit(self.index(0, 0), self.index(self._total - 1, len(Column) - 1))

    # --- Qt model interface ------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(HEADERS[Column(section)])
            if role == Qt.ItemDataRole.ToolTipRole and Column(section) in SORT_KEYS:
                return _("Click to sort by this column")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(Column(column)) if 0 <= column < len(Column) else None
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._sort, self._descending):
            self._sort, self._descending = key, descending
            self.refresh()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self._total):
            return None
        col = Column(index.column())
        row = self._row(index.row())
        if role == ROW_ROLE:
            return row
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole and col == Column.NUMBER:
                return "…"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        if role == Qt.ItemDataRole.BackgroundRole and col == Column.SEVERITY:
            return QBrush(QColor(SEVERITY_COLOURS[row.severity][0]))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == Column.SEVERITY:
                return QBrush(QColor(SEVERITY_COLOURS[row.severity][1]))
            if row.deleted:
                return QBrush(QColor("#777777"))
            if col == Column.NUMBER and row.overdue(self._now):
                return QBrush(QColor("#b35806"))
            return None
        if role == Qt.ItemDataRole.FontRole:
            if row.deleted:
                font = QFont()
                font.setStrikeOut(True)
                return font
            if col == Column.SEVERITY and row.severity == Severity.KRITIS:
                font = QFont()
                font.setBold(True)
                return font
            if col == Column.NUMBER and row.overdue(self._now):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.DecorationRole and col == Column.NUMBER and row.overdue(self._now):
            return self._overdue()
        if role == SORT_VALUE_ROLE:
            return self._display(row, col)
        return None

    def _display(self, row: IncidentRow, col: Column) -> str:
        if col == Column.NUMBER:
            return row.number
        if col == Column.OCCURRED:
            return format_datetime(row.occurred_at)
        if col == Column.REGENCY:
            return reference.RegencyInfo(row.regency_code, row.regency_kind, row.regency_name).full_name
        if col == Column.CATEGORY:
            return "{code} {label}".format(code=row.category_code,
                                           label=self._category_label(row.category_code))
        if col == Column.SEVERITY:
            return Severity(row.severity).label
        if col == Column.STATUS:
            text = Status(row.status).label
            return _("{status} (deleted)").format(status=text) if row.deleted else text
        if col == Column.TITLE:
            return row.title
        return row.location

    def _tooltip(self, row: IncidentRow, col: Column) -> str | None:
        parts: list[str] = []
        if col == Column.REGENCY:
            parts.append("{code} {name}".format(
                code=row.regency_code,
                name=reference.RegencyInfo(row.regency_code, row.regency_kind, row.regency_name).full_name))
        if col == Column.TITLE and row.title:
            parts.append(row.title)
        if col in (Column.CATEGORY, Column.STATUS):
            parts.append(self._display(row, col))
        if row.overdue(self._now):
            if row.responded_at is None and self._now > row.respond_by:
                parts.append(_("Overdue: no response by {time}").format(
                    time=format_datetime_wib(row.respond_by)))
            if row.next_referral_due is not None and self._now > row.next_referral_due:
                parts.append(_("Overdue: a referral was due at {time}").format(
                    time=format_datetime_wib(row.next_referral_due)))
        return "\n".join(parts) or None

    def _category_label(self, code: str) -> str:
        if not self._category_labels:
            try:
                for c in reference.list_categories(self.ctx, include_inactive=True):
                    self._category_labels[c.code] = (c.label, c.code)
            except Exception:  # labels are decoration; the code alone still identifies
                logger.exception("Could not load category labels")
        return self._category_labels.get(code, ("", code))[0]

    def _overdue(self) -> QIcon:
        if self._overdue_icon is None:
            style = QApplication.style()
            self._overdue_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return self._overdue_icon
