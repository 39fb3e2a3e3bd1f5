"""`posko --db postgresql+psycopg://…`: the command line on a real PostgreSQL server,
run as a user would run it (the installed `posko` script in a separate process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from posko_desktop.core.db.engine import Database

pytestmark = pytest.mark.postgres


def posko(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("posko")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "posko_desktop"]
    env = {**os.environ, "LANG": "C.UTF-8"}
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120, env=env)


def _sql(url: str, query: str):
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            return conn.execute(text(query)).all()
    finally:
        db.dispose()


def test_init_add_list_on_the_server(pg_empty_url: str):
    # a brand-new server database: `init` migrates it and makes the site
    done = posko("--db", pg_empty_url, "init", "--site", "33.74", "--site-name", "Posko Kota Semarang")
    assert done.returncode == 0, done.stderr
    assert "127.0.0.1" in done.stdout and "33.74" in done.stdout
    assert _sql(pg_empty_url, "SELECT code, name FROM local_site") == [
        ("33.74", "Posko Kota Semarang")]

    numbers = []
    for title, place in (("Bentrok pendukung paslon", "Tembalang"),
                         ("Pencopotan APK di jalan protokol", "Banyumanik")):
        added = posko("--db", pg_empty_url, "incident", "add", "--regency", "33.74",
                      "--title", title, "--category", "D3", "--severity", "tinggi",
                      "--occurred", "2024-11-27 07:15", "--location", place, "--format", "json")
        assert added.returncode == 0, added.stderr
        numbers.append(json.loads(added.stdout)["number"])
    assert numbers[0].endswith("-000001") and numbers[1].endswith("-000002")

    listed = posko("--db", pg_empty_url, "incident", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    listing = json.loads(listed.stdout)
    rows = listing["rows"]
    assert listing["total"] == 2
    in_db = _sql(pg_empty_url, "SELECT number FROM incident ORDER BY number")
    assert sorted(r["number"] for r in rows) == [n for (n,) in in_db] == numbers

    found = posko("--db", pg_empty_url, "incident", "list", "--search", "tembal", "--format", "json")
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)["rows"]
    assert [r["number"] for r in hits] == [numbers[0]]


def test_refused_input_on_the_server_exits_2_and_writes_nothing(pg_url: str):
    assert posko("--db", pg_url, "init", "--site", "33", "--site-name", "Provinsi").returncode == 0
    bad = posko("--db", pg_url, "--lang", "en", "incident", "add", "--regency", "33.99",
                "--title", "Tidak ada", "--category", "A1", "--severity", "rendah",
                "--occurred", "2024-11-27 07:15")
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert _sql(pg_url, "SELECT count(*) FROM incident") == [(0,)]


def test_unreachable_server_is_one_clear_line(free_port_url: str):
    done = posko("--db", free_port_url, "--lang", "en", "init", "--site", "33", "--site-name", "x")
    assert done.returncode == 2
    assert "Cannot reach the database server" in done.stderr
    assert "secret" not in done.stderr  # the password is never shown
    assert "Traceback" not in done.stderr


@pytest.fixture
def free_port_url() -> str:
    from pgserver import free_port

    return f"postgresql+psycopg://app:secret@127.0.0.1:{free_port()}/posko"
