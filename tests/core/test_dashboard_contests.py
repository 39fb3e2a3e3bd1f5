"""The dashboard's contest panel (issue 17): incidents and posts naming each contest and
pair, for the period and the dashboard's filter, equal to an independent SQL count (posts:
counted by hand from the days they were collected), deleted ones left out, on SQLite and
PostgreSQL; the dashboard's `snapshot` carries the same counts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import text

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import contests, stats
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput
from posko_desktop.core.services.medsos import posts
from posko_desktop.core.services.medsos.posts import PostInput
from posko_desktop.core.timeutil import WIB

D0 = date(2024, 11, 20)
D1 = date(2024, 11, 26)

# (day offset from D0, contest, pair, severity, deleted)
INCIDENTS = [
    (0, "33", 1, "sedang", False), (1, "33", 1, "tinggi", False), (2, "33", 2, "kritis", False),
    (3, "33", None, "rendah", False), (6, "33.74", 1, "tinggi", False),
    (6, "33.74", None, "sedang", False), (4, "33.74", 2, "tinggi", True),  # deleted
    (-1, "33.74", 2, "tinggi", False), (7, "33.01", None, "kritis", False),  # outside
    (5, "33.01", None, "sedang", False), (2, None, None, "tinggi", False),
]
# (day offset, contest, pair, deleted)
POSTS = [(0, "33", 2, False), (1, "33", 2, False), (3, "33.74", None, False),
         (5, "33.22", 1, False), (2, "33", 1, True), (-2, "33", 1, False), (7, "33.74", 1, False)]


def _noon(offset: int) -> datetime:
    return datetime.combine(D0 + timedelta(days=offset), time(12), tzinfo=WIB)


@pytest.fixture
def named(any_ctx: AppContext) -> AppContext:
    for contest, ballot in (("33", 1), ("33", 2), ("33.74", 1), ("33.74", 2), ("33.22", 1)):
        contests.add_pair(any_ctx, contests.PairInput(
            contest, ballot, "Calon {c}-{b}".format(c=contest, b=ballot), "Wakil {b}".format(b=ballot)))
    for n, (offset, contest, pair, severity, deleted) in enumerate(INCIDENTS):
        when = _noon(offset) + timedelta(minutes=n)
        made = inc.create_incident(any_ctx, IncidentInput(
            regency_code=contest if contest not in (None, "33") else "33.74", title="Uji pemilihan", category_code="A1", severity=severity,
            occurred_at=when, reported_at=when, contest_code=contest, pair_number=pair))
        if deleted:
            inc.set_deleted(any_ctx, made.id, True, "dobel")
    for n, (offset, contest, pair, deleted) in enumerate(POSTS):
        when = _noon(offset)
        at = AppContext(any_ctx.db, Actor("budi", "operator", "Budi"), any_ctx.bus,
                        lambda when=when: when)
        post = posts.add_post(at, PostInput("x", "https://x.com/a/status/{n}".format(n=n),
                                            "paslon curang", contest_code=contest,
                                            pair_number=pair))
        if deleted:
            posts.set_deleted(any_ctx, post.id, True)
    return any_ctx


def _sql(ctx: AppContext, severities: tuple[str, ...] = ()) -> dict[tuple[str, int | None], int]:
    where = " AND severity IN ({s})".format(s=", ".join("'{s}'".format(s=s) for s in severities)) \
        if severities else ""
    with ctx.db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT contest_code, pair_number, count(*) FROM incident WHERE NOT deleted AND "
            "contest_code IS NOT NULL AND occurred_date BETWEEN :a AND :b" + where
            + " GROUP BY contest_code, pair_number"), {"a": D0, "b": D1}).all()
    return {(c, p): n for c, p, n in rows}


def _posts_by_hand() -> dict[tuple[str, int | None], int]:
    out: dict[tuple[str, int | None], int] = {}
    for offset, contest, pair, deleted in POSTS:
        if not deleted and 0 <= offset <= (D1 - D0).days:
            out[(contest, pair)] = out.get((contest, pair), 0) + 1
    return out


def _shown(counts) -> tuple[dict, dict]:
    incidents, posted = {}, {}
    for c in counts.contests:
        for p in c.pairs:
            if p.incidents:
                incidents[(c.code, p.number)] = p.incidents
            if p.posts:
                posted[(c.code, p.number)] = p.posts
        assert c.incidents == sum(p.incidents for p in c.pairs)
        assert c.posts == (sum(p.posts or 0 for p in c.pairs) if counts.posts_counted else None)
    return incidents, posted


def test_the_panel_counts_equal_sql_for_the_period(named):
    counts = dash.contest_counts(named, D0, D1, IncidentFilter())
    incidents, posted = _shown(counts)
    assert incidents == _sql(named) == {("33", 1): 2, ("33", 2): 1, ("33", None): 1,
                                        ("33.74", 1): 1, ("33.74", None): 1, ("33.01", None): 1}
    assert posted == _posts_by_hand() == {("33", 2): 2, ("33.74", None): 1, ("33.22", 1): 1}
    # the Pilgub first, then the regency contests named in the period, in code order
    assert [c.code for c in counts.contests] == ["33", "33.01", "33.22", "33.74"]
    assert counts.contests[0].name.endswith("Jawa Tengah") and counts.posts_counted
    pilgub, _b, _c, semarang = counts.contests
    assert (semarang.name, semarang.short_name) == ("Pilwalkot Kota Semarang", "Kota Semarang")
    assert [(p.number, p.names) for p in pilgub.pairs] == [
        (1, "Calon 33-1 – Wakil 1"), (2, "Calon 33-2 – Wakil 2"), (None, "")]
    # a held pair named only by a deleted incident shows with nothing
    assert [(p.number, p.incidents, p.posts) for p in semarang.pairs] == [
        (1, 1, 0), (2, 0, 0), (None, 1, 1)]


def test_the_filter_narrows_incidents_and_leaves_posts_uncounted(named):
    counts = dash.contest_counts(named, D0, D1, IncidentFilter(severities=("tinggi", "kritis")))
    incidents, posted = _shown(counts)
    assert incidents == _sql(named, ("tinggi", "kritis")) == {
        ("33", 1): 1, ("33", 2): 1, ("33.74", 1): 1}
    assert posted == {} and not counts.posts_counted
    assert all(c.posts is None and all(p.posts is None for p in c.pairs)
               for c in counts.contests)
    # the dashboard's refresh carries the same counts for its period and filter
    flt = IncidentFilter(severities=("tinggi", "kritis"))
    assert dash.snapshot(named, D0, D1, flt).contests == counts
    assert dash.snapshot(named, D0, D1).contests == dash.contest_counts(named, D0, D1)


def test_a_quiet_period_still_shows_the_pilgub_and_stats_agrees(named):
    quiet = dash.contest_counts(named, D0 - timedelta(days=30), D0 - timedelta(days=20))
    assert [(c.code, c.incidents, c.posts) for c in quiet.contests] == [("33", 0, 0)]
    counts = dash.contest_counts(named, D0, D1)
    by_stats = {r.key: (r.count, r.posts) for r in stats.counts_by(named, "contest", D0, D1)}
    assert {c.code: (c.incidents, c.posts) for c in counts.contests} == {
        k: v for k, v in by_stats.items() if k == "33" or any(v)}
