"""All dashboard figures from one `DashboardSnapshot` (the dashboard tab and the benchmark)."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from posko_desktop.core.charts.categories import category_figure, severity_figure
from posko_desktop.core.charts.heatmap import heatmap_figure
from posko_desktop.core.charts.tilemap import ikp_map_figure, tile_map_figure
from posko_desktop.core.charts.trend import trend_figure
from posko_desktop.core.dashboard_data import (
    DashboardSnapshot,
    baseline_csv_rows,
    levels_csv_rows,
)

KINDS = ("tilemap", "trend", "heatmap", "categories", "severity")
DPI = 100


def dashboard_figures(snap: DashboardSnapshot,
                      sizes: dict[str, tuple[int, int]] | None = None, map_mode: str = "level",
                      ) -> dict[str, tuple[Figure, list[list[Any]]]]:
    """kind -> (figure, CSV rows of its data). `sizes`: kind -> (width, height) in pixels;
    `map_mode` "level" (situation level) or "ikp" (kerawanan awal: the baseline's IKP)."""
    sizes = sizes or {}

    def inches(kind: str, default: tuple[float, float]) -> tuple[float, float]:
        if kind in sizes:
            w, h = sizes[kind]
            return max(2.0, w / DPI), max(1.5, h / DPI)
        return default

    names = {code: info.name for code, info in snap.report.items()}
    if map_mode == "ikp" and snap.baseline is not None:
        tilemap = (ikp_map_figure(snap.baseline, figsize=inches("tilemap", (6.0, 4.0)),
                                  names=names), baseline_csv_rows(snap.baseline, names))
    else:
        tilemap = (tile_map_figure(snap.levels, figsize=inches("tilemap", (6.0, 4.0)),
                                   names=names), levels_csv_rows(snap.levels, names))
    return {
        "tilemap": tilemap,
        "trend": (trend_figure(snap.series, figsize=inches("trend", (8.0, 4.0))),
                  snap.series.csv_rows()),
        "heatmap": (heatmap_figure(snap.heatmap, figsize=inches("heatmap", (6.0, 7.0))),
                    snap.heatmap.csv_rows()),
        "categories": (category_figure(snap.categories, figsize=inches("categories", (8.0, 4.0))),
                       snap.categories.csv_rows()),
        "severity": (severity_figure(snap.severity, figsize=inches("severity", (8.0, 3.0))),
                     snap.severity.csv_rows()),
    }
