"""taxonomy revision (issue 18): channel and legal type on incidents, the revised categories

Adds to `incident` `channel` (daring | luring | "" not stated) and `legal_type`
(administrasi | pidana | kode_etik | hukum_lainnya | "" not stated), both empty on every
existing row: nothing is guessed for an incident recorded before. Brings the `category`
table in line with `resources/categories.json`: new codes added, labels and order as there,
the retired codes (A2, A3, A4: hate speech, SARA and provocation move to group H, counted
online and offline) marked inactive. No code is removed or reused, no incident's
`category_code` changes. Adds the agency DKPP (the route of a breach of the code of ethics)
when the site does not have it. Field stamps are not rewritten: a packed stamp set names the
new fields through its shared stamp (`db/stamps.py`).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from posko_desktop.core.db.categories import category_rows

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_COLUMNS = (("channel", 10), ("legal_type", 20))
_DKPP = {"code": "DKPP", "name": "DKPP (Dewan Kehormatan Penyelenggara Pemilu)", "active": True}


def upgrade() -> None:
    for name, length in _COLUMNS:
        op.add_column("incident", sa.Column(name, sa.String(length=length), nullable=False,
                                            server_default=""))
    bind = op.get_bind()
    category = sa.table("category", sa.column("code"), sa.column("parent_code"),
                        sa.column("label_id"), sa.column("label_en"), sa.column("active"),
                        sa.column("sort_order"))
    have = {code for (code,) in bind.execute(sa.select(category.c.code))}
    rows = category_rows()
    # groups before their children (the parent's foreign key)
    for row in sorted((r for r in rows if r["code"] not in have),
                      key=lambda r: r["parent_code"] is not None):
        bind.execute(category.insert().values(**row))
    for row in (r for r in rows if r["code"] in have):
        bind.execute(category.update().where(category.c.code == row["code"]).values(
            label_id=row["label_id"], label_en=row["label_en"], sort_order=row["sort_order"],
            # retired codes are switched off; a category an admin switched off stays off
            **({} if row["active"] else {"active": False})))
    agency = sa.table("agency", sa.column("code"), sa.column("name"), sa.column("active"))
    if bind.execute(sa.select(agency.c.code).where(agency.c.code == "DKPP")).first() is None:
        bind.execute(agency.insert().values(**_DKPP))


def downgrade() -> None:
    for name, _length in _COLUMNS:
        op.drop_column("incident", name)
