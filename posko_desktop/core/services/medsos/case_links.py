"""The incidents a case may be attached to, as the Kasus window offers them (completion by
number or title) and shows them (the numbers of the linked incidents)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Incident

CHOICES_MAX = 200


@dataclass(frozen=True)
class IncidentChoice:
    id: uuid.UUID
    number: str
    title: str
    regency_code: str
    occurred_at: datetime

    @property
    def label(self) -> str:
        """"JTG-2024-00012 — Baliho dirusak" (what the completion lists)."""
        return "{n} — {t}".format(n=self.number, t=self.title)


def _choice(row: Incident) -> IncidentChoice:
    return IncidentChoice(row.id, row.number, row.title, row.regency_code, row.occurred_at)


def incident_choices(ctx: AppContext, text: str = "", limit: int = CHOICES_MAX
                     ) -> list[IncidentChoice]:
    """Incidents (not deleted) whose number or title contains `text`, newest first."""
    query = select(Incident).where(Incident.deleted.is_(False))
    words = " ".join(text.split())
    if words:
        pattern = "%{w}%".format(w=words.replace("\\", "").replace("%", "").replace("_", " "))
        query = query.where(or_(Incident.number.ilike(pattern), Incident.title.ilike(pattern)))
    with ctx.db.read() as s:
        rows = s.scalars(query.order_by(Incident.occurred_at.desc(), Incident.number.desc())
                         .limit(max(1, min(limit, CHOICES_MAX))))
        return [_choice(r) for r in rows]


def linked_incidents(ctx: AppContext, ids: Sequence[uuid.UUID]) -> list[IncidentChoice]:
    """The incidents of `ids` held here (a link synced before its incident may be missing),
    in the order of `ids`."""
    if not ids:
        return []
    with ctx.db.read() as s:
        found = {r.id: _choice(r) for r in s.scalars(select(Incident).where(
            Incident.id.in_(list(ids))))}
    return [found[i] for i in ids if i in found]
