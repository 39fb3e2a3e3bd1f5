"""Palettes, fonts, figure creation, saving and hit-testing shared by every chart.

matplotlib `Figure()` only (never pyplot): the same figures serve the dashboard (embedded
with backend_qtagg by the UI), the PDF sitrep and PNG/SVG export. No Qt here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.figure import Figure

from posko_desktop.core import palette
from posko_desktop.core.dashboard_data import SEVERITIES, Level
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_
from posko_desktop.core.textrules import short_date

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

logger = logging.getLogger(__name__)

# Situation levels and severities: the one palette (core/palette.py), shared with the
# incident log table and the PDF reports; lightness falls monotonically (greyscale safe).
LEVEL_COLORS: dict[Level, str] = {level: palette.LEVEL_FILL[level.value] for level in Level}
LEVEL_TEXT_COLORS: dict[Level, str] = {level: palette.LEVEL_INK[level.value] for level in Level}
SEVERITY_COLORS: tuple[str, str, str, str] = tuple(  # type: ignore[assignment]
    palette.SEVERITY_FILL[s] for s in SEVERITIES)
# Category groups A..G: Okabe-Ito (colour-blind safe qualitative palette).
GROUP_COLORS: dict[str, str] = {
    "A": "#E69F00", "B": "#56B4E9", "C": "#009E73", "D": "#D55E00",
    "E": "#0072B2", "F": "#CC79A7", "G": "#999999",
}
EXTRA_GROUP_COLORS = ("#F0E442", "#000000", "#882255", "#44AA99")
HEATMAP_CMAP = "YlOrRd"  # sequential, colour-blind safe
TREND_COLOR = "#0072B2"
AVERAGE_COLOR = "#D55E00"
REGENCY_LINE_COLORS = ("#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")

FONT_FAMILY = "DejaVu Sans"
RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "svg.fonttype": "none",  # SVG keeps text as text (svglib/reportlab, search, copy)
    "pdf.fonttype": 42,
}

DEFAULT_SIZE = (8.0, 4.5)  # inches


def group_color(code: str, index: int) -> str:
    return GROUP_COLORS.get(code) or EXTRA_GROUP_COLORS[index % len(EXTRA_GROUP_COLORS)]


@contextmanager
def chart_style() -> Iterator[None]:
    with matplotlib.rc_context(RC):
        yield


def new_figure(figsize: tuple[float, float] | None = None, dpi: float = 100) -> Figure:
    """A Figure with no layout engine: margins are set in points by `margins()` (a
    constrained layout measured every label at each draw: half of the drawing time)."""
    return Figure(figsize=figsize or DEFAULT_SIZE, dpi=dpi)


def margins(fig: Figure, left: float, right: float, top: float, bottom: float) -> None:
    """Fixed margins in points around the (single) axes, whatever the figure size."""
    w, h = fig.get_figwidth() * 72, fig.get_figheight() * 72
    fig.subplots_adjust(left=min(0.45, left / w), right=max(0.55, 1 - right / w),
                        top=max(0.55, 1 - top / h), bottom=min(0.45, bottom / h))


def figure_title(fig: Figure, text: str) -> None:
    """The chart title at the top left of the figure (cheaper to draw than an axes title,
    whose position matplotlib recomputes from the tick labels at every draw)."""
    h = fig.get_figheight() * 72
    fig.text(6 / (fig.get_figwidth() * 72), 1 - 4 / h, text, ha="left", va="top",
             fontsize=RC["axes.titlesize"], fontweight="bold")


def text_width(text: str, size: float) -> float:
    """Approximate width in points of `text` in DejaVu Sans at `size` points."""
    return len(text) * size * 0.6


def no_data(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center",
            color="#555555", fontsize=10)


def day_ticks(ax: Any, days: list[date], axis: str = "x", max_labels: int = 10) -> None:
    """Label every n-th day 'D Mon' (Indonesian short months) so at most `max_labels` show."""
    if not days:
        return
    step = max(1, -(-len(days) // max_labels))
    positions = list(range(len(days) - 1, -1, -step))[::-1]  # the last day always labelled
    labels = [short_date(days[i]) for i in positions]
    if axis == "x":
        ax.set_xticks(positions, labels)
    else:
        ax.set_yticks(positions, labels)


# --- hit testing (hover and click), Qt-free -----------------------------------------------


@dataclass(frozen=True)
class ChartHit:
    """What is under the mouse: what to filter the incident log by, and the exact numbers."""

    text: str
    regency: str | None = None
    day: date | None = None
    category: str | None = None  # a category group ("A") or leaf
    severity: str | None = None


HitFn = Callable[[Any, float, float], "ChartHit | None"]


def set_hit(fig: Figure, fn: HitFn) -> None:
    fig._posko_hit = fn  # type: ignore[attr-defined]


def hit_test(fig: Figure, ax: Any, x: float | None, y: float | None) -> ChartHit | None:
    """`ax`, `x`, `y`: a matplotlib mouse event's inaxes, xdata, ydata."""
    fn = getattr(fig, "_posko_hit", None)
    if fn is None or ax is None or x is None or y is None:
        return None
    try:
        return fn(ax, x, y)
    except (IndexError, KeyError, ValueError):
        return None


# --- saving ------------------------------------------------------------------------------


class ChartFormatError(PoskoError):
    code = "chart_format"


FORMATS = ("png", "svg")


def save_figure(fig: Figure, path: str | Path, dpi: float = 150) -> Path:
    """PNG or SVG by the file's extension; written to a temp file then moved in place."""
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ChartFormatError(N_("Charts are saved as .png or .svg, not {name}"), name=target.name)
    tmp = target.with_name(target.name + ".tmp")
    try:
        with chart_style():
            fig.savefig(tmp, format=fmt, dpi=dpi, facecolor="white")
        tmp.replace(target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise ChartFormatError(N_("Cannot write {path}: {error}"), path=str(target),
                               error=err.strerror or str(err)) from None
    logger.info("Chart saved to %s", target)
    return target


__all__ = [
    "LEVEL_COLORS", "LEVEL_TEXT_COLORS", "SEVERITY_COLORS", "GROUP_COLORS", "SEVERITIES",
    "ChartHit", "hit_test", "save_figure", "new_figure", "chart_style",
]
