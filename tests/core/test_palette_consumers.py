"""Every view of severity and situation level draws the one palette (core/palette.py):
the colours are read back from what each consumer drew — the chart artists and the
strokes and fills in the PDF pages of the sitrep, the weekly report, the flash report and
the printed incident (the log table's role: tests/ui/test_palette_table.py)."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from matplotlib.colors import to_hex
from pypdf import PdfReader

from posko_desktop.core import charts, palette
from posko_desktop.core.reports import incident_sheet
from posko_desktop.core.reports.data import SitrepOptions
from posko_desktop.core.reports.flash_pdf import FlashOptions
from posko_desktop.core.reports.weekly_data import WeeklyOptions
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import flash, incident_print, sitrep, weekly
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentInput

SEVERITIES = ("rendah", "sedang", "tinggi", "kritis")
DAY = date(2024, 11, 27)
SEVERITY_OF = {v.lower(): k for k, v in palette.SEVERITY_FILL.items()}
COLOUR = re.compile(rb"([\d.]+) ([\d.]+) ([\d.]+) (rg|RG)\b")


@pytest.fixture
def four(ctx):
    """One incident of each severity on voting day, in four regencies."""
    made = {}
    for hour, (sev, code) in enumerate(zip(SEVERITIES, ("33.01", "33.02", "33.74", "33.72"),
                                           strict=True)):
        when = datetime(2024, 11, 26, 2 + hour, 0, tzinfo=UTC)
        made[sev] = inc.create_incident(ctx, IncidentInput(
            regency_code=code, title="Uji warna {s}".format(s=sev), category_code="A1",
            severity=sev, occurred_at=when, reported_at=when))
    return made


def pdf_colours(pdf: bytes) -> set[str]:
    """Every RGB colour the PDF strokes or fills with, as '#rrggbb'."""
    found = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for r, g, b, _op in COLOUR.findall(page.get_contents().get_data()):
            found.add(to_hex((float(r), float(g), float(b))).lower())
    return found


def severities_in(colours: set[str]) -> set[str]:
    return {SEVERITY_OF[c] for c in colours if c in SEVERITY_OF}


def test_the_severity_chart_draws_the_palette_in_order(ctx, four):
    snap = dash.snapshot(ctx, date(2024, 11, 20), DAY)
    fig = charts.severity_figure(snap.severity)
    ax = fig.axes[0]
    fills = [to_hex(c.patches[0].get_facecolor()).lower() for c in ax.containers]
    assert fills == [palette.SEVERITY_FILL[s].lower() for s in SEVERITIES]


def test_the_tile_map_draws_the_level_palette(ctx, four):
    snap = dash.snapshot(ctx, date(2024, 11, 20), DAY)
    fig = charts.tile_map_figure(snap.levels)
    faces = {to_hex(p.get_facecolor()).lower() for p in fig.axes[0].patches}
    used = {palette.LEVEL_FILL[info.level.value].lower() for info in snap.levels.values()}
    assert used <= faces
    assert faces - {"#eeeeee"} <= {c.lower() for c in palette.LEVEL_FILL.values()}


def test_sitrep_and_weekly_draw_every_severity_swatch_from_the_palette(ctx, four):
    pdf, _data, _pages = sitrep.generate(ctx, SitrepOptions(DAY))
    assert severities_in(pdf_colours(pdf)) == set(SEVERITIES)
    pdf, _data, _pages = weekly.generate(ctx, WeeklyOptions("2024-W48"))
    assert severities_in(pdf_colours(pdf)) == set(SEVERITIES)


@pytest.mark.parametrize("severity", SEVERITIES)
def test_flash_and_printed_incident_mark_the_severity_with_its_palette_colour(ctx, four,
                                                                             severity):
    number = four[severity].number
    pdf, _data, _pages = flash.generate(ctx, FlashOptions(number))
    assert severities_in(pdf_colours(pdf)) == {severity}
    sheet = incident_print.gather(ctx, number)
    pdf, _pages = incident_sheet.render_bytes(sheet)
    assert severities_in(pdf_colours(pdf)) == {severity}
