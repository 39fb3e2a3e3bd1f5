"""Peta kerawanan (issue 17, migration 0014): the candidate pairs of the 36 contests (a
record type that syncs through the generic path), the TPS register and the vulnerability
baseline imports (Bawaslu's IKP per regency, Bawaslu's TPS-rawan mapping, Polda's TPS
classes), each import kept as a version of its own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base
from posko_desktop.core.db.models_records import SyncedColumns


class CandidatePair(SyncedColumns, Base):
    """A candidate pair (pasangan calon) of a contest: `contest_code` is "33" for the
    Pilgub, a regency code for its Pilbup/Pilwalkot; `ballot_number` is the pair's number on
    the ballot; `parties` the supporting parties (a list of text)."""

    __tablename__ = "candidate_pair"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    contest_code: Mapped[str] = mapped_column(String(5))
    ballot_number: Mapped[int] = mapped_column(Integer)
    head: Mapped[str] = mapped_column(String(120))
    deputy: Mapped[str] = mapped_column(String(120))
    parties: Mapped[list[str]] = mapped_column(JSON, default=list)

    __table_args__ = (Index("ix_candidate_pair_contest", "contest_code", "ballot_number"),)


class Tps(Base):
    """One polling station (TPS) of the register: its number within its desa/kelurahan;
    `kecamatan_code` and `regency_code` follow from the desa and are kept for counting."""

    __tablename__ = "tps"

    desa_code: Mapped[str] = mapped_column(ForeignKey("desa.code"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    kecamatan_code: Mapped[str] = mapped_column(String(8))
    regency_code: Mapped[str] = mapped_column(String(5))
    dpt: Mapped[int] = mapped_column(Integer)  # voters on the final voter list
    address: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None] = mapped_column(Float)  # WGS 84, degrees
    longitude: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (Index("ix_tps_kecamatan", "kecamatan_code"),
                      Index("ix_tps_regency", "regency_code"))


class BaselineImport(Base):
    """One imported file of a baseline (`kind`: ikp | tps_rawan | polda). The newest import
    of a kind is the current one (`current`); the older ones stay for history."""

    __tablename__ = "baseline_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(120))  # e.g. "IKP Pilkada 2024 (Bawaslu)"
    sha256: Mapped[str] = mapped_column(String(64))  # of the rows' canonical form
    rows: Mapped[int] = mapped_column(Integer)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    imported_at: Mapped[datetime]
    imported_by: Mapped[str] = mapped_column(String(80))

    __table_args__ = (Index("ix_baseline_import_kind", "kind", "current"),)


class IkpScore(Base):
    """Bawaslu's vulnerability index of one regency in one import: the overall score and
    class, and the score per dimension ({dimension code: score})."""

    __tablename__ = "ikp_score"

    import_id: Mapped[int] = mapped_column(ForeignKey("baseline_import.id"), primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(10))  # rendah | sedang | tinggi
    dimensions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TpsMark(Base):
    """What a baseline import says about one TPS: the TPS-rawan variables that apply
    (Bawaslu; `variables` a list of codes) or Polda's class (`level`)."""

    __tablename__ = "tps_mark"

    import_id: Mapped[int] = mapped_column(ForeignKey("baseline_import.id"), primary_key=True)
    desa_code: Mapped[str] = mapped_column(String(13), primary_key=True)
    tps_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    kecamatan_code: Mapped[str] = mapped_column(String(8))
    regency_code: Mapped[str] = mapped_column(String(5))
    variables: Mapped[list[str]] = mapped_column(JSON, default=list)
    level: Mapped[str | None] = mapped_column(String(15))  # kurang_rawan | rawan | sangat_rawan

    __table_args__ = (Index("ix_tps_mark_regency", "import_id", "regency_code"),)
