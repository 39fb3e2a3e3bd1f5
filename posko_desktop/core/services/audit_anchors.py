"""Audit anchors: a site's audit head kept outside its own database (docs/roles.md).

Every package a site signs carries its audit head (newest entry id and hash) in the signed
manifest (`audit_anchor`, package format 2); the receiver keeps it (`audit_anchor` table,
`in`), so the province holds every regency's and each regency the province's. The sender
keeps what it sent (`out`). `export_anchors` writes the anchors held for one site into a
file signed with this site's key; that site checks its trail against it
(`audit_verify.verify(..., anchor_files=[...])`): a trail cut back, wiped, recomputed or
renumbered after an anchor was sent no longer holds that entry with that hash.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext, local_site
from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.db.models_audit import AuditAnchor
from posko_desktop.core.db.models_sync import SyncKey, SyncPackage
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit, site_key
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.reference import normalize_site_code
from posko_desktop.core.services.sync.results import BROADCAST
from posko_desktop.core.sync import keys as keymod

logger = logging.getLogger(__name__)

ANCHOR_FORMAT = 2  # the package format whose manifest may carry `audit_anchor`
FILE_FORMAT = "posko-audit-anchors"
MAX_FILE_BYTES = 16 * 1024 * 1024
_FORMAT_RE = re.compile(r'"format_version"\s*:\s*(\d+)')


class AnchorError(PoskoError):
    code = "audit_anchor"


@dataclass(frozen=True)
class HeldAnchor:
    """One anchor of `site_code`'s trail: entry `entry_id` had hash `hash`."""

    site_code: str
    entry_id: int
    hash: str
    entry_at: datetime | None
    package_id: str
    received_at: datetime
    source: str  # who holds it: the partner site; "" for an anchor a partner sent here

    def to_json(self) -> dict[str, Any]:
        return {"entry_id": self.entry_id, "hash": self.hash,
                "entry_at": _iso(self.entry_at), "package_id": self.package_id,
                "received_at": _iso(self.received_at)}


@dataclass(frozen=True)
class AnchorFile:
    path: Path
    holder_site: str
    holder_name: str
    site_code: str
    created_at: datetime
    anchors: tuple[HeldAnchor, ...]


def _iso(at: datetime | None) -> str | None:
    if at is None:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _parse_time(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


# --- in packages -------------------------------------------------------------------------


def own_head(s: Session) -> tuple[int, str, datetime | None]:
    """The newest entry of this site's trail: (id, hash, time); (0, zeros, None) if empty."""
    row = s.execute(select(AuditEntry.id, AuditEntry.hash, AuditEntry.at)
                    .order_by(AuditEntry.id.desc()).limit(1)).first()
    return (row[0], row[1], row[2]) if row is not None else (0, audit.GENESIS, None)


def _reads_anchors(s: Session, recipient: str) -> bool:
    """False while the recipient (for a broadcast: any trusted site) last sent a package of
    format 1: it runs an older version, which refuses format 2 ("update Posko Desk")."""
    if recipient == BROADCAST:
        peers = list(s.scalars(select(SyncKey.site_code).where(SyncKey.revoked_at.is_(None))
                               .distinct()))
    else:
        peers = [recipient]
    for peer in peers:
        manifest = s.scalar(select(SyncPackage.manifest).where(
            SyncPackage.direction == "in", SyncPackage.source_site == peer)
            .order_by(SyncPackage.processed_at.desc()).limit(1))
        found = _FORMAT_RE.search(manifest[:4096]) if manifest else None
        if found is not None and int(found.group(1)) < ANCHOR_FORMAT:
            return False
    return True


def manifest_fields(s: Session, site_code: str, recipient: str, package_id: uuid.UUID,
                    now: datetime) -> dict[str, Any]:
    """The manifest's `format_version` and `audit_anchor` for a package being exported in
    `s`; the anchor sent is kept (`out`). Format 1 without an anchor for a recipient still
    on an older version."""
    if not _reads_anchors(s, recipient):
        logger.info("Package %s for %s without an audit anchor (format 1: the recipient runs "
                    "an older version)", package_id, recipient)
        return {"format_version": 1}
    entry_id, digest, at = own_head(s)
    s.add(AuditAnchor(direction="out", site_code=site_code, peer_site=recipient[:5],
                      entry_id=entry_id, hash=digest, entry_at=at, package_id=package_id,
                      recorded_at=now))
    return {"format_version": ANCHOR_FORMAT,
            "audit_anchor": {"entry_id": entry_id, "hash": digest, "at": _iso(at)}}


def record_received(s: Session, ctx: AppContext, manifest: dict[str, Any], file_name: str,
                    now: datetime) -> None:
    """Keep the sender's anchor from an accepted package (in the import's transaction). An
    anchor that contradicts one held already (same entry, other hash; or an older entry
    than one held) is kept too and recorded in the trail: the sender's trail was rewritten
    or restored from a backup; its own `audit verify --anchors` will name the entry."""
    anchor = manifest.get("audit_anchor")
    if anchor is None:
        return
    source = manifest["source_site"]
    if (anchor["entry_id"] == 0) != (anchor["hash"] == audit.GENESIS):
        raise AnchorError(N_("{file}: the audit anchor in the manifest is not possible "
                             "(entry {id}, hash {hash})"), file=file_name,
                          id=anchor["entry_id"], hash=anchor["hash"][:16])
    held = s.execute(select(AuditAnchor.entry_id, AuditAnchor.hash).where(
        AuditAnchor.direction == "in", AuditAnchor.site_code == source,
        AuditAnchor.entry_id == anchor["entry_id"], AuditAnchor.hash != anchor["hash"])
        .limit(1)).first()
    newest = s.scalar(select(func.max(AuditAnchor.entry_id)).where(
        AuditAnchor.direction == "in", AuditAnchor.site_code == source))
    s.add(AuditAnchor(direction="in", site_code=source, peer_site=source,
                      entry_id=anchor["entry_id"], hash=anchor["hash"],
                      entry_at=_parse_time(anchor["at"]),
                      package_id=uuid.UUID(manifest["package_id"]), recorded_at=now))
    if held is None and (newest is None or anchor["entry_id"] >= newest):
        return
    before = ({"entry_id": held[0], "hash": held[1]} if held is not None
              else {"entry_id": newest})
    logger.warning("Site %s sent audit anchor #%s %s, which contradicts %s held here",
                   source, anchor["entry_id"], anchor["hash"][:16], before)
    audit.record(s, ctx.actor, "audit.anchor_mismatch", "site", source, before=before,
                 after={"entry_id": anchor["entry_id"], "hash": anchor["hash"]}, at=now,
                 detail="package {pid} ({file})".format(pid=manifest["package_id"],
                                                       file=file_name))


# --- held anchors, as a signed file ------------------------------------------------------


def _held(s: Session, direction: str, site_code: str | None = None) -> list[HeldAnchor]:
    stmt = select(AuditAnchor).where(AuditAnchor.direction == direction)
    if site_code is not None:
        stmt = stmt.where(AuditAnchor.site_code == site_code)
    rows = s.scalars(stmt.order_by(AuditAnchor.site_code, AuditAnchor.entry_id,
                                   AuditAnchor.id))
    return [HeldAnchor(r.site_code, r.entry_id, r.hash, r.entry_at, str(r.package_id),
                       r.recorded_at, "" if direction == "in" else r.peer_site) for r in rows]


def held_anchors(ctx: AppContext, site_code: str | None = None) -> list[HeldAnchor]:
    """The anchors partner sites sent here (all, or those of one site)."""
    require(ctx.actor, Permission.AUDIT_VIEW)
    with ctx.db.read() as s:
        return _held(s, "in", normalize_site_code(site_code) if site_code else None)


def sent_anchors(s: Session) -> list[HeldAnchor]:
    """This site's own heads as sent in its packages (`source`: the recipient)."""
    return _held(s, "out")


def export_anchors(ctx: AppContext, site_code: str, out: Path) -> int:
    """Write the anchors held for `site_code`, signed with this site's key; returns how
    many. The file is written completely or not at all."""
    require(ctx.actor, Permission.EXPORT)
    code = normalize_site_code(site_code)
    now = ctx.now()
    with ctx.db.write() as s:
        site = local_site(s)
        private = site_key.signing_key(ctx, s)
        pub = keymod.public_info(private, site.code, site.name)
        anchors = _held(s, "in", code)
        document = audit.canonical_json({
            "format": FILE_FORMAT, "version": 1, "site": code, "created_at": _iso(now),
            "holder": {"site": site.code, "name": site.name[:120],
                       "fingerprint": pub.fingerprint, "public_key": pub.public_key},
            "anchors": [a.to_json() for a in anchors]})
        signature = base64.b64encode(private.sign(document.encode("utf-8"))).decode("ascii")
        body = json.dumps({"document": document, "signature": signature}, ensure_ascii=False)
        tmp = out.with_name(out.name + ".part")
        try:
            tmp.write_text(body + "\n", encoding="utf-8")
            tmp.replace(out)
        except OSError as err:
            tmp.unlink(missing_ok=True)
            raise AnchorError(N_("Cannot write {path}: {error}"), path=str(out),
                              error=err.strerror or str(err)) from err
        audit.record(s, ctx.actor, "audit.anchors_export", "site", code, before=None,
                     after={"anchors": len(anchors), "file": out.name}, at=now)
    logger.info("%d audit anchors of site %s written to %s", len(anchors), code, out)
    return len(anchors)


def read_anchor_file(ctx: AppContext, path: Path) -> AnchorFile:
    """A file from `export_anchors`, checked: signed by a key this site trusts, made for
    this site. Anything else is refused (AnchorError) before any check runs."""
    name = path.name

    def refuse(message: str, **params: Any) -> AnchorError:
        return AnchorError(message, file=name, **params)

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise refuse(N_("{file} is not an audit anchors file"))
        outer = json.loads(path.read_text(encoding="utf-8"))
        document = outer["document"]
        signature = base64.b64decode(outer["signature"], validate=True)
        doc = json.loads(document)
        holder = doc["holder"]
        if doc["format"] != FILE_FORMAT or doc["version"] != 1:
            raise refuse(N_("{file} is not an audit anchors file"))
    except OSError as err:
        raise refuse(N_("Cannot open {file}: {error}"), error=err.strerror or str(err)) from err
    except (ValueError, KeyError, TypeError) as err:
        raise refuse(N_("{file} is not an audit anchors file")) from err
    with ctx.db.read() as s:
        here = local_site(s).code
        key = s.scalar(select(SyncKey).where(SyncKey.fingerprint == str(holder["fingerprint"]),
                                             SyncKey.revoked_at.is_(None)))
        if key is None or key.site_code != holder["site"]:
            raise refuse(N_("{file} is signed by a key this site does not trust (site "
                            "{site}); trust that site's key first"), site=str(holder["site"]))
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key)).verify(
                signature, document.encode("utf-8"))
        except (InvalidSignature, ValueError) as err:
            raise refuse(N_("{file}: the signature does not match its content (altered or "
                            "damaged)")) from err
    if doc["site"] != here:
        raise refuse(N_("{file} holds the anchors of site {site}, not of this site ({here})"),
                     site=str(doc["site"]), here=here)
    try:
        anchors = tuple(HeldAnchor(here, int(a["entry_id"]), str(a["hash"]),
                                   _parse_time(a["entry_at"]), str(a["package_id"]),
                                   _parse_time(a["received_at"]) or datetime.min.replace(
                                       tzinfo=UTC), key.site_code)
                        for a in doc["anchors"])
        created = _parse_time(doc["created_at"]) or datetime.min.replace(tzinfo=UTC)
    except (ValueError, KeyError, TypeError) as err:
        raise refuse(N_("{file} is not an audit anchors file")) from err
    return AnchorFile(path, key.site_code, str(holder.get("name", "")), here, created, anchors)
