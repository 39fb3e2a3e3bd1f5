"""The vulnerability baseline as records that sync (issue 17, migration 0023;
docs/kerawanan.md "Between sites"): one *sheet* per area and baseline kind, holding the
area's current rows. Every database starts with every sheet, empty (`db/seed_baseline.py`:
ids derived from kind and area, seed stamps), so a province and a regency that both edit
one area edit one record: concurrent edits merge like any synced field and a loser is a
listed conflict. The tables the app reads (`tps`, the versions of `baseline_import`) are
rebuilt from a sheet whenever it changes (`services/baseline_sync.py`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base
from posko_desktop.core.db.models_records import SyncedColumns


class SheetColumns(SyncedColumns):
    """`number` = `area`: a kecamatan code (TPS register, TPS-rawan, Polda) or a regency
    code (IKP); `rows` the area's rows as lists (the kind's layout, docs/sync-format.md);
    `label` what the last import called its file."""

    number: Mapped[str] = mapped_column(String(20), unique=True)
    area: Mapped[str] = mapped_column(String(8))
    rows: Mapped[list[Any]] = mapped_column(JSON, default=list)
    label: Mapped[str] = mapped_column(String(120), default="")


class TpsSheet(SheetColumns, Base):
    """A kecamatan's TPS: [desa code, number, DPT, address, latitude, longitude]."""

    __tablename__ = "tps_sheet"


class IkpSheet(SheetColumns, Base):
    """A regency's IKP: [] or [[score, class, {dimension: score}]]."""

    __tablename__ = "ikp_sheet"


class TpsRawanSheet(SheetColumns, Base):
    """A kecamatan's TPS-rawan marks: [desa code, TPS number, [variables]]."""

    __tablename__ = "tps_rawan_sheet"


class PoldaSheet(SheetColumns, Base):
    """A kecamatan's Polda classes: [desa code, TPS number, class]."""

    __tablename__ = "polda_sheet"
