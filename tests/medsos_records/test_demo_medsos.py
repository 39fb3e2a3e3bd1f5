"""demo-data writes Pantau Medsos records: Indonesian posts on the platforms in realistic
proportions, near-duplicate variants that the suggestion ties to their case, cases at
several stages with verdicts approved by a second person, take-downs with re-checks; the
same seed gives the same records."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date

from posko_desktop.core.services import contests, demo
from posko_desktop.core.services.medsos import cases, posts, suggest, takedowns
from posko_desktop.core.services.medsos.cases import CaseFilter
from posko_desktop.core.services.medsos.posts import PostFilter
from tests.core.test_demo import fresh_site

END = date(2024, 11, 30)


def rows(path):
    con = sqlite3.connect(path)
    try:
        return [con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
                for t in ("social_post", "hoax_case", "takedown_request")]
    finally:
        con.close()


def test_demo_medsos_is_realistic_and_reproducible(template_db, tmp_path):
    one = fresh_site(tmp_path / "a.sqlite3", template_db)
    demo.generate(one, incidents=200, days=30, end_date=END, seed=5)
    page = posts.list_posts(one, PostFilter(), limit=1000)
    assert 250 <= page.total <= 500
    by_platform = Counter(p.platform for p in page.rows)
    assert by_platform.most_common(1)[0][0] == "tiktok"
    assert set(by_platform) >= {"tiktok", "facebook", "whatsapp", "x", "instagram"}
    assert sum(bool(p.flags) for p in page.rows) > page.total / 3
    named = [p for p in page.rows if p.contest_code]  # contests and pairs held (0027)
    assert page.total / 10 < len(named) < page.total / 2
    held = {(p.contest_code, p.ballot_number) for p in contests.list_pairs(one)}
    assert any(p.pair_number for p in named) and all(
        (p.contest_code, p.pair_number) in held for p in named if p.pair_number)
    assert {p.contest_code for p in named} >= {"33"} and len({p.contest_code for p in named}) > 5
    all_cases = cases.list_cases(one, CaseFilter())
    assert len(all_cases) >= 4
    approved = [c for c in all_cases if c.verdict and c.verdict.approved_by]
    assert approved and all(c.verdict.approved_by != c.verdict.decided_by for c in approved)
    assert {c.status for c in all_cases} - {"baru"}
    requests = takedowns.list_takedowns(one)
    assert requests and any(t.rechecks for t in requests)
    queue = posts.list_posts(one, PostFilter(queue=True), limit=1000)
    assert 0 < queue.total < page.total
    # an unassigned repost of a claim is suggested for its case
    hits = [suggest.suggest_for_post(one, p.id) for p in queue.rows
            if "tercoblos" in p.text.lower()]
    assert any(h and h[0].claim.startswith("Surat suara") for h in hits)

    two = fresh_site(tmp_path / "b.sqlite3", template_db)
    demo.generate(two, incidents=200, days=30, end_date=END, seed=5)
    assert rows(tmp_path / "a.sqlite3") == rows(tmp_path / "b.sqlite3")


def test_demo_medsos_records_pass_the_checks_of_an_import(template_db, tmp_path):
    """What demo-data writes, another site accepts (times in UTC, known regencies ...)."""
    from sqlalchemy import select

    from posko_desktop.core.db.models import Regency
    from posko_desktop.core.services.sync import records as sync_records
    from posko_desktop.core.sync import kinds

    ctx = fresh_site(tmp_path / "a.sqlite3", template_db)
    demo.generate(ctx, incidents=100, days=20, end_date=END, seed=9)
    with ctx.db.read() as s:
        rules = kinds.KindRules(frozenset(s.scalars(select(Regency.code))), ctx.now(),
                                "9" * 40)
        checked = 0
        for name in ("social_posts", "hoax_cases", "takedowns"):
            table = sync_records.TABLES[name]
            for obj in s.scalars(select(table.model)):
                rec = sync_records.record_of(table.kind, obj, "33", set(), set())
                assert kinds.check_record(table.kind, rec, rules) is None, (name, obj.number)
                checked += 1
    assert checked > 100
