"""Alembic environment. Run through core.db.migrate (the app and CLI do this on open)."""

from __future__ import annotations

from alembic import context

from posko_desktop.core.db import models_all  # noqa: F401  (registers every table)
from posko_desktop.core.db.base import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # `alembic revision --autogenerate` from a shell, for developers
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    connection = engine.connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
