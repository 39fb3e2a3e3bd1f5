"""Make `tests/data/posko-0007-regency.sqlite3` and `tests/data/posko-0007-regency-keys/`: a site as Posko
Desk left it at schema 0007, before the site key moved into the database.

    .venv/bin/python tests/data/make_0007_db.py [OUTPUT_DIR]

Built from the committed 0001 file (its incidents, follow-ups and attachment; every field
of an incident stamped, as from 0004 on), upgraded by the migrations 0002..0007 only, then
given what a site had by then, written with plain SQL
against the tables as they are at 0007: three accounts (`kepala` admin, `opr1` operator,
`lama` a disabled operator; Argon2id hashes with fixed salts), their hash-chained audit
entries, one trusted key of the province, one setting. Beside it, the OS user's keys folder
of that version: `site-3374.ed25519`, the site's private key (a test key, made from a fixed
seed). Everything is fixed, so running the script again gives the same content
(`tests/core/test_migration_0008.py` checks that and upgrades copies; the committed files
are never opened in place).
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import make_old_db
from argon2.low_level import Type, hash_secret
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "posko-0001.sqlite3"
DB_NAME = "posko-0007-regency.sqlite3"
KEYS_NAME = "posko-0007-regency-keys"
REVISION = "0007"
SITE = "33.74"
PASSWORDS = {"kepala": "Pimpinan-Posko-Kota-74", "opr1": "Petugas-Pagi-Tembalang-1",
             "lama": "Petugas-Lama-Semarang-2"}
USERS = [  # id, name, display name, role, active, created at (UTC)
    (1, "kepala", "Kepala Posko Kota Semarang", "admin", 1, "2024-11-20 01:10:00.000000"),
    (2, "opr1", "Operator Satu", "operator", 1, "2024-11-20 01:20:00.000000"),
    (3, "lama", "Operator Lama", "operator", 0, "2024-11-20 01:30:00.000000"),
]
GENESIS = "0" * 64


def site_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"posko-0007 site 33.74").digest())


def province_public_key() -> str:
    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"posko-0007 site 33").digest())
    raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def password_hash(name: str) -> str:
    """Argon2id at OWASP's parameters, salt fixed per user (so the file is reproducible)."""
    salt = hashlib.sha256(b"salt " + name.encode()).digest()[:16]
    return hash_secret(PASSWORDS[name].encode(), salt, time_cost=2, memory_cost=19456,
                       parallelism=1, hash_len=32, type=Type.ID).decode("ascii")


def _audit_hash(fields: dict) -> str:
    """The chain's hash as of 0007 (services/audit.py entry_hash), copied so this file
    never changes when the application does."""
    data = {"id": fields["id"], "at": fields["at"].replace(" ", "T") + "Z",
            "username": fields["username"], "role": fields["role"],
            "display_name": fields["display_name"], "site_code": fields["site_code"],
            "action": fields["action"], "record_type": fields["record_type"],
            "record_id": fields["record_id"], "before": fields["before_json"],
            "after": fields["after_json"], "detail": fields["detail"],
            "prev_hash": fields["prev_hash"]}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _audit(con: sqlite3.Connection, entries: list[tuple]) -> None:
    prev, last_id = GENESIS, 0
    for last_id, (at, actor, action, record_id, before, after, detail) in enumerate(entries, 1):
        user = next(u for u in USERS if u[1] == actor)
        fields = {"id": last_id, "at": at, "username": actor, "role": user[3],
                  "display_name": user[2], "site_code": SITE, "action": action,
                  "record_type": "user", "record_id": record_id,
                  "before_json": json.dumps(before, sort_keys=True, separators=(",", ":")),
                  "after_json": json.dumps(after, sort_keys=True, separators=(",", ":")),
                  "detail": detail, "prev_hash": prev}
        digest = _audit_hash(fields)
        con.execute("INSERT INTO audit_log (id, at, username, role, display_name, site_code, "
                    "action, record_type, record_id, before_json, after_json, detail, "
                    "prev_hash, hash) VALUES (:id, :at, :username, :role, :display_name, "
                    ":site_code, :action, :record_type, :record_id, :before_json, :after_json, "
                    ":detail, :prev_hash, :hash)", {**fields, "hash": digest})
        prev = digest
    con.execute("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", (last_id, prev))


def make(out_dir: Path) -> tuple[Path, Path]:
    output, keys_dir = out_dir / DB_NAME, out_dir / KEYS_NAME
    output.unlink(missing_ok=True)
    shutil.copy(SOURCE, output)
    make_old_db.migrate_to(output, REVISION)

    con = sqlite3.connect(output)
    with con:
        # every field stamped, as incidents recorded at 0004 or later are (0001 stamped only
        # some, which sync packages do not carry), stored packed as 0007 stores them
        con.execute("""UPDATE incident SET field_stamps = '{"*":"' || mod_stamp || '"}'""")
        for uid, name, display, role, active, created in USERS:
            con.execute(
                "INSERT INTO user_account (id, username, display_name, role, password_hash, "
                "must_change_password, active, failed_attempts, last_failed_at, locked, "
                "last_login_at, password_changed_at, created_at, created_by, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 0, ?, 0, NULL, 0, ?, ?, ?, 'kepala', ?)",
                (uid, name, display, role, password_hash(name), active,
                 "2024-11-26 23:00:00.000000", created, created, created))
        _audit(con, [
            ("2024-11-20 01:10:00.000000", "kepala", "user.create", "kepala", None,
             {"username": "kepala", "role": "admin"}, "first_admin"),
            ("2024-11-20 01:20:00.000000", "kepala", "user.create", "opr1", None,
             {"username": "opr1", "role": "operator"}, ""),
            ("2024-11-20 01:30:00.000000", "kepala", "user.create", "lama", None,
             {"username": "lama", "role": "operator"}, ""),
            ("2024-11-25 02:00:00.000000", "kepala", "user.disable", "lama", {"active": True},
             {"active": False}, ""),
        ])
        public = province_public_key()
        fingerprint = hashlib.sha256(base64.b64decode(public)).hexdigest()
        con.execute("INSERT INTO sync_key (fingerprint, site_code, site_name, public_key, "
                    "added_at, added_by, revoked_at, revoked_by) VALUES (?, '33', "
                    "'Posko Provinsi Jawa Tengah', ?, '2024-11-21 03:00:00.000000', 'kepala', "
                    "NULL, NULL)", (fingerprint, public))
        con.execute("INSERT INTO setting (key, value, updated_at, updated_by) VALUES "
                    "('accounts.max_failed_logins', '4', '2024-11-21 03:05:00.000000', 'kepala')")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the repository
    con.execute("VACUUM")
    con.close()

    shutil.rmtree(keys_dir, ignore_errors=True)
    keys_dir.mkdir()
    key_file = keys_dir / "site-3374.ed25519"
    key_file.write_bytes(site_key().private_bytes(serialization.Encoding.PEM,
                                                  serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    key_file.chmod(0o600)
    return output, keys_dir


if __name__ == "__main__":
    db_file, keys = make(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    print(db_file, db_file.stat().st_size, "bytes;", keys)
