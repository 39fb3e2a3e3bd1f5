"""The desk's duty roster and shift handovers (issue 18, migration 0018). Local to the
site whose desk works the shifts: they do not sync (docs/shifts.md)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base


class RosterEntry(Base):
    """One officer on one shift of one WIB day."""

    __tablename__ = "roster_entry"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)  # WIB day the shift starts on
    shift: Mapped[str] = mapped_column(String(10))  # core/shifts.Shift
    username: Mapped[str] = mapped_column(String(80))
    duty: Mapped[str] = mapped_column(String(120), default="")  # e.g. "Polda", "koordinator"
    assigned_by: Mapped[str] = mapped_column(String(80))
    assigned_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("day", "shift", "username"),
                      Index("ix_roster_entry_day_shift", "day", "shift"))


class Handover(Base):
    """The note the outgoing shift leaves: the open items found when it was made (`items`,
    a JSON list of `services/shifts.HandoverItem`), the officer's free text, and the
    incoming officer's acknowledgement."""

    __tablename__ = "handover"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)  # the outgoing shift
    shift: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(index=True)
    created_by: Mapped[str] = mapped_column(String(80))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(80))
    acknowledged_by: Mapped[str | None] = mapped_column(String(80))
    acknowledged_at: Mapped[datetime | None]
