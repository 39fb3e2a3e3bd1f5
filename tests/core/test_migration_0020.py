"""Migration 0020 (the top level is Awas) on a real 0009 database: the admin's stored
threshold for the top level keeps its value under the new key and still decides."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from posko_desktop.core import settings
from posko_desktop.core.dashboard_data import Level
from posko_desktop.core.db.session import open_database
from posko_desktop.core.services.dashboard.levels import LevelRule

DATA = Path(__file__).resolve().parents[1] / "data"


def test_the_stored_top_threshold_moves_to_the_awas_key_with_its_value(tmp_path):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    con = sqlite3.connect(path)
    with con:  # as the 0009 release stored an admin's change of the threshold
        con.execute("INSERT INTO setting (key, value, updated_at, updated_by) VALUES "
                    "('level.threshold.rawan', ?, '2024-11-20 08:00:00', 'admin')",
                    (json.dumps(40.0),))
    con.close()

    db = open_database(path, upgrade_backup=False)
    try:
        with db.read() as s:
            assert settings.get(s, settings.LEVEL_THRESHOLDS["awas"]) == 40.0
            assert LevelRule.from_settings(s).awas == 40.0
    finally:
        db.dispose()
    con = sqlite3.connect(path)
    keys = [k for (k,) in con.execute("SELECT key FROM setting WHERE key LIKE 'level.%'")]
    con.close()
    assert keys == ["level.threshold.awas"]
    assert Level.AWAS.value == "awas" and Level.AWAS.rank == 3
