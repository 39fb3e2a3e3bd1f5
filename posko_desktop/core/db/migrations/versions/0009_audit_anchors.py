"""audit anchors: the audit heads partner sites sent with their packages

Adds `audit_anchor`: per package received, the sender's audit head (entry id, hash, time)
from its signed manifest (`in`), and per package sent, this site's own (`out`). `posko
audit verify --anchors FILE` checks a trail against what partners hold. No existing row
changes.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_anchor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('site_code', sa.String(length=5), nullable=False),
    sa.Column('peer_site', sa.String(length=5), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('entry_at', sa.DateTime(), nullable=True),
    sa.Column('package_id', sa.Uuid(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_anchor')),
    sa.UniqueConstraint('direction', 'package_id',
                        name=op.f('uq_audit_anchor_direction'))
    )
    op.create_index(op.f('ix_audit_anchor_site_code'), 'audit_anchor', ['site_code'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_anchor_site_code'), table_name='audit_anchor')
    op.drop_table('audit_anchor')
