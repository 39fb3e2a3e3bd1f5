"""What a reader sees of a drawn chart: its text artists (size in points, box in pixels),
for the tests that render the dashboard's charts at the sizes the tab gives them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox

# Canvas sizes (logical pixels) the dashboard tab gave its charts, measured under Xvfb
# with the window at 1366x728 and 1920x1050 (tests/ui/test_dashboard_fit.py measures them
# again from the tab itself).
TAB_SIZES = {
    "1366x728": {"tilemap": (445, 181), "trend": (536, 181), "heatmap": (445, 376),
                 "categories": (536, 144), "severity": (536, 106), "medsos": (536, 106)},
    "1920x1050": {"tilemap": (635, 288), "trend": (763, 288), "heatmap": (635, 591),
                  "categories": (763, 230), "severity": (763, 170), "medsos": (763, 171)},
}


@dataclass(frozen=True)
class Shown:
    text: str
    size: float  # points
    box: Bbox  # display pixels
    role: str  # "tick", "label", "legend", "text"


def shown_texts(fig: Any) -> list[Shown]:
    """Every text the drawn figure shows (tick labels only of the ticks that are drawn)."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    found: list[tuple[Any, str]] = [(t, "text") for t in fig.texts]
    for legend in fig.legends:
        found += [(t, "legend") for t in legend.get_texts()]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        found += [(t, "text") for t in ax.texts]
        if ax.get_legend() is not None:
            found += [(t, "legend") for t in ax.get_legend().get_texts()]
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                found.append((axis.label, "label"))
                for tick in axis._update_ticks():  # the ticks this draw showed
                    if tick.label1.get_visible():
                        found.append((tick.label1, "tick"))
                    if tick.label2.get_visible():
                        found.append((tick.label2, "tick"))
    return [Shown(t.get_text(), float(t.get_fontsize()), t.get_window_extent(renderer), role)
            for t, role in found if t.get_visible() and t.get_text().strip()]


def outside(fig: Any, shown: list[Shown]) -> list[str]:
    w, h = fig.bbox.width, fig.bbox.height
    return [s.text for s in shown
            if s.box.x0 < -0.5 or s.box.y0 < -0.5 or s.box.x1 > w + 0.5 or s.box.y1 > h + 0.5]


def overlapping(shown: list[Shown], slack: float = 0.5) -> list[tuple[str, str]]:
    pairs = []
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            dx = min(a.box.x1, b.box.x1) - max(a.box.x0, b.box.x0)
            dy = min(a.box.y1, b.box.y1) - max(a.box.y0, b.box.y0)
            if dx > slack and dy > slack:
                pairs.append((a.text, b.text))
    return pairs
