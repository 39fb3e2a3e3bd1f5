"""log indexes: every sortable column has an index, and the log's indexes cover the filters

The incident log sorts by any column and filters by any combination of regency, category,
severity, status and dates. At a million incidents a query that had to read the table
row by row for a filter or sort column took up to 2 s. Now:
- one log index per filter column (regency, category, severity, status; each then
  occurred_at, the other filter columns and the number), so any combination of those
  filters, sorted by any of them, is answered from one index without reading the table
  (the narrow (column, occurred_at) indexes stay: counting reads fewer pages there);
- title, reported time and number get sort indexes (key, seq, then the filter columns):
  walked in order they give a page of a common filter after a few thousand entries,
  again without reading the table (see `incidents._page_seqs`);
- `ANALYZE incident` gives the query planner row counts, so it picks the index that
  serves the filter or the sort best (without skip-scans; refreshed after bulk loads,
  see `db/planner.py`).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

from posko_desktop.core.db.planner import refresh_statistics

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

FILTERS = ("regency_code", "category_code", "severity_rank", "status")
LOG = {
    "ix_incident_log_regency": "regency_code",
    "ix_incident_log_category": "category_code",
    "ix_incident_log_severity": "severity_rank",
    "ix_incident_log_status": "status",
}


SORTED = {
    "ix_incident_title": "title",
    "ix_incident_reported": "reported_at",
    "ix_incident_number": "number",
}


def covering_columns(lead: str) -> list[str]:
    return [lead, "occurred_at", *(c for c in FILTERS if c != lead), "number"]


def sort_columns(lead: str) -> list[str]:
    return [lead, "seq", *FILTERS, "occurred_at"]


def upgrade() -> None:
    for name, lead in LOG.items():
        op.create_index(name, "incident", covering_columns(lead))
    for name, lead in SORTED.items():
        op.create_index(name, "incident", sort_columns(lead))
    refresh_statistics(op.get_bind())


def downgrade() -> None:
    for name in SORTED:
        op.drop_index(name, table_name="incident")
    for name in LOG:
        op.drop_index(name, table_name="incident")
