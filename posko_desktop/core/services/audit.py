"""The audit trail: append-only and hash-chained.

Services call `record()` inside their write transaction, so the entry commits (or rolls
back) with the change it describes. Entry N stores `prev_hash` = hash of entry N-1 (the
first one: 64 zeros) and `hash` = SHA-256 over a canonical JSON of all its fields,
`prev_hash` and its id included (`entry_hash`). `verify_chain` recomputes everything and
names the first entry that does not fit: an edited, deleted, inserted or reordered row
breaks either its own hash, its link to the entry before, or the id sequence. The newest
id/hash is also kept in `audit_head`, so cutting entries off the end shows too, and
`latest_anchor()` is what an issued sitrep prints: a trail rewritten afterwards (every hash
recomputed) no longer contains that anchor (`verify_chain(ctx, anchors=[...])`).

Serialisation: on SQLite every write session starts with BEGIN IMMEDIATE (one writer at a
time); on PostgreSQL the `audit_head` row is locked FOR UPDATE. `prev_hash` is UNIQUE, so
even a caller that gets this wrong fails instead of forking the chain.
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import LocalSite
from posko_desktop.core.db.models_accounts import AuditEntry, AuditHead, UserAccount
from posko_desktop.core.domain import Actor, Page, PoskoError, ValidationError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.timeutil import wib_range

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
_SECRET_KEYS = frozenset({"password", "password_hash", "old_password", "new_password",
                          "temporary_password", "passphrase", "secret", "private_key"})
_BATCH = 5000


class AuditError(PoskoError):
    code = "audit"


# --- hashing -----------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text: the same data always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_jsonable)


def _scrub(value: Any) -> Any:
    """Values under password-like keys never reach the trail (defence in depth)."""
    if isinstance(value, dict):
        return {k: ("***" if str(k).lower() in _SECRET_KEYS else _scrub(v))
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def at_text(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(fields: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's fields (everything but `hash`)."""
    data = {
        "id": int(fields["id"]),
        "at": at_text(fields["at"]),
        "username": fields["username"],
        "role": fields["role"],
        "display_name": fields["display_name"],
        "site_code": fields["site_code"],
        "action": fields["action"],
        "record_type": fields["record_type"],
        "record_id": fields["record_id"],
        "before": fields["before_json"],
        "after": fields["after_json"],
        "detail": fields["detail"],
        "prev_hash": fields["prev_hash"],
    }
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


_FIELDS = ("id", "at", "username", "role", "display_name", "site_code", "action", "record_type",
           "record_id", "before_json", "after_json", "detail", "prev_hash")


def _fields_of(entry: Any) -> dict[str, Any]:
    """The hashed fields of an entry (an AuditEntry or a row with the same names)."""
    return {name: getattr(entry, name) for name in _FIELDS}


# --- writing -----------------------------------------------------------------------------


HEAD_MISSING = "audit.head_missing"  # written when the head row had been deleted


def _head(session: Session, actor: Actor, at: datetime) -> AuditHead:
    """The head row, locked once per transaction (FOR UPDATE; SQLite's BEGIN IMMEDIATE
    already holds the write lock), then kept in the session for the following entries.

    Checked against the newest entry once per transaction, so that tampering never blocks
    the writes (a login among them); `verify_chain` reports it: a head row deleted outside
    the app is rebuilt and the rebuild is itself an entry (`HEAD_MISSING`); a row added at
    the end outside the app is chained onto, not collided with."""
    cached = session.info.get("posko_audit_head")
    if cached is not None and cached[0] is session.get_transaction() and cached[1] in session:
        return cached[1]
    lock = session.get_bind().dialect.name != "sqlite"
    head = session.get(AuditHead, 1, with_for_update=lock or None)
    # one statement: the newest entry, and any entry that already claims the head's hash
    # as its predecessor (none in an intact trail)
    newest = select(func.max(AuditEntry.id)).scalar_subquery()
    claim = AuditEntry.prev_hash == (head.last_hash if head is not None else GENESIS)
    rows = session.execute(select(AuditEntry.id, AuditEntry.hash)
                           .where(or_(AuditEntry.id == newest, claim))).all()
    last = max(rows) if rows else None
    missing = head is None
    suspect = head is None or len(rows) > 1 or (
        last is not None and (last[0], last[1]) != (head.last_id, head.last_hash))
    if head is None:
        head = AuditHead(id=1, last_id=last[0] if last else 0,
                         last_hash=last[1] if last else GENESIS)
        session.add(head)
        logger.warning("audit_head row was missing; rebuilt at entry %s", head.last_id)
    elif last is not None and last[0] > head.last_id:
        logger.warning("Audit entries after the head (#%s) were added outside the app; the "
                       "trail goes on after #%s", head.last_id, last[0])
        head.last_id, head.last_hash = last[0], last[1]
    if suspect and head.last_id and session.scalar(select(AuditEntry.id).where(
            AuditEntry.prev_hash == head.last_hash).limit(1)) is not None:
        # a forged row already claims that predecessor: link to a value no row claims,
        # so the write goes through and the break stays visible to `verify_chain`
        head.last_hash = hashlib.sha256(("relinked:" + head.last_hash).encode()).hexdigest()
    session.info["posko_audit_head"] = (session.get_transaction(), head)
    if missing and last is not None:
        record(session, actor, HEAD_MISSING, "audit", str(head.last_id), before=None,
               after={"rebuilt_at": head.last_id}, at=at,
               detail="the audit_head row was missing (deleted outside the app)")
    return head


def record(session: Session, actor: Actor, action: str, record_type: str, record_id: str,
           *, before: dict[str, Any] | None, after: dict[str, Any] | None,
           at: datetime, detail: str = "") -> int:
    """Append one entry in the caller's transaction; returns its id.

    `actor` is who made the change (for an imported change: the original author, with the
    package id in `detail`). `before`/`after` hold only the changed values; keys that look
    like passwords or secrets are replaced by "***".
    """
    head = _head(session, actor, at)
    cached = session.info.get("posko_audit_site")
    if cached is not None and cached[0] is session.get_transaction():
        site = cached[1]
    else:  # once per transaction: an import appends thousands of entries
        site = session.scalars(select(LocalSite.code)).first() or ""
        session.info["posko_audit_site"] = (session.get_transaction(), site)
    fields: dict[str, Any] = {
        "id": head.last_id + 1,
        "at": at.astimezone(UTC),
        "username": (actor.username or "")[:64],
        "role": (actor.role or "")[:20],
        "display_name": (actor.display_name or "")[:120],
        "site_code": site,
        "action": action[:64],
        "record_type": record_type[:32],
        "record_id": str(record_id)[:64],
        "before_json": canonical_json(_scrub(before)),
        "after_json": canonical_json(_scrub(after)),
        "detail": detail or "",
        "prev_hash": head.last_hash,
    }
    digest = entry_hash(fields)
    session.add(AuditEntry(**fields, hash=digest))
    head.last_id = fields["id"]
    head.last_hash = digest
    # No flush here: the entries of one transaction go in as one batch at commit (or at the
    # next query, by autoflush), in the order they were added.
    logger.debug("audit #%s %s %s %s/%s", fields["id"], actor.username, action, record_type,
                 record_id)
    return int(fields["id"])


# --- verification ------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""  # English msgid; `message()` renders it
    params: tuple[tuple[str, Any], ...] = ()
    last_hash: str = GENESIS

    def message(self) -> str:
        if self.ok:
            return _("Audit trail intact: {count} entries checked, latest hash {hash}").format(
                count=self.checked, hash=self.last_hash)
        return _(self.reason).format(**dict(self.params))


@dataclass(frozen=True)
class AuditAnchor:
    """The newest entry: printed on issued sitreps so a paper copy can prove the trail."""

    entry_id: int
    hash: str
    at: datetime | None

    @property
    def text(self) -> str:
        return "{id}:{hash}".format(id=self.entry_id, hash=self.hash)


def latest_anchor(ctx: AppContext) -> AuditAnchor:
    with ctx.db.read() as s:
        row = s.execute(select(AuditEntry.id, AuditEntry.hash, AuditEntry.at)
                        .order_by(AuditEntry.id.desc()).limit(1)).first()
    if row is None:
        return AuditAnchor(0, GENESIS, None)
    return AuditAnchor(row[0], row[1], row[2])


def parse_anchor(text: str) -> tuple[int | None, str]:
    """'123:abcd…' or a bare hash (at least 16 hex digits; a prefix is accepted)."""
    raw = (text or "").strip().lower()
    entry_id: int | None = None
    if ":" in raw:
        left, raw = raw.split(":", 1)
        if not left.strip().lstrip("#").isdigit():
            raise ValidationError(N_("Not an audit anchor: {text}"), field="anchor", text=text)
        entry_id = int(left.strip().lstrip("#"))
    raw = raw.strip()
    if len(raw) < 16 or len(raw) > 64 or any(c not in "0123456789abcdef" for c in raw):
        raise ValidationError(N_("Not an audit anchor: {text}"), field="anchor", text=text)
    return entry_id, raw


def verify_chain(ctx: AppContext, *, anchors: Iterable[str] = (),
                 progress: Progress = NO_PROGRESS) -> VerifyResult:
    """Check every entry's hash, link and id, and the head; stop at the first bad one."""
    require(ctx.actor, Permission.AUDIT_VIEW)
    wanted = [parse_anchor(a) for a in anchors]
    found: set[int] = set()
    expected_prev = GENESIS
    expected_id = 1
    checked = 0
    with ctx.db.read() as s:
        total = s.scalar(select(func.count()).select_from(AuditEntry)) or 0
        head = s.get(AuditHead, 1)
        last_id = 0
        columns = [getattr(AuditEntry, name) for name in _FIELDS] + [AuditEntry.hash]
        while True:
            progress.check()
            # Plain rows, not ORM objects: a million entries verify in seconds.
            rows = s.execute(select(*columns).where(AuditEntry.id > last_id)
                             .order_by(AuditEntry.id).limit(_BATCH)).all()
            if not rows:
                break
            for row in rows:
                fields = dict(zip(_FIELDS, row, strict=False))
                entry_id, stored = fields["id"], row[-1]
                bad = _check_entry(fields, stored, expected_id, expected_prev)
                if bad is None and fields["action"] == HEAD_MISSING:
                    bad = (N_("Audit entry #{id}: the trail's head row had been deleted outside "
                              "the app (it was rebuilt at entry #{last}); entries at the end may "
                              "have been removed before"), {"id": entry_id, "last": entry_id - 1})
                if bad is not None:
                    reason, params = bad
                    return _fail(checked, entry_id, reason, **params)
                for i, (anchor_id, prefix) in enumerate(wanted):
                    if stored.startswith(prefix) and anchor_id in (None, entry_id):
                        found.add(i)
                checked += 1
                expected_prev = stored
                expected_id = entry_id + 1
            last_id = rows[-1][0]
            progress.report(checked, total, _("Checking the audit trail"))
        if head is None:
            return _fail(checked, None, N_("The audit trail's head row is missing (deleted "
                                           "outside the app): entries at the end may have been "
                                           "removed"))
        if checked == 0 and _holds_records(s):
            return _fail(0, None, N_("The audit trail is empty although the database holds "
                                     "user accounts: it was wiped"))
    if head.last_id != expected_id - 1 or head.last_hash != expected_prev:
        return _fail(checked, head.last_id,
                     N_("Entries at the end of the audit trail were removed: the trail stops at "
                        "#{last} but entry #{head} was written"),
                     last=expected_id - 1, head=head.last_id)
    for i, (anchor_id, prefix) in enumerate(wanted):
        if i not in found:
            return _fail(checked, anchor_id,
                         N_("Anchor {anchor} is not in the audit trail: the trail was rewritten "
                            "after it was printed"), anchor=prefix[:16])
    return VerifyResult(True, checked, last_hash=expected_prev)


def _holds_records(s: Session) -> bool:
    """A user account: accounts came with the trail (0005), and making one is audited
    (incidents and packages may predate the trail in an upgraded database)."""
    return bool(s.scalar(select(exists().where(UserAccount.id.is_not(None)))))


def _check_entry(fields: dict[str, Any], stored_hash: str, expected_id: int,
                 expected_prev: str) -> tuple[str, dict[str, Any]] | None:
    entry_id = fields["id"]
    if entry_id != expected_id:
        if entry_id > expected_id:
            return (N_("Audit entry #{id}: entries #{first} to #{last} before it are missing "
                       "(deleted)"), {"id": entry_id, "first": expected_id, "last": entry_id - 1})
        return N_("Audit entry #{id} is out of sequence"), {"id": entry_id}
    if entry_hash(fields) != stored_hash:
        return (N_("Audit entry #{id} was altered after it was written (its hash does not "
                   "match its content)"), {"id": entry_id})
    if fields["prev_hash"] != expected_prev:
        return (N_("Audit entry #{id} does not follow the entry before it: an entry was "
                   "inserted, deleted, reordered or rewritten"), {"id": entry_id})
    return None


def _fail(checked: int, entry_id: int | None, reason: str, **params: Any) -> VerifyResult:
    result = VerifyResult(False, checked, entry_id, reason, tuple(params.items()))
    logger.warning("Audit verification failed at %s: %s", entry_id,
                   reason.format(**params))
    return result


# --- querying ----------------------------------------------------------------------------


# successful logins, unlocks and logouts (failures and lockouts are not)
SESSION_ACTIONS = ("auth.login", "auth.screen_unlock", "auth.logout")


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    record_type: str | None = None
    record_id: str | None = None  # exact id, or a prefix of it
    action: str | None = None  # exact action, or a prefix ending in "." (e.g. "incident.")
    first_day: date | None = None  # WIB, inclusive
    last_day: date | None = None  # WIB, inclusive
    hide_sessions: bool = False  # successful logins and screen unlocks left out


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    role: str
    display_name: str
    site_code: str
    action: str
    record_type: str
    record_id: str
    before: Any
    after: Any
    detail: str
    hash: str

    def changes(self) -> str:
        """'field: old → new; …' for the viewer and exports."""
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        parts = []
        for key in sorted(set(before) | set(after), key=str):
            old, new = before.get(key), after.get(key)
            if key in before and key in after:
                parts.append("{k}: {old} → {new}".format(k=key, old=_short(old), new=_short(new)))
            elif key in after:
                parts.append("{k}: {new}".format(k=key, new=_short(new)))
            else:
                parts.append("{k}: {old} → ∅".format(k=key, old=_short(old)))
        return "; ".join(parts)


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _starts_with(column: Any, prefix: str, sqlite: bool) -> Any:
    """A prefix match that uses the index on SQLite (a range; LIKE would scan)."""
    if sqlite:
        return and_(column >= prefix, column < prefix + "\U0010ffff")
    return column.like(_like_prefix(prefix), escape="\\")


def _apply(stmt: Select[Any], flt: AuditFilter, sqlite: bool = True) -> Select[Any]:
    if flt.username:
        stmt = stmt.where(AuditEntry.username == flt.username.strip().lower())
    if flt.record_type:
        stmt = stmt.where(AuditEntry.record_type == flt.record_type)
    if flt.record_id:
        stmt = stmt.where(_starts_with(AuditEntry.record_id, flt.record_id.strip(), sqlite))
    if flt.action:
        if flt.action.endswith("."):
            stmt = stmt.where(_starts_with(AuditEntry.action, flt.action, sqlite))
        else:
            stmt = stmt.where(AuditEntry.action == flt.action)
    if flt.hide_sessions:
        stmt = stmt.where(AuditEntry.action.not_in(SESSION_ACTIONS))
    start, end = wib_range(flt.first_day, flt.last_day)
    if start is not None:
        stmt = stmt.where(AuditEntry.at >= start)
    if end is not None:
        stmt = stmt.where(AuditEntry.at < end)
    return stmt


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _row(e: AuditEntry) -> AuditRow:
    return AuditRow(e.id, e.at, e.username, e.role, e.display_name, e.site_code, e.action,
                    e.record_type, e.record_id, _loads(e.before_json), _loads(e.after_json),
                    e.detail, e.hash)


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def query(ctx: AppContext, flt: AuditFilter = AuditFilter(), *, offset: int = 0,
          limit: int = 200, newest_first: bool = True) -> Page:
    require(ctx.actor, Permission.AUDIT_VIEW)
    order = AuditEntry.id.desc() if newest_first else AuditEntry.id
    with ctx.db.read() as s:
        lite = ctx.db.is_sqlite
        total = s.scalar(_apply(select(func.count()).select_from(AuditEntry), flt, lite)) or 0
        rows = s.scalars(_apply(select(AuditEntry), flt, lite).order_by(order)
                         .offset(max(0, offset)).limit(max(1, limit))).all()
        return Page([_row(e) for e in rows], total, offset)


def known_users(ctx: AppContext) -> list[str]:
    require(ctx.actor, Permission.AUDIT_VIEW)
    with ctx.db.read() as s:
        return list(s.scalars(select(AuditEntry.username).distinct().order_by(AuditEntry.username)))


def known_actions(ctx: AppContext) -> list[str]:
    require(ctx.actor, Permission.AUDIT_VIEW)
    with ctx.db.read() as s:
        return list(s.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


# --- export ------------------------------------------------------------------------------


def export(ctx: AppContext, flt: AuditFilter, path: str | Path, fmt: str | None = None,
           progress: Progress = NO_PROGRESS) -> int:
    """The filtered trail to CSV or XLSX, in words with the raw codes beside
    (`services/audit_export.py`, which reads the entries through `audit_text`)."""
    from posko_desktop.core.services import audit_export  # it imports this module

    return audit_export.export(ctx, flt, path, fmt, progress)


def filter_dict(flt: AuditFilter) -> dict[str, Any]:
    return {k: v for k, v in flt.__dict__.items() if v not in (None, "", False)}


def iter_rows(ctx: AppContext, flt: AuditFilter, progress: Progress) -> Iterable[AuditRow]:
    """Every entry the filter selects, oldest first, read in batches (the export)."""
    lite = ctx.db.is_sqlite
    with ctx.db.read() as s:
        total = s.scalar(_apply(select(func.count()).select_from(AuditEntry), flt, lite)) or 0
        last_id, done = 0, 0
        while True:
            progress.check()
            batch = s.scalars(_apply(select(AuditEntry), flt, lite).where(AuditEntry.id > last_id)
                              .order_by(AuditEntry.id).limit(_BATCH)).all()
            if not batch:
                return
            for e in batch:
                yield _row(e)
            done += len(batch)
            last_id = batch[-1].id
            s.expunge_all()
            progress.report(done, total, _("Exporting the audit trail"))
