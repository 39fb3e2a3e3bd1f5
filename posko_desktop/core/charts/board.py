"""All dashboard figures from one `DashboardSnapshot` (the dashboard tab and the benchmark),
and `DrawnBoard`: the figures drawn, kept between refreshes so that only the charts whose
input changed are built and drawn again."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from posko_desktop.core.charts.categories import category_figure, severity_figure
from posko_desktop.core.charts.heatmap import heatmap_figure
from posko_desktop.core.charts.medsos import medsos_figure
from posko_desktop.core.charts.tilemap import (
    ikp_map_figure,
    level_map_drawn_from,
    set_level_hover,
    tile_map_figure,
)
from posko_desktop.core.charts.trend import trend_figure
from posko_desktop.core.dashboard_data import (
    DashboardSnapshot,
    MedsosDaily,
    baseline_csv_rows,
    levels_csv_rows,
)
from posko_desktop.core.i18n import current_language

KINDS = ("tilemap", "trend", "heatmap", "categories", "severity", "medsos")
DPI = 100

Inches = tuple[float, float]
Built = tuple[Figure, list[list[Any]]]


@dataclass(frozen=True)
class Planned:
    """One chart of the board: what its picture is drawn from (compared by value to tell
    whether it changed), its default size, the function that builds it at a size; and, for
    a chart whose hover carries more than its picture shows (the level map: the score and
    reason), that data and `rehover(figure) -> CSV rows`, which points a kept figure's hover
    at it without drawing."""

    drawn_from: Any
    default: Inches
    build: Callable[[Inches], Built]
    hover: Any = None
    rehover: Callable[[Figure], list[list[Any]]] | None = None


def figure_plan(snap: DashboardSnapshot, map_mode: str = "level") -> dict[str, Planned]:
    """Per chart (kind): how it is built and what it is drawn from."""
    names = {code: info.name for code, info in snap.report.items()}
    baseline = snap.baseline
    medsos = snap.medsos or MedsosDaily(snap.series.days)
    plan: dict[str, Planned] = {}
    if map_mode == "ikp" and baseline is not None:
        plan["tilemap"] = Planned((map_mode, baseline, names), (6.0, 4.0), lambda size: (
            ikp_map_figure(baseline, figsize=size, names=names),
            baseline_csv_rows(baseline, names)))
    else:
        levels = snap.levels

        def rehover(figure: Figure) -> list[list[Any]]:
            set_level_hover(figure, levels, names)
            return levels_csv_rows(levels, names)

        plan["tilemap"] = Planned(("level", level_map_drawn_from(levels)), (6.0, 4.0),
                                  lambda size: (tile_map_figure(levels, figsize=size, names=names),
                                                levels_csv_rows(levels, names)),
                                  hover=(levels, names), rehover=rehover)
    plan["trend"] = Planned(snap.series, (8.0, 4.0), lambda size: (
        trend_figure(snap.series, figsize=size), snap.series.csv_rows()))
    plan["heatmap"] = Planned(snap.heatmap, (6.0, 7.0), lambda size: (
        heatmap_figure(snap.heatmap, figsize=size), snap.heatmap.csv_rows()))
    plan["categories"] = Planned(snap.categories, (8.0, 4.0), lambda size: (
        category_figure(snap.categories, figsize=size), snap.categories.csv_rows()))
    plan["severity"] = Planned(snap.severity, (8.0, 3.0), lambda size: (
        severity_figure(snap.severity, figsize=size), snap.severity.csv_rows()))
    plan["medsos"] = Planned(medsos, (8.0, 3.0), lambda size: (
        medsos_figure(medsos, figsize=size), medsos.csv_rows()))
    return plan


def _inches(sizes: dict[str, tuple[int, int]], kind: str, default: Inches) -> Inches:
    if kind in sizes:
        w, h = sizes[kind]
        return max(1.2, w / DPI), max(1.0, h / DPI)  # the canvas is at least 120 x 100
    return default


def dashboard_figures(snap: DashboardSnapshot,
                      sizes: dict[str, tuple[int, int]] | None = None, map_mode: str = "level",
                      ) -> dict[str, Built]:
    """kind -> (figure, CSV rows of its data). `sizes`: kind -> (width, height) in pixels;
    `map_mode` "level" (situation level) or "ikp" (kerawanan awal: the baseline's IKP)."""
    return {kind: p.build(_inches(sizes or {}, kind, p.default))
            for kind, p in figure_plan(snap, map_mode).items()}


def keep_loaded_objects() -> None:
    """Once the dashboard's first pictures are drawn, the objects alive then (modules,
    classes, matplotlib's fonts and caches: ~230,000 in the benchmark, more in the app) stay
    for the life of the process: collect what is dead, then move the rest out of the cyclic
    collector's reach (`gc.freeze`). Each refresh leaves enough new long-lived objects
    (figures) to start a full collection, which then walks only what was made since
    (~30 ms instead of ~110 ms of CPU per refresh, 1M benchmark). Objects freed by
    reference counting are freed as before."""
    gc.collect()
    gc.freeze()


class DrawnBoard:
    """The dashboard's figures built and drawn (Agg) at their canvases' pixel sizes, kept
    between refreshes: a chart is built and drawn again only when what its picture is drawn
    from changed (its data, its size, the screen's pixel ratio, the language). After one new
    incident the trend, heat map and category/severity charts are drawn again; the map only
    when a level changed (else only its hover and CSV rows follow the new scores), the
    Pantau Medsos chart not at all. Not thread-safe: one refresh at a time (the tab runs one
    at a time)."""

    def __init__(self) -> None:
        # kind -> (picture key, (figure, CSV rows, renderer), hover data)
        self._held: dict[str, tuple[Any, tuple[Figure, list[list[Any]], Any], Any]] = {}
        self.drawn: list[str] = []  # the kinds built and drawn by the last `draw`
        self.rehovered: list[str] = []  # kept figures whose hover got newer data

    def draw(self, snap: DashboardSnapshot, sizes: dict[str, tuple[int, int]],
             ratio: float = 1.0, map_mode: str = "level",
             ) -> dict[str, tuple[Figure, list[list[Any]], Any]]:
        """kind -> (figure, CSV rows, Agg renderer holding the picture)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        out = {}
        self.drawn, self.rehovered = [], []
        for kind, p in figure_plan(snap, map_mode).items():
            size = _inches(sizes, kind, p.default)
            key = (p.drawn_from, size, ratio, current_language())
            held = self._held.get(kind)
            if held is not None and held[0] == key:
                figure, rows, renderer = held[1]
                if p.rehover is not None and held[2] != p.hover:
                    rows = p.rehover(figure)
                    self._held[kind] = (key, (figure, rows, renderer), p.hover)
                    self.rehovered.append(kind)
                out[kind] = (figure, rows, renderer)
                continue
            figure, rows = p.build(size)
            figure.set_dpi(DPI * ratio)  # what the Qt canvas sets for this screen
            agg = FigureCanvasAgg(figure)
            agg.draw()
            out[kind] = (figure, rows, agg.renderer)
            self._held[kind] = (key, out[kind], p.hover)
            self.drawn.append(kind)
        return out
