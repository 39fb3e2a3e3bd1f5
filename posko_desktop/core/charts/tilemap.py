"""Chart 3: tile-grid cartogram of Central Java coloured by situation level, or by the
baseline's IKP class (the map mode "kerawanan awal").

The layout (one tile per regency, roughly where it lies) is data: resources/tilemap.json.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Patch

from posko_desktop.core.charts.style import (
    HEADER_PT,
    LEGEND_PAD,
    LEGEND_SPACING,
    LEVEL_COLORS,
    LEVEL_TEXT_COLORS,
    MIN_PT,
    ChartHit,
    chart_style,
    figure_hit,
    figure_title,
    line_pt,
    new_figure,
    patches_in_bulk,
    set_hit,
    text_width,
)
from posko_desktop.core.dashboard_data import BaselineView, IkpLevel, Level, RegencyLevel
from posko_desktop.core.i18n import _
from posko_desktop.core.resources import load_json
from posko_desktop.core.textrules import format_int, format_number

TILE = 0.93  # tile size within its grid cell
TILE_HANDLE = 1.4  # legend swatch width, in font sizes


@dataclass(frozen=True)
class Tile:
    code: str
    x: int
    y: int
    short: str


def level_letter(level: Level) -> str:
    """K, W, S, A: the initial of the level's Indonesian name, printed on every tile."""
    return level.value[0].upper()


def tile_layout() -> list[Tile]:
    data = load_json("tilemap.json")
    return [Tile(t["code"], int(t["x"]), int(t["y"]), t["short"]) for t in data["tiles"]]


@dataclass(frozen=True)
class TileLook:
    face: str
    ink: str
    letter: str  # printed in the corner: readable without colour (greyscale print)


def tile_map_figure(levels: dict[str, RegencyLevel], *, title: str | None = None,
                    figsize: tuple[float, float] | None = None,
                    names: dict[str, str] | None = None) -> Figure:
    looks = {code: TileLook(LEVEL_COLORS[info.level], LEVEL_TEXT_COLORS[info.level],
                            level_letter(info.level)) for code, info in levels.items()}
    counts = {lv: sum(1 for x in levels.values() if x.level is lv) for lv in Level}
    legend = [(LEVEL_COLORS[lv], level_letter(lv), lv.label, counts[lv]) for lv in Level]
    return _tile_figure(looks, legend,
                        title if title is not None else _("Situation level per regency"),
                        figsize, lambda code, name: _hit_text(levels, code, name), names)


def level_map_drawn_from(levels: dict[str, RegencyLevel]) -> tuple[tuple[str, Level], ...]:
    """What the level map's picture shows of `levels`: each regency's level (colours, letters
    and the legend's counts). The score and reason are only in the hover."""
    return tuple(sorted((code, info.level) for code, info in levels.items()))


def set_level_hover(fig: Figure, levels: dict[str, RegencyLevel],
                    names: dict[str, str] | None = None) -> None:
    """Point a drawn level map's hover at newer `levels` with the same picture (see
    `level_map_drawn_from`): the tile under the mouse then tells the new score and reason
    without the map being drawn again."""
    hover = figure_hit(fig)
    if not isinstance(hover, TileHover):
        raise TypeError("not a tile map")
    hover.names = names or {}
    hover.text = lambda code, name: _hit_text(levels, code, name)


def ikp_map_figure(baseline: BaselineView, *, title: str | None = None,
                   figsize: tuple[float, float] | None = None,
                   names: dict[str, str] | None = None) -> Figure:
    """The map mode "kerawanan awal": every regency coloured by its IKP class, in the
    colour of the situation level the class predicts; grey: not in the IKP import."""
    looks = {code: TileLook(LEVEL_COLORS[r.ikp.expected], LEVEL_TEXT_COLORS[r.ikp.expected],
                            r.ikp.value[0])
             for code, r in baseline.regencies.items() if r.ikp is not None}
    counts = {lv: sum(1 for r in baseline.regencies.values() if r.ikp is lv) for lv in IkpLevel}
    legend = [(LEVEL_COLORS[lv.expected], lv.value[0], lv.label, counts[lv]) for lv in IkpLevel]

    def hit(code: str, name: str) -> str:
        r = baseline.regencies.get(code)
        if r is None or r.ikp is None:
            return "{name} ({code})".format(name=name, code=code)
        return _("{name} ({code})\n{ikp}, score {score}\nTPS rawan: {rawan} (Bawaslu), "
                 "{polda} (Polda)").format(name=name, code=code, ikp=r.ikp.label,
                                          score=format_number(r.ikp_score or 0),
                                          rawan=format_int(r.tps_rawan),
                                          polda=format_int(r.polda_rawan))

    return _tile_figure(looks, legend, title if title is not None else _(
        "Baseline vulnerability (IKP) per regency"), figsize, hit, names)


def _tile_figure(looks: dict[str, TileLook], legend: list[tuple[str, str, str, int]], title: str,
                 figsize: tuple[float, float] | None, hit_text: Callable[[str, str], str],
                 names: dict[str, str] | None) -> Figure:
    tiles = tile_layout()
    with chart_style():
        fig = new_figure(figsize or (8.0, 5.0))
        # one axes over the whole figure, in points: every label is placed by measure
        width, height = fig.get_figwidth() * 72, fig.get_figheight() * 72
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(0, height)
        ax.axis("off")
        figure_title(fig, title)
        # "W  Waspada (12)"; without the counts, then without an English label's Indonesian
        # name in brackets, when a shorter legend leaves wider tiles
        grid, labels = _roomiest(tiles, width, height, [
            ["{letter}  {label} ({n})".format(letter=letter, label=label, n=n)
             for _face, letter, label, n in legend],
            ["{letter}  {label}".format(letter=letter, label=label)
             for _face, letter, label, _n in legend],
            ["{letter}  {label}".format(letter=letter, label=label.split(" (")[0])
             for _face, letter, label, _n in legend]])
        with patches_in_bulk(ax):  # the limits are fixed: no data limits to update
            for t in tiles:
                _draw_tile(ax, grid, t, looks.get(t.code))
        handles = [Patch(facecolor=face, edgecolor="#333333", label=label)
                   for (face, *_rest), label in zip(legend, labels, strict=True)]
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=grid.legend_at,
                  bbox_transform=ax.transData, ncols=grid.legend_cols, fontsize=grid.legend_pt,
                  handlelength=TILE_HANDLE, handletextpad=LEGEND_PAD, borderpad=0.2,
                  borderaxespad=0.0, labelspacing=0.3, columnspacing=LEGEND_SPACING)
        set_hit(fig, TileHover({(t.x, t.y): t for t in tiles}, grid, names or {}, hit_text))
        return fig


def _roomiest(tiles: list[Tile], width: float, height: float, choices: list[list[str]]
              ) -> tuple[_Grid, list[str]]:
    """The first (fullest) legend wording whose layout gives tiles within 3 % of the widest
    any wording allows: room on the tiles comes before the legend's detail."""
    grids = [(_layout(tiles, width, height, labels), labels) for labels in choices]
    widest = max(grid.cell_w for grid, _labels in grids)
    return next((grid, labels) for grid, labels in grids if grid.cell_w >= widest * 0.97)


@dataclass(frozen=True)
class _Grid:
    """Where the tiles go, in points from the figure's lower left corner."""

    left: float
    top: float
    cell_w: float
    cell_h: float
    legend_at: tuple[float, float]
    legend_cols: int
    legend_pt: float

    def cell(self, x: float, y: float) -> tuple[int, int]:
        return int((x - self.left) // self.cell_w), int((self.top - y) // self.cell_h)


def _layout(tiles: list[Tile], width: float, height: float, labels: list[str]) -> _Grid:
    """The largest tiles (at most 1.5 times as wide as tall, never taller than wide) with
    the legend in an empty corner of the map (bottom left or bottom right, where the map
    may run past its last column) or else to the right of the map."""
    cols = max(t.x for t in tiles) + 1
    rows = max(t.y for t in tiles) + 1
    top = height - HEADER_PT
    cell_h0 = (top - 2) / rows
    size = max(MIN_PT, min(10.0, cell_h0 * 0.3))  # the legend grows with the tiles
    entry = max(text_width(label, size) for label in labels) + (TILE_HANDLE + LEGEND_PAD) * size
    row_pt = line_pt(size) + 0.3 * size
    first = {y: min((t.x for t in tiles if t.y == y), default=cols) for y in range(rows)}
    last = {y: max((t.x for t in tiles if t.y == y), default=-1) for y in range(rows)}
    best: tuple[tuple[float, float], _Grid] | None = None
    for ncols in (1, 2):
        lines = -(-len(labels) // ncols)
        lw = ncols * entry + (ncols - 1) * LEGEND_SPACING * size + 0.4 * size + 2
        lh = lines * row_pt + 0.4 * size + 2
        for k in range(1, rows + 1):
            if lh > k * cell_h0 - 2:
                continue
            bottom = range(rows - k, rows)
            free_left = min(first[y] for y in bottom)  # columns free from the left
            start = max(last[y] for y in bottom) + 1  # first free column on the right
            options = [(min((width - 4) / cols, (width - 6 - lw) / start), start)]
            if free_left > 0:
                options.append(((width - 4) / cols, 0))
            for room_w, at_col in options:
                cell_w = min(room_w, cell_h0 * 1.5)
                cell_h = min(cell_h0, cell_w)
                if at_col == 0 and lw > free_left * cell_w - 4:
                    continue
                if lh > k * cell_h - 2 or cell_w <= 0:
                    continue
                x = 4 + at_col * cell_w
                grid = _Grid(2, top, cell_w, cell_h, (x, top - rows * cell_h + 2), ncols, size)
                score = (round(min(cell_w / 1.3, cell_h), 2), round(cell_w, 2))
                if best is None or score > best[0]:
                    best = (score, grid)
    if best is not None:
        return best[1]
    lw = entry + 0.4 * size + 2  # no corner holds it: a column to the right of the map
    cell_w = min((width - 8 - lw) / cols, cell_h0 * 1.5)
    cell_h = min(cell_h0, cell_w)
    return _Grid(2, top, cell_w, cell_h, (2 + cols * cell_w + 4, top - rows * cell_h + 2), 1,
                 size)


def _draw_tile(ax: Any, grid: _Grid, t: Tile, look: TileLook | None) -> None:
    """A tile with its code, its short name where it fits and its level letter (read
    without colour) in the corner; in small tiles code and letter share one line, in the
    smallest only the letter shows (the hover names the regency)."""
    tw, th = grid.cell_w * TILE, grid.cell_h * TILE
    x0 = grid.left + t.x * grid.cell_w + (grid.cell_w - tw) / 2
    y0 = grid.top - (t.y + 1) * grid.cell_h + (grid.cell_h - th) / 2
    ax.add_patch(FancyBboxPatch(
        (x0, y0), tw, th, boxstyle="round,pad=0,rounding_size={r}".format(r=min(tw, th) * 0.08),
        facecolor=look.face if look else "#EEEEEE", edgecolor="#333333", linewidth=0.6))
    ink = look.ink if look else "#000000"
    code = t.code[3:]
    fc = max(MIN_PT, min(14.0, th * 0.34, tw * 0.3))
    fl = max(MIN_PT, fc * 0.6)
    fn = max(MIN_PT, min(10.0, th * 0.22))
    cw, lw = text_width(code, fc, bold=True), text_width(look.letter, fl, bold=True) if look else 0
    pad = 1.5
    cx, cy = x0 + tw / 2, y0 + th / 2
    letter_h = line_pt(fl) if look else 0.0
    name_fits = text_width(t.short, fn) <= tw - 2 * pad
    corner_free_x = cx + cw / 2 + 1 <= x0 + tw - pad - lw  # code beside the corner letter

    def corner() -> None:
        if look:
            ax.text(x0 + tw - pad, y0 + th - pad, look.letter, ha="right", va="top", color=ink,
                    fontsize=fl, fontweight="bold")

    stack = line_pt(fc) + line_pt(fn)
    if name_fits and (th - 2 * pad >= stack + (0 if corner_free_x else letter_h)):
        shift = 0.0 if corner_free_x else -letter_h / 2
        ax.text(cx, cy + shift + line_pt(fn) / 2, code, ha="center", va="center", color=ink,
                fontsize=fc, fontweight="bold")
        ax.text(cx, cy + shift - line_pt(fc) / 2, t.short, ha="center", va="center", color=ink,
                fontsize=fn)
        corner()
    elif corner_free_x or th - 2 * pad >= line_pt(fc) + 2 * letter_h:
        ax.text(cx, cy, code, ha="center", va="center", color=ink, fontsize=fc,
                fontweight="bold")
        corner()
    elif cw + lw + 2 * pad + 2 <= tw and line_pt(fc) <= th:
        ax.text(x0 + pad, cy, code, ha="left", va="center", color=ink, fontsize=fc,
                fontweight="bold")
        if look:
            ax.text(x0 + tw - pad, cy, look.letter, ha="right", va="center", color=ink,
                    fontsize=fl, fontweight="bold")
    elif look:
        ax.text(cx, cy, look.letter, ha="center", va="center", color=ink, fontsize=fl,
                fontweight="bold")


def _hit_text(levels: dict[str, RegencyLevel], code: str, name: str) -> str:
    info = levels.get(code)
    if info is None:
        return "{name} ({code})".format(name=name, code=code)
    return "{name} ({code})\n{level}\n{reason}".format(
        name=name, code=code, level=info.level.label, reason=info.reason)


@dataclass
class TileHover:
    """The map's hover and click: the tile under the mouse, its text from `text(code,
    name)`; `names` and `text` can be pointed at newer data (`set_level_hover`)."""

    by_cell: dict[tuple[int, int], Tile]
    grid: _Grid
    names: dict[str, str]
    text: Callable[[str, str], str]

    def __call__(self, _ax: Any, x: float, y: float) -> ChartHit | None:
        tile = self.by_cell.get(self.grid.cell(x, y))
        if tile is None:
            return None
        return ChartHit(self.text(tile.code, self.names.get(tile.code, tile.short)),
                        regency=tile.code)
