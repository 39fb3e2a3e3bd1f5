"""The incident log: filters, sort keys and pages of rows for the window, the CLI, the
dashboard and the reports (queries only; changes are in `incidents`)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import Session, aliased

from posko_desktop.core.context import AppContext
from posko_desktop.core.db import search
from posko_desktop.core.db.models import Category, Incident, Regency
from posko_desktop.core.db.models_dashboard import IncidentDayCount
from posko_desktop.core.db.search import search_condition
from posko_desktop.core.domain import Page, Severity, Status
from posko_desktop.core.services.reference import normalize_regency_code
from posko_desktop.core.timeutil import wib_range


@dataclass(frozen=True)
class IncidentRow:
    """One line of the log."""

    id: uuid.UUID
    number: str
    occurred_at: datetime
    regency_code: str
    regency_name: str
    regency_kind: str
    category_code: str
    severity: str
    status: str
    title: str
    location: str
    respond_by: datetime
    responded_at: datetime | None
    next_referral_due: datetime | None
    deleted: bool
    victims_dead: int | None = None
    victims_injured: int | None = None

    def overdue(self, now: datetime) -> bool:
        """No response by the respond-by time, or an open referral past its due time."""
        if self.deleted or Status(self.status) not in _OPEN:
            return False
        late_response = self.responded_at is None and now > self.respond_by
        late_referral = self.next_referral_due is not None and now > self.next_referral_due
        return late_response or late_referral


class SortKey(enum.StrEnum):
    OCCURRED = "occurred_at"
    REPORTED = "reported_at"
    NUMBER = "number"
    REGENCY = "regency_code"
    CATEGORY = "category_code"
    SEVERITY = "severity_rank"
    STATUS = "status"
    TITLE = "title"


@dataclass(frozen=True)
class IncidentFilter:
    """Filters shared by the log, the CLI and later the dashboard and reports.
    Dates are WIB calendar days, both ends included."""

    regencies: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # leaf codes ("A1") or groups ("A")
    severities: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""
    include_deleted: bool = False
    deleted_only: bool = False
    overdue_at: datetime | None = None  # only incidents overdue at this time

    def is_empty(self) -> bool:
        return self == IncidentFilter()


_OPEN = {Status.BARU, Status.DIVERIFIKASI, Status.DITINDAKLANJUTI}
# Sort keys whose ties are ordered by occurred_at (newest first when descending).
_SORT_BY_TIME_WITHIN = frozenset({SortKey.REGENCY, SortKey.CATEGORY, SortKey.SEVERITY,
                                  SortKey.STATUS})


def _not_deleted(inc: Any = Incident) -> ColumnElement[bool]:
    """`not deleted`, written so that it needs no table lookup: the few deleted rows come
    from the partial index `ix_incident_deleted_day` (their `seq` is in it), and every other
    index carries `seq`. Counting and deep paging then read indexes only (at 1M rows
    `deleted IS 0` cost one table lookup per row)."""
    gone = aliased(Incident)
    return inc.seq.not_in(select(gone.seq).where(gone.deleted == true()))


AnySelect = TypeVar("AnySelect", bound=Select)  # a select of any columns


def apply_filter(stmt: AnySelect, flt: IncidentFilter, dialect: str,
                 search_drives: bool = True, inc: Any = Incident) -> AnySelect:
    """`flt` as WHERE conditions on `inc` (the incident table or an alias of a subquery
    over it); `search_drives`: see `search.search_condition`."""
    conds: list[Any] = []
    if flt.deleted_only:
        conds.append(inc.deleted == true())
    if flt.regencies:
        codes = [normalize_regency_code(c) or c for c in flt.regencies]
        conds.append(inc.regency_code.in_(codes))
    if flt.categories:
        groups = [c for c in flt.categories if len(c) == 1]
        leaves = [c for c in flt.categories if len(c) > 1]
        cat_conds = []
        if leaves:
            cat_conds.append(inc.category_code.in_(leaves))
        for g in groups:
            # LIKE on purpose: SQLite cannot serve it from an index and so keeps a more
            # selective filter's index (as a range, a group of 1/4 of all rows looked
            # cheaper to the planner than a rare status: 95 ms instead of 9 at 1M).
            cat_conds.append(inc.category_code.like(f"{g}%"))
        conds.append(or_(*cat_conds))
    if flt.severities:
        conds.append(inc.severity_rank.in_([Severity(v).rank for v in flt.severities]))
    if flt.statuses:
        conds.append(inc.status.in_(list(flt.statuses)))
    start, end = wib_range(flt.date_from, flt.date_to)
    if start is not None:
        conds.append(inc.occurred_at >= start)
    if end is not None:
        conds.append(inc.occurred_at < end)
    if flt.text:  # blanks only are a search too: they match nothing (db/search.py)
        cond = search_condition(dialect, flt.text, inc, drive=search_drives)
        if cond is not None:
            conds.append(cond)
    if flt.overdue_at is not None:
        now = flt.overdue_at
        conds.append(inc.status.in_([s.value for s in _OPEN]))
        conds.append(or_(
            and_(inc.responded_at.is_(None), inc.respond_by < now),
            inc.next_referral_due < now,
        ))
    if not (flt.deleted_only or flt.include_deleted):
        # Last: SQLite checks an index's columns in the order written, and this lookup
        # costs more than the others (first, it doubled a walk of the title index).
        conds.append(_not_deleted(inc))
    return stmt.where(*conds) if conds else stmt


def matches_filter(ctx: AppContext, flt: IncidentFilter, incident_id: uuid.UUID) -> bool:
    """Whether the log under `flt` lists this incident (the detail pane clears when not)."""
    with ctx.db.read() as s:
        stmt = apply_filter(select(Incident.seq).where(Incident.id == incident_id), flt,
                            s.get_bind().dialect.name)
        return s.scalar(stmt.limit(1)) is not None


def count_incidents(ctx: AppContext, flt: IncidentFilter) -> int:
    with ctx.db.read() as s:
        stmt = apply_filter(select(func.count()).select_from(Incident), flt, s.get_bind().dialect.name)
        return int(s.scalar(stmt) or 0)


def _order_keys(sort: SortKey) -> list[Any]:
    # Ties broken by occurred_at then the local sequence: for the columns with a
    # (column, occurred_at, ...) index that is the index order, so the first page is read
    # straight from the index instead of sorting.
    keys = [getattr(Incident, sort.value)]
    if sort in _SORT_BY_TIME_WITHIN:
        keys.append(Incident.occurred_at)
    keys.append(Incident.seq)
    return keys


# Title, reported time and number have their own sort index (key, seq, filter columns;
# migration 0006). SQLite has no histograms, and with a filter it tends to sort every
# match even when there are 100,000 of them, or to walk the sort index reading the table
# for every entry. So the log decides itself: it first walks the sort index for at most
# WALK_BUDGET entries (no table read, ~15 ms at 1M), which finds a page of any filter that
# matches more than ~1 row in 250 spread over the sort order. When that walk comes back
# short, `_walk_on` chooses between walking the rest of the index and sorting the
# filter's matches (docs/decisions.md, "h-log-fast").
_SORT_INDEXED = frozenset({SortKey.TITLE, SortKey.REPORTED, SortKey.NUMBER})
_SORT_INDEX_COLUMNS = (Incident.seq, Incident.regency_code, Incident.category_code,
                       Incident.severity_rank, Incident.status, Incident.occurred_at)
WALK_BUDGET = 50_000
# Sorting a match costs about as much as walking this many sort-index entries (a table
# read for its title or reported time against an index entry checked in place; measured
# at 1M: ~4.6 µs against ~0.3 µs).
MATCH_COST_IN_ENTRIES = 15


def _sort_index_decides(s: Session, flt: IncidentFilter, sort: SortKey) -> bool:
    """SQLite, a sort key with its own index, and a filter that index can check by itself
    (regency, category, severity, status, dates; search text as well)."""
    return (sort in _SORT_INDEXED and s.get_bind().dialect.name == "sqlite"
            and bool(flt.regencies or flt.categories or flt.severities or flt.statuses
                     or flt.date_from or flt.date_to)
            and not (flt.overdue_at or flt.deleted_only or flt.include_deleted))


def _all_values(s: Session, sort: SortKey) -> list[Any]:
    if sort is SortKey.STATUS:
        return [st.value for st in Status]
    if sort is SortKey.SEVERITY:
        return [sev.rank for sev in Severity]
    if sort is SortKey.REGENCY:
        return list(s.scalars(select(Regency.code)))
    return list(s.scalars(select(Category.code)))


def _ordered(stmt: Select[Any], keys: list[Any], descending: bool,
             start_key: tuple[Any, ...] | None) -> Select[Any]:
    if start_key is not None:
        here, start = tuple_(*keys), tuple_(*start_key)
        stmt = stmt.where(here <= start if descending else here >= start)
    return stmt.order_by(*(k.desc() if descending else k.asc() for k in keys))


def _page_seqs(s: Session, flt: IncidentFilter, sort: SortKey, descending: bool,
               start_key: tuple[Any, ...] | None, offset: int, limit: int) -> Any:
    """The `seq` of one page: a list, or a subquery for `seq IN (...)`."""
    keys = _order_keys(sort)
    drive = search.search_drives(s, flt.text)
    if not _sort_index_decides(s, flt, sort):
        stmt = apply_filter(select(Incident.seq), flt, s.get_bind().dialect.name, drive)
        if s.get_bind().dialect.name == "sqlite" and sort in _SORT_BY_TIME_WITHIN and (
                flt.date_from or flt.date_to):
            # Dates sorted by regency/category/severity/status: listing every value lets
            # SQLite read the (column, occurred_at) index one date range per value, in
            # order, instead of sorting all rows of the period (600 ms for 7 days at 1M).
            stmt = stmt.where(keys[0].in_(_all_values(s, sort)))
        return _ordered(stmt, keys, descending, start_key).offset(offset).limit(limit)
    # The walk: a subquery of exactly the index's columns (the table is never read), which
    # SQLite runs as it is because of its LIMIT; the outer query filters rows as they come.
    walk = _ordered(select(keys[0], *_SORT_INDEX_COLUMNS), keys, descending, start_key)
    inc = aliased(Incident, walk.limit(offset + WALK_BUDGET).subquery())
    found = s.scalars(apply_filter(select(inc.seq), flt, "sqlite", drive, inc)
                      .offset(offset).limit(limit)).all()
    if len(found) == limit:
        return found
    if _walk_on(s, flt, sort):
        # The rest of the way: the filter's columns as `+column` leave SQLite no index but
        # the sort index (it has them all), read in order until the page is full.
        stmt = apply_filter(select(Incident.seq), flt, "sqlite", drive, _Unindexed())
        return s.scalars(_ordered(stmt, keys, descending, start_key)
                         .offset(offset).limit(limit)).all()
    # Sort the matches; `+column` keeps SQLite from walking the sort index again. The
    # number is in the log indexes, so they are filtered and sorted in one index; title
    # and reported time are read from the table for the matches only (their set first).
    matches = apply_filter(select(Incident.seq), flt, "sqlite", drive)
    if sort is not SortKey.NUMBER:
        matches = select(Incident.seq).where(Incident.seq.in_(matches))
    by_value: list[ColumnClause[Any]] = [literal_column(f"+incident.{k.key}") for k in keys]
    stmt = _ordered(matches, keys, descending, start_key).order_by(None)
    return stmt.order_by(*(k.desc() if descending else k.asc() for k in by_value)) \
        .offset(offset).limit(limit)


class _Unindexed:
    """The incident's columns for `apply_filter` written `+incident.column`: the same
    values, but SQLite serves no condition on them from an index."""

    def __getattr__(self, name: str) -> ColumnClause[Any]:
        return literal_column(f"+incident.{name}", getattr(Incident, name).type)


def _index_size(s: Session) -> int:
    """At least the number of entries of a sort index (`seq` only grows)."""
    return int(s.scalar(select(func.max(Incident.seq))) or 0) + 1


def _walk_on(s: Session, flt: IncidentFilter, sort: SortKey) -> bool:
    """After a walk of WALK_BUDGET entries came back short: walk the rest of the sort index
    (cost at most its size) or sort the matches (cost their number × MATCH_COST_IN_ENTRIES),
    whichever bounds the cost lower. The matches are estimated from the day counts
    (migration 0026: regency, category, severity and days; status is not in them, so the
    estimate is an upper bound). The number always sorts: it is in the log indexes, so no
    match is read from the table. A search sorts: its matches come from the full-text
    index and the day counts cannot see them."""
    if sort is SortKey.NUMBER or flt.text:
        return False
    return _estimated_matches(s, flt) * MATCH_COST_IN_ENTRIES >= _index_size(s)


def _estimated_matches(s: Session, flt: IncidentFilter) -> int:
    """Incidents not deleted of `flt`'s days, regencies, categories and severities."""
    counted = IncidentFilter(regencies=flt.regencies, categories=flt.categories,
                             severities=flt.severities, include_deleted=True)
    stmt = apply_filter(select(func.sum(IncidentDayCount.n)), counted, "sqlite",
                        inc=IncidentDayCount)
    if flt.date_from is not None:
        stmt = stmt.where(IncidentDayCount.occurred_date >= flt.date_from)
    if flt.date_to is not None:
        stmt = stmt.where(IncidentDayCount.occurred_date <= flt.date_to)
    return int(s.scalar(stmt) or 0)


def query_incidents(ctx: AppContext, flt: IncidentFilter, sort: SortKey = SortKey.OCCURRED,
                    descending: bool = True, offset: int = 0, limit: int = 200,
                    with_total: bool = False, start_key: tuple[Any, ...] | None = None) -> Page:
    """One page of the log in a stable order (ties broken by the local sequence): `limit`
    rows from `offset`, counted from the row whose key is `start_key` (see `page_keys`)
    or from the first row."""
    with ctx.db.read() as s:
        cols = (Incident.id, Incident.number, Incident.occurred_at, Incident.regency_code,
                Regency.name, Regency.kind, Incident.category_code, Incident.severity,
                Incident.status, Incident.title, Incident.location, Incident.respond_by,
                Incident.responded_at, Incident.next_referral_due, Incident.deleted,
                Incident.victims_dead, Incident.victims_injured)
        # The page's keys first (an index-only walk past `offset` rows), then their columns.
        page = _page_seqs(s, flt, sort, descending, start_key, max(0, offset), max(1, limit))
        stmt = (select(*cols).join(Regency, Regency.code == Incident.regency_code)
                .where(Incident.seq.in_(page))
                .order_by(*(k.desc() if descending else k.asc() for k in _order_keys(sort))))
        rows = [IncidentRow(*tuple(r)) for r in s.execute(stmt).all()]
        total = -1
        if with_total:
            count = apply_filter(select(func.count()).select_from(Incident), flt,
                                 s.get_bind().dialect.name)
            total = int(s.scalar(count) or 0)
        return Page(rows=rows, total=total, offset=offset)


def page_keys(ctx: AppContext, flt: IncidentFilter, sort: SortKey, descending: bool,
              every: int) -> list[tuple[Any, ...]]:
    """The sort key of rows 0, `every`, 2 × `every` … of the log: with them any page is one
    index seek (`query_incidents(start_key=...)`) instead of an OFFSET walk from the top.
    One pass over the filtered index (about 1.5 s for a million rows)."""
    with ctx.db.read() as s:
        keys = _order_keys(sort)
        number = func.row_number().over(
            order_by=[k.desc() if descending else k.asc() for k in keys]).label("row_number")
        rows = apply_filter(select(*keys, number), flt, s.get_bind().dialect.name,
                            search.search_drives(s, flt.text)).subquery()
        stmt = (select(*(rows.c[k.key] for k in keys))
                .where((rows.c.row_number - 1) % every == 0).order_by(rows.c.row_number))
        return [tuple(r) for r in s.execute(stmt).all()]
