"""Chart 1: daily incidents with the 7-day moving average and the election milestones."""

from __future__ import annotations

from datetime import date
from typing import Any

from matplotlib.figure import Figure

from posko_desktop.core.charts.style import (
    AVERAGE_COLOR,
    MIN_PT,
    REGENCY_LINE_COLORS,
    TICK_PT,
    TREND_COLOR,
    ChartHit,
    chart_style,
    count_axis,
    count_label,
    day_ticks,
    figure_title,
    header_legend,
    line_pt,
    margins,
    new_figure,
    no_data,
    patches_in_bulk,
    set_hit,
    text_width,
)
from posko_desktop.core.dashboard_data import DailySeries, election_milestones
from posko_desktop.core.i18n import _
from posko_desktop.core.textrules import format_date_long, format_number


def trend_figure(series: DailySeries, *, milestones: bool = True, title: str | None = None,
                 figsize: tuple[float, float] | None = None) -> Figure:
    with chart_style():
        fig = new_figure(figsize)
        ax = fig.add_subplot()
        title_width = figure_title(fig, title if title is not None else _("Incidents per day"))
        n = len(series.days)
        xs = list(range(n))
        if n == 0:
            no_data(ax, _("No data"))
            return fig
        with patches_in_bulk(ax):
            ax.bar(xs, series.total, color=TREND_COLOR, alpha=0.35, width=0.8,
                   label=_("Incidents per day"))
        ax.plot(xs, series.moving_avg, color=AVERAGE_COLOR, linewidth=2,
                label=_("7-day average"))
        for i, (code, values) in enumerate(series.by_regency.items()):
            ax.plot(xs, values, color=REGENCY_LINE_COLORS[i % len(REGENCY_LINE_COLORS)],
                    linewidth=1.4, marker="o", markersize=2.5,
                    label=series.regency_names.get(code, code))
        top, side = header_legend(fig, *ax.get_legend_handles_labels(), title_width)
        width, height = fig.get_figwidth() * 72, fig.get_figheight() * 72
        labels = day_ticks(ax, series.days, max_labels=max(2, int((width - side) / 50)))
        right = max(8.0, text_width(labels[-1], TICK_PT) / 2 + 3) + side if labels else 8.0
        margins(fig, left=50, right=right, top=top, bottom=18)
        box = ax.get_position()
        axes_w, axes_h = box.width * width, box.height * height
        ax.set_xlim(-0.6, n - 0.4)
        band = _draw_milestones(ax, series, axes_w, axes_h) if milestones else 0.0
        peak = max([1, *series.total, *(v for vals in series.by_regency.values() for v in vals)])
        # the milestone labels sit in a band above the highest bar
        ax.set_ylim(0, peak * max(1.15, 1.05 / max(0.3, 1 - band / max(1.0, axes_h))))
        count_axis(ax.yaxis, axes_h)
        count_label(ax, _("Incidents"), axes_h)
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        set_hit(fig, lambda _ax, x, _y: _hit(series, x))
        return fig


def _draw_milestones(ax: Any, series: DailySeries, axes_w: float, axes_h: float) -> float:
    """The quiet period (shaded), the end of campaign and voting day (lines), each with its
    label placed in the first free lane from the top of the axes: no two labels overlap and
    none leaves the axes. Returns the height of the lanes used, in points."""
    m = election_milestones()
    index = {d: i for i, d in enumerate(series.days)}
    n = len(series.days)

    def at(x: float) -> float:  # data x -> points from the axes' left edge
        return (x + 0.6) / n * axes_w

    wanted: list[tuple[str, float, tuple[str, ...]]] = []  # label, anchor (pt), sides
    if m.quiet_start in index or m.quiet_end in index:
        first = index.get(m.quiet_start, 0)
        last = index.get(m.quiet_end, n - 1)
        ax.axvspan(first - 0.5, last + 0.5, color="#999999", alpha=0.18, linewidth=0)
        wanted.append((_("Quiet period"), at((first + last) / 2), ("center", "left", "right")))
    lines: tuple[tuple[date, str, str, tuple[str, ...]], ...] = (
        (m.campaign_end, _("End of campaign"), ":", ("right", "left")),
        (m.voting_day, _("Voting day"), "--", ("left", "right")))
    for day, label, style, sides in lines:
        if day in index:
            x = index[day] + (0.5 if day == m.campaign_end else 0)
            ax.axvline(x, color="#000000", linestyle=style, linewidth=1.1)
            wanted.append((label, at(x), sides))
    lanes: list[list[tuple[float, float]]] = []
    lane_pt = line_pt(MIN_PT) + 3
    for label, anchor, sides in wanted:
        w = text_width(label, MIN_PT) + 2
        spans = []
        for side in sides:  # text to the right of the anchor ("left" aligned), left, centred
            x0 = {"left": anchor + 3, "right": anchor - 3 - w, "center": anchor - w / 2}[side]
            spans.append(min(max(x0, 1.0), axes_w - 1 - w))  # moved inside the axes
        x0, lane = _free_lane(lanes, spans, w)
        ax.text(x0 / axes_w, 1 - (2 + lane * lane_pt) / axes_h, label, transform=ax.transAxes,
                ha="left", va="top", fontsize=MIN_PT, color="#000000",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})
    return 4 + len(lanes) * lane_pt if lanes else 0.0


def _free_lane(lanes: list[list[tuple[float, float]]], starts: list[float], w: float
               ) -> tuple[float, int]:
    """The first lane (from the top) where one of `starts` (in order of preference) leaves
    3 pt to every label already there; a new lane when none does."""
    for lane, taken in enumerate(lanes):
        for x0 in starts:
            if all(x0 + w + 3 <= a or x0 >= b + 3 for a, b in taken):
                taken.append((x0, x0 + w))
                return x0, lane
    lanes.append([(starts[0], starts[0] + w)])
    return starts[0], len(lanes) - 1


def _hit(series: DailySeries, x: float) -> ChartHit | None:
    i = int(round(x))
    if not 0 <= i < len(series.days):
        return None
    day = series.days[i]
    lines = [format_date_long(day),
             _("{count} incidents, 7-day average {mean}").format(
                 count=series.total[i], mean=format_number(series.moving_avg[i]))]
    for code, values in series.by_regency.items():
        lines.append("{name}: {count}".format(name=series.regency_names.get(code, code),
                                              count=values[i]))
    return ChartHit("\n".join(lines), day=day)
