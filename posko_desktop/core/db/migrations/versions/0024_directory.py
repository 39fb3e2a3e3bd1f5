"""directory of agencies and contact persons (issue 18)

Rebuilds `agency` as a record type that syncs (the columns of
`db/models_records.SyncedColumns`; the code moves to `number`, still unique) with level,
parent, address, default answer time and active flag, and seeds it from
`db/seed_directory.py`: every agency a database held keeps its code and its active flag
(names as the seed has them: the regency-level supervisor is *Bawaslu Kabupaten/Kota*), the
agencies the reference review found missing are added, a code the seed does not know is
kept as it was. Creates `agency_contact` (empty: no contact person is shipped) and adds
`followup.contact_id` (NULL on every existing row: a referral without a chosen contact).

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from posko_desktop.core.db.seed_directory import seed_rows

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def _synced_columns() -> list[sa.Column[object]]:
    return [
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
    ]


def _indexes(table: str) -> None:
    op.create_index(op.f("ix_{t}_mod_stamp".format(t=table)), table, ["mod_stamp"])
    op.create_index(op.f("ix_{t}_sync_mark".format(t=table)), table, ["sync_mark"])


def upgrade() -> None:
    bind = op.get_bind()
    old = sa.table("agency", sa.column("code"), sa.column("name"), sa.column("active"))
    held = {code: (name, bool(active)) for code, name, active in bind.execute(
        sa.select(old.c.code, old.c.name, old.c.active))}
    op.drop_table("agency")
    agency = op.create_table(
        "agency",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_code", sa.String(length=20), nullable=True),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("answer_hours", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency")),
        sa.UniqueConstraint("number", name=op.f("uq_agency_number")),
    )
    _indexes("agency")
    op.bulk_insert(agency, seed_rows(held))
    op.create_table(
        "agency_contact",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("agency_code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("function", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("whatsapp", sa.String(length=30), nullable=False),
        sa.Column("email", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_contact")),
        sa.UniqueConstraint("number", name=op.f("uq_agency_contact_number")),
    )
    _indexes("agency_contact")
    op.create_index("ix_agency_contact_agency", "agency_contact", ["agency_code"])
    # plain ALTER TABLE: no rebuild of a big table
    op.add_column("followup", sa.Column("contact_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.drop_column("followup", "contact_id")
    op.drop_table("agency_contact")
    bind = op.get_bind()
    rows = [{"code": c, "name": n, "active": a} for c, n, a in bind.execute(
        sa.text("SELECT number, name, active FROM agency"))]
    op.drop_table("agency")
    old = op.create_table(
        "agency",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_agency")),
    )
    op.bulk_insert(old, rows)
