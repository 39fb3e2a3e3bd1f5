"""Fixtures of the accounts/audit tests: cheap Argon2 parameters (tests only) and accounts.

The product hashes at OWASP's parameters (test_accounts checks the constants); here the
hasher is swapped for a cheap one so a test suite with hundreds of logins stays quick.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher, Type

from posko_desktop.core.context import AppContext
from posko_desktop.core.services import accounts
from posko_desktop.core.sync import keywrap

PASSWORDS = {
    "admin": "Kantor-Gubernur-9",
    "opr": "Lapor-Situasi-77",
    "spv": "Verifikasi-Sitrep-5",
}
ROLES = {"admin": "admin", "opr": "operator", "spv": "supervisor"}


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch):
    monkeypatch.setattr(accounts, "PASSWORD_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID))
    monkeypatch.setattr(keywrap, "KDF", keywrap.KdfParams(1, 64, 1))  # site key wrapping
    accounts._dummy_hash.cache_clear()
    yield
    accounts._dummy_hash.cache_clear()


class Clock:
    """A hand-moved clock for delay/lockout tests (ctx.clock)."""

    def __init__(self) -> None:
        self.now = datetime(2024, 11, 27, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts_ctx(ctx: AppContext, clock: Clock) -> AppContext:
    """Site 33 with three accounts (admin, opr, spv), acting as the admin account."""
    ctx.clock = clock
    admin = accounts.create_first_admin(ctx, "admin", PASSWORDS["admin"], "Admin Posko")
    actx = ctx.as_actor(admin.actor)
    accounts.add_user(actx, "opr", PASSWORDS["opr"], "operator", "Operator Satu",
                      must_change_password=False)
    accounts.add_user(actx, "spv", PASSWORDS["spv"], "supervisor", "Supervisor Satu",
                      must_change_password=False)
    return actx
