"""Accounts: hashing, password policy, login with delay and lockout, admin unlock, forced
change after reset, last-admin protection, audit of every account event."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, text

from posko_desktop.core import settings
from posko_desktop.core.db.models_accounts import AuditEntry, UserAccount
from posko_desktop.core.domain import PermissionDenied, PoskoError, ValidationError
from posko_desktop.core.services import accounts, audit, settings_service
from posko_desktop.core.services.accounts import AccountLocked, AuthError, LoginDelayed
from posko_desktop.core.services.audit import AuditFilter

from .conftest import PASSWORDS


def audit_actions(ctx, username=None) -> list[str]:
    with ctx.db.read() as s:
        stmt = select(AuditEntry.action).order_by(AuditEntry.id)
        if username:
            stmt = stmt.where(AuditEntry.record_id == username)
        return list(s.scalars(stmt))


def test_product_hashes_at_owasp_parameters():
    """The product's hasher (not the tests' cheap one) meets OWASP's Argon2id minimum:
    checked in a fresh interpreter, where no test fixture replaced it."""
    code = ("from posko_desktop.core.services import accounts as a\n"
            "p = a.PASSWORD_HASHER\n"
            "print(p.type.name, p.memory_cost, p.time_cost, p.parallelism)\n"
            "print(a.hash_password('Contoh-Sandi-123'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    kind, memory, time_cost, parallelism = out.stdout.splitlines()[0].split()
    assert kind == "ID"
    assert int(memory) >= 19456 and int(time_cost) >= 2 and int(parallelism) >= 1
    assert out.stdout.splitlines()[1].startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_password_is_stored_only_as_an_argon2id_hash(accounts_ctx):
    with accounts_ctx.db.read() as s:
        stored = s.scalar(select(UserAccount.password_hash).where(UserAccount.username == "opr"))
    assert stored.startswith("$argon2id$")
    assert PASSWORDS["opr"] not in stored


def test_passwords_never_appear_in_database_logs_or_errors(accounts_ctx, clock, db_path,
                                                             caplog, tmp_path):
    from posko_desktop.logsetup import setup_logging

    log_file = tmp_path / "posko.log"
    root = logging.getLogger()
    handlers = list(root.handlers)
    for h in [h for h in handlers if getattr(h, "posko", False)]:
        root.removeHandler(h)
    setup_logging(log_file, level=logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    wrong = "Salah-Sandi-Sekali-42"
    messages: list[str] = []
    try:
        for attempt in (wrong, "x", wrong):
            try:
                accounts.login(accounts_ctx, "opr", attempt)
            except PoskoError as err:
                messages += [err.text_in("id"), err.text_in("en"), str(err), repr(err.params)]
            clock.advance(120)
        new = "Sandi-Baru-Operator-1"
        opr = accounts_ctx.as_actor(accounts.login(accounts_ctx, "opr", PASSWORDS["opr"]).actor)
        accounts.change_password(opr, PASSWORDS["opr"], new)
        accounts.reset_password(accounts_ctx, "spv", "Sandi-Sementara-99")
        try:
            accounts.add_user(accounts_ctx, "baru", "password123", "operator")
        except PoskoError as err:
            messages.append(err.text())
    finally:
        for h in [h for h in root.handlers if getattr(h, "posko", False)]:
            h.close()
            root.removeHandler(h)
        for h in handlers:
            if h not in root.handlers:
                root.addHandler(h)
    secrets = [wrong, PASSWORDS["opr"], new, "Sandi-Sementara-99", "password123"]
    raw_db = db_path.read_bytes() + (db_path.with_name(db_path.name + "-wal").read_bytes()
                                     if db_path.with_name(db_path.name + "-wal").exists() else b"")
    log_text = log_file.read_text(encoding="utf-8")
    assert "opr" in log_text  # the log did record the events
    for secret in secrets:
        assert secret.encode() not in raw_db
        assert secret not in log_text
        assert secret not in caplog.text
        assert not any(secret in m for m in messages)


@pytest.mark.parametrize("password, reason", [
    ("pendek1!", "at least 10"),
    ("password123", "commonly used"),
    ("Bismillah2024", "commonly used"),
    ("qwertyuiop", "commonly used"),
    ("aaaaaaaaaaaa", "different characters"),
    ("opr-Lapor-2024x", "user name"),
])
def test_weak_passwords_are_refused(accounts_ctx, password, reason):
    from posko_desktop.core import i18n

    i18n.set_language("en")
    before = accounts.count_users(accounts_ctx)
    with pytest.raises(ValidationError, match=reason):
        accounts.add_user(accounts_ctx, "opr2" if "opr" not in password else "opr", password,
                          "operator")
    assert accounts.count_users(accounts_ctx) == before


def test_common_password_list_is_shipped_and_large():
    common = accounts.common_passwords()
    assert len(common) > 3000
    assert {"123456", "password", "qwerty123", "bismillah", "indonesia2024"} <= common


def test_login_succeeds_and_is_audited(accounts_ctx):
    result = accounts.login(accounts_ctx, " OPR ", PASSWORDS["opr"])
    assert result.actor.username == "opr" and result.actor.role == "operator"
    assert not result.must_change_password
    assert audit_actions(accounts_ctx, "opr")[-1] == "auth.login"


def test_failures_add_a_delay_then_lock_and_admin_unlocks(accounts_ctx, clock):
    ctx = accounts_ctx
    limit = settings.MAX_FAILED_LOGINS.default
    assert limit == 5
    with pytest.raises(AuthError):
        accounts.login(ctx, "opr", "salah-satu-kali")
    clock.advance(1)
    with pytest.raises(AuthError):  # second failure: no delay yet before it
        accounts.login(ctx, "opr", "salah-dua-kali")
    # now a 2 s delay: even the right password is refused until it passed
    with pytest.raises(LoginDelayed) as delayed:
        accounts.login(ctx, "opr", PASSWORDS["opr"])
    assert delayed.value.seconds == 2
    waits = []
    for attempt in range(3, limit + 1):
        clock.advance(accounts.MAX_DELAY_SECONDS)
        with pytest.raises(AuthError) as err:
            accounts.login(ctx, "opr", f"salah-{attempt}")
        waits.append(type(err.value))
    assert waits[-1] is AccountLocked
    clock.advance(3600)
    with pytest.raises(AccountLocked):  # locked: even the right password, even much later
        accounts.login(ctx, "opr", PASSWORDS["opr"])
    user = accounts.get_user(ctx, "opr")
    assert user.locked and user.failed_attempts == limit
    actions = audit_actions(ctx, "opr")
    assert actions.count("auth.login_failed") == limit + 2  # + delayed try + locked try
    assert "auth.lockout" in actions
    # an operator cannot lift it; the admin can
    opr_ctx = ctx.as_actor(user.actor)
    with pytest.raises(PermissionDenied):
        accounts.unlock_user(opr_ctx, "opr")
    accounts.unlock_user(ctx, "opr")
    assert accounts.login(ctx, "opr", PASSWORDS["opr"]).actor.username == "opr"
    assert "user.unlock" in audit_actions(ctx, "opr")


def test_delay_grows_between_failures(accounts_ctx, clock):
    with accounts_ctx.db.write() as s:
        settings.put(s, settings.MAX_FAILED_LOGINS, 50, "test", accounts_ctx.now())
    seen = []
    for i in range(6):
        with pytest.raises(AuthError):
            accounts.login(accounts_ctx, "spv", f"salah-{i}")
        try:
            accounts.login(accounts_ctx, "spv", "salah-lagi")
        except LoginDelayed as err:
            seen.append(err.seconds)
        except AuthError:
            seen.append(0)  # no delay yet: that try counted as a failure too
        clock.advance(accounts.MAX_DELAY_SECONDS + 1)
    # the first pair of failures has no delay; then 2**(failures-1) s, capped
    assert seen == [0, 4, 8, 16, 32, accounts.MAX_DELAY_SECONDS]


def test_unknown_user_and_wrong_password_give_the_same_message(accounts_ctx):
    with pytest.raises(AuthError) as a:
        accounts.login(accounts_ctx, "tidak-ada", "Apa-Saja-12345")
    with pytest.raises(AuthError) as b:
        accounts.login(accounts_ctx, "opr", "Apa-Saja-12345")
    assert a.value.text() == b.value.text()
    assert audit.query(accounts_ctx, AuditFilter(username="tidak-ada")).rows[0].action == \
        "auth.login_failed"


def test_reset_forces_a_change_at_next_login(accounts_ctx):
    accounts.reset_password(accounts_ctx, "opr", "Sementara-Sekali-1")
    with pytest.raises(AuthError):
        accounts.login(accounts_ctx, "opr", PASSWORDS["opr"])  # the old one is gone
    result = accounts.login(accounts_ctx, "opr", "Sementara-Sekali-1")
    assert result.must_change_password
    opr = accounts_ctx.as_actor(result.actor)
    with pytest.raises(ValidationError):  # same password again is not a change
        accounts.change_password(opr, "Sementara-Sekali-1", "Sementara-Sekali-1")
    with pytest.raises(ValidationError):  # wrong current password
        accounts.change_password(opr, "bukan-yang-ini", "Baru-Milik-Sendiri-2")
    accounts.change_password(opr, "Sementara-Sekali-1", "Baru-Milik-Sendiri-2")
    again = accounts.login(accounts_ctx, "opr", "Baru-Milik-Sendiri-2")
    assert not again.must_change_password
    assert {"user.password_reset", "user.password_change"} <= set(audit_actions(accounts_ctx, "opr"))


def test_disabled_user_cannot_log_in_and_enable_restores(accounts_ctx):
    accounts.disable_user(accounts_ctx, "spv")
    with pytest.raises(AuthError, match="disabled|dinonaktifkan"):
        accounts.login(accounts_ctx, "spv", PASSWORDS["spv"])
    accounts.enable_user(accounts_ctx, "spv")
    assert accounts.login(accounts_ctx, "spv", PASSWORDS["spv"]).actor.role == "supervisor"


def test_last_admin_is_protected(accounts_ctx):
    with pytest.raises(ValidationError):
        accounts.disable_user(accounts_ctx, "admin")
    with pytest.raises(ValidationError):
        accounts.set_role(accounts_ctx, "admin", "operator")
    accounts.set_role(accounts_ctx, "spv", "admin")
    accounts.set_role(accounts_ctx, "admin", "supervisor")  # now spv is still an admin
    assert {u.username for u in accounts.list_users(accounts_ctx) if u.role == "admin"} == {"spv"}


def test_usernames_roles_and_duplicates_are_validated(accounts_ctx):
    before = accounts.count_users(accounts_ctx)
    for name, role in (("a", "operator"), ("bad name", "operator"), ("ok", "kepala"),
                       ("OPR", "operator")):
        with pytest.raises(ValidationError):
            accounts.add_user(accounts_ctx, name, "Sandi-Yang-Kuat-9", role)
    assert accounts.count_users(accounts_ctx) == before


def test_first_admin_only_once(accounts_ctx):
    with pytest.raises(ValidationError):
        accounts.create_first_admin(accounts_ctx, "kedua", "Sandi-Yang-Kuat-9")


def test_account_changes_are_audited_without_the_hash(accounts_ctx):
    accounts.set_display_name(accounts_ctx, "opr", "Operator Dua")
    rows = audit.query(accounts_ctx, AuditFilter(record_type="user", record_id="opr")).rows
    assert rows[0].action == "user.rename"
    assert rows[0].before == {"display_name": "Operator Satu"}
    with accounts_ctx.db.read() as s:
        texts = s.execute(text("SELECT before_json || after_json FROM audit_log")).scalars().all()
    assert not any("argon2" in t for t in texts)


def test_rehash_upgrades_weaker_hashes_at_login(accounts_ctx, monkeypatch):
    stronger = PasswordHasher(time_cost=2, memory_cost=128, parallelism=1)
    monkeypatch.setattr(accounts, "PASSWORD_HASHER", stronger)
    accounts.login(accounts_ctx, "opr", PASSWORDS["opr"])
    with accounts_ctx.db.read() as s:
        stored = s.scalar(select(UserAccount.password_hash).where(UserAccount.username == "opr"))
    assert "m=128,t=2" in stored


def test_settings_changes_are_checked_and_audited(accounts_ctx):
    opr = accounts_ctx.as_actor(accounts.get_user(accounts_ctx, "opr").actor)
    with pytest.raises(PermissionDenied):
        settings_service.set(opr, "accounts.max_failed_logins", 3)
    assert settings_service.get(accounts_ctx, "accounts.max_failed_logins") == 5
    settings_service.set(accounts_ctx, "accounts.max_failed_logins", "3")
    assert settings_service.get(accounts_ctx, "accounts.max_failed_logins") == 3
    rows = audit.query(accounts_ctx, AuditFilter(action="setting.change"), newest_first=False).rows
    assert [(r.record_id, r.before, r.after) for r in rows] == [
        ("accounts.max_failed_logins", {"accounts.max_failed_logins": 5},
         {"accounts.max_failed_logins": 3}),
    ]
    with accounts_ctx.db.read() as s:
        n = s.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ValidationError):
        settings_service.set(accounts_ctx, "accounts.max_failed_logins", "banyak")
    with accounts_ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == n
