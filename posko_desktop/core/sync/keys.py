"""Ed25519 site keys: public keys travel as small JSON files and are identified by a short
fingerprint read over the phone. The private key lives in the database, sealed per user
(`keywrap`, `services/site_key.py`); `load_private_key` only reads the files that versions
before 0008 kept in each OS user's data folder, to import them."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_

logger = logging.getLogger(__name__)

KEY_FILE_FORMAT = "posko-public-key"
KEY_FILE_VERSION = 1
KEY_FILE_MAX_BYTES = 16_384


class KeyError_(PoskoError):
    code = "sync_key"


@dataclass(frozen=True)
class PublicKeyInfo:
    site_code: str
    site_name: str
    public_key: str  # raw 32 bytes, base64

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.public_key)

    @property
    def short_fingerprint(self) -> str:
        return short_fingerprint(self.fingerprint)


def fingerprint_of(public_key_b64: str) -> str:
    """SHA-256 (hex) of the raw public key."""
    return hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()


def short_fingerprint(fingerprint: str) -> str:
    """First 80 bits as five groups of four characters, e.g. `3F2A-91C0-77DE-0B4C-1E9A`:
    short enough to read over the phone, long enough that a forgery cannot match it."""
    head = fingerprint[:20].upper()
    return "-".join(head[i:i + 4] for i in range(0, 20, 4))


def private_key_path(keys_dir: Path, site_code: str) -> Path:
    return keys_dir / "site-{code}.ed25519".format(code=site_code.replace(".", ""))


def load_private_key(keys_dir: Path, site_code: str) -> Ed25519PrivateKey:
    """An old key file (PKCS#8 PEM, no password), to import it into the database."""
    path = private_key_path(keys_dir, site_code)
    try:
        data = path.read_bytes()
        key = serialization.load_pem_private_key(data, password=None)
    except (OSError, ValueError) as err:
        logger.warning("No usable private key at %s: %s", path, err)
        raise KeyError_(N_("This site has no signing key at {path}. Run: posko init "
                           "--site CODE --site-name NAME"), path=str(path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyError_(N_("The key at {path} is not an Ed25519 key"), path=str(path))
    return key


def public_info(key: Ed25519PrivateKey, site_code: str, site_name: str) -> PublicKeyInfo:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PublicKeyInfo(site_code, site_name, base64.b64encode(raw).decode("ascii"))


def public_key_file_bytes(info: PublicKeyInfo) -> bytes:
    doc = {"format": KEY_FILE_FORMAT, "version": KEY_FILE_VERSION, "site": info.site_code,
           "site_name": info.site_name, "public_key": info.public_key,
           "fingerprint": info.short_fingerprint}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_public_key_file(path: Path) -> PublicKeyInfo:
    """Parse a public key file; refuse anything that is not exactly one."""
    try:
        if path.stat().st_size > KEY_FILE_MAX_BYTES:
            raise ValueError("too large")
        doc = json.loads(path.read_bytes().decode("utf-8"))
        if doc.get("format") != KEY_FILE_FORMAT or not isinstance(doc.get("version"), int):
            raise ValueError("not a key file")
        if doc["version"] > KEY_FILE_VERSION:
            raise KeyError_(N_("{file} was made by a newer version of Posko Desk (key format "
                               "{version}); update this installation"),
                            file=path.name, version=doc["version"])
        site, name, pub = doc["site"], doc.get("site_name", ""), doc["public_key"]
        if not all(isinstance(v, str) for v in (site, name, pub)):
            raise ValueError("bad field types")
        raw = base64.b64decode(pub, validate=True)
        Ed25519PublicKey.from_public_bytes(raw)
    except KeyError_:
        raise
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as err:
        logger.warning("Refused public key file %s: %s", path, err)
        raise KeyError_(N_("{file} is not a Posko Desk public key file"), file=path.name) from None
    return PublicKeyInfo(site, name[:120], pub)


def sign(key: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(key.sign(data)).decode("ascii")


def verify(public_key_b64: str, signature_b64: str, data: bytes) -> bool:
    try:
        pub = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
        pub.verify(base64.b64decode(signature_b64, validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True
