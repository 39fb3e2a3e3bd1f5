"""Shared fixtures: a migrated template database built once, copied per test (Anki style).

Qt runs headless: QT_QPA_PLATFORM=offscreen is set here, before anything imports Qt.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# the CLI and the window follow the OS locale when nothing else names a language (issue 19):
# tests start from a neutral one, whatever the developer's machine uses
os.environ["LANG"] = "C.UTF-8"
os.environ.pop("LC_ALL", None)
os.environ.pop("LC_MESSAGES", None)
os.environ.pop("POSKO_LANG", None)

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "installer"))

# `python tests/any_hour.py` runs the suite with the wall clock shifted (POSKO_TEST_NOW):
# this process, and through PYTHONPATH every Python process a test starts, see that time.
CLOCK_DIR = ROOT / "tests" / "clock"
sys.path.insert(0, str(CLOCK_DIR))
from posko_clock_shift import start_from_environment  # noqa: E402

if start_from_environment() is not None:
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(CLOCK_DIR), os.environ.get("PYTHONPATH", "")) if p)

import i18n as catalogue_tool  # noqa: E402

from posko_desktop.core import i18n  # noqa: E402
from posko_desktop.core.context import AppContext  # noqa: E402
from posko_desktop.core.db.engine import Database  # noqa: E402
from posko_desktop.core.db.session import open_database  # noqa: E402
from posko_desktop.core.domain import Actor  # noqa: E402
from posko_desktop.core.services import reference  # noqa: E402

ADMIN = Actor("admin", "admin", "Admin Posko")


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogue() -> None:
    """Tests use the catalogue as it is in the source tree."""
    catalogue_tool.compile_all()
    i18n.reload_catalogues()


@pytest.fixture(autouse=True)
def default_language():
    i18n.set_language("id")
    yield
    i18n.set_language("id")


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch):
    """The app's user data folder points into the test's temp folder."""
    monkeypatch.setenv("POSKO_DATA_DIR", str(tmp_path / "userdata"))
    monkeypatch.delenv("POSKO_DB", raising=False)
    monkeypatch.delenv("POSKO_PASSWORD", raising=False)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = open_database(path, create=True)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    """A fresh, migrated, empty SQLite file (no site yet)."""
    path = tmp_path / "posko.sqlite3"
    shutil.copy(template_db, path)
    return path


@pytest.fixture
def db(db_path: Path):
    database = open_database(db_path)
    yield database
    database.dispose()


@pytest.fixture
def ctx(db: Database) -> AppContext:
    """Province site (33) initialised, acting as an admin."""
    context = AppContext(db, ADMIN)
    reference.init_site(context, "33", "Posko Desk Pilkada Provinsi Jawa Tengah")
    return context


# --- PostgreSQL server mode (tests/pgserver.py): the same core tests on both backends ---
from pgserver import pg_db, pg_empty_url, pg_server, pg_template, pg_url  # noqa: E402,F401


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request) -> Database:
    """A fresh migrated database: an SQLite file, or a database on the real test server."""
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def any_ctx(any_db: Database) -> AppContext:
    """Like `ctx`, on SQLite and on PostgreSQL."""
    context = AppContext(any_db, ADMIN)
    reference.init_site(context, "33", "Posko Desk Pilkada Provinsi Jawa Tengah")
    return context


@pytest.fixture
def runner(qapp):
    """The real off-thread task runner of the window (Qt tests only)."""
    from posko_desktop.ui.tasks import TaskRunner  # Qt only where a test asks for it

    r = TaskRunner()
    yield r
    r.wait(10_000)
