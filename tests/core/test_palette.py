"""The one severity and level palette: greyscale safe, and used by every view."""

from __future__ import annotations

from posko_desktop.core import palette
from posko_desktop.core.charts import style
from posko_desktop.core.reports.pdf_common import level_colors, severity_colors

SEVERITIES = ["rendah", "sedang", "tinggi", "kritis"]
LEVELS = ["kondusif", "waspada", "siaga", "awas"]


def test_lightness_falls_by_at_least_40_grey_levels_per_step():
    for scale, order in ((palette.SEVERITY_FILL, SEVERITIES), (palette.LEVEL_FILL, LEVELS)):
        greys = [palette.grey_level(scale[code]) for code in order]
        assert all(a - b >= 40 for a, b in zip(greys, greys[1:], strict=False)), greys


def test_ink_is_readable_on_its_fill():
    for fills, inks in ((palette.SEVERITY_FILL, palette.SEVERITY_INK),
                        (palette.LEVEL_FILL, palette.LEVEL_INK)):
        for code, fill in fills.items():
            assert abs(palette.grey_level(fill) - palette.grey_level(inks[code])) >= 100, code


def test_charts_and_pdf_use_the_same_colours():
    assert [style.LEVEL_COLORS[lv].lower() for lv in style.LEVEL_COLORS] == [
        palette.LEVEL_FILL[code].lower() for code in LEVELS]
    assert {c: f.hexval()[2:].lower() for c, (f, _ink) in level_colors().items()} == {
        c: v[1:].lower() for c, v in palette.LEVEL_FILL.items()}
    assert {c: f.hexval()[2:].lower() for c, (f, _ink) in severity_colors().items()} == {
        c: v[1:].lower() for c, v in palette.SEVERITY_FILL.items()}
