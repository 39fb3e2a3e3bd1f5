"""Chart 1: daily incidents with the 7-day moving average and the election milestones."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from posko_desktop.core.charts.style import (
    AVERAGE_COLOR,
    REGENCY_LINE_COLORS,
    TREND_COLOR,
    ChartHit,
    chart_style,
    day_ticks,
    figure_title,
    margins,
    new_figure,
    no_data,
    set_hit,
)
from posko_desktop.core.dashboard_data import DailySeries, election_milestones
from posko_desktop.core.i18n import _
from posko_desktop.core.textrules import format_date_long, format_int, format_number


def trend_figure(series: DailySeries, *, milestones: bool = True, title: str | None = None,
                 figsize: tuple[float, float] | None = None) -> Figure:
    with chart_style():
        fig = new_figure(figsize)
        ax = fig.add_subplot()
        figure_title(fig, title if title is not None else _("Incidents per day"))
        n = len(series.days)
        xs = list(range(n))
        if n == 0:
            no_data(ax, _("No data"))
            return fig
        ax.bar(xs, series.total, color=TREND_COLOR, alpha=0.35, width=0.8,
               label=_("Incidents per day"))
        ax.plot(xs, series.moving_avg, color=AVERAGE_COLOR, linewidth=2,
                label=_("7-day average"))
        for i, (code, values) in enumerate(series.by_regency.items()):
            ax.plot(xs, values, color=REGENCY_LINE_COLORS[i % len(REGENCY_LINE_COLORS)],
                    linewidth=1.4, marker="o", markersize=2.5,
                    label=series.regency_names.get(code, code))
        if milestones:
            _draw_milestones(ax, series)
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(0, max([1, *series.total, *(v for vals in series.by_regency.values() for v in vals)]) * 1.3)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no "1, 1, 0, 0"
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_int(int(v))))
        ax.set_ylabel(_("Incidents"))
        day_ticks(ax, series.days, max_labels=max(3, int(fig.get_figwidth() * 72 / 50)))
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="upper left", ncols=1, fontsize=7)
        margins(fig, left=50, right=8, top=20, bottom=18)
        set_hit(fig, lambda _ax, x, _y: _hit(series, x))
        return fig


def _draw_milestones(ax: Any, series: DailySeries) -> None:
    m = election_milestones()
    index = {d: i for i, d in enumerate(series.days)}
    top = ax.get_ylim()[1]
    if m.quiet_start in index or m.quiet_end in index:
        first = index.get(m.quiet_start, 0)
        last = index.get(m.quiet_end, len(series.days) - 1)
        ax.axvspan(first - 0.5, last + 0.5, color="#999999", alpha=0.18, linewidth=0)
        ax.text((first + last) / 2, 0.99, _("Quiet period"), transform=ax.get_xaxis_transform(),
                ha="center", va="top", fontsize=7, color="#333333")
    for day, label, style, side in ((m.campaign_end, _("End of campaign"), ":", "right"),
                                    (m.voting_day, _("Voting day"), "--", "left")):
        if day in index:
            x = index[day] + (0.5 if day == m.campaign_end else 0)
            ax.axvline(x, color="#000000", linestyle=style, linewidth=1.1)
            shift = -0.15 if side == "right" else 0.15
            ax.text(x + shift, 0.92, label, transform=ax.get_xaxis_transform(),
                    ha=side, va="top", fontsize=7, color="#000000",
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})
    del top


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
