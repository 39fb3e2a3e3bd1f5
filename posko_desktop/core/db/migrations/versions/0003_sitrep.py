"""sitrep: issued reports archive

Adds `sitrep_issued`: every issued daily situation report with its number, period,
options, free texts, the PDF bytes and their SHA-256. Rows are only ever inserted.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sitrep_issued",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=5), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=False),
        sa.Column("period_start", sa.DateTime(), nullable=False),
        sa.Column("period_end", sa.DateTime(), nullable=False),
        sa.Column("scope", sa.String(length=5), nullable=False),
        sa.Column("paper", sa.String(length=4), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("issued_by", sa.String(length=80), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("corrects", sa.String(length=120), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sitrep_issued")),
        sa.UniqueConstraint("number", name=op.f("uq_sitrep_issued_number")),
        sa.UniqueConstraint("year", "seq", name="uq_sitrep_issued_year_seq"),
    )
    with op.batch_alter_table("sitrep_issued", schema=None) as batch_op:
        batch_op.create_index("ix_sitrep_issued_report_date", ["report_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sitrep_issued", schema=None) as batch_op:
        batch_op.drop_index("ix_sitrep_issued_report_date")
    op.drop_table("sitrep_issued")
