"""Record types that sync through the generic path (`core/sync/kinds.py`,
`services/sync/records.py`): the columns every such table carries, the desk's activity log
(migration 0012), the stage reports of voting day and after (migration 0015), and the
conflicts of those record types."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base


class SyncedColumns:
    """What a synced record needs besides its own fields: the global id and origin, a stamp
    per synced field and the newest of them, the tombstone, who wrote it, and what this site
    held after the last import that touched it (`synced_stamps`/`synced_bases`, None when
    it never imported it; `sync_mark`: the local stamp of that import, drives relays;
    `via_package`: the package it came in)."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    origin_site: Mapped[str] = mapped_column(String(5))
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(80))
    mod_stamp: Mapped[str] = mapped_column(String(40), index=True)
    field_stamps: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    synced_stamps: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    synced_bases: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    sync_mark: Mapped[str | None] = mapped_column(String(40), index=True)
    via_package: Mapped[uuid.UUID | None]


class Activity(SyncedColumns, Base):
    """One thing the desk did: a coordination meeting, a cyber patrol, an appeal ...
    Times in UTC; `regencies` and `partners` are lists of text; `attachments` a list of
    {sha256, filename, mime, size} whose content is in `blob`; the place by Kemendagri
    code (a kecamatan of one of `regencies`, a desa of that kecamatan), or none."""

    __tablename__ = "activity"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    regencies: Mapped[list[str]] = mapped_column(JSON, default=list)
    partners: Mapped[list[str]] = mapped_column(JSON, default=list)
    result: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    kecamatan_code: Mapped[str | None] = mapped_column(String(8))  # migration 0015
    desa_code: Mapped[str | None] = mapped_column(String(13))
    # the agency/OPD that reported it (migration 0025); None: the regency's office / desk
    reporting_unit: Mapped[str | None] = mapped_column(String(20))

    __table_args__ = (Index("ix_activity_started", "started_at"),)


class StageReport(SyncedColumns, Base):
    """One report of a regency's stage on voting day and after (issue 17; `domain.
    ProgressStage`): `counts` is [done, total] (yes/no stages: [0|1, 1]) as of `as_of`
    (UTC). Reports are kept, not overwritten: the board shows the newest per regency and
    stage (`services/stage_progress.py`)."""

    __tablename__ = "stage_report"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    regency: Mapped[str] = mapped_column(String(5))
    stage: Mapped[str] = mapped_column(String(20))
    as_of: Mapped[datetime]
    counts: Mapped[list[int]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_stage_report_regency_stage", "regency", "stage", "as_of"),)


class RecordConflict(Base):
    """A value of a generic synced record that lost against a concurrent edit of the same
    field (incidents keep theirs in `sync_conflict`), for a supervisor."""

    __tablename__ = "record_conflict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_kind: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[uuid.UUID] = mapped_column(index=True)
    field: Mapped[str] = mapped_column(String(40))
    kept_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    kept_stamp: Mapped[str] = mapped_column(String(40))
    lost_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    lost_stamp: Mapped[str] = mapped_column(String(40))
    package_id: Mapped[uuid.UUID]
    detected_at: Mapped[datetime]
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(80))
    resolution: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = (UniqueConstraint("record_kind", "record_id", "field", "lost_stamp",
                                       name="uq_record_conflict_kind_field_lost"),)
