"""incident contest index: the incidents naming a contest, by day, from one small index

The dashboard's contest panel and `posko stats --by contest|pair` count the incidents of a
range of WIB days per contest and pair (`stats.contest_pair_counts`). Without an index on
the contest columns SQLite read every incident of the days from the table: at a million
incidents 30 days cost ~490 ms CPU. A partial index (occurred_date, contest_code,
pair_number) over the incidents that name a contest answers the count from the index
alone (docs/decisions.md, branch h-contest-index). SQLite gets the index's statistics (it
knows the other indexes' since 0006 and would otherwise keep reading the table through the
day index). No row changes.

Revision ID: 0028
Revises: 0027
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from posko_desktop.core.db.planner import analyze_new_index

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_incident_contest_day", "incident",
                    ["occurred_date", "contest_code", "pair_number"],
                    sqlite_where=sa.text("contest_code IS NOT NULL"),
                    postgresql_where=sa.text("contest_code IS NOT NULL"))
    analyze_new_index(op.get_bind(), "ix_incident_contest_day")


def downgrade() -> None:
    op.drop_index("ix_incident_contest_day", table_name="incident")
