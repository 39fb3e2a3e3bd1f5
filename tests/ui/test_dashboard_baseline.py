"""The dashboard's baseline in the real window: the map mode "kerawanan awal" draws the IKP
classes, and the Kerawanan tables show the rawan-TPS counts of the imported sample files."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.kerawanan.samples import independent_counts, write_samples
from tests.kerawanan.test_baseline import import_all

from .test_dashboard import open_dashboard


def test_the_map_mode_and_tables_show_the_imported_baseline(ctx, make_window, qtbot, tmp_path):
    paths = write_samples(tmp_path)
    import_all(ctx, paths)
    want = independent_counts(paths)
    window = make_window()
    window.resize(1920, 1050)  # room for the counts in the map's legend (dropped at 1366)
    tab = open_dashboard(qtbot, window)
    shown = {tab.baseline_table.item(r, 0).data(Qt.ItemDataRole.UserRole):
             int(tab.baseline_table.item(r, 2).text().replace(".", ""))
             for r in range(tab.baseline_table.rowCount())}
    assert len(shown) == 35
    assert {c: n for c, n in shown.items() if n} == dict(want["rawan_regency"])
    assert tab.kecamatan_table.rowCount() > 0
    with qtbot.waitSignal(tab.refreshed, timeout=30_000):
        tab.map_mode.setCurrentIndex(1)
    title = tab.panels["tilemap"].figure.texts[0].get_text()
    assert "IKP" in title
    legend = [t.get_text() for t in tab.panels["tilemap"].figure.axes[0].get_legend().get_texts()]
    assert legend[2].endswith("({n})".format(n=len(want["ikp_tinggi"])))
