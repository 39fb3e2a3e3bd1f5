"""The one palette for severity and situation level, used by the incident log table, the
charts and the PDF reports (stdlib only: no Qt, no matplotlib, no reportlab).

Both scales are colour-blind safe *and* greyscale safe: lightness falls monotonically from
the mildest to the worst value, by at least 40 grey levels (of 255) between neighbours, so
a black-and-white print keeps them apart; the label (or the level's letter on a tile) is
always written too. tests/core/test_palette.py measures the grey levels, and the same
steps after simulating protanopia, deuteranopia and tritanopia (Machado, Oliveira and
Fernandes 2009, severity 1.0).

Sources (listed with their licences in resources/third-party.json, shown in the About
dialog): severity is ColorBrewer's YlOrBr (Cynthia A. Brewer, Pennsylvania State
University, colorbrewer2.org; Apache License 2.0). The category groups in
core/charts/style.py are Okabe and Ito's "Color Universal Design" palette (2008),
published for free use.
"""

from __future__ import annotations

# Severity rendah .. kritis: ColorBrewer YlOrBr (sequential, colour-blind safe).
SEVERITY_FILL: dict[str, str] = {
    "rendah": "#FED98E",
    "sedang": "#FE9929",
    "tinggi": "#CC4C02",
    "kritis": "#662506",
}
SEVERITY_INK: dict[str, str] = {
    "rendah": "#000000",
    "sedang": "#000000",
    "tinggi": "#FFFFFF",
    "kritis": "#FFFFFF",
}

# Situation level kondusif .. awas: pale blue, amber, orange, dark red (Kondusif and
# the top level printed the same grey with the former diverging RdYlBu colours).
LEVEL_FILL: dict[str, str] = {
    "kondusif": "#DCEBF5",
    "waspada": "#EDB120",
    "siaga": "#D9661F",
    "awas": "#7F0E0E",
}
LEVEL_INK: dict[str, str] = {
    "kondusif": "#000000",
    "waspada": "#000000",
    "siaga": "#000000",
    "awas": "#FFFFFF",
}
NO_DATA_FILL = "#FFFFFF"


def grey_level(hex_colour: str) -> float:
    """Luma (ITU-R BT.601, 0-255) of '#RRGGBB': what a greyscale print or
    `pdftoppm -gray` makes of the colour."""
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    return 0.299 * r + 0.587 * g + 0.114 * b
