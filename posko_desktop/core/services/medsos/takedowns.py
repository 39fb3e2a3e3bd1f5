"""Take-down requests (issue 16): posts reported to Komdigi (aduankonten), the platform,
Bawaslu or the Polda cyber unit, with the ticket or letter number, and re-checked until
they are down.

Operators prepare requests and record re-checks (`medsos.collect`); supervisors send them
and change their status (`medsos.decide`). Status: disiapkan -> diajukan -> diproses ->
diturunkan | ditolak | masih_tayang (a re-check that finds a post down after "masih
tayang" moves it to diturunkan). The request letter (PDF) is made by `reports` from
`get_takedown` (the seam: `posko takedown letter`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.db.models_medsos import HoaxCase, SocialPost, TakedownRequest
from posko_desktop.core.domain import NotFoundError, TransitionError, ValidationError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.vocab import Addressee, RecheckResult, TakedownStatus
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, can, require
from posko_desktop.core.services.medsos.common import (
    check_version,
    get_row,
    iso,
    long_text,
    next_number,
    one_line,
    record_version,
    resolve,
    site_tag,
    stamp_fields,
)
from posko_desktop.core.sync.kinds import TAKEDOWNS
from posko_desktop.core.timeutil import ensure_utc

logger = logging.getLogger(__name__)

POSTS_MAX = 500
RECHECKS_MAX = 500
EDITABLE_FIELDS = ("addressee", "channel", "reference", "legal_basis", "note", "posts")
CLOSED = (TakedownStatus.DITURUNKAN, TakedownStatus.DITOLAK)
_NOT_FOUND = N_("Take-down request {id} not found")
_STALE = N_("Take-down request {number} was changed by {name} at {time} since you opened it; "
            "your change was not saved.")
MOVES = {
    TakedownStatus.DISIAPKAN: {TakedownStatus.DIAJUKAN},
    TakedownStatus.DIAJUKAN: {TakedownStatus.DIPROSES, TakedownStatus.DITURUNKAN,
                              TakedownStatus.DITOLAK, TakedownStatus.MASIH_TAYANG},
    TakedownStatus.DIPROSES: {TakedownStatus.DITURUNKAN, TakedownStatus.DITOLAK,
                              TakedownStatus.MASIH_TAYANG},
    TakedownStatus.MASIH_TAYANG: {TakedownStatus.DIAJUKAN, TakedownStatus.DIPROSES,
                                  TakedownStatus.DITURUNKAN, TakedownStatus.DITOLAK},
    TakedownStatus.DITURUNKAN: {TakedownStatus.MASIH_TAYANG},
    TakedownStatus.DITOLAK: {TakedownStatus.DIAJUKAN},
}


@dataclass(frozen=True)
class Recheck:
    at: datetime
    result: str  # up, down
    by: str
    note: str


@dataclass(frozen=True)
class TakedownInfo:
    id: uuid.UUID
    number: str
    origin_site: str
    case_id: uuid.UUID | None
    addressee: str
    platform: str
    posts: tuple[uuid.UUID, ...]
    channel: str
    reference: str  # ticket or letter number
    legal_basis: str
    status: str
    submitted_at: datetime | None
    closed_at: datetime | None
    rechecks: tuple[Recheck, ...]
    note: str
    recorded_by: str
    created_at: datetime
    updated_at: datetime
    updated_by: str
    deleted: bool
    version: str

    @property
    def status_label(self) -> str:
        return TakedownStatus(self.status).label

    @property
    def last_check(self) -> Recheck | None:
        return self.rechecks[-1] if self.rechecks else None


def takedown_info(t: TakedownRequest) -> TakedownInfo:
    return TakedownInfo(
        t.id, t.number, t.origin_site, uuid.UUID(t.case_id) if t.case_id else None,
        t.addressee, t.platform, tuple(uuid.UUID(p) for p in t.posts), t.channel, t.reference,
        t.legal_basis, t.status, t.submitted_at, t.closed_at,
        tuple(Recheck(datetime.fromisoformat(r["at"]), r["result"], r["by"], r["note"])
              for r in t.rechecks), t.note, t.recorded_by, t.created_at, t.updated_at,
        t.updated_by, t.deleted, record_version(t))


def _snapshot(t: TakedownRequest) -> dict[str, Any]:
    return {f: getattr(t, f) for f in TAKEDOWNS.fields}


@dataclass
class TakedownInput:
    addressee: str
    posts: Sequence[uuid.UUID]
    case_id: uuid.UUID | None = None
    channel: str = ""  # aduankonten.id, the platform's report form, a letter ...
    reference: str = ""
    legal_basis: str = ""  # e.g. UU ITE Pasal 28 ayat (2) jo. Pasal 45A ayat (2)
    note: str = ""


def _validate(s: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "addressee" in values:
        try:
            out["addressee"] = Addressee(values["addressee"]).value
        except ValueError:
            raise ValidationError(N_("Unknown addressee {value}"), field="addressee",
                                  value=values["addressee"]) from None
    for name, maximum in (("channel", 200), ("reference", 120), ("legal_basis", 500)):
        if name in values:
            out[name] = one_line(values[name], name, maximum)
    if "note" in values:
        out["note"] = long_text(values["note"], "note")
    if "posts" in values:
        ids = list(dict.fromkeys(str(p) for p in values["posts"]))
        if not ids:
            raise ValidationError(N_("Name at least one post"), field="posts")
        if len(ids) > POSTS_MAX:
            raise ValidationError(N_("At most {max} posts per request"), field="posts",
                                  max=POSTS_MAX)
        found = {str(i): p for i, p in s.execute(
            select(SocialPost.id, SocialPost.platform).where(
                SocialPost.id.in_([uuid.UUID(i) for i in ids]),
                SocialPost.deleted.is_(False)))}
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFoundError(N_("Post {id} not found"), id=missing[0])
        out["posts"] = ids
        platforms = set(found.values())
        out["platform"] = platforms.pop() if len(platforms) == 1 else ""
    return out


def _get(s: Session, takedown_id: uuid.UUID | str) -> TakedownRequest:
    request: TakedownRequest = get_row(s, TakedownRequest, takedown_id, _NOT_FOUND)
    return request


def _change(ctx: AppContext, s: Session, t: TakedownRequest, values: Mapping[str, Any],
            action: str, now: datetime, detail: str = "") -> None:
    changed = {k: v for k, v in values.items() if getattr(t, k) != v}
    if not changed:
        return
    before = {k: getattr(t, k) for k in changed}
    for name, value in changed.items():
        setattr(t, name, value)
    stamp_fields(t, list(changed), new_stamp(s, now), ctx, now)
    audit.record(s, ctx.actor, action, "takedown", str(t.id), before=_json(before),
                 after=_json(changed), at=now, detail=detail)


def _json(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in values.items()}


def _done(ctx: AppContext, takedown_id: uuid.UUID) -> None:
    ctx.bus.publish(Change(ChangeKind.TAKEDOWN, (str(takedown_id),)))


def new_takedown(ctx: AppContext, data: TakedownInput) -> TakedownInfo:
    """Prepare a request (status disiapkan) for the posts; TD-JTG-2024-0001."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    now = ctx.now()
    with ctx.db.write() as s:
        values = _validate(s, {"addressee": data.addressee, "posts": data.posts,
                               "channel": data.channel, "reference": data.reference,
                               "legal_basis": data.legal_basis, "note": data.note})
        case_id = None
        if data.case_id is not None:
            case = get_row(s, HoaxCase, data.case_id, N_("Case {id} not found"))
            case_id = str(case.id)
        site = local_site(s)
        stamp = new_stamp(s, now)
        prefix = "TD-{tag}-{y}-".format(tag=site_tag(site.code), y=now.year)
        t = TakedownRequest(id=uuid7(), number=next_number(s, TakedownRequest, prefix, 4),
                            origin_site=site.code, recorded_by=ctx.actor.username,
                            created_at=now, updated_at=now, updated_by=ctx.actor.username,
                            mod_stamp=stamp, field_stamps=dict.fromkeys(TAKEDOWNS.fields, stamp),
                            deleted=False, case_id=case_id, status=TakedownStatus.DISIAPKAN.value,
                            submitted_at=None, closed_at=None, rechecks=[], **values)
        s.add(t)
        s.flush()
        audit.record(s, ctx.actor, "takedown.create", "takedown", str(t.id), before=None,
                     after={"number": t.number, "case_id": case_id, **values}, at=now)
        info = takedown_info(t)
    logger.info("Take-down request %s prepared (%d posts)", info.number, len(info.posts))
    _done(ctx, info.id)
    return info


def update_takedown(ctx: AppContext, takedown_id: uuid.UUID, changes: Mapping[str, Any], *,
                    status: str | None = None, expected_version: str | None = None
                    ) -> TakedownInfo:
    """Change `EDITABLE_FIELDS` and/or move the status (`MOVES`; supervisors). Moving to
    diajukan sets the submission time, to diturunkan or ditolak the closing time."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(N_("{name} is not an editable field"), field=unknown[0],
                              name=unknown[0])
    require(ctx.actor, Permission.MEDSOS_DECIDE if status is not None
            else Permission.MEDSOS_COLLECT)
    now = ctx.now()
    with ctx.db.write() as s:
        t = _get(s, takedown_id)
        check_version(s, t, expected_version, _STALE, _snapshot(t))
        if t.deleted:
            raise TransitionError(N_("Take-down request {number} is deleted"), number=t.number)
        if t.status != TakedownStatus.DISIAPKAN and (changes.keys() & {"posts", "addressee"}) \
                and not can(ctx.actor, Permission.MEDSOS_DECIDE):
            raise TransitionError(N_("Take-down request {number} was sent: only a supervisor "
                                     "changes its posts or addressee"), number=t.number)
        values = _validate(s, changes)
        if status is not None:
            values.update(_moved(t, status, now))
        _change(ctx, s, t, values, "takedown.update", now)
        info = takedown_info(t)
    _done(ctx, takedown_id)
    return info


def _moved(t: TakedownRequest, status: str, now: datetime) -> dict[str, Any]:
    try:
        target = TakedownStatus(status)
    except ValueError:
        raise ValidationError(N_("Unknown take-down status {value}"), field="status",
                              value=status) from None
    current = TakedownStatus(t.status)
    if target == current:
        return {}
    if target not in MOVES[current]:
        raise TransitionError(N_("Take-down request {number} cannot go from {current} to "
                                 "{target}"), number=t.number, current=current.label,
                              target=target.label)
    out: dict[str, Any] = {"status": target.value}
    if target == TakedownStatus.DIAJUKAN and t.submitted_at is None:
        out["submitted_at"] = now
    out["closed_at"] = now if target in CLOSED else None
    return out


def add_recheck(ctx: AppContext, takedown_id: uuid.UUID, result: str, note: str = "", *,
                at: datetime | None = None) -> TakedownInfo:
    """A re-check of the posts: still `up` or `down` (at `at`, default now). A request
    sent and found down is diturunkan; found up after its answer, masih_tayang."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    try:
        code = RecheckResult(result).value
    except ValueError:
        raise ValidationError(N_("A re-check finds the post up or down, not {value}"),
                              field="result", value=result) from None
    text = long_text(note, "note", 2000)
    now = ctx.now()
    when = ensure_utc(at) if at is not None else now
    if when > now:
        raise ValidationError(N_("The time lies in the future"), field="at")
    with ctx.db.write() as s:
        t = _get(s, takedown_id)
        if t.deleted:
            raise TransitionError(N_("Take-down request {number} is deleted"), number=t.number)
        if t.status == TakedownStatus.DISIAPKAN:
            raise TransitionError(N_("Take-down request {number} is not sent yet"),
                                  number=t.number)
        if len(t.rechecks) >= RECHECKS_MAX:
            raise ValidationError(N_("At most {max} re-checks per request"), field="result",
                                  max=RECHECKS_MAX)
        entry = {"at": iso(when), "result": code, "by": ctx.actor.username, "note": text}
        values: dict[str, Any] = {"rechecks": sorted([*t.rechecks, entry],
                                                     key=lambda r: r["at"])}
        current = TakedownStatus(t.status)
        if code == "down" and current != TakedownStatus.DITURUNKAN:
            values.update(status=TakedownStatus.DITURUNKAN.value, closed_at=now)
        elif code == "up" and current in (TakedownStatus.DIPROSES, TakedownStatus.DITURUNKAN,
                                          TakedownStatus.DITOLAK):
            values.update(status=TakedownStatus.MASIH_TAYANG.value, closed_at=None)
        _change(ctx, s, t, values, "takedown.recheck", now, detail=code)
        info = takedown_info(t)
    _done(ctx, takedown_id)
    return info


def set_deleted(ctx: AppContext, takedown_id: uuid.UUID, deleted: bool, *,
                expected_version: str | None = None) -> TakedownInfo:
    require(ctx.actor, Permission.MEDSOS_DECIDE)
    now = ctx.now()
    with ctx.db.write() as s:
        t = _get(s, takedown_id)
        check_version(s, t, expected_version, _STALE, _snapshot(t))
        _change(ctx, s, t, {"deleted": deleted},
                "takedown.delete" if deleted else "takedown.restore", now)
        info = takedown_info(t)
    _done(ctx, takedown_id)
    return info


@dataclass(frozen=True)
class TakedownFilter:
    status: str | None = None
    open_only: bool = False  # not diturunkan / ditolak
    case_id: uuid.UUID | None = None
    addressee: str | None = None
    include_deleted: bool = False


def list_takedowns(ctx: AppContext, flt: TakedownFilter = TakedownFilter()
                   ) -> list[TakedownInfo]:
    """Oldest first (the register: the oldest open request is the most urgent)."""
    m = TakedownRequest
    stmt = select(m).order_by(m.created_at, m.number)
    if flt.status:
        stmt = stmt.where(m.status == flt.status)
    if flt.open_only:
        stmt = stmt.where(m.status.not_in([c.value for c in CLOSED]))
    if flt.case_id is not None:
        stmt = stmt.where(m.case_id == str(flt.case_id))
    if flt.addressee:
        stmt = stmt.where(m.addressee == flt.addressee)
    if not flt.include_deleted:
        stmt = stmt.where(m.deleted.is_(False))
    with ctx.db.read() as s:
        return [takedown_info(t) for t in s.scalars(stmt)]


def get_takedown(ctx: AppContext, takedown_id: uuid.UUID) -> TakedownInfo:
    with ctx.db.read() as s:
        return takedown_info(_get(s, takedown_id))


def resolve_ref(ctx: AppContext, ref: str) -> uuid.UUID:
    with ctx.db.read() as s:
        return resolve(s, TakedownRequest, ref, _NOT_FOUND)
