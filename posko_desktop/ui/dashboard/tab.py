"""The dashboard tab: filters, six charts, early-warning / top tables, side tabs (reporting
watch, silent, baseline, rawan kecamatan, contests). Data and figures are built off the GUI
thread (host.runner); only the canvases draw on the GUI thread. Refreshes when incidents
change (debounced) while visible."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import (
    DashboardSnapshot,
    NihilVia,
    PeriodPreset,
    ReportStatus,
    preset_range,
)
from posko_desktop.core.domain import Severity, UnitType
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import _
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import reference
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.reference import normalize_regency_code
from posko_desktop.core.textrules import format_date, format_datetime_wib, format_int, format_number
from posko_desktop.ui.dashboard.charts_panel import ChartPanel
from posko_desktop.ui.dashboard.contests_panel import ContestsPanel
from posko_desktop.ui.dashboard.side_pages import SidePages
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.tabs import TabHost
from posko_desktop.ui.widgets.combo_fit import fit_combo

logger = logging.getLogger(__name__)

REFRESH_DEBOUNCE_MS = 800
# What the dashboard shows is made of incidents (typed in, imported from a spreadsheet or a
# sync package, demo data: all publish INCIDENT), Nihil reports and the level settings.
REFRESH_ON = frozenset({ChangeKind.INCIDENT, ChangeKind.NIHIL_REPORT, ChangeKind.SETTINGS,
                        ChangeKind.REPORTING_UNIT, ChangeKind.BASELINE,
                        ChangeKind.SOCIAL_POST, ChangeKind.HOAX_CASE})
KINDS = ("tilemap", "trend", "heatmap", "categories", "severity", "medsos")
SEVERITY_CHOICES = (
    ("", ()),
    ("sedang+", ("sedang", "tinggi", "kritis")),
    ("tinggi+", ("tinggi", "kritis")),
    ("kritis", ("kritis",)),
)


@dataclass(frozen=True)
class DashboardQuery:
    """What the controls ask for (built on the GUI thread, used by the worker)."""

    date_from: date
    date_to: date
    flt: IncidentFilter
    regencies: tuple[str, ...] = ()
    weighted: bool = False
    heatmap_order: str = "code"
    category_mode: str = "regency"
    map_mode: str = "level"  # or "ikp": the map mode "kerawanan awal"
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # logical pixels
    ratio: float = 1.0  # device pixel ratio of the screen


@dataclass
class DashboardResult:
    query: DashboardQuery
    snapshot: DashboardSnapshot
    figures: dict[str, tuple[Any, list[list[Any]], Any]]  # kind -> (figure, CSV rows, renderer)
    seconds: float


class LazyBoard:
    """The tab's `DrawnBoard` (figures kept between refreshes), made on the worker thread
    the first time: matplotlib loads there, not on the GUI thread; after its first pictures
    the objects loaded so far leave the cyclic collector's reach (`keep_loaded_objects`)."""

    def __init__(self) -> None:
        self.board: Any = None

    def draw(self, snap: DashboardSnapshot, sizes: dict[str, tuple[int, int]], ratio: float,
             map_mode: str) -> dict[str, tuple[Any, list[list[Any]], Any]]:
        if self.board is not None:
            return self.board.draw(snap, sizes, ratio, map_mode)
        from posko_desktop.core.charts.board import DrawnBoard, keep_loaded_objects

        self.board = DrawnBoard()
        figures = self.board.draw(snap, sizes, ratio, map_mode)
        keep_loaded_objects()  # matplotlib and the app are loaded now: see its docstring
        return figures


def build_dashboard(ctx: AppContext, query: DashboardQuery, board: LazyBoard) -> DashboardResult:
    """Worker thread: all data, then the figures whose input changed (`board`: the tab's
    `DrawnBoard`; no widget is touched here)."""
    started = time.perf_counter()
    snap = dash.snapshot(ctx, query.date_from, query.date_to, query.flt,
                         regencies=query.regencies, heatmap_order=query.heatmap_order,
                         weighted=query.weighted, category_mode=query.category_mode)
    figures = board.draw(snap, query.sizes, query.ratio, query.map_mode)
    return DashboardResult(query, snap, figures, time.perf_counter() - started)


def rerender_dashboard(result: DashboardResult, sizes: dict[str, tuple[int, int]],
                       ratio: float, board: LazyBoard) -> DashboardResult:
    """Worker thread: the same data drawn again at new canvas sizes (after a resize)."""
    started = time.perf_counter()
    query = replace(result.query, sizes=sizes, ratio=ratio)
    return DashboardResult(query, result.snapshot,
                           board.draw(result.snapshot, sizes, ratio, query.map_mode),
                           time.perf_counter() - started)


class DashboardTab(QWidget):
    refreshed = Signal(object)  # DashboardResult, after the canvases got their figures

    def __init__(self, host: TabHost) -> None:
        super().__init__()  # the main window's tab widget becomes the parent
        self.setObjectName("dashboard_tab")
        self.host = host
        self.ctx: AppContext = host.ctx
        self.runner = host.runner
        self.result: DashboardResult | None = None
        self.board = LazyBoard()
        self._dirty = True
        self._running = False
        self._pending = False
        self._as_of_set = False
        self._updated: tuple[datetime, float] | None = None  # last refresh: when, seconds

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(250)
        self._render_timer.timeout.connect(self.rerender)

        # --- filter bar ------------------------------------------------------------------
        self.period_label = QLabel(self)
        self.period = QComboBox(self)
        self.period.setObjectName("dash_period")
        for preset in PeriodPreset:
            self.period.addItem("", preset.value)
        self.period.setCurrentIndex(1)  # 14 days
        self.from_label = QLabel(self)
        self.date_from = QDateEdit(self)
        self.to_label = QLabel(self)
        self.date_to = QDateEdit(self)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd-MM-yyyy")
        self.category = QComboBox(self)
        self.category.setObjectName("dash_category")
        self.severity = QComboBox(self)
        self.severity.setObjectName("dash_severity")
        for key, _values in SEVERITY_CHOICES:
            self.severity.addItem("", key)
        self.regency = QComboBox(self)
        self.regency.setObjectName("dash_regency")
        self.weighted = QCheckBox(self)
        self.order = QComboBox(self)
        self.order.addItem("", "code")
        self.order.addItem("", "total")
        self.mode = QComboBox(self)
        self.mode.addItem("", "regency")
        self.mode.addItem("", "day")
        self.map_mode = QComboBox(self)
        self.map_mode.setObjectName("dash_map_mode")
        self.map_mode.addItem("", "level")
        self.map_mode.addItem("", "ikp")
        self.refresh_button = QPushButton(self)
        self.status = QLabel(self)
        self.status.setObjectName("dash_status")
        self.busy = QProgressBar(self)  # indeterminate while a refresh runs
        self.busy.setObjectName("dash_busy")
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumWidth(120)
        self.busy.hide()

        for combo, chars in ((self.period, 18), (self.category, 18), (self.severity, 24),
                             (self.regency, 24), (self.order, 22), (self.mode, 28)):
            fit_combo(combo, chars)  # whole items, or elided with the item in the tooltip
        bar = QHBoxLayout()
        w: QWidget
        for w in (self.period_label, self.period, self.from_label, self.date_from, self.to_label,
                  self.date_to, self.category, self.severity, self.refresh_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.busy)
        bar.addWidget(self.status)
        options = QHBoxLayout()
        for w in (self.regency, self.weighted, self.order, self.mode, self.map_mode):
            options.addWidget(w)
        options.addStretch(1)

        # --- charts ----------------------------------------------------------------------
        self.panels = {kind: ChartPanel(kind, self) for kind in KINDS}
        for panel in self.panels.values():
            panel.clicked.connect(self._on_chart_clicked)
            panel.needs_render.connect(self._render_timer.start)
            panel.on_error = lambda err: show_error(self, err)
        grid = QGridLayout()
        grid.setSpacing(4)
        grid.addWidget(self.panels["tilemap"], 0, 0)
        grid.addWidget(self.panels["heatmap"], 1, 0, 3, 1)
        grid.addWidget(self.panels["trend"], 0, 1)
        grid.addWidget(self.panels["categories"], 1, 1)
        grid.addWidget(self.panels["severity"], 2, 1)
        grid.addWidget(self.panels["medsos"], 3, 1)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 6)
        grid.setRowStretch(0, 5)
        grid.setRowStretch(1, 4)
        grid.setRowStretch(2, 3)
        grid.setRowStretch(3, 3)
        charts = QWidget(self)
        charts.setLayout(grid)

        # --- tables ----------------------------------------------------------------------
        self.warnings_box = QGroupBox(self)
        self.warnings_table = self._table("dash_warnings", 3)
        QVBoxLayout(self.warnings_box).addWidget(self.warnings_table)
        self.top_box = QGroupBox(self)
        self.top_table = self._table("dash_top", 3)
        QVBoxLayout(self.top_box).addWidget(self.top_table)
        self.watch_tabs = SidePages(self)
        self.silent_table = self._table("dash_silent", 3)
        self.report_table = self._table("dash_report", 5)
        report_page = QWidget(self)
        report_layout = QVBoxLayout(report_page)
        report_layout.setContentsMargins(0, 0, 0, 0)
        self.period_info = QLabel(report_page)
        self.period_info.setWordWrap(True)
        self.nihil_button = QPushButton(report_page)
        self.nihil_button.setObjectName("dash_nihil")
        self.nihil_button.clicked.connect(self.record_nihil_for_selection)
        report_layout.addWidget(self.period_info)
        report_layout.addWidget(self.report_table)
        report_layout.addWidget(self.nihil_button)
        self.baseline_table = self._table("dash_baseline", 5)
        self.kecamatan_table = self._table("dash_kecamatan_rawan", 4)
        self.contests = ContestsPanel(self)
        for page in (report_page, self.silent_table, self.baseline_table, self.kecamatan_table,
                     self.contests):
            self.watch_tabs.add_page(page)
        side = QSplitter(Qt.Orientation.Vertical, self)
        side.addWidget(self.warnings_box)
        side.addWidget(self.top_box)
        side.addWidget(self.watch_tabs.box)
        side.setSizes([200, 220, 380])

        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.addWidget(charts)
        body.addWidget(side)
        body.setStretchFactor(0, 4)
        body.setStretchFactor(1, 1)
        body.setSizes([1000, 330])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(options)
        layout.addWidget(body, 1)

        self.warnings_table.cellDoubleClicked.connect(
            lambda r, _c: self._open_row(self.warnings_table, r, today=True))
        self.top_table.cellDoubleClicked.connect(
            lambda r, _c: self._open_row(self.top_table, r, today=True))
        self.silent_table.cellDoubleClicked.connect(
            lambda r, _c: self._open_row(self.silent_table, r, today=False))
        self.report_table.cellDoubleClicked.connect(
            lambda r, _c: self._open_row(self.report_table, r, today=False))

        self._fill_choices()
        self.retranslate_ui()
        self._update_dates()
        self.period.currentIndexChanged.connect(self._on_period)
        self.date_from.dateChanged.connect(self._schedule)
        self.date_to.dateChanged.connect(self._on_period)  # a preset ends on the "To" day
        for combo in (self.category, self.severity, self.regency, self.order, self.mode,
                      self.map_mode):
            combo.currentIndexChanged.connect(self._schedule)
        self.weighted.toggled.connect(self._schedule)
        self.refresh_button.clicked.connect(self.refresh)
        host.events.changed.connect(self._on_change)

    # --- construction helpers ---------------------------------------------------------

    def _table(self, name: str, columns: int) -> QTableWidget:
        table = QTableWidget(0, columns, self)
        table.setObjectName(name)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.setWordWrap(False)
        return table

    def _fill_choices(self) -> None:
        self.category.blockSignals(True)
        self.regency.blockSignals(True)
        try:
            self.category.clear()
            self.category.addItem(_("All categories"), "")
            for cat in reference.list_categories(self.ctx):
                if cat.is_group:
                    self.category.addItem("{code} {label}".format(code=cat.code, label=cat.label),
                                          cat.code)
            current = self.regency.currentData()
            self.regency.clear()
            self.regency.addItem(_("Province total"), "")
            for reg in reference.list_regencies(self.ctx):
                self.regency.addItem("{code} {name}".format(code=reg.code, name=reg.full_name),
                                     reg.code)
            if current:
                self.regency.setCurrentIndex(max(0, self.regency.findData(current)))
        finally:
            self.category.blockSignals(False)
            self.regency.blockSignals(False)

    # --- tab contract -------------------------------------------------------------------

    def tab_title(self) -> str:
        return _("Dashboard")

    def retranslate_ui(self) -> None:
        self.period_label.setText(_("Period:"))
        for i in range(self.period.count()):
            self.period.setItemText(i, PeriodPreset(self.period.itemData(i)).label)
        self.from_label.setText(_("From:"))
        self.to_label.setText(_("To:"))
        labels = {"": _("All severities"), "sedang+": _("Medium and above"),
                  "tinggi+": _("High and above"), "kritis": Severity.KRITIS.label}
        for i in range(self.severity.count()):
            self.severity.setItemText(i, labels[self.severity.itemData(i)])
        self.weighted.setText(_("Weighted by severity"))
        self.weighted.setToolTip(_("Heat map colour: severity-weighted score instead of counts"))
        self.order.setItemText(0, _("Rows by code"))
        self.order.setItemText(1, _("Rows by total"))
        self.mode.setItemText(0, _("Categories per regency"))
        self.mode.setItemText(1, _("Categories per day"))
        self.map_mode.setItemText(0, _("Map: situation level"))
        self.map_mode.setItemText(1, _("Map: baseline vulnerability (kerawanan awal)"))
        self.refresh_button.setText(_("Refresh"))
        self.warnings_box.setTitle(_("Early warning"))
        self.top_box.setTitle(_("Top regencies today"))
        self.watch_tabs.set_titles((_("Reporting watch"), _("Silent regencies"), _("Kerawanan"),
                                    _("Rawan kecamatan"), _("Contests")))
        self.contests.retranslate_ui()
        self.baseline_table.setHorizontalHeaderLabels([
            _("Regency/city"), _("IKP class"), _("TPS rawan (Bawaslu)"), _("TPS rawan (Polda)"),
            _("Situation level")])
        self.kecamatan_table.setHorizontalHeaderLabels([
            _("Kecamatan"), _("Regency/city"), _("TPS rawan (Bawaslu)"), _("TPS rawan (Polda)")])
        self.nihil_button.setText(_("Record Nihil for the selected regency…"))
        self.warnings_table.setHorizontalHeaderLabels([_("Regency/city"), _("Today"), _("Reason")])
        self.top_table.setHorizontalHeaderLabels([_("Regency/city"), _("Incidents"),
                                                  _("Situation level")])
        self.silent_table.setHorizontalHeaderLabels([_("Regency/city"), _("Last report"),
                                                     _("Silent (hours)")])
        self.report_table.setHorizontalHeaderLabels([_("Reporting unit"), _("Type"),
                                                     _("Report status"), _("Last report"),
                                                     _("Recorded by")])
        for panel in self.panels.values():
            panel.retranslate_ui()
        if self.category.count():
            self._fill_choices()
        if self.result is not None:  # the texts now, the refreshed figures when shown
            self._fill_tables(self.result)
            self._show_updated()
            self._dirty = True
            if self.isVisible():
                self._schedule()

    # --- refresh --------------------------------------------------------------------------

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._as_of_set:
            self._as_of_set = True
            self.runner.run(dash.default_as_of, self.ctx, on_done=self._set_as_of,
                            on_error=lambda err: show_error(self, err))
        elif self._dirty:
            self._schedule()

    def _set_as_of(self, day: date) -> None:
        self.date_to.blockSignals(True)
        self.date_to.setDate(QDate(day.year, day.month, day.day))
        self.date_to.blockSignals(False)
        self._update_dates()
        self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.kind in REFRESH_ON:
            self._dirty = True
            if self.isVisible():
                self._timer.start()

    def _schedule(self) -> None:
        self._dirty = True
        self._timer.start()

    def _on_period(self) -> None:
        self._update_dates()
        self._schedule()

    def _update_dates(self) -> None:
        preset = self.period.currentData()
        custom = preset == PeriodPreset.CUSTOM
        self.date_from.setEnabled(custom)
        if not custom:
            first, last = preset_range(preset, _day(self.date_to.date()))
            for edit, day in ((self.date_from, first), (self.date_to, last)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)

    def query(self) -> DashboardQuery:
        first, last = _day(self.date_from.date()), _day(self.date_to.date())
        if last < first:
            first = last
        cat = self.category.currentData()
        severities = dict(SEVERITY_CHOICES)[self.severity.currentData()]
        regency = self.regency.currentData()
        sizes = self._sizes()
        return DashboardQuery(
            date_from=first, date_to=last,
            flt=IncidentFilter(categories=(cat,) if cat else (), severities=severities),
            regencies=(regency,) if regency else (), weighted=self.weighted.isChecked(),
            heatmap_order=self.order.currentData(), category_mode=self.mode.currentData(),
            map_mode=self.map_mode.currentData(), sizes=sizes, ratio=self.devicePixelRatioF(),
        )

    def _sizes(self) -> dict[str, tuple[int, int]]:
        return {kind: panel.canvas_size() for kind, panel in self.panels.items()}

    def refresh(self) -> None:
        self._timer.stop()
        if self._running:
            self._pending = True
            return
        self._set_busy(True)
        self._pending = False
        self._dirty = False
        self.status.setText(_("Refreshing…"))
        self.runner.run(build_dashboard, self.ctx, self.query(), self.board, on_done=self._on_result,
                        on_error=self._on_error)

    def rerender(self) -> None:
        """New pictures at the canvases' new sizes from the data already loaded."""
        if self.result is None or self._running:
            self._render_timer.start()
            return
        self._set_busy(True)
        self.runner.run(rerender_dashboard, self.result, self._sizes(), self.devicePixelRatioF(),
                        self.board, on_done=self._on_rendered, on_error=self._on_error)

    def _set_busy(self, busy: bool) -> None:
        """The busy sign while the worker gathers and draws: a moving bar beside the status
        text and the busy cursor over the tab."""
        self._running = busy
        self.busy.setVisible(busy)
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _show_figures(self, result: DashboardResult) -> None:
        """Hand the figures to the panels; a chart the board kept (its picture unchanged)
        keeps its canvas and takes the new CSV rows (the map's follow the new scores)."""
        for kind, (figure, rows, renderer) in result.figures.items():
            if self.panels[kind].figure is not figure:
                self.panels[kind].set_figure(figure, rows, renderer)
            else:
                self.panels[kind].csv_rows = rows

    def _on_rendered(self, result: DashboardResult) -> None:
        self._set_busy(False)
        self.result = result
        self._show_figures(result)
        if self._pending:
            self.refresh()

    def _show_updated(self) -> None:
        if self._updated is not None:
            self.status.setText(_("Updated {time} ({seconds} s)").format(
                time=format_datetime_wib(self._updated[0]),
                seconds=format_number(self._updated[1])))

    def _on_error(self, err: BaseException) -> None:
        self._set_busy(False)
        self.status.setText(_("Refresh failed"))
        show_error(self, err)

    def _on_result(self, result: DashboardResult) -> None:
        self._set_busy(False)
        self.result = result
        started = time.perf_counter()
        self._show_figures(result)
        self._fill_tables(result)
        self.contests.show_counts(result.snapshot.contests)
        self._updated = (self.ctx.now(), result.seconds + time.perf_counter() - started)
        self._show_updated()
        self.refreshed.emit(result)
        if self._pending:
            self.refresh()

    # --- tables ------------------------------------------------------------------------

    def _fill_tables(self, result: DashboardResult) -> None:
        snap = result.snapshot
        levels = snap.levels
        names = {code: info.name for code, info in snap.report.items()}
        _fill(self.warnings_table, [(w.code, [w.name, format_int(w.count), w.reason])
                                    for w in snap.warnings],
              empty=_("No early warnings"))
        _fill(self.top_table, [(t.code, [t.name, format_int(t.count), levels[t.code].level.label])
                               for t in snap.top], empty=_("No incidents today"))
        _fill(self.silent_table, [
            (s.code, [s.name, format_datetime_wib(s.last_report_at) or _("never"),
                      format_number(s.hours_silent) if s.hours_silent is not None else "—"])
            for s in snap.silent], empty=_("No silent regencies"))
        rows = []
        # regency offices, then agencies; in each the ones still missing first
        for code in sorted(snap.report, key=lambda c: (snap.report[c].group != UnitType.REGENCY,
                                                       _STATUS_ORDER[snap.report[c].status], c)):
            info = snap.report[code]
            rows.append((code, [names.get(code, code), UnitType(info.group).label,
                                ReportStatus(info.status).label,
                                format_datetime_wib(info.last_report_at), info.recorded_by or ""]))
        _fill(self.report_table, rows, empty="")
        self._fill_baseline(snap, names)
        period = snap.report_period
        counts = {s: sum(1 for i in snap.report.values() if i.status == s.value)
                  for s in ReportStatus}
        self.period_info.setText(_("Period {start} – {end}: {masuk} Masuk, {nihil} Nihil, "
                                   "{belum} Belum").format(
            start=format_datetime_wib(period.start), end=format_datetime_wib(period.end),
            masuk=counts[ReportStatus.MASUK], nihil=counts[ReportStatus.NIHIL],
            belum=counts[ReportStatus.BELUM]))
        warn_title = _("Early warning ({date})").format(date=format_date(snap.series.days[-1])) \
            if snap.series.days else _("Early warning")
        self.warnings_box.setTitle(warn_title)
        for table in (self.warnings_table, self.top_table, self.silent_table, self.report_table,
                      self.baseline_table, self.kecamatan_table):
            for col in range(table.columnCount() - 1):  # small tables (≤ 35 rows)
                table.resizeColumnToContents(col)

    def _fill_baseline(self, snap: DashboardSnapshot, names: dict[str, str]) -> None:
        """The baseline beside the levels: the regencies worse than predicted first."""
        view = snap.baseline
        if view is None or not view.imported:
            for table in (self.baseline_table, self.kecamatan_table):
                _fill(table, [], empty=_("No baseline imported (posko baseline import)"))
            return
        order = sorted(view.regencies.values(), key=lambda r: (not r.worse, r.code))
        _fill(self.baseline_table, [(r.code, [
            names.get(r.code, r.code), r.ikp.label if r.ikp else "—", format_int(r.tps_rawan),
            format_int(r.polda_rawan), snap.levels[r.code].level.label + (
                " ▲ " + _("worse than predicted") if r.worse else "")]) for r in order],
            empty="")
        _fill(self.kecamatan_table, [(k.regency_code, [
            k.name, names.get(k.regency_code, k.regency_code), format_int(k.tps_rawan),
            format_int(k.polda_rawan)]) for k in view.kecamatan], empty=_("No rawan TPS"))

    def _open_row(self, table: QTableWidget, row: int, today: bool) -> None:
        item = table.item(row, 0)
        code = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not code or self.result is None or normalize_regency_code(code) is None:
            return  # an agency's row: the log filters by regency
        snap = self.result.snapshot
        day = snap.series.days[-1] if snap.series.days else None
        flt = self._log_filter(code, day if today else None, None, None)
        self.host.show_incident_log(flt)

    # --- clicks ---------------------------------------------------------------------------

    def _log_filter(self, regency: str | None, day: date | None, category: str | None,
                    severity: str | None) -> IncidentFilter:
        q = self.result.query if self.result else self.query()
        first, last = (day, day) if day else (q.date_from, q.date_to)
        return IncidentFilter(
            regencies=(regency,) if regency else q.flt.regencies,
            categories=(category,) if category else q.flt.categories,
            severities=(severity,) if severity else q.flt.severities,
            date_from=first, date_to=last,
        )

    def _on_chart_clicked(self, hit: Any) -> None:
        self.host.show_incident_log(
            self._log_filter(hit.regency, hit.day, hit.category, hit.severity))

    # --- Nihil ------------------------------------------------------------------------------

    def record_nihil_for_selection(self) -> NihilDialog | None:
        row = self.report_table.currentRow()
        item = self.report_table.item(row, 0) if row >= 0 else None
        code = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if item is None or not code:
            return None
        dialog = NihilDialog(self.ctx, self.runner, code, item.text(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


_STATUS_ORDER = {"belum": 0, "nihil": 1, "masuk": 2}


def _day(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


def _fill(table: QTableWidget, rows: list[tuple[str, list[str]]], empty: str) -> None:
    table.setRowCount(0)
    if not rows and empty:
        table.setRowCount(1)
        item = QTableWidgetItem(empty)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        table.setItem(0, 0, item)
        return
    table.setRowCount(len(rows))
    for r, (code, cells) in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if c == 0:
                item.setData(Qt.ItemDataRole.UserRole, code)
            table.setItem(r, c, item)


class NihilDialog(QDialog):
    """Record a Nihil report (phone call or package) for the current reporting period."""

    def __init__(self, ctx: AppContext, runner: Any, code: str, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nihil_dialog")
        self.ctx, self.runner, self.code = ctx, runner, code
        self.setWindowTitle(_("Record Nihil"))
        form = QFormLayout(self)
        form.addRow(_("Reporting unit"), QLabel(name, self))
        self.via = QComboBox(self)
        for via in NihilVia:
            self.via.addItem(via.label, via.value)
        form.addRow(_("Received by"), self.via)
        self.note = QLineEdit(self)
        self.note.setMaxLength(500)
        form.addRow(_("Note"), self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        self.runner.run(dash.record_nihil, self.ctx, self.code, None, self.via.currentData(),
                        self.note.text(), on_done=lambda _info: self.accept(),
                        on_error=lambda err: show_error(self, err))

