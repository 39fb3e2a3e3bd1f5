"""The place of a post from the queue: the chosen post's regency first, then a kecamatan of
it and a desa of that kecamatan; a regency the post did not name is added to it."""

from __future__ import annotations

from posko_desktop.core.services.medsos import posts
from posko_desktop.core.services.medsos.posts import PostInput
from tests.ui.test_medsos_tab import desk, idle  # noqa: F401  (the fixture)


def test_a_post_is_placed_from_the_queue(desk, qtbot):  # noqa: F811
    ani, _budi = desk
    queue = ani.queue
    p = posts.add_post(queue.ctx, PostInput("x", "https://x.com/a/status/5", "ricuh di TPS",
                                            regencies=["33.74"]))
    qtbot.waitUntil(lambda: queue.table.rowCount() == 1, timeout=10_000)
    queue.table.selectRow(0)
    dialog = queue.set_place()
    assert dialog.regency.currentData() == "33.74"
    dialog.kecamatan.setCurrentIndex(dialog.kecamatan.findData("33.74.01"))
    assert dialog.desa.findData("33.74.01.1001") > 0 and dialog.desa.findData(
        "33.74.02.1001") < 0  # the desa of the kecamatan chosen only
    dialog.desa.setCurrentIndex(dialog.desa.findData("33.74.01.1001"))
    dialog.accept()
    qtbot.waitUntil(lambda: posts.get_post(queue.ctx, p.id).desa_code == "33.74.01.1001",
                    timeout=10_000)
    idle(qtbot, queue)
    assert any("Kec. Semarang Tengah" in m for m in queue.host.messages)
    queue.table.selectRow(0)
    again = queue.set_place()
    assert again.kecamatan.currentData() == "33.74.01"
    again.regency.setCurrentIndex(again.regency.findData("33.22"))  # another regency
    again.kecamatan.setCurrentIndex(1)
    kec = again.kecamatan.currentData()
    again.accept()
    qtbot.waitUntil(lambda: posts.get_post(queue.ctx, p.id).kecamatan_code == kec,
                    timeout=10_000)
    stored = posts.get_post(queue.ctx, p.id)
    assert stored.regencies == ("33.22", "33.74") and stored.desa_code is None


def test_the_place_dialog_finds_a_desa_by_typing_part_of_its_name(desk, qtbot):  # noqa: F811
    ani, _budi = desk
    queue = ani.queue
    posts.add_post(queue.ctx, PostInput("x", "https://x.com/a/status/6", "ricuh di TPS",
                                        regencies=["33.74"]))
    qtbot.waitUntil(lambda: queue.table.rowCount() == 1, timeout=10_000)
    queue.table.selectRow(0)
    dialog = queue.set_place()
    for box, typed in ((dialog.kecamatan, "semarang tengah"), (dialog.desa, "mirot")):
        box.lineEdit().clear()
        qtbot.keyClicks(box.lineEdit(), typed)
        box.lineEdit().editingFinished.emit()
    assert (dialog.kecamatan.currentData(), dialog.desa.currentData()) == (
        "33.74.01", "33.74.01.1001")
    assert dialog.changes() == {"kecamatan_code": "33.74.01", "desa_code": "33.74.01.1001"}
    dialog.reject()
