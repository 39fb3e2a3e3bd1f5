"""Training mode (issue 19): demo data only goes into a training database; a live database
refuses it unless an admin gives --allow-live-database (audited)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli import run, snapshot, sql

ADMIN = ("--user", "admin")


@pytest.fixture
def accounts_db(db_path, capsys, monkeypatch) -> Path:
    """A live site with an admin and an operator (password from POSKO_PASSWORD)."""
    monkeypatch.setenv("POSKO_PASSWORD", "Rahasia-Posko-2024")
    code, _out, err = run(capsys, "--db", str(db_path), "init", "--site", "33", "--site-name",
                          "Posko Provinsi", "--admin-user", "admin", "--admin-password",
                          "Rahasia-Posko-2024")
    assert code == 0, err
    code, _out, err = run(capsys, "--db", str(db_path), *ADMIN, "user", "add", "opr",
                          "--role", "operator", "--password", "Rahasia-Posko-2024",
                          "--no-forced-change")
    assert code == 0, err
    return db_path


def changes(db: Path) -> list[tuple]:
    """Audit entries other than the login each command run records."""
    return sql(db, "SELECT * FROM audit_log WHERE action != 'auth.login' ORDER BY id")


def demo(capsys, db: Path, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "--db", str(db), *extra, "demo-data", "--incidents", "50", "--days",
               "10", "--seed", "1")


def test_live_database_refuses_demo_data(accounts_db, capsys):
    before = snapshot(accounts_db)
    audit_before = changes(accounts_db)
    code, _out, err = demo(capsys, accounts_db, *ADMIN, "--lang", "en")
    assert code == 2
    assert "live database" in err and "--allow-live-database" in err
    code, _out, err = demo(capsys, accounts_db, *ADMIN, "--lang", "id")
    assert code == 2 and "basis data asli" in err
    assert snapshot(accounts_db) == before
    assert changes(accounts_db) == audit_before


def test_allow_live_database_is_for_an_admin_and_audited(accounts_db, capsys):
    before = snapshot(accounts_db)
    code, _out, err = demo(capsys, accounts_db, "--user", "opr", "--lang", "en")
    assert code == 2
    code, _out, err = run(capsys, "--db", str(accounts_db), "--user", "opr", "--lang", "en",
                          "demo-data", "--incidents", "50", "--allow-live-database")
    assert code == 2 and "not allowed" in err
    assert snapshot(accounts_db) == before
    code, _out, err = run(capsys, "--db", str(accounts_db), *ADMIN, "demo-data",
                          "--incidents", "50", "--days", "10", "--allow-live-database")
    assert code == 0, err
    assert sql(accounts_db, "SELECT count(*) FROM incident")[0][0] == 50
    assert sql(accounts_db, "SELECT count(*) FROM audit_log WHERE action = 'demo.allow_live'"
               )[0][0] == 1


def test_training_database_takes_demo_data_and_keeps_its_mode(db_path, capsys):
    code, _out, err = run(capsys, "--db", str(db_path), "init", "--site", "33",
                          "--site-name", "Latihan", "--training")
    assert code == 0, err
    code, _out, err = demo(capsys, db_path)
    assert code == 0, err
    assert sql(db_path, "SELECT count(*) FROM incident")[0][0] == 50
    before = snapshot(db_path)
    # the mode is fixed at creation: neither init nor settings turns it off
    code, _out, err = run(capsys, "--db", str(db_path), "--lang", "en", "init", "--site", "33",
                          "--site-name", "Latihan")
    assert code == 2 and "training database" in err
    code, _out, err = run(capsys, "--db", str(db_path), "--lang", "en", "settings", "set",
                          "site.training", "false")
    assert code == 2 and "fixed" in err
    assert snapshot(db_path) == before
    assert sql(db_path, "SELECT value FROM setting WHERE key = 'site.training'") == [("true",)]
