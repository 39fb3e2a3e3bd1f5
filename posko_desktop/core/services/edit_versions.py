"""Optimistic version check on update: what every service with an update path shares.

The pattern (docs/contributing.md): a record's DTO carries `version`, an opaque token that
changes with every change of the record; an update takes `expected_version`, the version
the user started from, compares it inside its write transaction and, when the record
changed since, raises `StaleEdit` (nothing written) with the current values and who
changed it when. Records with a modification stamp (incidents, follow-ups) use the stamp;
records without one use `digest()` of their editable state and last-change columns.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from posko_desktop.core.db.models_accounts import AuditEntry, UserAccount
from posko_desktop.core.domain import StaleEdit, ValidationError
from posko_desktop.core.hlc import Stamp
from posko_desktop.core.i18n import N_
from posko_desktop.core.services.audit import canonical_json

logger = logging.getLogger(__name__)


def digest(*parts: Any) -> str:
    """A version token from a record's state: 16 hex digits of SHA-256 over its canonical
    JSON (any change of a part gives another token)."""
    return hashlib.sha256(canonical_json(list(parts)).encode("utf-8")).hexdigest()[:16]


def check_token(expected: str, what: str) -> str:
    """`expected` as given (CLI, scripts): a short printable token, else ValidationError."""
    token = (expected or "").strip()
    if not token or len(token) > 64 or not token.isprintable():
        raise ValidationError(N_("{version} is not a version of {what}"), field="version",
                              version=expected, what=what)
    return token


def person(s: Session, username: str) -> str:
    """How the message names a user: "Display Name (username)", or the user name alone."""
    display = s.scalar(select(UserAccount.display_name).where(UserAccount.username == username))
    if display and display.strip() and display.strip() != username:
        return "{name} ({user})".format(name=display.strip(), user=username)
    return username


AUDIT_LOOKBACK = 200  # newest entries of one record searched for a field's last change


def last_audited(s: Session, record_type: str, record_id: str, action_prefixes: tuple[str, ...],
                 fields: Collection[str] = ()) -> tuple[str, datetime] | None:
    """Who made the newest audited change of a record (with `fields`: of one of those
    fields), and when. Every change is audited in its own transaction, with the changed
    fields as the keys of its `after` values; so this also serves records that keep no
    `updated_by`, and names who changed the very field a save clashed on."""
    rows = s.execute(
        select(AuditEntry.username, AuditEntry.at, AuditEntry.after_json)
        .where(AuditEntry.record_type == record_type, AuditEntry.record_id == record_id,
               or_(*(AuditEntry.action.startswith(p) for p in action_prefixes)))
        .order_by(AuditEntry.id.desc()).limit(AUDIT_LOOKBACK if fields else 1))
    for username, at, after_json in rows:
        after = json.loads(after_json or "null")
        if not fields or (isinstance(after, dict) and not after.keys().isdisjoint(fields)):
            return person(s, username), at
    return None


def require_a_version(expected: str, version: str, what: str) -> None:
    """Refuse a token that cannot be a version of `what` (now at `version`)."""
    try:
        Stamp.parse(expected)
        valid = expected <= version
    except ValueError:
        valid = False
    if not valid:
        raise ValidationError(N_("{version} is not a version of {what}"), field="version",
                              version=expected, what=what)


def synced_version(record: Any) -> str:
    """The version of a record of a generic synced type (`models_records.SyncedColumns`):
    the newest of its modification stamp and the mark of the last import that touched it
    (an import may bring an older edit and leave `mod_stamp` as it was)."""
    return str(max(record.mod_stamp, record.sync_mark or ""))


def check_synced_version(s: Session, record: Any, expected: str | None, what: str,
                         message: str, current: dict[str, Any], **params: Any) -> None:
    """Refuse (StaleEdit with `message`, nothing written) when a generic synced record
    changed since `expected` (None: no check); `what` names it in the ValidationError of a
    token that cannot be a version of it."""
    if expected is None:
        return
    version = synced_version(record)
    require_a_version(expected, version, what)
    if expected == version:
        return
    by_import = version != record.mod_stamp
    if by_import:
        who, at = "", datetime.fromtimestamp(Stamp.parse(version).millis / 1000, UTC)
    else:
        who, at = person(s, record.updated_by), record.updated_at
    logger.info("Stale save of %s refused (now version %s)", what, version)
    raise StaleEdit(message, version=version, current=current, changed_by=who, changed_at=at,
                    by_import=by_import, **params)
