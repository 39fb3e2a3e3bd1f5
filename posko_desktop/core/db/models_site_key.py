"""The site's signing key in the database (migration 0008): its public half in the clear,
its private half only sealed per user (docs/decisions.md, "The site's signing key")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base

STATE_ACTIVE = "active"
STATE_AWAITING_IMPORT = "awaiting_import"


class SiteKey(Base):
    """One row (id 1). `awaiting_import`: a database from before 0008, whose key is still a
    file in some OS user's keys folder (imported at the next login there); `active`: the key
    below. No row: a new database, whose key is made with the first administrator."""

    __tablename__ = "site_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str | None] = mapped_column(String(64))  # raw Ed25519 key, base64
    fingerprint: Mapped[str | None] = mapped_column(String(64))  # sha256 hex
    origin: Mapped[str] = mapped_column(String(16), default="")  # created | imported
    origin_detail: Mapped[str] = mapped_column(Text, default="")  # where an import came from
    created_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(32), default="")


class UserKey(Base):
    """A user's X25519 pair; the private half encrypted under their password (keywrap)."""

    __tablename__ = "user_key"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True,
                                         autoincrement=False)
    public_key: Mapped[bytes]
    kdf: Mapped[str] = mapped_column(String(200))  # Argon2id parameters, JSON
    salt: Mapped[bytes]
    nonce: Mapped[bytes]
    encrypted_private: Mapped[bytes]
    updated_at: Mapped[datetime]


class SiteKeyGrant(Base):
    """The site key sealed to one user's public key: that user may sign after logging in."""

    __tablename__ = "site_key_grant"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True,
                                         autoincrement=False)
    fingerprint: Mapped[str] = mapped_column(String(64))
    ephemeral_public: Mapped[bytes]
    nonce: Mapped[bytes]
    sealed: Mapped[bytes]
    granted_at: Mapped[datetime]
    granted_by: Mapped[str] = mapped_column(String(32))


class SiteKeyOther(Base):
    """A key file of this site found in an OS user's keys folder that is not the site key
    (server mode, where each workstation had made its own): reported, never used."""

    __tablename__ = "site_key_other"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    site_code: Mapped[str] = mapped_column(String(5))
    found_at: Mapped[datetime]
    found_by: Mapped[str] = mapped_column(String(32))
    host: Mapped[str] = mapped_column(String(255))
    os_user: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)
