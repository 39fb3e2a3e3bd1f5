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
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter, MaxNLocator

from posko_desktop.core import palette
from posko_desktop.core.dashboard_data import SEVERITIES, Level
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_
from posko_desktop.core.textrules import format_int, short_date

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
# The smallest text on any chart, in points (issue 19: readable on a 1366x768 screen, where
# the dashboard draws at 100 dpi: 8 pt = 11 px, the size of Qt's own small text). A chart
# with no room for its labels at this size shows fewer labels, never smaller ones.
MIN_PT = 8.0
TITLE_PT = 10.0
HEADER_PT = 20.0  # the title's line at the top of every chart
TICK_PT = 9.0  # tick labels (rc font.size)
RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "font.size": TICK_PT,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": MIN_PT,
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
    x0, y0 = min(0.6, left / w), min(0.45, bottom / h)
    fig.subplots_adjust(left=x0, right=max(x0 + 0.15, 1 - right / w), bottom=y0,
                        top=max(y0 + 0.1, 1 - top / h))


def figure_title(fig: Figure, text: str) -> float:
    """The chart title at the top left of the figure (cheaper to draw than an axes title,
    whose position matplotlib recomputes from the tick labels at every draw), shrunk to
    MIN_PT and then shortened with "…" when the figure is narrower than the title.
    Returns the title's width in points."""
    w, h = fig.get_figwidth() * 72, fig.get_figheight() * 72
    room = w - 10
    size = TITLE_PT
    while size > MIN_PT and text_width(text, size, bold=True) > room:
        size -= 0.5
    text = fit_text(text, size, room, bold=True)
    fig.text(6 / w, 1 - 4 / h, text, ha="left", va="top", fontsize=size, fontweight="bold")
    return text_width(text, size, bold=True)


_TEXT_TO_PATH = TextToPath()


@lru_cache(maxsize=64)
def _font(size: float, bold: bool) -> FontProperties:
    return FontProperties(family=FONT_FAMILY, size=size, weight="bold" if bold else "normal")


@lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of `text` in DejaVu Sans at `size` points (measured from the glyphs,
    the same numbers matplotlib lays the text out with). Kept per (text, size, weight): the
    layouts measure the same labels several times, and again at every refresh."""
    if not text:
        return 0.0
    width, _height, _descent = _TEXT_TO_PATH.get_text_width_height_descent(
        text, _font(size, bold), ismath=False)
    return float(width)


@contextmanager
def patches_in_bulk(ax: Any) -> Iterator[None]:
    """Patches added in the block (`ax.bar`, `ax.add_patch`) update the axes' data limits
    once, at the end, instead of one by one: matplotlib walks each patch's path through its
    transforms (a third of a stacked bar chart's build). The limits come out the same:
    a bar's corners are computed as matplotlib's patch transform computes them (exact in
    floating point), other patches go the usual way; nothing when both limits are fixed."""
    pending: list[Any] = []
    ax._update_patch_limits = pending.append  # the instance's, for the block only
    try:
        yield
    finally:
        del ax._update_patch_limits
    if not (ax.get_autoscalex_on() or ax.get_autoscaley_on()):
        return
    corners: list[tuple[float, float]] = []
    for patch in pending:
        if (type(patch) is not Rectangle or patch.get_angle()
                or patch.get_data_transform() is not ax.transData):
            ax._update_patch_limits(patch)
            continue
        if not patch.get_width() and not patch.get_height():
            continue  # as matplotlib: a zero-size bar does not count
        x0, y0 = patch.get_x(), patch.get_y()
        x1, y1 = x0 + patch.get_width(), y0 + patch.get_height()
        # BboxTransformTo(bbox) of the unit square: (x1 - x0) * u + x0
        corners += [(x0, y0), ((x1 - x0) + x0, (y1 - y0) + y0)]
    if corners:
        ax.update_datalim(corners)


def fit_text(text: str, size: float, room: float, bold: bool = False) -> str:
    """`text`, shortened with "…" until it is at most `room` points wide."""
    if text_width(text, size, bold) <= room:
        return text
    while len(text) > 1 and text_width(text + "…", size, bold) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def line_pt(size: float) -> float:
    """Height of one line of text at `size` points (DejaVu's ascent + descent)."""
    return size * 1.17


LEGEND_HANDLE, LEGEND_PAD, LEGEND_SPACING = 1.0, 0.4, 0.8  # in font sizes


def header_legend(fig: Figure, handles: list[Any], labels: list[str], title_width: float,
                  short: list[str] | None = None, bottom: float = 18.0) -> tuple[float, float]:
    """The chart's legend: beside the title when the whole legend fits on the title's line;
    else in rows under the title with as many columns as fit (long labels shortened with
    "…") or in columns at the right of the plot, whichever leaves the larger plot. With
    `short` labels (e.g. category codes, the hover names them) when the long ones would
    take more than a quarter of the figure's height under the title. Returns the (top,
    right) margins in points for the plot."""
    w, h = fig.get_figwidth() * 72, fig.get_figheight() * 72
    size = MIN_PT
    if not labels:
        return HEADER_PT, 0.0
    row_pt = line_pt(size) + 0.3 * size
    if short is not None:
        rows = _legend_rows(labels, w, title_width)
        if rows and HEADER_PT + rows * row_pt + 8 > h / 4:
            labels = short
    extra = (LEGEND_HANDLE + LEGEND_PAD + LEGEND_SPACING) * size  # per entry
    widths = [text_width(label, size) + extra for label in labels]
    options: dict[str, Any] = {
        "fontsize": size, "handlelength": LEGEND_HANDLE, "handletextpad": LEGEND_PAD,
        "columnspacing": LEGEND_SPACING, "borderpad": 0.2, "borderaxespad": 0.0,
        "labelspacing": 0.3, "frameon": False}
    if title_width + 16 + sum(widths) <= w - 4:
        fig.legend(handles, labels, loc="upper right", bbox_to_anchor=(1 - 2 / w, 1 - 2 / h),
                   ncols=len(labels), **options)
        return HEADER_PT, 0.0
    room = w - 12
    column = min(max(widths), room)
    ncols = max(1, min(len(labels), int(room // column)))
    under = HEADER_PT + -(-len(labels) // ncols) * row_pt + 8  # + room for the top tick label
    fit_rows = int((h - HEADER_PT - bottom) // row_pt)
    if fit_rows >= 1:  # or at the right of the plot, whichever leaves the larger plot
        side_cols = -(-len(labels) // fit_rows)
        per_col = -(-len(labels) // side_cols)
        side_w = sum(max(widths[c * per_col:(c + 1) * per_col]) for c in range(side_cols)) + 6
        plot = 50.0  # about the axis labels' width
        if (w - plot - side_w) * (h - HEADER_PT - bottom) >= (w - plot) * (h - under - bottom):
            fig.legend(handles, labels, loc="upper right",
                       bbox_to_anchor=(1 - 2 / w, 1 - HEADER_PT / h), ncols=side_cols, **options)
            return HEADER_PT, side_w
    labels = [fit_text(label, size, column - extra) for label in labels]
    fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(4 / w, 1 - HEADER_PT / h),
               ncols=ncols, **options)
    return under, 0.0


def _legend_rows(labels: list[str], w: float, title_width: float) -> int:
    """Rows of legend under the title (0: the legend fits beside the title)."""
    extra = (LEGEND_HANDLE + LEGEND_PAD + LEGEND_SPACING) * MIN_PT
    widths = [text_width(label, MIN_PT) + extra for label in labels]
    if title_width + 16 + sum(widths) <= w - 4:
        return 0
    ncols = max(1, min(len(labels), int((w - 12) // min(max(widths), w - 12))))
    return -(-len(labels) // ncols)


def count_axis(axis: Any, length_pt: float, peak: float | None = None) -> None:
    """A count axis: whole numbers only ("0, 1, 2", never "0.0 … 1.0" or "1, 0, 0"),
    a label every ~28 points at most, thousands as the language writes them. With `peak`
    (the largest count) the axis runs from 0 to the first tick at or above it."""
    locator = MaxNLocator(nbins=max(2, int(length_pt // 28)), integer=True, min_n_ticks=2)
    axis.set_major_locator(locator)
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_int(int(round(v)))))
    if peak is not None:
        ticks = [t for t in locator.tick_values(0, max(1, peak)) if t >= max(1, peak)]
        top = ticks[0] if ticks else max(1, peak)
        (axis.axes.set_ylim if axis is axis.axes.yaxis else axis.axes.set_xlim)(0, top)


def count_label(ax: Any, text: str, axes_h: float) -> None:
    """The y axis' name, left out when the plot is shorter than the name (the title says
    what is counted)."""
    if text_width(text, TICK_PT) <= axes_h:
        ax.set_ylabel(text)


def no_data(ax: Any, text: str) -> None:
    """The empty chart: its message, no axes (no "0.0 … 1.0" scale of nothing)."""
    ax.axis("off")
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center",
            color="#555555", fontsize=10)


def day_ticks(ax: Any, days: list[date], axis: str = "x", max_labels: int = 10) -> list[str]:
    """Label every n-th day 'D Mon' (Indonesian short months) so at most `max_labels` show.
    Returns the labels shown, in order (the last day always among them)."""
    if not days:
        return []
    step = max(1, -(-len(days) // max(1, max_labels)))
    positions = list(range(len(days) - 1, -1, -step))[::-1]  # the last day always labelled
    labels = [short_date(days[i]) for i in positions]
    if axis == "x":
        ax.set_xticks(positions, labels)
    else:
        ax.set_yticks(positions, labels)
    return labels


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


def figure_hit(fig: Figure) -> HitFn | None:
    """The hover/click function `set_hit` gave the figure."""
    return getattr(fig, "_posko_hit", None)


def hit_test(fig: Figure, ax: Any, x: float | None, y: float | None) -> ChartHit | None:
    """`ax`, `x`, `y`: a matplotlib mouse event's inaxes, xdata, ydata."""
    fn = figure_hit(fig)
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
