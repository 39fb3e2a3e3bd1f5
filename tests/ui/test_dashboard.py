"""The dashboard tab in the real main window, offscreen, on a real SQLite file."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QToolTip

from posko_desktop.core.charts.style import figure_hit
from posko_desktop.core.timeutil import WIB
from posko_desktop.ui.dashboard import DashboardTab

from .conftest import add, hours_ago_today, sql, wait_loaded


def dashboard_of(window) -> DashboardTab:
    tab = next(t for t in window.feature_tabs if isinstance(t, DashboardTab))
    return tab


def open_dashboard(qtbot, window) -> DashboardTab:
    # the window may build its feature tabs after the log's first rows are painted
    qtbot.waitUntil(lambda: any(isinstance(t, DashboardTab) for t in window.feature_tabs),
                    timeout=30_000)
    tab = dashboard_of(window)
    index = next(i for i in range(window.tabs.count())
                 if window.tabs.widget(i) is tab or window.tabs.widget(i).isAncestorOf(tab))
    with qtbot.waitSignal(tab.refreshed, timeout=30_000):
        window.tabs.setCurrentIndex(index)
    qtbot.waitUntil(lambda: not tab._running and window.runner.active == 0, timeout=30_000)
    return tab


def seed(ctx) -> None:
    for i in range(6):
        add(ctx, "Hoaks di Semarang {i}".format(i=i), regency="33.74", severity="tinggi",
            hours_ago=1 + i * 20)
    for i in range(3):
        add(ctx, "APK dirusak {i}".format(i=i), regency="33.01", category="E1",
            severity="rendah", hours_ago=3 + i * 30)


def test_dashboard_renders_every_chart_with_the_database_numbers(ctx, db_path, make_window, qtbot, tmp_path):
    seed(ctx)
    window = make_window()
    tab = open_dashboard(qtbot, window)
    for kind, panel in tab.panels.items():
        assert panel.canvas is not None and panel.canvas.isVisible(), kind
        assert panel.figure.axes, kind
    snap = tab.result.snapshot
    first, last = snap.series.days[0].isoformat(), snap.series.days[-1].isoformat()
    expected = sql(db_path, "SELECT count(*) FROM incident WHERE deleted = 0 AND occurred_date "
                            "BETWEEN ? AND ?", first, last)[0][0]
    assert sum(snap.series.total) == expected == 9
    assert tab.report_table.rowCount() == 35 + 7  # regency offices and daily agencies
    shown = {tab.top_table.item(r, 0).data(Qt.ItemDataRole.UserRole): int(tab.top_table.item(r, 1).text())
             for r in range(tab.top_table.rowCount()) if tab.top_table.item(r, 1)}
    today = sql(db_path, "SELECT regency_code, count(*) FROM incident WHERE deleted = 0 AND "
                         "occurred_date = ? GROUP BY 1", last)
    assert shown == dict(today)
    # hover shows the exact numbers; export writes the chart and its data
    tile = tab.panels["heatmap"]
    row = snap.heatmap.codes.index("33.74")
    hit = tile.hit_at(len(snap.heatmap.days) - 1, row, tile.figure.axes[0])
    assert hit.regency == "33.74" and "kejadian" in hit.text
    tile.export(str(tmp_path / "heat.png"))
    tile.export(str(tmp_path / "heat.csv"))
    assert (tmp_path / "heat.png").read_bytes()[:4] == b"\x89PNG"
    assert "33.74" in (tmp_path / "heat.csv").read_text(encoding="utf-8-sig")


def test_charts_are_drawn_off_the_gui_thread(ctx, make_window, qtbot, monkeypatch):
    """The GUI thread only shows pictures drawn by the worker: no matplotlib draw on it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    seed(ctx)
    threads: list[str] = []
    original = FigureCanvasAgg.draw

    def spy(self):
        threads.append(threading.current_thread().name)
        return original(self)

    monkeypatch.setattr(FigureCanvasAgg, "draw", spy)
    window = make_window()
    tab = open_dashboard(qtbot, window)
    for panel in tab.panels.values():
        panel.canvas.repaint()
    QCoreApplication.processEvents()
    assert len(threads) >= 5
    assert threading.main_thread().name not in threads
    assert all(not panel.canvas._stale for panel in tab.panels.values())


def test_clicking_a_tile_filters_the_incident_log(ctx, db_path, make_window, qtbot):
    seed(ctx)
    window = make_window()
    window.resize(1366, 728)  # the office laptop: every tile shows its code (issue 19)
    tab = open_dashboard(qtbot, window)
    panel = tab.panels["tilemap"]
    canvas = panel.canvas
    canvas.draw()
    ax = panel.figure.axes[0]
    code = next(t for t in ax.texts if t.get_text() == "74")  # the tile's code
    px, py = ax.transData.transform(code.get_position())
    ratio = canvas.device_pixel_ratio
    height = panel.figure.bbox.height
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton,
                     pos=QPoint(int(px / ratio), int((height - py) / ratio)))
    assert window.tabs.currentWidget() is window.log
    flt = window.log.filter_bar.filter()
    assert flt.regencies == ("33.74",)
    wait_loaded(qtbot, window)
    expected = sql(db_path, "SELECT count(*) FROM incident WHERE deleted = 0 AND regency_code = '33.74' "
                            "AND occurred_date BETWEEN ? AND ?",
                   flt.date_from.isoformat(), flt.date_to.isoformat())[0][0]
    assert window.log.model.total == expected == 6


def test_hovering_a_tile_after_a_new_incident_shows_the_new_count(ctx, make_window, qtbot):
    """The new incident changes no level, so the map is not drawn again; the tooltip of the
    regency's tile and the map's CSV rows tell the new count all the same."""
    seed(ctx)  # 33.01: three rendah incidents in the last 72 hours, Kondusif
    window = make_window()
    window.resize(1366, 728)
    tab = open_dashboard(qtbot, window)
    panel = tab.panels["tilemap"]

    def settled() -> bool:  # drawn at the canvas's final size, no re-render pending
        w, h = panel.canvas_size()
        return (not tab._running and not tab._render_timer.isActive()
                and panel.figure.bbox.width == w * panel.canvas.device_pixel_ratio
                and panel.figure.bbox.height == h * panel.canvas.device_pixel_ratio)

    qtbot.waitUntil(settled, timeout=30_000)
    figure, canvas = panel.figure, panel.canvas
    hover = figure_hit(figure)
    tile = next(t for t in hover.by_cell.values() if t.code == "33.01")
    x = hover.grid.left + (tile.x + 0.5) * hover.grid.cell_w
    y = hover.grid.top - (tile.y + 0.5) * hover.grid.cell_h
    px, py = figure.axes[0].transData.transform((x, y))
    at = QPoint(int(px / canvas.device_pixel_ratio),
                int((figure.bbox.height - py) / canvas.device_pixel_ratio))

    def tooltip() -> str:
        QToolTip.hideText()
        qtbot.mouseMove(canvas, at - QPoint(5, 0))
        qtbot.mouseMove(canvas, at)
        qtbot.waitUntil(QToolTip.isVisible, timeout=5_000)
        return QToolTip.text()

    assert "dari 3 kejadian" in tooltip()
    add(ctx, "APK dirusak lagi", regency="33.01", category="E1", severity="rendah",
        hours_ago=0.5)
    qtbot.waitUntil(lambda: tab.result.snapshot.levels["33.01"].incidents == 4, timeout=60_000)
    qtbot.waitUntil(settled, timeout=30_000)
    assert tab.result.snapshot.levels["33.01"].level.value == "kondusif"
    assert panel.figure is figure and panel.canvas is canvas  # not drawn again
    assert "dari 4 kejadian" in tooltip()
    row = next(r for r in panel.csv_rows if r[0] == "33.01")
    assert row[3] == 4 and "dari 4 kejadian" in row[4]  # score: four rendah


def test_a_new_incident_updates_the_counts(ctx, make_window, qtbot):
    seed(ctx)
    window = make_window()
    tab = open_dashboard(qtbot, window)
    before = tab.result.snapshot.series.total[-1]
    add(ctx, "Bentrok pendukung", regency="33.29", category="D3", severity="kritis",
        hours_ago=hours_ago_today())  # today's count and top regencies: today's WIB day
    # a refresh already running when the incident was saved reports the old counts first;
    # the tab then refreshes once more by itself
    qtbot.waitUntil(lambda: tab.result.snapshot.series.total[-1] == before + 1, timeout=60_000)
    snap = tab.result.snapshot
    assert snap.series.total[-1] == before + 1
    assert any(t.code == "33.29" for t in snap.top)
    assert snap.levels["33.29"].open_critical == 1


def test_nihil_from_the_reporting_watch(ctx, make_window, qtbot):
    window = make_window()
    tab = open_dashboard(qtbot, window)
    row = next(r for r in range(tab.report_table.rowCount())
               if tab.report_table.item(r, 0).data(Qt.ItemDataRole.UserRole) == "33.20")
    tab.report_table.selectRow(row)
    dialog = tab.record_nihil_for_selection()
    assert dialog is not None
    dialog.via.setCurrentIndex(dialog.via.findData("paket"))
    with qtbot.waitSignal(tab.refreshed, timeout=30_000):
        dialog.save()
    info = tab.result.snapshot.report["33.20"]
    assert (info.status, info.via, info.recorded_by) == ("nihil", "paket", "admin")
    assert datetime.now(WIB) - info.last_report_at < timedelta(minutes=5)


def test_importing_the_tab_does_not_import_matplotlib():
    """App cold start: matplotlib (≈0.5 s) loads only when the dashboard is first shown."""
    import subprocess
    import sys

    code = ("import sys, posko_desktop.ui.main_window, posko_desktop.ui.dashboard\n"
            "print('matplotlib' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_language_switch_redraws_the_charts_in_english(ctx, make_window, qtbot):
    from posko_desktop.core import i18n

    seed(ctx)
    window = make_window()
    tab = open_dashboard(qtbot, window)
    titles = [t.get_text() for t in tab.panels["trend"].figure.texts]
    assert "Kejadian per hari" in titles
    with qtbot.waitSignal(tab.refreshed, timeout=30_000):
        window.set_language("en")
    titles = [t.get_text() for t in tab.panels["trend"].figure.texts]
    assert "Incidents per day" in titles
    assert tab.refresh_button.text() == "Refresh"
    i18n.set_language("id")


def test_period_presets_end_on_the_to_day(ctx, make_window, qtbot):
    from datetime import date

    from PySide6.QtCore import QDate

    window = make_window()
    tab = open_dashboard(qtbot, window)
    tab.period.setCurrentIndex(tab.period.findData("7"))
    tab.date_to.setDate(QDate(2024, 11, 27))
    q = tab.query()
    assert (q.date_from, q.date_to) == (date(2024, 11, 21), date(2024, 11, 27))
    tab.period.setCurrentIndex(tab.period.findData("campaign"))
    q = tab.query()
    assert (q.date_from, q.date_to) == (date(2024, 9, 25), date(2024, 11, 28))
    with qtbot.waitSignal(tab.refreshed, timeout=30_000):
        tab.refresh()
    assert tab.result.snapshot.series.days[0] == date(2024, 9, 25)


def test_a_busy_sign_shows_while_a_refresh_runs_and_clears_on_result_and_error(
        ctx, make_window, qtbot, monkeypatch):
    """Issue 19: while the worker gathers and draws, a moving bar and the busy cursor; both
    gone when the result arrives, and when the refresh fails. A refresh with unchanged data
    keeps every chart's canvas (nothing drawn again)."""
    from posko_desktop.core.domain import ValidationError
    from posko_desktop.ui.dashboard import tab as tab_module

    seed(ctx)
    window = make_window()
    tab = open_dashboard(qtbot, window)
    assert not tab.busy.isVisible() and tab.cursor().shape() != Qt.CursorShape.BusyCursor
    canvases = {kind: panel.canvas for kind, panel in tab.panels.items()}
    release = threading.Event()
    real = tab_module.dash.snapshot

    def held(*args, **kwargs):
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(tab_module.dash, "snapshot", held)
    tab.refresh()
    assert tab.busy.isVisible() and tab.busy.maximum() == 0  # indeterminate
    assert tab.cursor().shape() == Qt.CursorShape.BusyCursor
    assert tab.status.text() == "Memuat ulang…"
    with qtbot.waitSignal(tab.refreshed, timeout=30_000):
        release.set()
    assert not tab.busy.isVisible() and tab.cursor().shape() != Qt.CursorShape.BusyCursor
    assert {kind: panel.canvas for kind, panel in tab.panels.items()} == canvases

    def failing(*_args, **_kwargs):
        raise ValidationError("Choose a period of at most two years", field="date_from")

    shown: list[BaseException] = []
    monkeypatch.setattr(tab_module.dash, "snapshot", failing)
    monkeypatch.setattr(tab_module, "show_error", lambda _parent, err: shown.append(err))
    tab.refresh()
    assert tab.busy.isVisible()
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert not tab.busy.isVisible() and tab.cursor().shape() != Qt.CursorShape.BusyCursor
    assert tab.status.text() == "Gagal memuat ulang"
