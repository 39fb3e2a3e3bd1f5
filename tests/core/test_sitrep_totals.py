"""The sitrep's fast paths on both back-ends: the long-window counts
(`sitrep_queries.totals`, three covering-index walks minus the deleted rows) give exactly
what the plain GROUP BY (`counts`) gives, for windows of a few hours to the whole campaign;
the raw-value queries (referrals, notable, appendix) give the same data on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Incident
from posko_desktop.core.domain import Actor
from posko_desktop.core.periods import report_period
from posko_desktop.core.reports.data import SitrepOptions
from posko_desktop.core.services import demo, incidents, reference, settings_service, sitrep
from posko_desktop.core.services import sitrep_queries as q

ADMIN = Actor("admin", "admin", "Admin Posko")


def test_totals_equal_the_plain_counts_with_deleted_incidents(any_ctx):
    demo.generate(any_ctx, incidents=900, days=40, end_date=date(2024, 11, 28), seed=21)
    with any_ctx.db.read() as s:
        ids = list(s.scalars(select(Incident.id).order_by(Incident.seq).limit(60)))
    for incident_id in ids[::3]:  # 20 tombstones spread over the window
        incidents.set_deleted(any_ctx, incident_id, True, "uji")
    end = datetime(2024, 11, 27, 0, tzinfo=UTC)  # 27 Nov 07.00 WIB
    with any_ctx.db.read() as s:
        for start in (end - timedelta(hours=5), end - timedelta(days=1),
                      end - timedelta(days=7), datetime(2024, 9, 24, 17, tzinfo=UTC)):
            plain, _per_regency = q.counts(s, start, end, None)
            assert q.totals(s, start, end, None) == plain, start
            assert q.totals(s, start, end, "33.74") == q.counts(s, start, end, "33.74")[0]
        assert q.totals(s, datetime(2024, 9, 24, 17, tzinfo=UTC), end, None).new > 500
        # the period's counts from its incidents read once equal the GROUP BY
        period = report_period(date(2024, 11, 27))
        for scope in (None, "33.74"):
            rows = q.period_incidents(s, period, scope)
            assert q.period_counts(rows) == q.counts(s, period.start, period.end, scope)


@pytest.mark.postgres
def test_the_sitrep_reads_the_same_on_sqlite_and_postgresql(db, pg_db):
    """Raw column values (ids and times as each driver gives them) are compared and sorted
    within one back-end only: the same demo database gives the same report data on both."""
    sides = []
    for database in (db, pg_db):
        context = AppContext(database, ADMIN)
        reference.init_site(context, "33", "Posko Desk Pilkada Provinsi Jawa Tengah")
        demo.generate(context, incidents=1500, days=30, end_date=date(2024, 11, 28), seed=13)
        sides.append(sitrep.gather(context, SitrepOptions(date(2024, 11, 27))))
    lite, pg = sides
    assert lite.referrals_total > 0 and lite.notable_total > len(lite.notable) > 0
    assert any(r.notable for r in lite.appendix) and len(lite.appendix) > 20
    for name in ("figures", "regency_rows", "notable", "notable_total", "referrals",
                 "referrals_total", "agency_rows", "actions", "appendix"):
        assert getattr(lite, name) == getattr(pg, name), name


def test_a_short_referral_list_is_the_head_of_the_whole_list(any_ctx):
    """Section E / Lampiran II with `sitrep.referral_list_max`: the listed referrals are
    the first of the whole list (overdue first, by due time, sent time, number), the total
    counts all of them, for the province (numbers read for the listed lines only) and for
    one regency (joined)."""
    demo.generate(any_ctx, incidents=1500, days=30, end_date=date(2024, 11, 28), seed=13)
    options = SitrepOptions(date(2024, 11, 27))
    regency = SitrepOptions(date(2024, 11, 27), "33.74")
    settings_service.set(any_ctx, "sitrep.referral_list_max", 0)
    whole = sitrep.gather(any_ctx, options)
    whole_regency = sitrep.gather(any_ctx, regency)
    assert whole.referrals_total == len(whole.referrals) > 6
    assert [r for r in whole.referrals if r.regency_name == "Kota Semarang"] == list(
        whole_regency.referrals)
    keys = [(not r.overdue, r.due_at or r.created_at, r.created_at, r.incident_number)
            for r in whole.referrals]
    assert keys == sorted(keys)
    for limit in (1, 3, 6):
        settings_service.set(any_ctx, "sitrep.referral_list_max", limit)
        short = sitrep.gather(any_ctx, options)
        assert short.referrals == whole.referrals[:limit]
        assert short.referrals_total == whole.referrals_total
        assert short.agency_rows == whole.agency_rows
