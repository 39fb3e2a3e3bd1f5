"""The composition root: start-up on a real file, refusal of a newer database, Qt's own
strings in Indonesian, fonts."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from posko_desktop.core import i18n
from posko_desktop.core.domain import DatabaseVersionError
from posko_desktop.ui import errors, startup
from posko_desktop.ui.errors import install_exception_hook
from posko_desktop.ui.fonts import FALLBACK_FAMILY, setup_fonts

from .conftest import add, sql

ROOT = Path(__file__).resolve().parents[2]


def test_exit_after_first_paint_prints_one_json_line(ctx, db, db_path, tmp_path):
    add(ctx, "Insiden pertama")
    db.dispose()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POSKO_DATA_DIR=str(tmp_path / "data"))
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "--exit-after-first-paint"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == {"first_paint_ms"} and isinstance(data["first_paint_ms"], int)
    assert "matplotlib" not in out.stderr


def test_start_up_imports_no_chart_pdf_or_spreadsheet_library(tmp_path):
    """What the window loads before its first painted rows: none of the libraries of the
    feature tabs, reports and imports (each costs 0.1-0.6 s of the cold start; the tabs
    load them after the first paint, a report when it is made)."""
    heavy = ("matplotlib", "reportlab", "openpyxl", "numpy", "jsonschema", "PIL")
    code = ("import sys; import posko_desktop.app, posko_desktop.ui.startup, "
            "posko_desktop.ui.main_window; "
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_newer_database_is_refused_and_left_unchanged(ctx, db, db_path):
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    db.dispose()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseVersionError) as err:
        startup.open_context(str(db_path))
    assert err.value.text_in("id") != err.value.text_in("en")
    assert db_path.read_bytes() == before
    assert sql(db_path, "SELECT version_num FROM alembic_version") == [("9999_from_the_future",)]


def test_the_window_language_follows_the_fixed_then_the_os_language(ctx, monkeypatch):
    assert startup.user_language(ctx) == "id"  # no account, C locale: Indonesian
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert startup.user_language(ctx) == "en"
    monkeypatch.setattr(startup, "fixed_language", "id")  # --lang id
    assert startup.user_language(ctx) == "id"


def test_standard_dialog_buttons_are_translated_by_the_app(qtbot, translator):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Batal"
    assert box.button(QDialogButtonBox.StandardButton.Save).text() == "Simpan"
    i18n.set_language("en")
    box2 = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box2)
    assert box2.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"


def test_dejavu_is_registered_from_matplotlib_data(qapp):
    setup_fonts(qapp)
    assert FALLBACK_FAMILY in QFontDatabase.families()


def test_exception_hook_logs_and_shows_a_dialog_instead_of_dying(qapp, qtbot, tmp_path):
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    errors_logger = logging.getLogger(errors.__name__)
    errors_logger.addHandler(handler)
    previous = sys.excepthook
    try:
        install_exception_hook(tmp_path / "posko.log")
        try:
            raise ValueError("kaput")
        except ValueError as err:
            sys.excepthook(type(err), err, err.__traceback__)
    finally:
        sys.excepthook = previous
        errors_logger.removeHandler(handler)
    box = errors._open_boxes[-1]
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "kaput" in box.text() and "kaput" in box.detailedText()
    assert any(r.getMessage() == "Unhandled exception" and r.exc_info for r in records)
    box.close()


def test_refusal_message_is_bilingual(ctx, db, db_path, qtbot):
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    db.dispose()
    with pytest.raises(DatabaseVersionError) as err:
        startup.open_context(str(db_path))
    box = startup.fatal_box("Basis data tidak dibuka", err.value)
    qtbot.addWidget(box)
    assert err.value.text_in("id") in box.text() and err.value.text_in("en") in box.text()
    other = startup.fatal_box("x", OSError("disk rusak"), location=str(db_path))
    qtbot.addWidget(other)
    assert "disk rusak" in other.text() and str(db_path) in other.text()
    assert other.text().count(str(db_path)) == 2  # once per language
