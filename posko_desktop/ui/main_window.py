"""The main window: incident log (filter bar, lazily paged table, detail pane) first, then
the feature tabs from `ui.tabs.tab_factories()`. The window is the tabs' `TabHost` and checks
each tab against `FeatureTab` (both in `ui/tabs.py`); it owns the File menu's spreadsheet
and backup entries."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from posko_desktop.core import i18n
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import _, ngettext
from posko_desktop.core.services import incident_log, incidents, reference, user_language
from posko_desktop.core.services.incidents import IncidentDetail, IncidentFilter
from posko_desktop.core.textrules import format_int
from posko_desktop.ui import backup as backup_ui
from posko_desktop.ui import spreadsheets, tabs
from posko_desktop.ui.accounts.session import SessionControls
from posko_desktop.ui.dialogs.about import AboutDialog
from posko_desktop.ui.dialogs.demo_data import DemoDataDialog
from posko_desktop.ui.dialogs.incident_form import IncidentFormDialog
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.events import QtEvents
from posko_desktop.ui.log_columns import LogColumns
from posko_desktop.ui.models.incident_table import ID_ROLE, Column, IncidentTableModel
from posko_desktop.ui.tasks import TaskRunner
from posko_desktop.ui.training_mode import TrainingControls
from posko_desktop.ui.ui_locale import apply_ui_locale
from posko_desktop.ui.widgets.detail_pane import DetailPane
from posko_desktop.ui.widgets.filter_bar import FilterBar
from posko_desktop.ui.widgets.screen import available_size

logger = logging.getLogger(__name__)

REFRESH_DELAY_MS = 150
FEATURE_TABS_LATEST_MS = 3000
LARGEST_DEFAULT = QSize(1600, 1000)  # a first window on a big screen: not stretched over it


def default_window_size(available: QSize) -> QSize:
    """The first window's size: the screen's available area (less the taskbar) on an office
    laptop, at most LARGEST_DEFAULT on a bigger screen; never larger than the screen."""
    return LARGEST_DEFAULT.boundedTo(available)


class MainTabs(QTabWidget):
    """Feature tabs sit inside a scroll area (a wide tab can never push the window off the
    screen); `indexOf`, `widget`, `currentWidget` and `setCurrentWidget` speak of the tab
    widgets themselves, so feature areas never see the scroll area."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._holders: dict[QWidget, QScrollArea] = {}

    def add_scrolled(self, widget: QWidget, title: str) -> int:
        holder = QScrollArea(self)
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setWidget(widget)
        self._holders[widget] = holder
        return self.addTab(holder, title)

    def _outer(self, widget: QWidget) -> QWidget:
        return self._holders.get(widget, widget)

    def _inner(self, widget: QWidget | None) -> QWidget | None:
        if isinstance(widget, QScrollArea) and widget in self._holders.values():
            return widget.widget()
        return widget

    def indexOf(self, widget: QWidget) -> int:
        return super().indexOf(self._outer(widget))

    def widget(self, index: int) -> QWidget | None:
        return self._inner(super().widget(index))

    # None when there is no tab, whatever PySide's stub says
    def currentWidget(self) -> QWidget | None:  # type: ignore[override]
        return self._inner(super().currentWidget())

    def setCurrentWidget(self, widget: QWidget) -> None:
        super().setCurrentWidget(self._outer(widget))


class IncidentLogTab(QWidget):
    """Filter bar, table and detail pane."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.model = IncidentTableModel(window.ctx, window.runner, self)
        self.filter_bar = FilterBar(window.ctx, self)
        self.table = QTableView(self)
        self.table.setObjectName("incident_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        vheader = self.table.verticalHeader()
        vheader.hide()
        # Fixed row height: ResizeToContents on the rows took 66 s over 100k rows.
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        self.columns = LogColumns(self.table, window.ctx.actor.username)
        header.setSortIndicator(Column.OCCURRED, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.detail = DetailPane(window.ctx, window.runner, self)
        self.detail.setMinimumWidth(360)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([950, 410])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.splitter, 1)

    def retranslate_ui(self) -> None:
        self.filter_bar.retranslate_ui()
        self.model.retranslate()
        self.detail.retranslate_ui()
        self.columns.fit()


class MainWindow(QMainWindow):
    first_rows_painted = Signal()  # once: the log table painted with its rows (or empty)
    feature_tabs_built = Signal()
    logged_out = Signal()  # Account → Log out (ui/accounts/session.py)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.events = QtEvents(ctx.bus, self)
        self.setObjectName("main_window")
        self._current_id: uuid.UUID | None = None
        self._select_after_refresh: uuid.UUID | None = None
        self._filter_seen = IncidentFilter()  # the pane is checked against a new filter only
        self._painted = False
        self._total_all = -1
        self._total_all_stale = True
        self.form: IncidentFormDialog | None = None
        self.demo_dialog: DemoDataDialog | None = None

        self.tabs = MainTabs(self)
        self.tabs.setObjectName("main_tabs")
        self.log = IncidentLogTab(self)
        self.tabs.addTab(self.log, "")
        self.feature_tabs: list[QWidget] = []  # each one a FeatureTab
        self.automatic_backups: backup_ui.AutomaticBackups | None = None
        self.feature_tabs_ready = False
        self.setCentralWidget(self.tabs)

        self.db_label = QLabel(self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("status_count")
        for label in (self.db_label, self.count_label):
            label.setContentsMargins(8, 0, 8, 0)
        self.statusBar().addPermanentWidget(self.db_label)
        self.statusBar().addPermanentWidget(self.count_label)
        self._build_menus()

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.events.changed.connect(self._on_change)
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self.log.model.tick)
        self._clock.start()
        model = self.log.model
        model.loading.connect(self._on_loading)
        model.loaded.connect(self._on_loaded)
        model.counted.connect(self._on_counted)
        model.failed.connect(lambda err: show_error(self, err))
        self.log.filter_bar.changed.connect(model.set_filter)
        self.log.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.log.table.doubleClicked.connect(lambda _i: self.edit_current())
        # Enter on a row edits it (not `activated`: some styles activate on a single click).
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.log.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.edit_current)
        self.log.detail.edit_requested.connect(self.edit_incident)
        self.log.detail.action_done.connect(self.status_message)
        self.log.table.viewport().installEventFilter(self)

        # Feature tabs (and their imports: reportlab, matplotlib…) come right after the log
        # painted its first rows, so the operator sees the log first; at the latest after
        # FEATURE_TABS_LATEST_MS if the window is never painted (e.g. minimised).
        self.first_rows_painted.connect(lambda: QTimer.singleShot(0, self, self.build_feature_tabs))
        QTimer.singleShot(FEATURE_TABS_LATEST_MS, self, self.build_feature_tabs)
        self.resize(default_window_size(available_size(self)))
        self._restore_geometry()
        self.retranslate_ui()
        self.refresh()

    def build_feature_tabs(self) -> None:
        if not isValid(self) or self.feature_tabs_ready:
            return
        self.feature_tabs_ready = True
        for factory in tabs.tab_factories():
            try:
                widget = factory(self)
                if not isinstance(widget, tabs.FeatureTab):
                    raise TypeError("{w!r} lacks tab_title() or retranslate_ui()".format(w=widget))
                self.tabs.add_scrolled(widget, widget.tab_title())
            except Exception:  # one broken feature tab must not take the log down
                logger.exception("Tab factory %s failed", factory)
                continue
            self.feature_tabs.append(widget)
        self.feature_tabs_built.emit()

    def start_automatic_backups(self) -> backup_ui.AutomaticBackups:
        """The start-up check, interval backups and the backup at close (app start only)."""
        if self.automatic_backups is None:
            self.automatic_backups = backup_ui.AutomaticBackups(self, self.backup_controls)
            self.automatic_backups.start()
        return self.automatic_backups

    # --- TabHost (ui/tabs.py): what tabs and menu parts use ------------------------------

    def show_incident_log(self, flt: IncidentFilter) -> None:
        self.tabs.setCurrentWidget(self.log)
        self.log.filter_bar.set_filter(flt)

    def status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # --- menus -------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.new_action = QAction(self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)  # Ctrl+N
        self.new_action.triggered.connect(self.new_incident)
        self.demo_action = QAction(self)
        self.demo_action.triggered.connect(self.load_demo_data)
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.new_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.demo_action)
        # Mode latihan / Kembali ke data asli; the LATIHAN badge; demo data only in training
        self.training = TrainingControls(self)
        self.file_menu.addAction(self.training.switch_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        # Impor lembar kerja / Ekspor log / Simpan templat
        self.spreadsheet_actions = spreadsheets.SpreadsheetActions(
            self, lambda: self.log.filter_bar.filter())
        _insert_group(self.file_menu, self.spreadsheet_actions.actions)
        # Cadangkan sekarang / Pulihkan… / Periksa; the backup's age and the database state
        self.backup_controls = backup_ui.BackupControls(self)
        _insert_group(self.file_menu, self.backup_controls.actions)
        for label in self.backup_controls.labels:
            self.statusBar().addPermanentWidget(label)

        self.view_menu = bar.addMenu("")
        self.find_action = QAction(self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)  # Ctrl+F
        self.find_action.triggered.connect(self._focus_search)
        self.refresh_action = QAction(self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)  # F5
        self.refresh_action.triggered.connect(self.refresh)
        self.view_menu.addAction(self.find_action)
        self.view_menu.addAction(self.refresh_action)
        self.view_menu.addSeparator()
        self.language_menu = self.view_menu.addMenu("")
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for lang, name in (("id", "Bahasa Indonesia"), ("en", "English")):
            action = QAction(name, self)  # language names are never translated
            action.setCheckable(True)
            action.setData(lang)
            action.triggered.connect(lambda _checked=False, lg=lang: self.set_language(lg))
            self.language_group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[lang] = action

        self.session_controls = SessionControls(self, bar)  # Account: lock now, log out
        self.help_menu = bar.addMenu("")
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self.show_about)
        self.help_menu.addAction(self.about_action)

    def retranslate_ui(self) -> None:
        # numbers in spin boxes and Qt's month and day names follow the chosen language too
        self.setLocale(apply_ui_locale(i18n.current_language()))
        site = reference.site_or_none(self.ctx)
        title = _("Posko Desk Pilkada — Central Java")
        self.setWindowTitle(self.training.window_title(
            "{title} — {site}".format(title=title, site=site.name) if site else title))
        self.file_menu.setTitle(_("&File"))
        self.new_action.setText(_("&New incident…"))
        self.demo_action.setText(_("Load demo data (Muat data contoh)…"))
        self.quit_action.setText(_("&Quit"))
        self.training.retranslate_ui()
        self.session_controls.retranslate_ui()
        self.view_menu.setTitle(_("&View"))
        self.find_action.setText(_("&Search the log"))
        self.refresh_action.setText(_("&Refresh"))
        self.language_menu.setTitle(_("&Language"))
        self.help_menu.setTitle(_("&Help"))
        self.about_action.setText(_("&About Posko Desk"))
        self.language_actions[i18n.current_language()].setChecked(True)
        self.tabs.setTabText(0, _("Incident log"))
        self.log.retranslate_ui()
        for widget in self.feature_tabs:
            try:
                if isinstance(widget, tabs.FeatureTab):  # always (checked when mounted)
                    widget.retranslate_ui()
                    self.tabs.setTabText(self.tabs.indexOf(widget), widget.tab_title())
            except Exception:
                logger.exception("Tab %s failed to retranslate", widget)
        self.db_label.setText(_("Database: {location}").format(location=self.ctx.db.display_location))
        self._update_counts()
        if self.form is not None:
            self.form.retranslate_ui()
        if self.demo_dialog is not None:
            self.demo_dialog.retranslate_ui()

    def offer_package_import(self, path: Path) -> QMessageBox:
        """A .posko file opened with the app (double-click, `posko-desktop FILE.posko`):
        ask first; on Yes the sync tab imports it as its Import button does."""
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        box = QMessageBox(QMessageBox.Icon.Question, _("Import package"),
                          _("Import the package {file} into this database?").format(file=path),
                          yes | no, self)
        box.setObjectName("package_import_confirm")
        box.setDefaultButton(no)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self._import_package(path)
                             if box.clickedButton() is box.button(yes) else None)
        box.open()
        return box

    def _import_package(self, path: Path) -> None:
        self.build_feature_tabs()
        importer = next((w for w in self.feature_tabs if isinstance(w, tabs.PackageImporter)), None)
        if importer is None or not isinstance(importer, QWidget):
            logger.error("No tab imports packages; %s not imported", path)
            return
        self.tabs.setCurrentWidget(importer)
        importer.import_paths([path])

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def set_language(self, lang: str) -> None:
        """Apply at once (typed text and selections stay) and remember it with the logged-in
        user's account (issue 19; other users keep theirs)."""
        if lang not in i18n.LANGUAGES:
            return
        i18n.set_language(lang)
        self.retranslate_ui()
        try:
            user_language.set_my_language(self.ctx, lang)
        except PoskoError as err:
            logger.warning("Language not saved: %s", err.text_in("en"))
        self.status_message(_("Language: Bahasa Indonesia") if lang == "id" else _("Language: English"))

    # --- log ---------------------------------------------------------------------------

    def refresh(self) -> None:
        self._total_all_stale = True
        self.log.model.refresh()

    def _on_counted(self) -> None:
        """The status bar's count of all incidents: the log's own total when no filter is
        set, else one more count once the log's queries are done (never competing with
        the first page)."""
        model = self.log.model
        if model.filter == IncidentFilter():
            self._total_all_stale = False
            self._on_total_all(model.total)
        elif self._total_all_stale:
            self._total_all_stale = False
            self.runner.run(incidents.count_incidents, self.ctx, IncidentFilter(),
                            on_done=self._on_total_all)
        self._update_counts()

    def _on_total_all(self, total: int) -> None:
        if not isValid(self):  # closed while the count ran
            return
        self._total_all = int(total)
        self._update_counts()

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.INCIDENT:
            self._refresh_timer.start()
            if self._current_id is not None and (
                    not change.ids or str(self._current_id) in change.ids):
                self.log.detail.reload()

    def _on_loading(self) -> None:
        self.log.filter_bar.set_count(_("Loading…"))
        self.log.table.viewport().setCursor(Qt.CursorShape.BusyCursor)

    def _on_loaded(self) -> None:
        self.log.table.viewport().unsetCursor()
        self._update_counts()
        wanted = self._select_after_refresh or self._current_id
        self._select_after_refresh = None
        if wanted is not None:
            row = self.log.model.row_of_id(wanted)
            if row is not None:
                self.select_row(row)
            elif wanted == self._current_id and self.log.model.filter != self._filter_seen:
                # a new filter: the incident may be on a later page, or filtered out
                self.runner.run(incident_log.matches_filter, self.ctx, self.log.model.filter,
                                wanted, on_done=lambda listed: self._still_listed(wanted, listed))
        self._filter_seen = self.log.model.filter
        self.log.table.viewport().update()

    def _still_listed(self, incident_id: uuid.UUID, listed: bool) -> None:
        if not listed and self._current_id == incident_id:
            self._current_id = None
            self.log.detail.show_hidden_by_filter()

    def _update_counts(self) -> None:
        shown = self.log.model.total
        if not self.log.model.first_page_ready:
            self.log.filter_bar.set_count(_("Loading…"))
        elif self.log.model.is_counting:
            self.log.filter_bar.set_count(_("Counting…"))
        else:
            self.log.filter_bar.set_count(ngettext(
                "{n} incident shown", "{n} incidents shown", shown).format(n=format_int(shown)))
        if self._total_all >= 0:
            self.count_label.setText(ngettext("{n} incident in the database",
                                              "{n} incidents in the database",
                                              self._total_all).format(n=format_int(self._total_all)))

    def select_row(self, row: int) -> None:
        index = self.log.model.index(row, 0)
        self.log.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.log.table.scrollTo(index)

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        incident_id = current.data(ID_ROLE)
        if incident_id is None or incident_id == self._current_id:
            return
        self._current_id = incident_id
        self.log.detail.show_incident(incident_id)

    @property
    def current_incident_id(self) -> uuid.UUID | None:
        return self._current_id

    def _focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.log)
        self.log.filter_bar.search.setFocus()
        self.log.filter_bar.search.selectAll()

    # --- commands ----------------------------------------------------------------------

    def new_incident(self) -> IncidentFormDialog:
        self.tabs.setCurrentWidget(self.log)
        return self._open_form(None)

    def edit_current(self) -> IncidentFormDialog | None:
        if self.log.detail.detail is None:
            return None
        return self.edit_incident(self.log.detail.detail)

    def edit_incident(self, detail: IncidentDetail) -> IncidentFormDialog | None:
        if detail.deleted:
            return None
        return self._open_form(detail)

    def _open_form(self, detail: IncidentDetail | None) -> IncidentFormDialog:
        if self.form is not None:
            self.form.raise_()
            self.form.activateWindow()
            return self.form
        form = IncidentFormDialog(self.ctx, detail, self)
        form.saved.connect(self._on_saved)
        form.merged.connect(self.status_message)
        form.finished.connect(lambda _r: self._form_closed(form))
        self.form = form
        form.open()
        return form

    def _form_closed(self, form: IncidentFormDialog) -> None:
        if self.form is form:
            self.form = None
        form.deleteLater()

    def _on_saved(self, detail: IncidentDetail) -> None:
        self._select_after_refresh = detail.id
        self._current_id = detail.id
        self.log.detail.show_incident(detail.id)
        self.status_message(_("Incident {number} saved").format(number=detail.number))
        self._refresh_timer.stop()
        self.refresh()

    def load_demo_data(self) -> DemoDataDialog | None:
        if not self.training.training:  # the menu item is disabled; the first run's offer too
            self.status_message(_("Demo data only goes into a training database: File → "
                                  "Training mode"))
            return None
        if self.demo_dialog is not None:
            self.demo_dialog.raise_()
            return self.demo_dialog
        dialog = DemoDataDialog(self.ctx, self.runner, self)
        dialog.finished_loading.connect(lambda n: self.status_message(
            _("{n} demo incidents loaded").format(n=format_int(n))))
        dialog.finished.connect(lambda _r: self._demo_closed(dialog))
        self.demo_dialog = dialog
        dialog.open()
        return dialog

    def _demo_closed(self, dialog: DemoDataDialog) -> None:
        if self.demo_dialog is dialog:
            self.demo_dialog = None
        dialog.deleteLater()
        self.refresh()

    # --- first paint, geometry, close --------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (not self._painted and event.type() == QEvent.Type.Paint
                and watched is self.log.table.viewport() and self.log.model.first_page_ready):
            model = self.log.model
            if model.total == 0 or model.row_at(0) is not None:
                self._painted = True
                QTimer.singleShot(0, self, self.first_rows_painted.emit)
        return super().eventFilter(watched, event)

    def _restore_geometry(self) -> None:
        state: Any = QSettings().value("main_window/geometry")
        if isinstance(state, QByteArray | bytes):
            self.restoreGeometry(QByteArray(state))
        self.resize(self.size().boundedTo(available_size(self)))  # the screen may be smaller now

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        self.events.close()
        super().closeEvent(event)


def _insert_group(menu: QMenu, actions: list[QAction]) -> None:
    """Add `actions` to `menu` as a group (separated) before its last group (e.g. "Quit")."""
    before = next((a for a in reversed(menu.actions()) if a.isSeparator()), None)
    if before is None:
        menu.addSeparator()
        menu.addActions(actions)
    else:
        menu.insertActions(before, actions)
        menu.insertSeparator(actions[0])
