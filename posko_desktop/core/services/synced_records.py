"""What the services of record types that sync (`core/sync/kinds.py`) share besides the
version check (`edit_versions.check_synced_version`): the number a site gives a record,
and a record named by id or number (CLI)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import NotFoundError


def next_number(s: Session, model: Any, letters: str, site_code: str, year: int) -> str:
    """LLL-SSSS-YY-NNNN per site and year (fixed width: the greatest is the last)."""
    prefix = "{l}-{site}-{yy:02d}-".format(l=letters, site=site_code.replace(".", "").ljust(4, "0"),
                                           yy=year % 100)
    last = s.scalar(select(func.max(model.number)).where(model.number.like(prefix + "%")))
    n = int(last[len(prefix):]) + 1 if last else 1
    return "{p}{n:04d}".format(p=prefix, n=n)


def resolve_ref(ctx: AppContext, model: Any, ref: str, not_found: str) -> uuid.UUID:
    """A record given as UUID or number; `not_found` is the msgid (with `{id}`)."""
    try:
        return uuid.UUID(ref)
    except ValueError:
        pass
    with ctx.db.read() as s:
        found = s.scalar(select(model.id).where(model.number == ref.strip()))
    if found is None:
        raise NotFoundError(not_found, id=ref)
    return found
