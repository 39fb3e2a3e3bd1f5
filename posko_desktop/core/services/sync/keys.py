"""This site's signing key and the trust list of the other sites' public keys
(docs/sync-format.md, "Sites and keys")."""

from __future__ import annotations

import logging
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext, local_site
from posko_desktop.core.db.models import LocalSite, Regency
from posko_desktop.core.db.models_sync import SyncKey
from posko_desktop.core.domain import (
    PROVINCE_CODE,
    NotFoundError,
    ValidationError,
    is_agency_site,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit, site_key
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.sync.results import KeyStatus, SyncError
from posko_desktop.core.sync import keys as keymod

logger = logging.getLogger(__name__)


def ensure_site_key(ctx: AppContext, keys_dir: Path) -> keymod.PublicKeyInfo:
    """This site's public key, kept in the database (services/site_key.py); SiteKeyError
    says how the site gets one. `keys_dir` (the old per-OS-user key folder) is read at
    login through `ctx.keyring`, not here."""
    return site_key.ensure_public(ctx)


def export_public_key(ctx: AppContext, keys_dir: Path, out: Path) -> keymod.PublicKeyInfo:
    require(ctx.actor, Permission.EXPORT)
    info = site_key.session_public_info(ctx)  # the key this session signs with
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(keymod.public_key_file_bytes(info))
    tmp.replace(out)
    logger.info("Public key of site %s written to %s", info.site_code, out)
    return info


def load_signing_key(ctx: AppContext, s: Session, keys_dir: Path,
                     site: LocalSite) -> tuple[Ed25519PrivateKey, keymod.PublicKeyInfo]:
    """The export's one step that loads this site's private key (inside the export's write
    transaction `s`), with the public key information the manifest names."""
    private = site_key.signing_key(ctx, s)  # unwrapped at login, never from a file
    pub = keymod.public_info(private, site.code, site.name)
    return private, pub


def inspect_key_file(path: Path) -> keymod.PublicKeyInfo:
    """Read a public key file without trusting it (to show its fingerprint first)."""
    return keymod.read_public_key_file(path)


def _normal_fp(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def trust_key(ctx: AppContext, path: Path, confirmed_fingerprint: str) -> KeyStatus:
    """Add a site's public key to the trust list. The admin types (or confirms) the short
    fingerprint read out by the other office; a mismatch is refused."""
    require(ctx.actor, Permission.KEYS_MANAGE)
    info = keymod.read_public_key_file(path)
    if _normal_fp(confirmed_fingerprint) != _normal_fp(info.short_fingerprint):
        raise SyncError(N_("The fingerprint you confirmed ({given}) is not the fingerprint of "
                           "{file} ({actual}); the key was not added"),
                        given=confirmed_fingerprint, file=path.name, actual=info.short_fingerprint)
    now = ctx.now()
    with ctx.db.write() as s:
        site = local_site(s)
        if (info.site_code != PROVINCE_CODE and s.get(Regency, info.site_code) is None
                and not is_agency_site(info.site_code)):
            raise SyncError(N_("{file} belongs to unknown site {code}"), file=path.name,
                            code=info.site_code)
        if info.site_code == site.code:
            raise SyncError(N_("{file} is the key of this site ({code}) itself"),
                            file=path.name, code=site.code)
        row = s.get(SyncKey, info.fingerprint)
        if row is not None and row.revoked_at is not None:
            raise SyncError(N_("Key {fingerprint} was revoked; ask site {code} for a new key"),
                            fingerprint=info.short_fingerprint, code=row.site_code)
        if row is None:
            row = SyncKey(fingerprint=info.fingerprint, site_code=info.site_code,
                          site_name=info.site_name, public_key=info.public_key, added_at=now,
                          added_by=ctx.actor.username, revoked_at=None, revoked_by=None)
            s.add(row)
            audit.record(s, ctx.actor, "sync.key_trust", "sync_key", info.fingerprint,
                         before=None, after={"site": info.site_code,
                                             "fingerprint": info.short_fingerprint}, at=now)
            logger.info("Key %s of site %s trusted by %s", info.short_fingerprint,
                        info.site_code, ctx.actor.username)
        result = _key_status(row)
    ctx.bus.publish(Change(ChangeKind.SYNC_KEY, (info.fingerprint,)))
    return result


def list_keys(ctx: AppContext) -> list[KeyStatus]:
    with ctx.db.read() as s:
        rows = s.scalars(select(SyncKey).order_by(SyncKey.site_code, SyncKey.added_at)).all()
        return [_key_status(r) for r in rows]


def revoke_key(ctx: AppContext, fingerprint: str) -> KeyStatus:
    """Revoke by full or short fingerprint; packages signed with it are refused from now on."""
    require(ctx.actor, Permission.KEYS_MANAGE)
    wanted = _normal_fp(fingerprint).lower()
    if len(wanted) < 8:
        raise ValidationError(N_("Give at least 8 characters of the fingerprint"), field="fingerprint")
    with ctx.db.write() as s:
        matches = [k for k in s.scalars(select(SyncKey)) if k.fingerprint.startswith(wanted)]
        if len(matches) != 1:
            raise NotFoundError(N_("No single trusted key has fingerprint {fingerprint}"),
                                fingerprint=fingerprint)
        row = matches[0]
        if row.revoked_at is None:
            row.revoked_at = now = ctx.now()
            row.revoked_by = ctx.actor.username
            audit.record(s, ctx.actor, "sync.key_revoke", "sync_key", row.fingerprint,
                         before={"revoked": False}, after={"revoked": True}, at=now)
            logger.info("Key %s of site %s revoked by %s", row.fingerprint[:20], row.site_code,
                        ctx.actor.username)
        result = _key_status(row)
    ctx.bus.publish(Change(ChangeKind.SYNC_KEY, (result.fingerprint,)))
    return result


def _key_status(k: SyncKey) -> KeyStatus:
    return KeyStatus(k.fingerprint, keymod.short_fingerprint(k.fingerprint), k.site_code,
                     k.site_name, k.added_at, k.added_by, k.revoked_at)
