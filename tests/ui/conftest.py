"""Fixtures for the window tests: a real migrated SQLite file, the real TaskRunner."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from posko_desktop.core.domain import Actor
from posko_desktop.core.services import incidents
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.timeutil import WIB, ensure_utc
from posko_desktop.ui.qt_translate import CatalogueTranslator


@pytest.fixture(autouse=True)
def qsettings_in_tmp(tmp_path, qapp):
    """Window geometry (QSettings) goes to the test's temp folder, not the user's."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    yield


@pytest.fixture(scope="session")
def translator(qapp):
    t = CatalogueTranslator(qapp)
    qapp.installTranslator(t)
    yield t
    qapp.removeTranslator(t)


@pytest.fixture
def make_window(ctx, runner, qtbot):
    from posko_desktop.ui.main_window import MainWindow

    windows = []

    def make(context=None):
        window = MainWindow(context or ctx, runner)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        wait_loaded(qtbot, window)
        qtbot.waitUntil(lambda: window.feature_tabs_ready, timeout=10_000)
        return window

    yield make
    for w in windows:
        runner.wait(10_000)
        w.close()


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture
def training_ctx(template_db, tmp_path):
    """A training database (posko-latihan.sqlite3, site 33) acting as an admin."""
    import shutil

    from posko_desktop.core.context import AppContext
    from posko_desktop.core.db.session import open_database
    from posko_desktop.core.services import reference, training
    from tests.conftest import ADMIN

    path = tmp_path / training.TRAINING_FILE_NAME
    shutil.copy(template_db, path)
    database = open_database(path)
    context = AppContext(database, ADMIN)
    reference.init_site(context, "33", "Posko Latihan", training=True)
    yield context
    database.dispose()


@pytest.fixture
def training_window(make_window, training_ctx):
    return make_window(training_ctx)


def wait_loaded(qtbot, window) -> None:
    """Until the log model has no refresh pending (the runner delivers on the GUI thread).
    Queued core events are delivered first, so a change just made is waited for too."""
    QCoreApplication.processEvents()
    qtbot.waitUntil(lambda: not window.log.model.is_loading and not window._refresh_timer.isActive()
                    and window.runner.active == 0, timeout=10_000)


def status_messages(window) -> list[str]:
    """Every status-bar message from now on, as shown (the bar clears one after 8 s, which a
    slow machine may pass before the test reads it)."""
    shown: list[str] = []
    window.statusBar().messageChanged.connect(shown.append)
    return shown


def add(ctx, title: str, regency: str = "33.74", category: str = "A1", severity: str = "sedang",
        hours_ago: float = 2, **extra):
    occurred = datetime.now(WIB) - timedelta(hours=hours_ago)
    return incidents.create_incident(ctx, IncidentInput(
        regency_code=regency, title=title, category_code=category, severity=severity,
        occurred_at=occurred, **extra))


def hours_ago_today(at_most: float = 0.5) -> float:
    """Hours back for `add` that stay on today's WIB day: at most `at_most`, and only half
    the time since WIB midnight (00.10 WIB is 17.10 UTC: "30 minutes ago" was yesterday)."""
    now = datetime.now(WIB)
    since_midnight = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
    return min(at_most, since_midnight.total_seconds() / 3600 / 2)


def sql(db_path, query: str, *params):
    """An independent look at the file, without SQLAlchemy."""
    conn = sqlite3.connect(str(db_path))
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


ADMIN_ACTOR = Actor("admin", "admin", "Admin Posko")


VOTING_DAY = ensure_utc(datetime(2024, 11, 27, 14, 0))  # 14.00 WIB (timeutil: naive = WIB)


@pytest.fixture
def demo_window(training_ctx, make_window, qtbot, translator):
    """A training window with demo data, the clock on voting day, Qt's own texts translated."""
    from posko_desktop.core.services import demo

    training_ctx.clock = lambda: VOTING_DAY
    demo.generate(training_ctx, incidents=300, days=30, end_date=date(2024, 11, 27), seed=3)
    return make_window(training_ctx)


def settle(qtbot, window) -> None:
    """Until the window's background tasks are done and their results shown."""
    QCoreApplication.processEvents()
    qtbot.waitUntil(lambda: window.runner.active == 0, timeout=30_000)
    QCoreApplication.processEvents()
