"""The speed-ups of export and import keep their results: a full package with many
unchanged records still applies the one changed record and its new follow-up, and a
package that cannot be written completely leaves no file behind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from posko_desktop.core.db.models import FollowUp, Incident
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.core.sync.package import PackageWriter

from .conftest import add_incident, send


def test_full_package_with_one_changed_record_applies_that_change(sites, tmp_path):
    prov, kab, _ = sites
    made = [add_incident(kab, title="Kejadian {n}".format(n=n)) for n in range(12)]
    svc.import_package(prov.ctx, send(kab, prov, tmp_path, full=True, name="one.posko"))
    data = made[7].to_input()
    data.title = "Judul yang diperbaiki"
    inc.update_incident(kab.ctx, made[7].id, data)
    inc.add_followup(kab.ctx, made[3].id, "catatan baru")
    r = svc.import_package(prov.ctx, send(kab, prov, tmp_path, full=True, name="two.posko"))
    totals = r.totals()
    assert (totals.new, totals.updated, totals.unchanged) == (0, 1, 11)
    assert r.followups_new == 1
    assert inc.get_incident(prov.ctx, made[7].id).title == "Judul yang diperbaiki"
    with prov.ctx.db.read() as s:
        titles = set(s.scalars(select(Incident.title)))
        followups = s.scalar(select(func.count()).select_from(FollowUp).where(
            FollowUp.incident_id == made[3].id, FollowUp.text == "catatan baru"))
    assert titles == {"Kejadian {n}".format(n=n) for n in range(12) if n != 7} | {
        "Judul yang diperbaiki"}
    assert followups == 1


def test_followup_dates_arrive_unchanged(sites, tmp_path):
    """Follow-up dates go from the package text to the database without a datetime
    round trip; they must read back equal to the sender's."""
    prov, kab, _ = sites
    d = add_incident(kab)
    inc.add_followup(kab.ctx, d.id, "satu")
    inc.add_followup(kab.ctx, d.id, "dua")
    svc.import_package(prov.ctx, send(kab, prov, tmp_path, full=True))
    stmt = select(FollowUp.id, FollowUp.created_at, FollowUp.due_at).order_by(FollowUp.id)
    with kab.ctx.db.read() as s:
        sent = s.execute(stmt).all()
    with prov.ctx.db.read() as s:
        got = s.execute(stmt).all()
    assert len(sent) == 2
    assert got == sent


def test_writer_failure_mid_member_leaves_no_package(tmp_path):
    out = tmp_path / "half.posko"

    def rows():
        for n in range(5000):
            yield {"n": n}
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError), PackageWriter(out) as writer:
        writer.write_records("incidents", rows())
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_unencodable_record_is_an_error_not_a_truncated_member(tmp_path):
    out = tmp_path / "bad.posko"
    rows = [{"n": n} for n in range(4100)] + [{"n": object()}]
    with pytest.raises(TypeError), PackageWriter(out) as writer:
        writer.write_records("incidents", rows)
    assert list(tmp_path.iterdir()) == []
