"""The sitrep's long-window counts (`sitrep_queries.totals`, three covering-index walks
minus the deleted rows) give exactly what the plain GROUP BY (`counts`) gives, on SQLite
and PostgreSQL, for windows of a few hours to the whole campaign."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from posko_desktop.core.db.models import Incident
from posko_desktop.core.services import demo, incidents
from posko_desktop.core.services import sitrep_queries as q


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
