"""stage progress: reports of the stages of voting day and after, a record type that syncs

Adds `stage_report` (per regency and stage: done of total as of a time, a note; the
columns of the generic synced record, `db/models_records.SyncedColumns`), and the place of
an activity by code: `activity.kecamatan_code`, `activity.desa_code` (null: none named;
plain ALTER TABLE). No existing row changes.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("activity", sa.Column("kecamatan_code", sa.String(length=8), nullable=True))
    op.add_column("activity", sa.Column("desa_code", sa.String(length=13), nullable=True))
    op.create_table(
        "stage_report",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("regency", sa.String(length=5), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("as_of", sa.DateTime(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin_site", sa.String(length=5), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("mod_stamp", sa.String(length=40), nullable=False),
        sa.Column("field_stamps", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("synced_stamps", sa.JSON(), nullable=True),
        sa.Column("synced_bases", sa.JSON(), nullable=True),
        sa.Column("sync_mark", sa.String(length=40), nullable=True),
        sa.Column("via_package", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_report")),
        sa.UniqueConstraint("number", name=op.f("uq_stage_report_number")),
    )
    op.create_index("ix_stage_report_regency_stage", "stage_report",
                    ["regency", "stage", "as_of"], unique=False)
    op.create_index(op.f("ix_stage_report_mod_stamp"), "stage_report", ["mod_stamp"],
                    unique=False)
    op.create_index(op.f("ix_stage_report_sync_mark"), "stage_report", ["sync_mark"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_stage_report_sync_mark"), table_name="stage_report")
    op.drop_index(op.f("ix_stage_report_mod_stamp"), table_name="stage_report")
    op.drop_index("ix_stage_report_regency_stage", table_name="stage_report")
    op.drop_table("stage_report")
    op.drop_column("activity", "desa_code")
    op.drop_column("activity", "kecamatan_code")
