"""Export: a signed package for one site or for all (docs/sync-format.md, "Export").

Incremental packages carry every incident changed locally (stamp above the recipient's
watermark) or changed by an import since (mark above it), with all its follow-ups and
attachments, so relays pass on what other sites sent.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.db.models import Attachment, Blob, FollowUp, Incident, Regency
from posko_desktop.core.db.models_sync import SyncKey, SyncLog, SyncPackage, SyncWatermark
from posko_desktop.core.domain import PROVINCE_CODE, ValidationError, is_agency_site
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import audit, audit_anchors
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.reference import normalize_regency_code
from posko_desktop.core.services.sync import export_sqlite, records
from posko_desktop.core.services.sync.export_records import (
    ATTACHMENT_COLUMNS,
    FOLLOWUP_COLUMNS,
    LEGACY_FOLLOWUP_COLUMNS,
    RecordScope,
    changed_incidents,
    child_records,
    incident_records,
)
from posko_desktop.core.services.sync.keys import load_signing_key
from posko_desktop.core.services.sync.results import BROADCAST, ExportResult
from posko_desktop.core.sync.package import FORMAT, FORMAT_VERSION, PackageWriter

logger = logging.getLogger(__name__)


def _acks(s: Session) -> dict[str, int]:
    """Per sending site, the highest package number accepted here (tells each sender what
    arrived, so its next incremental package starts from there)."""
    rows = s.execute(select(SyncPackage.source_site, func.max(SyncPackage.sequence))
                     .where(SyncPackage.direction == "in").group_by(SyncPackage.source_site))
    return {site: int(seq) for site, seq in rows}


def _acked_since(s: Session, code: str) -> str:
    """Where an incremental package for `code` starts: the end of the newest package that
    `code` confirmed it imported ("" = never: send everything). For a broadcast, the
    oldest such point among the sites whose keys are trusted here."""
    if code != BROADCAST:
        mark = s.get(SyncWatermark, code)
        return mark.upto_stamp if mark else ""
    peers = set(s.scalars(select(SyncKey.site_code).where(SyncKey.revoked_at.is_(None))))
    marks = {m.recipient: m.upto_stamp for m in s.scalars(select(SyncWatermark))}
    if not peers or any(p not in marks for p in peers):
        return ""
    return min(marks[p] for p in peers)


def _recipient_code(recipient: str) -> str:
    text = recipient.strip().lower()
    if text in ("all", "*", "semua"):
        return BROADCAST
    if text == PROVINCE_CODE:
        return PROVINCE_CODE
    code = normalize_regency_code(text)
    if code is None:
        raise ValidationError(N_("Recipient {code} is neither 'all', the province (33) nor a "
                                 "regency code (33.xx)"), field="recipient", code=recipient)
    return code


def export_package(ctx: AppContext, keys_dir: Path, recipient: str, out: Path,
                   full: bool = False, progress: Progress = NO_PROGRESS) -> ExportResult:
    """Write a signed package for `recipient` (a site code, or "all" for every site):
    everything (`full`) or what changed since the last package sent to it."""
    require(ctx.actor, Permission.EXPORT)
    code = _recipient_code(recipient)
    now = ctx.now()
    with ctx.db.write() as s:
        site = local_site(s)
        if code == site.code:
            raise ValidationError(N_("A package for this site itself makes no sense"),
                                  field="recipient")
        if (code not in (BROADCAST, PROVINCE_CODE) and s.get(Regency, code) is None
                and not is_agency_site(code)):
            raise ValidationError(N_("Unknown regency code {code}"), field="recipient", code=code)
        private, pub = load_signing_key(ctx, s, keys_dir, site)
        since = "" if full else _acked_since(s, code)
        upto = new_stamp(s, now)
        seq = int(s.scalar(select(func.max(SyncPackage.sequence)).where(
            SyncPackage.direction == "out")) or 0) + 1
        package_id = uuid7()
        cond = changed_incidents(since)
        format_fields = audit_anchors.manifest_fields(s, site.code, code, package_id, now)
        # a recipient still on format 1 runs a version that refuses unknown record files
        tables = records.TABLES if format_fields["format_version"] > 1 else {}
        counts = {"incidents": 0, "tombstones": 0, "followups": 0, "attachments": 0,
                  **dict.fromkeys(tables, 0), "blobs": 0, "provenance": 0}
        total = s.scalar(select(func.count()).select_from(Incident).where(
            *([cond] if cond is not None else []))) or 0
        scope = RecordScope(s.connection(), cond, site.code, progress, int(total),
                            legacy=not audit_anchors.reads_format_2(s, code))

        with PackageWriter(out) as writer:
            if ctx.db.is_sqlite:  # the fast path: records built by SQLite
                counts["incidents"] = writer.write_lines(
                    "incidents", export_sqlite.incident_lines(scope, False))
                counts["tombstones"] = writer.write_lines(
                    "tombstones", export_sqlite.incident_lines(scope, True))
                counts["followups"] = writer.write_lines(
                    "followups", export_sqlite.followup_lines(scope))
            else:
                counts["incidents"] = writer.write_records(
                    "incidents", incident_records(scope, False))
                counts["tombstones"] = writer.write_records(
                    "tombstones", incident_records(scope, True))
                counts["followups"] = writer.write_records(
                    "followups", child_records(scope, FollowUp, LEGACY_FOLLOWUP_COLUMNS
                                               if scope.legacy else FOLLOWUP_COLUMNS))
            counts["attachments"] = writer.write_records(
                "attachments", child_records(scope, Attachment, ATTACHMENT_COLUMNS))
            for name, table in tables.items():  # the record types of sync.kinds
                counts[name] = writer.write_records(name, records.export_records(
                    s, table, since, site.code, scope.vias, scope.shas))
            for sha in sorted(scope.shas):
                blob = s.get(Blob, sha)
                if blob is not None:
                    writer.add_blob(sha, blob.data)
                    counts["blobs"] += 1
            relayed = _add_provenance(s, writer, scope.vias)
            counts["provenance"] = len(relayed)
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION,
                "package_id": str(package_id), "sequence": seq,
                "source_site": site.code, "source_name": site.name[:120],
                "signer": {"fingerprint": pub.fingerprint, "public_key": pub.public_key},
                "recipients": [code], "broadcast": code == BROADCAST,
                "created_at": now.isoformat(), "created_by": ctx.actor.username[:80],
                "coverage": {"mode": "incremental" if since else "full", "since_stamp": since,
                             "upto_stamp": upto, "occurred_from": None, "occurred_to": None,
                             "regencies": []},
                "counts": counts, "relayed": relayed, "acks": _acks(s),
                **format_fields,
                **({"training": True} if settings.get(s, settings.SITE_TRAINING) else {}),
            }
            manifest_bytes = writer.finish(manifest, private)
        mode = "incremental" if since else "full"
        s.add(SyncPackage(package_id=package_id, direction="out", source_site=site.code,
                          recipient=code, sequence=seq, created_at=now, processed_at=now,
                          mode=mode, since_stamp=since, upto_stamp=upto,
                          signer=pub.fingerprint, file_name=out.name[:255], counts=counts,
                          manifest="", signature=""))
        s.add(SyncLog(at=now, action="export", package_id=package_id, peer_site=code,
                      actor=ctx.actor.username, file_name=out.name[:255],
                      summary={"mode": mode, "counts": counts, "sequence": seq}))
        audit.record(s, ctx.actor, "sync.export", "sync_package", str(package_id), before=None,
                     after={"recipient": code, "mode": mode, "counts": counts}, at=now,
                     detail="{n} bytes manifest".format(n=len(manifest_bytes)))
    progress.report(1, 1, "")
    logger.info("Exported package %s (#%d, %s) for %s to %s: %s", package_id, seq, mode, code,
                out, counts)
    ctx.bus.publish(Change(ChangeKind.SYNC, (str(package_id),)))
    return ExportResult(out, str(package_id), code, seq, mode, counts)


def _add_provenance(s: Session, writer: PackageWriter,
                    vias: set[uuid.UUID]) -> list[dict[str, str]]:
    """The signed manifests of the packages that relayed records first came in; returns
    the manifest's `relayed` list."""
    relayed = []
    for pid in sorted(vias):
        src = s.get(SyncPackage, pid)
        if src is None or not src.manifest:
            continue
        writer.add_provenance(str(pid), src.source_site, src.signer, src.manifest,
                              src.signature)
        relayed.append({"package_id": str(pid), "source_site": src.source_site,
                        "signer": src.signer})
    return relayed
