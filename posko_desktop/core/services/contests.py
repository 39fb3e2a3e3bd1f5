"""The contests of the Pilkada 2024 in Jawa Tengah and their candidate pairs (issue 17).

The 36 contests follow from the regency list (the Pilgub, contest code "33", and one
Pilbup or Pilwalkot per regency, by its code): they are fixed by law, so they are not
records. The candidate pairs are admin-edited reference data that syncs through the
generic path (`sync.kinds.CANDIDATE_PAIRS`), in the shape of the activity service: one stamp
per field, the tombstone as a field, the optimistic version check. An incident names the
contest (`contest_code`) and the pair (`pair_number`, its ballot number) concerned.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.db.models import Incident, Regency
from posko_desktop.core.db.models_kerawanan import CandidatePair, Tps
from posko_desktop.core.domain import (
    PROVINCE_CODE,
    ContestKind,
    NotFoundError,
    RegencyKind,
    TransitionError,
    ValidationError,
    check_text,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.edit_versions import check_synced_version, synced_version
from posko_desktop.core.sync.kinds import CANDIDATE_PAIRS

logger = logging.getLogger(__name__)

NAME_MAX = 120
PARTY_MAX = 60
PARTIES_MAX = 20
BALLOT_MAX = 99
EDITABLE_FIELDS = ("contest_code", "ballot_number", "head", "deputy", "parties")
assert (*EDITABLE_FIELDS, "deleted") == CANDIDATE_PAIRS.fields


@dataclass(frozen=True)
class ContestInfo:
    code: str  # "33": the Pilgub; a regency code: its Pilbup/Pilwalkot
    kind: str  # ContestKind
    region: str  # "Jawa Tengah", "Kab. Cilacap", "Kota Semarang"

    @property
    def name(self) -> str:
        return "{kind} {region}".format(kind=ContestKind(self.kind).label, region=self.region)


@dataclass
class PairInput:
    contest_code: str
    ballot_number: int
    head: str
    deputy: str
    parties: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PairInfo:
    id: uuid.UUID
    number: str
    origin_site: str
    contest_code: str
    ballot_number: int
    head: str
    deputy: str
    parties: tuple[str, ...]
    updated_at: datetime
    updated_by: str
    deleted: bool
    version: str

    @property
    def names(self) -> str:
        return "{head} – {deputy}".format(head=self.head, deputy=self.deputy)


def contests_in(s: Session) -> list[ContestInfo]:
    out = [ContestInfo(PROVINCE_CODE, ContestKind.PILGUB.value, "Jawa Tengah")]
    for r in s.scalars(select(Regency).order_by(Regency.code)):
        kota = r.kind == RegencyKind.KOTA
        out.append(ContestInfo(r.code, (ContestKind.PILWALKOT if kota else ContestKind.PILBUP)
                               .value, "{p} {n}".format(p="Kota" if kota else "Kab.", n=r.name)))
    return out


def list_contests(ctx: AppContext) -> list[ContestInfo]:
    """The 36 contests: the Pilgub first, then by regency code."""
    with ctx.db.read() as s:
        return contests_in(s)


def normalize_contest_code(text: str) -> str:
    """"33", "3301", "33.01", "pilgub" → the contest code (unchecked)."""
    raw = str(text).strip().lower()
    if raw in ("pilgub", "33", ContestKind.PILGUB.value):
        return PROVINCE_CODE
    digits = raw.replace(".", "")
    if len(digits) == 4 and digits.isdigit():
        return "{a}.{b}".format(a=digits[:2], b=digits[2:])
    return raw


# --- pairs -----------------------------------------------------------------------------

_STALE = N_("Candidate pair {number} was changed by {name} at {time} since you opened it; "
            "your change was not saved.")


def pair_version(p: CandidatePair) -> str:
    return synced_version(p)


def _info(p: CandidatePair) -> PairInfo:
    return PairInfo(p.id, p.number, p.origin_site, p.contest_code, p.ballot_number, p.head,
                    p.deputy, tuple(p.parties), p.updated_at, p.updated_by, p.deleted,
                    pair_version(p))


def _check_version(s: Session, p: CandidatePair, expected: str | None) -> None:
    check_synced_version(s, p, expected, p.number, _STALE, {
        **{f: getattr(p, f) for f in EDITABLE_FIELDS}, "deleted": p.deleted}, number=p.number)


def _clean_name(value: Any, name: str) -> str:
    text = check_text(" ".join(str(value or "").split()), name)
    if not text:
        raise ValidationError(N_("Give the name"), field=name)
    if len(text) > NAME_MAX:
        raise ValidationError(N_("At most {max} characters"), field=name, max=NAME_MAX)
    return text


def validate_pair(s: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """The pair's fields in stored form, or ValidationError naming the field."""
    codes = {c.code for c in contests_in(s)}
    contest = normalize_contest_code(values["contest_code"])
    if contest not in codes:
        raise ValidationError(N_("Unknown contest {code}: give 33 for the governor election or "
                                 "a regency code"), field="contest_code",
                              code=values["contest_code"])
    ballot = values["ballot_number"]
    if type(ballot) is not int or not 1 <= ballot <= BALLOT_MAX:
        raise ValidationError(N_("The ballot number lies between 1 and {max}"),
                              field="ballot_number", max=BALLOT_MAX)
    parties: list[str] = []
    for text in values["parties"]:
        party = check_text(" ".join(str(text).split()), "parties")
        if len(party) > PARTY_MAX:
            raise ValidationError(N_("At most {max} characters"), field="parties",
                                  max=PARTY_MAX)
        if party and party not in parties:
            parties.append(party)
    if len(parties) > PARTIES_MAX:
        raise ValidationError(N_("At most {max} parties"), field="parties", max=PARTIES_MAX)
    return {"contest_code": contest, "ballot_number": ballot,
            "head": _clean_name(values["head"], "head"),
            "deputy": _clean_name(values["deputy"], "deputy"), "parties": parties}


def _taken(s: Session, contest: str, ballot: int, other: uuid.UUID | None) -> None:
    stmt = select(CandidatePair.number).where(
        CandidatePair.contest_code == contest, CandidatePair.ballot_number == ballot,
        CandidatePair.deleted.is_(False))
    if other is not None:
        stmt = stmt.where(CandidatePair.id != other)
    held = s.scalar(stmt)
    if held is not None:
        raise ValidationError(N_("Contest {contest} already has pair number {ballot} ({number})"),
                              field="ballot_number", contest=contest, ballot=ballot, number=held)


def _next_number(s: Session, site_code: str) -> str:
    prefix = "PAS-{site}-".format(site=site_code.replace(".", "").ljust(4, "0"))
    last = s.scalar(select(func.max(CandidatePair.number))
                    .where(CandidatePair.number.like(prefix + "%")))
    n = int(last[len(prefix):]) + 1 if last else 1
    return "{p}{n:04d}".format(p=prefix, n=n)


def insert_pair(ctx: AppContext, s: Session, values: dict[str, Any], now: datetime,
                action: str = "candidate_pair.create") -> CandidatePair:
    """A new pair from validated values (inside the caller's write transaction)."""
    _taken(s, values["contest_code"], values["ballot_number"], None)
    site = local_site(s)
    stamp = new_stamp(s, now)
    p = CandidatePair(id=uuid7(), number=_next_number(s, site.code), origin_site=site.code,
                      recorded_by=ctx.actor.username, created_at=now, updated_at=now,
                      updated_by=ctx.actor.username, mod_stamp=stamp,
                      field_stamps=dict.fromkeys(CANDIDATE_PAIRS.fields, stamp), deleted=False,
                      **values)
    s.add(p)
    s.flush()
    audit.record(s, ctx.actor, action, "candidate_pair", str(p.id), before=None,
                 after={"number": p.number, **values}, at=now)
    return p


def change_pair(ctx: AppContext, s: Session, p: CandidatePair, sent: Mapping[str, Any],
                now: datetime, detail: str = "") -> bool:
    """Write the fields of `sent` that changed (validated with the others); True if any."""
    if p.deleted:
        raise TransitionError(N_("Candidate pair {number} is deleted; restore it first"),
                              number=p.number)
    values = validate_pair(s, {**{f: getattr(p, f) for f in EDITABLE_FIELDS}, **sent})
    changed = {k: values[k] for k in sent if getattr(p, k) != values[k]}
    if not changed:
        return False
    _taken(s, values["contest_code"], values["ballot_number"], p.id)
    before = {k: getattr(p, k) for k in changed}
    for name, value in changed.items():
        setattr(p, name, value)
    stamp = new_stamp(s, now)
    p.field_stamps = {**p.field_stamps, **dict.fromkeys(changed, stamp)}
    p.mod_stamp, p.updated_at, p.updated_by = stamp, now, ctx.actor.username
    audit.record(s, ctx.actor, "candidate_pair.update", "candidate_pair", str(p.id),
                 before=before, after=changed, at=now, detail=detail)
    return True


def add_pair(ctx: AppContext, data: PairInput) -> PairInfo:
    require(ctx.actor, Permission.REFERENCE_MANAGE)
    now = ctx.now()
    with ctx.db.write() as s:
        values = validate_pair(s, {f: getattr(data, f) for f in EDITABLE_FIELDS})
        info = _info(insert_pair(ctx, s, values, now))
    logger.info("Candidate pair %s recorded", info.number)
    ctx.bus.publish(Change(ChangeKind.CANDIDATE_PAIR, (str(info.id),)))
    return info


def _get(s: Session, pair_id: uuid.UUID) -> CandidatePair:
    p = s.get(CandidatePair, pair_id)
    if p is None:
        raise NotFoundError(N_("Candidate pair {id} not found"), id=str(pair_id))
    return p


def update_pair(ctx: AppContext, pair_id: uuid.UUID, data: PairInput | Mapping[str, Any], *,
                expected_version: str | None = None) -> PairInfo:
    """Change fields (the whole form, or a mapping of the fields to change); StaleEdit when
    the pair changed since `expected_version`, nothing written."""
    require(ctx.actor, Permission.REFERENCE_MANAGE)
    if isinstance(data, PairInput):
        sent = {f: getattr(data, f) for f in EDITABLE_FIELDS}
    else:
        unknown = sorted(set(data) - set(EDITABLE_FIELDS))
        if unknown:
            raise ValidationError(N_("{name} is not an editable field"), field=unknown[0],
                                  name=unknown[0])
        sent = dict(data)
    now = ctx.now()
    with ctx.db.write() as s:
        p = _get(s, pair_id)
        _check_version(s, p, expected_version)
        changed = change_pair(ctx, s, p, sent, now, detail="base {v}".format(
            v=expected_version) if expected_version else "")
        info = _info(p)
    if changed:
        ctx.bus.publish(Change(ChangeKind.CANDIDATE_PAIR, (str(pair_id),)))
    return info


def set_deleted(ctx: AppContext, pair_id: uuid.UUID, deleted: bool, *,
                expected_version: str | None = None) -> PairInfo:
    """Delete (a tombstone that syncs) or restore."""
    require(ctx.actor, Permission.REFERENCE_MANAGE)
    now = ctx.now()
    with ctx.db.write() as s:
        p = _get(s, pair_id)
        _check_version(s, p, expected_version)
        if p.deleted == deleted:
            return _info(p)
        if not deleted:
            _taken(s, p.contest_code, p.ballot_number, p.id)
        p.deleted = deleted
        stamp = new_stamp(s, now)
        p.field_stamps = {**p.field_stamps, "deleted": stamp}
        p.mod_stamp, p.updated_at, p.updated_by = stamp, now, ctx.actor.username
        audit.record(s, ctx.actor, "candidate_pair.delete" if deleted else
                     "candidate_pair.restore", "candidate_pair", str(p.id),
                     before={"deleted": not deleted}, after={"deleted": deleted}, at=now)
        info = _info(p)
    ctx.bus.publish(Change(ChangeKind.CANDIDATE_PAIR, (str(pair_id),)))
    return info


def list_pairs(ctx: AppContext, contest: str | None = None,
               include_deleted: bool = False) -> list[PairInfo]:
    """By contest (the Pilgub first), then ballot number."""
    stmt = select(CandidatePair).order_by(CandidatePair.contest_code,
                                          CandidatePair.ballot_number, CandidatePair.number)
    if contest is not None:
        stmt = stmt.where(CandidatePair.contest_code == normalize_contest_code(contest))
    if not include_deleted:
        stmt = stmt.where(CandidatePair.deleted.is_(False))
    with ctx.db.read() as s:
        return [_info(p) for p in s.scalars(stmt)]


def get_pair(ctx: AppContext, pair_id: uuid.UUID) -> PairInfo:
    with ctx.db.read() as s:
        return _info(_get(s, pair_id))


def resolve_ref(ctx: AppContext, ref: str) -> uuid.UUID:
    """A pair given as UUID, number (PAS-…) or CONTEST/BALLOT (e.g. 33.74/2)."""
    try:
        return uuid.UUID(ref)
    except ValueError:
        pass
    stmt = select(CandidatePair.id).where(CandidatePair.number == ref.strip())
    if "/" in ref:
        contest, _sep, ballot = ref.partition("/")
        if ballot.strip().isdigit():
            stmt = select(CandidatePair.id).where(
                CandidatePair.contest_code == normalize_contest_code(contest),
                CandidatePair.ballot_number == int(ballot), CandidatePair.deleted.is_(False))
    with ctx.db.read() as s:
        found = s.scalar(stmt)
    if found is None:
        raise NotFoundError(N_("Candidate pair {id} not found"), id=ref)
    return found


# --- incidents and posts ----------------------------------------------------------------


def _pair_problem(s: Session, contest: str | None, pair: Any) -> ValidationError | None:
    """None when `pair` is a ballot number held (not deleted) in `contest`."""
    if contest is None:
        return ValidationError(N_("A candidate pair needs its contest"), field="pair_number")
    if type(pair) is int and s.scalar(select(CandidatePair.id).where(
            CandidatePair.contest_code == contest, CandidatePair.ballot_number == pair,
            CandidatePair.deleted.is_(False))) is not None:
        return None
    known = sorted(s.scalars(select(CandidatePair.ballot_number).where(
        CandidatePair.contest_code == contest, CandidatePair.deleted.is_(False))))
    return ValidationError(
        N_("Contest {contest} has no candidate pair number {number} (known: {known})"),
        field="pair_number", contest=contest, number=pair,
        known=", ".join(str(n) for n in known) or "-")


def check_post_contest(s: Session, contest: Any, pair: Any) -> tuple[str | None, int | None]:
    """A post's contest (any of the 36: a post is not tied to one regency) and pair in
    stored form, or ValidationError: an unknown contest, a pair without its contest or not
    held (not deleted) in that contest (the message lists the pairs held)."""
    code = normalize_contest_code(contest) if contest not in (None, "") else None
    if code is not None and code not in {c.code for c in contests_in(s)}:
        raise ValidationError(N_("Unknown contest {code}: give 33 for the governor election or "
                                 "a regency code"), field="contest_code", code=contest)
    if pair is not None:
        problem = _pair_problem(s, code, pair)
        if problem is not None:
            raise problem
    return code, pair


def check_incident_fields(s: Session, regency_code: str | None, values: Mapping[str, Any],
                          errors: list[ValidationError]) -> dict[str, Any]:
    """An incident's contest, pair and TPS in stored form; problems appended to `errors`.
    The contest is the Pilgub or the incident regency's own; a pair must be one held here
    for that contest; a TPS number needs the desa, and must be in the TPS register when the
    register holds that desa's TPS."""
    out: dict[str, Any] = {"contest_code": None, "pair_number": None, "tps_number": None}
    raw = values.get("contest_code")
    contest = normalize_contest_code(raw) if raw not in (None, "") else None
    if contest is not None and contest not in (PROVINCE_CODE, regency_code):
        errors.append(ValidationError(
            N_("Contest {code} is not held in the incident's regency; choose 33 (governor "
               "election) or {regency}"), field="contest_code", code=raw,
            regency=regency_code or "-"))
        contest = None
    out["contest_code"] = contest
    pair = values.get("pair_number")
    if pair is not None:
        problem = _pair_problem(s, contest, pair)
        if problem is not None:
            errors.append(problem)
        out["pair_number"] = pair
    tps = values.get("tps_number")
    if tps is not None:
        desa = values.get("desa_code")
        if type(tps) is not int or not 1 <= tps <= 9999:
            errors.append(ValidationError(N_("A TPS number lies between 1 and 9999"),
                                          field="tps_number"))
        elif desa is None:
            errors.append(ValidationError(N_("A TPS needs its desa/kelurahan"),
                                          field="tps_number"))
        else:
            numbers = set(s.scalars(select(Tps.number).where(Tps.desa_code == desa)))
            if numbers and tps not in numbers:
                errors.append(ValidationError(
                    N_("Desa {desa} has no TPS {number} in the TPS register (it has "
                       "{count})"), field="tps_number", desa=desa, number=tps,
                    count=len(numbers)))
        out["tps_number"] = tps
    return out


@dataclass(frozen=True)
class PairCount:
    contest_code: str
    pair_number: int | None  # None: the contest named, no pair
    incidents: int


def incident_counts(s: Session, start: datetime | None = None,
                    end: datetime | None = None) -> list[PairCount]:
    """Incidents (not deleted) naming a contest, by contest and pair, occurred in
    [start, end) (UTC; None: open)."""
    stmt = (select(Incident.contest_code, Incident.pair_number, func.count())
            .where(Incident.deleted.is_(False), Incident.contest_code.is_not(None))
            .group_by(Incident.contest_code, Incident.pair_number))
    if start is not None:
        stmt = stmt.where(Incident.occurred_at >= start)
    if end is not None:
        stmt = stmt.where(Incident.occurred_at < end)
    rows = [PairCount(c or "", p, n) for c, p, n in s.execute(stmt)]  # not None: filtered
    return sorted(rows, key=lambda r: (r.contest_code, r.pair_number or 0))


def incident_counts_of(ctx: AppContext, start: datetime | None = None,
                       end: datetime | None = None) -> list[PairCount]:
    with ctx.db.read() as s:
        return incident_counts(s, start, end)
