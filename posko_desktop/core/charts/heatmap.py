"""Chart 2: heat map, 35 regencies x days; colour = incidents or severity-weighted score."""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from posko_desktop.core.charts.style import (
    HEADER_PT,
    HEATMAP_CMAP,
    MIN_PT,
    TICK_PT,
    ChartHit,
    chart_style,
    count_axis,
    day_ticks,
    figure_title,
    line_pt,
    margins,
    new_figure,
    no_data,
    set_hit,
    text_width,
)
from posko_desktop.core.charts.tilemap import tile_layout
from posko_desktop.core.dashboard_data import HeatmapData
from posko_desktop.core.i18n import _
from posko_desktop.core.textrules import format_date_long, format_int, format_number


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
        # tick parameters before the ticks exist: each new tick is made with them (set
        # afterwards, every tick's lines and markers are made again)
        ax.tick_params(axis="x", labelsize=MIN_PT)
        ax.tick_params(axis="both", length=0)
        image = ax.imshow(data.values, aspect="auto", cmap=HEATMAP_CMAP, interpolation="nearest",
                          vmin=0)
        rows = len(data.codes)
        width, height = fig.get_figwidth() * 72, fig.get_figheight() * 72
        row_pt = (height - HEADER_PT - 18) / rows
        # every row labelled when the rows are tall enough for MIN_PT text, else every
        # other (or every third …) row; the hover names each row
        size = max(MIN_PT, min(TICK_PT, row_pt / 1.25))
        step = max(1, math.ceil(size * 1.2 / row_pt))
        labels = _row_labels(data, size, room=width * 0.4)
        # ticks only where a label shows (the ticks have no length, no grid line)
        ax.set_yticks(range(0, rows, step), labels[::step], fontsize=size)
        shown = day_ticks(ax, data.days, max_labels=max(2, int(width / 60)))
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        left = max(text_width(label, size) for label in labels) + 8
        bar_pt = 8 + 4 + text_width(format_int(int(max(map(max, data.values), default=0))),
                                    TICK_PT) + 4 + line_pt(TICK_PT) + 4
        right = max(bar_pt + 10, text_width(shown[-1], MIN_PT) / 2 + 3 if shown else 0)
        margins(fig, left=left, right=right, top=HEADER_PT, bottom=18)
        w = fig.get_figwidth() * 72
        box = ax.get_position()
        cax = fig.add_axes((1 - bar_pt / w, box.y0, 8 / w, box.height))
        bar = fig.colorbar(image, cax=cax)
        bar.set_label(_("Score") if data.weighted else _("Incidents"))
        count_axis(bar.ax.yaxis, box.height * fig.get_figheight() * 72)  # whole numbers
        set_hit(fig, lambda _ax, x, y: _hit(data, x, y))
        return fig


def _row_label(data: HeatmapData, code: str) -> str:
    return "{code}  {name}".format(code=code[3:], name=data.names.get(code, code))


def _row_labels(data: HeatmapData, size: float, room: float) -> list[str]:
    """"01  Kab. Cilacap"; in a narrow figure the tile map's short names ("01 Cilacap",
    "74 Kt Smg"), in a very narrow one the codes only."""
    full = [_row_label(data, c) for c in data.codes]
    if max(text_width(label, size) for label in full) <= room:
        return full
    shorts = {t.code: t.short for t in tile_layout()}
    short = ["{code} {name}".format(code=c[3:], name=shorts.get(c, "")).strip()
             for c in data.codes]
    if max(text_width(label, size) for label in short) <= room:
        return short
    return [c[3:] for c in data.codes]


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
