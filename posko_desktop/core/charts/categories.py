"""Chart 4: incidents per category group stacked per regency (top N) or per day, and the
severity breakdown per day."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from posko_desktop.core.charts.style import (
    SEVERITY_COLORS,
    ChartHit,
    chart_style,
    day_ticks,
    figure_title,
    group_color,
    margins,
    new_figure,
    no_data,
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
        figure_title(fig, title)
        if not data.keys or not any(any(row) for row in data.values):
            no_data(ax, _("No data"))
            return fig
        positions = list(range(len(data.keys)))
        bottoms = [0] * len(data.keys)
        for gi, group in enumerate(data.groups):
            values = data.values[gi]
            label = "{code} {label}".format(code=group, label=data.group_labels.get(group, ""))
            if per_regency:
                ax.barh(positions, values, left=bottoms, color=group_color(group, gi),
                        label=label, height=0.75, edgecolor="white", linewidth=0.3)
            else:
                ax.bar(positions, values, bottom=bottoms, color=group_color(group, gi),
                       label=label, width=0.8, edgecolor="white", linewidth=0.3)
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        legend_pt = 11 * -(-len(data.groups) // 3) + 4
        axes_pt = fig.get_figheight() * 72 - legend_pt - 38
        label_size = max(5.5, min(9.0, axes_pt / max(1, len(data.keys)) * 0.8))
        if per_regency:
            ax.set_yticks(positions, data.key_labels, fontsize=label_size)
            ax.invert_yaxis()
            ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        else:
            day_ticks(ax, data.keys, max_labels=max(3, int(fig.get_figwidth() * 72 / 50)))
            ax.set_ylabel(_("Incidents"))
            ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        fig.legend(*ax.get_legend_handles_labels(), loc="lower center",
                   bbox_to_anchor=(0.5, 0.0), fontsize=7, ncols=3, handlelength=1.0,
                   columnspacing=0.8)
        left = (max(text_width(label, label_size) for label in data.key_labels) + 10
                if per_regency else 50)
        margins(fig, left=left, right=10, top=20, bottom=legend_pt + 18)
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
        figure_title(fig, title if title is not None else _("Severity per day"))
        if not data.days or not any(data.totals()):
            no_data(ax, _("No data"))
            return fig
        positions = list(range(len(data.days)))
        bottoms = [0] * len(data.days)
        for rank, sev in enumerate(SEVERITIES):
            values = data.values[rank]
            ax.bar(positions, values, bottom=bottoms, color=SEVERITY_COLORS[rank],
                   label=sev.label, width=0.8, edgecolor="white", linewidth=0.3)
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        day_ticks(ax, data.days, max_labels=max(3, int(fig.get_figwidth() * 72 / 50)))
        ax.set_ylabel(_("Incidents"))
        ax.set_ylim(0, max(1, *(sum(v[i] for v in data.values) for i in positions)) * 1.25)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_int(int(v))))
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], labels[::-1], loc="upper left", fontsize=7, ncols=4,
                  handlelength=1.0, columnspacing=0.8)
        margins(fig, left=50, right=8, top=20, bottom=18)
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
