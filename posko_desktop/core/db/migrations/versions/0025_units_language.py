"""reporting units everywhere, language per user (issues 18 and 19)

- `activity.reporting_unit` (NULL: the regency office, as for incidents): a synced field
  of activities; every existing activity gets its stamp, the earliest stamp it holds (its
  creation), so two sites that migrate the same activity agree on it.
- `reporting_unit.site_code`: the site code (`33.80`–`33.99`) of an agency that runs its
  own site; the incidents and activities made there count for it in the reporting watch.
  A synced field of units: the seeded rows get the seed stamp (`db/seed_units.py`), the
  others their creation stamp.
- `user_account.language` (`id`, `en` or "" = no choice): the account's interface language.
  A database-wide `ui.language` stored before was written by the window for whoever
  switched: it becomes that user's choice (`setting.updated_by`, when that is an account)
  and the setting is retired (row removed), so the others see their own again
  (docs/decisions.md).

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def _add_stamp(table: str, field: str) -> None:
    """Every row's `field_stamps` gains `field`, stamped with the row's earliest stamp."""
    t = sa.table(table, sa.column("id"), sa.column("field_stamps", sa.JSON()))
    conn = op.get_bind()
    for row_id, stamps in conn.execute(sa.select(t.c.id, t.c.field_stamps)).all():
        if isinstance(stamps, str):
            stamps = json.loads(stamps)
        if not stamps or field in stamps:
            continue
        conn.execute(sa.update(t).where(t.c.id == row_id).values(
            field_stamps={**stamps, field: min(stamps.values())}))


def upgrade() -> None:
    op.add_column("activity", sa.Column("reporting_unit", sa.String(length=20), nullable=True))
    _add_stamp("activity", "reporting_unit")
    op.add_column("reporting_unit", sa.Column("site_code", sa.String(length=5), nullable=True))
    op.create_index("ix_reporting_unit_site_code", "reporting_unit", ["site_code"], unique=True)
    _add_stamp("reporting_unit", "site_code")
    op.add_column("user_account", sa.Column("language", sa.String(length=5), nullable=False,
                                            server_default=""))
    conn = op.get_bind()
    stored = conn.execute(sa.text(
        "SELECT value, updated_by FROM setting WHERE key = 'ui.language'")).first()
    if stored is None:
        return
    value, who = stored
    lang = json.loads(value) if isinstance(value, str) and value.startswith('"') else value
    owner = conn.execute(sa.text("SELECT id FROM user_account WHERE username = :u"),
                         {"u": who}).first()
    if owner is not None and lang in ("id", "en"):
        conn.execute(sa.text("UPDATE user_account SET language = :lang WHERE id = :id"),
                     {"lang": lang, "id": owner[0]})
    conn.execute(sa.text("DELETE FROM setting WHERE key = 'ui.language'"))  # retired

def downgrade() -> None:
    op.drop_column("user_account", "language")
    op.drop_index("ix_reporting_unit_site_code", table_name="reporting_unit")
    op.drop_column("reporting_unit", "site_code")
    op.drop_column("activity", "reporting_unit")
