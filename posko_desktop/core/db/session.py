"""Open a database ready for services: connect, refuse newer schemas, migrate."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from posko_desktop.core.db.engine import Database, to_url
from posko_desktop.core.db.migrate import check_sqlite_file, migrate
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_

logger = logging.getLogger(__name__)


class DatabaseUnavailable(PoskoError):
    """The PostgreSQL server (server mode) cannot be reached or refuses this login."""

    code = "db_unavailable"


def open_database(path_or_url: str | Path) -> Database:
    url = make_url(to_url(path_or_url))
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        file = Path(url.database)
        if file.is_file() and file.stat().st_size > 0:
            check_sqlite_file(file)  # refuses foreign/damaged/newer files untouched
    db = Database(path_or_url)
    try:
        migrate(db)
    except OperationalError as err:
        db.dispose()
        if db.is_sqlite:
            raise
        logger.warning("Cannot reach %s: %s", db.display_location, err)
        raise DatabaseUnavailable(
            N_("Cannot reach the database server {location}. Check the address, that the "
               "server is running and that this computer may connect; details are in the log."),
            location=db.display_location,
        ) from None
    except Exception:
        db.dispose()
        raise
    return db
