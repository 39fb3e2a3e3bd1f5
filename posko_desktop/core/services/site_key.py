"""The site's signing key belongs to the site (docs/decisions.md, "The site's signing key").

It lives in the database: the public half in the clear (`site_key`), the private half only
sealed to each user who may export (`site_key_grant`, opened with the user's X25519 key,
which is encrypted under their password: `user_key`). Logging in unwraps it into the
session's keyring (`AppContext.keyring`); nothing else ever holds it in the clear. So every
workstation and OS account of a site signs with the same key, a backup carries it, and a
copied database file without a password cannot sign.

`accounts` calls the hooks below (`on_*` inside its transaction, `after_*` after it);
`sync` takes the key with `signing_key`. Grants follow the users: whoever holds the key in
their session hands it to every user who may export and has a key pair yet (at login, when
adding or resetting a user, when exporting); a disabled user, or one whose role lost
`data.export`, loses their grant. A key file made by an older version (one per OS user) is
imported at the first login of a user who may export on that machine, keeping its
fingerprint; key files of this site that differ (server mode: one per workstation) are
recorded and reported (`status`), never used.
"""

from __future__ import annotations

import getpass
import json
import logging
import socket
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import Connection, Engine, event, func, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext, local_site
from posko_desktop.core.db.engine import BUSY_TIMEOUT_MS
from posko_desktop.core.db.models import LocalSite
from posko_desktop.core.db.models_accounts import UserAccount
from posko_desktop.core.db.models_site_key import (
    STATE_ACTIVE,
    STATE_AWAITING_IMPORT,
    SiteKey,
    SiteKeyGrant,
    SiteKeyOther,
    UserKey,
)
from posko_desktop.core.domain import Actor, NotFoundError, PoskoError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, can, require
from posko_desktop.core.sync import keys, keywrap

logger = logging.getLogger(__name__)

SITE_KEY_ID = 1


class SiteKeyError(PoskoError):
    code = "site_key"


# --- DTOs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserKeyState:
    username: str
    role: str
    state: str  # holds | waiting (has a key pair, no grant yet) | must_log_in (no key pair)


@dataclass(frozen=True)
class OtherKey:
    fingerprint: str
    short_fingerprint: str
    site_code: str
    found_at: datetime
    found_by: str
    host: str
    os_user: str
    path: str


@dataclass(frozen=True)
class SiteKeyStatus:
    state: str  # active | awaiting_import | none
    fingerprint: str
    short_fingerprint: str
    origin: str  # created | imported
    origin_detail: str
    created_at: datetime | None
    created_by: str
    session_can_sign: bool
    users: list[UserKeyState]  # users who may export
    others: list[OtherKey]
    local_file: str  # this OS user's old key file of the site, "" if none
    local_file_fingerprint: str


# --- reading ---------------------------------------------------------------------------


def _row(s: Session) -> SiteKey | None:
    return s.get(SiteKey, SITE_KEY_ID)


def _active(s: Session) -> SiteKey | None:
    row = _row(s)
    return row if row is not None and row.state == STATE_ACTIVE else None


def _eligible(user: UserAccount) -> bool:
    """May hold the site key: an active account whose role may export."""
    return bool(user.active) and can(_actor(user), Permission.EXPORT)


def _actor(user: UserAccount) -> Actor:
    return Actor(user.username, user.role, user.display_name)


def _locked(row: UserKey) -> keywrap.LockedUserKey:
    return keywrap.LockedUserKey(row.public_key, row.kdf, row.salt, row.nonce,
                                 row.encrypted_private)


def public_info(ctx: AppContext) -> keys.PublicKeyInfo | None:
    """The site's public key, None while it has none (no permission needed: it is public)."""
    with ctx.db.read() as s:
        row = _active(s)
        site = s.scalars(select(LocalSite)).first()
        if row is None or row.public_key is None or site is None:
            return None
        return keys.PublicKeyInfo(site.code, site.name, row.public_key)


def ensure_public(ctx: AppContext) -> keys.PublicKeyInfo:
    """The site's public key, or SiteKeyError saying how the site gets one."""
    info = public_info(ctx)
    if info is not None:
        return info
    with ctx.db.read() as s:
        local_site(s)  # "no site yet" comes first
        raise _missing_key_error(s)


def session_public_info(ctx: AppContext) -> keys.PublicKeyInfo:
    """The public key of the key this session signs with (it must be the site's)."""
    with ctx.db.read() as s:
        key = _session_key_or_error(ctx, s)
        site = local_site(s)
        return keys.public_info(key, site.code, site.name)


def signing_key(ctx: AppContext, s: Session) -> Ed25519PrivateKey:
    """The site key of this session, for signing inside the caller's write transaction;
    hands it on to users still waiting for it. SiteKeyError says what to do otherwise."""
    key = _session_key_or_error(ctx, s)
    _complete_grants(s, key, ctx.actor, ctx.now())
    return key


def _session_key_or_error(ctx: AppContext, s: Session) -> Ed25519PrivateKey:
    row = _active(s)
    if row is None:
        raise _missing_key_error(s)
    key = ctx.keyring.get(ctx.actor.username)
    if key is None:
        raise _session_error(ctx, s)
    if keywrap.key_fingerprint(key) != row.fingerprint:
        raise SiteKeyError(N_("The site's signing key is not the one you logged in with (was "
                              "the database restored or replaced?): log in again"))
    return key


def _has_accounts(s: Session) -> bool:
    return (s.scalar(select(func.count()).select_from(UserAccount)) or 0) > 0


def _missing_key_error(s: Session) -> SiteKeyError:
    if not _has_accounts(s):
        return SiteKeyError(N_("This site has no signing key yet: it is made together with the "
                               "first administrator (posko init --admin-user NAME, or the "
                               "set-up wizard)"))
    row = _row(s)
    if row is not None and row.state == STATE_AWAITING_IMPORT:
        return SiteKeyError(N_("The site's signing key is not in the database yet: log in once "
                               "on the computer where this site's key was made (an older "
                               "version kept it there), or make a new key with: posko keys "
                               "new (partners must then trust the new key)"))
    return SiteKeyError(N_("This site has no signing key yet: log in as a user who may export"))


def _session_error(ctx: AppContext, s: Session) -> SiteKeyError:
    if not _has_accounts(s):
        return _missing_key_error(s)
    user = s.scalars(select(UserAccount).where(
        UserAccount.username == ctx.actor.username)).first()
    if user is not None and _eligible(user) and s.get(SiteKeyGrant, user.id) is None:
        return SiteKeyError(N_("{user} has not received the site's signing key yet: it is "
                               "handed over the next time a user who holds it (for example an "
                               "administrator) logs in"), user=user.username)
    # not an account that may export, or one that did not log in in this session
    return SiteKeyError(N_("This session cannot sign for the site: log in as a user who may "
                           "export"))


# --- hooks called by services/accounts.py ------------------------------------------------


def on_first_admin(s: Session, ctx: AppContext, user: UserAccount, password: str,
                   now: datetime) -> None:
    """A new database gets its key here (or an old key file of this site is imported)."""
    _new_user_key(s, user, password, now)
    actor = _actor(user)
    key = _adopt(s, ctx.keyring.legacy_dir, actor, now)
    if key is not None:
        ctx.keyring.put(user.username, key)
        _complete_grants(s, key, actor, now)


def on_user_added(s: Session, ctx: AppContext, user: UserAccount, password: str,
                  now: datetime) -> None:
    _new_user_key(s, user, password, now)
    _grant_from_session(s, ctx, now)


def on_password_change(s: Session, ctx: AppContext, user: UserAccount, old_password: str,
                       new_password: str, now: datetime) -> None:
    """The user's own key pair is re-encrypted under the new password (grants stay)."""
    row = s.get(UserKey, user.id)
    try:
        if row is None:
            raise keywrap.UnwrapError("no key pair yet")
        private = keywrap.open_user_key(_locked(row), old_password, user.username)
    except keywrap.UnwrapError as err:
        logger.info("New key pair for %s at the password change (%s)", user.username, err)
        _new_user_key(s, user, new_password, now)
        _withdraw(s, user, ctx.actor, now)
    else:
        _store_user_key(s, user, keywrap.lock_user_key(private, new_password, user.username),
                        now)
    _grant_from_session(s, ctx, now)


def on_login(s: Session, ctx: AppContext, user: UserAccount, password: str,
             now: datetime) -> None:
    """Unwrap the site key into the keyring (when this user holds it) and tidy up: a key
    pair for a user who has none, an old key file to import or to report, waiting grants."""
    actor = _actor(user)
    private = _open_or_renew_user_key(s, user, password, now)
    if not _eligible(user):
        _withdraw(s, user, actor, now)
        ctx.keyring.drop(user.username)
        return
    key = _adopt(s, ctx.keyring.legacy_dir, actor, now)
    row = _active(s)
    if row is None:
        ctx.keyring.drop(user.username)
        return
    if key is None:
        key = _unseal(s, user, private, row, actor, now)
        from_file = _check_local_file(s, ctx.keyring.legacy_dir, row, actor, now)
        key = key or from_file
    if key is None:
        ctx.keyring.drop(user.username)
        return
    ctx.keyring.put(user.username, key)
    _complete_grants(s, key, actor, now)


def after_password_reset(ctx: AppContext, username: str, new_password: str) -> None:
    """An admin reset: a new key pair under the temporary password; the grant is given
    again at once when the admin's session holds the site key, else by the next holder."""
    now = ctx.now()
    with ctx.db.write() as s:
        user = _user(s, username)
        _new_user_key(s, user, new_password, now)
        _withdraw(s, user, ctx.actor, now)
        _grant_from_session(s, ctx, now)
    ctx.bus.publish(Change(ChangeKind.SITE_KEY, (username,)))


def after_access_change(ctx: AppContext, username: str) -> None:
    """After disable / enable / role change: withdraw or give the grant."""
    now = ctx.now()
    with ctx.db.write() as s:
        user = _user(s, username)
        if not _eligible(user):
            _withdraw(s, user, ctx.actor, now)
        else:
            _grant_from_session(s, ctx, now)
    ctx.bus.publish(Change(ChangeKind.SITE_KEY, (username,)))


def _user(s: Session, username: str) -> UserAccount:
    user = s.scalars(select(UserAccount).where(UserAccount.username == username)).first()
    if user is None:
        raise NotFoundError(N_("No user {username}"), username=username)
    return user


# --- an admin's explicit steps -----------------------------------------------------------


def create_new(ctx: AppContext) -> keys.PublicKeyInfo:
    """`posko keys new`: a new key for a database from before 0008 whose old key file no
    computer holds any more. Partners must trust the new key."""
    require(ctx.actor, Permission.KEYS_MANAGE)
    now = ctx.now()
    with ctx.db.write() as s:
        site = local_site(s)
        row = _row(s)
        if row is not None and row.state == STATE_ACTIVE:
            raise SiteKeyError(N_("This site already has its signing key {fingerprint}"),
                               fingerprint=keys.short_fingerprint(row.fingerprint or ""))
        user = s.scalars(select(UserAccount).where(
            UserAccount.username == ctx.actor.username)).first()
        if user is None or s.get(UserKey, user.id) is None:
            raise SiteKeyError(N_("This session cannot sign for the site: log in as a user who "
                                  "may export"))
        key = Ed25519PrivateKey.generate()
        _activate(s, row, key, "created", "posko keys new", ctx.actor, now)
        _complete_grants(s, key, ctx.actor, now)
        info = keys.public_info(key, site.code, site.name)
    ctx.keyring.put(ctx.actor.username, key)
    ctx.bus.publish(Change(ChangeKind.SITE_KEY, (info.fingerprint,)))
    return info


def status(ctx: AppContext) -> SiteKeyStatus:
    """`posko keys status`: the key, who holds it, who waits, other keys found."""
    require(ctx.actor, Permission.KEYS_MANAGE)
    with ctx.db.read() as s:
        row = _row(s)
        state = "none" if row is None else row.state
        fingerprint = (row.fingerprint or "") if row is not None else ""
        grants = {g.user_id: g.fingerprint for g in s.scalars(select(SiteKeyGrant))}
        pairs = set(s.scalars(select(UserKey.user_id)))
        users = []
        for u in s.scalars(select(UserAccount).order_by(UserAccount.username)):
            if not _eligible(u):
                continue
            held = fingerprint and grants.get(u.id) == fingerprint
            users.append(UserKeyState(u.username, u.role, "holds" if held else (
                "waiting" if u.id in pairs else "must_log_in")))
        others = [OtherKey(o.fingerprint, keys.short_fingerprint(o.fingerprint), o.site_code,
                           o.found_at, o.found_by, o.host, o.os_user, o.path)
                  for o in s.scalars(select(SiteKeyOther).order_by(SiteKeyOther.found_at))]
        local_path, local_fp = "", ""
        found = _read_old_key_file(s, ctx.keyring.legacy_dir)
        if found is not None:
            local_path, local_fp = str(found[1]), keywrap.key_fingerprint(found[0])
        session = ctx.keyring.get(ctx.actor.username)
        return SiteKeyStatus(
            state, fingerprint, keys.short_fingerprint(fingerprint) if fingerprint else "",
            row.origin if row else "", row.origin_detail if row else "",
            row.created_at if row else None, row.created_by if row else "",
            session is not None and keywrap.key_fingerprint(session) == fingerprint,
            users, others, local_path, local_fp)


# --- the key itself ----------------------------------------------------------------------


def _adopt(s: Session, legacy_dir: Path | None, actor: Actor,
           now: datetime) -> Ed25519PrivateKey | None:
    """Give the site its key when it has none: import this OS user's old key file of the
    site (keeping its fingerprint), else, for a new database, make one. Returns the key
    when it was adopted now."""
    row = _row(s)
    if row is not None and row.state == STATE_ACTIVE:
        return None
    found = _read_old_key_file(s, legacy_dir)
    if found is not None:
        key, path = found
        detail = json.dumps({"host": socket.gethostname(), "os_user": _os_user(),
                             "path": str(path)}, ensure_ascii=False)
        _activate(s, row, key, "imported", detail, actor, now)
        # the database holds it now: the plain file goes once that is committed
        _after_commit(s, lambda: keywrap.secure_delete_file(path))
        logger.info("Site key %s imported from %s", keys.short_fingerprint(
            keywrap.key_fingerprint(key)), path)
        return key
    if row is None:  # a new database: never had a key anywhere
        key = Ed25519PrivateKey.generate()
        _activate(s, None, key, "created", "", actor, now)
        logger.info("Site key %s created", keys.short_fingerprint(keywrap.key_fingerprint(key)))
        return key
    return None


def _activate(s: Session, row: SiteKey | None, key: Ed25519PrivateKey, origin: str,
              detail: str, actor: Actor, now: datetime) -> None:
    info = keys.public_info(key, "", "")
    if row is None:
        row = SiteKey(id=SITE_KEY_ID)
        s.add(row)
    row.state = STATE_ACTIVE
    row.public_key = info.public_key
    row.fingerprint = info.fingerprint
    row.origin = origin
    row.origin_detail = detail
    row.created_at = now
    row.created_by = actor.username
    s.flush()
    audit.record(s, actor, "site_key.import" if origin == "imported" else "site_key.create",
                 "site_key", info.fingerprint, before=None,
                 after={"fingerprint": info.short_fingerprint}, at=now)


def _read_old_key_file(s: Session, legacy_dir: Path | None
                       ) -> tuple[Ed25519PrivateKey, Path] | None:
    """This site's key file in an OS user's keys folder (made by versions before 0008)."""
    site = s.scalars(select(LocalSite)).first()
    if legacy_dir is None or site is None:
        return None
    path = keys.private_key_path(legacy_dir, site.code)
    if not path.is_file():
        return None
    try:
        return keys.load_private_key(legacy_dir, site.code), path
    except keys.KeyError_:
        return None  # logged by load_private_key


def _check_local_file(s: Session, legacy_dir: Path | None, row: SiteKey, actor: Actor,
                      now: datetime) -> Ed25519PrivateKey | None:
    """An old key file here: the site key itself (removed, the database has it; returned)
    or another key (recorded for `status`, left in place)."""
    found = _read_old_key_file(s, legacy_dir)
    if found is None:
        return None
    key, path = found
    fingerprint = keywrap.key_fingerprint(key)
    if fingerprint == row.fingerprint:
        _after_commit(s, lambda: keywrap.secure_delete_file(path))
        return key
    if s.get(SiteKeyOther, fingerprint) is None:
        site = local_site(s)
        s.add(SiteKeyOther(fingerprint=fingerprint, public_key=keys.public_info(
            key, "", "").public_key, site_code=site.code, found_at=now, found_by=actor.username,
            host=socket.gethostname()[:255], os_user=_os_user()[:64], path=str(path)))
        audit.record(s, actor, "site_key.other_found", "site_key", fingerprint, before=None,
                     after={"fingerprint": keys.short_fingerprint(fingerprint),
                            "site_key": keys.short_fingerprint(row.fingerprint or "")},
                     at=now, detail=str(path))
        logger.warning("Key file %s holds key %s, not the site key %s: not used; partners who "
                       "trusted it must trust the site key", path,
                       keys.short_fingerprint(fingerprint),
                       keys.short_fingerprint(row.fingerprint or ""))
    return None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


# --- user key pairs and grants -----------------------------------------------------------


def _new_user_key(s: Session, user: UserAccount, password: str,
                  now: datetime) -> X25519PrivateKey:
    private, locked = keywrap.new_user_key(password, user.username)
    _store_user_key(s, user, locked, now)
    return private


def _store_user_key(s: Session, user: UserAccount, locked: keywrap.LockedUserKey,
                    now: datetime) -> None:
    with _secure_delete(s):
        row = s.get(UserKey, user.id)
        if row is None:
            row = UserKey(user_id=user.id)
            s.add(row)
        row.public_key, row.kdf, row.salt = locked.public_key, locked.kdf, locked.salt
        row.nonce, row.encrypted_private, row.updated_at = locked.nonce, locked.ciphertext, now


def _open_or_renew_user_key(s: Session, user: UserAccount, password: str,
                            now: datetime) -> X25519PrivateKey:
    """The user's private key (the password was just checked). A user from before 0008
    gets a pair; one that does not open (it should) is replaced and its grant withdrawn;
    one under weaker key derivation than today's is re-encrypted."""
    row = s.get(UserKey, user.id)
    if row is None:
        return _new_user_key(s, user, password, now)
    try:
        private = keywrap.open_user_key(_locked(row), password, user.username)
    except keywrap.UnwrapError as err:
        logger.warning("The key pair of %s did not open with the right password (%s): "
                       "replaced", user.username, err)
        _withdraw(s, user, _actor(user), now)
        return _new_user_key(s, user, password, now)
    if keywrap.needs_relock(_locked(row)):
        _store_user_key(s, user, keywrap.lock_user_key(private, password, user.username), now)
    return private


def _unseal(s: Session, user: UserAccount, private: X25519PrivateKey, row: SiteKey,
            actor: Actor, now: datetime) -> Ed25519PrivateKey | None:
    grant = s.get(SiteKeyGrant, user.id)
    if grant is None or grant.fingerprint != row.fingerprint:
        return None
    try:
        return keywrap.unseal_site_key(keywrap.SealedSiteKey(
            grant.ephemeral_public, grant.nonce, grant.sealed), private, user.username,
            row.fingerprint or "")
    except keywrap.UnwrapError as err:
        logger.warning("The site key grant of %s did not open (%s): withdrawn", user.username,
                       err)
        _withdraw(s, user, actor, now)
        return None


def _grant_from_session(s: Session, ctx: AppContext, now: datetime) -> None:
    key = ctx.keyring.get(ctx.actor.username)
    row = _active(s)
    if key is not None and row is not None and keywrap.key_fingerprint(key) == row.fingerprint:
        _complete_grants(s, key, ctx.actor, now)


def _complete_grants(s: Session, key: Ed25519PrivateKey, actor: Actor, now: datetime) -> None:
    """Seal the site key to every user who may export and has a key pair but no grant;
    withdraw the grants of users who may not (any more)."""
    row = _active(s)
    fingerprint = keywrap.key_fingerprint(key)
    if row is None or row.fingerprint != fingerprint:
        return
    grants = {g.user_id: g for g in s.scalars(select(SiteKeyGrant))}
    pairs = {k.user_id: k for k in s.scalars(select(UserKey))}
    for user in s.scalars(select(UserAccount)).all():
        grant, pair = grants.get(user.id), pairs.get(user.id)
        if not _eligible(user):
            if grant is not None:
                _withdraw(s, user, actor, now)
            continue
        if pair is None or (grant is not None and grant.fingerprint == fingerprint):
            continue
        sealed = keywrap.seal_site_key(key, pair.public_key, user.username)
        with _secure_delete(s):
            if grant is None:
                grant = SiteKeyGrant(user_id=user.id)
                s.add(grant)
            grant.fingerprint, grant.ephemeral_public = fingerprint, sealed.ephemeral_public
            grant.nonce, grant.sealed = sealed.nonce, sealed.ciphertext
            grant.granted_at, grant.granted_by = now, actor.username
        audit.record(s, actor, "site_key.grant", "user", user.username, before=None,
                     after={"fingerprint": keys.short_fingerprint(fingerprint)}, at=now)
        logger.info("Site key handed to %s by %s", user.username, actor.username)


def _withdraw(s: Session, user: UserAccount, actor: Actor, now: datetime) -> None:
    grant = s.get(SiteKeyGrant, user.id)
    if grant is None:
        return
    with _secure_delete(s):
        s.delete(grant)
    engine = s.get_bind()
    _after_commit(s, lambda: _checkpoint(engine))
    audit.record(s, actor, "site_key.grant_withdrawn", "user", user.username,
                 before={"fingerprint": keys.short_fingerprint(grant.fingerprint)}, after=None,
                 at=now)
    logger.info("Site key grant of %s withdrawn by %s", user.username, actor.username)


# --- leaving no copies behind --------------------------------------------------------------


@contextmanager
def _secure_delete(s: Session) -> Iterator[None]:
    """Rows changed or deleted inside are overwritten with zeros in the SQLite file
    (PRAGMA secure_delete), not left in its free space. PostgreSQL has no such switch
    (docs/decisions.md)."""
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        yield
        s.flush()
        return
    before = conn.exec_driver_sql("PRAGMA secure_delete").scalar()
    conn.exec_driver_sql("PRAGMA secure_delete = 1")
    try:
        yield
        s.flush()
    finally:
        conn.exec_driver_sql("PRAGMA secure_delete = {n}".format(n=int(before or 0)))


def _after_commit(s: Session, action: Callable[[], None]) -> None:
    event.listen(s, "after_commit", lambda _session: action(), once=True)


def _checkpoint(engine: Engine | Connection) -> None:
    """Best effort, after a grant was removed: copy the WAL into the file and empty it, so
    older page images do not stay in the -wal file. Gives up at once while another
    connection still reads an older snapshot."""
    if engine.dialect.name != "sqlite" or not isinstance(engine, Engine):
        return
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA busy_timeout = 200")
        try:
            busy = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            cur.execute("PRAGMA busy_timeout = {ms}".format(ms=BUSY_TIMEOUT_MS))
        if busy:
            logger.info("The WAL was not emptied now: another connection reads")
    except sqlite3.Error as err:
        logger.warning("WAL checkpoint after removing a grant failed: %s", err)
    finally:
        raw.close()
