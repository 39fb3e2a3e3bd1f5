"""Demo stage reports: every regency's stages from the eve of voting day through the tally
(within the demo period and before the clock), valid as the service would take them, and
a board that reads like the 2024 desks' (all logistics and voting complete by the night of
voting day)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import ProgressStage
from posko_desktop.core.services import demo
from posko_desktop.core.services import stage_progress as prog
from posko_desktop.core.services.sync.records import TABLES, record_of
from posko_desktop.core.sync.kinds import STAGE_REPORTS, KindRules, check_record


def test_demo_data_fills_the_board_as_the_days_went(ctx):
    clocked = AppContext(ctx.db, ctx.actor, ctx.bus,
                         clock=lambda: datetime(2024, 12, 10, 3, 0, tzinfo=UTC))
    demo.generate(clocked, incidents=50, days=30, end_date=date(2024, 12, 9), seed=3)
    reports = prog.list_reports(clocked)
    assert reports and all(r.done <= r.total for r in reports)
    assert max(r.as_of for r in reports) <= clocked.now()
    night = prog.board(clocked, datetime(2024, 11, 27, 23, 0))  # WIB
    assert night.complete_count(ProgressStage.LOGISTIK) == 35
    assert night.complete_count(ProgressStage.PEMUNGUTAN) == 35
    assert night.reported_count(ProgressStage.REKAP_KABKOTA) == 0
    later = prog.board(clocked)
    assert later.complete_count(ProgressStage.REKAP_KECAMATAN) == 35
    assert later.complete_count(ProgressStage.REKAP_PROVINSI) == 35
    semarang = later.cell("33.22", ProgressStage.REKAP_KECAMATAN)
    assert semarang is not None and semarang.total == 19
    tps = sum(later.cell(g.code, ProgressStage.PEMUNGUTAN).total for g in later.regencies)
    assert 50_000 <= tps <= 66_000  # ~58,000 TPS in Jawa Tengah
    rules = KindRules(frozenset(g.code for g in later.regencies), clocked.now(),
                      "9999999999999-99999-33")
    with clocked.db.read() as s:
        from posko_desktop.core.db.models_records import StageReport

        for obj in s.query(StageReport):
            rec = record_of(STAGE_REPORTS, obj, "33", set(), set())
            assert check_record(STAGE_REPORTS, rec, rules) is None
    assert "stage_reports" in TABLES
