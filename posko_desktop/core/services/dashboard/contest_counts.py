"""The dashboard's contest panel (issue 17): incidents and posts naming each contest, and
for each contest its candidate pairs.

The counts are `posko stats --by contest|pair`'s (`stats.contest_pair_counts`: one
counting rule): non-deleted incidents of the WIB days and the dashboard's filter; posts
collected on those days, counted only without a filter (posts have no category or
severity). Part of `snapshot` (the tab's one refresh): the incidents naming a contest are
counted from their own index (migration 0028), ≈ 30 ms CPU for 30 days at 1,000,000
incidents (docs/decisions.md, h-contest-index).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import ContestCount, ContestCounts, PairCount
from posko_desktop.core.services import contests, stats
from posko_desktop.core.services.dashboard.counting import check_range
from posko_desktop.core.services.incidents import IncidentFilter


def contest_counts(ctx: AppContext, date_from: date, date_to: date,
                   flt: IncidentFilter | None = None) -> ContestCounts:
    """The panel's rows for the WIB days [date_from, date_to] and the dashboard's filter
    (its regencies, categories, severities; its own dates are not used)."""
    check_range(date_from, date_to)
    with ctx.db.read() as s:
        return contest_counts_in(s, date_from, date_to, flt)


def _ballot(key: str) -> int | None:
    ballot = key.split("/")[1]
    return int(ballot) if ballot.isdigit() else None


def contest_counts_in(s: Session, date_from: date, date_to: date,
                      flt: IncidentFilter | None) -> ContestCounts:
    if flt is not None and flt.is_empty():
        flt = None
    by_pair, posts_by_pair = stats.contest_pair_counts(s, date_from, date_to, flt)
    names = stats.pair_names(s)
    counts = stats.per_contest(by_pair)
    posts = None if posts_by_pair is None else stats.per_contest(posts_by_pair)
    keys_of: dict[str, set[str]] = {}  # contest code: its pair keys named anywhere
    for k in (*names, *by_pair, *(posts_by_pair or ())):
        keys_of.setdefault(k.split("/")[0], set()).add(k)
    out = []
    for contest in contests.contests_in(s):
        code = contest.code
        n, p = counts.get(code, 0), None if posts is None else posts.get(code, 0)
        if code != contests.PROVINCE_CODE and not n and not p:
            continue
        keys = keys_of.get(code, set())
        pairs = tuple(PairCount(
            _ballot(k), names.get(k, ""), by_pair.get(k, 0),
            None if posts_by_pair is None else posts_by_pair.get(k, 0))
            for k in sorted(keys, key=lambda k: (_ballot(k) is None, _ballot(k) or 0)))
        short = contest.name if code == contests.PROVINCE_CODE else contest.region
        out.append(ContestCount(code, contest.name, short, n, p, pairs))
    return ContestCounts(date_from, date_to, out, posts is not None)
