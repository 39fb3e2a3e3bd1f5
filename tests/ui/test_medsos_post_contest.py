"""The contest and pair of a post from the queue and from a case's posts page: the pairs
offered are those held for the contest chosen; saving names both by code."""

from __future__ import annotations

from posko_desktop.core.services import contests
from posko_desktop.core.services.medsos import cases, posts
from posko_desktop.core.services.medsos.cases import CaseInput
from posko_desktop.core.services.medsos.posts import PostInput
from tests.ui.test_medsos_tab import desk, idle  # noqa: F401  (the fixture)


def test_a_post_names_its_contest_and_pair_from_the_queue(ctx, desk, qtbot):  # noqa: F811
    ani, _budi = desk
    queue = ani.queue
    for contest, ballot in (("33.74", 1), ("33.74", 2), ("33", 1)):
        contests.add_pair(ctx, contests.PairInput(contest, ballot, "Calon {b}".format(
            b=ballot), "Wakil {b}".format(b=ballot)))
    p = posts.add_post(queue.ctx, PostInput("x", "https://x.com/a/status/6", "paslon 2 curang",
                                            regencies=["33.74"]))
    qtbot.waitUntil(lambda: queue.table.rowCount() == 1, timeout=10_000)
    queue.table.selectRow(0)
    dialog = queue.set_contest()
    assert dialog.contest.currentData() is None and dialog.pair.count() == 1  # "—" only
    dialog.contest.setCurrentIndex(dialog.contest.findData("33.74"))
    assert [dialog.pair.itemData(i) for i in range(dialog.pair.count())] == [None, 1, 2]
    dialog.pair.setCurrentIndex(dialog.pair.findData(2))
    dialog.accept()
    qtbot.waitUntil(lambda: posts.get_post(queue.ctx, p.id).pair_number == 2, timeout=10_000)
    idle(qtbot, queue)
    assert posts.get_post(queue.ctx, p.id).contest_code == "33.74"
    qtbot.waitUntil(lambda: queue.table.item(0, 8).text() == "33.74/2", timeout=10_000)
    assert any("33.74" in m for m in queue.host.messages)
    queue.table.selectRow(0)
    again = queue.set_contest()
    assert (again.contest.currentData(), again.pair.currentData()) == ("33.74", 2)
    again.contest.setCurrentIndex(again.contest.findData("33"))  # other contest: its pairs
    assert [again.pair.itemData(i) for i in range(again.pair.count())] == [None, 1]


def test_the_case_window_names_a_post_s_contest(ctx, desk, qtbot):  # noqa: F811
    ani, _budi = desk
    contests.add_pair(ctx, contests.PairInput("33", 1, "Calon Satu", "Wakil Satu"))
    p = posts.add_post(ani.queue.ctx, PostInput("x", "https://x.com/a/status/8", "paslon 1"))
    c = cases.new_case(ani.queue.ctx, CaseInput("Klaim paslon 1", "hoaks"), [p.id])
    qtbot.waitUntil(lambda: ani.cases.table.rowCount() == 1, timeout=10_000)
    ani.cases.choose(c.number)
    detail = ani.cases.detail
    qtbot.waitUntil(lambda: detail.view is not None and detail.posts_table.rowCount() == 1,
                    timeout=10_000)
    detail.posts_table.selectRow(0)
    dialog = detail.set_post_contest()
    dialog.contest.setCurrentIndex(dialog.contest.findData("33"))
    dialog.pair.setCurrentIndex(dialog.pair.findData(1))
    dialog.accept()
    qtbot.waitUntil(lambda: detail.posts_table.rowCount() == 1
                    and detail.posts_table.item(0, 6).text() == "33/1", timeout=10_000)
    assert posts.get_post(ctx, p.id).pair_number == 1
