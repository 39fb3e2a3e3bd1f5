"""Reporting units (issue 18, migration 0016): who reports to the desk. A regency/city
office (code = the regency code, 35 rows) or an agency/OPD (a code of capitals, e.g.
`POLDA`), each with its cadence. A record type that syncs through the generic path
(`sync.kinds.UNITS`); the rows migration 0016 seeds are the same on every site (fixed ids
and stamps, `db/seed_units.py`) and travel only once changed."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base
from posko_desktop.core.db.models_records import SyncedColumns


class ReportingUnit(SyncedColumns, Base):
    """`number` is the unit's code (`33.74`, `POLDA`), unique; `unit_type` regency|agency;
    `regency_code` the regency of a regency unit (None for an agency); `cadence`
    daily|on_event; `agency_code` the directory's agency this unit speaks for (optional);
    `site_code` the agency's own site, if it runs one."""

    __tablename__ = "reporting_unit"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    unit_type: Mapped[str] = mapped_column(String(10))
    regency_code: Mapped[str | None] = mapped_column(String(5))
    cadence: Mapped[str] = mapped_column(String(10))
    agency_code: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # an agency's own site (migration 0025, `domain.is_agency_site`): what that site enters
    # counts for this unit in the reporting watch
    site_code: Mapped[str | None] = mapped_column(String(5), unique=True, index=True)
