"""The dashboard's figures are built and drawn again only when what they show changed: the
same data draws nothing, one new incident draws the charts it appears in (not the Pantau
Medsos chart), a new size draws that chart, a language switch draws all; what is kept
shows the same data as a fresh build; a kept map's hover follows the new scores."""

from __future__ import annotations

from datetime import date, datetime

from posko_desktop.core import i18n
from posko_desktop.core.charts.board import KINDS, DrawnBoard, dashboard_figures
from posko_desktop.core.charts.style import figure_hit, hit_test
from posko_desktop.core.dashboard_data import Level
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.timeutil import WIB

A, B = date(2024, 11, 21), date(2024, 11, 27)
MOMENT = datetime(2024, 11, 27, 18, 0, tzinfo=WIB)
SIZES = {"tilemap": (455, 300), "trend": (545, 300), "heatmap": (455, 430),
         "categories": (545, 210), "severity": (545, 170), "medsos": (545, 170)}


def add(ctx, code: str, hour: int, severity: str = "sedang") -> None:
    when = datetime(2024, 11, 26, hour, 0)
    inc.create_incident(ctx, IncidentInput(regency_code=code, title="Uji papan", severity=severity,
                                           category_code="A1", occurred_at=when, reported_at=when))


def snap(ctx):
    return dash.snapshot(ctx, A, B, at=MOMENT)


def test_only_the_charts_whose_input_changed_are_drawn_again(ctx):
    for hour, code in enumerate(("33.01", "33.74", "33.74", "33.22")):
        add(ctx, code, 8 + hour)
    board = DrawnBoard()
    first = board.draw(snap(ctx), SIZES)
    assert sorted(board.drawn) == sorted(KINDS)
    again = board.draw(snap(ctx), SIZES)
    assert board.drawn == []
    assert all(again[k][0] is first[k][0] for k in KINDS)

    add(ctx, "33.29", 15, "kritis")
    s = snap(ctx)
    figures = board.draw(s, SIZES)
    assert sorted(board.drawn) == sorted(set(KINDS) - {"medsos"})
    assert figures["medsos"][0] is first["medsos"][0]
    fresh = dashboard_figures(s, SIZES)
    assert {k: rows for k, (_f, rows, _r) in figures.items()} == \
        {k: rows for k, (_f, rows) in fresh.items()}
    assert any("33.29" in map(str, row) for row in figures["heatmap"][1])

    board.draw(s, {**SIZES, "trend": (600, 320)})
    assert board.drawn == ["trend"]
    board.draw(s, SIZES, ratio=2.0)
    assert sorted(board.drawn) == sorted(KINDS)
    i18n.set_language("en")
    try:
        board.draw(s, SIZES, ratio=2.0)
        assert sorted(board.drawn) == sorted(KINDS)
    finally:
        i18n.set_language("id")


def tile_centre(fig, code: str) -> tuple[float, float]:
    """Data coordinates of the middle of `code`'s tile on a drawn tile map."""
    hover = figure_hit(fig)
    tile = next(t for t in hover.by_cell.values() if t.code == code)
    grid = hover.grid
    return grid.left + (tile.x + 0.5) * grid.cell_w, grid.top - (tile.y + 0.5) * grid.cell_h


def test_the_kept_map_tells_the_new_count_when_the_hover_data_changed(ctx):
    """One more incident that changes no level: the map is not drawn again, yet hovering the
    regency's tile and its CSV rows tell the new score and count (as a fresh map does)."""
    add(ctx, "33.01", 8)
    board = DrawnBoard()
    first = board.draw(snap(ctx), SIZES)
    fig = first["tilemap"][0]
    x, y = tile_centre(fig, "33.01")
    assert "dari 1 kejadian" in hit_test(fig, fig.axes[0], x, y).text

    add(ctx, "33.01", 9, "rendah")
    s = snap(ctx)
    assert s.levels["33.01"].level == Level.KONDUSIF and s.levels["33.01"].incidents == 2
    figures = board.draw(s, SIZES)
    assert "tilemap" not in board.drawn and board.rehovered == ["tilemap"]
    kept, rows, _renderer = figures["tilemap"]
    assert kept is fig
    shown = hit_test(kept, kept.axes[0], x, y)
    assert shown.regency == "33.01"
    assert "dari 2 kejadian" in shown.text
    fresh, fresh_rows = dashboard_figures(s, SIZES)["tilemap"]
    assert shown == hit_test(fresh, fresh.axes[0], *tile_centre(fresh, "33.01"))
    assert rows == fresh_rows
    assert next(r for r in rows if r[0] == "33.01")[3] == 3  # score: sedang 2 + rendah 1

    board.draw(s, SIZES)  # nothing new: neither drawn nor pointed at new data
    assert board.drawn == [] and board.rehovered == []
