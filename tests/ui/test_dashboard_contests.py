"""The dashboard's contest panel in the real window (issue 17): the numbers of the file
(incidents and posts naming each contest and pair in the period, deleted ones left out),
counted with the dashboard's refresh (migration 0028's index) before the panel is shown,
a contest picked shows its pairs, a new incident naming a contest shows up by itself, and
the texts follow the language."""

from __future__ import annotations

from PySide6.QtCore import Qt

from posko_desktop.core import i18n
from posko_desktop.core.services import contests
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.medsos import posts
from posko_desktop.core.services.medsos.posts import PostInput
from posko_desktop.ui.dashboard.contests_panel import ContestsPanel

from .conftest import add, sql
from .test_dashboard import open_dashboard


def _seed(ctx) -> None:
    for contest, ballot in (("33", 1), ("33", 2), ("33.74", 1), ("33.74", 2)):
        contests.add_pair(ctx, contests.PairInput(
            contest, ballot, "Calon {c}-{b}".format(c=contest, b=ballot), "Wakil {b}".format(b=ballot)))
    for n, (contest, pair) in enumerate((("33", 1), ("33", 1), ("33", 2), ("33", None),
                                         ("33.74", 2), ("33.74", 2), ("33.74", 1))):
        add(ctx, "Kampanye {n}".format(n=n), regency="33.74", contest_code=contest,
            pair_number=pair)
    gone = add(ctx, "Dobel", regency="33.74", contest_code="33.74", pair_number=1)
    inc.set_deleted(ctx, gone.id, True, "dobel")
    add(ctx, "Lama", regency="33.74", contest_code="33.74", pair_number=1, hours_ago=24 * 60)
    for n, (contest, pair) in enumerate((("33", 2), ("33", 2), ("33.74", None))):
        posts.add_post(ctx, PostInput("x", "https://x.com/a/status/{n}".format(n=n),
                                      "paslon curang", contest_code=contest, pair_number=pair))


def _open_panel(tab) -> ContestsPanel:
    """The panel picked in the side pages' drop-down list, as a user picks it: its counts
    came with the dashboard's refresh."""
    picker = tab.watch_tabs.picker
    picker.setCurrentIndex(tab.watch_tabs.indexOf(tab.contests))
    assert tab.watch_tabs.currentWidget() is tab.contests and tab.contests.isVisible()
    return tab.contests


def _as_int(cell: str) -> int:
    return int(cell.replace(".", "").replace(",", ""))


def test_the_panel_shows_the_counts_of_the_file(ctx, db_path, make_window, qtbot):
    _seed(ctx)
    window = make_window()
    tab = open_dashboard(qtbot, window)
    assert not tab.contests.isVisible() and tab.contests.counts is not None  # the refresh's
    panel = _open_panel(tab)
    first, last = tab.result.query.date_from.isoformat(), tab.result.query.date_to.isoformat()
    incidents = dict(sql(db_path, "SELECT contest_code, count(*) FROM incident WHERE deleted = 0 "
                                  "AND contest_code IS NOT NULL AND occurred_date BETWEEN ? AND ? "
                                  "GROUP BY 1", first, last))
    post_rows = dict(sql(db_path, "SELECT contest_code, count(*) FROM social_post WHERE "
                                  "deleted = 0 AND contest_code IS NOT NULL GROUP BY 1"))
    assert incidents == {"33": 4, "33.74": 3} and post_rows == {"33": 2, "33.74": 1}
    rows = panel.rows()
    assert [r[0] for r in rows] == ["Pilgub Jawa Tengah", "Kota Semarang"]
    assert [(_as_int(r[1]), _as_int(r[2])) for r in rows] == [(4, 2), (3, 1)]
    # the Pilgub is open on its pairs: number and names, "tanpa paslon" last
    assert rows[0][3] == [("1. Calon 33-1 – Wakil 1", "2", "0"), ("2. Calon 33-2 – Wakil 2", "1", "2"),
                          ("tanpa paslon", "1", "0")]
    pilgub, semarang = panel._tops()
    assert pilgub.isExpanded() and not semarang.isExpanded()
    assert semarang.toolTip(0) == "Pilwalkot Kota Semarang"
    # picking a contest shows its pairs (the deleted incident left out)
    panel.tree.setCurrentItem(semarang)
    assert semarang.isExpanded()
    assert rows[1][3] == [("1. Calon 33.74-1 – Wakil 1", "1", "0"),
                          ("2. Calon 33.74-2 – Wakil 2", "2", "0"),
                          ("tanpa paslon", "0", "1")]
    # sorting by incidents puts the busiest first
    panel.tree.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [r[0] for r in panel.rows()] == ["Pilgub Jawa Tengah", "Kota Semarang"]
    panel.tree.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert [r[0] for r in panel.rows()] == ["Kota Semarang", "Pilgub Jawa Tengah"]


def test_a_new_incident_naming_a_contest_shows_up(ctx, make_window, qtbot):
    _seed(ctx)
    window = make_window()
    tab = open_dashboard(qtbot, window)
    panel = _open_panel(tab)
    assert "Kab. Cilacap" not in [r[0] for r in panel.rows()]
    add(ctx, "Baliho dirusak", regency="33.01", contest_code="33.01", hours_ago=0.5)
    qtbot.waitUntil(lambda: any(r[0] == "Kab. Cilacap" for r in panel.rows()),
                    timeout=60_000)
    row = next(r for r in panel.rows() if r[0] == "Kab. Cilacap")
    assert (row[1], row[2]) == ("1", "0")


def test_the_panel_speaks_the_chosen_language(ctx, make_window, qtbot):
    _seed(ctx)
    window = make_window()
    tab = open_dashboard(qtbot, window)
    panel = _open_panel(tab)
    header = panel.tree.headerItem()
    assert [header.text(i) for i in range(3)] == ["Pemilihan / paslon", "Kejadian", "Unggahan"]
    picker = tab.watch_tabs.picker
    assert [picker.itemText(i) for i in range(picker.count())] == [
        "Pemantauan laporan", "Kabupaten/kota diam", "Kerawanan", "Kecamatan rawan", "Pemilihan"]
    assert panel.caption.text().startswith("Kejadian dan unggahan")
    try:
        with qtbot.waitSignal(panel.loaded, timeout=30_000):
            window.set_language("en")
        assert [header.text(i) for i in range(3)] == ["Contest / candidate pair", "Incidents",
                                                      "Posts"]
        assert picker.currentText() == "Contests"
        rows = panel.rows()
        assert rows[0][0] == "Governor election Jawa Tengah"
        assert rows[0][3][-1][0] == "no candidate pair"
    finally:
        i18n.set_language("id")
