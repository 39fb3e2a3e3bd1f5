"""post places: a social-media post names a kecamatan and a desa by code

`social_post.kecamatan_code`, `social_post.desa_code` (null: none named; plain ALTER
TABLE), like an activity's place (0015). Existing posts name no place; each gets a stamp
for the two fields, its earliest field stamp (the same on every site that holds the post,
so the sites still converge), as every synced field has one. No other value changes.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


POSTS = sa.table("social_post", sa.column("id", sa.Uuid()),
                 sa.column("field_stamps", sa.JSON()))
PAGE = 5_000


def upgrade() -> None:
    op.add_column("social_post", sa.Column("kecamatan_code", sa.String(length=8),
                                           nullable=True))
    op.add_column("social_post", sa.Column("desa_code", sa.String(length=13), nullable=True))
    conn = op.get_bind()
    last = None  # keyset pages: memory stays flat with a million posts
    while True:
        page = sa.select(POSTS.c.id, POSTS.c.field_stamps).order_by(POSTS.c.id).limit(PAGE)
        rows = conn.execute(page if last is None else page.where(POSTS.c.id > last)).all()
        if not rows:
            break
        last = rows[-1][0]
        updates = [{"key": pid, "stamps": {**stamps, **dict.fromkeys(
            ("kecamatan_code", "desa_code"), min(stamps.values()))}}
            for pid, stamps in rows if stamps]
        if updates:
            conn.execute(POSTS.update().where(POSTS.c.id == sa.bindparam("key"))
                         .values(field_stamps=sa.bindparam("stamps")), updates)


def downgrade() -> None:
    with op.batch_alter_table("social_post") as batch:
        batch.drop_column("desa_code")
        batch.drop_column("kecamatan_code")
