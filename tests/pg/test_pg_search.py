"""Search in server mode: the query's text expression is the one the trigram index covers."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.models import Incident
from posko_desktop.core.db.search import PG_SEARCH_INDEX, search_condition
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import reference
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput

pytestmark = pytest.mark.postgres


def test_trigram_index_exists_and_serves_the_search_query(pg_db: Database):
    with pg_db.engine.connect() as conn:
        names = conn.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'incident'"))
        assert PG_SEARCH_INDEX in set(names)
        stmt = select(Incident.seq).where(search_condition("postgresql", "bentrok Tembalang", Incident))
        sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        conn.execute(text("SET enable_seqscan = off"))  # tiny table: make the planner show its options
        plan = "\n".join(conn.scalars(text("EXPLAIN " + sql)))
    assert PG_SEARCH_INDEX in plan, plan


def test_search_is_case_insensitive_and_spans_the_place_columns(pg_db: Database):
    ctx = AppContext(pg_db, Actor("admin", "admin", "Admin"))
    reference.init_site(ctx, "33", "Posko Provinsi")
    when = datetime(2024, 11, 27, 9, 0)
    inc.create_incident(ctx, IncidentInput(
        regency_code="33.74", title="Bentrok pendukung", category_code="D3", severity="tinggi",
        occurred_at=when, kecamatan="Tembalang", desa="Bulusan", location="Lapangan"))
    inc.create_incident(ctx, IncidentInput(
        regency_code="33.22", title="Politik uang", category_code="B1", severity="sedang",
        occurred_at=when, description="Amplop dibagikan di Tembalang"))
    assert inc.count_incidents(ctx, IncidentFilter(text="TEMBALANG")) == 2
    assert inc.count_incidents(ctx, IncidentFilter(text="bentrok tembalang")) == 1
    assert inc.count_incidents(ctx, IncidentFilter(text="bulusan lapangan")) == 1
    assert inc.count_incidents(ctx, IncidentFilter(text="amplop bulusan")) == 0
    assert inc.count_incidents(ctx, IncidentFilter(text="100% ' OR 1=1 --")) == 0
