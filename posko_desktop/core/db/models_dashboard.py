"""Tables and indexes of the dashboard (migrations 0002, 0026 and 0028).

- `nihil_report`: the reporting watch. A regency that had nothing to report for a
  reporting period says so ("Nihil"); the desk records it after a phone call or from a
  package carried from the regency office. Stored data with who/when/how, never guessed.
- `incident_day_count` (0026): incidents not deleted per day x regency x category x
  severity, kept by triggers (`db/day_counts.py`); the dashboard counts from it.
- Extra indexes on `incident` that keep every dashboard query an index-only scan at a
  million incidents (see docs/dashboard.md, "Performance"); the contest panel's (0028).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, true
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base
from posko_desktop.core.db.models import Incident


class NihilReport(Base):
    __tablename__ = "nihil_report"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # UUIDv7, made where recorded
    # the regency's office (unit_code NULL), or an agency's unit (regency_code NULL; 0016)
    regency_code: Mapped[str | None] = mapped_column(ForeignKey("regency.code"))
    unit_code: Mapped[str | None] = mapped_column(String(20))
    report_date: Mapped[date] = mapped_column(Date)  # the reporting period (core.periods)
    via: Mapped[str] = mapped_column(String(20))  # "telepon" | "paket"
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(80))
    origin_site: Mapped[str] = mapped_column(String(5))
    mod_stamp: Mapped[str] = mapped_column(String(40), index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_nihil_report_period", "report_date", "regency_code"),)


class IncidentDayCount(Base):
    """How many incidents (not deleted) occurred on a WIB day in a regency, per category
    and severity: kept by database triggers (`db/day_counts.py`); no row has n = 0."""

    __tablename__ = "incident_day_count"

    occurred_date: Mapped[date] = mapped_column(Date, primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    category_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    severity_rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)

    # SQLite: the rows are stored in key order (a day's rows side by side)
    __table_args__ = {"sqlite_with_rowid": False}


# Deleted incidents, by the same key as foundation's `ix_incident_day_regency`. Dashboard
# counts are (all rows, covering index) minus (deleted rows, this small partial index): an
# index-only scan instead of a table lookup per row to test `deleted` (20x faster at 1M).
INCIDENT_DELETED_DAY = Index(
    "ix_incident_deleted_day",
    Incident.occurred_date, Incident.regency_code, Incident.category_code, Incident.severity_rank,
    sqlite_where=Incident.deleted == true(),
    postgresql_where=Incident.deleted == true(),
)
# Reporting watch: when did a unit other than a regency's office last report (0016)
INCIDENT_UNIT_CREATED = Index(
    "ix_incident_unit_created", Incident.reporting_unit, Incident.created_at,
    sqlite_where=Incident.reporting_unit.is_not(None),
    postgresql_where=Incident.reporting_unit.is_not(None),
)
# Contest panel and `stats --by contest|pair`: the incidents naming a contest, by day (0028)
INCIDENT_CONTEST_DAY = Index(
    "ix_incident_contest_day", Incident.occurred_date, Incident.contest_code,
    Incident.pair_number,
    sqlite_where=Incident.contest_code.is_not(None),
    postgresql_where=Incident.contest_code.is_not(None),
)
# Reporting watch: "when did regency X last report (an incident arrived/was entered)".
INCIDENT_REGENCY_CREATED = Index(
    "ix_incident_regency_created", Incident.regency_code, Incident.created_at,
)
