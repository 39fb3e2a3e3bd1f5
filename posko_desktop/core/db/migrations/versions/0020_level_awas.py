"""level ladder: the top situation level is Awas (was Rawan)

*Rawan* names a vulnerability class (Bawaslu's IKP, TPS rawan), not an alert level; the
ladder is now Kondusif, Waspada, Siaga, Awas (docs/glosarium.md). Levels are computed,
not stored: only the admin's threshold setting `level.threshold.rawan` is renamed to
`level.threshold.awas`, its value kept. Issued reports keep the words they were issued
with.

Revision ID: 0020
Revises: 0018
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE setting SET key = 'level.threshold.awas' "
               "WHERE key = 'level.threshold.rawan'")


def downgrade() -> None:
    op.execute("UPDATE setting SET key = 'level.threshold.rawan' "
               "WHERE key = 'level.threshold.awas'")
