"""One chart on the dashboard: a matplotlib canvas (backend_qtagg), hover numbers, click to
open the log, export as PNG / SVG / CSV.

matplotlib is imported only when the first figure arrives (the app's cold start does not
pay for it): `ChartPanel.set_figure` imports backend_qtagg lazily.

The figure arrives already drawn (Agg, on the worker thread, at the canvas's pixel size):
the GUI thread only copies the picture. When the canvas is resized the old picture is shown
scaled and `needs_render` asks the tab for a new off-thread rendering at the new size, so
the GUI thread never runs a matplotlib draw.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.dashboard_data import write_csv
from posko_desktop.core.i18n import _

logger = logging.getLogger(__name__)


class ChartPanel(QFrame):
    """`clicked(ChartHit)` when the user clicks a regency/day/category in the chart."""

    clicked = Signal(object)
    needs_render = Signal()

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName("chart_" + kind)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.figure: Any = None
        self.canvas: Any = None
        self.csv_rows: list[list[Any]] = []
        self.draw_ms: float = 0.0
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(2, 2, 2, 2)
        self._layout.setSpacing(0)
        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._layout.addWidget(self.placeholder)
        self.export_button = QToolButton(self)
        self.export_button.setObjectName("export_" + kind)
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_button.setAutoRaise(True)
        self.export_menu = QMenu(self)
        self.export_png = self.export_menu.addAction("", lambda: self.export_dialog("png"))
        self.export_svg = self.export_menu.addAction("", lambda: self.export_dialog("svg"))
        self.export_csv = self.export_menu.addAction("", lambda: self.export_dialog("csv"))
        self.export_button.setMenu(self.export_menu)
        self.export_button.raise_()
        self.on_error: Callable[[BaseException], object] | None = None
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.placeholder.setText(_("Loading…"))
        self.export_button.setText("⤓")
        self.export_button.setToolTip(_("Export this chart"))
        self.export_png.setText(_("Save chart as PNG…"))
        self.export_svg.setText(_("Save chart as SVG…"))
        self.export_csv.setText(_("Save data as CSV…"))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.export_button.move(self.width() - self.export_button.sizeHint().width() - 4, 4)

    def canvas_size(self) -> tuple[int, int]:
        """Size (logical pixels) the next figure must have to fill the canvas exactly."""
        widget = self.canvas if self.canvas is not None else self.placeholder
        return max(120, widget.width()), max(100, widget.height())

    def set_figure(self, figure: Any, csv_rows: list[list[Any]], renderer: Any = None) -> None:
        """Show a new figure built (and, with `renderer`, drawn) off the GUI thread."""
        old = self.canvas
        canvas = make_canvas(figure, renderer)
        canvas.needs_render = self.needs_render
        canvas.setObjectName("canvas_" + self.kind)
        canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        canvas.setMinimumSize(120, 100)
        canvas.mpl_connect("motion_notify_event", self._on_motion)
        canvas.mpl_connect("button_press_event", self._on_press)
        canvas.mpl_connect("figure_leave_event", lambda _e: QToolTip.hideText())
        if old is not None:
            self._layout.replaceWidget(old, canvas)
            old.hide()
            old.deleteLater()
        else:
            self._layout.replaceWidget(self.placeholder, canvas)
            self.placeholder.hide()
        self.canvas = canvas
        self.figure = figure
        self.csv_rows = csv_rows
        canvas.show()
        self.export_button.raise_()

    def hit_at(self, x: float, y: float, inaxes: Any) -> Any:
        from posko_desktop.core.charts import hit_test  # loaded with the figure already

        return hit_test(self.figure, inaxes, x, y)

    def _event_hit(self, event: Any) -> Any:
        if event.inaxes is not None or not self.figure.axes:
            return self.hit_at(event.xdata, event.ydata, event.inaxes)
        # outside the plot (e.g. a heat-map row label): data coordinates of the main axes
        ax = self.figure.axes[0]
        x, y = ax.transData.inverted().transform((event.x, event.y))
        return self.hit_at(x, y, ax)

    def _on_motion(self, event: Any) -> None:
        hit = self._event_hit(event)
        if hit is None:
            QToolTip.hideText()
            self.canvas.unsetCursor()
            return
        self.canvas.setCursor(Qt.CursorShape.PointingHandCursor)
        QToolTip.showText(QCursor.pos(), hit.text, self.canvas)

    def _on_press(self, event: Any) -> None:
        if event.button != 1:
            return
        hit = self._event_hit(event)
        if hit is not None:
            self.clicked.emit(hit)

    # --- export --------------------------------------------------------------------------

    def export_dialog(self, fmt: str) -> None:
        if self.figure is None:
            return
        filters = {"png": _("PNG image (*.png)"), "svg": _("SVG image (*.svg)"),
                   "csv": _("CSV file (*.csv)")}
        path, _selected = QFileDialog.getSaveFileName(
            self, _("Export"), "{kind}.{fmt}".format(kind=self.kind, fmt=fmt), filters[fmt])
        if path:
            self.export(path)

    def export(self, path: str) -> None:
        """Write the chart (.png/.svg) or its data (.csv) to `path` (core functions)."""
        from posko_desktop.core.charts import save_figure

        try:
            if path.lower().endswith(".csv"):
                write_csv(self.csv_rows, path)
            else:
                save_figure(self.figure, path)
        except Exception as err:  # shown to the user, logged by the core
            logger.warning("Export of %s to %s failed: %s", self.kind, path, err)
            if self.on_error is not None:
                self.on_error(err)


_CANVAS_CLASS: Any = None


def make_canvas(figure: Any, renderer: Any) -> Any:
    """A FigureCanvasQTAgg that shows the picture drawn off-thread (`renderer`)."""
    global _CANVAS_CLASS
    if _CANVAS_CLASS is None:
        # Lazy: importing matplotlib's Qt backend costs ≈0.5 s the first time.
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from PySide6.QtGui import QImage, QPainter

        class PrerenderedCanvas(FigureCanvasQTAgg):
            needs_render: Any = None
            _stale = False

            def adopt(self, renderer: Any) -> None:
                self.renderer = renderer
                self._lastKey = (*self.get_width_height(physical=True), self.figure.dpi)
                self._draw_pending = False

            def _picture_fits(self, width: int, height: int) -> bool:
                key = getattr(self, "_lastKey", None)
                return key is not None and (key[0], key[1]) == (width, height)

            def resizeEvent(self, event: Any) -> None:
                ratio = self.device_pixel_ratio
                width = round(event.size().width() * ratio)
                height = round(event.size().height() * ratio)
                if self._picture_fits(width, height):
                    self._stale = False
                    QWidget.resizeEvent(self, event)
                    return
                self.figure.set_size_inches(width / self.figure.dpi, height / self.figure.dpi,
                                            forward=False)
                QWidget.resizeEvent(self, event)
                self._stale = True
                if self.needs_render is not None:
                    self.needs_render.emit()

            def paintEvent(self, event: Any) -> None:
                if not self._stale:
                    super().paintEvent(event)
                    return
                renderer = getattr(self, "renderer", None)
                if renderer is None:
                    return
                buf = renderer.buffer_rgba()
                image = QImage(bytes(buf), buf.shape[1], buf.shape[0],
                               QImage.Format.Format_RGBA8888)
                painter = QPainter(self)
                try:
                    painter.drawImage(self.rect(), image)
                finally:
                    painter.end()

        _CANVAS_CLASS = PrerenderedCanvas
    canvas = _CANVAS_CLASS(figure)
    if renderer is not None:
        canvas.adopt(renderer)
    return canvas
