"""Statistics equal independent SQL counts; complete rows; deleted incidents never count."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from posko_desktop.core import i18n
from posko_desktop.core.db.models import Incident
from posko_desktop.core.domain import Severity, Status, ValidationError
from posko_desktop.core.services import demo, stats
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput

FIRST, LAST = date(2024, 10, 1), date(2024, 11, 30)


def raw_rows(db) -> list[tuple]:
    """(regency, category, severity, status, WIB day, deleted) straight from the file."""
    conn = sqlite3.connect(db.file)
    try:
        rows = conn.execute("SELECT regency_code, category_code, severity, status, occurred_at, "
                            "deleted FROM incident").fetchall()
    finally:
        conn.close()
    out = []
    for regency, category, severity, status, occurred, deleted in rows:
        utc = datetime.fromisoformat(occurred).replace(tzinfo=UTC)
        day = (utc + timedelta(hours=7)).date()  # WIB has no daylight saving
        out.append((regency, category, severity, status, day, bool(deleted)))
    return out


def expected(db, index: int, first=FIRST, last=LAST, where=lambda r: True) -> Counter:
    c: Counter = Counter()
    for r in raw_rows(db):
        if not r[5] and first <= r[4] <= last and where(r):
            c[r[index]] += 1
    return c


@pytest.fixture
def demo_ctx(ctx):
    demo.generate(ctx, incidents=3000, days=75, end_date=LAST, seed=21)
    # a deleted incident inside the range never counts
    d = inc.create_incident(ctx, IncidentInput(
        regency_code="33.73", title="Laporan ganda", category_code="D6", severity="kritis",
        occurred_at=datetime(2024, 11, 20, 10, 0), reported_at=datetime(2024, 11, 20, 11, 0)))
    inc.set_deleted(ctx, d.id, True, "ganda")
    return ctx


def test_by_regency_has_all_35_in_code_order(demo_ctx, db):
    rows = stats.counts_by(demo_ctx, "regency", FIRST, LAST)
    with demo_ctx.db.read() as s:
        codes = list(s.scalars(select(Incident.regency_code).distinct()))
    assert [r.key for r in rows] == sorted(r.key for r in rows)
    assert len(rows) == 35 and len(set(codes)) <= 35
    want = expected(db, 0)
    assert {r.key: r.count for r in rows} == {r.key: want.get(r.key, 0) for r in rows}
    assert dict(zip([r.key for r in rows], [r.label for r in rows], strict=True))["33.74"] == \
        "Kota Semarang"


@pytest.mark.parametrize(("by", "index"), [("category", 1), ("severity", 2), ("status", 3)])
def test_dimension_counts_equal_sql(demo_ctx, db, by, index):
    rows = stats.counts_by(demo_ctx, by, FIRST, LAST)
    want = expected(db, index)
    assert {r.key: r.count for r in rows if r.count} == dict(want)
    assert stats.total(rows) == sum(want.values())


def test_fixed_rows_include_zero_counts(demo_ctx):
    assert [r.key for r in stats.counts_by(demo_ctx, "severity")] == [s.value for s in Severity]
    assert [r.key for r in stats.counts_by(demo_ctx, "status")] == [s.value for s in Status]
    assert [r.key for r in stats.counts_by(demo_ctx, "group")] == list("ABCDEFHG")  # H before "Lain-lain"
    empty = stats.counts_by(demo_ctx, "regency", date(2021, 1, 1), date(2021, 1, 31))
    assert len(empty) == 35 and stats.total(empty) == 0


def test_by_group_sums_the_children(demo_ctx, db):
    rows = stats.counts_by(demo_ctx, "group", FIRST, LAST)
    want = Counter()
    for code, n in expected(db, 1).items():
        want[code[0]] += n
    assert {r.key: r.count for r in rows if r.count} == dict(want)


def test_by_day_lists_every_day_of_the_range(demo_ctx, db):
    first, last = date(2024, 11, 1), date(2024, 12, 5)  # the last days have no incidents
    rows = stats.counts_by(demo_ctx, "day", first, last)
    assert [r.key for r in rows] == [(first + timedelta(days=i)).isoformat()
                                     for i in range((last - first).days + 1)]
    want = expected(db, 4, first, last)
    assert {r.key: r.count for r in rows if r.count} == {d.isoformat(): n for d, n in want.items()}
    assert rows[-1].count == 0
    # an open range runs from the first to the last day with incidents
    all_days = stats.counts_by(demo_ctx, "day")
    assert stats.total(all_days) == sum(expected(db, 4, date(2000, 1, 1), date(2100, 1, 1)).values())


def test_a_filter_narrows_the_counts(demo_ctx, db):
    flt = IncidentFilter(regencies=("33.74", "33.01"), severities=("tinggi", "kritis"))
    rows = stats.counts_by(demo_ctx, "category", FIRST, LAST, flt)
    want = expected(db, 1, where=lambda r: r[0] in ("33.74", "33.01")
                    and r[2] in ("tinggi", "kritis"))
    assert {r.key: r.count for r in rows if r.count} == dict(want)
    # the filter's own dates narrow the range
    narrow = IncidentFilter(date_from=date(2024, 11, 26), date_to=date(2024, 11, 28))
    rows = stats.counts_by(demo_ctx, "regency", FIRST, LAST, narrow)
    assert stats.total(rows) == sum(expected(db, 0, date(2024, 11, 26), date(2024, 11, 28)).values())


def test_counts_agree_with_the_incident_log(demo_ctx):
    rows = stats.counts_by(demo_ctx, "regency", date(2024, 11, 27), date(2024, 11, 27))
    for r in rows[:5]:
        flt = IncidentFilter(regencies=(r.key,), date_from=date(2024, 11, 27),
                             date_to=date(2024, 11, 27))
        assert inc.count_incidents(demo_ctx, flt) == r.count


def test_labels_follow_the_language(demo_ctx):
    i18n.set_language("en")
    assert stats.counts_by(demo_ctx, "severity")[3].label == "Critical"
    assert stats.counts_by(demo_ctx, "category")[0].label == "Hoax/disinformation"
    i18n.set_language("id")
    assert stats.counts_by(demo_ctx, "category")[0].label == "Hoaks/disinformasi"


def test_bad_requests_are_refused(ctx):
    with pytest.raises(ValidationError):
        stats.counts_by(ctx, "weather")
    with pytest.raises(ValidationError):
        stats.counts_by(ctx, "regency", date(2024, 11, 30), date(2024, 11, 1))


def test_works_on_every_backend(any_ctx):
    demo.generate(any_ctx, incidents=400, days=30, end_date=LAST, seed=2)
    for by in ("regency", "category", "group", "severity", "status", "day"):
        rows = stats.counts_by(any_ctx, by, date(2024, 11, 1), LAST)
        assert stats.total(rows) == inc.count_incidents(
            any_ctx, IncidentFilter(date_from=date(2024, 11, 1), date_to=LAST)), by
