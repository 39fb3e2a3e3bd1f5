"""All dashboard figures from one `DashboardSnapshot` (the dashboard tab and the benchmark),
and `DrawnBoard`: the figures drawn, kept between refreshes so that only the charts whose
input changed are built and drawn again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matplotlib.figure import Figure

from posko_desktop.core.charts.categories import category_figure, severity_figure
from posko_desktop.core.charts.heatmap import heatmap_figure
from posko_desktop.core.charts.medsos import medsos_figure
from posko_desktop.core.charts.tilemap import ikp_map_figure, tile_map_figure
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
# kind -> (what the figure is drawn from, default size in inches, builder(size) -> Built)
Plan = dict[str, tuple[Any, Inches, Callable[[Inches], Built]]]


def figure_plan(snap: DashboardSnapshot, map_mode: str = "level") -> Plan:
    """Per chart: its input (compared by value to tell whether it changed), its default size
    and the function that builds it at a size."""
    names = {code: info.name for code, info in snap.report.items()}
    baseline = snap.baseline
    medsos = snap.medsos or MedsosDaily(snap.series.days)
    plan: Plan = {}
    if map_mode == "ikp" and baseline is not None:
        plan["tilemap"] = ((map_mode, baseline, names), (6.0, 4.0), lambda size: (
            ikp_map_figure(baseline, figsize=size, names=names),
            baseline_csv_rows(baseline, names)))
    else:
        plan["tilemap"] = (("level", snap.levels, names), (6.0, 4.0), lambda size: (
            tile_map_figure(snap.levels, figsize=size, names=names),
            levels_csv_rows(snap.levels, names)))
    plan["trend"] = (snap.series, (8.0, 4.0), lambda size: (
        trend_figure(snap.series, figsize=size), snap.series.csv_rows()))
    plan["heatmap"] = (snap.heatmap, (6.0, 7.0), lambda size: (
        heatmap_figure(snap.heatmap, figsize=size), snap.heatmap.csv_rows()))
    plan["categories"] = (snap.categories, (8.0, 4.0), lambda size: (
        category_figure(snap.categories, figsize=size), snap.categories.csv_rows()))
    plan["severity"] = (snap.severity, (8.0, 3.0), lambda size: (
        severity_figure(snap.severity, figsize=size), snap.severity.csv_rows()))
    plan["medsos"] = (medsos, (8.0, 3.0), lambda size: (
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
    return {kind: build(_inches(sizes or {}, kind, default))
            for kind, (_input, default, build) in figure_plan(snap, map_mode).items()}


class DrawnBoard:
    """The dashboard's figures built and drawn (Agg) at their canvases' pixel sizes, kept
    between refreshes: a chart is built and drawn again only when what it is drawn from
    changed (its data, its size, the screen's pixel ratio, the language). After one new
    incident the trend, heat map and category/severity charts are drawn again; the map
    only when a level changed, the Pantau Medsos chart not at all. Not thread-safe: one
    refresh at a time (the tab runs one at a time)."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[Any, tuple[Figure, list[list[Any]], Any]]] = {}
        self.drawn: list[str] = []  # the kinds built and drawn by the last `draw`

    def draw(self, snap: DashboardSnapshot, sizes: dict[str, tuple[int, int]],
             ratio: float = 1.0, map_mode: str = "level",
             ) -> dict[str, tuple[Figure, list[list[Any]], Any]]:
        """kind -> (figure, CSV rows, Agg renderer holding the picture)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        out = {}
        self.drawn = []
        for kind, (data, default, build) in figure_plan(snap, map_mode).items():
            size = _inches(sizes, kind, default)
            key = (data, size, ratio, current_language())
            held = self._held.get(kind)
            if held is not None and held[0] == key:
                out[kind] = held[1]
                continue
            figure, rows = build(size)
            figure.set_dpi(DPI * ratio)  # what the Qt canvas sets for this screen
            agg = FigureCanvasAgg(figure)
            agg.draw()
            out[kind] = (figure, rows, agg.renderer)
            self._held[kind] = (key, out[kind])
            self.drawn.append(kind)
        return out
