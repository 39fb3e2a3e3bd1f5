"""dashboard: reporting watch (Nihil reports) and two incident indexes for the dashboard

- table `nihil_report` (regency, report period, via telepon/paket, who/when, sync fields)
- index `ix_incident_deleted_day` (partial: deleted rows only) so dashboard counts stay
  index-only scans; `ix_incident_regency_created` for "last report" per regency.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nihil_report",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("origin_site", sa.String(length=5), nullable=False),
        sa.Column("mod_stamp", sa.String(length=40), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["regency_code"], ["regency.code"],
            name=op.f("fk_nihil_report_regency_code_regency"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nihil_report")),
    )
    op.create_index("ix_nihil_report_period", "nihil_report", ["report_date", "regency_code"])
    op.create_index(op.f("ix_nihil_report_mod_stamp"), "nihil_report", ["mod_stamp"])
    op.create_index(
        "ix_incident_deleted_day", "incident",
        ["occurred_date", "regency_code", "category_code", "severity_rank"],
        sqlite_where=sa.text("deleted = 1"), postgresql_where=sa.text("deleted = true"),
    )
    op.create_index("ix_incident_regency_created", "incident", ["regency_code", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_incident_regency_created", table_name="incident")
    op.drop_index("ix_incident_deleted_day", table_name="incident")
    op.drop_index(op.f("ix_nihil_report_mod_stamp"), table_name="nihil_report")
    op.drop_index("ix_nihil_report_period", table_name="nihil_report")
    op.drop_table("nihil_report")
