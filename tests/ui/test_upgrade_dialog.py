"""The window's first start after an upgrade: the database is backed up and migrated off
the GUI thread while a progress dialog shows (after DIALOG_DELAY_MS; 0 here)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from posko_desktop.core.backup import manifest as mf
from posko_desktop.core.db.categories import category_rows
from posko_desktop.core.db.migrate import SCHEMA_HEAD, current_revision
from posko_desktop.core.db.seed_directory import SEED_AGENCIES
from posko_desktop.core.domain import DatabaseVersionError
from posko_desktop.ui.upgrade import DatabaseOpener
from tests.core.test_upgrade_data import DATA, _read, _rows


def test_upgrade_runs_off_the_gui_thread_with_a_progress_dialog(tmp_path: Path, qapp):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0008.sqlite3", path)
    before = _read(path, _rows)
    opener = DatabaseOpener(delay_ms=0)
    seen: list[tuple[int, int, str]] = []
    opener.progressed.connect(lambda *r: seen.append(r))

    db = opener.open(path)
    try:
        assert current_revision(db) == SCHEMA_HEAD
    finally:
        db.dispose()
    # the GUI thread ran its event loop meanwhile: the timer showed the dialog
    assert opener.dialog_shown and opener.dialog is None  # closed when done
    assert seen and seen[-1][:2] == (100, 100)
    assert any("Membuat cadangan" in m or "Backing up" in m for _d, _t, m in seen)
    [(_backup, manifest)] = mf.scan(tmp_path / "backups")
    assert manifest.kind == mf.PRE_UPGRADE and manifest.verified
    after = _read(path, _rows)
    # every table, row for row; 0017 adds categories and the agency DKPP, 0024 the
    # directory's agencies, changing none
    added = {"category": len(category_rows()) - before["category"],
             "agency": len(SEED_AGENCIES) - before["agency"]}
    assert {t: after[t] - added.get(t, 0) for t in before} == before


def test_a_refusal_reaches_the_gui_thread_and_the_file_stays(tmp_path: Path, qapp):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0008.sqlite3", path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseVersionError):
        DatabaseOpener(delay_ms=0).open(path)
    assert path.read_bytes() == before


def test_without_an_application_the_opener_opens_directly_instead_of_waiting(tmp_path: Path):
    """A fresh interpreter with no QApplication (a script; a test run that reaches this
    before any Qt test): no event loop can deliver the worker's signal, so waiting for it
    hung for ever (seen as a stalled test run); the opener opens on the calling thread."""
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0008.sqlite3", path)
    script = ("import sys; from posko_desktop.ui.upgrade import DatabaseOpener; "
              "from posko_desktop.core.db.migrate import current_revision; "
              "db = DatabaseOpener(delay_ms=0).open(sys.argv[1]); print(current_revision(db))")
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                         text=True, timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == SCHEMA_HEAD
