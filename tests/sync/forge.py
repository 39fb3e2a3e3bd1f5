"""Make tampered or hand-crafted packages for the rejection tests."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from posko_desktop.core.sync import keys


def read_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_members(path: Path, members: dict[str, bytes], level: int = 6) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def resign(src: Path, out: Path, key: Ed25519PrivateKey,
           members: Callable[[dict[str, bytes]], None] | None = None,
           manifest: Callable[[dict], None] | None = None) -> Path:
    """Change members and/or the manifest, then list the new hashes and sign again with
    the site's real key: a package that passes every check except the one under test."""
    data = read_members(src)
    if members:
        members(data)
    doc = json.loads(data["manifest.json"])
    doc["members"] = [
        {"path": name, "sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}
        for name, body in data.items() if name not in ("manifest.json", "manifest.sig")
    ]
    if manifest:
        manifest(doc)
    raw = json.dumps(doc, indent=1, sort_keys=True).encode("utf-8")
    data["manifest.json"] = raw
    data["manifest.sig"] = keys.sign(key, raw).encode()
    return write_members(out, data)


def jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")


def lines(data: bytes) -> list[dict]:
    return [json.loads(x) for x in data.decode("utf-8").splitlines() if x.strip()]
