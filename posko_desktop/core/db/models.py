"""Tables of the foundation (migration 0001). Later areas add their own modules
(`models_*.py`) and migrations; every model registers on `Base.metadata`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base
from posko_desktop.core.db.stamps import StampsJSON


class Regency(Base):
    __tablename__ = "regency"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)  # "33.74"
    kind: Mapped[str] = mapped_column(String(10))  # kabupaten | kota
    name: Mapped[str] = mapped_column(String(60))


class Kecamatan(Base):
    """Reference list (migration 0011 loads `resources/data/wilayah-33.csv`)."""

    __tablename__ = "kecamatan"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)  # "33.22.08"
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    name: Mapped[str] = mapped_column(String(60))


class Desa(Base):
    """Reference list of desa and kelurahan (`kind`), as `Kecamatan`."""

    __tablename__ = "desa"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)  # "33.22.08.2004"
    kecamatan_code: Mapped[str] = mapped_column(ForeignKey("kecamatan.code"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))  # desa | kelurahan


class Category(Base):
    __tablename__ = "category"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)  # "A" or "A1"
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("category.code"))
    label_id: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class LocalSite(Base):
    """This installation: one row. Site "33" is the province, "33.xx" a regency office."""

    __tablename__ = "local_site"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(5))
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]
    last_stamp: Mapped[str] = mapped_column(String(40), default="")


class NumberSequence(Base):
    __tablename__ = "number_sequence"

    site: Mapped[str] = mapped_column(String(5), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Setting(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(80))


class Incident(Base):
    __tablename__ = "incident"

    # Local integer key (SQLite rowid alias, stable across VACUUM; the full-text index
    # points at it). `id` is the global, time-ordered UUID that sync and other tables use.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    origin_site: Mapped[str] = mapped_column(String(5))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"))
    kecamatan: Mapped[str] = mapped_column(String(100), default="")
    desa: Mapped[str] = mapped_column(String(100), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    occurred_at: Mapped[datetime]
    occurred_date: Mapped[date] = mapped_column(Date)  # WIB calendar day of occurred_at
    reported_at: Mapped[datetime]
    source_type: Mapped[str] = mapped_column(String(20))
    source_detail: Mapped[str] = mapped_column(String(500), default="")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"))
    severity: Mapped[str] = mapped_column(String(10))
    severity_rank: Mapped[int] = mapped_column(SmallInteger)  # 0 rendah .. 3 kritis
    status: Mapped[str] = mapped_column(String(30))
    people_involved: Mapped[int | None] = mapped_column(Integer)
    # the flash report's fields (migration 0011): victims, loss, condition, source contact
    victims_dead: Mapped[int | None] = mapped_column(Integer)
    victims_injured: Mapped[int | None] = mapped_column(Integer)
    material_loss: Mapped[str] = mapped_column(String(1000), default="")
    current_condition: Mapped[str] = mapped_column(Text, default="")
    source_contact: Mapped[str] = mapped_column(String(120), default="")
    source_phone: Mapped[str] = mapped_column(String(30), default="")
    # the place by code (migration 0011; the names above stay as shown) and coordinates
    kecamatan_code: Mapped[str | None] = mapped_column(String(8))
    desa_code: Mapped[str | None] = mapped_column(String(13))
    latitude: Mapped[float | None] = mapped_column(Float)  # WGS 84, degrees
    longitude: Mapped[float | None] = mapped_column(Float)
    # the contest and candidate pair concerned, the TPS (its number in `desa_code`): 0014
    contest_code: Mapped[str | None] = mapped_column(String(5))
    pair_number: Mapped[int | None] = mapped_column(Integer)
    tps_number: Mapped[int | None] = mapped_column(Integer)
    # the taxonomy's other axes (migration 0017, core/taxonomy.py): "" = not stated
    channel: Mapped[str] = mapped_column(String(10), default="")
    legal_type: Mapped[str] = mapped_column(String(20), default="")
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(80))
    respond_by: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    next_referral_due: Mapped[datetime | None]  # earliest due time of an open referral
    # the reporting unit (migration 0016) when not the office of `regency_code` (NULL)
    reporting_unit: Mapped[str | None] = mapped_column(String(20))
    mod_stamp: Mapped[str] = mapped_column(String(40), index=True)
    field_stamps: Mapped[dict[str, Any]] = mapped_column(StampsJSON, default=dict)  # packed
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_incident_occurred", "occurred_at"),
        Index("ix_incident_regency_occurred", "regency_code", "occurred_at"),
        Index("ix_incident_category_occurred", "category_code", "occurred_at"),
        Index("ix_incident_severity_occurred", "severity_rank", "occurred_at"),
        Index("ix_incident_status_occurred", "status", "occurred_at"),
        # The log's filter indexes (migration 0006) carry every filter column and the
        # number: any combination of filters, sorted by any of them, reads one index only.
        # The narrow ones above stay for counting (stats, dashboard), which reads fewer pages.
        Index("ix_incident_log_regency", "regency_code", "occurred_at", "category_code",
              "severity_rank", "status", "number"),
        Index("ix_incident_log_category", "category_code", "occurred_at", "regency_code",
              "severity_rank", "status", "number"),
        Index("ix_incident_log_severity", "severity_rank", "occurred_at", "regency_code",
              "category_code", "status", "number"),
        Index("ix_incident_log_status", "status", "occurred_at", "regency_code",
              "category_code", "severity_rank", "number"),
        # Sort indexes (key, seq, filter columns): walked in log order, filters read inline.
        *(Index(f"ix_incident_{name}", column, "seq", "regency_code", "category_code",
                "severity_rank", "status", "occurred_at")
          for name, column in (("title", "title"), ("reported", "reported_at"),
                               ("number", "number"))),
        Index("ix_incident_day_regency", "occurred_date", "regency_code", "category_code", "severity_rank"),
    )


class FollowUp(Base):
    """Append-only timeline entry: a note, a status change, a referral or a referral update."""

    __tablename__ = "followup"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incident.id"), index=True)
    created_at: Mapped[datetime]
    author: Mapped[str] = mapped_column(String(80))
    origin_site: Mapped[str] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    status_from: Mapped[str | None] = mapped_column(String(30))
    status_to: Mapped[str | None] = mapped_column(String(30))
    agency_code: Mapped[str | None] = mapped_column(String(20))
    due_at: Mapped[datetime | None]
    referral_id: Mapped[uuid.UUID | None]
    referral_state: Mapped[str | None] = mapped_column(String(20))
    contact_id: Mapped[uuid.UUID | None]  # a referral's chosen contact (0024)
    mod_stamp: Mapped[str] = mapped_column(String(40), index=True)

    # the entries of one kind in a time range (the sitrep's follow-ups; migration 0021)
    __table_args__ = (Index("ix_followup_kind_created", "kind", "created_at"),)


class Blob(Base):
    """Evidence file content, addressed by SHA-256 (stored once however often attached)."""

    __tablename__ = "blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(Base):
    __tablename__ = "attachment"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incident.id"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime]
    added_by: Mapped[str] = mapped_column(String(80))
    origin_site: Mapped[str] = mapped_column(String(5))
    mod_stamp: Mapped[str] = mapped_column(String(40))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
