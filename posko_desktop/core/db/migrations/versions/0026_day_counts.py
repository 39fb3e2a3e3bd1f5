"""dashboard day counts: incidents per WIB day x regency x category x severity

Adds `incident_day_count` (rows of incidents not deleted, by the key of the covering index
`ix_incident_day_regency`), the triggers that keep it as incidents are added, edited,
deleted or synced (SQLite and PostgreSQL; `core/db/day_counts.py`), and fills it from the
incidents already stored. Nothing else changes; the dashboard reads its counts from it.

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from posko_desktop.core.db import day_counts

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        day_counts.TABLE,
        sa.Column("occurred_date", sa.Date(), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("category_code", sa.String(length=4), nullable=False),
        sa.Column("severity_rank", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("occurred_date", "regency_code", "category_code",
                                "severity_rank", name=op.f("pk_incident_day_count")),
        sqlite_with_rowid=False,
    )
    conn = op.get_bind()
    day_counts.rebuild(conn)
    day_counts.create_triggers(conn)


def downgrade() -> None:
    conn = op.get_bind()
    day_counts.drop_triggers(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS incident_day_count_keep()")
    op.drop_table(day_counts.TABLE)
