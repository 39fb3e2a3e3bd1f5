"""shifts: the duty roster and shift handovers (issue 18)

Adds `roster_entry` (who is on which shift of which WIB day) and `handover` (the note
the outgoing shift leaves, its open items, the incoming officer's acknowledgement). Local
to the site: they do not sync. No existing row changes.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roster_entry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shift", sa.String(length=10), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("duty", sa.String(length=120), nullable=False),
        sa.Column("assigned_by", sa.String(length=80), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_entry")),
        sa.UniqueConstraint("day", "shift", "username",
                            name=op.f("uq_roster_entry_day")))
    op.create_index("ix_roster_entry_day_shift", "roster_entry", ["day", "shift"])
    op.create_table(
        "handover",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shift", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=80), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover")))
    op.create_index(op.f("ix_handover_created_at"), "handover", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_handover_created_at"), table_name="handover")
    op.drop_table("handover")
    op.drop_index("ix_roster_entry_day_shift", table_name="roster_entry")
    op.drop_table("roster_entry")
