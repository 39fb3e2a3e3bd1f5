"""Reading and changing settings as a service: permission checked and audited.

`core/settings.py` declares every setting and reads/writes the `setting` table inside a
session; UI and CLI code that changes a setting calls `set()` here so the change is
checked (settings.manage, except the personal interface language) and appears in the
audit trail with its old and new value. A change made from a value shown earlier passes
that value's `version` (`get_versioned`) and is refused when someone changed it since.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Setting
from posko_desktop.core.domain import StaleEdit, ValidationError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.edit_versions import check_token, digest, person

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SettingValue:
    key: str
    value: Any
    version: str


def _version(row: Setting | None) -> str:
    """A stored value's version: its value and who stored it when (never stored: the
    declared default, one fixed token)."""
    return digest(None) if row is None else digest(row.value, row.updated_at, row.updated_by)


def get_all(ctx: AppContext) -> dict[str, Any]:
    with ctx.db.read() as s:
        return settings.get_all(s)


def get_versioned(ctx: AppContext) -> dict[str, SettingValue]:
    """Every setting with the version an edit of it passes as `expected_version`."""
    with ctx.db.read() as s:
        rows = {row.key: row for row in s.scalars(select(Setting))}
        values = settings.get_all(s)
    return {key: SettingValue(key, value, _version(rows.get(key))) for key, value in values.items()}


def get(ctx: AppContext, key: str) -> Any:
    var = settings.lookup(key)
    with ctx.db.read() as s:
        return settings.get(s, var)


def set(ctx: AppContext, key: str, value: Any, *,  # called as settings_service.set
        expected_version: str | None = None) -> Any:
    """Store one setting (validated against its declared type); returns the stored value.
    With `expected_version`, refused (StaleEdit, nothing written) when the stored value
    changed since that version."""
    var = settings.lookup(key)
    require(ctx.actor, Permission.SETTINGS_MANAGE)
    if key in settings.FIXED_AT_CREATION:
        raise ValidationError(N_("Setting {key} is fixed when the database is created"),
                              field=key, key=key)
    now = ctx.now()
    with ctx.db.write() as s:
        if expected_version is not None:
            _require_version(s, var, expected_version)
        old = settings.get(s, var)
        new = settings.put(s, var, value, ctx.actor.username, now)
        if old != new:
            audit.record(s, ctx.actor, "setting.change", "setting", key,
                         before={key: old}, after={key: new}, at=now)
    if old != new:
        logger.info("Setting %s changed by %s", key, ctx.actor.username)
        ctx.bus.publish(Change(ChangeKind.SETTINGS, (key,)))
    return new


def _require_version(s: Session, var: settings.SettingVar, expected: str) -> None:
    row = s.get(Setting, var.key)
    version = _version(row)
    if check_token(expected, var.key) == version:
        return
    if row is None:  # never stored, so never "changed since": a token of something else
        raise ValidationError(N_("{version} is not a version of {what}"), field="version",
                              version=expected, what=var.key)
    logger.info("Stale change of setting %s refused", var.key)
    raise StaleEdit(N_("Setting {key} was changed by {name} at {time} since you opened it; "
                       "your change was not saved."),
                    version=version, current={var.key: settings.get(s, var)},
                    changed_by=person(s, row.updated_by), changed_at=row.updated_at,
                    key=var.key)


def reset(ctx: AppContext, key: str, *, expected_version: str | None = None) -> Any:
    """Back to the declared default."""
    return set(ctx, key, settings.lookup(key).default, expected_version=expected_version)
