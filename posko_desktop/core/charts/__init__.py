"""matplotlib Figure builders (no Qt, never pyplot): data from core.dashboard_data in,
Figure out. Used by the dashboard, the PDF sitrep and `posko chart`."""

from posko_desktop.core.charts.categories import category_figure, severity_figure
from posko_desktop.core.charts.heatmap import heatmap_figure
from posko_desktop.core.charts.medsos import medsos_figure
from posko_desktop.core.charts.style import (
    GROUP_COLORS,
    LEVEL_COLORS,
    LEVEL_TEXT_COLORS,
    SEVERITY_COLORS,
    ChartFormatError,
    ChartHit,
    hit_test,
    save_figure,
)
from posko_desktop.core.charts.tilemap import Tile, tile_layout, tile_map_figure
from posko_desktop.core.charts.trend import trend_figure

__all__ = [
    "GROUP_COLORS", "LEVEL_COLORS", "LEVEL_TEXT_COLORS", "SEVERITY_COLORS", "ChartFormatError",
    "ChartHit", "Tile", "category_figure", "heatmap_figure", "hit_test", "medsos_figure",
    "save_figure",
    "severity_figure", "tile_layout", "tile_map_figure", "trend_figure",
]
