"""Helpers of the Pantau Medsos record tests: people in each role, a dump of every medsos
table and the audit trail (a refusal leaves it as it was)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Setting
from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.db.models_medsos import HoaxCase, LexiconEntry, SocialPost, TakedownRequest
from posko_desktop.core.domain import Actor

DATA = Path(__file__).resolve().parents[1] / "data" / "medsos"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def as_role(ctx: AppContext, role: str, name: str = "") -> AppContext:
    return ctx.as_actor(Actor(name or "budi-" + role, role, "Budi"))


def dump(ctx: AppContext) -> list:
    out = []
    with ctx.db.read() as s:
        for model in (SocialPost, HoaxCase, TakedownRequest, LexiconEntry):
            cols = [c.name for c in model.__table__.columns]
            out.append(sorted((tuple(repr(getattr(r, c)) for c in cols)
                               for r in s.scalars(select(model))), key=repr))
        out.append(list(s.scalars(select(AuditEntry.id).order_by(AuditEntry.id))))
        out.append(sorted(s.scalars(select(Setting.key))))
    return out
