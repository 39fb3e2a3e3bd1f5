"""Open a database ready for services: connect, refuse newer schemas, migrate."""

from __future__ import annotations

from pathlib import Path

from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.migrate import migrate


def open_database(path_or_url: str | Path) -> Database:
    db = Database(path_or_url)
    try:
        migrate(db)
    except Exception:
        db.dispose()
        raise
    return db
