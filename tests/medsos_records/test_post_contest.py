"""Posts name the contest and candidate pair by code (migration 0027), like incidents: by
hand, by edit (version check, audit, the old note cleared), with links and from the
template's columns (a bad code reported, the row kept); refusals write nothing; `stats
--by contest|pair` counts posts beside incidents, equal to an independent SQL count."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update

from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.db.models_medsos import SocialPost
from posko_desktop.core.domain import StaleEdit, ValidationError
from posko_desktop.core.services import contests, stats
from posko_desktop.core.services.medsos import post_contests, posts
from posko_desktop.core.services.medsos.posts import PostInput

from .conftest import as_role, dump


def _pairs(ctx) -> None:
    for contest, ballot in (("33.74", 1), ("33.74", 2), ("33", 1), ("33", 2)):
        contests.add_pair(ctx, contests.PairInput(contest, ballot, "Calon {c}/{b}".format(
            c=contest, b=ballot), "Wakil {b}".format(b=ballot)))


def _post(ctx, n: int, **kw):
    return posts.add_post(ctx, PostInput("x", "https://x.com/a/status/{n}".format(n=n),
                                         "paslon curang", **kw))


def test_a_post_names_a_contest_and_a_pair_held_there(any_ctx):
    _pairs(any_ctx)
    op = as_role(any_ctx, "operator")
    p = _post(op, 1, contest_code="3374", pair_number=2)
    assert (p.contest_code, p.pair_number) == ("33.74", 2)
    assert (_post(op, 2, contest_code="pilgub").contest_code, _post(op, 3).contest_code) == (
        "33", None)
    before = dump(any_ctx)
    for kw, field, words in (
            ({"contest_code": "33.99"}, "contest_code", "Unknown contest 33.99"),
            ({"contest_code": "33.74", "pair_number": 3}, "pair_number", "(known: 1, 2)"),
            ({"contest_code": "33.22", "pair_number": 1}, "pair_number", "(known: -)"),
            ({"pair_number": 1}, "pair_number", "needs its contest")):
        with pytest.raises(ValidationError) as err:
            _post(op, 9, **kw)
        assert err.value.field == field and words in err.value.text_in("en")
    with pytest.raises(ValidationError):
        posts.update_post(op, p.id, {"pair_number": 5})
    with pytest.raises(ValidationError):
        posts.add_links(op, ["https://x.com/a/status/10"], contest_code="33", pair_number=7)
    assert dump(any_ctx) == before


def test_an_edit_names_both_with_the_version_check_and_clears_the_old_note(any_ctx):
    _pairs(any_ctx)
    op = as_role(any_ctx, "operator")
    p = _post(op, 1)
    with any_ctx.db.write() as s:  # a note typed in issue 16's free-text field
        s.execute(update(SocialPost).where(SocialPost.id == p.id).values(contest="Pilkada Smg"))
    p = posts.get_post(op, p.id)
    named = posts.update_post(op, p.id, {"contest_code": "33.74", "pair_number": 1},
                              expected_version=p.version)
    assert (named.contest_code, named.pair_number, named.contest) == ("33.74", 1, "")
    with any_ctx.db.read() as s:
        entry = s.query(AuditEntry).filter(AuditEntry.action == "post.update").one()
        row = s.get(SocialPost, p.id)
        assert row.field_stamps["contest_code"] == row.field_stamps["pair_number"] \
            == row.field_stamps["contest"] == row.mod_stamp
    assert "Pilkada Smg" in entry.before_json and "33.74" in entry.after_json
    moved = posts.update_post(op, p.id, {"pair_number": 2}, expected_version=named.version)
    with any_ctx.db.read() as s:  # the pair alone changed: both fields stamped together
        row = s.get(SocialPost, p.id)
        assert row.field_stamps["contest_code"] == row.field_stamps["pair_number"]
    before = dump(any_ctx)
    with pytest.raises(StaleEdit):
        posts.update_post(op, p.id, {"contest_code": "33"}, expected_version=named.version)
    assert dump(any_ctx) == before
    cleared = posts.update_post(op, p.id, {"contest_code": None, "pair_number": None},
                                expected_version=moved.version)
    assert (cleared.contest_code, cleared.pair_number) == (None, None)


def test_links_and_the_template_columns_carry_the_codes(ctx, tmp_path):
    _pairs(ctx)
    op = as_role(ctx, "operator")
    added = posts.add_links(op, ["https://x.com/a/status/20"], contest_code="33",
                            pair_number=2)
    assert (posts.get_post(op, posts.resolve_ref(op, added.added[0])).pair_number) == 2
    path = tmp_path / "posts.csv"
    path.write_text(
        "Platform;Tautan;Isi unggahan;Kode pemilihan;Nomor urut paslon\n"
        "x;https://x.com/a/status/11;ricuh;33.74;2\n"
        "x;https://x.com/a/status/12;ricuh;33;\n"
        "x;https://x.com/a/status/13;ricuh;33.74;7\n"
        "x;https://x.com/a/status/14;ricuh;33.99;1\n"
        "x;https://x.com/a/status/15;ricuh;;1\n", "utf-8")
    result = posts.import_file(op, path)
    assert len(result.added) == 5
    assert [(p.line, p.skipped) for p in result.problems] == [(4, False), (5, False),
                                                             (6, False)]
    got = {p.url.rsplit("/", 1)[1]: (p.contest_code, p.pair_number)
           for p in posts.list_posts(ctx, limit=10).rows}
    assert got == {"11": ("33.74", 2), "12": ("33", None), "13": ("33.74", None),
                   "14": (None, None), "15": (None, None), "20": ("33", 2)}


def _sql_counts(ctx, key: str) -> dict[str, int]:
    """The posts (not deleted) naming each contest or contest/pair, counted by hand."""
    expr = ("contest_code" if key == "contest" else
            "contest_code || '/' || COALESCE(CAST(pair_number AS VARCHAR), '-')")
    sql = ("SELECT {e}, COUNT(*) FROM social_post WHERE NOT deleted AND contest_code IS NOT "
           "NULL GROUP BY {e}").format(e=expr)
    with ctx.db.read() as s:
        return {k: n for k, n in s.execute(text(sql))}


def test_stats_count_posts_beside_incidents_as_sql_does(any_ctx):
    _pairs(any_ctx)
    op = as_role(any_ctx, "operator")
    for n, kw in enumerate(({"contest_code": "33.74", "pair_number": 1},
                            {"contest_code": "33.74", "pair_number": 1},
                            {"contest_code": "33.74"}, {"contest_code": "33", "pair_number": 2},
                            {})):
        _post(op, n + 1, **kw)
    gone = _post(op, 9, contest_code="33", pair_number=1)
    posts.set_deleted(as_role(any_ctx, "supervisor"), gone.id, True)
    by_contest = {r.key: (r.count, r.posts) for r in stats.counts_by(any_ctx, "contest")}
    assert {k: p for k, (_n, p) in by_contest.items() if p} == _sql_counts(any_ctx, "contest") \
        == {"33.74": 3, "33": 1}
    assert all(n == 0 for n, _p in by_contest.values())  # incidents counted apart
    by_pair = {r.key: r.posts for r in stats.counts_by(any_ctx, "pair")}
    assert {k: p for k, p in by_pair.items() if p} == _sql_counts(any_ctx, "pair") == {
        "33.74/1": 2, "33.74/-": 1, "33/2": 1}
    assert by_pair["33/1"] == 0  # held, named only by a deleted post


def test_the_report_lists_old_notes_not_matched_whole(ctx):
    op = as_role(ctx, "operator")
    for n, note in enumerate(("Pilgub Jateng", "paslon 02", "", "Semarang")):
        p = _post(op, n + 1)
        with ctx.db.write() as s:
            s.execute(update(SocialPost).where(SocialPost.id == p.id).values(contest=note))
    report = post_contests.contest_report(ctx)
    assert (report.notes, report.matched) == (3, 1)
    assert [(r.note, r.reason) for r in report.rows] == [
        ("paslon 02", "names a pair but not its contest"),
        ("Semarang", "the regency is not clear (kabupaten or kota, or several)")]
