"""activities: the desk's own activity log, a record type that syncs

Adds `activity` (the desk's activities: meetings, cyber patrols, appeals, clarifications,
outreach, visits; per-field stamps, tombstone and sync columns of the generic synced
record, `db/models_records.SyncedColumns`) and `record_conflict` (conflicts of record
types synced by the generic path). No existing row changes.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("regencies", sa.JSON(), nullable=False),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
        sa.UniqueConstraint("number", name=op.f("uq_activity_number")),
    )
    op.create_index("ix_activity_started", "activity", ["started_at"], unique=False)
    op.create_index(op.f("ix_activity_mod_stamp"), "activity", ["mod_stamp"], unique=False)
    op.create_index(op.f("ix_activity_sync_mark"), "activity", ["sync_mark"], unique=False)
    op.create_table(
        "record_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("kept_value", sa.JSON(), nullable=True),
        sa.Column("kept_stamp", sa.String(length=40), nullable=False),
        sa.Column("lost_value", sa.JSON(), nullable=True),
        sa.Column("lost_stamp", sa.String(length=40), nullable=False),
        sa.Column("package_id", sa.Uuid(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=80), nullable=True),
        sa.Column("resolution", sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_conflict")),
        sa.UniqueConstraint("record_kind", "record_id", "field", "lost_stamp",
                            name="uq_record_conflict_kind_field_lost"),
    )
    op.create_index(op.f("ix_record_conflict_record_id"), "record_conflict", ["record_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_record_conflict_record_id"), table_name="record_conflict")
    op.drop_table("record_conflict")
    op.drop_index(op.f("ix_activity_sync_mark"), table_name="activity")
    op.drop_index(op.f("ix_activity_mod_stamp"), table_name="activity")
    op.drop_index("ix_activity_started", table_name="activity")
    op.drop_table("activity")
