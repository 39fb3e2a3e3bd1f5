"""Basic statistics: incident counts by regency, category, category group, severity, status
or day (`posko stats`, also used by tests and the benchmark).

Counting rule (the same as the dashboard's): an incident counts on the WIB calendar day it
occurred (`occurred_date`); deleted incidents (tombstones) never count; every status counts.

Rows are complete and in a fixed order, so consumers can rely on them: all 35 regencies in
code order, every category / group / severity / status in taxonomy order (zero counts
included), every day of the range for `day`.

Speed: without extra filters the counts come from index-only scans in index order — all
rows of the range (the `(key, occurred_at)` indexes, or `ix_incident_day_regency` for days)
minus the deleted rows (the small partial index `ix_incident_deleted_day`).

New dimensions register in `DIMENSIONS` (name → counting function); the CLI's `--by`
choices are its keys.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Incident
from posko_desktop.core.db.models_kerawanan import CandidatePair
from posko_desktop.core.domain import Severity, Status, ValidationError
from posko_desktop.core.i18n import N_, current_language
from posko_desktop.core.services import contests
from posko_desktop.core.services.incidents import IncidentFilter, apply_filter
from posko_desktop.core.services.medsos import post_contests
from posko_desktop.core.services.reference import categories, regencies
from posko_desktop.core.timeutil import wib_range

logger = logging.getLogger(__name__)

MAX_DAYS = 3660


@dataclass(frozen=True)
class StatRow:
    """One line: `key` is stable (regency code, category code, group letter, severity or
    status value, ISO date), `label` is for people (current language)."""

    key: str
    label: str
    count: int
    posts: int | None = None  # contest, pair: social-media posts naming it (None: not counted)


# (session, first day, last day, filter, now): the rows of one dimension
CountFn = Callable[[Session, "date | None", "date | None", "IncidentFilter | None", datetime],
                   list[StatRow]]
DIMENSIONS: dict[str, CountFn] = {}


def register_dimension(name: str, fn: CountFn) -> None:
    """Add a `--by` dimension (e.g. the dashboard's situation level,
    `services/dashboard/levels.py`)."""
    DIMENSIONS[name] = fn


def dimensions() -> list[str]:
    return list(DIMENSIONS)


def counts_by(ctx: AppContext, by: str, date_from: date | None = None,
              date_to: date | None = None, flt: IncidentFilter | None = None) -> list[StatRow]:
    """Counts of non-deleted incidents per `by` value, for WIB days [date_from, date_to]
    (either end open) and an optional filter (its own dates narrow the range further)."""
    fn = DIMENSIONS.get(by)
    if fn is None:
        raise ValidationError(N_("Unknown statistic {by}; choose one of {choices}"),
                              field="by", by=by, choices=", ".join(DIMENSIONS))
    if date_from and date_to and date_to < date_from:
        raise ValidationError(N_("The end date {end} is before the start date {start}"),
                              field="date_to", start=date_from.isoformat(),
                              end=date_to.isoformat())
    if flt is not None:
        date_from = max(filter(None, (date_from, flt.date_from)), default=None)
        date_to = min(filter(None, (date_to, flt.date_to)), default=None)
        flt = replace(flt, date_from=None, date_to=None)
        if flt.is_empty():
            flt = None
    now = ctx.now()
    with ctx.db.read() as s:
        return fn(s, date_from, date_to, flt, now)


def total(rows: list[StatRow]) -> int:
    return sum(r.count for r in rows)


# --- counting ----------------------------------------------------------------------------


def _count(s: Session, key: Any, values: list[Any] | None, date_from: date | None,
           date_to: date | None, flt: IncidentFilter | None,
           where: tuple[ColumnElement[bool], ...] = ()) -> dict[Any, int]:
    """{key value: count} over non-deleted incidents: all rows minus deleted rows.

    With `values` (every possible key value) the range is bounded on `occurred_at` and the
    key is listed (`key IN (…)`), so the database walks the (key, occurred_at) index in key
    order: one index-only range per value, no sort. Without it (days) the range is bounded
    on `occurred_date` and the covering day index is walked in order. Deleted rows come
    from the small partial index. `where`: further conditions on the incidents. `key` may
    be a tuple of columns (the counts are then keyed by tuples of their values)."""
    dialect = s.get_bind().dialect.name
    keys = key if isinstance(key, tuple) else (key,)
    result: dict[Any, int] = {}
    for deleted in (False, True):
        conds: list[ColumnElement[bool]] = list(where)
        if values is not None and not deleted:
            conds.append(key.in_(values))
            start, end = wib_range(date_from, date_to)
            if start is not None:
                conds.append(Incident.occurred_at >= start)
            if end is not None:
                conds.append(Incident.occurred_at < end)
        else:
            if date_from is not None:
                conds.append(Incident.occurred_date >= date_from)
            if date_to is not None:
                conds.append(Incident.occurred_date <= date_to)
        if deleted:
            conds.append(Incident.deleted == true())
        stmt = select(*keys, func.count()).select_from(Incident).where(*conds)
        if flt is not None:
            stmt = apply_filter(stmt, replace(flt, include_deleted=True, deleted_only=False),
                                 dialect)
        sign = -1 if deleted else 1
        for *values_of_row, n in s.execute(stmt.group_by(*keys)):
            value = tuple(values_of_row) if len(keys) > 1 else values_of_row[0]
            result[value] = result.get(value, 0) + sign * int(n)
    return result


def _by_regency(s: Session, date_from: date | None, date_to: date | None,
                flt: IncidentFilter | None, _now: datetime) -> list[StatRow]:
    regs = regencies(s)
    counts = _count(s, Incident.regency_code, [r.code for r in regs], date_from, date_to, flt)
    return [StatRow(r.code, r.full_name, counts.get(r.code, 0)) for r in regs]


def _category_rows(s: Session, groups: bool, date_from: date | None, date_to: date | None,
                   flt: IncidentFilter | None) -> list[StatRow]:
    cats = categories(s, include_inactive=True)
    leaves = [c.code for c in cats if not c.is_group]
    counts = _count(s, Incident.category_code, leaves, date_from, date_to, flt)
    english = current_language() == "en"
    rows = []
    for cat in cats:
        if cat.is_group != groups:
            continue
        if groups:
            n = sum(v for k, v in counts.items() if k and k[0] == cat.code)
        else:
            n = counts.get(cat.code, 0)
            if not cat.active and n == 0:
                continue
        rows.append(StatRow(cat.code, cat.label_en if english else cat.label_id, n))
    return rows


def _by_category(s: Session, date_from: date | None, date_to: date | None,
                 flt: IncidentFilter | None, _now: datetime) -> list[StatRow]:
    return _category_rows(s, False, date_from, date_to, flt)


def _by_group(s: Session, date_from: date | None, date_to: date | None,
              flt: IncidentFilter | None, _now: datetime) -> list[StatRow]:
    return _category_rows(s, True, date_from, date_to, flt)


def _by_severity(s: Session, date_from: date | None, date_to: date | None,
                 flt: IncidentFilter | None, _now: datetime) -> list[StatRow]:
    counts = _count(s, Incident.severity_rank, [sev.rank for sev in Severity], date_from,
                    date_to, flt)
    return [StatRow(sev.value, sev.label, counts.get(sev.rank, 0)) for sev in Severity]


def _by_status(s: Session, date_from: date | None, date_to: date | None,
               flt: IncidentFilter | None, _now: datetime) -> list[StatRow]:
    counts = _count(s, Incident.status, [st.value for st in Status], date_from, date_to, flt)
    return [StatRow(st.value, st.label, counts.get(st.value, 0)) for st in Status]


def _by_day(s: Session, date_from: date | None, date_to: date | None,
            flt: IncidentFilter | None, _now: datetime) -> list[StatRow]:
    counts = {(d if isinstance(d, date) else date.fromisoformat(str(d))): n
              for d, n in _count(s, Incident.occurred_date, None, date_from, date_to,
                                 flt).items()}
    seen = [d for d, n in counts.items() if n]
    first = date_from or (min(seen) if seen else None)
    last = date_to or (max(seen) if seen else None)
    if first is None or last is None or last < first:
        return []
    if (last - first).days > MAX_DAYS:
        raise ValidationError(N_("Choose a period of at most {days} days"), field="date_from",
                              days=MAX_DAYS)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [StatRow(d.isoformat(), d.isoformat(), counts.get(d, 0)) for d in days]


# --- victims (the flash report's counts) -------------------------------------------------


@dataclass(frozen=True)
class Victims:
    dead: int
    injured: int


_VICTIM_KEYS: dict[str, Any] = {
    "regency": Incident.regency_code, "category": Incident.category_code,
    "group": func.substr(Incident.category_code, 1, 1), "severity": Incident.severity,
    "status": Incident.status, "day": Incident.occurred_date,
}


def victims_by(ctx: AppContext, by: str, date_from: date | None = None,
               date_to: date | None = None,
               flt: IncidentFilter | None = None) -> dict[str, Victims]:
    """Victims dead and injured summed per `by` key (the keys of `counts_by`'s rows) over
    the same incidents (non-deleted, WIB days, filter); keys without victims are absent.
    An unknown number counts as none."""
    key = _VICTIM_KEYS.get(by)
    if key is None:
        raise ValidationError(N_("Victims cannot be counted by {by}; choose one of {choices}"),
                              field="by", by=by, choices=", ".join(_VICTIM_KEYS))
    conds: list[ColumnElement[bool]] = [Incident.deleted.is_(False), or_(
        Incident.victims_dead.is_not(None), Incident.victims_injured.is_not(None))]
    if date_from is not None:
        conds.append(Incident.occurred_date >= date_from)
    if date_to is not None:
        conds.append(Incident.occurred_date <= date_to)
    stmt = select(key, func.sum(func.coalesce(Incident.victims_dead, 0)),
                  func.sum(func.coalesce(Incident.victims_injured, 0))).where(*conds)
    with ctx.db.read() as s:
        if flt is not None:
            stmt = apply_filter(stmt, flt, s.get_bind().dialect.name)
        out = {}
        for value, dead, injured in s.execute(stmt.group_by(key)):
            text = value.isoformat() if isinstance(value, date) else str(value)
            out[text] = Victims(int(dead or 0), int(injured or 0))
    return out


# --- contests and candidate pairs (issue 17) ------------------------------------------------


def pair_key(contest: str, ballot: int | None) -> str:
    """The key of a contest and pair in `--by pair` rows: "33.74/2"; "33.74/-" names the
    contest without a pair."""
    return "{c}/{b}".format(c=contest, b="-" if ballot is None else ballot)


def contest_pair_counts(s: Session, date_from: date | None, date_to: date | None,
                        flt: IncidentFilter | None) -> tuple[dict[str, int], dict[str, int] | None]:
    """({pair key: incidents}, {pair key: posts}) — the one count behind `--by contest`,
    `--by pair` and the dashboard's contest panel: one pass over the incidents of the days
    (non-deleted, as every count here) and one over the posts (collected on those days,
    `post_contests`); posts are not counted (None) under an incident filter, which posts do
    not have. A contest's count is the sum of its keys."""
    # grouped by the columns, keyed here: ~20 % less CPU than a key built in SQL (0028)
    counted = _count(s, (Incident.contest_code, Incident.pair_number), None, date_from,
                     date_to, flt, (Incident.contest_code.is_not(None),))
    counts = {pair_key(contest, ballot): n for (contest, ballot), n in counted.items() if n}
    posts = post_contests.counts_by_pair(s, date_from, date_to) if flt is None else None
    return counts, posts


def per_contest(by_pair: dict[str, int]) -> dict[str, int]:
    """{contest code: sum} of {pair key: count}."""
    out: dict[str, int] = {}
    for key, n in by_pair.items():
        contest = key.split("/")[0]
        out[contest] = out.get(contest, 0) + n
    return out


def pair_names(s: Session) -> dict[str, str]:
    """{pair key: "Head – Deputy"} of the candidate pairs held (not deleted)."""
    return {pair_key(p.contest_code, p.ballot_number): "{h} – {d}".format(h=p.head, d=p.deputy)
            for p in s.scalars(select(CandidatePair).where(CandidatePair.deleted.is_(False)))}


def _by_contest(s: Session, date_from: date | None, date_to: date | None,
                flt: IncidentFilter | None, _now: datetime) -> list[StatRow]:
    """The 36 contests (the Pilgub first): incidents naming each, and posts."""
    by_pair, posts_by_pair = contest_pair_counts(s, date_from, date_to, flt)
    counts = per_contest(by_pair)
    posts = None if posts_by_pair is None else per_contest(posts_by_pair)
    return [StatRow(c.code, c.name, counts.get(c.code, 0),
                    None if posts is None else posts.get(c.code, 0))
            for c in contests.contests_in(s)]


def _by_pair(s: Session, date_from: date | None, date_to: date | None,
             flt: IncidentFilter | None, _now: datetime) -> list[StatRow]:
    """Every candidate pair held ("CONTEST/BALLOT", e.g. 33.74/2), then what incidents or
    posts name besides (a contest without a pair: "CONTEST/-"; a pair deleted since)."""
    counts, posts = contest_pair_counts(s, date_from, date_to, flt)
    labels = pair_names(s)
    keys = sorted(set(labels) | set(counts) | set(posts or ()),
                  key=lambda k: (k.split("/")[0], int(k.split("/")[1])
                                 if k.split("/")[1].isdigit() else 0))
    return [StatRow(k, labels.get(k, "—"), counts.get(k, 0),
                    None if posts is None else posts.get(k, 0)) for k in keys]


register_dimension("regency", _by_regency)
register_dimension("category", _by_category)
register_dimension("group", _by_group)
register_dimension("severity", _by_severity)
register_dimension("status", _by_status)
register_dimension("day", _by_day)
register_dimension("contest", _by_contest)
register_dimension("pair", _by_pair)
