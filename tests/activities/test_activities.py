"""The desk's activity log: roles, audit, text checks, the optimistic version check and
the period query of the sitrep's section D, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.db.models_records import Activity
from posko_desktop.core.domain import (
    ActivityKind,
    Actor,
    AttachmentError,
    PermissionDenied,
    StaleEdit,
    TransitionError,
    ValidationError,
)
from posko_desktop.core.events import ChangeKind
from posko_desktop.core.services import activities as act
from posko_desktop.core.services import demo
from posko_desktop.core.services.activities import ActivityFilter, ActivityInput
from posko_desktop.core.timeutil import wib_range

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def patroli(**kw) -> ActivityInput:
    values = dict(kind="patroli_siber", title="Patroli siber akun penyebar hoaks",
                  started_at=datetime(2024, 11, 26, 23, 30),  # WIB: 16:30 UTC
                  regencies=["3374", "33.22"], partners=["komdigi", "FKDM Kota Semarang"],
                  result="12 konten dilaporkan ke aduankonten.")
    values.update(kw)
    return ActivityInput(**values)


def dump(ctx: AppContext) -> list:
    with ctx.db.read() as s:
        rows = [(a.id, a.title, a.result, a.mod_stamp, a.deleted, dict(a.field_stamps))
                for a in s.scalars(select(Activity).order_by(Activity.id))]
        audit = list(s.scalars(select(AuditEntry.id)))
    return [rows, audit]


def as_role(ctx: AppContext, role: str) -> AppContext:
    return ctx.as_actor(Actor("budi-" + role, role, "Budi"))


def test_an_activity_is_stored_in_utc_audited_and_announced(any_ctx):
    seen = []
    any_ctx.bus.subscribe(seen.append)
    a = act.add_activity(as_role(any_ctx, "operator"), patroli())
    assert a.started_at == datetime(2024, 11, 26, 16, 30, tzinfo=UTC)
    assert a.regencies == ("33.22", "33.74")
    assert a.partners == ("KOMDIGI", "FKDM Kota Semarang")  # the agency by its code
    assert a.number == "KEG-3300-{y:02d}-0001".format(y=any_ctx.now().year % 100)
    assert a.kind_label == "Patroli siber"
    assert [c.kind for c in seen] == [ChangeKind.ACTIVITY]
    with any_ctx.db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "activity.create")).one()
    assert entry.record_id == str(a.id)


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "pesta"}, "kind"),
    ({"title": "  "}, "title"),
    ({"title": "Rakor\x00"}, "title"),
    ({"regencies": ["33.99"]}, "regencies"),
    ({"partners": ["FKUB\x1b"]}, "partners"),
    ({"ended_at": datetime(2024, 11, 26, 8, 0)}, "ended_at"),
    ({"result": "x" * 20_001}, "result"),
    ({"started_at": datetime(2019, 12, 31, 9, 0)}, "started_at"),
    ({"started_at": datetime(2099, 1, 1, 9, 0)}, "started_at"),
])
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(any_ctx, change, field):
    a = act.add_activity(any_ctx, patroli())
    before = dump(any_ctx)
    with pytest.raises(ValidationError) as err:
        act.update_activity(any_ctx, a.id, change)
    assert err.value.field == field
    assert dump(any_ctx) == before


def test_operators_record_supervisors_delete(any_ctx):
    operator, supervisor = as_role(any_ctx, "operator"), as_role(any_ctx, "supervisor")
    a = act.add_activity(operator, patroli())
    act.update_activity(operator, a.id, {"result": "Selesai"})
    before = dump(any_ctx)
    with pytest.raises(PermissionDenied):
        act.set_deleted(operator, a.id, True)
    assert dump(any_ctx) == before
    gone = act.set_deleted(supervisor, a.id, True, "dobel")
    assert gone.deleted and act.list_activities(any_ctx) == []
    with pytest.raises(TransitionError):
        act.update_activity(supervisor, a.id, {"result": "lagi"})
    assert not act.set_deleted(supervisor, a.id, False).deleted


def test_a_stale_update_is_refused_and_the_reloaded_one_saved(any_ctx, any_db):
    a = act.add_activity(any_ctx, patroli())
    other = AppContext(any_db, Actor("sari", "admin", "Sari"))
    act.update_activity(other, a.id, {"title": "Patroli siber malam"},
                        expected_version=a.version)
    before = dump(any_ctx)
    with pytest.raises(StaleEdit) as err:
        act.update_activity(any_ctx, a.id, {"result": "versi lama"}, expected_version=a.version)
    assert err.value.current["title"] == "Patroli siber malam"
    assert "sari" in err.value.text_in("en")
    assert dump(any_ctx) == before
    with pytest.raises(ValidationError):
        act.update_activity(any_ctx, a.id, {"result": "x"}, expected_version="bukan-versi")
    saved = act.update_activity(any_ctx, a.id, {"result": "versi baru"},
                                expected_version=err.value.version)
    assert (saved.title, saved.result) == ("Patroli siber malam", "versi baru")


def test_attachments_use_the_blob_store_and_its_type_sniffing(any_ctx):
    a = act.add_activity(any_ctx, patroli())
    b = act.add_activity(any_ctx, patroli(title="Imbauan", kind="imbauan"))
    a = act.attach(any_ctx, a.id, "../tangkapan layar.png", PNG)
    act.attach(any_ctx, b.id, "sama.png", PNG)
    assert a.attachments[0].filename == "tangkapan layar.png"
    assert a.attachments[0].mime == "image/png"
    assert act.attachment_data(any_ctx, b.id, a.attachments[0].sha256) == PNG
    before = dump(any_ctx)
    with pytest.raises(AttachmentError):
        act.attach(any_ctx, a.id, "skrip.exe", b"MZ\x90\x00")
    assert dump(any_ctx) == before


def test_in_period_gives_the_activities_of_the_report_day(any_ctx):
    """The report period of 27 Nov 2024 runs 26 Nov 07.00 to 27 Nov 07.00 WIB."""
    inside = act.add_activity(any_ctx, patroli())  # 26 Nov 23.30 WIB
    late = act.add_activity(any_ctx, patroli(title="Rakor", kind="rakor",
                                             started_at=datetime(2024, 11, 27, 7, 0),
                                             regencies=[]))
    other = act.add_activity(any_ctx, patroli(title="Sosialisasi", kind="sosialisasi_edukasi",
                                              started_at=datetime(2024, 11, 26, 7, 0),
                                              regencies=["33.01"]))
    gone = act.add_activity(any_ctx, patroli(title="Batal"))
    act.set_deleted(any_ctx, gone.id, True)
    start, end = datetime(2024, 11, 26, 0, 0, tzinfo=UTC), datetime(2024, 11, 27, 0, 0, tzinfo=UTC)
    got = act.in_period(any_ctx, start, end)
    assert [a.id for a in got] == [other.id, inside.id]
    assert [a.id for a in act.in_period(any_ctx, start, end, regency="33.74")] == [inside.id]
    assert late.id not in {a.id for a in got}
    first, last = wib_range(datetime(2024, 11, 26).date(), datetime(2024, 11, 26).date())
    assert [a.id for a in act.list_activities(any_ctx, ActivityFilter(
        first, last, kind="patroli_siber"))] == [inside.id]


def test_another_sites_activity_needs_a_supervisor_here(any_ctx):
    a = act.add_activity(any_ctx, patroli())
    with any_ctx.db.write() as s:  # as if it came by sync
        s.get(Activity, a.id).origin_site = "33.22"
    before = dump(any_ctx)
    with pytest.raises(PermissionDenied):
        act.update_activity(as_role(any_ctx, "operator"), a.id, {"result": "x"})
    assert dump(any_ctx) == before
    act.update_activity(as_role(any_ctx, "supervisor"), a.id, {"result": "x"})


def test_demo_data_brings_activities_of_every_kind_in_indonesian(ctx):
    demo.generate(ctx, incidents=200, days=30, end_date=date(2024, 11, 30), seed=3)
    rows = act.list_activities(ctx)
    assert 60 <= len(rows) <= 120
    assert {a.kind for a in rows} == {k.value for k in ActivityKind}
    assert all(datetime(2024, 10, 31, 17, tzinfo=UTC) <= a.started_at
               <= datetime(2024, 11, 30, 17, tzinfo=UTC) for a in rows)
    assert any("Pilkada" in a.title for a in rows) and all(a.partners for a in rows)
    added = act.add_activity(ctx, patroli())  # numbering continues after the demo's
    assert added.number not in {a.number for a in rows}
