"""The daily sitrep's queries: counts per period, notable incidents, follow-ups, the
appendix list. Used by `services.sitrep.gather()` (and the weekly report's counts).

What the numbers mean: docs/sitrep.md. Incidents belong to the period in which they
*occurred*; deleted (tombstoned) incidents never count; follow-up activity counts
timeline entries *created* in the period.
"""

from __future__ import annotations

import heapq
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, case, func, select, true, type_coerce
from sqlalchemy.orm import Session

from posko_desktop.core.db.models import Category, FollowUp, Incident
from posko_desktop.core.db.models_directory import Agency
from posko_desktop.core.domain import FollowUpKind, ReferralState, Severity, Status
from posko_desktop.core.periods import ReportPeriod
from posko_desktop.core.reports.data import (
    GROUPS,
    SEVERITIES,
    ActionSummary,
    AgencyRow,
    AppendixRow,
    Counts,
    NotableIncident,
    ReferralLine,
    RegencyRow,
)
from posko_desktop.core.services.reference import RegencyInfo
from posko_desktop.core.timeutil import wib_date

NOTABLE_SEVERITY_RANK = Severity.TINGGI.rank
NOTABLE_MOVES = (Status.DIVERIFIKASI.value, Status.DITINDAKLANJUTI.value)
REFERRAL_LOOKBACK = timedelta(days=7)
CHUNK = 500
SEVERITY_BY_RANK = {Severity(s).rank: s for s in SEVERITIES}

def raw(column: Any) -> Any:
    """A column read as the driver gives it (no conversion per row): ids as hex text
    (SQLite) or uuid.UUID (PostgreSQL), times as text (SQLite) or naive UTC datetimes."""
    return type_coerce(column, String)


def utc(value: Any) -> datetime:
    """A raw time value (`raw`) as the aware UTC datetime the models give."""
    if isinstance(value, str):  # SQLite's naive UTC text: the offset parsed with it (5x
        return datetime.fromisoformat(value + "+00:00")  # faster than .replace)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_uuid(value: Any) -> uuid.UUID:
    """A raw id (`raw`) as uuid.UUID, to bind it in a query."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# --- gathering --------------------------------------------------------------------------
def scoped(stmt: Any, scope_code: str | None) -> Any:
    stmt = stmt.where(Incident.deleted.is_(False))
    return stmt.where(Incident.regency_code == scope_code) if scope_code else stmt


def counts(s: Session, start: datetime, end: datetime, scope_code: str | None
            ) -> tuple[Counts, dict[str, dict[str, int]]]:
    grp = func.substr(Incident.category_code, 1, 1)
    stmt = scoped(
        select(Incident.regency_code, grp, Incident.severity_rank, Incident.status,
               func.count())
        .where(Incident.occurred_at >= start, Incident.occurred_at < end)
        .group_by(Incident.regency_code, grp, Incident.severity_rank, Incident.status),
        scope_code,
    )
    return _tally(s.execute(stmt))


def period_counts(rows: Sequence[Any]) -> tuple[Counts, dict[str, dict[str, int]]]:
    """`counts()` of the period from its incidents already read (`period_incidents`): the
    same groups in the same order as the database's GROUP BY, without a second query."""
    groups = Counter((r[3], r[4][:1], r[6], r[7]) for r in rows)
    return _tally((*key, n) for key, n in sorted(groups.items()))


def _tally(groups: Iterable[Any]) -> tuple[Counts, dict[str, dict[str, int]]]:
    """Counts from (regency, category group, severity rank, status, n) rows."""
    counts = Counts()
    per_regency: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GROUPS, 0))
    for regency, group, rank, status, n in groups:
        counts.new += n
        if status in {st.value for st in Status if st.is_open}:
            counts.open += n
        elif status == Status.SELESAI.value:
            counts.resolved += n
        else:
            counts.closed_other += n
        sev = SEVERITY_BY_RANK.get(rank)
        if sev:
            counts.by_severity[sev] += n
        counts.by_group[group] = counts.by_group.get(group, 0) + n
        per_regency[regency][group] = per_regency[regency].get(group, 0) + n
    return counts, dict(per_regency)


def totals(s: Session, start: datetime, end: datetime, scope_code: str | None) -> Counts:
    """The same `Counts` as `counts()` without the split per regency, for long windows
    (the cumulative column, the previous period): each of the three marginals (status,
    severity, category) is one walk of its own covering index (`status IN (…)` etc. turn
    the index into one range per value), all rows minus the deleted ones (few, partial
    index). Over 700,000 incidents a single GROUP BY of the four columns took 1.1 s CPU,
    the three walks 0.55 s (docs/decisions.md)."""
    if scope_code:  # one regency: its own index holds every column, and ranges are short
        return counts(s, start, end, scope_code)[0]
    out = Counts()
    in_window = (Incident.occurred_at >= start, Incident.occurred_at < end)
    deleted = (Incident.deleted == true(),  # "= 1" (not "IS 1") and the day range let the
               # partial index serve
               Incident.occurred_date >= wib_date(start) - timedelta(days=1),
               Incident.occurred_date <= wib_date(end) + timedelta(days=1))
    open_states = {st.value for st in Status if st.is_open}

    def add_status(status: str, n: int) -> None:
        out.new += n
        if status in open_states:
            out.open += n
        elif status == Status.SELESAI.value:
            out.resolved += n
        else:
            out.closed_other += n

    statuses = [st.value for st in Status]
    for status, n in s.execute(select(Incident.status, func.count()).where(
            Incident.status.in_(statuses), *in_window).group_by(Incident.status)):
        add_status(status, n)
    ranks = list(SEVERITY_BY_RANK)
    for rank, n in s.execute(select(Incident.severity_rank, func.count()).where(
            Incident.severity_rank.in_(ranks), *in_window).group_by(Incident.severity_rank)):
        out.by_severity[SEVERITY_BY_RANK[rank]] += n
    codes = select(Category.code).scalar_subquery()
    for code, n in s.execute(select(Incident.category_code, func.count()).where(
            Incident.category_code.in_(codes), *in_window).group_by(Incident.category_code)):
        out.by_group[code[:1]] = out.by_group.get(code[:1], 0) + n
    for status, rank, code, n in s.execute(
            select(Incident.status, Incident.severity_rank, Incident.category_code, func.count())
            .where(*in_window, *deleted)
            .group_by(Incident.status, Incident.severity_rank, Incident.category_code)):
        if status in statuses:
            add_status(status, -n)
        if rank in SEVERITY_BY_RANK:
            out.by_severity[SEVERITY_BY_RANK[rank]] -= n
        out.by_group[code[:1]] = out.by_group.get(code[:1], 0) - n
    return out


def regency_row(r: RegencyInfo, by_group: dict[str, int], status: Any, level: Any) -> RegencyRow:
    groups = {g: int(by_group.get(g, 0)) for g in GROUPS}
    return RegencyRow(
        code=r.code, name=r.full_name, by_group=groups, total=sum(by_group.values()),
        report_status=str(getattr(status, "status", "belum") or "belum"),
        last_report_at=getattr(status, "last_report_at", None),
        level=str(getattr(getattr(level, "level", None), "value", getattr(level, "level", ""))
                  or ""),
        level_reason=str(getattr(level, "reason", "") or ""),
    )


def period_incidents(s: Session, period: ReportPeriod, scope_code: str | None
                     ) -> Sequence[Any]:
    """Every incident of the period in time order, read once for the notable list and
    Lampiran I: (raw id, number, raw occurred_at, regency, category, severity, severity
    rank, status, title); raw values see `raw`. Core rows (`s.connection()`), not ORM
    rows: 65,000 of them on voting day."""
    return s.connection().execute(scoped(
        select(raw(Incident.id), Incident.number, raw(Incident.occurred_at),
               Incident.regency_code, Incident.category_code, Incident.severity,
               Incident.severity_rank, Incident.status, Incident.title)
        .where(Incident.occurred_at >= period.start, Incident.occurred_at < period.end)
        .order_by(Incident.occurred_at, Incident.seq),
        scope_code,
    )).all()


def notable(s: Session, period: ReportPeriod, scope_code: str | None, names: dict[str, str],
             limit: int, rows: Sequence[Any]) -> tuple[tuple[NotableIncident, ...], set[Any]]:
    """Notable incidents of the period, the most severe first: the first `limit` (0: all)
    in full, and the raw ids (`raw`) of all of them (the appendix marks them). `rows`:
    the period's incidents (`period_incidents`)."""
    # the incidents whose status moved to verified/follow-up in the period, wherever they
    # occurred ...
    moved = set(s.connection().execute(select(raw(FollowUp.incident_id)).where(
        FollowUp.kind == FollowUpKind.STATUS.value,
        FollowUp.created_at >= period.start, FollowUp.created_at < period.end,
        FollowUp.status_to.in_(NOTABLE_MOVES))).scalars().all())
    # ... (raw id, rank, raw occurred_at, number) of the severe or moved ones of the period
    # (one pass over its 50,000 on voting day) ...
    keys = {r[0]: (r[0], r[6], r[2], r[1]) for r in rows
            if r[6] >= NOTABLE_SEVERITY_RANK or r[0] in moved}
    # ... and of the moved ones that occurred earlier (a few thousand), read by id
    outside = sorted(moved.difference(keys), key=str)
    cols = (raw(Incident.id), Incident.severity_rank, raw(Incident.occurred_at), Incident.number)
    for chunk in chunks(outside):  # raw ids bound as read: no UUID object per id
        for r in s.connection().execute(scoped(select(*cols).where(
                raw(Incident.id).in_(chunk)), scope_code)):
            keys.setdefault(r[0], tuple(r))
    # the most severe first; among equals, those whose status moved in the period
    def order(r: tuple[Any, ...]) -> tuple[Any, ...]:
        return -r[1], r[0] not in moved, r[2], r[3]

    if not limit:
        first = sorted(keys.values(), key=order)
    else:  # the first `limit` without sorting all (same order as sorted()[:limit]): they
        # are among the most severe ranks that hold `limit` of them
        by_rank: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for key in keys.values():
            by_rank[key[1]].append(key)
        pool: list[tuple[Any, ...]] = []
        for rank in sorted(by_rank, reverse=True):
            pool += by_rank[rank]
            if len(pool) >= limit:
                break
        first = heapq.nsmallest(limit, pool, key=order)
    all_ids = set(keys)
    chosen = [as_uuid(r[0]) for r in first]
    if not chosen:
        return (), all_ids
    categories = {c.code: c for c in s.scalars(select(Category))}
    agencies = {a.code: a.name for a in s.scalars(select(Agency))}
    details: dict[uuid.UUID, Any] = {}
    detail = (Incident.id, Incident.number, Incident.occurred_at, Incident.regency_code,
              Incident.kecamatan, Incident.desa, Incident.location, Incident.category_code,
              Incident.title, Incident.description, Incident.people_involved,
              Incident.severity, Incident.status, Incident.source_type, Incident.source_detail)
    for chunk in chunks(chosen):
        for r in s.execute(select(*detail).where(Incident.id.in_(chunk))):
            details[r[0]] = r
    timeline: dict[uuid.UUID, list[Any]] = defaultdict(list)
    fcols = (FollowUp.incident_id, FollowUp.id, FollowUp.created_at, FollowUp.kind,
             FollowUp.text, FollowUp.status_to, FollowUp.agency_code, FollowUp.referral_id,
             FollowUp.referral_state)
    for chunk in chunks(chosen):
        for f in s.execute(select(*fcols).where(FollowUp.incident_id.in_(chunk),
                                                 FollowUp.created_at < period.end)
                           .order_by(FollowUp.created_at, FollowUp.mod_stamp)):
            timeline[f.incident_id].append(f)
    status_values = {st.value for st in Status}
    out = []
    for inc_id in chosen:
        inc = details[inc_id]
        entries = timeline.get(inc_id, [])
        moved_to = next((f.status_to for f in reversed(entries)
                         if f.kind == FollowUpKind.STATUS.value and f.status_to in NOTABLE_MOVES
                         and f.created_at >= period.start), None)
        latest = next((f for f in reversed(entries)
                       if (f.text or "").strip() or f.kind == FollowUpKind.STATUS.value), None)
        latest_text = ""
        if latest is not None:
            latest_text = (latest.text or "").strip()
            if latest.kind == FollowUpKind.STATUS.value and latest.status_to:
                label = (Status(latest.status_to).label if latest.status_to in status_values
                         else latest.status_to)
                latest_text = "[{}] {}".format(label, latest_text).strip()
        cat = categories.get(inc.category_code)
        out.append(NotableIncident(
            number=inc.number, occurred_at=inc.occurred_at,
            regency_name=names.get(inc.regency_code, inc.regency_code),
            kecamatan=inc.kecamatan, desa=inc.desa, location=inc.location,
            category_code=inc.category_code,
            category_label_id=cat.label_id if cat else "",
            category_label_en=cat.label_en if cat else "",
            title=inc.title, description=inc.description, people_involved=inc.people_involved,
            severity=inc.severity, status=inc.status, source_type=inc.source_type,
            source_detail=inc.source_detail, latest_action=latest_text,
            latest_action_at=latest.created_at if latest else None,
            referrals=tuple((agencies.get(r.agency_code or "", r.agency_code or ""), state)
                            for r, state in referral_states(entries, period.end)),
            moved_to=moved_to,
        ))
    return tuple(out), all_ids


def referral_states(entries: list[Any], until: datetime) -> list[tuple[Any, str]]:
    """Each referral (timeline rows) with its state as of `until` (latest update before)."""
    state: dict[uuid.UUID, str] = {}
    refs: list[Any] = []
    for f in entries:
        if f.created_at >= until:
            continue
        if f.kind == FollowUpKind.REFERRAL.value:
            refs.append(f)
        elif f.kind == FollowUpKind.REFERRAL_UPDATE.value and f.referral_id and f.referral_state:
            state[f.referral_id] = f.referral_state
    return [(r, state.get(r.id, r.referral_state or ReferralState.TERKIRIM.value)) for r in refs]


def follow_ups(s: Session, period: ReportPeriod, scope_code: str | None, names: dict[str, str],
                limit: int) -> tuple[tuple[ReferralLine, ...], int, tuple[AgencyRow, ...],
                                     ActionSummary]:
    """Section E: activity in the period; referrals sent in it or in the week before and
    still open at its end, per agency (exact) and as a list (overdue first, at most
    `limit` lines, 0: all). Every query reads one kind in a time range from the
    (kind, created_at) index (migration 0021)."""
    kinds: Counter[str] = Counter()
    in_period = (FollowUp.kind.in_([k.value for k in FollowUpKind]),
                 FollowUp.created_at >= period.start, FollowUp.created_at < period.end)
    if scope_code is None:
        # the province: every entry of the period (the index alone, one range per kind)
        # minus those of deleted incidents, instead of a join per entry
        for kind, n in s.execute(select(FollowUp.kind, func.count()).where(*in_period)
                                 .group_by(FollowUp.kind)):
            kinds[kind] += n
        for kind, n in s.execute(  # from the deleted incidents to their entries
                select(FollowUp.kind, func.count()).select_from(Incident)
                .join(FollowUp, FollowUp.incident_id == Incident.id)
                .where(Incident.deleted == true(), FollowUp.created_at >= period.start,
                       FollowUp.created_at < period.end).group_by(FollowUp.kind)):
            kinds[kind] -= n
    else:
        for kind, n in s.execute(scoped(
                select(FollowUp.kind, func.count())
                .join(Incident, Incident.id == FollowUp.incident_id)
                .where(*in_period).group_by(FollowUp.kind), scope_code)):
            kinds[kind] += n
    actions = ActionSummary(kinds[FollowUpKind.NOTE.value], kinds[FollowUpKind.STATUS.value],
                            kinds[FollowUpKind.REFERRAL.value],
                            kinds[FollowUpKind.REFERRAL_UPDATE.value])
    since = period.start - REFERRAL_LOOKBACK
    # Raw column values (no UUID/datetime objects per row: tens of thousands of referrals on
    # a busy day); comparisons of the raw values are done by the database (`in_period`,
    # `due`) or between values of the same column (text in SQLite, datetimes in PostgreSQL,
    # both in time order). Only the listed lines are converted (`utc`).
    ref_cols = (raw(FollowUp.id), raw(FollowUp.created_at), FollowUp.agency_code,
                raw(FollowUp.due_at), FollowUp.text, FollowUp.referral_state,
                case((FollowUp.created_at >= period.start, 1), else_=0),
                case((FollowUp.due_at < period.end, 1), else_=0), raw(FollowUp.incident_id))
    window = (FollowUp.kind == FollowUpKind.REFERRAL.value,
              FollowUp.created_at >= since, FollowUp.created_at < period.end)
    ref_rows: Sequence[Any]
    gone: set[Any] = set()
    if scope_code is None:
        # the province: no join per referral (60,000 on voting day); the deleted incidents'
        # referrals are left out by id, the incident's number and regency are read for
        # the listed lines only (`_incident_labels`)
        gone = {i for (i,) in s.execute(select(raw(Incident.id)).where(
            Incident.deleted == true()))}
        ref_rows = s.connection().execute(select(*ref_cols).where(*window)).all()
    else:
        ref_rows = s.execute(scoped(
            select(*ref_cols, Incident.number, Incident.regency_code)
            .join(Incident, Incident.id == FollowUp.incident_id).where(*window),
            scope_code)).all()
    if not ref_rows:
        return (), 0, (), actions
    # the state of each referral: its latest update (in time order, a later row replaces
    # an earlier one; among updates of the same instant the last read wins, as before)
    latest = {ref_id: st for ref_id, st in s.connection().execute(
        select(raw(FollowUp.referral_id), FollowUp.referral_state)
        .where(FollowUp.kind == FollowUpKind.REFERRAL_UPDATE.value,
               FollowUp.created_at >= since, FollowUp.created_at < period.end)
        .order_by(FollowUp.created_at)).all() if ref_id is not None and st}
    agencies = {a.code: a.name for a in s.scalars(select(Agency))}
    done, sent = ReferralState.SELESAI.value, ReferralState.TERKIRIM.value

    def agency_name(code: str | None) -> str:
        return agencies.get(code or "", code or "")

    # one small tuple per line (the sort keys and the row's index): 40,000 lines; the
    # counts per agency code, joined per agency name below
    keys: list[tuple[Any, ...]] = []
    per_code: dict[Any, list[int]] = {}
    state_of = latest.get
    labelled = scope_code is not None
    for i, r in enumerate(ref_rows):  # (id, created, agency, due, text, state, in period,
        is_open = (state_of(r[0]) or r[5] or sent) != done  # due passed, incident, ...)
        if not r[6] and not is_open or r[8] in gone:
            continue
        overdue = bool(is_open and r[7])
        counts = per_code.get(r[2])
        if counts is None:
            counts = per_code[r[2]] = [0, 0, 0, 0]
        if r[6]:
            counts[0] += 1
            if not is_open:
                counts[1] += 1
        if is_open:
            counts[2] += 1
            if overdue:
                counts[3] += 1
        keys.append((not overdue, r[3] or r[1], r[1], r[9] if labelled else None, i))
    per_agency: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for code, counts in per_code.items():
        row = per_agency[agency_name(code)]
        for j, n in enumerate(counts):
            row[j] += n
    total = len(keys)  # before `_first_lines` drops the lines that cannot be listed
    listed = []
    for i, number, regency in _first_lines(s, keys, limit, ref_rows):
        ref_id, created, agency_code, due, text, ref_state, in_period_, due_passed = ref_rows[i][:8]
        current = latest.get(ref_id) or ref_state or sent
        listed.append(ReferralLine(
            incident_number=number, regency_name=names.get(regency, regency),
            agency_name=agency_name(agency_code), created_at=utc(created),
            due_at=utc(due) if due is not None else None, state=current, text=text,
            in_period=bool(in_period_), overdue=bool(current != done and due_passed)))
    agency_rows = tuple(AgencyRow(name, *v) for name, v in sorted(per_agency.items()))
    return tuple(listed), total, agency_rows, actions


def _first_lines(s: Session, keys: list[tuple[Any, ...]], limit: int,
                 ref_rows: Sequence[Any]) -> list[tuple[int, str, str]]:
    """The referral lines in list order (overdue first, then by due time, sent time and
    incident number), the first `limit` (0: all), as (index in `ref_rows`, incident
    number, regency). `keys`: (not overdue, due or sent, sent, number, index). Without
    the incident's number (the province's query) the number and regency are read here,
    only for the lines that can be listed: those up to the limit and those tied with the
    last of them before the number."""
    keys.sort()  # (…, None, index) for the province: by the first three, then the index
    if not keys or keys[0][3] is not None:
        return [(k[4], ref_rows[k[4]][9], ref_rows[k[4]][10]) for k in keys[:limit or None]]
    if limit and len(keys) > limit:
        last = keys[limit - 1][:3]
        cut = limit
        while cut < len(keys) and keys[cut][:3] == last:
            cut += 1
        del keys[cut:]
    labels = _incident_labels(s, [ref_rows[k[4]][8] for k in keys])
    numbered = sorted((*k[:3], labels[ref_rows[k[4]][8]][0], k[4]) for k in keys)
    return [(k[4], *labels[ref_rows[k[4]][8]]) for k in numbered[:limit or None]]


def _incident_labels(s: Session, ids: list[Any]) -> dict[Any, tuple[str, str]]:
    """Number and regency code of incidents by raw id (`raw`)."""
    out: dict[Any, tuple[str, str]] = {}
    for chunk in chunks(sorted(set(ids), key=str)):
        for i, number, regency in s.execute(
                select(raw(Incident.id), Incident.number, Incident.regency_code)
                .where(Incident.id.in_([as_uuid(x) for x in chunk]))):
            out[i] = (number, regency)
    return out


def appendix(rows: Sequence[Any], names: dict[str, str], notable: set[Any]
             ) -> tuple[AppendixRow, ...]:
    """Every incident of the period in time order (`period_incidents`); `notable`: raw
    ids (`raw`)."""
    return tuple(AppendixRow(n, utc(at), names.get(rc, rc), cat, sev, st, title, i in notable)
                 for i, n, at, rc, cat, sev, _rank, st, title in rows)


# --- highlights -------------------------------------------------------------------------
