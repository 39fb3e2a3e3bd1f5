"""Wrapping the site's Ed25519 signing key for the users who may sign (docs/decisions.md,
"The site's signing key").

Each user has an X25519 key pair; its private half is encrypted (AES-256-GCM) under a key
derived from the user's password with Argon2id. The site key is *sealed* to a user's public
key (ephemeral X25519 + HKDF-SHA256 + AES-256-GCM), so anyone who holds the site key can
give it to another user without knowing that user's password. Every ciphertext is bound to
the user name and the public keys involved (associated data), so a row copied onto another
account does not open. Pure functions: no database, no files but `secure_delete_file`.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from posko_desktop.core.sync.keys import fingerprint_of, public_info

logger = logging.getLogger(__name__)

NONCE_BYTES = 12
SALT_BYTES = 16
_USER_KEY_AD = b"posko/user-key/v1"
_GRANT_AD = b"posko/site-key-grant/v1"


class UnwrapError(Exception):
    """A wrapped key did not open (wrong password, another account's row, changed bytes)."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters, stored with every encrypted user key (so they can be raised)."""

    time_cost: int
    memory_kib: int
    parallelism: int

    def to_json(self) -> str:
        return json.dumps({"alg": "argon2id", "t": self.time_cost, "m": self.memory_kib,
                           "p": self.parallelism}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> KdfParams:
        doc = json.loads(text)
        if doc.get("alg") != "argon2id":
            raise UnwrapError("unknown key derivation {}".format(doc.get("alg")))
        return cls(int(doc["t"]), int(doc["m"]), int(doc["p"]))


# OWASP's Argon2id parameters, the same as the password hashes (services/accounts.py): a
# thief with the database file attacks the cheaper of the two, so more here would buy nothing.
# Tests swap in cheaper ones (tests/accounts/conftest.py); weaker stored ones are raised at
# the next login.
KDF = KdfParams(time_cost=2, memory_kib=19456, parallelism=1)


@dataclass(frozen=True)
class LockedUserKey:
    """A user's X25519 private key encrypted under their password."""

    public_key: bytes
    kdf: str
    salt: bytes
    nonce: bytes
    ciphertext: bytes


@dataclass(frozen=True)
class SealedSiteKey:
    """The site's private key sealed to one user's X25519 public key."""

    ephemeral_public: bytes
    nonce: bytes
    ciphertext: bytes


def _raw_public(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def _password_key(password: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), salt, time_cost=params.time_cost,
                           memory_cost=params.memory_kib, parallelism=params.parallelism,
                           hash_len=32, type=Type.ID)


def _user_ad(username: str, public_key: bytes) -> bytes:
    return b"\0".join((_USER_KEY_AD, username.encode("utf-8"), public_key))


def lock_user_key(private: X25519PrivateKey, password: str, username: str,
                  params: KdfParams | None = None) -> LockedUserKey:
    """Encrypt a user's private key under their password (a fresh salt and nonce)."""
    params = params or KDF
    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    public = _raw_public(private)
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    ciphertext = AESGCM(_password_key(password, salt, params)).encrypt(
        nonce, raw, _user_ad(username, public))
    return LockedUserKey(public, params.to_json(), salt, nonce, ciphertext)


def new_user_key(password: str, username: str) -> tuple[X25519PrivateKey, LockedUserKey]:
    private = X25519PrivateKey.generate()
    return private, lock_user_key(private, password, username)


def open_user_key(locked: LockedUserKey, password: str, username: str) -> X25519PrivateKey:
    """The user's private key; UnwrapError when the password (or anything else) is wrong."""
    params = KdfParams.from_json(locked.kdf)
    try:
        raw = AESGCM(_password_key(password, locked.salt, params)).decrypt(
            locked.nonce, locked.ciphertext, _user_ad(username, locked.public_key))
    except InvalidTag:
        raise UnwrapError("the user key did not open") from None
    private = X25519PrivateKey.from_private_bytes(raw)
    if _raw_public(private) != locked.public_key:
        raise UnwrapError("the user key does not match its public key")
    return private


def needs_relock(locked: LockedUserKey) -> bool:
    """True when the stored key derivation is weaker than today's (raised at login)."""
    stored = KdfParams.from_json(locked.kdf)
    return (stored.time_cost, stored.memory_kib) < (KDF.time_cost, KDF.memory_kib)


def _grant_ad(username: str, fingerprint: str, user_public: bytes, ephemeral: bytes) -> bytes:
    return b"\0".join((_GRANT_AD, username.encode("utf-8"), fingerprint.encode("ascii"),
                       user_public, ephemeral))


def _seal_key(shared: bytes, ad: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=ad).derive(shared)


def seal_site_key(site_key: Ed25519PrivateKey, user_public: bytes, username: str) -> SealedSiteKey:
    """Seal the site key to a user's public key; only their private key opens it."""
    fingerprint = fingerprint_of(public_info(site_key, "", "").public_key)
    ephemeral = X25519PrivateKey.generate()
    eph_public = _raw_public(ephemeral)
    ad = _grant_ad(username, fingerprint, user_public, eph_public)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(user_public))
    nonce = secrets.token_bytes(NONCE_BYTES)
    raw = site_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())
    return SealedSiteKey(eph_public, nonce, AESGCM(_seal_key(shared, ad)).encrypt(nonce, raw, ad))


def unseal_site_key(sealed: SealedSiteKey, user_private: X25519PrivateKey, username: str,
                    fingerprint: str) -> Ed25519PrivateKey:
    """The site key from a grant; UnwrapError unless it opens and has `fingerprint`."""
    user_public = _raw_public(user_private)
    ad = _grant_ad(username, fingerprint, user_public, sealed.ephemeral_public)
    try:
        shared = user_private.exchange(X25519PublicKey.from_public_bytes(sealed.ephemeral_public))
        raw = AESGCM(_seal_key(shared, ad)).decrypt(sealed.nonce, sealed.ciphertext, ad)
    except (InvalidTag, ValueError):
        raise UnwrapError("the grant did not open") from None
    key = Ed25519PrivateKey.from_private_bytes(raw)
    if fingerprint_of(public_info(key, "", "").public_key) != fingerprint:
        raise UnwrapError("the grant holds another key")
    return key


def key_fingerprint(key: Ed25519PrivateKey) -> str:
    return fingerprint_of(public_info(key, "", "").public_key)


def secure_delete_file(path: Path) -> None:
    """Overwrite a file that held a private key with zeros, sync, then remove it. (On SSDs
    and copy-on-write file systems old blocks may survive; this is the best a program can do.)"""
    try:
        size = path.stat().st_size
        with path.open("r+b") as fh:
            fh.write(b"\0" * size)
            fh.flush()
            os.fsync(fh.fileno())
        path.unlink()
    except OSError as err:
        logger.warning("Could not securely delete %s: %s", path, err)
        return
    logger.info("Securely deleted %s", path)
