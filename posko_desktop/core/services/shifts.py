"""Shifts and handover (piket, issue 18): the duty roster, the handover note the outgoing
shift leaves (generated from the open items, then edited), its acknowledgement by the
incoming officer. Local to this site (docs/shifts.md)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import ReportStatus
from posko_desktop.core.db.models import Incident
from posko_desktop.core.db.models_accounts import AuditEntry, UserAccount
from posko_desktop.core.db.models_shifts import Handover, RosterEntry
from posko_desktop.core.domain import (
    OPEN_STATUSES,
    NotFoundError,
    Severity,
    StaleEdit,
    TransitionError,
    ValidationError,
    check_text,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_, _, current_language
from posko_desktop.core.periods import period_for_time
from posko_desktop.core.reports.roster_pdf import RosterRow, roster_pdf
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.dashboard.watch import cutoff_hour, report_status_in
from posko_desktop.core.services.edit_versions import digest, person
from posko_desktop.core.shifts import SHIFT_HOURS, Shift, shift_at
from posko_desktop.core.spreadsheets.files import write_atomically

logger = logging.getLogger(__name__)

NOTE_MAX = 20_000
DUTY_MAX = 120
# A referral is "due" in a handover when its answer is due before the next shift ends.
DUE_WITHIN = timedelta(hours=2 * SHIFT_HOURS)


class ItemKind:
    """The kinds of open items a handover lists, in the order it lists them."""

    CRITICAL_OPEN = "critical_open"  # an open critical incident
    RESPONSE_OVERDUE = "response_overdue"  # an open incident past its response time
    REFERRAL_DUE = "referral_due"  # an open referral due soon or overdue
    UNIT_NOT_REPORTED = "unit_not_reported"  # a reporting unit still "Belum"


@dataclass(frozen=True)
class HandoverItem:
    kind: str
    ref: str  # incident number, regency code, or the hook's own reference
    text: str  # the title or name, as stored (not translated)
    due_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "due_at": self.due_at.isoformat() if self.due_at else None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HandoverItem:
        due = data.get("due_at")
        return cls(data["kind"], data["ref"], data["text"],
                   datetime.fromisoformat(due) if due else None)


# Further sections of a handover (take-downs awaiting re-check, when that record type
# exists): a function (session, now) -> items, registered with `register_section`.
Section = Callable[[Session, datetime], list[HandoverItem]]
_SECTIONS: list[Section] = []


def register_section(section: Section) -> None:
    """The hook for record types that have open items of their own (docs/shifts.md)."""
    _SECTIONS.append(section)


@dataclass(frozen=True)
class RosterLine:
    day: date
    shift: str
    username: str
    name: str  # the display name ("" when the account is unknown here)
    duty: str


@dataclass(frozen=True)
class HandoverInfo:
    id: uuid.UUID
    day: date
    shift: str
    created_at: datetime
    created_by: str
    items: list[HandoverItem]
    note: str
    updated_at: datetime
    updated_by: str
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    version: str


# --- roster ------------------------------------------------------------------------------


def roster_version(lines: Iterable[tuple[str, str]]) -> str:
    """The version token of one shift's roster: its (user name, duty) lines in any order."""
    return digest(sorted([u, d] for u, d in lines))


def roster_versions(lines: Iterable[RosterLine]) -> dict[tuple[date, str], str]:
    """(day, shift) -> version token, for the shifts that have officers in `lines`."""
    shifts: dict[tuple[date, str], list[tuple[str, str]]] = {}
    for r in lines:
        shifts.setdefault((r.day, r.shift), []).append((r.username, r.duty))
    return {key: roster_version(v) for key, v in shifts.items()}


def set_roster(ctx: AppContext, day: date, shift: str, officers: Sequence[tuple[str, str]],
               *, expected_version: str | None = None) -> list[RosterLine]:
    """The officers (user name, duty) on one shift of one day, replacing what was there.
    With `expected_version` (the roster the editor started from, `roster_version`), a
    roster someone changed since is refused with StaleEdit and nothing written."""
    require(ctx.actor, Permission.SHIFT_ROSTER)
    which = _shift(shift)
    now = ctx.now()
    wanted: dict[str, str] = {}
    for username, duty in officers:
        name = check_text((username or "").strip(), "username")
        text = check_text((duty or "").strip(), "duty")
        if len(text) > DUTY_MAX:
            raise ValidationError(N_("At most {max} characters"), field="duty", max=DUTY_MAX)
        wanted[name] = text
    with ctx.db.write() as s:
        known = set(s.scalars(select(UserAccount.username)
                              .where(UserAccount.username.in_(list(wanted)))))
        unknown = sorted(set(wanted) - known)
        if unknown:
            raise ValidationError(N_("No user {username} on this site"), field="username",
                                  username=unknown[0])
        old = list(s.scalars(select(RosterEntry).where(RosterEntry.day == day,
                                                       RosterEntry.shift == which.value)))
        before = {e.username: e.duty for e in old}
        if expected_version is not None:
            _check_roster_version(s, day, which, old, expected_version)
        for entry in old:
            s.delete(entry)
        s.flush()
        for username, duty in wanted.items():
            s.add(RosterEntry(id=uuid7(), day=day, shift=which.value, username=username,
                              duty=duty, assigned_by=ctx.actor.username, assigned_at=now))
        audit.record(s, ctx.actor, "shift.roster", "roster", "{d} {s}".format(
            d=day.isoformat(), s=which.value), before=before, after=wanted, at=now)
    logger.info("Roster %s %s set by %s: %s", day, which.value, ctx.actor.username,
                sorted(wanted))
    ctx.bus.publish(Change(ChangeKind.SHIFT, ()))
    return roster(ctx, day, day)


def officers(ctx: AppContext) -> list[tuple[str, str]]:
    """(user name, display name) of the active accounts, for the roster editor."""
    require(ctx.actor, Permission.SHIFT_ROSTER)
    with ctx.db.read() as s:
        return [(u, n or u) for u, n in s.execute(
            select(UserAccount.username, UserAccount.display_name)
            .where(UserAccount.active.is_(True)).order_by(UserAccount.username))]


def move_officer(ctx: AppContext, day: date, from_shift: str, to_shift: str,
                 username: str) -> list[RosterLine]:
    """Move one officer (with the duty) from one shift of `day` to another, in one
    transaction (the roster editor's *Pindahkan*)."""
    require(ctx.actor, Permission.SHIFT_ROSTER)
    source, target = _shift(from_shift), _shift(to_shift)
    now = ctx.now()
    with ctx.db.write() as s:
        entries = {(e.shift, e.username): e for e in s.scalars(
            select(RosterEntry).where(RosterEntry.day == day,
                                      RosterEntry.username == username))}
        entry = entries.get((source.value, username))
        if entry is None:
            raise NotFoundError(N_("{username} is not on the {shift} shift of {day}"),
                                username=username, shift=source.label, day=day.isoformat())
        if target != source and (target.value, username) in entries:
            raise ValidationError(N_("{username} is on the {shift} shift of {day} already"),
                                  field="shift", username=username, shift=target.label,
                                  day=day.isoformat())
        if target == source:
            return roster(ctx, day, day)
        entry.shift, entry.assigned_by, entry.assigned_at = target.value, ctx.actor.username, now
        audit.record(s, ctx.actor, "shift.roster_move", "roster", "{d} {u}".format(
            d=day.isoformat(), u=username), before={"shift": source.value},
            after={"shift": target.value, "duty": entry.duty}, at=now)
    logger.info("Roster %s: %s moved from %s to %s", day, username, source.value, target.value)
    ctx.bus.publish(Change(ChangeKind.SHIFT, ()))
    return roster(ctx, day, day)


def roster(ctx: AppContext, first: date, last: date) -> list[RosterLine]:
    """Who is on which shift, by day and shift (in the order of the day), then name."""
    with ctx.db.read() as s:
        names = dict(s.execute(select(UserAccount.username, UserAccount.display_name)).all())
        rows = s.scalars(select(RosterEntry).where(RosterEntry.day >= first,
                                                   RosterEntry.day <= last)).all()
        order = {sh.value: i for i, sh in enumerate(Shift)}
        return sorted((RosterLine(r.day, r.shift, r.username, names.get(r.username) or "",
                                  r.duty) for r in rows),
                      key=lambda r: (r.day, order.get(r.shift, 9), r.username))


# --- open items --------------------------------------------------------------------------


def open_items(s: Session, now: datetime) -> list[HandoverItem]:
    """What the next shift must know, as the database holds it at `now`."""
    open_values = [st.value for st in OPEN_STATUSES]
    alive = (Incident.deleted.is_(False), Incident.status.in_(open_values))
    items = [HandoverItem(ItemKind.CRITICAL_OPEN, n, t) for n, t in s.execute(
        select(Incident.number, Incident.title)
        .where(*alive, Incident.severity_rank == Severity.KRITIS.rank)
        .order_by(Incident.number))]
    items += [HandoverItem(ItemKind.RESPONSE_OVERDUE, n, t, due) for n, t, due in s.execute(
        select(Incident.number, Incident.title, Incident.respond_by)
        .where(*alive, Incident.responded_at.is_(None), Incident.respond_by < now)
        .order_by(Incident.respond_by, Incident.number))]
    items += [HandoverItem(ItemKind.REFERRAL_DUE, n, t, due) for n, t, due in s.execute(
        select(Incident.number, Incident.title, Incident.next_referral_due)
        .where(Incident.deleted.is_(False), Incident.next_referral_due.is_not(None),
               Incident.next_referral_due < now + DUE_WITHIN)
        .order_by(Incident.next_referral_due, Incident.number))]
    watch = report_status_in(s, period_for_time(now, cutoff_hour(s)))
    items += [HandoverItem(ItemKind.UNIT_NOT_REPORTED, code, info.name)
              for code, info in sorted(watch.items()) if info.status == ReportStatus.BELUM]
    for section in _SECTIONS:
        items += section(s, now)
    return items


# --- handovers ---------------------------------------------------------------------------


def create_handover(ctx: AppContext, note: str = "") -> HandoverInfo:
    """The handover of the shift running now: its open items found now, and a note."""
    require(ctx.actor, Permission.SHIFT_HANDOVER)
    now = ctx.now()
    text = _note(note)
    day, shift = shift_at(now)
    with ctx.db.write() as s:
        items = open_items(s, now)
        h = Handover(id=uuid7(), day=day, shift=shift.value, created_at=now,
                     created_by=ctx.actor.username, items=[i.to_json() for i in items],
                     note=text, updated_at=now, updated_by=ctx.actor.username,
                     acknowledged_by=None, acknowledged_at=None)
        s.add(h)
        s.flush()
        audit.record(s, ctx.actor, "shift.handover", "handover", str(h.id), before=None,
                     after={"day": day.isoformat(), "shift": shift.value, "items": len(items),
                            "note": text}, at=now)
        info = _info(h)
    logger.info("Handover %s (%s %s, %d items) by %s", info.id, day, shift.value,
                len(info.items), ctx.actor.username)
    ctx.bus.publish(Change(ChangeKind.SHIFT, (str(info.id),)))
    return info


def update_note(ctx: AppContext, handover_id: uuid.UUID, note: str, *,
                expected_version: str | None = None) -> HandoverInfo:
    """Edit the free text of a handover not acknowledged yet."""
    require(ctx.actor, Permission.SHIFT_HANDOVER)
    now = ctx.now()
    text = _note(note)
    with ctx.db.write() as s:
        h = _get(s, handover_id)
        _check_version(s, h, expected_version)
        if h.acknowledged_by is not None:
            raise TransitionError(N_("The handover was acknowledged by {user}; it can no "
                                     "longer change"), user=h.acknowledged_by)
        if text == h.note:
            return _info(h)
        audit.record(s, ctx.actor, "shift.handover_note", "handover", str(h.id),
                     before={"note": h.note}, after={"note": text}, at=now)
        h.note, h.updated_at, h.updated_by = text, now, ctx.actor.username
        info = _info(h)
    ctx.bus.publish(Change(ChangeKind.SHIFT, (str(info.id),)))
    return info


def acknowledge(ctx: AppContext, handover_id: uuid.UUID, *,
                expected_version: str | None = None) -> HandoverInfo:
    """The incoming officer read the handover (audited); not its writer, once only."""
    require(ctx.actor, Permission.SHIFT_HANDOVER)
    now = ctx.now()
    with ctx.db.write() as s:
        h = _get(s, handover_id)
        _check_version(s, h, expected_version)
        if h.acknowledged_by is not None:
            raise TransitionError(N_("The handover was already acknowledged by {user}"),
                                  user=h.acknowledged_by)
        if h.created_by == ctx.actor.username:
            raise TransitionError(N_("The incoming officer acknowledges a handover, not "
                                     "the one who wrote it"))
        h.acknowledged_by, h.acknowledged_at = ctx.actor.username, now
        audit.record(s, ctx.actor, "shift.handover_ack", "handover", str(h.id),
                     before={"acknowledged_by": None},
                     after={"acknowledged_by": ctx.actor.username}, at=now)
        info = _info(h)
    logger.info("Handover %s acknowledged by %s", info.id, ctx.actor.username)
    ctx.bus.publish(Change(ChangeKind.SHIFT, (str(info.id),)))
    return info


def latest_handover(ctx: AppContext) -> HandoverInfo | None:
    """The newest handover (what the window shows first after login)."""
    found = list_handovers(ctx, 1)
    return found[0] if found else None


def list_handovers(ctx: AppContext, limit: int = 20) -> list[HandoverInfo]:
    with ctx.db.read() as s:
        return [_info(h) for h in s.scalars(
            select(Handover).order_by(Handover.created_at.desc(), Handover.id.desc())
            .limit(max(1, limit)))]


def get_handover(ctx: AppContext, handover_id: uuid.UUID) -> HandoverInfo:
    with ctx.db.read() as s:
        return _info(_get(s, handover_id))


# --- helpers -----------------------------------------------------------------------------


def _shift(code: str) -> Shift:
    try:
        return Shift((code or "").strip().lower())
    except ValueError:
        raise ValidationError(N_("Unknown shift {value} (pagi, siang or malam)"),
                              field="shift", value=code) from None


def _note(note: str) -> str:
    text = check_text((note or "").strip(), "note", multiline=True)
    if len(text) > NOTE_MAX:
        raise ValidationError(N_("At most {max} characters"), field="note", max=NOTE_MAX)
    return text


def _get(s: Session, handover_id: uuid.UUID) -> Handover:
    h = s.get(Handover, handover_id)
    if h is None:
        raise NotFoundError(N_("Handover {id} not found"), id=str(handover_id))
    return h


def handover_version(h: Handover) -> str:
    return digest(h.note, h.updated_at.isoformat(), h.acknowledged_by)


_ROSTER_STALE = N_("The roster of the shift {shift} of {day} was changed by {name} at {time} "
                   "since you opened it; your change was not saved.")
_STALE = N_("Handover {number} was changed by {name} at {time} since you opened it; your "
            "change was not saved.")


def _check_version(s: Session, h: Handover, expected: str | None) -> None:
    if expected is None:
        return
    version = handover_version(h)
    if expected != version:
        who = h.acknowledged_by or h.updated_by
        at = h.acknowledged_at or h.updated_at
        raise StaleEdit(_STALE, version=version, current={"note": h.note,
                                                          "acknowledged_by": h.acknowledged_by},
                        changed_by=person(s, who), changed_at=at, number=str(h.id)[:8])


def _check_roster_version(s: Session, day: date, shift: Shift, entries: list[RosterEntry],
                          expected: str) -> None:
    version = roster_version((e.username, e.duty) for e in entries)
    if expected == version:
        return
    if entries:  # the newest assignment; an emptied shift: the newest roster audit entry
        newest = max(entries, key=lambda e: e.assigned_at)
        who, at = newest.assigned_by, newest.assigned_at
    else:
        row = s.execute(
            select(AuditEntry.username, AuditEntry.at)
            .where(or_(and_(AuditEntry.action == "shift.roster",
                            AuditEntry.record_id == "{d} {s}".format(d=day.isoformat(),
                                                                     s=shift.value)),
                       and_(AuditEntry.action == "shift.roster_move",
                            AuditEntry.record_id.like(day.isoformat() + " %"))))
            .order_by(AuditEntry.id.desc()).limit(1)).first()
        if row is None:  # never set: the token was not one of this roster
            raise ValidationError(N_("{version} is not a version of {what}"), field="version",
                                  version=expected,
                                  what="{d} {s}".format(d=day.isoformat(), s=shift.value))
        who, at = row
    raise StaleEdit(_ROSTER_STALE, version=version,
                    current={e.username: e.duty for e in entries}, changed_by=person(s, who),
                    changed_at=at, day=day.isoformat(), shift=shift.label)


def _info(h: Handover) -> HandoverInfo:
    return HandoverInfo(h.id, h.day, h.shift, h.created_at, h.created_by,
                        [HandoverItem.from_json(i) for i in h.items], h.note, h.updated_at,
                        h.updated_by, h.acknowledged_by, h.acknowledged_at,
                        handover_version(h))


def write_roster_pdf(ctx: AppContext, first: date, last: date, out: Path) -> Path:
    """The roster of [first, last] as a PDF to print (written atomically)."""
    lines = roster(ctx, first, last)
    rows = [RosterRow(r.day, Shift(r.shift).label, r.name or r.username, r.duty)
            for r in lines]
    data = roster_pdf(_("Duty roster of the Posko Desk Pilkada"), rows, first, last,
                      current_language())
    write_atomically(out, lambda tmp: tmp.write_bytes(data))
    logger.info("Roster %s..%s written to %s (%d lines)", first, last, out, len(rows))
    return out
