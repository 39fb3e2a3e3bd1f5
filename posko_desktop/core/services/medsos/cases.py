"""Hoax cases (issue 16): a claim, the posts that carry it, a verdict decided by one
supervisor and approved by another, the clarification published, links to incidents.

Status: baru -> diverifikasi (verdict decided) -> terverifikasi (approved by a second
supervisor) -> klarifikasi_terbit (published) -> dipantau -> selesai; ditolak (not a case,
from any open status; reopened to baru). Operators open cases, attach posts, evidence,
fact-checks, incidents and draft the clarification (`medsos.collect`); supervisors decide,
approve, publish, change the status and delete (`medsos.decide`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.db.models import Incident
from posko_desktop.core.db.models_medsos import HoaxCase, SocialPost
from posko_desktop.core.domain import NotFoundError, TransitionError, ValidationError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.urls import parse_url
from posko_desktop.core.medsos.vocab import CaseCategory, CaseStatus, Priority, Verdict
from posko_desktop.core.services import audit, incidents
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.medsos.common import (
    Evidence,
    check_version,
    evidence_of,
    get_row,
    iso,
    long_text,
    next_number,
    one_line,
    record_version,
    regency_codes,
    resolve,
    site_tag,
    stamp_fields,
    store_evidence,
)
from posko_desktop.core.services.medsos.posts import PostInfo, post_info
from posko_desktop.core.sync.kinds import HOAX_CASES, SOCIAL_POSTS
from posko_desktop.core.timeutil import ensure_utc

logger = logging.getLogger(__name__)

CLAIM_MAX = 500
SOURCES_MAX = 50
EDITABLE_FIELDS = ("claim", "category", "priority", "regencies", "note")
_NOT_FOUND = N_("Case {id} not found")
_STALE = N_("Case {number} was changed by {name} at {time} since you opened it; your change "
            "was not saved.")
OPEN = (CaseStatus.BARU, CaseStatus.DIVERIFIKASI, CaseStatus.TERVERIFIKASI,
        CaseStatus.KLARIFIKASI_TERBIT, CaseStatus.DIPANTAU)
# set_status: the moves a supervisor makes by hand (verdict, approval, publishing move too)
MOVES = {
    CaseStatus.BARU: {CaseStatus.DITOLAK},
    CaseStatus.DIVERIFIKASI: {CaseStatus.DITOLAK},
    CaseStatus.TERVERIFIKASI: {CaseStatus.DITOLAK},
    CaseStatus.KLARIFIKASI_TERBIT: {CaseStatus.DIPANTAU, CaseStatus.SELESAI},
    CaseStatus.DIPANTAU: {CaseStatus.SELESAI, CaseStatus.KLARIFIKASI_TERBIT},
    CaseStatus.SELESAI: {CaseStatus.DIPANTAU},
    CaseStatus.DITOLAK: {CaseStatus.BARU},
}


@dataclass(frozen=True)
class VerdictInfo:
    verdict: str
    reasoning: str
    sources: tuple[str, ...]
    decided_by: str
    decided_at: datetime
    approved_by: str | None
    approved_at: datetime | None

    @property
    def approved(self) -> bool:
        return self.approved_by is not None

    @property
    def label(self) -> str:
        return Verdict(self.verdict).label


@dataclass(frozen=True)
class Publication:
    channel: str  # where: the desk's Instagram, the provincial website, a press release ...
    url: str
    at: datetime


@dataclass(frozen=True)
class ClarificationInfo:
    text: str
    published: tuple[Publication, ...]
    published_by: str | None
    published_at: datetime | None


@dataclass(frozen=True)
class FactCheck:
    url: str
    publisher: str


@dataclass(frozen=True)
class CaseInfo:
    id: uuid.UUID
    number: str
    origin_site: str
    claim: str
    category: str
    priority: str
    status: str
    regencies: tuple[str, ...]
    verdict: VerdictInfo | None
    fact_checks: tuple[FactCheck, ...]
    clarification: ClarificationInfo | None
    incidents: tuple[uuid.UUID, ...]
    evidence: tuple[Evidence, ...]
    note: str
    recorded_by: str
    created_at: datetime
    updated_at: datetime
    updated_by: str
    deleted: bool
    version: str

    @property
    def status_label(self) -> str:
        return CaseStatus(self.status).label

    @property
    def category_label(self) -> str:
        return CaseCategory(self.category).label


@dataclass(frozen=True)
class CaseReach:
    """What the case's posts add up to (live posts only)."""

    posts: int = 0
    reach: int = 0
    first_seen: datetime | None = None  # earliest posted (else collected) time
    last_seen: datetime | None = None
    platforms: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseDetail:
    case: CaseInfo
    reach: CaseReach
    posts: tuple[PostInfo, ...]


@dataclass
class CaseInput:
    claim: str
    category: str
    priority: str = Priority.SEDANG.value
    regencies: list[str] = field(default_factory=list)
    note: str = ""


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def case_info(c: HoaxCase) -> CaseInfo:
    v = c.verdict
    verdict = None if v is None else VerdictInfo(
        v["verdict"], v["reasoning"], tuple(v["sources"]), v["decided_by"],
        datetime.fromisoformat(v["decided_at"]), v["approved_by"], _dt(v["approved_at"]))
    k = c.clarification
    clarification = None if k is None else ClarificationInfo(
        k["text"], tuple(Publication(p["channel"], p["url"], datetime.fromisoformat(p["at"]))
                         for p in k["published"]), k["published_by"], _dt(k["published_at"]))
    return CaseInfo(
        c.id, c.number, c.origin_site, c.claim, c.category, c.priority, c.status,
        tuple(c.regencies), verdict, tuple(FactCheck(f["url"], f["publisher"])
                                           for f in c.fact_checks),
        clarification, tuple(uuid.UUID(i) for i in c.incidents), evidence_of(c.evidence),
        c.note, c.recorded_by, c.created_at, c.updated_at, c.updated_by, c.deleted,
        record_version(c))


def _snapshot(c: HoaxCase) -> dict[str, Any]:
    return {f: getattr(c, f) for f in HOAX_CASES.fields}


def _validate(s: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "claim" in values:
        out["claim"] = one_line(values["claim"], "claim", CLAIM_MAX, required=True)
    if "category" in values:
        try:
            out["category"] = CaseCategory(values["category"]).value
        except ValueError:
            raise ValidationError(N_("Unknown case category {value}"), field="category",
                                  value=values["category"]) from None
    if "priority" in values:
        try:
            out["priority"] = Priority(values["priority"]).value
        except ValueError:
            raise ValidationError(N_("Unknown priority {value}"), field="priority",
                                  value=values["priority"]) from None
    if "regencies" in values:
        out["regencies"] = regency_codes(s, values["regencies"])
    if "note" in values:
        out["note"] = long_text(values["note"], "note")
    return out


def _get(s: Session, case_id: uuid.UUID | str) -> HoaxCase:
    case: HoaxCase = get_row(s, HoaxCase, case_id, _NOT_FOUND)
    return case


def _require_open(c: HoaxCase) -> None:
    if c.deleted:
        raise TransitionError(N_("Case {number} is deleted; restore it first"),
                              number=c.number)


def _change(ctx: AppContext, s: Session, c: HoaxCase, values: Mapping[str, Any], action: str,
            now: datetime, detail: str = "") -> None:
    """Set the fields that differ, one stamp, one audit entry."""
    changed = {k: v for k, v in values.items() if getattr(c, k) != v}
    if not changed:
        return
    before = {k: getattr(c, k) for k in changed}
    for name, value in changed.items():
        setattr(c, name, value)
    stamp_fields(c, list(changed), new_stamp(s, now), ctx, now)
    audit.record(s, ctx.actor, action, "hoax-case", str(c.id), before=before, after=changed,
                 at=now, detail=detail)


def _done(ctx: AppContext, *case_ids: uuid.UUID, posts: bool = False) -> None:
    ctx.bus.publish(Change(ChangeKind.HOAX_CASE, tuple(str(i) for i in case_ids)))
    if posts:
        ctx.bus.publish(Change(ChangeKind.SOCIAL_POST, ()))


# --- commands --------------------------------------------------------------------------


def new_case(ctx: AppContext, data: CaseInput, post_ids: Sequence[uuid.UUID] = ()) -> CaseInfo:
    """Open a case (HOAKS-JTG-2024-0001, numbered per site and year), with the posts that
    carry the claim; without regencies given, those the posts name."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    now = ctx.now()
    with ctx.db.write() as s:
        values = _validate(s, {"claim": data.claim, "category": data.category,
                               "priority": data.priority, "regencies": data.regencies,
                               "note": data.note})
        posts = [_post(s, pid) for pid in post_ids]
        if not values["regencies"]:
            values["regencies"] = sorted({r for p in posts for r in p.regencies})
        site = local_site(s)
        stamp = new_stamp(s, now)
        prefix = "HOAKS-{tag}-{y}-".format(tag=site_tag(site.code), y=now.year)
        c = HoaxCase(id=uuid7(), number=next_number(s, HoaxCase, prefix, 4),
                     origin_site=site.code, recorded_by=ctx.actor.username, created_at=now,
                     updated_at=now, updated_by=ctx.actor.username, mod_stamp=stamp,
                     field_stamps=dict.fromkeys(HOAX_CASES.fields, stamp), deleted=False,
                     status=CaseStatus.BARU.value, verdict=None, fact_checks=[],
                     clarification=None, incidents=[], evidence=[], **values)
        s.add(c)
        s.flush()
        audit.record(s, ctx.actor, "case.create", "hoax-case", str(c.id), before=None,
                     after={"number": c.number, **values}, at=now)
        _link_posts(ctx, s, c, posts, now)
        info = case_info(c)
    logger.info("Case %s opened with %d posts", info.number, len(post_ids))
    _done(ctx, info.id, posts=bool(post_ids))
    return info


def _post(s: Session, post_id: uuid.UUID) -> SocialPost:
    p = s.get(SocialPost, post_id)
    if p is None or p.deleted:
        raise NotFoundError(N_("Post {id} not found"), id=str(post_id))
    return p


def _link_posts(ctx: AppContext, s: Session, c: HoaxCase | None, posts: Sequence[SocialPost],
                now: datetime) -> None:
    target = str(c.id) if c is not None else None
    moved = [p for p in posts if p.case_id != target]
    if not moved:
        return
    stamp = new_stamp(s, now)
    for p in moved:
        before = p.case_id
        p.case_id = target
        stamp_fields(p, ["case_id"], stamp, ctx, now)
        audit.record(s, ctx.actor, "post.case", "social-post", str(p.id),
                     before={"case_id": before}, after={"case_id": target}, at=now,
                     detail=c.number if c is not None else "")


def attach_posts(ctx: AppContext, case_id: uuid.UUID, post_ids: Sequence[uuid.UUID]
                 ) -> CaseInfo:
    """The posts carry this case's claim (a post belongs to one case: it moves)."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get(s, case_id)
        _require_open(c)
        _link_posts(ctx, s, c, [_post(s, pid) for pid in post_ids], now)
        info = case_info(c)
    _done(ctx, case_id, posts=True)
    return info


def detach_posts(ctx: AppContext, post_ids: Sequence[uuid.UUID]) -> None:
    """The posts belong to no case (back in the triage queue)."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    now = ctx.now()
    with ctx.db.write() as s:
        _link_posts(ctx, s, None, [_post(s, pid) for pid in post_ids], now)
    ctx.bus.publish(Change(ChangeKind.SOCIAL_POST, tuple(str(p) for p in post_ids)))


def update_case(ctx: AppContext, case_id: uuid.UUID, changes: Mapping[str, Any], *,
                expected_version: str | None = None) -> CaseInfo:
    """Change `EDITABLE_FIELDS` (only those given)."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(N_("{name} is not an editable field"), field=unknown[0],
                              name=unknown[0])
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get(s, case_id)
        check_version(s, c, expected_version, _STALE, _snapshot(c))
        _require_open(c)
        _change(ctx, s, c, _validate(s, changes), "case.update", now)
        info = case_info(c)
    _done(ctx, case_id)
    return info


def add_fact_check(ctx: AppContext, case_id: uuid.UUID, url: str, publisher: str, *,
                   expected_version: str | None = None) -> CaseInfo:
    """An external fact-check of the claim (turnbackhoax.id, cekfakta.com, Komdigi ...)."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    link = parse_url(one_line(url, "url", 2048, required=True)).canonical
    name = one_line(publisher, "publisher", 200)
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get(s, case_id)
        check_version(s, c, expected_version, _STALE, _snapshot(c))
        _require_open(c)
        if not any(f["url"] == link for f in c.fact_checks):
            _change(ctx, s, c, {"fact_checks": [*c.fact_checks, {"url": link,
                                                                "publisher": name}]},
                    "case.fact_check", now)
        info = case_info(c)
    _done(ctx, case_id)
    return info


def attach_evidence(ctx: AppContext, case_id: uuid.UUID, filename: str, data: bytes, *,
                    expected_version: str | None = None) -> CaseInfo:
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get(s, case_id)
        check_version(s, c, expected_version, _STALE, _snapshot(c))
        _require_open(c)
        entry = store_evidence(s, c.evidence, filename, data, ctx.actor.username, now)
        if entry is not None:
            _change(ctx, s, c, {"evidence": [*c.evidence, entry]}, "case.evidence", now)
        info = case_info(c)
    _done(ctx, case_id)
    return info


def link_incident(ctx: AppContext, case_id: uuid.UUID, incident_id: uuid.UUID,
                  linked: bool = True) -> CaseInfo:
    """Attach the case to an incident of the log (or detach it)."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get(s, case_id)
        _require_open(c)
        _link(ctx, s, c, incident_id, linked, now)
        info = case_info(c)
    _done(ctx, case_id)
    return info


def _link(ctx: AppContext, s: Session, c: HoaxCase, incident_id: uuid.UUID, linked: bool,
          now: datetime) -> None:
    if linked and s.scalar(select(Incident.number).where(
            Incident.id == incident_id)) is None:
        raise NotFoundError(N_("Incident {id} not found"), id=str(incident_id))
    ids = [i for i in c.incidents if i != str(incident_id)]
    if linked:
        ids.append(str(incident_id))
    _change(ctx, s, c, {"incidents": ids}, "case.incident" if linked else "case.unlink",
            now, detail=str(incident_id))


def open_incident(ctx: AppContext, case_id: uuid.UUID, regency_code: str, *,
                  category_code: str = "A1", severity: str = "sedang") -> CaseInfo:
    """Open an incident of the log for the case (source: social media, the claim as its
    title, the first post's time and links as its source) and link it, in one
    transaction: a refused link leaves no incident behind."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    require(ctx.actor, Permission.INCIDENT_CREATE)
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get(s, case_id)
        _require_open(c)
        posts = list(s.scalars(select(SocialPost).where(SocialPost.case_id == str(c.id),
                                                        SocialPost.deleted.is_(False))
                               .order_by(SocialPost.created_at).limit(10)))
        first = min((p.posted_at or p.created_at for p in posts), default=c.created_at)
        links = " ".join(p.canonical_url for p in posts if p.canonical_url)
        inc = incidents.add_incident(ctx, s, incidents.IncidentInput(
            regency_code=regency_code, title=c.claim[:200], category_code=category_code,
            severity=severity, occurred_at=min(first, now), source_type="media_sosial",
            source_detail="{n} {links}".format(n=c.number, links=links)[:500].strip()), now)
        _link(ctx, s, c, inc.id, True, now)
        number, incident_id, info = inc.number, inc.id, case_info(c)
    logger.info("Incident %s opened for case %s by %s", number, info.number,
                ctx.actor.username)
    ctx.bus.publish(Change(ChangeKind.INCIDENT, (str(incident_id),)))
    _done(ctx, case_id)
    return info


def decide_verdict(ctx: AppContext, case_id: uuid.UUID, verdict: str, reasoning: str,
                   sources: Sequence[str] = (), *, expected_version: str | None = None
                   ) -> CaseInfo:
    """A supervisor's verdict with reasoning and sources; it waits for a second
    supervisor's approval (the status becomes diverifikasi). A new verdict replaces an
    unpublished one and needs approval again."""
    require(ctx.actor, Permission.MEDSOS_DECIDE)
    try:
        code = Verdict(verdict).value
    except ValueError:
        raise ValidationError(N_("Unknown verdict {value}"), field="verdict",
                              value=verdict) from None
    why = long_text(reasoning, "reasoning")
    if not why:
        raise ValidationError(N_("Give the reasoning of the verdict"), field="reasoning")
    links = [one_line(x, "sources", 2048) for x in sources]
    links = [x for x in links if x][:SOURCES_MAX]
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get(s, case_id)
        check_version(s, c, expected_version, _STALE, _snapshot(c))
        _require_open(c)
        if c.status not in (CaseStatus.BARU, CaseStatus.DIVERIFIKASI, CaseStatus.TERVERIFIKASI):
            raise TransitionError(N_("Case {number} is {status}: its verdict can no longer "
                                     "change"), number=c.number,
                                  status=CaseStatus(c.status).label)
        value = {"verdict": code, "reasoning": why, "sources": links,
                 "decided_by": ctx.actor.username, "decided_at": iso(now),
                 "approved_by": None, "approved_at": None}
        _change(ctx, s, c, {"verdict": value, "status": CaseStatus.DIVERIFIKASI.value},
                "case.verdict", now)
        info = case_info(c)
    _done(ctx, case_id)
    return info


def approve_verdict(ctx: AppContext, case_id: uuid.UUID, *,
                    expected_version: str | None = None) -> CaseInfo:
    """A second supervisor approves the verdict (not the one who decided it)."""
    require(ctx.actor, Permission.MEDSOS_DECIDE)
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get(s, case_id)
        check_version(s, c, expected_version, _STALE, _snapshot(c))
        _require_open(c)
        if c.verdict is None or c.status != CaseStatus.DIVERIFIKASI:
            raise TransitionError(N_("Case {number} has no verdict waiting for approval"),
                                  number=c.number)
        if c.verdict["decided_by"] == ctx.actor.username:
            raise TransitionError(N_("The verdict of case {number} must be approved by "
                                     "another supervisor than {user}, who decided it"),
                                  number=c.number, user=ctx.actor.username)
        value = {**c.verdict, "approved_by": ctx.actor.username, "approved_at": iso(now)}
        _change(ctx, s, c, {"verdict": value, "status": CaseStatus.TERVERIFIKASI.value},
                "case.approve", now)
        info = case_info(c)
    _done(ctx, case_id)
    return info


def set_clarification(ctx: AppContext, case_id: uuid.UUID, text: str, *,
                      expected_version: str | None = None) -> CaseInfo:
    """Draft (or correct, before publishing) the clarification text."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    body = long_text(text, "clarification")
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get(s, case_id)
        check_version(s, c, expected_version, _STALE, _snapshot(c))
        _require_open(c)
        old = c.clarification or {"published": [], "published_by": None, "published_at": None}
        if old["published"]:
            raise TransitionError(N_("The clarification of case {number} is published; it "
                                     "can no longer change"), number=c.number)
        _change(ctx, s, c, {"clarification": {**old, "text": body}}, "case.clarification",
                now)
        info = case_info(c)
    _done(ctx, case_id)
    return info


def publish_clarification(ctx: AppContext, case_id: uuid.UUID, channel: str, url: str = "",
                          *, expected_version: str | None = None) -> CaseInfo:
    """Record that the clarification was published on `channel` (at `url`); only after the
    verdict was approved. Publishing again on another channel adds it."""
    require(ctx.actor, Permission.MEDSOS_DECIDE)
    where = one_line(channel, "channel", 200, required=True)
    link = parse_url(url).canonical if url.strip() else ""
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get(s, case_id)
        check_version(s, c, expected_version, _STALE, _snapshot(c))
        _require_open(c)
        if c.verdict is None or c.verdict["approved_by"] is None:
            raise TransitionError(N_("The verdict of case {number} is not approved yet: the "
                                     "clarification cannot be published"), number=c.number)
        k = c.clarification
        if k is None or not k["text"]:
            raise TransitionError(N_("Case {number} has no clarification text yet"),
                                  number=c.number)
        value = {**k, "published": [*k["published"], {"channel": where, "url": link,
                                                      "at": iso(now)}],
                 "published_by": k["published_by"] or ctx.actor.username,
                 "published_at": k["published_at"] or iso(now)}
        status = (CaseStatus.KLARIFIKASI_TERBIT.value if c.status == CaseStatus.TERVERIFIKASI
                  else c.status)
        _change(ctx, s, c, {"clarification": value, "status": status}, "case.publish", now,
                detail=where)
        info = case_info(c)
    _done(ctx, case_id)
    return info


def set_status(ctx: AppContext, case_id: uuid.UUID, status: str, reason: str = "", *,
               expected_version: str | None = None) -> CaseInfo:
    """The moves of `MOVES` (reject, monitor, close, reopen)."""
    require(ctx.actor, Permission.MEDSOS_DECIDE)
    try:
        target = CaseStatus(status)
    except ValueError:
        raise ValidationError(N_("Unknown case status {value}"), field="status",
                              value=status) from None
    why = long_text(reason, "reason")
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get(s, case_id)
        check_version(s, c, expected_version, _STALE, _snapshot(c))
        _require_open(c)
        current = CaseStatus(c.status)
        if target not in MOVES[current]:
            raise TransitionError(N_("Case {number} cannot go from {current} to {target}"),
                                  number=c.number, current=current.label, target=target.label)
        _change(ctx, s, c, {"status": target.value}, "case.status", now, detail=why)
        info = case_info(c)
    _done(ctx, case_id)
    return info


def set_deleted(ctx: AppContext, case_id: uuid.UUID, deleted: bool, *,
                expected_version: str | None = None) -> CaseInfo:
    """Delete (a tombstone; its posts return to the queue) or restore."""
    require(ctx.actor, Permission.MEDSOS_DECIDE)
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get(s, case_id)
        check_version(s, c, expected_version, _STALE, _snapshot(c))
        _change(ctx, s, c, {"deleted": deleted}, "case.delete" if deleted else "case.restore",
                now)
        if deleted:
            posts = list(s.scalars(select(SocialPost).where(SocialPost.case_id == str(c.id))))
            _link_posts(ctx, s, None, posts, now)
        info = case_info(c)
    _done(ctx, case_id, posts=deleted)
    return info


# --- queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    category: str | None = None
    regency: str | None = None
    start: datetime | None = None  # opened in [start, end) (UTC)
    end: datetime | None = None
    include_deleted: bool = False


def list_cases(ctx: AppContext, flt: CaseFilter = CaseFilter()) -> list[CaseInfo]:
    """Newest first (cases are tens to hundreds: the regency filter runs here)."""
    stmt = select(HoaxCase).order_by(HoaxCase.created_at.desc(), HoaxCase.number.desc())
    if flt.status:
        stmt = stmt.where(HoaxCase.status == flt.status)
    if flt.category:
        stmt = stmt.where(HoaxCase.category == flt.category)
    if flt.start is not None:
        stmt = stmt.where(HoaxCase.created_at >= ensure_utc(flt.start))
    if flt.end is not None:
        stmt = stmt.where(HoaxCase.created_at < ensure_utc(flt.end))
    if not flt.include_deleted:
        stmt = stmt.where(HoaxCase.deleted.is_(False))
    with ctx.db.read() as s:
        rows = [case_info(c) for c in s.scalars(stmt)]
    if flt.regency:
        rows = [r for r in rows if flt.regency in r.regencies]
    return rows


def reach_of(ctx: AppContext, case_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CaseReach]:
    """Posts, summed reach, first and last seen, posts per platform, per case."""
    keys = [str(i) for i in case_ids]
    m = SocialPost
    seen = func.coalesce(m.posted_at, m.created_at)
    out: dict[uuid.UUID, CaseReach] = {}
    with ctx.db.read() as s:
        rows = s.execute(select(m.case_id, m.platform, func.count(), func.sum(m.reach),
                                func.min(seen), func.max(seen))
                         .where(m.case_id.in_(keys), m.deleted.is_(False))
                         .group_by(m.case_id, m.platform)).all()
    acc: dict[str, dict[str, Any]] = {}
    for case_id, platform, n, reach, first, last in rows:
        a = acc.setdefault(str(case_id), {"posts": 0, "reach": 0, "first": None, "last": None,
                                     "platforms": {}})
        a["posts"] += n
        a["reach"] += int(reach or 0)
        first, last = ensure_utc(first), ensure_utc(last)
        a["first"] = first if a["first"] is None else min(a["first"], first)
        a["last"] = last if a["last"] is None else max(a["last"], last)
        a["platforms"][platform] = n
    for key in keys:
        got = acc.get(key)
        out[uuid.UUID(key)] = CaseReach() if got is None else CaseReach(
            got["posts"], got["reach"], got["first"], got["last"],
            dict(sorted(got["platforms"].items())))
    return out


def get_case(ctx: AppContext, case_id: uuid.UUID) -> CaseInfo:
    with ctx.db.read() as s:
        return case_info(_get(s, case_id))


def case_detail(ctx: AppContext, case_id: uuid.UUID) -> CaseDetail:
    """The case, what its posts add up to, and its posts (highest reach first)."""
    with ctx.db.read() as s:
        c = case_info(_get(s, case_id))
        posts = tuple(post_info(p) for p in s.scalars(
            select(SocialPost).where(SocialPost.case_id == str(case_id),
                                     SocialPost.deleted.is_(False))
            .order_by(SocialPost.reach.desc(), SocialPost.number)))
    return CaseDetail(c, reach_of(ctx, [case_id])[case_id], posts)


def in_period(ctx: AppContext, start: datetime, end: datetime) -> list[CaseInfo]:
    """Cases opened in [start, end), oldest first (reports)."""
    rows = list_cases(ctx, CaseFilter(start=start, end=end))
    return sorted(rows, key=lambda c: (c.created_at, c.number))


def resolve_ref(ctx: AppContext, ref: str) -> uuid.UUID:
    with ctx.db.read() as s:
        return resolve(s, HoaxCase, ref, _NOT_FOUND)


assert set(EDITABLE_FIELDS) < set(HOAX_CASES.fields) and "case_id" in SOCIAL_POSTS.fields
