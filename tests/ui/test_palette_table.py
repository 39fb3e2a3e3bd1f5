"""The incident log's severity cells are painted with the one palette (core/palette.py),
read back from the model's roles, and their ink stays readable on the fill."""

from __future__ import annotations

from PySide6.QtCore import Qt

from posko_desktop.core import palette
from posko_desktop.ui.models.incident_table import Column

from .conftest import add, wait_loaded


def test_severity_cells_use_the_palette(ctx, make_window, qtbot):
    for i, severity in enumerate(("rendah", "sedang", "tinggi", "kritis")):
        add(ctx, "Warna {s}".format(s=severity), severity=severity, hours_ago=1 + i)
    window = make_window()
    wait_loaded(qtbot, window)
    model = window.log.model
    seen = {}
    for row in range(model.rowCount()):
        index = model.index(row, Column.SEVERITY)
        title = model.index(row, Column.TITLE).data()
        severity = title.split()[-1]
        fill = index.data(Qt.ItemDataRole.BackgroundRole).color().name().lower()
        ink = index.data(Qt.ItemDataRole.ForegroundRole).color().name().lower()
        seen[severity] = (fill, ink)
    assert seen == {s: (palette.SEVERITY_FILL[s].lower(), palette.SEVERITY_INK[s].lower())
                    for s in ("rendah", "sedang", "tinggi", "kritis")}
