"""The incident log's columns: widths from the texts they show (in the current language),
the title taking what is left, and the less important columns hidden or shown by the user
from the header's context menu. The choice is kept per user in the local settings
(QSettings `log_columns/<username>/hidden`, comma-separated names); until a user chooses, category and location
are hidden on a screen narrower than WIDE_SCREEN_PX so number, time, regency, severity,
status and title fit an office laptop without scrolling sideways."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from posko_desktop.core.domain import Severity, Status
from posko_desktop.core.i18n import _
from posko_desktop.ui.models.incident_table import Column

WIDE_SCREEN_PX = 1600
OPTIONAL = (Column.CATEGORY, Column.LOCATION)
ALWAYS_SHOWN = (Column.NUMBER, Column.TITLE)
SORT_ARROW_PX = 22
PADDING_PX = 12
# What a column shows at its widest (besides its title), in the current language.
SAMPLES = {
    Column.NUMBER: lambda: ["3300-24-000000"],
    Column.OCCURRED: lambda: ["27-11-2024 23.59"],
    Column.REGENCY: lambda: ["Kab. Banjarnegara"],
    Column.SEVERITY: lambda: [s.label for s in Severity],
    Column.STATUS: lambda: [s.label for s in Status],
    Column.CATEGORY: lambda: ["B2 Serangan fajar"],
    Column.LOCATION: lambda: ["Pos kamling RT 15 Blerong"],
}


class LogColumns:
    """Widths, the stretching title, and the user's hidden columns of the log table."""

    def __init__(self, table: QTableView, username: str) -> None:
        self.table = table
        self.username = username
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_menu)
        for column in Column:
            header.setSectionHidden(column, column in self.hidden())
        self.fit()

    def fit(self) -> None:
        """Every column as wide as its title and its widest usual value (call after a
        language switch)."""
        header = self.table.horizontalHeader()
        model = self.table.model()
        metrics = self.table.fontMetrics()
        title_metrics = header.fontMetrics()
        for column, samples in SAMPLES.items():
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            width = max([title_metrics.horizontalAdvance(title) + SORT_ARROW_PX]
                        + [metrics.horizontalAdvance(t) + PADDING_PX for t in samples()])
            header.resizeSection(column, width)

    # --- hidden columns ----------------------------------------------------------------

    def _key(self) -> str:
        return "log_columns/{user}/hidden".format(user=self.username)

    def hidden(self) -> set[Column]:
        stored = QSettings().value(self._key())
        if stored is None:
            screen = QGuiApplication.primaryScreen()
            narrow = screen is None or screen.availableGeometry().width() < WIDE_SCREEN_PX
            return set(OPTIONAL) if narrow else set()
        names = str(stored).split(",")  # "" when the user shows every column
        return {c for c in Column if c.name in names and c not in ALWAYS_SHOWN}

    def set_shown(self, column: Column, shown: bool) -> None:
        if column in ALWAYS_SHOWN:
            return
        self.table.horizontalHeader().setSectionHidden(column, not shown)
        hidden = [c.name for c in Column if self.table.horizontalHeader().isSectionHidden(c)]
        QSettings().setValue(self._key(), ",".join(hidden))  # an empty list reads back as None

    def menu(self) -> QMenu:
        """Show/hide entry per column (checked: shown); number and title always stay."""
        menu = QMenu(self.table)
        menu.setObjectName("log_column_menu")
        header = self.table.horizontalHeader()
        model = self.table.model()
        for column in Column:
            action = QAction(str(model.headerData(column, Qt.Orientation.Horizontal)), menu)
            action.setData(int(column))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column not in ALWAYS_SHOWN)
            action.setToolTip(_("Show or hide this column"))
            action.toggled.connect(lambda on, c=column: self.set_shown(c, on))
            menu.addAction(action)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        menu = self.menu()
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))
        menu.deleteLater()
