"""The chart sizes the dashboard tab really gives at 1366x728 and 1920x1050: the charts
drawn at those sizes keep every text at least 8 pt, inside the figure and apart
(tests/core/test_chart_fit.py runs the same checks at the sizes recorded there)."""

from __future__ import annotations

import pytest

from posko_desktop.core.charts.board import dashboard_figures
from tests.core.chart_fit import outside, overlapping, shown_texts

from .conftest import add
from .test_dashboard import open_dashboard


@pytest.mark.parametrize("size", [(1366, 728), (1920, 1050)])
def test_charts_fit_the_canvases_the_tab_gives_them(ctx, make_window, qtbot, size):
    for i in range(8):
        add(ctx, "Uji ukuran {i}".format(i=i), regency="33.0{n}".format(n=1 + i % 9),
            severity=("rendah", "sedang", "tinggi", "kritis")[i % 4], hours_ago=2 + i * 11)
    window = make_window()
    window.resize(*size)
    tab = open_dashboard(qtbot, window)
    qtbot.waitUntil(lambda: not tab._running and window.runner.active == 0, timeout=30_000)
    sizes = tab._sizes()
    assert all(w >= 120 and h >= 100 for w, h in sizes.values())
    snap = tab.result.snapshot
    for kind, (fig, _rows) in dashboard_figures(snap, sizes).items():
        shown = shown_texts(fig)
        assert not [s.text for s in shown if s.size < 8.0], (kind, sizes[kind])
        assert not outside(fig, shown), (kind, sizes[kind], outside(fig, shown))
        assert not overlapping(shown), (kind, sizes[kind], overlapping(shown))
