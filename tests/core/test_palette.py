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


# Machado, Oliveira and Fernandes (2009), full severity, on linear RGB.
CVD = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}


def _seen_by(matrix, hex_colour: str) -> str:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    def encoded(c: float) -> float:
        c = min(1.0, max(0.0, c))
        return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055

    rgb = [linear(int(hex_colour[i:i + 2], 16) / 255) for i in (1, 3, 5)]
    out = [encoded(sum(m * v for m, v in zip(row, rgb, strict=True))) for row in matrix]
    return "#" + "".join("{:02x}".format(round(v * 255)) for v in out)


def test_steps_stay_apart_for_every_colour_vision_deficiency():
    """Simulated protan, deutan and tritan vision: neighbouring severities and levels still
    differ by at least 30 grey levels, in the same order."""
    for name, matrix in CVD.items():
        for scale, order in ((palette.SEVERITY_FILL, SEVERITIES), (palette.LEVEL_FILL, LEVELS)):
            greys = [palette.grey_level(_seen_by(matrix, scale[code])) for code in order]
            assert all(a - b >= 30 for a, b in zip(greys, greys[1:], strict=False)), (name, greys)
