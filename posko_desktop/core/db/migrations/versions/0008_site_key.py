"""site key: the site's signing key moves into the database, wrapped per user

Adds `site_key` (one row: the public key and where it came from), `user_key` (each user's
X25519 pair, the private half encrypted under their password), `site_key_grant` (the site
key sealed to a user) and `site_key_other` (key files of this site found on other
workstations, reported). A database that already has a site gets the row
`state = 'awaiting_import'`: its key is still a file in an OS user's keys folder and is
imported, keeping its fingerprint, at the next login of a user who may export there
(services/site_key.py). No existing row changes.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('site_key',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('origin_detail', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_key'))
    )
    op.create_table('site_key_other',
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('site_code', sa.String(length=5), nullable=False),
    sa.Column('found_at', sa.DateTime(), nullable=False),
    sa.Column('found_by', sa.String(length=32), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('os_user', sa.String(length=64), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('fingerprint', name=op.f('pk_site_key_other'))
    )
    op.create_table('user_key',
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('kdf', sa.String(length=200), nullable=False),
    sa.Column('salt', sa.LargeBinary(), nullable=False),
    sa.Column('nonce', sa.LargeBinary(), nullable=False),
    sa.Column('encrypted_private', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_user_key_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_key'))
    )
    op.create_table('site_key_grant',
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('ephemeral_public', sa.LargeBinary(), nullable=False),
    sa.Column('nonce', sa.LargeBinary(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.Column('granted_by', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_site_key_grant_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_site_key_grant'))
    )
    op.execute(
        "INSERT INTO site_key (id, state, origin, origin_detail, created_by) "
        "SELECT 1, 'awaiting_import', '', '', '' WHERE EXISTS (SELECT 1 FROM local_site)"
    )


def downgrade() -> None:
    op.drop_table('site_key_grant')
    op.drop_table('user_key')
    op.drop_table('site_key_other')
    op.drop_table('site_key')
