"""The site's signing key belongs to the site (issue #12.7): one fingerprint on every
workstation and OS account, carried by a copy of the database, yet a copy without a
password cannot sign. Real SQLite files and the real PostgreSQL test server.

A "workstation" here is one program run: its own connection pool to the same database and
its own keyring, whose old keys folder is that OS user's (versions before 0008 kept the
private key there).
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import event, select, text

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.models_accounts import UserAccount
from posko_desktop.core.db.models_site_key import SiteKeyGrant, UserKey
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor, PermissionDenied
from posko_desktop.core.keyring import Keyring
from posko_desktop.core.services import accounts, authz, reference, site_key
from posko_desktop.core.services import sync as svc
from posko_desktop.core.sync import keys, keywrap

from .forge import read_members

PASSWORDS = {"kepala": "Pimpinan-Posko-Kuat-1", "opr": "Petugas-Jaga-Malam-2",
             "spv": "Supervisor-Cek-Ulang-3", "baru": "Pengguna-Anyar-Jateng-4"}


def workstation(db_url: str, folder: Path) -> AppContext:
    """A program run on one workstation / OS account, before anyone logged in."""
    return AppContext(open_database(db_url), Actor("os-user", "admin", "os-user"),
                      keyring=Keyring(legacy_dir=folder / "keys"))


def login(ws: AppContext, username: str, password: str | None = None) -> AppContext:
    result = accounts.login(ws, username, password or PASSWORDS[username])
    return ws.as_actor(result.actor)


def signed_by(package: Path) -> str:
    """The short fingerprint a package is signed with (its signature checked)."""
    members = read_members(package)
    manifest = json.loads(members["manifest.json"])
    assert keys.verify(manifest["signer"]["public_key"], members["manifest.sig"].decode().strip(),
                       members["manifest.json"])
    return keys.short_fingerprint(manifest["signer"]["fingerprint"])


def export(ctx: AppContext, out: Path) -> str:
    """Sign a package as `ctx` (SQLite file or server mode); the short fingerprint it was
    signed with."""
    svc.export_package(ctx, out.parent / "unused-keys", "all", out, full=True)
    return signed_by(out)


def old_key_file(folder: Path, code: str = "33.74") -> Ed25519PrivateKey:
    """A key file as versions before 0008 made it in an OS user's data folder."""
    key = Ed25519PrivateKey.generate()
    path = keys.private_key_path(folder / "keys", code)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)
    return key


def short(key: Ed25519PrivateKey) -> str:
    return keys.short_fingerprint(keywrap.key_fingerprint(key))


def as_before_0008(db: Database) -> None:
    """The database as an older version left it: accounts, no key pairs, no site key (the
    tables of 0008 are dropped and made again, as the upgrade makes them)."""
    from alembic import command

    from posko_desktop.core.db.migrate import alembic_config

    cfg = alembic_config()
    for revision, step in (("0007", command.downgrade), ("0008", command.upgrade)):
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, revision)


def dump(db: Database) -> list[tuple]:
    tables = ("site_key", "user_key", "site_key_grant", "site_key_other", "audit_log",
              "sync_package", "local_site")
    with db.engine.connect() as conn:
        return [tuple(map(tuple, conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))))
                for t in tables]


@pytest.fixture
def office(any_db: Database, tmp_path: Path) -> Iterator[AppContext]:
    """Site 33.74 on SQLite or PostgreSQL: the administrator `kepala` (whose set-up made the
    key, on workstation 1) and the operator `opr`, acting as kepala."""
    ws = AppContext(any_db, Actor("os-user", "admin", "os-user"),
                    keyring=Keyring(legacy_dir=tmp_path / "ws1" / "keys"))
    reference.init_site(ws, "33.74", "Posko Kota Semarang")
    admin = accounts.create_first_admin(ws, "kepala", PASSWORDS["kepala"], "Kepala Posko")
    ctx = ws.as_actor(admin.actor)
    accounts.add_user(ctx, "opr", PASSWORDS["opr"], "operator", must_change_password=False)
    yield ctx


# --- one key per site ------------------------------------------------------------------


def test_every_workstation_signs_with_the_one_site_key(office, tmp_path):
    """Server mode (PostgreSQL), or a second OS account on the same SQLite file: another
    workstation with an empty keys folder signs with the same key as the one that made it."""
    made = short(office.keyring.get("kepala"))
    assert export(office, tmp_path / "ws1.posko") == made
    ws2 = workstation(office.db.url, tmp_path / "ws2")
    try:
        assert export(login(ws2, "opr"), tmp_path / "ws2-opr.posko") == made
        assert export(login(ws2, "kepala"), tmp_path / "ws2-kepala.posko") == made
        assert svc.export_public_key(login(ws2, "opr"), tmp_path, tmp_path / "k.poskokey") \
            .short_fingerprint == made
    finally:
        ws2.db.dispose()
    assert not (tmp_path / "ws1" / "keys").exists() and not (tmp_path / "ws2" / "keys").exists()


def test_two_os_accounts_with_the_cli(tmp_path, monkeypatch, capsys):
    """`posko` run by two OS users (two data folders) on one database file."""
    from posko_desktop.cli import main

    db = str(tmp_path / "posko.sqlite3")
    monkeypatch.setenv("POSKO_DB", db)
    monkeypatch.setenv("POSKO_PASSWORD", PASSWORDS["kepala"])
    printed = []
    for user in ("budi", "siti"):
        monkeypatch.setenv("POSKO_DATA_DIR", str(tmp_path / user))
        if user == "budi":
            assert main(["init", "--site", "33.74", "--site-name", "Posko Kota Semarang",
                         "--admin-user", "kepala", "--admin-password", PASSWORDS["kepala"]]) == 0
        assert main(["--user", "kepala", "keys", "export", "--out",
                     str(tmp_path / f"{user}.poskokey")]) == 0
        assert main(["--user", "kepala", "export", "--to", "33", "--full", "--out",
                     str(tmp_path / f"{user}.posko")]) == 0
        printed.append(signed_by(tmp_path / f"{user}.posko"))
        assert not (tmp_path / user / "keys").exists()  # nothing of the key in a user folder
    capsys.readouterr()
    files = [json.loads((tmp_path / f"{u}.poskokey").read_text()) for u in ("budi", "siti")]
    assert files[0] == files[1] and printed == [files[0]["fingerprint"]] * 2


def test_a_backup_restored_on_a_new_computer_signs_with_the_same_key(tmp_path, monkeypatch,
                                                                     capsys):
    """`posko backup` on the old PC, `posko restore` of that file into a new database path
    on a new PC (another OS user's data folder, nothing of the old one): after a login the
    restored site signs with the fingerprint partners already trust."""
    from posko_desktop.cli import main

    old, new = tmp_path / "pc-lama" / "posko.sqlite3", tmp_path / "pc-baru" / "posko.sqlite3"
    backup = tmp_path / "usb" / "cadangan.sqlite3"
    monkeypatch.setenv("POSKO_PASSWORD", PASSWORDS["kepala"])
    monkeypatch.setenv("POSKO_DATA_DIR", str(tmp_path / "data-lama"))
    assert main(["--db", str(old), "init", "--site", "33.74", "--site-name",
                 "Posko Kota Semarang", "--admin-user", "kepala", "--admin-password",
                 PASSWORDS["kepala"]]) == 0
    assert main(["--db", str(old), "--user", "kepala", "keys", "export", "--out",
                 str(tmp_path / "lama.poskokey")]) == 0
    assert main(["--db", str(old), "--user", "kepala", "backup", "--out", str(backup)]) == 0

    monkeypatch.setenv("POSKO_DATA_DIR", str(tmp_path / "data-baru"))
    assert not new.exists()
    assert main(["--db", str(new), "--user", "kepala", "restore", str(backup)]) == 0
    assert main(["--db", str(new), "--user", "kepala", "keys", "export", "--out",
                 str(tmp_path / "baru.poskokey")]) == 0
    assert main(["--db", str(new), "--user", "kepala", "export", "--to", "33", "--full",
                 "--out", str(tmp_path / "baru.posko")]) == 0
    capsys.readouterr()
    trusted = json.loads((tmp_path / "lama.poskokey").read_text())
    assert json.loads((tmp_path / "baru.poskokey").read_text()) == trusted
    assert signed_by(tmp_path / "baru.posko") == trusted["fingerprint"]
    assert not (tmp_path / "data-baru" / "keys").exists()  # the key came with the backup


# --- a copy of the database ------------------------------------------------------------


def test_a_copied_database_signs_only_after_a_login(ctx_file_office, tmp_path):
    """A stolen copy (or a backup) holds no private key in the clear and cannot sign
    without a password; restored with one, it signs with the same key."""
    office, path = ctx_file_office
    key = office.keyring.get("kepala")
    made = short(key)
    copy = tmp_path / "salinan.sqlite3"
    src = sqlite3.connect(path)
    dst = sqlite3.connect(copy)
    src.backup(dst)  # what a backup does
    src.close()
    dst.close()
    office.db.dispose()

    private_raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
    forms = [private_raw, base64.b64encode(private_raw), private_raw.hex().encode(),
             key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())[40:80]]
    raw_files = b"".join(p.read_bytes() for p in tmp_path.glob("*.sqlite3*"))
    assert keys.public_info(key, "", "").public_key.encode() in raw_files  # the grep sees it
    assert all(form not in raw_files for form in forms)

    thief = workstation(str(copy), tmp_path / "thief")
    try:
        with thief.db.read() as s:  # nor the users' own private keys
            for user, row in s.execute(select(UserAccount.username, UserKey).join(
                    UserKey, UserKey.user_id == UserAccount.id)).all():
                private = keywrap.open_user_key(keywrap.LockedUserKey(
                    row.public_key, row.kdf, row.salt, row.nonce, row.encrypted_private),
                    PASSWORDS[user], user)
                assert private.private_bytes(serialization.Encoding.Raw,
                                             serialization.PrivateFormat.Raw,
                                             serialization.NoEncryption()) not in raw_files
        before = dump(thief.db)
        for ctx in (thief, thief.as_actor(Actor("kepala", "admin", "Kepala Posko"))):
            with pytest.raises(site_key.SiteKeyError) as err:
                export(ctx, tmp_path / "palsu.posko")
            assert "log in as a user who may export" in err.value.text_in("en")
            with pytest.raises(site_key.SiteKeyError):
                svc.export_public_key(ctx, tmp_path, tmp_path / "palsu.poskokey")
        with pytest.raises(accounts.AuthError):
            login(thief, "kepala", "Tebakan-Sandi-Salah-1")
        assert dump(thief.db)[:3] == before[:3]  # no key row touched
        assert not list(tmp_path.glob("palsu*"))

        # the same copy restored by the office: the same key signs after a login
        assert export(login(thief, "opr"), tmp_path / "pulih.posko") == made
    finally:
        thief.db.dispose()


@pytest.fixture
def ctx_file_office(db_path, tmp_path) -> Iterator[tuple[AppContext, Path]]:
    db = open_database(db_path)
    ws = AppContext(db, Actor("os-user", "admin", "os-user"),
                    keyring=Keyring(legacy_dir=tmp_path / "ws1" / "keys"))
    reference.init_site(ws, "33.74", "Posko Kota Semarang")
    admin = accounts.create_first_admin(ws, "kepala", PASSWORDS["kepala"])
    ctx = ws.as_actor(admin.actor)
    accounts.add_user(ctx, "opr", PASSWORDS["opr"], "operator", must_change_password=False)
    yield ctx, db_path
    db.dispose()


def test_set_up_mode_has_no_key_and_cannot_sign(ctx, tmp_path):
    """Before the first administrator exists nobody has a password to guard the key: the
    site has none yet, and nothing is written to the OS user's folder."""
    before = dump(ctx.db)
    with pytest.raises(site_key.SiteKeyError) as err:
        export(ctx, tmp_path / "p.posko")
    assert "made together with the first administrator" in err.value.text_in("en")
    assert "dibuat bersama administrator pertama" in err.value.text_in("id")
    assert dump(ctx.db) == before
    accounts.create_first_admin(ctx, "kepala", PASSWORDS["kepala"])
    assert site_key.public_info(ctx) is not None


# --- users come and go ---------------------------------------------------------------------


def _grants(db: Database) -> dict[str, str]:
    with db.read() as s:
        return dict(s.execute(select(UserAccount.username, SiteKeyGrant.fingerprint).join(
            SiteKeyGrant, SiteKeyGrant.user_id == UserAccount.id)).all())


def test_password_change_reset_and_new_users_keep_the_key(office, tmp_path):
    made = short(office.keyring.get("kepala"))
    ws = workstation(office.db.url, tmp_path / "ws2")
    try:
        opr = login(ws, "opr")
        accounts.change_password(opr, PASSWORDS["opr"], "Sandi-Operator-Baru-5")
        assert export(login(ws, "opr", "Sandi-Operator-Baru-5"), tmp_path / "a.posko") == made

        accounts.reset_password(office, "opr", "Sementara-Reset-Jateng-6")
        forced = login(ws, "opr", "Sementara-Reset-Jateng-6")
        accounts.change_password(forced, "Sementara-Reset-Jateng-6", "Sandi-Sesudah-Reset-7")
        assert export(login(ws, "opr", "Sandi-Sesudah-Reset-7"), tmp_path / "b.posko") == made

        accounts.add_user(office, "baru", PASSWORDS["baru"], "supervisor",
                          must_change_password=False)
        assert export(login(ws, "baru"), tmp_path / "c.posko") == made
    finally:
        ws.db.dispose()


def test_a_grant_given_while_no_holder_is_logged_in_waits_for_one(office, tmp_path):
    """An admin session without the key (here: not logged in on workstation 2) can add and
    reset users; they receive the key at the next login of a user who holds it."""
    ws = workstation(office.db.url, tmp_path / "ws2")
    try:
        admin_without_key = ws.as_actor(office.actor)
        accounts.add_user(admin_without_key, "baru", PASSWORDS["baru"], "operator",
                          must_change_password=False)
        accounts.reset_password(admin_without_key, "opr", "Sementara-Reset-Jateng-6")
        assert set(_grants(ws.db)) == {"kepala"}
        with pytest.raises(site_key.SiteKeyError) as err:
            export(login(ws, "baru"), tmp_path / "x.posko")
        assert "baru has not received the site's signing key yet" in err.value.text_in("en")
        login(ws, "kepala")  # a holder logs in: the key is handed on
        assert set(_grants(ws.db)) == {"kepala", "opr", "baru"}
        assert export(login(ws, "baru"), tmp_path / "y.posko") == short(office.keyring.get(
            "kepala"))
    finally:
        ws.db.dispose()


def test_disabled_users_and_roles_without_export_hold_no_grant(office, monkeypatch, tmp_path):
    assert set(_grants(office.db)) == {"kepala", "opr"}
    accounts.disable_user(office, "opr")
    assert set(_grants(office.db)) == {"kepala"}
    accounts.enable_user(office, "opr")
    assert set(_grants(office.db)) == {"kepala", "opr"}

    # a role that may not export (none today: the rule is on the permission)
    no_export = dict(authz.ROLE_PERMISSIONS)
    no_export[authz.Role.OPERATOR] = no_export[authz.Role.OPERATOR] - {authz.Permission.EXPORT}
    monkeypatch.setattr(authz, "ROLE_PERMISSIONS", no_export)
    accounts.add_user(office, "baru", PASSWORDS["baru"], "operator", must_change_password=False)
    accounts.set_role(office, "opr", "operator")  # unchanged role: its permission went
    login(office, "kepala")
    assert set(_grants(office.db)) == {"kepala"}
    with pytest.raises(PermissionDenied):
        export(login(office, "baru"), tmp_path / "p.posko")
    accounts.set_role(office.as_actor(Actor("kepala", "admin", "")), "baru", "supervisor")
    assert set(_grants(office.db)) == {"kepala", "baru"}


def test_a_withdrawn_grant_leaves_no_copy_in_the_file(ctx_file_office):
    """Removed grants are overwritten in the file (secure_delete) and leave the -wal file."""
    office, path = ctx_file_office
    # Debian's SQLite zeroes deleted content by default, Python's on Windows does not:
    # connections here start like the latter
    office.db.dispose()
    event.listen(office.db.engine, "connect",
                 lambda dbapi, _rec: dbapi.execute("PRAGMA secure_delete = 0"))
    with office.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 0
    accounts.add_user(office, "baru", PASSWORDS["baru"], "operator")  # its grant: in the WAL
    sealed = {}
    with office.db.read() as s:
        for name in ("opr", "baru"):
            sealed[name] = s.scalars(select(SiteKeyGrant.sealed).join(
                UserAccount, UserAccount.id == SiteKeyGrant.user_id).where(
                UserAccount.username == name)).one()
    accounts.disable_user(office, "opr")
    accounts.disable_user(office, "baru")
    wal = Path(str(path) + "-wal")  # read while open: the WAL file, never the database file
    assert not wal.exists() or sealed["baru"] not in wal.read_bytes()
    office.db.dispose()
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert sealed["opr"] not in raw and sealed["baru"] not in raw


def test_weaker_key_wrapping_is_raised_at_login(office, monkeypatch):
    monkeypatch.setattr(keywrap, "KDF", keywrap.KdfParams(2, 128, 1))
    login(office, "opr")
    with office.db.read() as s:
        kdf = s.scalars(select(UserKey.kdf).join(UserAccount, UserAccount.id == UserKey.user_id)
                        .where(UserAccount.username == "opr")).one()
    assert json.loads(kdf) == {"alg": "argon2id", "t": 2, "m": 128, "p": 1}


# --- databases from before 0008 -----------------------------------------------------------


def test_old_key_files_of_two_workstations_first_imported_wins(office, tmp_path):
    """The bug as found: each workstation (or OS account) of one site had its own key file.
    The first login of a user who may export imports its workstation's key, keeping its
    fingerprint; the other workstation's key is reported and never used."""
    as_before_0008(office.db)
    office.keyring.drop("kepala")
    key_a, key_b = old_key_file(tmp_path / "ws-a"), old_key_file(tmp_path / "ws-b")
    ws_a = workstation(office.db.url, tmp_path / "ws-a")
    ws_b = workstation(office.db.url, tmp_path / "ws-b")
    try:
        with pytest.raises(site_key.SiteKeyError) as err:
            export(ws_a.as_actor(office.actor), tmp_path / "belum.posko")
        assert "not in the database yet" in err.value.text_in("en")

        assert export(login(ws_a, "kepala"), tmp_path / "a.posko") == short(key_a)
        assert not keys.private_key_path(tmp_path / "ws-a" / "keys", "33.74").exists()

        opr_b = login(ws_b, "opr")  # no key pair before: made now, the key waits for a holder
        with pytest.raises(site_key.SiteKeyError):
            export(opr_b, tmp_path / "b.posko")
        assert keys.private_key_path(tmp_path / "ws-b" / "keys", "33.74").exists()  # kept
        login(ws_a, "kepala")
        assert export(login(ws_b, "opr"), tmp_path / "b.posko") == short(key_a)

        status = site_key.status(login(ws_b, "kepala"))
        assert (status.state, status.short_fingerprint, status.origin) == (
            "active", short(key_a), "imported")
        assert [o.short_fingerprint for o in status.others] == [short(key_b)]
        assert status.others[0].path.endswith("site-3374.ed25519")
        assert status.local_file_fingerprint == keywrap.key_fingerprint(key_b)
        assert [(u.username, u.state) for u in status.users] == [("kepala", "holds"),
                                                                 ("opr", "holds")]
    finally:
        ws_a.db.dispose()
        ws_b.db.dispose()


def test_a_lost_old_key_is_replaced_by_an_admin(ctx_file_office, tmp_path, capsys,
                                                monkeypatch):
    """No computer has the old key file any more: `posko keys new` makes one."""
    from posko_desktop.cli import main

    office, path = ctx_file_office
    as_before_0008(office.db)
    office.db.dispose()
    monkeypatch.setenv("POSKO_DB", str(path))
    monkeypatch.setenv("POSKO_PASSWORD", PASSWORDS["kepala"])
    assert main(["--user", "kepala", "export", "--to", "33", "--out", str(tmp_path / "p")]) == 2
    assert "posko keys new" in capsys.readouterr().err
    assert main(["--user", "kepala", "keys", "new"]) == 0
    assert "posko keys export" in capsys.readouterr().out
    assert main(["--user", "kepala", "keys", "status", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["state"], out["origin"], out["session_can_sign"]) == ("active", "created", True)
    assert out["users"] == [{"username": "kepala", "role": "admin", "state": "holds"},
                            {"username": "opr", "role": "operator", "state": "must_log_in"}]
    assert main(["--user", "kepala", "keys", "new"]) == 2  # only once
    assert main(["--user", "kepala", "export", "--to", "33", "--out",
                 str(tmp_path / "p.posko")]) == 0
    assert signed_by(tmp_path / "p.posko") == out["short_fingerprint"]
