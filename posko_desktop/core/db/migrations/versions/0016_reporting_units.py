"""reporting units: regency offices and agencies/OPD as reporters (issue 18)

Creates `reporting_unit` (a record type that syncs through the generic path, the columns of
`db/models_records.SyncedColumns`) with the 35 regency and city offices and the agencies of
`db/seed_units.py` (fixed ids and stamps: the same rows on every site). Adds
`incident.reporting_unit` (NULL: the office of the incident's regency, so every existing
incident keeps being its regency's report; no row is rewritten) with a partial index on
the rows that name a unit, and `nihil_report.unit_code` (NULL: the regency's office;
`regency_code` becomes nullable for an agency's Nihil).

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from posko_desktop.core.db.seed_units import seed_rows

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    unit = op.create_table(
        "reporting_unit",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("unit_type", sa.String(length=10), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=True),
        sa.Column("cadence", sa.String(length=10), nullable=False),
        sa.Column("agency_code", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_unit")),
        sa.UniqueConstraint("number", name=op.f("uq_reporting_unit_number")),
    )
    op.create_index(op.f("ix_reporting_unit_mod_stamp"), "reporting_unit", ["mod_stamp"])
    op.create_index(op.f("ix_reporting_unit_sync_mark"), "reporting_unit", ["sync_mark"])
    regency = sa.table("regency", sa.column("code"), sa.column("kind"), sa.column("name"))
    rows = op.get_bind().execute(
        sa.select(regency.c.code, regency.c.kind, regency.c.name).order_by(regency.c.code))
    op.bulk_insert(unit, seed_rows([tuple(r) for r in rows]))
    # plain ALTER TABLE: no rebuild of a million-row table
    op.add_column("incident", sa.Column("reporting_unit", sa.String(length=20), nullable=True))
    op.create_index("ix_incident_unit_created", "incident", ["reporting_unit", "created_at"],
                    sqlite_where=sa.text("reporting_unit IS NOT NULL"),
                    postgresql_where=sa.text("reporting_unit IS NOT NULL"))
    with op.batch_alter_table("nihil_report") as batch:  # a small table
        batch.add_column(sa.Column("unit_code", sa.String(length=20), nullable=True))
        batch.alter_column("regency_code", existing_type=sa.String(length=5), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("nihil_report") as batch:
        batch.alter_column("regency_code", existing_type=sa.String(length=5), nullable=False)
        batch.drop_column("unit_code")
    op.drop_index("ix_incident_unit_created", table_name="incident")
    op.drop_column("incident", "reporting_unit")
    op.drop_index(op.f("ix_reporting_unit_sync_mark"), table_name="reporting_unit")
    op.drop_index(op.f("ix_reporting_unit_mod_stamp"), table_name="reporting_unit")
    op.drop_table("reporting_unit")
