"""The session's keyring: the site key unwrapped at login, held in memory only. Kept apart
from `keywrap` so that `AppContext` does not load the cryptography at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


@dataclass
class Keyring:
    """What one program run (the window's session, one CLI command) holds in memory: the
    site key unwrapped at login, per user name, and the OS user's old keys folder (read to
    move a key made by an older version into the database). Shared by the contexts made
    with `AppContext.as_actor`; a context acting as another user finds nothing there."""

    legacy_dir: Path | None = None
    _keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict, repr=False)

    def put(self, username: str, key: Ed25519PrivateKey) -> None:
        self._keys[username] = key

    def get(self, username: str) -> Ed25519PrivateKey | None:
        return self._keys.get(username)

    def drop(self, username: str) -> None:
        self._keys.pop(username, None)
