"""Chart 2: heat map, 35 regencies x days; colour = incidents or severity-weighted score."""

from __future__ import annotations

from matplotlib.figure import Figure

from posko_desktop.core.charts.style import (
    HEATMAP_CMAP,
    ChartHit,
    chart_style,
    day_ticks,
    figure_title,
    margins,
    new_figure,
    no_data,
    set_hit,
    text_width,
)
from posko_desktop.core.dashboard_data import HeatmapData
from posko_desktop.core.i18n import _
from posko_desktop.core.textrules import format_date_long, format_number


def heatmap_figure(data: HeatmapData, *, title: str | None = None,
                   figsize: tuple[float, float] | None = None) -> Figure:
    with chart_style():
        fig = new_figure(figsize or (8.0, 7.0))
        ax = fig.add_subplot()
        if title is None:
            title = _("Severity-weighted score per regency and day") if data.weighted \
                else _("Incidents per regency and day")
        figure_title(fig, title)
        if not data.codes or not data.days:
            no_data(ax, _("No data"))
            return fig
        image = ax.imshow(data.values, aspect="auto", cmap=HEATMAP_CMAP, interpolation="nearest",
                          vmin=0)
        rows = len(data.codes)
        height_pt = fig.get_figheight() * 72 - 40
        size = max(4.5, min(8.0, height_pt / rows * 0.75))
        ax.set_yticks(range(rows), [_row_label(data, c) for c in data.codes], fontsize=size)
        day_ticks(ax, data.days, max_labels=max(3, int(fig.get_figwidth() * 72 / 60)))
        ax.tick_params(axis="x", labelsize=8)
        ax.tick_params(axis="both", length=0)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        left = max(text_width(_row_label(data, c), size) for c in data.codes) + 8
        margins(fig, left=left, right=58, top=20, bottom=18)
        w = fig.get_figwidth() * 72
        box = ax.get_position()
        cax = fig.add_axes((1 - 50 / w, box.y0, 8 / w, box.height))
        bar = fig.colorbar(image, cax=cax)
        bar.set_label(_("Score") if data.weighted else _("Incidents"))
        set_hit(fig, lambda _ax, x, y: _hit(data, x, y))
        return fig


def _row_label(data: HeatmapData, code: str) -> str:
    return "{code}  {name}".format(code=code[3:], name=data.names.get(code, code))


def _hit(data: HeatmapData, x: float, y: float) -> ChartHit | None:
    col, row = int(round(x)), int(round(y))
    if col < 0 and 0 <= row < len(data.codes):  # the row's label: the whole period
        code = data.codes[row]
        total = data.row_total(row)
        what = _("score {score}").format(score=format_number(total)) if data.weighted \
            else _("{count} incidents").format(count=int(total))
        return ChartHit("{name} ({code}): {what}".format(
            name=data.names.get(code, code), code=code, what=what), regency=code)
    if not (0 <= row < len(data.codes) and 0 <= col < len(data.days)):
        return None
    code, day = data.codes[row], data.days[col]
    value = data.values[row][col]
    what = _("score {score}").format(score=format_number(value)) if data.weighted \
        else _("{count} incidents").format(count=int(value))
    text = "{name} ({code})\n{day}: {what}".format(
        name=data.names.get(code, code), code=code, day=format_date_long(day), what=what)
    return ChartHit(text, regency=code, day=day)
