"""User accounts: add, list, disable/enable, role, password reset and change, login, lockout.

Passwords are hashed with Argon2id at (at least) OWASP's parameters and never stored, logged,
audited or put in an exception. A login that fails counts against the account: after two
failures in a row the next try must wait an increasing delay (2, 4, 8 … s), after
`accounts.max_failed_logins` failures the account is locked until an admin unlocks it.
The delay is enforced by refusing early tries (no sleeping), so it also holds between
separate `posko` runs. Every login, failed login, lockout and account change is audited.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models_accounts import UserAccount
from posko_desktop.core.domain import (
    Actor,
    NotFoundError,
    PoskoError,
    StaleEdit,
    ValidationError,
    check_text,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.resources import resource_path
from posko_desktop.core.services import audit, site_key
from posko_desktop.core.services.authz import Permission, Role, require
from posko_desktop.core.services.edit_versions import check_token, digest, last_audited

logger = logging.getLogger(__name__)

# OWASP Password Storage Cheat Sheet, Argon2id: m=19456 KiB (19 MiB), t=2, p=1.
# Tests swap in cheaper parameters by monkeypatching PASSWORD_HASHER (tests/accounts/conftest.py);
# the product never does. Hashes made with weaker parameters are upgraded at the next login.
OWASP_MEMORY_KIB = 19456
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1
PASSWORD_HASHER = PasswordHasher(
    time_cost=OWASP_TIME_COST, memory_cost=OWASP_MEMORY_KIB, parallelism=OWASP_PARALLELISM,
    hash_len=32, salt_len=16, type=Type.ID,
)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MAX_DELAY_SECONDS = 60
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


class AuthError(PoskoError):
    """Login refused. The message never says whether the user name exists."""

    code = "auth"


class AccountLocked(AuthError):
    code = "locked"


class LoginDelayed(AuthError):
    code = "delayed"

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(N_("Too many failed attempts: wait {seconds} seconds and try again"),
                         seconds=seconds)


class PasswordChangeRequired(AuthError):
    code = "password_change"


# --- DTOs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    role: str
    active: bool
    locked: bool
    must_change_password: bool
    failed_attempts: int
    last_login_at: datetime | None
    created_at: datetime
    created_by: str
    version: str = ""  # what an admin's change of this view passes as expected_version

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.display_name or self.username)


@dataclass(frozen=True)
class LoginResult:
    user: UserInfo
    must_change_password: bool

    @property
    def actor(self) -> Actor:
        return self.user.actor


def _info(u: UserAccount) -> UserInfo:
    return UserInfo(u.username, u.display_name, u.role, u.active, u.locked,
                    u.must_change_password, u.failed_attempts, u.last_login_at, u.created_at,
                    u.created_by, user_version(u))


def user_version(u: UserAccount) -> str:
    """Changes with every change an admin could be overtaken by: the account's attributes,
    its password (reset or changed) and a lockout; not with logins or failed logins."""
    return digest(u.display_name, u.role, u.active, u.locked, u.must_change_password,
                  u.password_changed_at, u.updated_at)


def _public(u: UserAccount) -> dict[str, object]:
    """What the audit trail may see of an account (no hash, obviously)."""
    return {"username": u.username, "display_name": u.display_name, "role": u.role,
            "active": u.active, "locked": u.locked,
            "must_change_password": u.must_change_password}


# --- passwords -------------------------------------------------------------------------


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (resources/common-passwords.txt), lower case."""
    path = resource_path("common-passwords.txt")
    with path.open(encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh
                         if line.strip() and not line.startswith("#"))


def check_password_policy(password: str, username: str = "") -> None:
    """Raise ValidationError (field "password") when the password is too weak."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(N_("A password needs at least {min} characters"),
                              field="password", min=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(N_("A password has at most {max} characters"),
                              field="password", max=MAX_PASSWORD_LENGTH)
    lowered = password.strip().lower()
    if len(set(lowered)) < 4:
        raise ValidationError(N_("This password is too simple: use more different characters"),
                              field="password")
    if lowered in common_passwords():
        raise ValidationError(N_("This password is on the list of commonly used passwords; "
                                 "choose another"), field="password")
    name = username.strip().lower()
    if len(name) >= 3 and name in lowered:
        raise ValidationError(N_("The password must not contain the user name"),
                              field="password")


def hash_password(password: str) -> str:
    return PASSWORD_HASHER.hash(password)


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return PASSWORD_HASHER.verify(stored_hash, password)
    except VerifyMismatchError:
        return False
    except (VerificationError, InvalidHashError):
        logger.warning("A stored password hash could not be checked")
        return False


@cache
def _dummy_hash() -> str:
    return PASSWORD_HASHER.hash(secrets.token_hex(16))


def generate_password() -> str:
    """A temporary password for a reset (the user must change it at the next login)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(14))
        try:
            check_password_policy(candidate)
            return candidate
        except ValidationError:
            continue


# --- helpers ---------------------------------------------------------------------------


def _display_name(display_name: str) -> str:
    return check_text((display_name or "").strip(), "display_name")[:120]


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def _valid_username(username: str) -> str:
    name = normalize_username(username)
    if not USERNAME_RE.match(name):
        raise ValidationError(
            N_("A user name has 2 to 32 characters: letters, digits, dot, dash or underscore, "
               "starting with a letter or digit"), field="username")
    return name


def check_username(username: str) -> str:
    """The normalised user name, or ValidationError when it does not follow the rules."""
    return _valid_username(username)


def _valid_role(role: str) -> str:
    try:
        return Role((role or "").strip().lower()).value
    except ValueError:
        raise ValidationError(N_("Unknown role {role}: use operator, supervisor or admin"),
                              field="role", role=role) from None


def _get(s: Session, username: str) -> UserAccount:
    name = normalize_username(username)
    user = s.scalars(select(UserAccount).where(UserAccount.username == name)).first()
    if user is None:
        raise NotFoundError(N_("No user {username}"), username=name)
    return user


def _active_admins(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(UserAccount).where(
        UserAccount.role == Role.ADMIN.value, UserAccount.active.is_(True))) or 0


def _keep_one_admin(s: Session, user: UserAccount) -> None:
    if user.role == Role.ADMIN.value and user.active and _active_admins(s) <= 1:
        raise ValidationError(N_("{username} is the last active administrator"),
                              field="username", username=user.username)


def retry_after(failed_attempts: int, last_failed_at: datetime | None, now: datetime) -> int:
    """Seconds before the next try is accepted: 0 after one failure, then 2, 4, 8 … (≤ 60)."""
    if failed_attempts < 2 or last_failed_at is None:
        return 0
    delay = min(2 ** (failed_attempts - 1), MAX_DELAY_SECONDS)
    wait = (last_failed_at + timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(wait + 0.999))


# --- queries ---------------------------------------------------------------------------


def count_users(ctx: AppContext) -> int:
    """No permission needed: the CLI and the app ask this before anyone has logged in."""
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(UserAccount)) or 0


def has_accounts(ctx: AppContext) -> bool:
    return count_users(ctx) > 0


def list_users(ctx: AppContext, include_disabled: bool = True) -> list[UserInfo]:
    require(ctx.actor, Permission.USERS_MANAGE)
    with ctx.db.read() as s:
        stmt = select(UserAccount).order_by(UserAccount.username)
        if not include_disabled:
            stmt = stmt.where(UserAccount.active.is_(True))
        return [_info(u) for u in s.scalars(stmt)]


def get_user(ctx: AppContext, username: str) -> UserInfo:
    """Anyone may read their own account; other accounts need users.manage."""
    if normalize_username(username) != ctx.actor.username:
        require(ctx.actor, Permission.USERS_MANAGE)
    with ctx.db.read() as s:
        return _info(_get(s, username))


# --- changes ---------------------------------------------------------------------------


def create_first_admin(ctx: AppContext, username: str, password: str,
                       display_name: str = "") -> UserInfo:
    """The set-up step: allowed only while the database has no account at all."""
    name = _valid_username(username)
    check_password_policy(password, name)
    hashed = hash_password(password)
    now = ctx.now()
    with ctx.db.write() as s:
        if (s.scalar(select(func.count()).select_from(UserAccount)) or 0) > 0:
            raise ValidationError(N_("User accounts already exist; log in as an administrator"),
                                  field="username")
        user = UserAccount(username=name, display_name=_display_name(display_name),
                           role=Role.ADMIN.value, password_hash=hashed,
                           must_change_password=False, active=True, failed_attempts=0,
                           locked=False, created_at=now, created_by=name, updated_at=now,
                           password_changed_at=now)
        s.add(user)
        s.flush()
        audit.record(s, Actor(name, Role.ADMIN.value, user.display_name), "user.create",
                     "user", name, before=None, after=_public(user), at=now, detail="first_admin")
        site_key.on_first_admin(s, ctx, user, password, now)
        info = _info(user)
    logger.info("First administrator %s created", name)
    ctx.bus.publish(Change(ChangeKind.USER, (name,)))
    return info


def add_user(ctx: AppContext, username: str, password: str, role: str,
             display_name: str = "", must_change_password: bool = True) -> UserInfo:
    require(ctx.actor, Permission.USERS_MANAGE)
    name = _valid_username(username)
    role = _valid_role(role)
    check_password_policy(password, name)
    hashed = hash_password(password)
    now = ctx.now()
    with ctx.db.write() as s:
        exists = s.scalar(select(func.count()).select_from(UserAccount)
                          .where(UserAccount.username == name))
        if exists:
            raise ValidationError(N_("User {username} already exists"), field="username",
                                  username=name)
        user = UserAccount(username=name, display_name=_display_name(display_name),
                           role=role, password_hash=hashed,
                           must_change_password=must_change_password, active=True,
                           failed_attempts=0, locked=False, created_at=now,
                           created_by=ctx.actor.username, updated_at=now,
                           password_changed_at=now)
        s.add(user)
        s.flush()
        audit.record(s, ctx.actor, "user.create", "user", name, before=None, after=_public(user),
                     at=now)
        site_key.on_user_added(s, ctx, user, password, now)
        info = _info(user)
    logger.info("User %s (%s) added by %s", name, role, ctx.actor.username)
    ctx.bus.publish(Change(ChangeKind.USER, (name,)))
    return info


def _update(ctx: AppContext, username: str, action: str, change: dict[str, object],
            *, detail: str = "", expected_version: str | None = None) -> UserInfo:
    """Apply attribute changes to one account, audited with before/after values. With
    `expected_version` (`UserInfo.version` as the admin saw it), refused (StaleEdit,
    nothing written) when the account changed since."""
    require(ctx.actor, Permission.USERS_MANAGE)
    with ctx.db.write() as s:
        user = _get(s, username)
        if expected_version is not None:
            _require_version(s, user, expected_version)
        if ("active" in change and not change["active"]) or (
                "role" in change and change["role"] != Role.ADMIN.value):
            if user.username == ctx.actor.username and "active" in change:
                raise ValidationError(N_("You cannot disable your own account"),
                                      field="username")
            _keep_one_admin(s, user)
        before = _public(user)
        for key, value in change.items():
            setattr(user, key, value)
        user.updated_at = now = ctx.now()
        after = _public(user)
        diff_before = {k: v for k, v in before.items() if after[k] != v}
        diff_after = {k: after[k] for k in diff_before}
        audit.record(s, ctx.actor, action, "user", user.username, before=diff_before,
                     after=diff_after, at=now, detail=detail)
        info = _info(user)
    logger.info("%s: %s by %s", action, info.username, ctx.actor.username)
    ctx.bus.publish(Change(ChangeKind.USER, (info.username,)))
    return info


def _require_version(s: Session, user: UserAccount, expected: str) -> None:
    version = user_version(user)
    if check_token(expected, user.username) == version:
        return
    who, at = last_audited(s, "user", user.username, ("user.", "auth.lockout")) or (
        user.username, user.updated_at)
    logger.info("Stale change of user %s refused", user.username)
    raise StaleEdit(N_("User {username} was changed by {name} at {time} since you opened it; "
                       "your change was not saved."),
                    version=version, current=_public(user), changed_by=who, changed_at=at,
                    username=user.username)


def disable_user(ctx: AppContext, username: str, *,
                 expected_version: str | None = None) -> UserInfo:
    info = _update(ctx, username, "user.disable", {"active": False},
                   expected_version=expected_version)
    site_key.after_access_change(ctx, info.username)
    return info


def enable_user(ctx: AppContext, username: str, *,
                expected_version: str | None = None) -> UserInfo:
    info = _update(ctx, username, "user.enable", {"active": True},
                   expected_version=expected_version)
    site_key.after_access_change(ctx, info.username)
    return info


def set_role(ctx: AppContext, username: str, role: str, *,
             expected_version: str | None = None) -> UserInfo:
    info = _update(ctx, username, "user.role", {"role": _valid_role(role)},
                   expected_version=expected_version)
    site_key.after_access_change(ctx, info.username)
    return info


def set_display_name(ctx: AppContext, username: str, display_name: str, *,
                     expected_version: str | None = None) -> UserInfo:
    return _update(ctx, username, "user.rename", {"display_name": _display_name(display_name)},
                   expected_version=expected_version)


def unlock_user(ctx: AppContext, username: str, *,
                expected_version: str | None = None) -> UserInfo:
    return _update(ctx, username, "user.unlock",
                   {"locked": False, "failed_attempts": 0, "last_failed_at": None},
                   expected_version=expected_version)


def reset_password(ctx: AppContext, username: str, new_password: str, *,
                   expected_version: str | None = None) -> UserInfo:
    """An admin sets a temporary password; the user must change it at the next login."""
    require(ctx.actor, Permission.USERS_MANAGE)
    name = normalize_username(username)
    check_password_policy(new_password, name)
    hashed = hash_password(new_password)
    info = _update(ctx, name, "user.password_reset",
                   {"password_hash": hashed, "must_change_password": True, "locked": False,
                    "failed_attempts": 0, "last_failed_at": None,
                    "password_changed_at": ctx.now()}, expected_version=expected_version)
    site_key.after_password_reset(ctx, info.username, new_password)
    return info


def change_password(ctx: AppContext, old_password: str, new_password: str) -> UserInfo:
    """Change one's own password (also the forced change after a reset)."""
    name = ctx.actor.username
    check_password_policy(new_password, name)
    if new_password == old_password:
        raise ValidationError(N_("The new password must differ from the old one"),
                              field="password")
    hashed = hash_password(new_password)
    with ctx.db.write() as s:
        user = s.scalars(select(UserAccount).where(UserAccount.username == name)).first()
        if user is None or not user.active or not _verify(user.password_hash, old_password):
            raise ValidationError(N_("The current password is not right"), field="old_password")
        before = {"must_change_password": user.must_change_password}
        user.password_hash = hashed
        user.must_change_password = False
        now = ctx.now()
        user.password_changed_at = now
        user.updated_at = now
        audit.record(s, ctx.actor, "user.password_change", "user", name, before=before,
                     after={"must_change_password": False}, at=now)
        site_key.on_password_change(s, ctx, user, old_password, new_password, now)
        info = _info(user)
    logger.info("User %s changed their password", name)
    ctx.bus.publish(Change(ChangeKind.USER, (name,)))
    return info


# --- login -----------------------------------------------------------------------------


def login(ctx: AppContext, username: str, password: str, *, purpose: str = "login",
          channel: str = "") -> LoginResult:
    """Check a user name and password. Raises AuthError / LoginDelayed / AccountLocked.

    `purpose` "unlock" is the idle screen lock (audited as auth.screen_unlock). `channel`
    goes into the success line's detail ("cli:incident list": the audit view shows it as
    one command-line session). Failures are committed (counted and audited) before the
    error is raised.
    """
    if ctx.db.read_only:
        return login_read_only(ctx, username, password)
    name = normalize_username(username)
    now = ctx.now()
    error: AuthError | None = None
    result: LoginResult | None = None
    success_action = "auth.screen_unlock" if purpose == "unlock" else "auth.login"
    with ctx.db.write() as s:
        user = s.scalars(select(UserAccount).where(UserAccount.username == name)).first()
        if user is None:
            _verify(_dummy_hash(), password or "")  # same work as for a real account
            error = AuthError(N_("Wrong user name or password"))
            _audit_failure(s, Actor(name[:64] or "?", "", ""), "unknown_user", now)
        elif user.locked:
            error = _locked_error()
            _audit_failure(s, _actor(user), "locked", now)
        elif (wait := retry_after(user.failed_attempts, user.last_failed_at, now)) > 0:
            error = LoginDelayed(wait)
            _audit_failure(s, _actor(user), f"delay:{wait}s", now)
        elif not _verify(user.password_hash, password or ""):
            user.failed_attempts += 1
            user.last_failed_at = now
            limit = max(1, int(settings.get(s, settings.MAX_FAILED_LOGINS)))
            _audit_failure(s, _actor(user), "wrong_password:{}/{}".format(
                user.failed_attempts, limit), now)
            if user.failed_attempts >= limit:
                user.locked = True
                audit.record(s, _actor(user), "auth.lockout", "user", user.username,
                             before={"locked": False}, after={"locked": True},
                             at=now, detail=f"failed_logins:{user.failed_attempts}")
                logger.warning("Account %s locked after %s failed logins", user.username,
                               user.failed_attempts)
                error = _locked_error()
            else:
                error = AuthError(N_("Wrong user name or password"))
        elif not user.active:
            error = AuthError(N_("This account is disabled. Ask an administrator."))
            _audit_failure(s, _actor(user), "disabled", now)
        else:
            user.failed_attempts = 0
            user.last_failed_at = None
            user.last_login_at = now
            if PASSWORD_HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            detail = [channel] if channel else []
            if user.must_change_password:
                detail.append("must_change_password")
            audit.record(s, _actor(user), success_action, "user", user.username, before=None,
                         after=None, at=now, detail=";".join(detail))
            site_key.on_login(s, ctx, user, password, now)
            result = LoginResult(_info(user), user.must_change_password)
    if error is not None:
        logger.info("Login refused for %r: %s", name, error.text_in("en"))
        raise error
    assert result is not None
    logger.info("%s: %s", success_action, name)
    return result


def log_out(ctx: AppContext) -> None:
    """The window's "Keluar": audited as auth.logout, and the site key unwrapped at this
    user's login is forgotten (the next user must log in to sign)."""
    ctx.keyring.drop(ctx.actor.username)
    if ctx.db.read_only or not has_accounts(ctx):
        return
    now = ctx.now()
    with ctx.db.write() as s:
        audit.record(s, ctx.actor, "auth.logout", "user", ctx.actor.username, before=None,
                     after=None, at=now)
    logger.info("auth.logout: %s", ctx.actor.username)


def login_read_only(ctx: AppContext, username: str, password: str) -> LoginResult:
    """Login to a database that cannot be written (read-only file, folder or medium;
    damage found): the password, the lock and the disabled flag are checked as usual, but
    nothing is recorded — no `last_login_at`, no audit line, failures are not counted, a
    forced password change waits for a writable database, the site key is not unsealed
    (nothing can be exported from it). Whoever can read such a file can read the password
    hashes in it anyway, so the lockout protects nothing extra there (docs/decisions.md)."""
    name = normalize_username(username)
    with ctx.db.read() as s:
        user = s.scalars(select(UserAccount).where(UserAccount.username == name)).first()
        info = _info(user) if user is not None else None
        stored_hash = user.password_hash if user is not None else _dummy_hash()
    ok = _verify(stored_hash, password or "")
    if info is None or not ok:
        logger.info("Read-only login refused for %r", name)
        raise AuthError(N_("Wrong user name or password"))
    if info.locked:
        raise _locked_error()
    if not info.active:
        raise AuthError(N_("This account is disabled. Ask an administrator."))
    logger.info("auth.login (read-only, not recorded): %s", name)
    return LoginResult(info, False)  # a forced password change cannot be saved: view only


def _actor(user: UserAccount) -> Actor:
    return Actor(user.username, user.role, user.display_name)


def _locked_error() -> AccountLocked:
    return AccountLocked(N_("This account is locked after too many failed logins. "
                            "Ask an administrator to unlock it."))


def _audit_failure(s: Session, actor: Actor, reason: str, now: datetime) -> None:
    audit.record(s, actor, "auth.login_failed", "user", actor.username, before=None,
                 after=None, at=now, detail=reason)
