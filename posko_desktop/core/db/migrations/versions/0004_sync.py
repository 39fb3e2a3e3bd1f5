"""sync: sites, keys, packages, conflicts

Adds the tables of file-based sync between sites (docs/sync-format.md): `sync_key`
(trust list), `sync_package` (packages sent and accepted; per-sender sequence for replay
protection; signed manifests kept for relays), `sync_watermark` (per-recipient export
watermark), `sync_base` (last-synced field stamps per incident, for conflict detection),
`sync_conflict` (values that lost against a concurrent edit) and `sync_log`.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_key",
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("site_code", sa.String(length=5), nullable=False),
        sa.Column("site_name", sa.String(length=120), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f("pk_sync_key")),
    )
    op.create_index(op.f("ix_sync_key_site_code"), "sync_key", ["site_code"], unique=False)
    op.create_table(
        "sync_package",
        sa.Column("package_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("source_site", sa.String(length=5), nullable=False),
        sa.Column("recipient", sa.String(length=5), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("since_stamp", sa.String(length=40), nullable=False),
        sa.Column("upto_stamp", sa.String(length=40), nullable=False),
        sa.Column("signer", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("manifest", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("package_id", name=op.f("pk_sync_package")),
    )
    op.create_index("ix_sync_package_source_seq", "sync_package",
                    ["direction", "source_site", "sequence"], unique=False)
    op.create_table(
        "sync_watermark",
        sa.Column("recipient", sa.String(length=5), nullable=False),
        sa.Column("upto_stamp", sa.String(length=40), nullable=False),
        sa.Column("package_id", sa.Uuid(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("recipient", name=op.f("pk_sync_watermark")),
    )
    op.create_table(
        "sync_base",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("stamps", sa.JSON(), nullable=False),
        sa.Column("bases", sa.JSON(), nullable=False),
        sa.Column("mark", sa.String(length=40), nullable=False),
        sa.Column("package_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"],
                                name=op.f("fk_sync_base_incident_id_incident")),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_sync_base")),
    )
    op.create_index(op.f("ix_sync_base_mark"), "sync_base", ["mark"], unique=False)
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
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
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"],
                                name=op.f("fk_sync_conflict_incident_id_incident")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
        sa.UniqueConstraint("incident_id", "field", "lost_stamp",
                            name="uq_sync_conflict_incident_field_lost"),
    )
    op.create_index(op.f("ix_sync_conflict_incident_id"), "sync_conflict", ["incident_id"],
                    unique=False)
    op.create_table(
        "sync_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("package_id", sa.Uuid(), nullable=False),
        sa.Column("peer_site", sa.String(length=5), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_log")),
    )
    op.create_index(op.f("ix_sync_log_at"), "sync_log", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sync_log_at"), table_name="sync_log")
    op.drop_table("sync_log")
    op.drop_index(op.f("ix_sync_conflict_incident_id"), table_name="sync_conflict")
    op.drop_table("sync_conflict")
    op.drop_index(op.f("ix_sync_base_mark"), table_name="sync_base")
    op.drop_table("sync_base")
    op.drop_table("sync_watermark")
    op.drop_index("ix_sync_package_source_seq", table_name="sync_package")
    op.drop_table("sync_package")
    op.drop_index(op.f("ix_sync_key_site_code"), table_name="sync_key")
    op.drop_table("sync_key")
