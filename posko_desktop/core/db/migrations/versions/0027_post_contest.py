"""post contest: a social-media post names the contest and the candidate pair by code

`social_post.contest_code` (`33` or a regency code) and `social_post.pair_number` (the
pair's ballot number), null: not named (plain ALTER TABLE), like an incident's (0014).
The free-text `contest` of issue 16 stays as it is (the old note, shown while no contest
is named); where it names a contest (and a pair) unambiguously by the rules of
`core/medsos/contest_text.py` (the text and the shipped regency list only, so every site
sets the same codes), the codes are set. `posko post contest-report` lists the notes not
matched whole and why. Each post gets a stamp for the two fields, its earliest field stamp
(the same on every site that holds the post, so the sites still converge).

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from posko_desktop.core.medsos.contest_text import match_contest

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

logger = logging.getLogger(__name__)

POSTS = sa.table("social_post", sa.column("id", sa.Uuid()), sa.column("contest", sa.String()),
                 sa.column("field_stamps", sa.JSON()), sa.column("contest_code", sa.String()),
                 sa.column("pair_number", sa.Integer()))
FIELDS = ("contest_code", "pair_number")
PAGE = 5_000


def upgrade() -> None:
    op.add_column("social_post", sa.Column("contest_code", sa.String(length=5), nullable=True))
    op.add_column("social_post", sa.Column("pair_number", sa.Integer(), nullable=True))
    conn = op.get_bind()
    last = None  # keyset pages: memory stays flat with a million posts
    matched = unmatched = 0
    while True:
        page = (sa.select(POSTS.c.id, POSTS.c.contest, POSTS.c.field_stamps)
                .order_by(POSTS.c.id).limit(PAGE))
        rows = conn.execute(page if last is None else page.where(POSTS.c.id > last)).all()
        if not rows:
            break
        last = rows[-1][0]
        updates = []
        for pid, note, stamps in rows:
            found = match_contest(note or "")
            if note and note.strip():
                matched, unmatched = ((matched + 1, unmatched) if found.problem is None
                                      else (matched, unmatched + 1))
            updates.append({"key": pid, "code": found.contest_code, "pair": found.pair_number,
                            "stamps": {**stamps, **dict.fromkeys(FIELDS, min(stamps.values()))}
                            if stamps else stamps})
        conn.execute(POSTS.update().where(POSTS.c.id == sa.bindparam("key"))
                     .values(field_stamps=sa.bindparam("stamps"),
                             contest_code=sa.bindparam("code"),
                             pair_number=sa.bindparam("pair")), updates)
    if matched or unmatched:
        logger.info("Post contest notes: %d matched to codes, %d not matched whole "
                    "(posko post contest-report)", matched, unmatched)


def downgrade() -> None:
    with op.batch_alter_table("social_post") as batch:
        batch.drop_column("pair_number")
        batch.drop_column("contest_code")
