"""follow-up kind index: the timeline entries of one kind in a time range, from one index

The daily sitrep counts the period's timeline entries per kind (section E) and reads the
referrals and referral updates of the period and the week before (Appendix II), and the
status changes of the period (section C). Without an index on kind and time SQLite walked
the `mod_stamp` index from the period's start to the newest entry and read every row: at
a million incidents (2.7 million entries) 1.3 s CPU of the report's 3-second budget. With
(kind, created_at) each kind is one range, and the count per kind reads the index only
(docs/decisions.md, branch h-sitrep-speed). No row changes.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_followup_kind_created", "followup", ["kind", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_followup_kind_created", table_name="followup")
