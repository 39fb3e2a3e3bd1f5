"""The CLI: set-up mode without accounts, then --user + password for every command."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from posko_desktop import cli
from posko_desktop.core.db.models_accounts import AuditEntry, UserAccount
from posko_desktop.core.db.session import open_database

ADMIN_PW = "Kantor-Gubernur-9"


@pytest.fixture
def run(db_path, capsys, monkeypatch):
    """posko --db <file> …; returns (exit code, stdout, stderr)."""

    def _run(*args: str, password: str | None = None, new_password: str | None = None):
        if password is None:
            monkeypatch.delenv("POSKO_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("POSKO_PASSWORD", password)
        if new_password is None:
            monkeypatch.delenv("POSKO_NEW_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("POSKO_NEW_PASSWORD", new_password)
        code = cli.main(["--db", str(db_path), *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run


def rows(db_path, model):
    db = open_database(db_path)
    try:
        with db.read() as s:
            return list(s.scalars(select(model)))
    finally:
        db.dispose()


def test_without_accounts_commands_run_in_setup_mode(run, db_path):
    code, out, _ = run("init", "--site", "33", "--site-name", "Posko Provinsi")
    assert code == 0 and "33" in out
    code, out, _ = run("user", "list")
    assert code == 0 and "posko init" in out  # says set-up is not finished
    code, out, _ = run("user", "list", "--format", "json")
    assert json.loads(out)["setup_finished"] is False
    code, out, _ = run("audit", "verify")
    assert code == 0
    assert rows(db_path, UserAccount) == []


def test_init_with_admin_then_login_required(run, db_path):
    code, out, err = run("init", "--site", "33", "--site-name", "Posko", "--admin-user", "Admin",
                         "--admin-password", ADMIN_PW, "--admin-name", "Admin Posko")
    assert code == 0, err
    users = rows(db_path, UserAccount)
    assert [(u.username, u.role) for u in users] == [("admin", "admin")]
    # from now on: refused without --user, with a wrong password, accepted with the right one
    code, _, err = run("user", "list")
    assert code == 2 and "--user" in err
    code, _, err = run("--user", "admin", "user", "list", password="salah-sandi-123")
    assert code == 2
    code, out, _ = run("--user", "admin", "user", "list", "--format", "json", password=ADMIN_PW)
    assert code == 0 and json.loads(out)["users"][0]["username"] == "admin"
    actions = [e.action for e in rows(db_path, AuditEntry)]
    assert actions == ["user.create", "site_key.create", "site_key.grant", "auth.login_failed",
                       "auth.login"]  # the site key is made with the first administrator
    # re-running the same init is harmless without a login; changing the site needs one
    assert run("init", "--site", "33", "--site-name", "Posko")[0] == 0
    assert run("init", "--site", "33", "--site-name", "Nama Baru")[0] == 2
    assert run("--user", "admin", "init", "--site", "33", "--site-name", "Nama Baru",
               password=ADMIN_PW)[0] == 0


def test_weak_admin_password_writes_nothing(run, db_path):
    code, _, err = run("init", "--site", "33", "--site-name", "Posko", "--admin-user", "admin",
                       "--admin-password", "password123")
    assert code == 2 and err
    assert rows(db_path, UserAccount) == []
    assert rows(db_path, AuditEntry) == []


def test_user_admin_commands_and_forced_change(run, db_path):
    run("init", "--site", "33", "--site-name", "Posko", "--admin-user", "admin",
        "--admin-password", ADMIN_PW)
    as_admin = ("--user", "admin")
    code, out, err = run(*as_admin, "user", "add", "opr", "--role", "operator", "--name", "Opr",
                         password=ADMIN_PW)
    assert code == 0, err
    temp = out.strip().splitlines()[-1].split(": ")[-1]
    assert temp not in " ".join(e.after_json + e.detail for e in rows(db_path, AuditEntry))
    # the operator must change the generated password first
    code, _, err = run("--user", "opr", "audit", "list", password=temp)
    assert code == 2 and "passwd" in err
    code, out, err = run("--user", "opr", "passwd", password=temp, new_password="Operator-Baru-77")
    assert code == 0, err
    # an operator may not manage users or view the audit trail
    assert run("--user", "opr", "user", "list", password="Operator-Baru-77")[0] == 2
    assert run("--user", "opr", "audit", "verify", password="Operator-Baru-77")[0] == 2
    # admin: disable, enable, role, reset, unlock
    assert run(*as_admin, "user", "disable", "opr", password=ADMIN_PW)[0] == 0
    assert run("--user", "opr", "passwd", password="Operator-Baru-77",
               new_password="Operator-Lagi-88")[0] == 2
    assert run(*as_admin, "user", "enable", "opr", password=ADMIN_PW)[0] == 0
    assert run(*as_admin, "user", "set-role", "opr", "supervisor", password=ADMIN_PW)[0] == 0
    code, out, _ = run("--user", "opr", "audit", "verify", password="Operator-Baru-77")
    assert code == 0
    assert run(*as_admin, "user", "reset-password", "opr", "--password", "Sementara-Sandi-5",
               password=ADMIN_PW)[0] == 0
    for _ in range(5):
        run("--user", "opr", "audit", "list", password="salah-salah-salah")
    opr = next(u for u in rows(db_path, UserAccount) if u.username == "opr")
    assert opr.must_change_password and opr.failed_attempts >= 2
    assert run(*as_admin, "user", "unlock", "opr", password=ADMIN_PW)[0] == 0
    opr = next(u for u in rows(db_path, UserAccount) if u.username == "opr")
    assert not opr.locked and opr.failed_attempts == 0


def test_audit_cli_verify_list_export(run, db_path, tmp_path):
    run("init", "--site", "33", "--site-name", "Posko", "--admin-user", "admin",
        "--admin-password", ADMIN_PW)
    as_admin = ("--user", "admin")
    code, out, _ = run(*as_admin, "audit", "verify", "--format", "json", password=ADMIN_PW)
    assert code == 0 and json.loads(out)["ok"] is True
    code, out, _ = run(*as_admin, "audit", "anchor", password=ADMIN_PW)
    anchor = out.strip()
    assert anchor.split(":")[0].isdigit() and len(anchor.split(":")[1]) == 64
    code, out, _ = run(*as_admin, "audit", "verify", "--anchor", anchor, password=ADMIN_PW)
    assert code == 0
    code, out, _ = run(*as_admin, "audit", "list", "--action", "auth.", "--format", "json",
                       password=ADMIN_PW)
    listed = json.loads(out)
    assert listed["total"] == sum(1 for e in rows(db_path, AuditEntry)
                                  if e.action.startswith("auth."))
    target = tmp_path / "jejak.xlsx"
    code, out, err = run(*as_admin, "audit", "export", str(target), password=ADMIN_PW)
    assert code == 0 and target.exists(), err
    # alter a row by hand: verify fails (exit 1) and names the entry
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET username = 'hantu' WHERE id = 2")
    conn.commit()
    conn.close()
    code, out, err = run(*as_admin, "audit", "verify", password=ADMIN_PW)
    assert code == 1 and "#2" in err


def test_settings_cli_is_admin_only_and_audited(run, db_path):
    run("init", "--site", "33", "--site-name", "Posko", "--admin-user", "admin",
        "--admin-password", ADMIN_PW)
    as_admin = ("--user", "admin")
    run(*as_admin, "user", "add", "opr", "--role", "operator", "--password", "Operator-Baru-77",
        "--no-forced-change", password=ADMIN_PW)
    code, out, _ = run(*as_admin, "settings", "list", "--format", "json", password=ADMIN_PW)
    assert code == 0 and json.loads(out)["ui.idle_lock_minutes"] == 10.0
    code, _, err = run("--user", "opr", "settings", "set", "ui.idle_lock_minutes", "1",
                       password="Operator-Baru-77")
    assert code == 2
    assert run(*as_admin, "settings", "set", "ui.idle_lock_minutes", "2.5", password=ADMIN_PW)[0] == 0
    assert run(*as_admin, "settings", "set", "sitrep.tembusan", '["Arsip"]', password=ADMIN_PW)[0] == 0
    assert run(*as_admin, "settings", "set", "sitrep.tembusan", "bukan json", password=ADMIN_PW)[0] == 2
    assert run(*as_admin, "settings", "set", "tidak.ada", "1", password=ADMIN_PW)[0] == 2
    code, out, _ = run(*as_admin, "settings", "list", "--format", "json", password=ADMIN_PW)
    values = json.loads(out)
    assert values["ui.idle_lock_minutes"] == 2.5 and values["sitrep.tembusan"] == ["Arsip"]
    changes = [(e.record_id, e.after_json) for e in rows(db_path, AuditEntry)
               if e.action == "setting.change"]
    assert changes == [("ui.idle_lock_minutes", '{"ui.idle_lock_minutes":2.5}'),
                       ("sitrep.tembusan", '{"sitrep.tembusan":["Arsip"]}')]


def test_cli_never_logs_or_prints_passwords(run, db_path):
    import logging

    run("init", "--site", "33", "--site-name", "Posko", "--admin-user", "admin",
        "--admin-password", ADMIN_PW)
    secrets = ["Salah-Sandi-Rahasia-9", "Operator-Rahasia-31", "Sandi-Baru-Rahasia-5"]
    outputs = []
    outputs += run("--user", "admin", "user", "list", password=secrets[0])[1:]
    outputs += run("--user", "admin", "user", "add", "opr", "--role", "operator",
                   "--password", secrets[1], password=ADMIN_PW)[1:]
    outputs += run("--user", "opr", "passwd", password=secrets[1], new_password=secrets[2])[1:]
    outputs += run("--user", "opr", "audit", "list", password=secrets[2])[1:]
    for handler in logging.getLogger().handlers:
        if getattr(handler, "posko", False):
            handler.flush()
    files = [h.baseFilename for h in logging.getLogger().handlers
             if getattr(h, "posko", False) and hasattr(h, "baseFilename")]
    assert files
    log_text = "".join(open(f, encoding="utf-8").read() for f in files)
    assert "opr" in log_text
    raw_db = db_path.read_bytes() + (db_path.with_name(db_path.name + "-wal").read_bytes()
                                     if db_path.with_name(db_path.name + "-wal").exists() else b"")
    for secret in secrets + [ADMIN_PW]:
        assert secret not in log_text
        assert not any(secret in o for o in outputs)
        assert secret.encode() not in raw_db
