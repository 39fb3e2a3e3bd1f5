"""Stage progress per regency (issue 17): reports stored and audited, totals defaulted,
bad reports refused with the database unchanged, the board as of a time, the optimistic
version check and the roles, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.db.models_records import StageReport
from posko_desktop.core.domain import (
    Actor,
    PermissionDenied,
    ProgressStage,
    StaleEdit,
    TransitionError,
    ValidationError,
)
from posko_desktop.core.events import ChangeKind
from posko_desktop.core.services import stage_progress as prog
from posko_desktop.core.services.stage_progress import StageReportInput


def dump(ctx: AppContext) -> list:
    with ctx.db.read() as s:
        rows = [(r.id, r.regency, r.stage, r.as_of, r.counts, r.note, r.deleted, r.mod_stamp,
                 dict(r.field_stamps)) for r in s.scalars(select(StageReport).order_by(
                     StageReport.id))]
        audit = list(s.scalars(select(AuditEntry.id)))
    return [rows, audit]


def as_role(ctx: AppContext, role: str) -> AppContext:
    return ctx.as_actor(Actor("budi-" + role, role, "Budi"))


def voting(**kw) -> StageReportInput:
    values = dict(regency="33.22", stage="pemungutan", as_of=datetime(2024, 11, 27, 13, 0),
                  done=1800, total=2_640, note="Laporan KPU Kab. Semarang pukul 13.00")
    values.update(kw)
    return StageReportInput(**values)


def test_a_report_is_stored_in_utc_audited_and_announced(any_ctx):
    seen = []
    any_ctx.bus.subscribe(seen.append)
    r = prog.report_stage(as_role(any_ctx, "operator"), voting())
    assert r.as_of == datetime(2024, 11, 27, 6, 0, tzinfo=UTC)  # 13.00 WIB
    assert (r.done, r.total, r.complete) == (1800, 2640, False)
    assert r.number == "TAH-3300-{y:02d}-0001".format(y=any_ctx.now().year % 100)
    assert [c.kind for c in seen] == [ChangeKind.STAGE_PROGRESS]
    with any_ctx.db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "progress.report")).one()
    assert entry.record_id == str(r.id) and entry.username == "budi-operator"


def test_totals_default_by_stage(any_ctx):
    logistics = prog.report_stage(any_ctx, voting(stage="logistik", done=1, total=None))
    assert (logistics.total, logistics.complete) == (1, True)
    kecamatan = prog.report_stage(any_ctx, voting(stage="rekap_kecamatan", done=4, total=None))
    assert kecamatan.total == 19  # Kabupaten Semarang has 19 kecamatan (places, 0011)
    prog.report_stage(any_ctx, voting())
    later = prog.report_stage(any_ctx, voting(as_of=datetime(2024, 11, 27, 18, 0), done=2640,
                                              total=None))
    assert (later.total, later.complete) == (2640, True)  # carried from the earlier report
    none_needed = prog.report_stage(any_ctx, voting(stage="psu", done=0, total=0))
    assert none_needed.complete


@pytest.mark.parametrize(("change", "field"), [
    (dict(done=2641), "done"),
    (dict(stage="hitung"), "stage"),
    (dict(regency="33.99"), "regency"),
    (dict(stage="rekap_kabkota", done=1, total=2), "total"),
    (dict(stage="pss", total=None), "total"),  # the first PSS report needs its total
    (dict(done=-1), "done"),
    (dict(as_of=datetime(2019, 12, 31, 9, 0)), "as_of"),
    (dict(note="Catatan\x1b[2J"), "note"),
])
def test_a_bad_report_is_refused_and_nothing_written(any_ctx, change, field):
    prog.report_stage(any_ctx, voting(stage="logistik", done=1, total=1))
    before = dump(any_ctx)
    with pytest.raises(ValidationError) as err:
        prog.report_stage(any_ctx, voting(**change))
    assert err.value.field == field
    assert dump(any_ctx) == before


def test_the_board_shows_the_newest_report_as_of_a_time(any_ctx):
    prog.report_stage(any_ctx, voting(as_of=datetime(2024, 11, 27, 13, 0), done=1800))
    late = prog.report_stage(any_ctx, voting(as_of=datetime(2024, 11, 28, 1, 0), done=2640))
    prog.report_stage(any_ctx, voting(regency="33.74", stage="logistik", done=1, total=1,
                                      as_of=datetime(2024, 11, 26, 20, 0)))
    now = prog.board(any_ctx)
    assert len(now.regencies) == 35
    assert now.cell("33.22", ProgressStage.PEMUNGUTAN).done == 2640
    assert now.cell("33.01", ProgressStage.PEMUNGUTAN) is None
    assert now.complete_count(ProgressStage.LOGISTIK) == 1
    at_midnight = prog.board(any_ctx, datetime(2024, 11, 28, 0, 0))  # WIB
    assert at_midnight.cell("33.22", ProgressStage.PEMUNGUTAN).done == 1800
    prog.set_deleted(any_ctx, late.id, True, "salah ketik")
    assert prog.board(any_ctx).cell("33.22", ProgressStage.PEMUNGUTAN).done == 1800


def test_a_stale_correction_is_refused_and_the_reloaded_one_saved(any_ctx, any_db):
    r = prog.report_stage(any_ctx, voting())
    other = AppContext(any_db, Actor("sari", "admin", "Sari"))
    prog.update_report(other, r.id, {"done": 1900}, expected_version=r.version)
    before = dump(any_ctx)
    with pytest.raises(StaleEdit) as err:
        prog.update_report(any_ctx, r.id, {"note": "koreksi"}, expected_version=r.version)
    assert dump(any_ctx) == before
    assert err.value.current["done"] == 1900 and "by sari" in err.value.text_in("en")
    saved = prog.update_report(any_ctx, r.id, {"note": "koreksi"},
                               expected_version=err.value.version)
    assert (saved.done, saved.note) == (1900, "koreksi")
    with any_ctx.db.read() as s:
        stamps = s.get(StageReport, r.id).field_stamps
    assert stamps["note"] > stamps["counts"] > stamps["regency"]  # only changed fields


def test_operators_report_and_correct_supervisors_delete(any_ctx):
    operator, supervisor = as_role(any_ctx, "operator"), as_role(any_ctx, "supervisor")
    r = prog.report_stage(operator, voting())
    prog.update_report(operator, r.id, {"done": 2000})
    before = dump(any_ctx)
    with pytest.raises(PermissionDenied):
        prog.set_deleted(operator, r.id, True)
    with pytest.raises(ValidationError):
        prog.update_report(operator, r.id, {"done": 3000})  # more than the total
    with pytest.raises(ValidationError):
        prog.update_report(operator, r.id, {"stage": "psu"})  # not editable
    assert dump(any_ctx) == before
    assert prog.set_deleted(supervisor, r.id, True, "dobel").deleted
    with pytest.raises(TransitionError):
        prog.update_report(supervisor, r.id, {"done": 1})
    assert prog.list_reports(any_ctx) == []
