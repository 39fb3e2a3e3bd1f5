"""incident fields: the flash report's and places by code

Adds to `incident` the flash report's fields: `victims_dead`, `victims_injured` (NULL: not
known), `material_loss`, `current_condition`, `source_contact`, `source_phone` (empty
text); and the place by code: `kecamatan_code`, `desa_code`, `latitude`, `longitude`
(NULL: not known). Creates the reference tables `kecamatan` (576 rows) and `desa` (8,563)
filled from `resources/data/wilayah-33.csv`, and sets the codes of existing incidents whose
free-text kecamatan/desa names match one place only (`core/places.py`; the names stay as
entered; `posko places match-report` lists the rest). Field stamps are not rewritten: a
packed stamp set names the new fields through its shared stamp (`db/stamps.py`).

Revision ID: 0011
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from posko_desktop.core import places

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None

_TEXTS = (("material_loss", sa.String(length=1000)), ("current_condition", sa.Text()),
          ("source_contact", sa.String(length=120)), ("source_phone", sa.String(length=30)))
_NULLABLE = (("victims_dead", sa.Integer()), ("victims_injured", sa.Integer()),
             ("kecamatan_code", sa.String(length=8)), ("desa_code", sa.String(length=13)),
             ("latitude", sa.Float()), ("longitude", sa.Float()))
BATCH = 5000


def upgrade() -> None:
    # plain ALTER TABLE (SQLite >= 3.35 adds and drops columns in place): no rebuild of a
    # million-row table, its indexes and its search index
    for name, type_ in _NULLABLE:
        op.add_column("incident", sa.Column(name, type_, nullable=True))
    for name, type_ in _TEXTS:
        op.add_column("incident", sa.Column(name, type_, nullable=False, server_default=""))
    kecamatan = op.create_table(
        "kecamatan",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["regency_code"], ["regency.code"],
                                name=op.f("fk_kecamatan_regency_code_regency")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_kecamatan")))
    op.create_index(op.f("ix_kecamatan_regency_code"), "kecamatan", ["regency_code"])
    desa = op.create_table(
        "desa",
        sa.Column("code", sa.String(length=13), nullable=False),
        sa.Column("kecamatan_code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["kecamatan_code"], ["kecamatan.code"],
                                name=op.f("fk_desa_kecamatan_code_kecamatan")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_desa")))
    op.create_index(op.f("ix_desa_kecamatan_code"), "desa", ["kecamatan_code"])
    kec_rows, desa_rows = places.wilayah()
    op.bulk_insert(kecamatan, [{"code": k.code, "regency_code": k.parent, "name": k.name}
                               for k in kec_rows])
    op.bulk_insert(desa, [{"code": d.code, "kecamatan_code": d.parent, "name": d.name,
                           "kind": d.kind} for d in desa_rows])
    _match_existing()


def _match_existing() -> None:
    """Codes for the incidents whose names match one place only (in batches by `seq`)."""
    bind = op.get_bind()
    index = places.shipped_index()
    last = 0
    while True:
        rows = bind.execute(sa.text(
            "SELECT seq, regency_code, kecamatan, desa FROM incident WHERE seq > :last "
            "AND (kecamatan != '' OR desa != '') ORDER BY seq LIMIT :n"),
            {"last": last, "n": BATCH}).all()
        if not rows:
            return
        last = rows[-1][0]
        found = []
        for seq, regency, kecamatan, desa in rows:
            match = index.match(regency, kecamatan, desa)
            if match.kecamatan_code is not None:
                found.append({"s": seq, "k": match.kecamatan_code, "d": match.desa_code})
        if found:
            bind.execute(sa.text("UPDATE incident SET kecamatan_code = :k, desa_code = :d "
                                 "WHERE seq = :s"), found)


def downgrade() -> None:
    op.drop_index(op.f("ix_desa_kecamatan_code"), table_name="desa")
    op.drop_table("desa")
    op.drop_index(op.f("ix_kecamatan_regency_code"), table_name="kecamatan")
    op.drop_table("kecamatan")
    for name in (*(n for n, _type in _NULLABLE), *(n for n, _type in _TEXTS)):
        op.drop_column("incident", name)
