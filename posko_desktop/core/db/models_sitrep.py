"""Issued daily situation reports (migration 0003). Rows are never updated or deleted:
a correction is a new row with its own number whose `corrects` names the old number."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base


class IssuedSitrep(Base):
    __tablename__ = "sitrep_issued"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(120), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    site: Mapped[str] = mapped_column(String(5))
    report_date: Mapped[date] = mapped_column(Date)
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    scope: Mapped[str] = mapped_column(String(5))  # "33" province or a regency code
    paper: Mapped[str] = mapped_column(String(4))
    lang: Mapped[str] = mapped_column(String(2))
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    texts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    issued_by: Mapped[str] = mapped_column(String(80))
    issued_at: Mapped[datetime]
    corrects: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_sitrep_issued_year_seq"),
        Index("ix_sitrep_issued_report_date", "report_date"),
    )
