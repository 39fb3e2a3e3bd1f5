"""Chart 4: incidents per category group stacked per regency (top N) or per day, and the
severity breakdown per day."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from posko_desktop.core.charts.style import (
    MIN_PT,
    SEVERITY_COLORS,
    TICK_PT,
    ChartHit,
    chart_style,
    count_axis,
    count_label,
    day_ticks,
    figure_title,
    group_color,
    header_legend,
    line_pt,
    margins,
    new_figure,
    no_data,
    patches_in_bulk,
    set_hit,
    text_width,
)
from posko_desktop.core.dashboard_data import (
    SEVERITIES,
    CategoryBreakdown,
    CategoryMode,
    SeverityBreakdown,
)
from posko_desktop.core.i18n import _
from posko_desktop.core.textrules import format_date_long, format_int


def category_figure(data: CategoryBreakdown, *, title: str | None = None,
                    figsize: tuple[float, float] | None = None) -> Figure:
    per_regency = data.mode == CategoryMode.REGENCY
    with chart_style():
        fig = new_figure(figsize or (8.0, 5.0))
        ax = fig.add_subplot()
        if title is None:
            title = _("Categories in the busiest regencies") if per_regency \
                else _("Categories per day")
        title_width = figure_title(fig, title)
        if not data.keys or not any(any(row) for row in data.values):
            no_data(ax, _("No data"))
            return fig
        width, height = fig.get_figwidth() * 72, fig.get_figheight() * 72
        labels = ["{code} {label}".format(code=group, label=data.group_labels.get(group, ""))
                  for group in data.groups]
        handles = [Patch(facecolor=group_color(group, gi), label=label)
                   for gi, (group, label) in enumerate(zip(data.groups, labels, strict=True))]
        top, side = header_legend(fig, handles, labels, title_width, short=list(data.groups))
        axes_h = height - top - 18
        shown = len(data.keys)
        width -= side
        if per_regency:  # the busiest regencies that fit one label each at MIN_PT
            shown = max(1, min(shown, int(axes_h // (line_pt(MIN_PT) + 1))))
        positions = list(range(shown))
        bottoms = [0] * shown
        with patches_in_bulk(ax):
            for gi, group in enumerate(data.groups):
                values = data.values[gi][:shown]
                if per_regency:
                    ax.barh(positions, values, left=bottoms, color=group_color(group, gi),
                            height=0.75, edgecolor="white", linewidth=0.3)
                else:
                    ax.bar(positions, values, bottom=bottoms, color=group_color(group, gi),
                           width=0.8, edgecolor="white", linewidth=0.3)
                bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        if per_regency:
            size = max(MIN_PT, min(TICK_PT, axes_h / shown / 1.25))
            ax.set_yticks(positions, data.key_labels[:shown], fontsize=size)
            ax.set_ylim(shown - 0.5, -0.5)  # the busiest on top
            ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
            left = max(text_width(label, size) for label in data.key_labels[:shown]) + 10
            last = format_int(max(bottoms))
            right = max(10.0, text_width(last, TICK_PT) / 2 + 3) + side
            margins(fig, left=left, right=right, top=top, bottom=18)
            count_axis(ax.xaxis, width + side - left - right, peak=max(bottoms))
        else:
            days = day_ticks(ax, data.keys, max_labels=max(2, int(width / 50)))
            count_label(ax, _("Incidents"), axes_h)
            ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
            right = max(10.0, text_width(days[-1], TICK_PT) / 2 + 3) if days else 10.0
            margins(fig, left=50, right=right + side, top=top, bottom=18)
            count_axis(ax.yaxis, axes_h, peak=max(bottoms))
        ax.set_axisbelow(True)
        set_hit(fig, lambda _ax, x, y: _category_hit(data, x, y))
        return fig


def _category_hit(data: CategoryBreakdown, x: float, y: float) -> ChartHit | None:
    per_regency = data.mode == CategoryMode.REGENCY
    index, along = (int(round(y)), x) if per_regency else (int(round(x)), y)
    if not 0 <= index < len(data.keys):
        return None
    key = data.keys[index]
    cumulative = 0
    group = None
    for gi, g in enumerate(data.groups):
        cumulative += data.values[gi][index]
        if 0 <= along <= cumulative and data.values[gi][index]:
            group = g  # None on the label: the whole bar
            break
    lines = [data.key_labels[index] if per_regency else format_date_long(key)]
    for gi, g in enumerate(data.groups):
        marker = "▶ " if g == group else ""
        lines.append("{m}{code} {label}: {n}".format(
            m=marker, code=g, label=data.group_labels.get(g, ""), n=data.values[gi][index]))
    lines.append(_("Total: {count}").format(count=data.bar_total(index)))
    if per_regency:
        return ChartHit("\n".join(lines), regency=key, category=group)
    return ChartHit("\n".join(lines), day=key, category=group)


def severity_figure(data: SeverityBreakdown, *, title: str | None = None,
                    figsize: tuple[float, float] | None = None) -> Figure:
    with chart_style():
        fig = new_figure(figsize or (8.0, 4.0))
        ax = fig.add_subplot()
        title_width = figure_title(fig, title if title is not None else _("Severity per day"))
        if not data.days or not any(data.totals()):
            no_data(ax, _("No data"))
            return fig
        positions = list(range(len(data.days)))
        bottoms = [0] * len(data.days)
        with patches_in_bulk(ax):
            for rank, sev in enumerate(SEVERITIES):
                values = data.values[rank]
                ax.bar(positions, values, bottom=bottoms, color=SEVERITY_COLORS[rank],
                       label=sev.label, width=0.8, edgecolor="white", linewidth=0.3)
                bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        handles, labels = ax.get_legend_handles_labels()
        top, side = header_legend(fig, handles[::-1], labels[::-1], title_width)  # worst first
        width, height = fig.get_figwidth() * 72, fig.get_figheight() * 72
        days = day_ticks(ax, data.days, max_labels=max(2, int((width - side) / 50)))
        right = max(8.0, text_width(days[-1], TICK_PT) / 2 + 3) if days else 8.0
        margins(fig, left=50, right=right + side, top=top, bottom=18)
        count_label(ax, _("Incidents"), height - top - 18)
        count_axis(ax.yaxis, height - top - 18, peak=max(bottoms))
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        set_hit(fig, lambda _ax, x, y: _severity_hit(data, x, y))
        return fig


def _severity_hit(data: SeverityBreakdown, x: float, y: float) -> ChartHit | None:
    index = int(round(x))
    if not 0 <= index < len(data.days):
        return None
    cumulative = 0
    chosen = None
    for rank, sev in enumerate(SEVERITIES):
        cumulative += data.values[rank][index]
        if 0 <= y <= cumulative and data.values[rank][index]:
            chosen = sev.value
            break
    lines = [format_date_long(data.days[index])]
    lines += ["{label}: {n}".format(label=sev.label, n=data.values[rank][index])
              for rank, sev in enumerate(SEVERITIES)]
    return ChartHit("\n".join(lines), day=data.days[index], severity=chosen)
