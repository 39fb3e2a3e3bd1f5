"""The Kerawanan tab: the 36 contests with their pairs, a pair added and edited through the
dialog (a stale save shown and the stored pair reloaded, nothing written), imports with
their row-level report, and the versions of the baseline; hosted by a stand-in window."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from posko_desktop.core.services import contests
from posko_desktop.core.services.contests import PairInput
from posko_desktop.ui.events import QtEvents
from posko_desktop.ui.kerawanan import KerawananTab, make_tab
from posko_desktop.ui.kerawanan.dialog import PairDialog
from tests.kerawanan.samples import write_samples

from .test_activities_tab import Host


@pytest.fixture
def tab(ctx, runner, qtbot):
    events = QtEvents(ctx.bus)
    host = Host(ctx, runner, events)
    widget = make_tab(host)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.loads >= 1, timeout=10_000)
    yield widget
    runner.wait(10_000)
    events.close()


def test_pairs_are_listed_added_and_a_stale_edit_reloads(tab: KerawananTab, ctx, qtbot):
    assert isinstance(tab.tab_title(), str) and tab.pairs.rowCount() == 36
    dialog = tab.add()
    dialog.contest.setCurrentIndex(dialog.contest.findData("33.74"))
    dialog.head.setText("Calon Wali Kota A")
    dialog.deputy.setText("Calon Wakil A")
    dialog.parties.setText("Partai A; Partai B")
    loads = tab.loads
    dialog.save()
    assert dialog.saved is not None and dialog.saved.parties == ("Partai A", "Partai B")
    qtbot.waitUntil(lambda: tab.loads > loads, timeout=10_000)
    row = next(i for i, (c, p) in enumerate(tab.rows) if p is not None)
    assert tab.pairs.item(row, 3).text() == "Calon Wali Kota A"
    tab.pairs.selectRow(row)
    edit = tab.edit_selected()
    assert isinstance(edit, PairDialog)
    contests.update_pair(ctx, edit.pair.id, {"head": "Diubah di tempat lain"})
    edit.head.setText("Perubahan saya")
    edit.save()  # refused: shown, and the stored pair is loaded into the dialog
    assert edit.head.text() == "Diubah di tempat lain" and edit.saved is None
    assert contests.get_pair(ctx, edit.pair.id).head == "Diubah di tempat lain"
    edit.head.setText("Perubahan saya")
    edit.save()
    assert contests.get_pair(ctx, edit.pair.id).head == "Perubahan saya"


def test_imports_list_versions_and_report_bad_rows(tab: KerawananTab, ctx, qtbot, tmp_path,
                                                   monkeypatch):
    contests.add_pair(ctx, PairInput("33", 1, "Calon A", "Wakil A"))
    paths = write_samples(tmp_path, desa_count=20)
    tab.import_file("tps", str(paths["tps"]))
    tab.import_file("ikp", str(paths["ikp"]))
    qtbot.waitUntil(lambda: tab.versions_table.rowCount() == 1, timeout=10_000)
    assert tab.versions_table.item(0, 4).text() != ""  # the current version
    boxes: list[QMessageBox] = []
    monkeypatch.setattr("posko_desktop.ui.kerawanan.tab.show_error",
                        lambda parent, err: boxes.append(QMessageBox()) or boxes[-1])
    bad = tmp_path / "polda.csv"
    bad.write_text("Kode desa;Nomor TPS;Kelas Polda\n33.74.01.1001;1;agak rawan\n",
                   encoding="utf-8")
    tab.import_file("polda", str(bad))
    qtbot.waitUntil(lambda: bool(boxes), timeout=10_000)
    assert 'row 2, column "Kelas Polda"' in boxes[0].detailedText() or \
        'baris 2, kolom "Kelas Polda"' in boxes[0].detailedText()
    template = tmp_path / "templat.xlsx"
    tab.template("tps_rawan", str(template))
    assert template.read_bytes()[:2] == b"PK"
