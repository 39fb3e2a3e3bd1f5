"""medsos: Pantau Medsos records that sync (issue 16)

Adds `social_post` (posts seen on social media, unique per site on the post's key: the
platform's post id, else the canonical URL), `hoax_case` (claims checked, verdict with a
second person's approval, clarification), `takedown_request` (requests to take posts
down and their re-checks) and `lexicon_entry` (the desk's additions to and removals from
the shipped lexicon). Each carries the columns of the generic synced record
(`db/models_records.SyncedColumns`). No existing row changes.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _synced_columns() -> list[sa.Column[Any]]:
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


def _synced_indexes(table: str) -> None:
    op.create_index(op.f("ix_{t}_mod_stamp".format(t=table)), table, ["mod_stamp"],
                    unique=False)
    op.create_index(op.f("ix_{t}_sync_mark".format(t=table)), table, ["sync_mark"],
                    unique=False)


TABLES = ("social_post", "hoax_case", "takedown_request", "lexicon_entry")


def upgrade() -> None:
    op.create_table(
        "social_post",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("platform", sa.String(length=12), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("canonical_url", sa.String(length=2048), nullable=False),
        sa.Column("post_id", sa.String(length=200), nullable=False),
        sa.Column("account_name", sa.String(length=200), nullable=False),
        sa.Column("account_handle", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.String(length=200), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("engagement", sa.JSON(), nullable=False),
        sa.Column("regencies", sa.JSON(), nullable=False),
        sa.Column("contest", sa.String(length=200), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("lexicon_version", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("dismissed", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("post_key", sa.String(length=300), nullable=False),
        sa.Column("text_normalised", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("reach", sa.BigInteger(), nullable=False),
        sa.Column("flag_score", sa.Integer(), nullable=False),
        sa.Column("flag_categories", sa.String(length=400), nullable=False),
        sa.Column("queue_rank", sa.BigInteger(), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_post")),
        sa.UniqueConstraint("number", name=op.f("uq_social_post_number")),
        sa.UniqueConstraint("origin_site", "post_key", name="uq_social_post_site_key"),
    )
    op.create_index("ix_social_post_key", "social_post", ["post_key"], unique=False)
    op.create_index("ix_social_post_text_hash", "social_post", ["text_hash"], unique=False)
    op.create_index("ix_social_post_case", "social_post", ["case_id"], unique=False)
    op.create_index("ix_social_post_queue", "social_post",
                    ["case_id", "dismissed", "deleted", "queue_rank", "number"], unique=False)
    op.create_index("ix_social_post_platform_queue", "social_post",
                    ["platform", "case_id", "dismissed", "deleted", "queue_rank", "number"],
                    unique=False)
    op.create_index("ix_social_post_created", "social_post", ["created_at"], unique=False)
    _synced_indexes("social_post")

    op.create_table(
        "hoax_case",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("claim", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("regencies", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.JSON(), nullable=True),
        sa.Column("fact_checks", sa.JSON(), nullable=False),
        sa.Column("clarification", sa.JSON(), nullable=True),
        sa.Column("incidents", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hoax_case")),
        sa.UniqueConstraint("number", name=op.f("uq_hoax_case_number")),
    )
    op.create_index("ix_hoax_case_status", "hoax_case", ["status"], unique=False)
    op.create_index("ix_hoax_case_created", "hoax_case", ["created_at"], unique=False)
    _synced_indexes("hoax_case")

    op.create_table(
        "takedown_request",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("addressee", sa.String(length=20), nullable=False),
        sa.Column("platform", sa.String(length=12), nullable=False),
        sa.Column("posts", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("legal_basis", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("rechecks", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_takedown_request")),
        sa.UniqueConstraint("number", name=op.f("uq_takedown_request_number")),
    )
    op.create_index("ix_takedown_request_case", "takedown_request", ["case_id"], unique=False)
    op.create_index("ix_takedown_request_status", "takedown_request", ["status"],
                    unique=False)
    _synced_indexes("takedown_request")

    op.create_table(
        "lexicon_entry",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("term", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=6), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lexicon_entry")),
        sa.UniqueConstraint("number", name=op.f("uq_lexicon_entry_number")),
    )
    _synced_indexes("lexicon_entry")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
