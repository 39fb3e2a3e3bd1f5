"""Charts for the PDF reports: the dashboard's matplotlib figures as PNG images."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Image

from posko_desktop.core.dashboard_data import DailySeries, RegencyLevel

CHART_DPI = 200


def figure_image(fig: Any, width: float, max_height: float) -> Image:
    """A matplotlib Figure as a PNG of CHART_DPI dots per inch *on paper*, scaled to
    `width` points (at most `max_height`)."""
    # Deferred: matplotlib is slow to import (TECH-NOTES).
    from posko_desktop.core.charts.style import chart_style

    w_in, h_in = fig.get_size_inches()
    height = width * h_in / w_in
    if height > max_height:
        width, height = width * max_height / height, max_height
    dpi = CHART_DPI * (width / 72.0) / w_in  # pixels per inch of the figure
    buf = io.BytesIO()
    with chart_style():
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white",
                    metadata={"Software": None}, pil_kwargs={"compress_level": 1})
    buf.seek(0)
    return Image(buf, width=width, height=height)


def trend_image(series: DailySeries | None, width: float, max_height: float = 62 * mm,
                figsize: tuple[float, float] | None = None) -> Image | None:
    if series is None:
        return None
    # Deferred: matplotlib (pulled in by charts) is slow to import (TECH-NOTES).
    from posko_desktop.core import charts

    fig = charts.trend_figure(series, milestones=True, title=None, figsize=figsize)
    return figure_image(fig, width, max_height)


def tile_image(levels: dict[str, RegencyLevel] | None, width: float,
               max_height: float = 95 * mm) -> Image | None:
    if levels is None:
        return None
    from posko_desktop.core import charts  # deferred: matplotlib, see above

    return figure_image(charts.tile_map_figure(levels, title=None), width, max_height)
