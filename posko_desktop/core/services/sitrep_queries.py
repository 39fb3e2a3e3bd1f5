"""The daily sitrep's queries: counts per period, notable incidents, follow-ups, the
appendix list. Used by `services.sitrep.gather()` (and the weekly report's counts).

What the numbers mean: docs/sitrep.md. Incidents belong to the period in which they
*occurred*; deleted (tombstoned) incidents never count; follow-up activity counts
timeline entries *created* in the period.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.db.models import Agency, Category, FollowUp, Incident
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

NOTABLE_SEVERITY_RANK = Severity.TINGGI.rank
NOTABLE_MOVES = (Status.DIVERIFIKASI.value, Status.DITINDAKLANJUTI.value)
REFERRAL_LOOKBACK = timedelta(days=7)
CHUNK = 500
SEVERITY_BY_RANK = {Severity(s).rank: s for s in SEVERITIES}

def stamp_floor(moment: datetime) -> str:
    """Lower bound for `mod_stamp` of entries created at or after `moment`: a stamp's
    milliseconds are never below its creation time (core/hlc.py), so this prefilter
    uses the mod_stamp index without losing any entry."""
    return f"{int(moment.timestamp() * 1000):013d}"


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
    counts = Counts()
    per_regency: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GROUPS, 0))
    for regency, group, rank, status, n in s.execute(stmt):
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


def notable(s: Session, period: ReportPeriod, scope_code: str | None, names: dict[str, str],
             limit: int) -> tuple[tuple[NotableIncident, ...], set[uuid.UUID]]:
    """Notable incidents of the period, the most severe first: the first `limit` (0: all)
    in full, and the ids of all of them (the appendix marks them)."""
    cols = (Incident.id, Incident.severity_rank, Incident.occurred_at, Incident.number)
    keys = {r[0]: r for r in s.execute(scoped(
        select(*cols).where(Incident.occurred_at >= period.start,
                            Incident.occurred_at < period.end,
                            Incident.severity_rank >= NOTABLE_SEVERITY_RANK),
        scope_code))}
    moved = set(s.scalars(
        select(FollowUp.incident_id).where(
            FollowUp.mod_stamp >= stamp_floor(period.start),
            FollowUp.kind == FollowUpKind.STATUS.value,
            FollowUp.status_to.in_(NOTABLE_MOVES),
            FollowUp.created_at >= period.start, FollowUp.created_at < period.end)))
    # (no DISTINCT in SQL: SQLite would then walk the incident_id index over the whole table)
    extra = [i for i in moved if i not in keys]
    for chunk in chunks(extra):
        for r in s.execute(scoped(select(*cols).where(Incident.id.in_(chunk)), scope_code)):
            keys[r[0]] = r
    # the most severe first; among equals, those whose status moved in the period
    ordered = sorted(keys.values(), key=lambda r: (-r[1], r[0] not in moved, r[2], r[3]))
    all_ids = {r[0] for r in ordered}
    chosen = [r[0] for r in (ordered[:limit] if limit else ordered)]
    if not chosen:
        return (), all_ids
    categories = {c.code: c for c in s.scalars(select(Category))}
    agencies = {a.code: a.name for a in s.scalars(select(Agency))}
    rows: dict[uuid.UUID, Any] = {}
    detail = (Incident.id, Incident.number, Incident.occurred_at, Incident.regency_code,
              Incident.kecamatan, Incident.desa, Incident.location, Incident.category_code,
              Incident.title, Incident.description, Incident.people_involved,
              Incident.severity, Incident.status, Incident.source_type, Incident.source_detail)
    for chunk in chunks(chosen):
        for r in s.execute(select(*detail).where(Incident.id.in_(chunk))):
            rows[r[0]] = r
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
        inc = rows[inc_id]
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
    `limit` lines, 0: all)."""
    kinds: Counter[str] = Counter()
    stmt = scoped(
        select(FollowUp.kind, func.count()).join(Incident, Incident.id == FollowUp.incident_id)
        .where(FollowUp.mod_stamp >= stamp_floor(period.start),
               FollowUp.created_at >= period.start, FollowUp.created_at < period.end)
        .group_by(FollowUp.kind),
        scope_code,
    )
    for kind, n in s.execute(stmt):
        kinds[kind] = n
    actions = ActionSummary(kinds[FollowUpKind.NOTE.value], kinds[FollowUpKind.STATUS.value],
                            kinds[FollowUpKind.REFERRAL.value],
                            kinds[FollowUpKind.REFERRAL_UPDATE.value])
    since = period.start - REFERRAL_LOOKBACK
    ref_rows = s.execute(scoped(
        select(FollowUp.id, FollowUp.incident_id, FollowUp.created_at, FollowUp.agency_code,
               FollowUp.due_at, FollowUp.text, FollowUp.referral_state, Incident.number,
               Incident.regency_code)
        .join(Incident, Incident.id == FollowUp.incident_id)
        .where(FollowUp.mod_stamp >= stamp_floor(since),
               FollowUp.kind == FollowUpKind.REFERRAL.value,
               FollowUp.created_at >= since, FollowUp.created_at < period.end),
        scope_code)).all()
    if not ref_rows:
        return (), 0, (), actions
    state: dict[uuid.UUID, tuple[datetime, str]] = {}
    for ref_id, st, created in s.execute(
        select(FollowUp.referral_id, FollowUp.referral_state, FollowUp.created_at).where(
            FollowUp.mod_stamp >= stamp_floor(since),
            FollowUp.kind == FollowUpKind.REFERRAL_UPDATE.value,
            FollowUp.created_at >= since, FollowUp.created_at < period.end)
    ):
        if ref_id is not None and st and (ref_id not in state or created >= state[ref_id][0]):
            state[ref_id] = (created, st)
    agencies = {a.code: a.name for a in s.scalars(select(Agency))}
    lines = []
    per_agency: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in ref_rows:
        current = state.get(r.id, (r.created_at, r.referral_state or ReferralState.TERKIRIM.value))[1]
        in_period = r.created_at >= period.start
        is_open = current != ReferralState.SELESAI.value
        if not in_period and not is_open:
            continue
        overdue = is_open and r.due_at is not None and r.due_at < period.end
        agency = agencies.get(r.agency_code or "", r.agency_code or "")
        counts = per_agency[agency]
        if in_period:
            counts[0] += 1
            if not is_open:
                counts[1] += 1
        counts[2] += is_open
        counts[3] += overdue
        lines.append(ReferralLine(
            incident_number=r.number, regency_name=names.get(r.regency_code, r.regency_code),
            agency_name=agency, created_at=r.created_at, due_at=r.due_at, state=current,
            text=r.text, in_period=in_period, overdue=overdue,
        ))
    lines.sort(key=lambda r: (not r.overdue, r.due_at or r.created_at, r.created_at,
                              r.incident_number))
    agency_rows = tuple(AgencyRow(name, *v) for name, v in sorted(per_agency.items()))
    return tuple(lines[:limit] if limit else lines), len(lines), agency_rows, actions


def appendix(s: Session, period: ReportPeriod, scope_code: str | None,
              names: dict[str, str], notable: set[uuid.UUID]) -> tuple[AppendixRow, ...]:
    stmt = scoped(
        select(Incident.id, Incident.number, Incident.occurred_at, Incident.regency_code,
               Incident.category_code, Incident.severity, Incident.status, Incident.title)
        .where(Incident.occurred_at >= period.start, Incident.occurred_at < period.end)
        .order_by(Incident.occurred_at, Incident.seq),
        scope_code,
    )
    return tuple(AppendixRow(n, at, names.get(rc, rc), cat, sev, st, title, i in notable)
                 for i, n, at, rc, cat, sev, st, title in s.execute(stmt))


# --- highlights -------------------------------------------------------------------------
