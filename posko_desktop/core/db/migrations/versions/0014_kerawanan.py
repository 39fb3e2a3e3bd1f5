"""kerawanan: contests' candidate pairs, TPS register, vulnerability baseline

Adds `candidate_pair` (the pairs of the 36 contests; a record type that syncs, with the
columns of `db/models_records.SyncedColumns`), `tps` (the TPS register), `baseline_import`
(one row per imported baseline file: Bawaslu IKP, TPS-rawan mapping, Polda classes; the
newest of a kind is current, older ones stay), `ikp_score` and `tps_mark` (the rows of
those imports), and to `incident` the contest, pair and TPS concerned (`contest_code`,
`pair_number`, `tps_number`: NULL, not named). No existing row changes.

Revision ID: 0014
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None

_INCIDENT = (("contest_code", sa.String(length=5)), ("pair_number", sa.Integer()),
             ("tps_number", sa.Integer()))


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


def upgrade() -> None:
    for name, type_ in _INCIDENT:  # plain ALTER TABLE: no rebuild of a big table
        op.add_column("incident", sa.Column(name, type_, nullable=True))
    op.create_table(
        "candidate_pair",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("contest_code", sa.String(length=5), nullable=False),
        sa.Column("ballot_number", sa.Integer(), nullable=False),
        sa.Column("head", sa.String(length=120), nullable=False),
        sa.Column("deputy", sa.String(length=120), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_pair")),
        sa.UniqueConstraint("number", name=op.f("uq_candidate_pair_number")),
    )
    op.create_index("ix_candidate_pair_contest", "candidate_pair",
                    ["contest_code", "ballot_number"])
    op.create_index(op.f("ix_candidate_pair_mod_stamp"), "candidate_pair", ["mod_stamp"])
    op.create_index(op.f("ix_candidate_pair_sync_mark"), "candidate_pair", ["sync_mark"])
    op.create_table(
        "tps",
        sa.Column("desa_code", sa.String(length=13), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kecamatan_code", sa.String(length=8), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("dpt", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["desa_code"], ["desa.code"], name=op.f("fk_tps_desa_code_desa")),
        sa.PrimaryKeyConstraint("desa_code", "number", name=op.f("pk_tps")),
    )
    op.create_index("ix_tps_kecamatan", "tps", ["kecamatan_code"])
    op.create_index("ix_tps_regency", "tps", ["regency_code"])
    op.create_table(
        "baseline_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_baseline_import")),
    )
    op.create_index("ix_baseline_import_kind", "baseline_import", ["kind", "current"])
    op.create_table(
        "ikp_score",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["baseline_import.id"],
                                name=op.f("fk_ikp_score_import_id_baseline_import")),
        sa.PrimaryKeyConstraint("import_id", "regency_code", name=op.f("pk_ikp_score")),
    )
    op.create_table(
        "tps_mark",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("desa_code", sa.String(length=13), nullable=False),
        sa.Column("tps_number", sa.Integer(), nullable=False),
        sa.Column("kecamatan_code", sa.String(length=8), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(length=15), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["baseline_import.id"],
                                name=op.f("fk_tps_mark_import_id_baseline_import")),
        sa.PrimaryKeyConstraint("import_id", "desa_code", "tps_number",
                                name=op.f("pk_tps_mark")),
    )
    op.create_index("ix_tps_mark_regency", "tps_mark", ["import_id", "regency_code"])


def downgrade() -> None:
    op.drop_index("ix_tps_mark_regency", table_name="tps_mark")
    op.drop_table("tps_mark")
    op.drop_table("ikp_score")
    op.drop_index("ix_baseline_import_kind", table_name="baseline_import")
    op.drop_table("baseline_import")
    op.drop_index("ix_tps_regency", table_name="tps")
    op.drop_index("ix_tps_kecamatan", table_name="tps")
    op.drop_table("tps")
    op.drop_index(op.f("ix_candidate_pair_sync_mark"), table_name="candidate_pair")
    op.drop_index(op.f("ix_candidate_pair_mod_stamp"), table_name="candidate_pair")
    op.drop_index("ix_candidate_pair_contest", table_name="candidate_pair")
    op.drop_table("candidate_pair")
    for name, _type in _INCIDENT:
        op.drop_column("incident", name)
