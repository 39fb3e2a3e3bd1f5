"""Tables of file-based sync (migration 0004): trusted keys, packages, watermarks,
last-synced field stamps, conflicts and the sync log. See docs/sync-format.md."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base
from posko_desktop.core.db.stamps import StampsJSON


class SyncKey(Base):
    """A trusted public key of a site (added once by an admin who confirmed the fingerprint)."""

    __tablename__ = "sync_key"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex
    site_code: Mapped[str] = mapped_column(String(5), index=True)
    site_name: Mapped[str] = mapped_column(String(120), default="")
    public_key: Mapped[str] = mapped_column(String(64))  # raw Ed25519 key, base64
    added_at: Mapped[datetime]
    added_by: Mapped[str] = mapped_column(String(80))
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(80))


class SyncPackage(Base):
    """A package sent (`out`) or accepted (`in`). Incoming rows give replay protection
    (highest `sequence` per `source_site`) and keep the signed manifest for relays."""

    __tablename__ = "sync_package"

    package_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    source_site: Mapped[str] = mapped_column(String(5))
    recipient: Mapped[str] = mapped_column(String(5))  # site code or "*" (broadcast)
    sequence: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    processed_at: Mapped[datetime]
    mode: Mapped[str] = mapped_column(String(12))  # full | incremental
    since_stamp: Mapped[str] = mapped_column(String(40), default="")
    upto_stamp: Mapped[str] = mapped_column(String(40), default="")
    signer: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255), default="")
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    manifest: Mapped[str] = mapped_column(Text, default="")  # exact signed bytes (utf-8)
    signature: Mapped[str] = mapped_column(String(100), default="")  # base64

    __table_args__ = (Index("ix_sync_package_source_seq", "direction", "source_site", "sequence"),)


class SyncWatermark(Base):
    """Per recipient: the end (local stamp) of the newest of our packages it confirmed having
    imported (the `acks` of its own packages). Incremental exports to it start there."""

    __tablename__ = "sync_watermark"

    recipient: Mapped[str] = mapped_column(String(5), primary_key=True)
    upto_stamp: Mapped[str] = mapped_column(String(40))
    package_id: Mapped[uuid.UUID]
    sent_at: Mapped[datetime]


class SyncBase(Base):
    """Per incident, as of the last import that touched it: the field stamps this site then
    held (`stamps`), the base stamp each of those values was edited from (`bases`), the local
    mark of that import (`mark`, drives relays) and the package it came through."""

    __tablename__ = "sync_base"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incident.id"), primary_key=True)
    stamps: Mapped[dict[str, Any]] = mapped_column(StampsJSON, default=dict)  # packed
    bases: Mapped[dict[str, Any]] = mapped_column(StampsJSON, default=dict)
    mark: Mapped[str] = mapped_column(String(40), index=True)
    package_id: Mapped[uuid.UUID]


class SyncConflict(Base):
    """A value that lost against a concurrent edit of the same field, for a supervisor."""

    __tablename__ = "sync_conflict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incident.id"), index=True)
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
    resolution: Mapped[str | None] = mapped_column(String(10))  # keep | take

    __table_args__ = (UniqueConstraint("incident_id", "field", "lost_stamp",
                                       name="uq_sync_conflict_incident_field_lost"),)


class SyncLog(Base):
    """Every accepted export and import with its summary (rejections go to the log file:
    a refused package must leave the database exactly as it was)."""

    __tablename__ = "sync_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(10))  # export | import
    package_id: Mapped[uuid.UUID]
    peer_site: Mapped[str] = mapped_column(String(5))
    actor: Mapped[str] = mapped_column(String(80))
    file_name: Mapped[str] = mapped_column(String(255), default="")
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
