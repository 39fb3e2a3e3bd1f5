"""The manual column mapping in the window: importing a monitoring-tool export no preset
knows opens the mapping dialog; the operator maps the columns, sees the first rows with
their problems, keeps the mapping under a name and imports; the next file of that layout
imports without asking."""

from __future__ import annotations

from posko_desktop.core.services.medsos import mappings, posts
from tests.medsos_records.test_mappings import EXPORT
from tests.ui.test_medsos_tab import desk, idle  # noqa: F401  (the fixture)


def test_an_unknown_export_is_mapped_in_the_dialog_and_kept(desk, qtbot, tmp_path,  # noqa: F811
                                                            monkeypatch):
    ani, _budi = desk
    queue = ani.queue
    export = tmp_path / "brand24.csv"
    export.write_text(EXPORT, "utf-8")
    monkeypatch.setattr(type(queue), "ask_open_paths", lambda self, *a: [str(export)])
    queue.import_file()
    qtbot.waitUntil(lambda: queue.mapping_dialog is not None
                    and queue.mapping_dialog.previews >= 1, timeout=10_000)
    dialog = queue.mapping_dialog
    # guessed from our template's names: "Isi" is the text; the link is not guessed
    assert dialog.boxes["text"].currentData() == "Isi"
    assert dialog.boxes["url"].currentData() is None
    dialog.boxes["text"].setCurrentIndex(0)
    dialog.refresh()
    assert dialog.mapping() is None and "kolom tautan atau teks" in dialog.status.text()
    for field, header in (("posted_at", "Tanggal"), ("account_handle", "Akun"),
                          ("text", "Isi"), ("url", "Tautan posting"),
                          ("views", "Jumlah tayang")):
        dialog.boxes[field].setCurrentIndex(dialog.boxes[field].findData(header))
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4, timeout=10_000)
    idle(qtbot, queue)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4 and dialog.preview is not None
                    and len(dialog.preview.rows) == 4, timeout=10_000)
    cells = [[dialog.table.item(r, c).text() for c in range(6)] for r in range(4)]
    assert cells[0][2] == "https://www.facebook.com/warga/posts/123" and cells[0][5] == ""
    assert "Tanggal" in cells[1][5] and "Jumlah tayang" in cells[1][5]  # kept, values left out
    assert cells[2][5] and cells[3][5]  # left out: no link, no text / not a link
    assert "4" in dialog.status.text() and "3" in dialog.status.text()
    dialog.name.setText("brand24")
    dialog.accept()
    qtbot.waitUntil(lambda: queue.table.rowCount() == 2, timeout=10_000)
    assert [m.name for m in mappings.list_mappings(queue.ctx)] == ["brand24"]
    # the next export of that layout: no dialog, imported by the mapping kept
    queue.mapping_dialog = None
    second = tmp_path / "brand24-besok.csv"
    second.write_text(EXPORT.replace("/123", "/124").replace("1812345678901234567",
                                                             "1812345678901234568"), "utf-8")
    monkeypatch.setattr(type(queue), "ask_open_paths", lambda self, *a: [str(second)])
    queue.import_file()
    qtbot.waitUntil(lambda: queue.table.rowCount() == 4, timeout=10_000)
    assert queue.mapping_dialog is None
    assert posts.list_posts(queue.ctx).total == 4
