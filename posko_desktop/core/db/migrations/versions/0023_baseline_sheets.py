"""baseline sheets: the TPS register and the vulnerability baseline sync (issue 17)

Creates `tps_sheet`, `tps_rawan_sheet`, `polda_sheet` (one row per kecamatan) and
`ikp_sheet` (one per regency): record types that sync through the generic path (the
columns of `db/models_records.SyncedColumns` and `area`, `rows`, `label`), seeded empty
with fixed ids and stamps (`db/seed_baseline.py`), the same rows on every site. No
existing row changes: a register or baseline imported before this version stays as it is
and goes out once its file is imported again (docs/kerawanan.md).

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from posko_desktop.core.db.seed_baseline import KECAMATAN_SHEETS, REGENCY_SHEETS, seed_rows

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def _create(name: str) -> sa.Table:
    table = op.create_table(
        name,
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("area", sa.String(length=8), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_" + name)),
        sa.UniqueConstraint("number", name=op.f("uq_{t}_number".format(t=name))),
    )
    op.create_index(op.f("ix_{t}_mod_stamp".format(t=name)), name, ["mod_stamp"])
    op.create_index(op.f("ix_{t}_sync_mark".format(t=name)), name, ["sync_mark"])
    return table


def upgrade() -> None:
    bind = op.get_bind()
    kecamatan = [r[0] for r in bind.execute(sa.text("SELECT code FROM kecamatan ORDER BY code"))]
    regencies = [r[0] for r in bind.execute(sa.text("SELECT code FROM regency ORDER BY code"))]
    for kind, name in KECAMATAN_SHEETS.items():
        op.bulk_insert(_create(name), seed_rows(kind, kecamatan))
    for kind, name in REGENCY_SHEETS.items():
        op.bulk_insert(_create(name), seed_rows(kind, regencies))


def downgrade() -> None:
    for name in (*KECAMATAN_SHEETS.values(), *REGENCY_SHEETS.values()):
        op.drop_index(op.f("ix_{t}_sync_mark".format(t=name)), table_name=name)
        op.drop_index(op.f("ix_{t}_mod_stamp".format(t=name)), table_name=name)
        op.drop_table(name)
