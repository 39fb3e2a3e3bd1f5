"""The test server fixture itself: it fails loudly without PostgreSQL, and each test's
database is its own copy of the migrated template."""

from __future__ import annotations

import pytest
from pgserver import start_server
from sqlalchemy import text

from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.migrate import current_revision, head_revision


def test_missing_server_binaries_fail_with_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("POSKO_PG_BIN", str(tmp_path))  # a folder without initdb
    with pytest.raises(pytest.fail.Exception) as info:
        start_server()
    message = str(info.value)
    assert "PostgreSQL server binaries not found" in message
    assert "postgresql" in message and "setup-debian.sh --test" in message


@pytest.mark.postgres
def test_each_test_gets_a_fresh_migrated_database(pg_url: str, pg_template: str):
    db = Database(pg_url)
    try:
        assert current_revision(db) == head_revision()
        with db.engine.connect() as conn:
            assert conn.scalar(text("SELECT current_database()")) != pg_template
            assert conn.scalar(text("SELECT count(*) FROM incident")) == 0
            assert conn.scalar(text("SELECT count(*) FROM local_site")) == 0
            assert conn.scalar(text("SHOW server_encoding")) == "UTF8"
    finally:
        db.dispose()
