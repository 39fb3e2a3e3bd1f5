"""Tables of accounts and the audit trail (migration 0005)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base


class UserAccount(Base):
    """A person who logs in. Never hard-deleted (the audit trail names them): disabled."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)  # lower case
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))  # operator | supervisor | admin
    password_hash: Mapped[str] = mapped_column(String(255))  # Argon2id encoded hash, never clear text
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column()
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column()
    password_changed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(32), default="")
    updated_at: Mapped[datetime] = mapped_column()
    # the interface language chosen in "Akun saya" (migration 0025): id | en | "" (none)
    language: Mapped[str] = mapped_column(String(5), default="", server_default="")


class AuditEntry(Base):
    """Append-only, hash-chained trail. `hash` = SHA-256 over a canonical JSON of the other
    fields including `prev_hash` (services.audit.entry_hash). `prev_hash` is unique, so the
    chain can never fork; SQL triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column()
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(120), default="")
    site_code: Mapped[str] = mapped_column(String(5), default="")
    action: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    before_json: Mapped[str] = mapped_column(Text, default="null")
    after_json: Mapped[str] = mapped_column(Text, default="null")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (
        # Each index also holds the id (SQLite rowid), so "newest first" pages need no sort.
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_username", "username"),
        Index("ix_audit_log_record", "record_type", "record_id"),
        Index("ix_audit_log_action", "action"),
    )


class AuditHead(Base):
    """One row: the newest entry's id and hash. Appends lock it (FOR UPDATE on PostgreSQL;
    SQLite writes already run under BEGIN IMMEDIATE), and verification compares it with the
    last entry, so removing the newest entries is noticed too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
