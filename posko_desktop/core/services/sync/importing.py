"""Import: check and merge one package in one transaction, all or nothing
(docs/sync-format.md, "Import").

Order: the signature and addressing, "already imported", replay; then every record file
in order, checked by `sync.scan` (in a helper process for a big package) and applied by
`apply.py`. A record file whose exact bytes were accepted here in an earlier package is
only recognised record by record (`_merge_identical`).
"""

from __future__ import annotations

import json
import logging
import uuid
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path

import orjson
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext, local_site, new_stamp, observe_stamp
from posko_desktop.core.db.bulk import DroppedIndexes
from posko_desktop.core.db.models import Blob, Category, FollowUp, Incident, Regency
from posko_desktop.core.db.models_sync import SyncKey, SyncLog, SyncPackage, SyncWatermark
from posko_desktop.core.db.planner import refresh_statistics
from posko_desktop.core.db.search import drop_triggers, rebuild_search_index
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.evidence import sniff_mime
from posko_desktop.core.hlc import latest_text
from posko_desktop.core.i18n import N_
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import audit, audit_anchors, training
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.incidents import next_referral_due
from posko_desktop.core.services.sync import apply, checks, records
from posko_desktop.core.services.sync.apply import ImportState
from posko_desktop.core.services.sync.results import BROADCAST, ImportResult, RegencyCounts
from posko_desktop.core.sync import keys as keymod
from posko_desktop.core.sync import scan
from posko_desktop.core.sync.lines import packed_field_stamps, record_id
from posko_desktop.core.sync.package import (
    DEFAULT_LIMITS,
    RECORD_FILES,
    AlreadyImported,
    Limits,
    PackageError,
    PackageReader,
)

logger = logging.getLogger(__name__)

BATCH = 1000
BULK_MIN = 5000  # incidents in a package from which the search index is rebuilt, not updated
HELPER_MIN_BYTES = 8 << 20  # record bytes to check from which a helper process reads them
# per record file, every n-th batch the helper hands back unchecked: this process checks it
# while the helper goes on. An incident costs more to check than to write, a follow-up less.
HELPER_SHARE = {"incidents": 3, "tombstones": 3}


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
            training.check_package_mode(s, bool(m.get("training")), name)
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
            ahead_ms = int(settings.get(s, settings.SYNC_CLOCK_AHEAD_HOURS) * 3_600_000)
            created_at = checks.check_created_at(reader, now, timedelta(milliseconds=ahead_ms))
            checks.check_acks(s, reader, site.code)
            relayed = checks.read_relayed(s, reader)
            state = ImportState(
                reader=reader, package_id=package_id, source_site=source,
                mark=new_stamp(s, now), now=now,
                regencies=set(s.scalars(select(Regency.code))),
                categories=set(s.scalars(select(Category.code).where(
                    Category.parent_code.is_not(None)))),
                result=ImportResult(name, str(package_id), source),
                origins=checks.Origins(s, reader, source, site.code, relayed),
            )
            stamp_limit = latest_text(int(now.timestamp() * 1000) + ahead_ms)
            _import_blobs(s, state)
            conn = s.connection()
            state.sqlite = conn.dialect.name == "sqlite"
            if state.sqlite:
                mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
                state.result.rollback_journal = str(mode).lower() in ("delete", "truncate",
                                                                      "persist")
            state.had_incidents = bool(s.scalar(select(exists().where(Incident.id.is_not(None)))))
            state.had_followups = bool(s.scalar(select(exists().where(FollowUp.id.is_not(None)))))
            present = [k for k in scan.KINDS if reader.has(RECORD_FILES[k])]
            identical = _accepted_members(s, reader, present)
            # records of files accepted here before are held here already: not "incoming"
            incoming = sum(m["counts"][k] for k in ("incidents", "tombstones")
                           if k not in identical)
            bulk = incoming >= max(BULK_MIN, int(s.scalar(select(func.count()).select_from(
                Incident)) or 0))
            bulk_load = _BulkLoad(s) if bulk else None
            _merge_records(s, ctx, state, present, identical, progress, bulk_load, stamp_limit)
            for table in records.TABLES.values():  # the record types of sync.kinds
                if reader.has(table.kind.record_file):
                    records.import_kind(s, ctx, state, table, stamp_limit)
            apply.check_units_named(s, state)
            reader.check_counts(state.counted)
            _check_blobs_referenced(state)
            if bulk_load is not None:
                bulk_load.finish()
            for inc_id in state.referral_touched:
                s.execute(update(Incident).where(Incident.id == inc_id).values(
                    next_referral_due=next_referral_due(s, inc_id)))
            _store_provenance(s, state, relayed)
            _record_ack(s, source, m["acks"], site.code)
            audit_anchors.record_received(s, ctx, m, name, now)
            if state.max_stamp:
                observe_stamp(s, state.max_stamp)
            result = state.result
            s.add(SyncPackage(
                package_id=package_id, direction="in", source_site=source,
                recipient=site.code if not m["broadcast"] else "*", sequence=m["sequence"],
                created_at=created_at, processed_at=now,
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
    ctx.bus.publish(Change(ChangeKind.INCIDENT, ()))
    for name, counted in result.records.items():
        if counted.new or counted.updated:
            ctx.bus.publish(Change(records.TABLES[name].change, ()))
    ctx.bus.publish(Change(ChangeKind.SYNC, (str(package_id),)))
    return result


class _BulkLoad:
    """A package at least as big as the database: the full-text triggers and the
    secondary indexes of incident and followup (`db.bulk`) are dropped and built again
    once the rows are in, in the same transaction. The incident side is rebuilt as soon as
    the incidents are loaded, while the helper process still checks the follow-ups."""

    def __init__(self, s: Session) -> None:
        self.conn = s.connection()
        drop_triggers(self.conn)
        self.indexes = DroppedIndexes(self.conn, ("incident", "followup"))
        self.incidents_done = False

    def incidents_loaded(self) -> None:
        if not self.incidents_done:
            self.incidents_done = True
            self.indexes.rebuild("incident")
            rebuild_search_index(self.conn)

    def finish(self) -> None:
        self.incidents_loaded()
        self.indexes.rebuild()
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


def _record_ack(s: Session, sender: str, acks: dict[str, int], local_code: str) -> None:
    """The package says which of our packages `sender` accepted: its end becomes the start
    of our next incremental package for `sender`."""
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


def _merge_records(s: Session, ctx: AppContext, state: ImportState, present: list[str],
                   identical: set[str], progress: Progress, bulk_load: _BulkLoad | None,
                   stamp_limit: str) -> None:
    """Every record file in order: checked by `sync.scan` (in a helper process for a big
    package), merged by `apply`. A record file whose exact bytes (SHA-256) were already
    accepted here in an earlier package is not checked again record by record
    (`_merge_identical`)."""
    reader = state.reader
    counts = reader.manifest["counts"]
    total = sum(counts[k] for k in ("incidents", "tombstones", "followups")) or 1
    checked = [k for k in present if k not in identical]
    rules = scan.Rules(frozenset(state.regencies), frozenset(state.categories), state.now,
                       state.sqlite, BATCH, stamp_limit)
    size = sum(reader.member_entries[RECORD_FILES[k]]["size"] for k in checked)
    before = reader.total
    helper = state.sqlite and size >= HELPER_MIN_BYTES and scan.helper_allowed()
    state.result.helper_process = helper
    logger.info("%s: records checked in %s", reader.name,
                "a helper process" if helper else "this process")
    if helper:
        stream = scan.scan_in_helper(reader, rules, checked, HELPER_SHARE)
    else:
        stream = scan.scan(reader, rules, checked)
    scanner = scan.Scanner(rules, reader.name)  # batches left to this process, records of
    # identical files that need writing
    done = 0
    counted = state.counted
    try:
        for kind in present:
            counted[kind] = 0
            if bulk_load is not None and kind in ("followups", "attachments"):
                bulk_load.incidents_loaded()
            if kind in identical:
                done = _merge_identical(s, ctx, state, scanner, kind, progress, done, total)
                continue
            for msg in stream:
                tag = msg[0]
                if tag == "done":
                    break
                if tag == "lines":  # a batch the helper left to this process
                    _tag, _kind, first, lines = msg
                    items, error = scan.scan_lines(scanner, kind, first, lines)
                else:
                    _tag, _kind, items, error = msg
                counted[kind] += len(items)
                if kind == "followups":
                    apply.merge_followups(s, state, items, error)
                elif kind == "attachments":
                    apply.merge_attachments(s, state, items, error)
                else:
                    apply.merge_incidents(s, ctx, state, items, error)
                if kind != "attachments":
                    done += len(items)
                    progress.report(done, total, "")
        _end, end_stamp, end_total = next(stream)
    finally:
        stream.close()
    if helper:  # the helper counted the bytes it read on its own copy
        reader.total += end_total - before
    state.max_stamp = max(end_stamp, scanner.max_stamp)


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


def _merge_identical(s: Session, ctx: AppContext, state: ImportState, scanner: scan.Scanner,
                     kind: str, progress: Progress, done: int, total: int) -> int:
    """A record file accepted here before (`_accepted_members`). Its records are known to
    be valid and, unless changed here since, unchanged: each is recognised by its id and,
    for incidents, its field stamps compared with the database as text. Any record that is
    not in the database or whose stamps differ is checked in full (`scan.Scanner`) and
    merged like every other record. Ids twice in the package are still refused."""
    loads = orjson.loads
    incidents = kind in ("incidents", "tombstones")
    for first, lines in state.reader.iter_lines(kind, BATCH):
        state.counted[kind] += len(lines)
        keys = [record_id(line) for line in lines]
        try:
            if kind == "followups":
                apply.check_twice(state, state.seen_children, keys, "record")
                if _count_held(s, state, keys) == len(keys):
                    continue  # all held here: a union adds nothing
                have = apply.stored_ids(s, state, FollowUp, keys)
                need = [scanner.followup(n, loads(line))
                        for n, (h, line) in enumerate(zip(keys, lines, strict=True), first)
                        if h not in have]
                apply.merge_followups(s, state, need, None, twice_checked=True)
            elif kind == "attachments":
                apply.check_twice(state, state.seen_children, keys, "record")
                apply.merge_attachments(s, state, [scanner.attachment(n, loads(line))
                                                   for n, line in enumerate(lines, first)],
                                        None, twice_checked=True)
            else:
                apply.check_twice(state, state.seen_incidents, keys, "incident")
                stamps_of = [packed_field_stamps(line) for line in lines]
                same = _count_unchanged(s, state, keys, stamps_of)
                if same is not None:  # every one held here with these very stamps
                    state.known_incidents.update(keys)
                    for code, n in same:
                        state.result.per_regency.setdefault(code, RegencyCounts()).unchanged += n
                    continue
                stored = apply.stored_incidents(s, state, keys, with_regency=True)
                need = []
                per = state.result.per_regency
                for n, (h, line, stamps) in enumerate(zip(keys, lines, stamps_of, strict=True),
                                                      first):
                    old = stored.get(h)
                    if old is not None and apply.same_stamps(old.field_stamps, stamps):
                        state.known_incidents.add(h)
                        per.setdefault(str(old.regency_code), RegencyCounts()).unchanged += 1
                        continue
                    need.append(scanner.incident(kind, n, loads(line)))
                apply.merge_incidents(s, ctx, state, need, None, twice_checked=True)
        except scan.Refused as err:
            raise apply.refused((err.message, err.params)) from None
        if incidents or kind == "followups":
            done += len(lines)
            progress.report(done, total, "")
    return done


def _count_held(s: Session, state: ImportState, keys: list[str]) -> int:
    """SQLite: how many of these follow-up ids (32 hex digits) are held here (-1 elsewhere)."""
    if not state.sqlite:
        return -1
    sql = "SELECT count(*) FROM followup WHERE id IN ({m})".format(m=",".join("?" * len(keys)))
    ((held,),) = apply.driver_rows(s.connection(), sql, keys)
    return int(held)


def _count_unchanged(s: Session, state: ImportState, keys: list[str],
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
    rows = [(code, int(n)) for code, n in apply.driver_rows(s.connection(), sql, params)]
    if sum(n for _code, n in rows) != len(keys):
        return None
    return rows


def _import_blobs(s: Session, state: ImportState) -> None:
    """Every attachment content of the package, read to its end (hash checked) and sniffed
    (the attachment records are checked against it); stored unless held. The whole import
    is one transaction: a refusal later removes them again."""
    for sha in state.reader.blob_names():
        data = state.reader.read_blob(sha)  # always read: every member is checked
        state.blob_facts[sha] = (sniff_mime(data), len(data))
        if s.get(Blob, sha) is None:
            s.add(Blob(sha256=sha, size=len(data), data=data))
    s.flush()


def _check_blobs_referenced(state: ImportState) -> None:
    unused = sorted(set(state.blob_facts) - state.referenced)
    if unused:
        raise PackageError(N_("{file}: attachment content {sha} belongs to no attachment of "
                              "the package"), file=state.reader.name, sha=unused[0][:12])


def _store_provenance(s: Session, state: ImportState,
                      relayed: dict[str, checks.Relayed]) -> None:
    """Keep the signed manifests of the packages relayed records first came in (checked by
    `checks.read_relayed`), so the author and signature of origin stay visible (and travel
    on with further relays)."""
    for r in relayed.values():
        state.result.relayed_from.append(r.source_site)
        if s.get(SyncPackage, r.package_id) is not None:
            continue
        s.add(SyncPackage(package_id=r.package_id, direction="via", source_site=r.source_site,
                          recipient="*", sequence=r.sequence, created_at=state.now,
                          processed_at=state.now, mode="relayed", since_stamp="",
                          upto_stamp="", signer=r.signer, file_name=state.reader.name[:255],
                          counts={"verified": r.trusted, "via": str(state.package_id)},
                          manifest=r.manifest, signature=r.signature))
    state.result.relayed_from = sorted(set(state.result.relayed_from))
