"""The dashboard canvas shows the picture drawn on the worker thread and never draws on the
GUI thread (ui/dashboard/charts_panel.py `make_canvas`).

The canvas hands matplotlib a finished renderer by setting matplotlib's private attributes
(`FigureCanvasAgg.renderer` / `_lastKey`, `FigureCanvasQT._draw_pending`). A matplotlib
release that renames or reinterprets them makes the canvas show an empty picture or draw
on the GUI thread again; these tests fail then (docs/decisions.md, "matplotlib canvas").
"""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

from PySide6.QtGui import QColor, QImage

from posko_desktop.ui.dashboard.charts_panel import make_canvas

WIDTH, HEIGHT, DPI = 300, 200, 100
WORKER_COLOUR = QColor("#1f77b4")  # the figure's background when the worker drew it
LATER_COLOUR = QColor("#d62728")  # its background afterwards: only a new draw shows it


def drawn_on_a_worker() -> tuple[Any, Any]:
    """(figure, renderer) as the dashboard's worker makes them (ui/dashboard/tab.py)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    figure.patch.set_facecolor(WORKER_COLOUR.name())
    out: dict[str, Any] = {}

    def draw() -> None:
        agg = FigureCanvasAgg(figure)
        agg.draw()
        out["renderer"] = agg.renderer

    worker = threading.Thread(target=draw)
    worker.start()
    worker.join()
    figure.patch.set_facecolor(LATER_COLOUR.name())
    return figure, out["renderer"]


def shown(qtbot, canvas: Any) -> QImage:
    qtbot.addWidget(canvas)
    canvas.resize(WIDTH, HEIGHT)
    canvas.show()
    qtbot.waitExposed(canvas)
    return canvas.grab().toImage()


def centre(image: QImage) -> str:
    return image.pixelColor(image.width() // 2, image.height() // 2).name()


def test_the_canvas_shows_the_workers_picture_without_drawing_again(qtbot):
    figure, renderer = drawn_on_a_worker()
    canvas = make_canvas(figure, renderer)
    asked: list[bool] = []
    canvas.needs_render = SimpleNamespace(emit=lambda: asked.append(True))
    image = shown(qtbot, canvas)
    assert (image.width(), image.height()) == (WIDTH, HEIGHT)
    assert not asked  # the picture fits: no new rendering requested
    assert centre(image) == WORKER_COLOUR.name()
    # every pixel is the worker's
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    assert bytes(rgba.constBits()) == bytes(renderer.buffer_rgba())


def test_the_check_fails_when_matplotlib_ignores_the_renderer_we_hand_it(qtbot, monkeypatch):
    """As if matplotlib kept its renderer cache under another name: the canvas then paints
    a fresh, empty renderer instead of the worker's picture."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

    def fresh_renderer(self: Any) -> Any:
        width, height = self.get_width_height(physical=True)
        self.renderer = RendererAgg(width, height, self.figure.dpi)
        return self.renderer

    figure, renderer = drawn_on_a_worker()
    canvas = make_canvas(figure, renderer)
    monkeypatch.setattr(FigureCanvasAgg, "get_renderer", fresh_renderer)
    assert centre(shown(qtbot, canvas)) != WORKER_COLOUR.name()


def test_the_check_fails_when_the_canvas_draws_on_the_gui_thread(qtbot):
    """As if matplotlib marked the canvas for drawing: the later colour shows up."""
    figure, renderer = drawn_on_a_worker()
    canvas = make_canvas(figure, renderer)
    canvas._draw_pending = True
    assert centre(shown(qtbot, canvas)) == LATER_COLOUR.name()
