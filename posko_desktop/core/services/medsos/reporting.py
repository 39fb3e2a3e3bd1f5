"""What the reports and the dashboard show of Pantau Medsos: the daily sitrep's "Pemantauan
media sosial" figures, the weekly report's take-down lines, posts and cases per platform
and per day.

The counts of a period [start, end) (UTC), for the province or one regency (a case counts
for the regencies it names, a post for those it names, a take-down request for its case's):

- new cases: opened in the period (not deleted);
- verdicts: verdicts approved in the period;
- clarifications published: cases whose clarification was first published in the period;
- take-downs sent: requests submitted in the period; taken down: closed as diturunkan in
  the period; still up: requests submitted before the period's end that are neither down
  nor refused now (as they stand when the report is made).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import MedsosDaily
from posko_desktop.core.db.models_medsos import HoaxCase, SocialPost
from posko_desktop.core.medsos.drafts import Platform
from posko_desktop.core.medsos.vocab import TakedownStatus, Verdict, platform_name
from posko_desktop.core.reports.data import MedsosCaseLine, MedsosSummary
from posko_desktop.core.reports.weekly_data import TakedownLine
from posko_desktop.core.services.medsos import cases, takedowns
from posko_desktop.core.services.medsos.cases import CaseFilter, CaseInfo
from posko_desktop.core.services.medsos.takedowns import TakedownInfo
from posko_desktop.core.timeutil import wib_date, wib_range

CASE_LINES_MAX = 20


def _within(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


def _scoped_cases(ctx: AppContext, regency: str | None) -> dict[uuid.UUID, CaseInfo]:
    return {c.id: c for c in cases.list_cases(ctx, CaseFilter(regency=regency))}


def _scoped_takedowns(ctx: AppContext, regency: str | None,
                      in_scope: dict[uuid.UUID, CaseInfo]) -> list[TakedownInfo]:
    rows = takedowns.list_takedowns(ctx)
    if regency is None:
        return rows
    return [t for t in rows if t.case_id is not None and t.case_id in in_scope]


def summary(ctx: AppContext, start: datetime, end: datetime,
            regency: str | None = None) -> MedsosSummary:
    """The sitrep's social-media figures of [start, end)."""
    scoped = _scoped_cases(ctx, regency)
    new = sorted((c for c in scoped.values() if _within(c.created_at, start, end)),
                 key=lambda c: (c.created_at, c.number))
    verdicts = [c for c in scoped.values() if c.verdict is not None
                and _within(c.verdict.approved_at, start, end)]
    published = [c for c in scoped.values() if c.clarification is not None
                 and _within(c.clarification.published_at, start, end)]
    requests = _scoped_takedowns(ctx, regency, scoped)
    closed = {TakedownStatus.DITURUNKAN.value, TakedownStatus.DITOLAK.value}
    with ctx.db.read() as s:
        stmt = select(func.count()).select_from(SocialPost).where(
            SocialPost.deleted.is_(False), SocialPost.created_at >= start,
            SocialPost.created_at < end)
        if regency is None:
            posts = int(s.scalar(stmt) or 0)
        else:
            posts = sum(1 for codes in s.scalars(
                select(SocialPost.regencies).where(
                    SocialPost.deleted.is_(False), SocialPost.created_at >= start,
                    SocialPost.created_at < end)) if regency in (codes or ()))
    lines = tuple(_case_line(c) for c in (new + [c for c in verdicts if c not in new])
                  [:CASE_LINES_MAX])
    return MedsosSummary(
        posts=posts, new_cases=len(new), verdicts=len(verdicts),
        clarifications=len(published),
        takedowns_sent=sum(1 for t in requests if _within(t.submitted_at, start, end)),
        takedowns_down=sum(1 for t in requests if t.status == TakedownStatus.DITURUNKAN.value
                           and _within(t.closed_at, start, end)),
        takedowns_up=sum(1 for t in requests if t.submitted_at is not None
                         and t.submitted_at < end and t.status not in closed),
        cases=lines)


def _case_line(c: CaseInfo) -> MedsosCaseLine:
    verdict = c.verdict.verdict if c.verdict is not None and c.verdict.approved_by else ""
    return MedsosCaseLine(
        number=c.number, opened_at=c.created_at, claim=c.claim, status=c.status,
        verdict_id=Verdict(verdict).label_in("id") if verdict else "",
        verdict_en=Verdict(verdict).label_in("en") if verdict else "")


def takedown_lines(ctx: AppContext, start: datetime, end: datetime, regency: str | None,
                   lang: str = "id") -> tuple[TakedownLine, ...]:
    """The weekly report's take-downs: each post of each request submitted in [start, end)
    (a request not yet submitted is not in the report), oldest first."""
    scoped = _scoped_cases(ctx, regency) if regency else {}
    requests = [t for t in _scoped_takedowns(ctx, regency, scoped)
                if _within(t.submitted_at, start, end)]
    post_ids = [p for t in requests for p in t.posts]
    with ctx.db.read() as s:
        found = {row.id: row for row in s.execute(
            select(SocialPost.id, SocialPost.platform, SocialPost.url,
                   SocialPost.canonical_url).where(SocialPost.id.in_(post_ids))).all()} \
            if post_ids else {}
    out = []
    for t in sorted(requests, key=lambda t: (t.submitted_at, t.number)):
        state = TakedownStatus(t.status).label_in(lang)
        for p in t.posts:
            row = found.get(p)
            if row is not None and t.submitted_at is not None:
                out.append(TakedownLine(t.submitted_at, platform_name(row.platform),
                                        row.url or row.canonical_url, state))
    return tuple(out)


# --- the dashboard -------------------------------------------------------------------------


def per_platform_and_day(ctx: AppContext, first: date, last: date, regency: str | None = None
                         ) -> tuple[dict[str, dict[date, int]], dict[str, dict[date, int]]]:
    """Posts collected and cases opened per platform and WIB day in [first, last]: two
    maps platform -> {day: count} (a case counts on the platform of most of its posts)."""
    start, end = wib_range(first, last)
    assert start is not None and end is not None
    posts: dict[str, Counter[date]] = {}
    with ctx.db.read() as s:
        for platform, created, codes in s.execute(
                select(SocialPost.platform, SocialPost.created_at, SocialPost.regencies)
                .where(SocialPost.deleted.is_(False), SocialPost.created_at >= start,
                       SocialPost.created_at < end)):
            if regency is None or regency in (codes or ()):
                posts.setdefault(platform, Counter())[wib_date(created)] += 1
        rows = s.execute(select(HoaxCase.id, HoaxCase.created_at, HoaxCase.regencies)
                         .where(HoaxCase.deleted.is_(False), HoaxCase.created_at >= start,
                                HoaxCase.created_at < end)).all()
        opened = [(str(i), at) for i, at, codes in rows
                  if regency is None or regency in (codes or ())]
        main = _main_platforms(s, [i for i, _at in opened])
    per_case: dict[str, Counter[date]] = {}
    for case_id, at in opened:
        per_case.setdefault(main.get(case_id, "other"), Counter())[wib_date(at)] += 1
    return ({k: dict(v) for k, v in posts.items()}, {k: dict(v) for k, v in per_case.items()})


def medsos_daily(ctx: AppContext, first: date, last: date, regency: str | None = None
                 ) -> MedsosDaily:
    """The dashboard's series: every day of [first, last], platforms in a fixed order."""
    posts, opened = per_platform_and_day(ctx, first, last, regency)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    order = [p.value for p in Platform]

    def series(counts: dict[str, dict[date, int]]) -> dict[str, list[int]]:
        return {p: [counts[p].get(d, 0) for d in days] for p in order if p in counts}

    return MedsosDaily(days, series(posts), series(opened),
                       {p: platform_name(p) for p in order})


def _main_platforms(s: Session, case_ids: Iterable[str]) -> dict[str, str]:
    ids = list(case_ids)
    if not ids:
        return {}
    counts: dict[str, Counter[str]] = {}
    for case_id, platform, n in s.execute(
            select(SocialPost.case_id, SocialPost.platform, func.count())
            .where(SocialPost.case_id.in_(ids), SocialPost.deleted.is_(False))
            .group_by(SocialPost.case_id, SocialPost.platform)):
        if case_id is not None:
            counts.setdefault(case_id, Counter())[platform] += n
    return {k: min(v.items(), key=lambda kv: (-kv[1], kv[0]))[0] for k, v in counts.items()}
