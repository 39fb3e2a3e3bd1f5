"""Sync between sites through `.posko` files: keys and trust, export, import (one
transaction, all-or-nothing), conflicts, the sync log and the per-regency overview.

Design (docs/sync-format.md): records merge field by field by stamp; follow-ups merge by
union; tombstones are the `deleted` field with its own stamp; a value that loses against a
concurrent edit goes to `sync_conflict`. Incremental exports carry every incident changed
locally (stamp above the recipient's watermark) or changed by an import since (mark above
it), with all its follow-ups and attachments, so relays pass on what other sites sent.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    Text,
    Uuid,
    bindparam,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core.context import AppContext, local_site, new_stamp, observe_stamp
from posko_desktop.core.db.models import (
    Attachment,
    Blob,
    Category,
    FollowUp,
    Incident,
    LocalSite,
    Regency,
)
from posko_desktop.core.db.models_sync import (
    SyncBase,
    SyncConflict,
    SyncKey,
    SyncLog,
    SyncPackage,
    SyncWatermark,
)
from posko_desktop.core.db.planner import refresh_statistics
from posko_desktop.core.db.search import drop_triggers, rebuild_search_index
from posko_desktop.core.db.stamps import pack_text, unpack_stored
from posko_desktop.core.domain import (
    PROVINCE_CODE,
    FollowUpKind,
    NotFoundError,
    PoskoError,
    Severity,
    Status,
    ValidationError,
)
from posko_desktop.core.events import Change
from posko_desktop.core.i18n import N_
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import audit, site_key
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.incidents import next_referral_due
from posko_desktop.core.services.reference import normalize_regency_code
from posko_desktop.core.sync import keys as keymod
from posko_desktop.core.sync import merge, records, scan
from posko_desktop.core.sync.package import (
    DEFAULT_LIMITS,
    FORMAT,
    FORMAT_VERSION,
    RECORD_FILES,
    AlreadyImported,
    Limits,
    PackageError,
    PackageReader,
    PackageWriter,
)
from posko_desktop.core.sync.records import SYNC_FIELDS
from posko_desktop.core.timeutil import wib_date

logger = logging.getLogger(__name__)

BROADCAST = "*"
BATCH = 1000
BULK_MIN = 5000  # incidents in a package from which the search index is rebuilt, not updated
HELPER_MIN_BYTES = 8 << 20  # record bytes to check from which a helper process reads them
# per record file, every n-th batch the helper hands back unchecked: this process checks it
# while the helper goes on. An incident costs more to check than to write, a follow-up less.
HELPER_SHARE = {"incidents": 3, "tombstones": 3}

INCIDENT_COLUMNS = scan.INCIDENT_COLUMNS
assert INCIDENT_COLUMNS[-1] == "field_stamps"  # the SQLite export adds it in Python
_INCIDENT_DT = set(scan.INCIDENT_DT)
FOLLOWUP_COLUMNS = scan.FOLLOWUP_COLUMNS
ATTACHMENT_COLUMNS = ("id", "incident_id", "sha256", "filename", "mime", "size", "added_at",
                      "added_by", "origin_site", "mod_stamp", "deleted")


class SyncError(PoskoError):
    code = "sync"


# --- DTOs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyStatus:
    fingerprint: str
    short_fingerprint: str
    site_code: str
    site_name: str
    added_at: datetime
    added_by: str
    revoked_at: datetime | None

    @property
    def trusted(self) -> bool:
        return self.revoked_at is None


@dataclass
class RegencyCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "updated": self.updated, "unchanged": self.unchanged,
                "conflicts": self.conflicts}


@dataclass
class ImportResult:
    file: str
    package_id: str
    source_site: str
    already_imported: bool = False
    per_regency: dict[str, RegencyCounts] = field(default_factory=dict)
    followups_new: int = 0
    attachments_new: int = 0
    relayed_from: list[str] = field(default_factory=list)

    def totals(self) -> RegencyCounts:
        t = RegencyCounts()
        for c in self.per_regency.values():
            t.new += c.new
            t.updated += c.updated
            t.unchanged += c.unchanged
            t.conflicts += c.conflicts
        return t

    def summary(self) -> dict[str, Any]:
        return {"per_regency": {k: v.as_dict() for k, v in sorted(self.per_regency.items())},
                "totals": self.totals().as_dict(), "followups_new": self.followups_new,
                "attachments_new": self.attachments_new, "relayed_from": self.relayed_from}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    package_id: str
    recipient: str
    sequence: int
    mode: str
    counts: dict[str, int]


@dataclass(frozen=True)
class ConflictInfo:
    id: int
    incident_id: uuid.UUID
    number: str
    regency_code: str
    title: str
    field: str
    kept_value: Any
    kept_stamp: str
    lost_value: Any
    lost_stamp: str
    lost_site: str
    package_id: str
    detected_at: datetime
    resolved: bool
    resolution: str | None


@dataclass(frozen=True)
class PeerStatus:
    site_code: str
    name: str
    last_received: datetime | None
    last_sent: datetime | None
    pending: int
    key: str  # "trusted" | "revoked" | "none"


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    action: str
    package_id: str
    peer_site: str
    actor: str
    file_name: str
    summary: dict[str, Any]


# --- keys and trust ---------------------------------------------------------------------


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
        if info.site_code != PROVINCE_CODE and s.get(Regency, info.site_code) is None:
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
    ctx.bus.publish(Change("sync_key", (info.fingerprint,)))
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
    ctx.bus.publish(Change("sync_key", (result.fingerprint,)))
    return result


def _key_status(k: SyncKey) -> KeyStatus:
    return KeyStatus(k.fingerprint, keymod.short_fingerprint(k.fingerprint), k.site_code,
                     k.site_name, k.added_at, k.added_by, k.revoked_at)


# --- export -----------------------------------------------------------------------------


_UUID_COLUMNS = {"id", "incident_id", "referral_id"}
_DT_COLUMNS = _INCIDENT_DT | {"due_at", "added_at"}
_STAMPS_COLUMNS = {"field_stamps"}


def _raw(col: Any) -> Any:
    """Read a column without SQLAlchemy's per-value type processing (export speed);
    `_raw_record` turns the driver's values into the package's JSON forms."""
    return type_coerce(col, Text())


def _raw_columns(model: Any, columns: tuple[str, ...]) -> list[Any]:
    return [_raw(getattr(model, c)) if c in _UUID_COLUMNS | _DT_COLUMNS | _STAMPS_COLUMNS
            else getattr(model, c) for c in columns]


def _uuid_text(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is str and len(value) == 32:  # SQLite stores hex without dashes
        return (value[:8] + "-" + value[8:12] + "-" + value[12:16] + "-" + value[16:20] + "-"
                + value[20:])
    return str(uuid.UUID(str(value)))


def _dt_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    text = str(value)  # SQLite: "YYYY-MM-DD HH:MM:SS.ffffff" in UTC
    return text[:10] + "T" + text[11:] + "+00:00"


def _converter(name: str) -> Any:
    if name in _UUID_COLUMNS:
        return _uuid_text
    if name in _DT_COLUMNS:
        return _dt_text
    if name in _STAMPS_COLUMNS:
        return unpack_stored
    if name == "deleted":
        return bool
    return None


def _raw_record(columns: tuple[str, ...], row: Any) -> dict[str, Any]:
    convs = _CONVERTERS.get(columns)
    if convs is None:
        convs = _CONVERTERS[columns] = [(c, f) for c in columns if (f := _converter(c))]
    rec = dict(zip(columns, row, strict=True))
    for name, conv in convs:  # only the columns that need a conversion
        value = rec[name]
        if value is not None:
            rec[name] = conv(value)
    return rec


_CONVERTERS: dict[tuple[str, ...], list[tuple[str, Any]]] = {}


# SQLite export: each record is built as JSON text by SQLite itself (json_object), from
# the stored forms: ids are 32 hex digits (dashes added), times "YYYY-MM-DD HH:MM:SS.ffffff"
# in UTC (to "YYYY-MM-DDTHH:MM:SS.ffffff+00:00"), booleans 0/1; the field stamps (stored
# packed) are added in Python. The text is the same as `_raw_record` + orjson (compact,
# UTF-8, same escapes, same key order).


def _sql_value(table: str, name: str) -> str:
    col = '"{t}"."{c}"'.format(t=table, c=name)
    if name in _UUID_COLUMNS:  # NULL stays NULL (|| with NULL is NULL)
        return ("substr({c},1,8)||'-'||substr({c},9,4)||'-'||substr({c},13,4)||'-'||"
                "substr({c},17,4)||'-'||substr({c},21)").format(c=col)
    if name in _DT_COLUMNS:
        return "substr({c},1,10)||'T'||substr({c},12)||'+00:00'".format(c=col)
    if name == "deleted":
        return "json(CASE WHEN {c} THEN 'true' ELSE 'false' END)".format(c=col)
    return col


def _sql_record(table: str, columns: tuple[str, ...]) -> Any:
    """A column: the record of one row as compact JSON (bytes), built by SQLite."""
    pairs = ",".join("'{n}',{v}".format(n=n, v=_sql_value(table, n)) for n in columns)
    return literal_column("CAST(json_object({p}) AS BLOB)".format(p=pairs))


def _driver_batches(conn: Any, stmt: Any, size: int) -> Iterator[list[Any]]:
    """SQLite: the rows of `stmt` in batches, read on the driver's cursor (same
    transaction), without SQLAlchemy's per-row processing."""
    compiled = stmt.compile(dialect=conn.dialect)
    params = [compiled.params[k] for k in compiled.positiontup or ()]
    cur = conn.connection.dbapi_connection.cursor()
    try:
        cur.execute(str(compiled), params)
        while rows := cur.fetchmany(size):
            yield rows
    except sqlite3.Error as err:
        raise DBAPIError.instance(str(compiled), None, err, sqlite3.Error) from err
    finally:
        cur.close()


def _changed_incidents(since: str) -> Any:
    """Condition: incidents to send to a recipient whose watermark is `since`."""
    if not since:
        return None
    return or_(
        Incident.mod_stamp > since,
        Incident.id.in_(select(SyncBase.incident_id).where(SyncBase.mark > since)),
        Incident.id.in_(select(FollowUp.incident_id).where(FollowUp.mod_stamp > since)),
        Incident.id.in_(select(Attachment.incident_id).where(Attachment.mod_stamp > since)),
    )


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


def _record_ack(s: Session, sender: str, acks: dict[str, int], local_code: str) -> None:
    seq = acks.get(local_code)
    if not seq:
        return
    sent = s.scalars(select(SyncPackage).where(SyncPackage.direction == "out",
                                               SyncPackage.sequence == seq)).first()
    if sent is None or sent.recipient not in (sender, BROADCAST):
        return
    mark = s.get(SyncWatermark, sender)
    if mark is None:
        s.add(SyncWatermark(recipient=sender, upto_stamp=sent.upto_stamp,
                            package_id=sent.package_id, sent_at=sent.created_at))
    elif sent.upto_stamp > mark.upto_stamp:
        mark.upto_stamp, mark.package_id, mark.sent_at = (sent.upto_stamp, sent.package_id,
                                                          sent.created_at)


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
        if code not in (BROADCAST, PROVINCE_CODE) and s.get(Regency, code) is None:
            raise ValidationError(N_("Unknown regency code {code}"), field="recipient", code=code)
        private = site_key.signing_key(ctx, s)  # unwrapped at login, never from a file
        pub = keymod.public_info(private, site.code, site.name)
        since = "" if full else _acked_since(s, code)
        upto = new_stamp(s, now)
        seq = int(s.scalar(select(func.max(SyncPackage.sequence)).where(
            SyncPackage.direction == "out")) or 0) + 1
        package_id = uuid7()
        cond = _changed_incidents(since)
        counts = {"incidents": 0, "tombstones": 0, "followups": 0, "attachments": 0,
                  "blobs": 0, "provenance": 0}
        total = s.scalar(select(func.count()).select_from(Incident).where(
            *([cond] if cond is not None else []))) or 0
        vias: set[uuid.UUID] = set()
        shas: set[str] = set()
        done = 0

        conn = s.connection()
        n = len(INCIDENT_COLUMNS)

        def incidents(deleted: bool) -> Iterator[dict[str, Any]]:
            nonlocal done
            stmt = (select(*_raw_columns(Incident, INCIDENT_COLUMNS), _raw(SyncBase.stamps),
                           _raw(SyncBase.bases), _raw(SyncBase.package_id))
                    .outerjoin(SyncBase, SyncBase.incident_id == Incident.id)
                    .where(Incident.deleted.is_(deleted)).order_by(Incident.seq))
            if cond is not None:
                stmt = stmt.where(cond)
            for row in conn.execution_options(yield_per=2000).execute(stmt):
                rec = _raw_record(INCIDENT_COLUMNS, row[:n])
                via = _uuid_text(row[n + 2])
                stamps = rec["field_stamps"]
                rec["field_bases"] = merge.effective_bases(stamps, unpack_stored(row[n]),
                                                           unpack_stored(row[n + 1]))
                if via is not None and rec["origin_site"] != site.code:
                    rec["via_package"] = via
                    vias.add(uuid.UUID(via))
                else:
                    rec["via_package"] = None
                done += 1
                if done % 5000 == 0:
                    progress.report(done, total * 2, "")
                yield rec

        def children(model: Any, columns: tuple[str, ...]) -> Iterator[dict[str, Any]]:
            nonlocal done
            stmt = select(*_raw_columns(model, columns)).order_by(model.incident_id)
            if cond is not None:
                stmt = stmt.where(model.incident_id.in_(select(Incident.id).where(cond)))
            for row in conn.execution_options(yield_per=5000).execute(stmt):
                rec = _raw_record(columns, row)
                if model is Attachment:
                    shas.add(rec["sha256"])
                else:
                    done += 1
                    if done % 20000 == 0:
                        progress.report(min(done, total * 2), total * 2, "")
                yield rec

        def incident_lines(deleted: bool) -> Iterator[list[bytes]]:
            """SQLite: the records built by SQLite up to `deleted`; `field_stamps`,
            `field_bases` and `via_package` are added here (same text as `incidents`)."""
            nonlocal done
            stmt = (select(_sql_record("incident", INCIDENT_COLUMNS[:-1]), Incident.field_stamps,
                           Incident.origin_site, SyncBase.stamps, SyncBase.bases,
                           SyncBase.package_id).select_from(Incident)
                    .outerjoin(SyncBase, SyncBase.incident_id == Incident.id)
                    .where(Incident.deleted.is_(deleted)).order_by(Incident.seq))
            if cond is not None:
                stmt = stmt.where(cond)
            dumps, bases_of = orjson.dumps, merge.effective_bases
            for rows in _driver_batches(conn, stmt, 2000):
                lines = []
                for text, stamps, origin, synced, synced_bases, via in rows:
                    stamps = unpack_stored(stamps)
                    if synced is None:
                        creation = min(stamps.values())
                        bases = dict.fromkeys(stamps, creation)
                    else:
                        bases = bases_of(stamps, unpack_stored(synced),
                                         unpack_stored(synced_bases))
                    if via is not None and origin != site.code:
                        via = _uuid_text(via)
                        vias.add(uuid.UUID(via))
                        tail = b',"via_package":"' + via.encode() + b'"}'
                    else:
                        tail = b',"via_package":null}'
                    lines.append(text[:-1] + b',"field_stamps":' + dumps(stamps)
                                 + b',"field_bases":' + dumps(bases) + tail)
                done += len(lines)
                progress.report(done, total * 2, "")
                yield lines

        def followup_lines() -> Iterator[list[bytes]]:
            nonlocal done
            stmt = (select(_sql_record("followup", FOLLOWUP_COLUMNS)).select_from(FollowUp)
                    .order_by(FollowUp.incident_id))
            if cond is not None:
                stmt = stmt.where(FollowUp.incident_id.in_(select(Incident.id).where(cond)))
            for rows in _driver_batches(conn, stmt, 5000):
                done += len(rows)
                progress.report(min(done, total * 2), total * 2, "")
                yield [row[0] for row in rows]

        with PackageWriter(out) as writer:
            if ctx.db.is_sqlite:
                counts["incidents"] = writer.write_lines("incidents", incident_lines(False))
                counts["tombstones"] = writer.write_lines("tombstones", incident_lines(True))
                counts["followups"] = writer.write_lines("followups", followup_lines())
            else:
                counts["incidents"] = writer.write_records("incidents", incidents(False))
                counts["tombstones"] = writer.write_records("tombstones", incidents(True))
                counts["followups"] = writer.write_records(
                    "followups", children(FollowUp, FOLLOWUP_COLUMNS))
            counts["attachments"] = writer.write_records(
                "attachments", children(Attachment, ATTACHMENT_COLUMNS))
            for sha in sorted(shas):
                blob = s.get(Blob, sha)
                if blob is not None:
                    writer.add_blob(sha, blob.data)
                    counts["blobs"] += 1
            relayed = []
            for pid in sorted(vias):
                src = s.get(SyncPackage, pid)
                if src is None or not src.manifest:
                    continue
                writer.add_provenance(str(pid), src.source_site, src.signer, src.manifest,
                                      src.signature)
                relayed.append({"package_id": str(pid), "source_site": src.source_site,
                                "signer": src.signer})
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
    ctx.bus.publish(Change("sync", (str(package_id),)))
    return ExportResult(out, str(package_id), code, seq, mode, counts)


# --- import -----------------------------------------------------------------------------


@dataclass
class _ImportState:
    reader: PackageReader
    package_id: uuid.UUID
    source_site: str
    mark: str
    now: datetime
    regencies: set[str]
    categories: set[str]
    result: ImportResult
    sqlite: bool = True
    max_stamp: str = ""
    seen_incidents: set[str] = field(default_factory=set)  # ids as 32 hex digits
    seen_children: set[str] = field(default_factory=set)  # ids as 32 hex digits
    referral_touched: set[uuid.UUID] = field(default_factory=set)
    known_incidents: set[str] = field(default_factory=set)  # ids as 32 hex digits
    new_incidents: set[str] = field(default_factory=set)
    helper_used: bool = False
    # False when the table was empty before this import: then no record of the package
    # can be held here (an id twice in the package is refused), so nothing is looked up
    had_incidents: bool = True
    had_followups: bool = True


def import_package(ctx: AppContext, path: Path, progress: Progress = NO_PROGRESS,
                   limits: Limits = DEFAULT_LIMITS, exclusive: bool = False) -> ImportResult:
    """Check and merge one package in one transaction: any failure writes nothing.
    The same package again raises nothing and reports `already_imported`. `exclusive`:
    the caller is a one-shot command (the CLI) and nothing else in this process uses the
    database, so a package bigger than the database may be loaded with a rollback journal
    (`Database.bulk_write`)."""
    require(ctx.actor, Permission.IMPORT)
    path = Path(path)
    try:
        with PackageReader(path, limits) as reader:
            return _import(ctx, reader, progress, exclusive)
    except AlreadyImported as done:
        logger.info("%s: package already imported", path.name)
        return ImportResult(path.name, str(done.params.get("package_id", "")),
                            str(done.params.get("site", "")), already_imported=True)
    except PoskoError as err:
        logger.warning("Refused package %s: %s", path, err.text_in("en"))
        raise


def _transaction(ctx: AppContext, reader: PackageReader,
                 exclusive: bool) -> AbstractContextManager[Session]:
    """The import's write transaction: for a package with more incidents than the
    database holds, with `exclusive`, a bulk write (on SQLite a rollback journal: the new
    pages are written once instead of twice, see `Database.bulk_write`), with the usual
    page cache (the import's memory stays bounded)."""
    if exclusive:
        counts = reader.manifest["counts"]
        with ctx.db.read() as s:
            held = int(s.scalar(select(func.count()).select_from(Incident)) or 0)
        if counts["incidents"] + counts["tombstones"] >= max(BULK_MIN, held):
            return ctx.db.bulk_write(exclusive=True, big_cache=False)
    return ctx.db.write()


def _import(ctx: AppContext, reader: PackageReader, progress: Progress,
            exclusive: bool) -> ImportResult:
    m = reader.manifest
    name = reader.name
    package_id = uuid.UUID(m["package_id"])
    source = m["source_site"]
    now = ctx.now()
    try:
        with _transaction(ctx, reader, exclusive) as s:
            site = local_site(s)
            _check_signature(s, reader, site.code)
            if not m["broadcast"] and site.code not in m["recipients"]:
                raise PackageError(N_("{file} is addressed to {recipients}, not to this site "
                                      "({code})"), file=name, recipients=", ".join(m["recipients"]),
                                   code=site.code)
            previous = s.get(SyncPackage, package_id)
            if previous is not None and previous.direction == "in":
                reader.verify_all_members()  # a changed copy is refused, not "already imported"
                raise AlreadyImported(N_("{file} was already imported"),
                                      file=name, package_id=str(package_id), site=source)
            if previous is not None:  # known so far only as relayed provenance
                s.delete(previous)
                s.flush()
            last_seq = s.scalar(select(func.max(SyncPackage.sequence)).where(
                SyncPackage.direction == "in", SyncPackage.source_site == source))
            if last_seq is not None and m["sequence"] <= last_seq:
                raise PackageError(N_("{file} is an older package from {site} (number {seq}; "
                                      "number {last} was already imported): refused as a "
                                      "replay. Ask {site} for a new export."),
                                   file=name, site=source, seq=m["sequence"], last=last_seq)
            state = _ImportState(
                reader=reader, package_id=package_id, source_site=source,
                mark=new_stamp(s, now), now=now,
                regencies=set(s.scalars(select(Regency.code))),
                categories=set(s.scalars(select(Category.code).where(
                    Category.parent_code.is_not(None)))),
                result=ImportResult(name, str(package_id), source),
            )
            _import_blobs(s, state)
            conn = s.connection()
            state.sqlite = conn.dialect.name == "sqlite"
            state.had_incidents = bool(s.scalar(select(exists().where(Incident.id.is_not(None)))))
            state.had_followups = bool(s.scalar(select(exists().where(FollowUp.id.is_not(None)))))
            present = [k for k in scan.KINDS if reader.has(RECORD_FILES[k])]
            identical = _accepted_members(s, reader, present)
            # records of files accepted here before are held here already: not "incoming"
            incoming = sum(m["counts"][k] for k in ("incidents", "tombstones")
                           if k not in identical)
            bulk = incoming >= max(BULK_MIN, int(s.scalar(select(func.count()).select_from(
                Incident)) or 0))
            bulk_load = _BulkLoad(conn) if bulk else None
            _merge_records(s, ctx, state, present, identical, progress, bulk_load)
            if bulk_load is not None:
                bulk_load.finish()
            for inc_id in state.referral_touched:
                s.execute(update(Incident).where(Incident.id == inc_id).values(
                    next_referral_due=next_referral_due(s, inc_id)))
            _store_provenance(s, state)
            _record_ack(s, source, m["acks"], site.code)
            if state.max_stamp:
                observe_stamp(s, state.max_stamp)
            result = state.result
            s.add(SyncPackage(
                package_id=package_id, direction="in", source_site=source,
                recipient=site.code if not m["broadcast"] else "*", sequence=m["sequence"],
                created_at=datetime.fromisoformat(m["created_at"]), processed_at=now,
                mode=m["coverage"]["mode"], since_stamp=m["coverage"]["since_stamp"][:40],
                upto_stamp=m["coverage"]["upto_stamp"][:40], signer=m["signer"]["fingerprint"],
                file_name=name[:255], counts=m["counts"],
                manifest=reader.manifest_bytes.decode("utf-8"), signature=reader.signature))
            s.add(SyncLog(at=now, action="import", package_id=package_id, peer_site=source,
                          actor=ctx.actor.username, file_name=name[:255], summary=result.summary()))
            totals = result.totals()
            audit.record(s, ctx.actor, "sync.import", "sync_package", str(package_id),
                         before=None, after=result.summary(),
                         at=now, detail="package {pid} from site {site} ({created_by}): {new} new, "
                                "{upd} updated".format(pid=package_id, site=source,
                                                       created_by=m["created_by"],
                                                       new=totals.new, upd=totals.updated))
            s.flush()
    except IntegrityError as err:
        logger.warning("Package %s conflicts with the database: %s", name, err)
        raise PackageError(N_("{file} does not fit this database (a record conflicts with "
                              "existing data)"), file=name) from None
    except SQLAlchemyError as err:
        logger.warning("Database error while importing %s: %s", name, err)
        raise
    logger.info("Imported %s (%s from %s): %s", name, package_id, source, result.totals())
    ctx.bus.publish(Change("incident", ()))
    ctx.bus.publish(Change("sync", (str(package_id),)))
    return result


class _BulkLoad:
    """A package at least as big as the database: the full-text triggers and, on SQLite,
    the non-unique indexes of incident and followup are dropped and built again once the
    rows are in (cheaper than row by row), in the same transaction. The incident side is
    rebuilt as soon as the incidents are loaded, while the helper process still checks the
    follow-ups. Not the indexes on PostgreSQL, where DROP INDEX would lock the table
    against every workstation's reads until the import commits (SQLite readers keep their
    snapshot meanwhile)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.dropped: dict[str, list[str]] = {"incident": [], "followup": []}
        self.incidents_done = False
        drop_triggers(conn)
        if conn.dialect.name != "sqlite":
            return
        rows = conn.exec_driver_sql(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT "
            "NULL AND tbl_name IN ('incident', 'followup') ORDER BY name").all()
        for name, table, sql in rows:
            if sql.lstrip().upper().startswith("CREATE UNIQUE"):
                continue
            conn.exec_driver_sql('DROP INDEX "{n}"'.format(n=name))
            self.dropped[table].append(sql)

    def incidents_loaded(self) -> None:
        if not self.incidents_done:
            self.incidents_done = True
            for sql in self.dropped.pop("incident", []):
                self.conn.exec_driver_sql(sql)
            rebuild_search_index(self.conn)

    def finish(self) -> None:
        self.incidents_loaded()
        for sql in self.dropped.pop("followup", []):
            self.conn.exec_driver_sql(sql)
        refresh_statistics(self.conn)  # the table grew at least twofold


def _check_signature(s: Session, reader: PackageReader, local_code: str) -> None:
    m = reader.manifest
    fp = m["signer"]["fingerprint"]
    row = s.get(SyncKey, fp)
    if m["source_site"] == local_code:
        raise PackageError(N_("{file} was made by this site ({code}); nothing to import"),
                           file=reader.name, code=local_code)
    if row is None:
        raise PackageError(N_("{file} is signed by an unknown key ({fingerprint}) of site "
                              "{site}: import and confirm that site's public key first"),
                           file=reader.name, fingerprint=keymod.short_fingerprint(fp),
                           site=m["source_site"])
    if row.revoked_at is not None:
        raise PackageError(N_("{file} is signed by the revoked key {fingerprint} of site {site}"),
                           file=reader.name, fingerprint=keymod.short_fingerprint(fp),
                           site=row.site_code)
    if row.site_code != m["source_site"] or row.public_key != m["signer"]["public_key"]:
        raise PackageError(N_("{file} claims to come from site {site} but is signed by the key "
                              "of site {signer}"), file=reader.name, site=m["source_site"],
                           signer=row.site_code)
    if not keymod.verify(row.public_key, reader.signature, reader.manifest_bytes):
        raise PackageError(N_("{file}: the signature is not valid (the package was changed "
                              "or forged)"), file=reader.name)


def _bad(state: _ImportState, member: str, line: int, problem: str) -> PackageError:
    return PackageError(N_("{file}: line {line} of {member} is not valid: {problem}"),
                        file=state.reader.name, line=line, member=member, problem=problem)


def _refused(error: tuple[str, dict[str, Any]]) -> PackageError:
    message, params = error
    return PackageError(message, **params)


def _merge_records(s: Session, ctx: AppContext, state: _ImportState, present: list[str],
                   identical: set[str], progress: Progress, bulk_load: _BulkLoad | None) -> None:
    """Every record file in order: checked by `sync.scan` (in a helper process for a big
    package), merged here. A record file whose exact bytes (SHA-256) were already accepted
    here in an earlier package is not checked again record by record (`_merge_identical`)."""
    reader = state.reader
    counts = reader.manifest["counts"]
    total = sum(counts[k] for k in ("incidents", "tombstones", "followups")) or 1
    checked = [k for k in present if k not in identical]
    rules = scan.Rules(frozenset(state.regencies), frozenset(state.categories), state.now,
                       state.sqlite, BATCH)
    size = sum(reader.member_entries[RECORD_FILES[k]]["size"] for k in checked)
    before = reader.total
    if state.sqlite and size >= HELPER_MIN_BYTES and scan.helper_allowed():
        state.helper_used = True
        stream = scan.scan_in_helper(reader, rules, checked, HELPER_SHARE)
    else:
        stream = scan.scan(reader, rules, checked)
    scanner = scan.Scanner(rules, reader.name)  # batches left to this process, records of
    # identical files that need writing
    done = 0
    try:
        for kind in present:
            if bulk_load is not None and kind in ("followups", "attachments"):
                bulk_load.incidents_loaded()
            if kind in identical:
                done = _merge_identical(s, ctx, state, scanner, kind, progress, done, total)
                continue
            for msg in stream:
                if msg[0] == "done":
                    break
                if msg[0] == "lines":  # a batch the helper left to this process
                    items, error = scan.scan_lines(scanner, kind, msg[2], msg[3])
                else:
                    _tag, _kind, items, error = msg
                if kind == "followups":
                    _merge_followup_items(s, state, items, error)
                elif kind == "attachments":
                    _merge_attachment_items(s, state, items, error)
                else:
                    _merge_incident_items(s, ctx, state, kind, items, error)
                if kind != "attachments":
                    done += len(items)
                    progress.report(done, total, "")
        end = next(stream)
    finally:
        stream.close()
    if state.helper_used:  # the helper counted the bytes it read on its own copy
        reader.total += end[2] - before
    state.max_stamp = max(end[1], scanner.max_stamp)


def _accepted_members(s: Session, reader: PackageReader, kinds: list[str]) -> set[str]:
    """The record files of this package that are byte for byte (same path, length and
    SHA-256) a record file of a package imported here before: each of their records was
    checked then and is in the database since."""
    out = set()
    for kind in kinds:
        entry = reader.member_entries[RECORD_FILES[kind]]
        for text in s.scalars(select(SyncPackage.manifest).where(
                SyncPackage.direction == "in", SyncPackage.manifest.contains(entry["sha256"]))):
            try:
                members = json.loads(text)["members"]
            except (ValueError, KeyError, TypeError):
                continue
            if any(m == {"path": entry["path"], "sha256": entry["sha256"], "size": entry["size"]}
                   for m in members):
                out.add(kind)
                break
    return out


_ID_PREFIX = b'{"id":"'
_STAMPS_KEY = b',"field_stamps":{'


def _line_id(line: bytes) -> str | None:
    """The id of a record line written like the exporter writes it (`{"id":"…",`), as 32
    hex digits; None for any other form. Only used on bytes accepted here before (valid
    JSON), where the first key at the very start cannot be inside a string."""
    if line.startswith(_ID_PREFIX) and line[43:45] == b'",':
        return line[7:43].decode("ascii").replace("-", "")
    return None


def _line_stamps(line: bytes) -> str:
    """The `field_stamps` of an accepted incident line, as stored (packed JSON text). In
    valid JSON a `,"` can only start a key (a quote inside a string is escaped, and one
    ending a string is followed by `,`, `:`, `}` or `]`), the schema allows that key only
    at the top level, and stamps contain no braces; so the first `}` after it closes the
    object. Lines written otherwise are decoded whole."""
    i = line.find(_STAMPS_KEY)
    if i < 0:
        return pack_text(orjson.loads(line)["field_stamps"])
    j = line.find(b"}", i)
    return pack_text(orjson.loads(line[i + len(_STAMPS_KEY) - 1:j + 1]))


def _merge_identical(s: Session, ctx: AppContext, state: _ImportState, scanner: scan.Scanner,
                     kind: str, progress: Progress, done: int, total: int) -> int:
    """A record file accepted here before (`_accepted_members`). Its records are known to
    be valid and, unless changed here since, unchanged: each is recognised by its id and,
    for incidents, its field stamps compared with the database as text. Any record that is
    not in the database or whose stamps differ is checked in full (`scan.Scanner`) and
    merged like every other record. Ids twice in the package are still refused."""
    loads = orjson.loads
    incidents = kind in ("incidents", "tombstones")
    for first, lines in state.reader.iter_lines(kind, BATCH):
        keys = []
        for line in lines:
            h = _line_id(line)
            if h is None:
                h = loads(line)["id"].replace("-", "")
            keys.append(h)
        try:
            if kind == "followups":
                _check_twice(state, state.seen_children, keys, "record")
                if _count_held(s, state, keys) == len(keys):
                    continue  # all held here: a union adds nothing
                have = _stored_ids(s, state, FollowUp, keys)
                need = [scanner.followup(n, loads(line))
                        for n, (h, line) in enumerate(zip(keys, lines, strict=True), first)
                        if h not in have]
                _merge_followup_items(s, state, need, None, twice_checked=True)
            elif kind == "attachments":
                _check_twice(state, state.seen_children, keys, "record")
                _merge_attachment_items(s, state, [scanner.attachment(n, loads(line))
                                                   for n, line in enumerate(lines, first)],
                                        None, twice_checked=True)
            else:
                _check_twice(state, state.seen_incidents, keys, "incident")
                stamps_of = [_line_stamps(line) for line in lines]
                same = _count_unchanged(s, state, keys, stamps_of)
                if same is not None:  # every one held here with these very stamps
                    state.known_incidents.update(keys)
                    for code, n in same:
                        state.result.per_regency.setdefault(code, RegencyCounts()).unchanged += n
                    continue
                stored = _stored_incidents(s, state, keys, with_regency=True)
                need = []
                per = state.result.per_regency
                for n, (h, line, stamps) in enumerate(zip(keys, lines, stamps_of, strict=True),
                                                      first):
                    old = stored.get(h)
                    if old is not None:
                        if _same_stamps(old[0], stamps):
                            state.known_incidents.add(h)
                            per.setdefault(old[1], RegencyCounts()).unchanged += 1
                            continue
                    need.append(scanner.incident(kind, n, loads(line)))
                _merge_incident_items(s, ctx, state, kind, need, None, twice_checked=True)
        except scan.Refused as err:
            raise _refused((err.message, err.params)) from None
        if incidents or kind == "followups":
            done += len(lines)
            progress.report(done, total, "")
    return done


def _count_held(s: Session, state: _ImportState, keys: list[str]) -> int:
    """SQLite: how many of these follow-up ids (32 hex digits) are held here (-1 elsewhere)."""
    if not state.sqlite:
        return -1
    sql = "SELECT count(*) FROM followup WHERE id IN ({m})".format(m=",".join("?" * len(keys)))
    return int(_driver_rows(s.connection(), sql, keys)[0][0])


def _count_unchanged(s: Session, state: _ImportState, keys: list[str],
                     stamps: list[str]) -> list[tuple[str, int]] | None:
    """SQLite: when every one of these incidents is held here with exactly these field
    stamps (stored text), the number of them per regency; else None (then compared one by
    one)."""
    if not state.sqlite:
        return None
    sql = ("WITH v(id, s) AS (VALUES {m}) SELECT i.regency_code, count(*) FROM v "
           "JOIN incident i ON i.id = v.id AND i.field_stamps = v.s GROUP BY i.regency_code"
           ).format(m=",".join(["(?, ?)"] * len(keys)))
    params = [x for pair in zip(keys, stamps, strict=True) for x in pair]
    rows = _driver_rows(s.connection(), sql, params)
    if sum(n for _code, n in rows) != len(keys):
        return None
    return rows  # type: ignore[return-value]


def _check_twice(state: _ImportState, seen: set[str], keys: list[str], what: str) -> None:
    if seen.isdisjoint(keys) and len(set(keys)) == len(keys):
        seen.update(keys)
        return
    for h in keys:  # the first one seen before, in order
        if h in seen:
            if what == "incident":
                raise PackageError(N_("{file}: incident {id} appears twice in the package"),
                                   file=state.reader.name, id=scan.dashed(h))
            raise PackageError(N_("{file}: record {id} appears twice in the package"),
                               file=state.reader.name, id=scan.dashed(h))
        seen.add(h)


def _same_stamps(stored: Any, stamps_text: str) -> bool:
    """The database's field stamps (JSON text, or already decoded) equal these (both
    packed)."""
    if isinstance(stored, str | bytes):
        return stored == stamps_text or orjson.loads(stored) == orjson.loads(stamps_text)
    return bool(stored == orjson.loads(stamps_text))


def _stored_incidents(s: Session, state: _ImportState, keys: list[str],
                      with_regency: bool = False) -> dict[str, tuple[Any, ...]]:
    """hex id -> (field_stamps as stored[, regency_code]) of those incidents held here."""
    if not keys or not state.had_incidents:
        return {}
    conn = s.connection()
    if state.sqlite:  # ids stored as 32 hex digits: one plain query
        sql = 'SELECT id, field_stamps{r} FROM incident WHERE id IN ({marks})'.format(
            r=", regency_code" if with_regency else "", marks=",".join("?" * len(keys)))
        return {row[0]: row[1:] for row in _driver_rows(conn, sql, keys)}
    cols = [Incident.id, _raw(Incident.field_stamps)] + ([Incident.regency_code]
                                                        if with_regency else [])
    stmt = select(*cols).where(Incident.id.in_([uuid.UUID(h) for h in keys]))
    return {row[0].hex: tuple(row[1:]) for row in conn.execute(stmt)}


def _driver_rows(conn: Any, sql: str, params: list[Any], many: bool = False) -> list[Any]:
    """SQLite: a plain statement straight on the driver's connection (same transaction);
    rows fetched at once in C, not one by one through SQLAlchemy's result. Driver errors
    come out as SQLAlchemy's (IntegrityError etc.), like from any other statement."""
    cur = conn.connection.dbapi_connection.cursor()
    try:
        if many:
            cur.executemany(sql, params)
            return []
        return cur.execute(sql, params).fetchall()  # type: ignore[no-any-return]
    except sqlite3.Error as err:
        raise DBAPIError.instance(sql, None, err, sqlite3.Error) from err
    finally:
        cur.close()


def _stored_ids(s: Session, state: _ImportState, model: Any, keys: list[str]) -> set[str]:
    """Those of these ids (32 hex digits) that `model` holds here."""
    if not keys:
        return set()
    conn = s.connection()
    if state.sqlite:
        sql = 'SELECT id FROM "{t}" WHERE id IN ({marks})'.format(
            t=model.__table__.name, marks=",".join("?" * len(keys)))
        return {row[0] for row in _driver_rows(conn, sql, keys)}
    return {x.hex for x in conn.scalars(select(model.id).where(
        model.id.in_([uuid.UUID(h) for h in keys])))}


def _merge_incident_items(s: Session, ctx: AppContext, state: _ImportState, kind: str,
                          items: list[tuple[Any, ...]], error: tuple[str, dict[str, Any]] | None,
                          twice_checked: bool = False) -> None:
    """Checked incidents (`scan.Scanner.incident` items): the new ones are inserted as they
    came, unchanged ones (same field stamps) only counted, the others merged field by
    field (`_merge_changed`)."""
    if not twice_checked:
        _check_twice(state, state.seen_incidents, [it[0] for it in items], "incident")
    if error is not None:
        raise _refused(error)
    if not items:
        return
    stored = _stored_incidents(s, state, [it[0] for it in items])
    per = state.result.per_regency
    known = state.known_incidents
    pkg = state.package_id.hex
    rows, bases, changed = [], [], []
    for it in items:
        h, regency, stamps = it[0], it[1], it[2]
        known.add(h)
        old = stored.get(h)
        if old is None:
            rows.append(it[3])
            if state.sqlite:
                bases.append((h, stamps, it[4], state.mark, it[5] or pkg))
            else:
                bases.append((h, orjson.loads(stamps), orjson.loads(it[4]), state.mark,
                              it[5] or pkg))
            state.new_incidents.add(h)
            per.setdefault(regency, RegencyCounts()).new += 1
        elif _same_stamps(old[0], stamps):
            per.setdefault(regency, RegencyCounts()).unchanged += 1
        else:
            changed.append(_incident_record(it, state.sqlite))
    _insert_tuples(s, state, Incident, scan.INCIDENT_ROW, rows)
    _insert_tuples(s, state, SyncBase, _SYNC_BASE_COLUMNS, bases)
    if changed:
        _merge_changed(s, ctx, state, changed)


_SYNC_BASE_COLUMNS = ("incident_id", "stamps", "bases", "mark", "package_id")


def _incident_record(item: tuple[Any, ...], sqlite: bool) -> dict[str, Any]:
    """A checked incident as the field merge takes it (Python values)."""
    rec = dict(zip(scan.INCIDENT_ROW, item[3], strict=True))
    rec["id"] = uuid.UUID(item[0])
    if sqlite:
        for name in scan.INCIDENT_DT:
            if rec[name] is not None:
                rec[name] = datetime.fromisoformat(rec[name]).replace(tzinfo=UTC)
    rec["deleted"] = bool(rec["deleted"])
    rec["field_stamps"] = unpack_stored(item[2])
    rec["field_bases"] = unpack_stored(item[4])
    rec["via_package"] = item[5]
    return rec


def _merge_changed(s: Session, ctx: AppContext, state: _ImportState,
                   recs: list[dict[str, Any]]) -> None:
    """Incidents held here whose field stamps differ: merged field by field."""
    ids = [r["id"] for r in recs]
    cols = [Incident.id, *[getattr(Incident, f) for f in SYNC_FIELDS], Incident.field_stamps,
            Incident.mod_stamp, Incident.updated_at, Incident.updated_by, Incident.respond_by,
            Incident.responded_at, Incident.origin_site, Incident.recorded_by,
            SyncBase.stamps, SyncBase.bases]
    existing: dict[uuid.UUID, Any] = {}
    for row in s.execute(select(*cols).outerjoin(SyncBase, SyncBase.incident_id == Incident.id)
                         .where(Incident.id.in_(ids))):
        existing[row[0]] = row
    updates: list[dict[str, Any]] = []
    bases_upd: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    settled: list[tuple[uuid.UUID, str, str]] = []
    pkg = state.package_id
    nf = len(SYNC_FIELDS)
    for rec in recs:
        counts = state.result.per_regency.setdefault(rec["regency_code"], RegencyCounts())
        via = uuid.UUID(rec["via_package"]) if rec["via_package"] else pkg
        row = existing[rec["id"]]
        local_vals = dict(zip(SYNC_FIELDS, row[1:1 + nf], strict=True))
        local_stamps = row[1 + nf]
        if local_stamps == rec["field_stamps"]:
            counts.unchanged += 1
            continue
        synced_stamps, synced_bases = row[-2], row[-1]
        local_bases = merge.effective_bases(local_stamps, synced_stamps, synced_bases)
        result = merge.merge_fields(local_vals, local_stamps, local_bases, rec,
                                    rec["field_stamps"], rec["field_bases"])
        (mod_stamp, updated_at, updated_by, respond_by, responded_at) = row[2 + nf:7 + nf]
        values = dict(result.values)
        if rec["mod_stamp"] > mod_stamp:
            values.update(mod_stamp=rec["mod_stamp"], updated_at=rec["updated_at"],
                          updated_by=rec["updated_by"])
        if rec["responded_at"] is not None and (responded_at is None or rec["responded_at"] < responded_at):
            values["responded_at"] = rec["responded_at"]
        if "occurred_at" in values:
            values["occurred_date"] = wib_date(values["occurred_at"])
        if "severity" in values:
            values["severity_rank"] = Severity(values["severity"]).rank
        if {"severity", "reported_at"} & values.keys():
            values["respond_by"] = rec["respond_by"]
        for c in result.conflicts:
            conflicts.append({"incident_id": rec["id"], "field": c.field,
                              "kept_value": _jsonable(c.kept_value), "kept_stamp": c.kept_stamp,
                              "lost_value": _jsonable(c.lost_value), "lost_stamp": c.lost_stamp,
                              "package_id": pkg, "detected_at": state.now, "resolved": False})
            counts.conflicts += 1
        if not values and result.stamps == local_stamps:
            counts.unchanged += 1
            if result.conflicts:  # the incoming version was seen: it becomes the base
                bases_upd.append({"b_id": rec["id"], "stamps": result.stamps,
                                  "bases": result.bases, "mark": state.mark, "package_id": via,
                                  "exists": row[-2] is not None})
            continue
        values["field_stamps"] = result.stamps
        values["b_id"] = rec["id"]
        updates.append(values)
        bases_upd.append({"b_id": rec["id"], "stamps": result.stamps, "bases": result.bases,
                          "mark": state.mark, "package_id": via, "exists": row[-2] is not None})
        counts.updated += 1
        for f, stamp in result.stamps.items():
            if stamp != local_stamps.get(f):
                settled.append((rec["id"], f, result.bases.get(f, stamp)))
        changed = {f: _jsonable(v) for f, v in result.values.items()}
        audit.record(s, ctx.actor, "sync.merge", "incident", str(rec["id"]),
                     before={f: _jsonable(local_vals[f]) for f in result.values},
                     after=changed, at=state.now,
                     detail="package {pid} from site {site}; original author {author} "
                            "(site {origin})".format(pid=pkg, site=state.source_site,
                                                     author=rec["updated_by"],
                                                     origin=rec["origin_site"]))
    conn = s.connection()
    if updates:
        _bulk_update_incidents(s, updates)
    old_bases: list[dict[str, Any]] = []
    fresh: list[dict[str, Any]] = []
    for b in bases_upd:
        if b.pop("exists"):
            old_bases.append(b)
        else:
            fresh.append({"incident_id": b.pop("b_id"), **b})
    if old_bases:
        table = SyncBase.__table__
        s.connection().execute(
            update(table).where(table.c.incident_id == bindparam("b_id")).values(
                stamps=bindparam("stamps"), bases=bindparam("bases"), mark=bindparam("mark"),
                package_id=bindparam("package_id")), old_bases)
    if fresh:
        conn.execute(insert(SyncBase.__table__), fresh)
    for c in conflicts:
        dup = s.scalar(select(SyncConflict.id).where(
            SyncConflict.incident_id == c["incident_id"], SyncConflict.field == c["field"],
            SyncConflict.lost_stamp == c["lost_stamp"]))
        if dup is None:
            s.execute(insert(SyncConflict).values(**c))
    _settle_conflicts(s, state, settled)


def _bulk_update_incidents(s: Session, updates: list[dict[str, Any]]) -> None:
    """One executemany per set of changed columns (Core, keyed by the global id)."""
    table = Incident.__table__
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for u in updates:
        groups.setdefault(tuple(sorted(k for k in u if k != "b_id")), []).append(u)
    for columns, rows in groups.items():
        stmt = (update(table).where(table.c.id == bindparam("b_id"))
                .values({c: bindparam(c) for c in columns}))
        s.connection().execute(stmt, rows)


def _insert_tuples(s: Session, state: _ImportState, model: Any, columns: tuple[str, ...],
                   rows: list[tuple[Any, ...]]) -> None:
    """Bulk insert of checked rows (`sync.scan`). On SQLite they are already in the storage
    form and go straight to the driver's executemany (SQLAlchemy's per-value processing
    would cost more than the insert itself); elsewhere a Core insert, ids made UUIDs."""
    if not rows:
        return
    conn = s.connection()
    table = model.__table__
    if state.sqlite:
        sql = "INSERT INTO {t} ({cols}) VALUES ({marks})".format(
            t=table.name, cols=", ".join('"{n}"'.format(n=n) for n in columns),
            marks=", ".join("?" for _n in columns))
        _driver_rows(conn, sql, rows, many=True)
        return
    ids = [i for i, n in enumerate(columns) if isinstance(table.c[n].type, Uuid)]
    out = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        for i in ids:
            if row[i] is not None:
                values[columns[i]] = uuid.UUID(row[i])
        out.append(values)
    conn.execute(insert(table), out)


def _settle_conflicts(s: Session, state: _ImportState,
                      settled: list[tuple[uuid.UUID, str, str]]) -> None:
    """An open conflict is settled elsewhere when a newer value made from either side of
    it arrives (e.g. a supervisor at another site resolved it)."""
    for inc_id, f, base in settled:
        s.execute(update(SyncConflict).where(
            SyncConflict.incident_id == inc_id, SyncConflict.field == f,
            SyncConflict.resolved.is_(False),
            or_(SyncConflict.kept_stamp == base, SyncConflict.lost_stamp == base),
        ).values(resolved=True, resolved_at=state.now, resolved_by="sync", resolution="remote"))


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _require_incident(s: Session, state: _ImportState, member: str, line: int,
                      key: str) -> None:
    """The incident (32 hex digits) of a follow-up or attachment is in the package or here."""
    if key in state.known_incidents:
        return
    if s.scalar(select(exists().where(Incident.id == uuid.UUID(key)))):
        state.known_incidents.add(key)
        return
    raise _bad(state, member, line, "unknown incident {id}".format(id=scan.dashed(key)))


def _merge_followup_items(s: Session, state: _ImportState, items: list[tuple[int, Any]],
                          error: tuple[str, dict[str, Any]] | None,
                          twice_checked: bool = False) -> None:
    """Checked follow-ups (`scan.Scanner.followup` items): union by id."""
    member = "records/followups.jsonl"
    if not twice_checked:
        _check_twice(state, state.seen_children, [row[0] for _n, row in items], "record")
    known = state.known_incidents
    for line, row in items:
        if row[1] not in known:
            _require_incident(s, state, member, line, row[1])
    if error is not None:
        raise _refused(error)
    if not items:
        return
    have = (_stored_ids(s, state, FollowUp, [row[0] for _n, row in items])
            if state.had_followups else set())
    new = sorted(row for _n, row in items if row[0] not in have)  # by id: index stays local
    if not new:
        return
    _insert_tuples(s, state, FollowUp, scan.FOLLOWUP_COLUMNS, new)
    state.result.followups_new += len(new)
    fresh = state.new_incidents
    for r in new:  # new incidents came with their own next_referral_due
        if r[5] in (FollowUpKind.REFERRAL, FollowUpKind.REFERRAL_UPDATE) and r[1] not in fresh:
            state.referral_touched.add(uuid.UUID(r[1]))
    touched = {uuid.UUID(h) for h in {r[1] for r in new if r[1] not in fresh}}
    if not touched:
        return
    s.execute(update(SyncBase).where(SyncBase.incident_id.in_(touched)).values(mark=state.mark))
    missing = touched - set(s.scalars(select(SyncBase.incident_id).where(
        SyncBase.incident_id.in_(touched))))
    for inc_id in missing:
        stamps = s.scalar(select(Incident.field_stamps).where(Incident.id == inc_id)) or {}
        s.execute(insert(SyncBase).values(
            incident_id=inc_id, stamps=stamps,
            bases=merge.effective_bases(stamps, None, None), mark=state.mark,
            package_id=state.package_id))


def _merge_attachment_items(s: Session, state: _ImportState, items: list[tuple[int, Any]],
                            error: tuple[str, dict[str, Any]] | None,
                            twice_checked: bool = False) -> None:
    """Checked attachments (records as in the package): by id; `deleted` follows the
    greater stamp."""
    member = "records/attachments.jsonl"
    recs = []
    for line, raw in items:
        key = raw["id"].replace("-", "")
        if not twice_checked:
            if key in state.seen_children:
                raise PackageError(N_("{file}: record {id} appears twice in the package"),
                                   file=state.reader.name, id=raw["id"])
            state.seen_children.add(key)
        _require_incident(s, state, member, line, raw["incident_id"].replace("-", ""))
        rec = dict(raw, id=uuid.UUID(raw["id"]), incident_id=uuid.UUID(raw["incident_id"]),
                   added_at=datetime.fromisoformat(raw["added_at"]))
        if s.get(Blob, rec["sha256"]) is None:
            raise _bad(state, member, line, "attachment content {sha} is missing".format(
                sha=rec["sha256"][:12]))
        recs.append(rec)
    if error is not None:
        raise _refused(error)
    if not recs:
        return
    have = {a.id: a for a in s.scalars(select(Attachment).where(
        Attachment.id.in_([r["id"] for r in recs])))}
    new = [r for r in recs if r["id"] not in have]
    if new:
        s.connection().execute(insert(Attachment.__table__), new)
        state.result.attachments_new += len(new)
    for r in recs:
        old = have.get(r["id"])
        if old is not None and r["mod_stamp"] > old.mod_stamp:
            old.deleted = r["deleted"]
            old.mod_stamp = r["mod_stamp"]
    touched = {r["incident_id"] for r in new}
    if touched:
        s.execute(update(SyncBase).where(SyncBase.incident_id.in_(touched)).values(mark=state.mark))


def _import_blobs(s: Session, state: _ImportState) -> None:
    for sha in state.reader.blob_names():
        data = state.reader.read_blob(sha)  # always read: every member is checked
        if s.get(Blob, sha) is None:
            s.add(Blob(sha256=sha, size=len(data), data=data))
    s.flush()


def _store_provenance(s: Session, state: _ImportState) -> None:
    """Keep the signed manifests of the packages relayed records first came in, so the
    author and signature of origin stay visible (and travel on with further relays)."""
    for doc in state.reader.iter_provenance():
        try:
            pid = uuid.UUID(doc["package_id"])
            text = str(doc["manifest"])
            sig = str(doc["signature"])
            inner = json.loads(text)
            signer = str(inner["signer"]["fingerprint"])
            seq = int(inner["sequence"])
            src = str(inner["source_site"])
        except (KeyError, ValueError, TypeError, AttributeError):
            raise PackageError(N_("{file}: a relayed manifest is not valid"),
                               file=state.reader.name) from None
        state.result.relayed_from.append(src)
        if s.get(SyncPackage, pid) is not None:
            continue
        key = s.get(SyncKey, signer)
        verified = key is not None and keymod.verify(key.public_key, sig, text.encode("utf-8"))
        s.add(SyncPackage(package_id=pid, direction="via", source_site=src[:5],
                          recipient="*", sequence=seq, created_at=state.now,
                          processed_at=state.now, mode="relayed", since_stamp="",
                          upto_stamp="", signer=signer[:64], file_name=state.reader.name[:255],
                          counts={"verified": verified, "via": str(state.package_id)},
                          manifest=text, signature=sig[:100]))
    state.result.relayed_from = sorted(set(state.result.relayed_from))


# --- conflicts --------------------------------------------------------------------------


def list_conflicts(ctx: AppContext, include_resolved: bool = False) -> list[ConflictInfo]:
    with ctx.db.read() as s:
        stmt = (select(SyncConflict, Incident.number, Incident.regency_code, Incident.title)
                .join(Incident, Incident.id == SyncConflict.incident_id)
                .order_by(SyncConflict.detected_at.desc(), SyncConflict.id.desc()))
        if not include_resolved:
            stmt = stmt.where(SyncConflict.resolved.is_(False))
        out = []
        for c, number, regency, title in s.execute(stmt):
            out.append(ConflictInfo(c.id, c.incident_id, number, regency, title, c.field,
                                    c.kept_value, c.kept_stamp, c.lost_value, c.lost_stamp,
                                    c.lost_stamp.split("-", 2)[-1], str(c.package_id),
                                    c.detected_at, c.resolved, c.resolution))
        return out


def resolve_conflict(ctx: AppContext, conflict_id: int, choice: str) -> ConflictInfo:
    """`keep` the winning value or `take` the value that lost. Either way the decision is a
    new edit of the field (a new stamp), so it syncs to every site like any edit."""
    require(ctx.actor, Permission.CONFLICT_RESOLVE)
    if choice not in ("keep", "take"):
        raise ValidationError(N_("Choose keep or take, not {value}"), field="choice", value=choice)
    now = ctx.now()
    with ctx.db.write() as s:
        c = s.get(SyncConflict, conflict_id)
        if c is None:
            raise NotFoundError(N_("Conflict {id} not found"), id=conflict_id)
        if c.resolved:
            raise ValidationError(N_("Conflict {id} is already resolved"), field="id", id=conflict_id)
        inc = s.scalars(select(Incident).where(Incident.id == c.incident_id)).one()
        before = _jsonable(getattr(inc, c.field))
        raw = c.kept_value if choice == "keep" else c.lost_value
        value = datetime.fromisoformat(raw) if c.field in records.DATETIME_FIELDS and raw else raw
        if c.field == "status":
            Status(value)
        stamp = new_stamp(s, now)
        setattr(inc, c.field, value)
        inc.field_stamps = {**inc.field_stamps, c.field: stamp}
        inc.mod_stamp = stamp
        inc.updated_at = now
        inc.updated_by = ctx.actor.username
        if c.field == "occurred_at":
            inc.occurred_date = wib_date(inc.occurred_at)
        if c.field == "severity":
            inc.severity_rank = Severity(inc.severity).rank
        c.resolved, c.resolved_at, c.resolved_by, c.resolution = True, now, ctx.actor.username, choice
        audit.record(s, ctx.actor, "sync.conflict_resolve", "incident", str(inc.id),
                     before={c.field: before}, after={c.field: _jsonable(value)},
                     at=now, detail="conflict {id} ({choice}), package {pid}".format(
                         id=conflict_id, choice=choice, pid=c.package_id))
        info = ConflictInfo(c.id, c.incident_id, inc.number, inc.regency_code, inc.title, c.field,
                            c.kept_value, c.kept_stamp, c.lost_value, c.lost_stamp,
                            c.lost_stamp.split("-", 2)[-1], str(c.package_id), c.detected_at,
                            True, choice)
    ctx.bus.publish(Change("incident", (str(info.incident_id),)))
    ctx.bus.publish(Change("sync", ()))
    return info


# --- overview and log --------------------------------------------------------------------


def sync_log(ctx: AppContext, limit: int = 200) -> list[LogEntry]:
    with ctx.db.read() as s:
        rows = s.scalars(select(SyncLog).order_by(SyncLog.at.desc(), SyncLog.id.desc()).limit(limit))
        return [LogEntry(r.at, r.action, str(r.package_id), r.peer_site, r.actor, r.file_name,
                         r.summary) for r in rows]


def pending_count(s: Session, recipient: str) -> int:
    mark = s.get(SyncWatermark, recipient)
    cond = _changed_incidents(mark.upto_stamp if mark else "")
    stmt = select(func.count()).select_from(Incident)
    if cond is not None:
        stmt = stmt.where(cond)
    return int(s.scalar(stmt) or 0)


def overview(ctx: AppContext) -> list[PeerStatus]:
    """Per site (province and the 35 regencies): last package received and sent, records
    pending for it, trust status of its key."""
    with ctx.db.read() as s:
        here = s.scalars(select(LocalSite)).first()
        sites = [(PROVINCE_CODE, "Provinsi Jawa Tengah")] + [
            (r.code, ("Kab. " if r.kind == "kabupaten" else "Kota ") + r.name)
            for r in s.scalars(select(Regency).order_by(Regency.code))]
        received = dict(s.execute(select(SyncPackage.source_site, func.max(SyncPackage.processed_at))
                                  .where(SyncPackage.direction == "in")
                                  .group_by(SyncPackage.source_site)).all())
        sent = dict(s.execute(select(SyncPackage.recipient, func.max(SyncPackage.created_at))
                              .where(SyncPackage.direction == "out")
                              .group_by(SyncPackage.recipient)).all())
        acked = set(s.scalars(select(SyncWatermark.recipient)))
        key_state: dict[str, str] = {}
        for k in s.scalars(select(SyncKey)):
            if k.revoked_at is None:
                key_state[k.site_code] = "trusted"
            else:
                key_state.setdefault(k.site_code, "revoked")
        total = int(s.scalar(select(func.count()).select_from(Incident)) or 0)
        out = []
        for code, name in sites:
            if here is not None and code == here.code:
                continue
            pending = pending_count(s, code) if code in acked else total
            out.append(PeerStatus(code, name, received.get(code), sent.get(code), pending,
                                  key_state.get(code, "none")))
        return out


def canonical_dump(ctx: AppContext) -> dict[str, Any]:
    """Everything that sync must make identical on every site, in a fixed order
    (incidents with their synced fields and stamps, follow-ups, attachments)."""
    with ctx.db.read() as s:
        incs = []
        for inc in s.scalars(select(Incident).order_by(Incident.id)):
            row = {f: _jsonable(getattr(inc, f)) for f in SYNC_FIELDS}
            row.update(id=str(inc.id), number=inc.number, origin_site=inc.origin_site,
                       field_stamps=inc.field_stamps, recorded_by=inc.recorded_by,
                       created_at=inc.created_at.isoformat())
            incs.append(row)
        fus = [[str(f.id), str(f.incident_id), f.kind, f.text, f.author, f.mod_stamp]
               for f in s.scalars(select(FollowUp).order_by(FollowUp.id))]
        atts = [[str(a.id), str(a.incident_id), a.sha256, a.deleted, a.mod_stamp]
                for a in s.scalars(select(Attachment).order_by(Attachment.id))]
        return {"incidents": incs, "followups": fus, "attachments": atts}
