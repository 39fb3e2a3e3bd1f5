"""The lazily paged log model against an independent look at the SQLite file."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from posko_desktop.core.services import demo
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.ui.models import incident_table
from posko_desktop.ui.models.incident_table import PAGE_SIZE, Column, IncidentTableModel

from .conftest import add, sql


@pytest.fixture
def demo_ctx(ctx):
    demo.generate(ctx, incidents=1500, days=30, end_date=date(2024, 11, 30), seed=11)
    return ctx


def loaded_model(qtbot, ctx, runner, flt: IncidentFilter | None = None):
    model = IncidentTableModel(ctx, runner)
    model._filter = flt or IncidentFilter()
    with qtbot.waitSignal(model.counted, timeout=10_000):
        model.refresh()
    return model


def fetch(qtbot, model, row: int):
    """Ask for a row as a view would, then wait for its page to arrive."""
    model.index(row, 0).data()
    qtbot.waitUntil(lambda: model.row_at(row) is not None, timeout=10_000)
    return model.row_at(row)


def test_model_passes_qtmodeltester(qtmodeltester, qtbot, ctx, runner):
    for i in range(5):
        add(ctx, "Insiden {i}".format(i=i), severity=("rendah", "sedang", "tinggi", "kritis", "sedang")[i])
    model = loaded_model(qtbot, ctx, runner)
    assert model.rowCount() == 5
    qtmodeltester.check(model)


def test_total_equals_an_independent_count(qtbot, demo_ctx, runner, db_path):
    model = loaded_model(qtbot, demo_ctx, runner)
    assert model.rowCount() == sql(db_path, "SELECT count(*) FROM incident WHERE deleted = 0")[0][0]
    assert model.rowCount() > PAGE_SIZE


def test_first_page_shows_before_the_count_arrives(qtbot, demo_ctx, runner):
    """The view gets rows as soon as the first page is in; the total follows by inserting
    rows (no reset), so a selection made meanwhile survives."""
    model = IncidentTableModel(demo_ctx, runner)
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.refresh()
    assert model.row_at(0) is not None
    qtbot.waitUntil(lambda: not model.is_counting, timeout=10_000)
    assert model.rowCount() > PAGE_SIZE


def test_lazy_pages_return_the_rows_sql_returns_in_the_same_order(qtbot, demo_ctx, runner, db_path):
    """Deep rows, sorted by title ascending (ties by local sequence), equal SQL OFFSET."""
    model = loaded_model(qtbot, demo_ctx, runner)
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: not model.is_loading, timeout=10_000)
    assert model.row_at(PAGE_SIZE * 3) is None  # not fetched until asked for
    for row in (0, PAGE_SIZE * 3 + 17, model.rowCount() - 1):
        got = fetch(qtbot, model, row)
        want = sql(db_path, "SELECT number FROM incident WHERE deleted = 0 "
                            "ORDER BY title ASC, seq ASC LIMIT 1 OFFSET ?", row)[0][0]
        assert got.number == want


@pytest.mark.parametrize(("column", "order_sql"), [
    (Column.OCCURRED, "occurred_at DESC, seq DESC"),
    (Column.REGENCY, "regency_code DESC, occurred_at DESC, seq DESC"),
    (Column.TITLE, "title DESC, seq DESC"),
])
def test_jumps_by_page_key_land_on_the_rows_sql_offset_gives(qtbot, demo_ctx, runner, db_path,
                                                             monkeypatch, column, order_sql):
    """After the key pass a deep page is fetched from its first row's key: every jumped-to
    row must be the row SQL OFFSET gives, for pages at and past the last key too."""
    monkeypatch.setattr(incident_table, "PAGE_KEYS_FROM", 1000)
    model = loaded_model(qtbot, demo_ctx, runner)
    with qtbot.waitSignal(model.keys_loaded, timeout=10_000):
        model.sort(column, Qt.SortOrder.DescendingOrder)
    assert model.jumps_are_seeks
    last = model.rowCount() - 1
    for row in (PAGE_SIZE * 5 + 3, PAGE_SIZE * 2, last, 1):
        got = fetch(qtbot, model, row)
        want = sql(db_path, "SELECT number FROM incident WHERE deleted = 0 "
                            f"ORDER BY {order_sql} LIMIT 1 OFFSET ?", row)[0][0]
        assert got.number == want, row


def test_a_refresh_drops_the_page_keys_of_the_old_order(qtbot, demo_ctx, runner, monkeypatch):
    monkeypatch.setattr(incident_table, "PAGE_KEYS_FROM", 1000)
    model = loaded_model(qtbot, demo_ctx, runner)
    qtbot.waitUntil(lambda: model.jumps_are_seeks, timeout=10_000)
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert not model.jumps_are_seeks
    qtbot.waitUntil(lambda: model.jumps_are_seeks, timeout=10_000)


def test_sorting_by_severity_is_done_by_rank_not_by_label(qtbot, demo_ctx, runner, db_path):
    model = loaded_model(qtbot, demo_ctx, runner)
    model.sort(Column.SEVERITY, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not model.is_loading, timeout=10_000)
    top = model.row_at(0)
    assert top.severity == "kritis"
    last = fetch(qtbot, model, model.rowCount() - 1)
    assert last.severity == "rendah"


def test_filter_rows_match_sql(qtbot, demo_ctx, runner, db_path):
    flt = IncidentFilter(regencies=("33.74",), severities=("tinggi", "kritis"))
    model = loaded_model(qtbot, demo_ctx, runner, flt)
    want = sql(db_path, "SELECT number FROM incident WHERE deleted = 0 AND regency_code = '33.74' "
                        "AND severity IN ('tinggi', 'kritis') ORDER BY occurred_at DESC, seq DESC")
    assert model.rowCount() == len(want)
    got = [fetch(qtbot, model, r).number for r in range(model.rowCount())]
    assert got == [w[0] for w in want]


def test_overdue_incident_is_flagged_with_icon_and_tooltip(qtbot, ctx, runner):
    add(ctx, "Lama tidak ditanggapi", severity="kritis", hours_ago=30,
        reported_at=None)
    model = loaded_model(qtbot, ctx, runner)
    # Respond-by of a critical incident is 1 hour after it was reported (now): not yet late.
    assert model.index(0, Column.NUMBER).data(Qt.ItemDataRole.DecorationRole) is None
    model._now = model.row_at(0).respond_by.replace(year=model.row_at(0).respond_by.year + 1)
    icon = model.index(0, Column.NUMBER).data(Qt.ItemDataRole.DecorationRole)
    assert icon is not None and not icon.isNull()
    assert "Terlambat" in model.index(0, Column.NUMBER).data(Qt.ItemDataRole.ToolTipRole)


def test_rows_of_a_page_not_loaded_show_a_placeholder(qtbot, demo_ctx, runner):
    model = loaded_model(qtbot, demo_ctx, runner)
    far = model.rowCount() - 1
    assert model.index(far, Column.NUMBER).data() == "…"
    assert model.index(far, Column.TITLE).data() is None
    qtbot.waitUntil(lambda: model.row_at(far) is not None, timeout=10_000)
    assert model.index(far, Column.NUMBER).data() == model.row_at(far).number


def test_pages_scrolled_past_are_not_fetched_and_asked_again_when_shown(qtbot, demo_ctx, runner):
    """Fast scrolling queues many pages; only the recent ones are queried, and a page that
    was skipped loads when the view asks for it again."""
    model = loaded_model(qtbot, demo_ctx, runner)
    pages = model.rowCount() // PAGE_SIZE
    for page in range(1, pages + 1):
        model.index(min(page * PAGE_SIZE, model.rowCount() - 1), 0).data()
    qtbot.waitUntil(lambda: not model._pending, timeout=10_000)
    assert model.row_at(model.rowCount() - 1) is not None  # the last page asked: loaded
    assert fetch(qtbot, model, PAGE_SIZE).number  # skipped or not, it comes when asked


def test_tick_flags_an_incident_that_became_overdue_while_the_log_was_open(qtbot, ctx, runner):
    inc = add(ctx, "Belum ditanggapi", severity="kritis", hours_ago=0.5)
    model = loaded_model(qtbot, ctx, runner)
    assert model.index(0, Column.NUMBER).data(Qt.ItemDataRole.DecorationRole) is None
    later = inc.respond_by.replace(year=inc.respond_by.year + 1)
    ctx.clock = lambda: later
    with qtbot.waitSignal(model.dataChanged):
        model.tick()
    assert model.index(0, Column.NUMBER).data(Qt.ItemDataRole.DecorationRole) is not None


def test_page_cache_is_bounded(qtbot, demo_ctx, runner, monkeypatch):
    """Scrolled end to end, only the most recent pages stay in memory."""
    monkeypatch.setattr(incident_table, "CACHE_PAGES", 3)
    model = loaded_model(qtbot, demo_ctx, runner)
    for row in range(0, model.rowCount(), PAGE_SIZE):
        fetch(qtbot, model, row)
    assert len(model._pages) == 3
    last = model.rowCount() - 1
    assert model.row_at(last) is not None and model.row_at(0) is None
