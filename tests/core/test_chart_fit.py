"""The dashboard's charts at the sizes the tab gives them on a 1366x768 and a 1920x1080
screen (issue 19): every text at least 8 pt, inside the figure, none over another;
counts on whole-number axes; the milestone labels apart and inside the plot."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from posko_desktop.core import i18n
from posko_desktop.core.charts.board import dashboard_figures
from posko_desktop.core.charts.tilemap import tile_layout
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import demo
from tests.core.chart_fit import TAB_SIZES, outside, overlapping, shown_texts

END = date(2024, 11, 30)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory, template_db):
    """Demo data (35 regencies, 40 days) and the dashboard's snapshots of 7, 14, 30 days and
    of a period that ends on voting day (its label at the right edge)."""
    import shutil

    from posko_desktop.core.context import AppContext
    from posko_desktop.core.db.session import open_database
    from posko_desktop.core.services import reference
    from tests.conftest import ADMIN

    path = tmp_path_factory.mktemp("fit") / "posko.sqlite3"
    shutil.copy(template_db, path)
    database = open_database(path)
    ctx = AppContext(database, ADMIN)
    reference.init_site(ctx, "33", "Posko Uji", training=True)
    demo.generate(ctx, incidents=3000, days=40, end_date=END, seed=3)
    snaps = {days: dash.snapshot(ctx, END - timedelta(days=days - 1), END) for days in (7, 14, 30)}
    snaps[0] = dash.snapshot(ctx, date(2024, 11, 14), date(2024, 11, 27))
    yield snaps
    database.dispose()


@pytest.mark.parametrize("screen", sorted(TAB_SIZES))
@pytest.mark.parametrize("days", [7, 14, 30, 0])
def test_every_text_is_readable_inside_and_apart(snapshots, screen, days):
    for kind, (fig, _rows) in dashboard_figures(snapshots[days], TAB_SIZES[screen]).items():
        shown = shown_texts(fig)
        assert shown, kind
        small = [(s.text, s.size) for s in shown if s.size < 8.0]
        assert not small, (kind, small)
        assert not outside(fig, shown), (kind, outside(fig, shown))
        assert not overlapping(shown), (kind, overlapping(shown))


@pytest.mark.parametrize("screen", sorted(TAB_SIZES))
def test_count_axes_show_whole_numbers(snapshots, screen):
    figures = dashboard_figures(snapshots[14], TAB_SIZES[screen])
    for kind, axis_name in (("trend", "y"), ("severity", "y"), ("medsos", "y"),
                            ("categories", "x")):
        fig = figures[kind][0]
        ticks = [s for s in shown_texts(fig) if s.role == "tick"]
        ax = fig.axes[0]
        axis = ax.yaxis if axis_name == "y" else ax.xaxis
        values = [v for v in axis.get_majorticklocs()
                  if axis.get_view_interval()[0] <= v <= axis.get_view_interval()[1]]
        assert len(values) >= 2, kind
        assert all(float(v).is_integer() for v in values), (kind, values)
        labels = [t.text for t in ticks if t.text.replace(".", "").isdigit()]
        assert len(labels) == len(set(labels)) >= 2, (kind, labels)


@pytest.mark.parametrize("screen", sorted(TAB_SIZES))
@pytest.mark.parametrize("days", [14, 30, 0])
def test_milestone_labels_stay_apart_inside_the_plot(snapshots, screen, days):
    fig = dashboard_figures(snapshots[days], TAB_SIZES[screen])["trend"][0]
    shown = shown_texts(fig)
    names = {"Akhir kampanye", "Masa tenang", "Pemungutan suara"}
    marks = [s for s in shown if s.text in names]
    assert {s.text for s in marks} == names
    plot = fig.axes[0].get_window_extent()
    for s in marks:
        assert plot.x0 - 0.5 <= s.box.x0 and s.box.x1 <= plot.x1 + 0.5, s.text
        assert plot.y0 - 0.5 <= s.box.y0 and s.box.y1 <= plot.y1 + 0.5, s.text
    assert not overlapping(marks)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_tiles_name_the_regency_where_it_fits_and_always_show_the_level_letter(snapshots,
                                                                              lang):
    """1920: short names on the tiles that have room; 1366: no room for names, but every
    tile shows its code and its level letter (the hover names it), in both languages."""
    snap = snapshots[14]
    shorts = {t.short for t in tile_layout()}
    letters = {snap.levels[code].level.value[0].upper() for code in snap.levels}
    for screen, named in (("1920x1050", True), ("1366x728", False)):
        with i18n.language(lang):
            fig = dashboard_figures(snap, TAB_SIZES[screen])["tilemap"][0]
        texts = [s.text for s in shown_texts(fig)]
        codes = {t.code[3:] for t in tile_layout()}
        assert codes <= set(texts), screen
        assert letters <= set(texts), screen
        assert sum(texts.count(code) for code in codes) == 35
        on_tiles = shorts & set(texts)
        assert (len(on_tiles) >= 15) if named else not on_tiles, (screen, on_tiles)


def test_heat_map_labels_every_other_row_when_rows_are_short(snapshots):
    snap = snapshots[14]
    for screen, rows in (("1366x728", 18), ("1920x1050", 35)):
        fig = dashboard_figures(snap, TAB_SIZES[screen])["heatmap"][0]
        labels = [s for s in shown_texts(fig) if s.role == "tick" and "Kab." in s.text
                  or s.role == "tick" and "Kota" in s.text]
        assert len(labels) == rows, screen
        assert min(s.size for s in labels) >= 8.0
