"""The dashboard's Pantau Medsos chart: posts collected per day stacked by platform, and the
hoax cases opened per day (dots on the bars' scale)."""

from __future__ import annotations

from matplotlib.figure import Figure

from posko_desktop.core.charts.style import (
    AVERAGE_COLOR,
    TICK_PT,
    chart_style,
    count_axis,
    count_label,
    day_ticks,
    figure_title,
    header_legend,
    margins,
    new_figure,
    no_data,
    patches_in_bulk,
    text_width,
)
from posko_desktop.core.dashboard_data import MedsosDaily
from posko_desktop.core.i18n import _

# colour-blind safe (Okabe-Ito, as the other charts), one per platform in `Platform` order
PLATFORM_COLORS = {"tiktok": "#000000", "facebook": "#0072B2", "instagram": "#CC79A7",
                   "x": "#999999", "youtube": "#D55E00", "whatsapp": "#009E73",
                   "telegram": "#56B4E9", "web": "#E69F00", "other": "#F0E442"}


def medsos_figure(data: MedsosDaily, *, title: str | None = None,
                  figsize: tuple[float, float] | None = None) -> Figure:
    with chart_style():
        fig = new_figure(figsize)
        ax = fig.add_subplot()
        title_width = figure_title(fig, title if title is not None else _(
            "Social media: posts and new cases per day"))
        n = len(data.days)
        if n == 0 or not (data.posts or data.cases):
            no_data(ax, _("No posts in this period"))
            return fig
        xs = list(range(n))
        bottom = [0] * n
        with patches_in_bulk(ax):
            for platform, values in data.posts.items():
                ax.bar(xs, values, bottom=bottom, width=0.8,
                       color=PLATFORM_COLORS.get(platform, "#777777"),
                       label=data.platform_names.get(platform, platform))
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        cases = [sum(v[i] for v in data.cases.values()) for i in range(n)]
        days_with_cases = [i for i in xs if cases[i]]
        if days_with_cases:
            ax.plot(days_with_cases, [cases[i] for i in days_with_cases], linestyle="none",
                    marker="D", markersize=5, color=AVERAGE_COLOR, label=_("New cases"))
        ax.set_xlim(-0.6, n - 0.4)
        top, side = header_legend(fig, *ax.get_legend_handles_labels(), title_width)
        width, height = fig.get_figwidth() * 72, fig.get_figheight() * 72
        days = day_ticks(ax, data.days, max_labels=max(2, int((width - side) / 50)))
        right = max(8.0, text_width(days[-1], TICK_PT) / 2 + 3) if days else 8.0
        margins(fig, left=44, right=right + side, top=top, bottom=18)
        count_axis(ax.yaxis, height - top - 18, peak=max([1, *bottom, *cases]))
        count_label(ax, _("Posts"), height - top - 18)
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        return fig
