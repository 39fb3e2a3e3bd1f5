"""Open a database ready for services: connect, refuse newer schemas, migrate."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from posko_desktop.core.db.engine import Database, to_url
from posko_desktop.core.db.migrate import check_sqlite_file, migrate


def open_database(path_or_url: str | Path) -> Database:
    url = make_url(to_url(path_or_url))
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        file = Path(url.database)
        if file.is_file() and file.stat().st_size > 0:
            check_sqlite_file(file)  # refuses foreign/damaged/newer files untouched
    db = Database(path_or_url)
    try:
        migrate(db)
    except Exception:
        db.dispose()
        raise
    return db
