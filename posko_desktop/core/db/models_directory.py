"""The directory of agencies and their contact persons (issue 18, migration 0024): who the
desk refers an incident to and whom it calls there. Both are record types that sync through
the generic path (`sync.kinds.AGENCIES`, `sync.kinds.AGENCY_CONTACTS`); the agencies
migration 0024 seeds are the same on every site (fixed ids and stamps,
`db/seed_directory.py`) and travel only once changed."""

from __future__ import annotations

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, synonym

from posko_desktop.core.db.base import Base
from posko_desktop.core.db.models_records import SyncedColumns


class Agency(SyncedColumns, Base):
    """`number` is the agency's code (`BAWASLU`, `KODAM4`), unique and never reused (`code`
    names the same column); `level` pusat|provinsi|kabkota (`domain.AgencyLevel`);
    `parent_code` the code of the agency it belongs to; `answer_hours` the time a referral
    to it is given by default (None: no default). Deactivated, never deleted."""

    __tablename__ = "agency"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    code: Mapped[str] = synonym("number")
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(10))
    parent_code: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(Text, default="")
    answer_hours: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AgencyContact(SyncedColumns, Base):
    """A person to call at an agency: name, function (jabatan), phone, WhatsApp, e-mail,
    a note; `active` False for someone no longer in the post (kept for old referrals);
    removed by the tombstone `deleted`."""

    __tablename__ = "agency_contact"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    agency_code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    function: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    whatsapp: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (Index("ix_agency_contact_agency", "agency_code"),)
