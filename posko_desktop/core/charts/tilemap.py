"""Chart 3: tile-grid cartogram of Central Java coloured by situation level, or by the
baseline's IKP class (the map mode "kerawanan awal").

The layout (one tile per regency, roughly where it lies) is data: resources/tilemap.json.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Patch

from posko_desktop.core.charts.style import (
    LEVEL_COLORS,
    LEVEL_TEXT_COLORS,
    ChartHit,
    chart_style,
    figure_title,
    margins,
    new_figure,
    set_hit,
)
from posko_desktop.core.dashboard_data import BaselineView, IkpLevel, Level, RegencyLevel
from posko_desktop.core.i18n import _
from posko_desktop.core.resources import load_json
from posko_desktop.core.textrules import format_int, format_number

TILE = 0.92  # tile size within its grid cell


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
    legend = [(LEVEL_COLORS[lv], "{letter} = {label} ({n})".format(
        letter=level_letter(lv), label=lv.label, n=counts[lv])) for lv in Level]
    return _tile_figure(looks, legend,
                        title if title is not None else _("Situation level per regency"),
                        figsize, lambda code, name: _hit_text(levels, code, name), names)


def ikp_map_figure(baseline: BaselineView, *, title: str | None = None,
                   figsize: tuple[float, float] | None = None,
                   names: dict[str, str] | None = None) -> Figure:
    """The map mode "kerawanan awal": every regency coloured by its IKP class, in the
    colour of the situation level the class predicts; grey: not in the IKP import."""
    looks = {code: TileLook(LEVEL_COLORS[r.ikp.expected], LEVEL_TEXT_COLORS[r.ikp.expected],
                            r.ikp.value[0])
             for code, r in baseline.regencies.items() if r.ikp is not None}
    counts = {lv: sum(1 for r in baseline.regencies.values() if r.ikp is lv) for lv in IkpLevel}
    legend = [(LEVEL_COLORS[lv.expected], "{letter} = {label} ({n})".format(
        letter=lv.value[0], label=lv.label, n=counts[lv])) for lv in IkpLevel]

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


def _tile_figure(looks: dict[str, TileLook], legend: list[tuple[str, str]], title: str,
                 figsize: tuple[float, float] | None, hit_text: Callable[[str, str], str],
                 names: dict[str, str] | None) -> Figure:
    tiles = tile_layout()
    cols = max(t.x for t in tiles) + 1
    rows = max(t.y for t in tiles) + 1
    with chart_style():
        fig = new_figure(figsize or (8.0, 5.0))
        ax = fig.add_subplot()
        figure_title(fig, title)
        # tile edge in points (the map keeps its aspect: the tighter of width and height)
        tile_pt = min(fig.get_figwidth() * 72 * 0.96 / cols, fig.get_figheight() * 72 * 0.86 / rows)
        size = max(5.0, min(14.0, tile_pt * 0.34))
        longest = max(len(t.short) for t in tiles)
        name_size = min(size * 0.62, tile_pt * 0.92 / (0.62 * longest))
        show_names = name_size >= 5.0
        for t in tiles:
            look = looks.get(t.code)
            face = look.face if look else "#EEEEEE"
            ax.add_patch(FancyBboxPatch(
                (t.x + (1 - TILE) / 2, -t.y - TILE - (1 - TILE) / 2), TILE, TILE,
                boxstyle="round,pad=0,rounding_size=0.08", facecolor=face,
                edgecolor="#333333", linewidth=0.6))
            ink = look.ink if look else "#000000"
            cx, cy = t.x + 0.5, -t.y - 0.5
            ax.text(cx, cy + (0.12 if show_names else 0), t.code[3:], ha="center",
                    va="center", color=ink, fontsize=size, fontweight="bold")
            if show_names:
                ax.text(cx, cy - 0.24, t.short, ha="center", va="center", color=ink,
                        fontsize=name_size)
            if look:
                ax.text(t.x + 1 - (1 - TILE) / 2 - 0.06, -t.y - (1 - TILE) / 2 - 0.06,
                        look.letter, ha="right", va="top", color=ink,
                        fontsize=max(4.5, size * 0.55), fontweight="bold")
        ax.set_xlim(-0.1, cols + 0.1)
        ax.set_ylim(-rows - 0.1, 0.1)
        ax.set_aspect("equal")
        ax.axis("off")
        handles = [Patch(facecolor=face, edgecolor="#333333", label=label)
                   for face, label in legend]
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 0.0), ncols=1,
                  fontsize=max(6.0, min(9.0, size * 0.75)), handlelength=1.2, borderaxespad=0.0)
        margins(fig, left=2, right=2, top=20, bottom=2)
        by_cell = {(t.x, t.y): t for t in tiles}
        set_hit(fig, lambda _ax, x, y: _hit(by_cell, names or {}, hit_text, x, y))
        return fig


def _hit_text(levels: dict[str, RegencyLevel], code: str, name: str) -> str:
    info = levels.get(code)
    if info is None:
        return "{name} ({code})".format(name=name, code=code)
    return "{name} ({code})\n{level}\n{reason}".format(
        name=name, code=code, level=info.level.label, reason=info.reason)


def _hit(by_cell: dict[tuple[int, int], Tile], names: dict[str, str],
         hit_text: Callable[[str, str], str], x: float, y: float) -> ChartHit | None:
    tile = by_cell.get((int(x // 1), int((-y) // 1)))
    if tile is None:
        return None
    return ChartHit(hit_text(tile.code, names.get(tile.code, tile.short)), regency=tile.code)
