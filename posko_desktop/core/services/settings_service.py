"""Reading and changing settings as a service: permission checked and audited.

`core/settings.py` declares every setting and reads/writes the `setting` table inside a
session; UI and CLI code that changes a setting calls `set()` here so the change is
checked (settings.manage, except the personal interface language) and appears in the
audit trail with its old and new value.
"""

from __future__ import annotations

import logging
from typing import Any

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.events import Change
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require

logger = logging.getLogger(__name__)

# Settings every logged-in user may change for themselves (no settings.manage needed).
PERSONAL_KEYS = frozenset({settings.UI_LANGUAGE.key})


def get_all(ctx: AppContext) -> dict[str, Any]:
    with ctx.db.read() as s:
        return settings.get_all(s)


def get(ctx: AppContext, key: str) -> Any:
    var = settings.lookup(key)
    with ctx.db.read() as s:
        return settings.get(s, var)


def set(ctx: AppContext, key: str, value: Any) -> Any:  # noqa: A001 - the brief's name
    """Store one setting (validated against its declared type); returns the stored value."""
    var = settings.lookup(key)
    if key not in PERSONAL_KEYS:
        require(ctx.actor, Permission.SETTINGS_MANAGE)
    now = ctx.now()
    with ctx.db.write() as s:
        old = settings.get(s, var)
        new = settings.put(s, var, value, ctx.actor.username, now)
        if old != new:
            audit.record(s, ctx.actor, "setting.change", "setting", key,
                         before={key: old}, after={key: new}, at=now)
    if old != new:
        logger.info("Setting %s changed by %s", key, ctx.actor.username)
        ctx.bus.publish(Change("settings", (key,)))
    return new


def reset(ctx: AppContext, key: str) -> Any:
    """Back to the declared default."""
    return set(ctx, key, settings.lookup(key).default)
