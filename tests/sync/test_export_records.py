"""On SQLite the export builds each record's JSON in SQL (json_object): the lines must be
the plain path's lines, the compact orjson form of exactly the stored values, for awkward text too (quotes,
backslashes, control characters, line separators, non-ASCII), with `field_bases` and
`via_package` as the generic builder gives them (relayed and local incidents, tombstones)."""

from __future__ import annotations

import uuid
import zipfile
from datetime import UTC, datetime

import orjson
from sqlalchemy import select, update

from posko_desktop.core.db.models import FollowUp, Incident
from posko_desktop.core.db.models_sync import SyncBase
from posko_desktop.core.progress import NO_PROGRESS
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.sync import export_sqlite
from posko_desktop.core.services.sync.export_records import (
    FOLLOWUP_COLUMNS,
    RecordScope,
    changed_incidents,
    child_records,
    incident_records,
)
from posko_desktop.core.sync import merge, scan

from .conftest import add_incident, send

TRICKY = ('Kutip "ganda" \\ garis\\miring /slash\ttab\nbaris\r\x01\x08\x0c\x1f\x7f '
          "\u2028\u2029 é ü Ñ 中文 🗳️ </script> {\"json\": [1]}")


def _older(site, model, record_id, **values):
    """Text with control characters, as an older version stored it (the services refuse
    them since #14.7; databases and packages from before may hold them)."""
    with site.ctx.db.write() as s:
        s.execute(update(model).where(model.id == record_id).values(**values))


def _tricky_incident(site, **overrides):
    d = add_incident(site, **{**overrides, "description": "x"})
    _older(site, Incident, d.id, description=overrides.get("description", TRICKY))
    return d


def _tricky_note(site, incident_id, text_value):
    note = inc.add_followup(site.ctx, incident_id, "x")
    _older(site, FollowUp, note.id, text=text_value)


def _lines(path, member):
    with zipfile.ZipFile(path) as z:
        return z.read(member).splitlines()


def _time(value):
    return value if value is None else datetime.fromisoformat(value)


def _stored_time(value):
    return value if value is None else value.replace(tzinfo=value.tzinfo or UTC)


def test_sqlite_export_records_are_the_stored_values(sites, tmp_path):
    prov, kab, kota = sites
    a = _tricky_incident(kab, location="Balai \"desa\" \\ Lerep")
    _tricky_note(kab, a.id, TRICKY)
    first = send(kab, prov, tmp_path)
    svc.import_package(prov.ctx, first)  # prov holds `a` with its sync base, via `first`
    _tricky_note(prov, a.id, "catatan provinsi \x02")
    local = _tricky_incident(prov, regency_code="33.74", description="lokal " + TRICKY,
                             people_involved=None)
    gone = add_incident(prov, regency_code="33.74", title="Duplikat laporan")
    inc.set_deleted(prov.ctx, gone.id, True, "duplikat")
    pkg = send(prov, kota, tmp_path, full=True)
    first_id = orjson.loads(zipfile.ZipFile(first).read("manifest.json"))["package_id"]

    records = {}
    for member in ("records/incidents.jsonl", "records/tombstones.jsonl",
                   "records/followups.jsonl"):
        for line in _lines(pkg, member):
            rec = orjson.loads(line)
            assert orjson.dumps(rec) == line  # compact, orjson's escapes, UTF-8
            records[rec["id"]] = (member, rec)
    kinds = [m for m, _ in records.values()]
    assert kinds.count("records/incidents.jsonl") == 2
    assert kinds.count("records/tombstones.jsonl") == 1

    with prov.ctx.db.read() as s:
        for row in s.scalars(select(Incident)):
            member, rec = records[str(row.id)]
            assert member.endswith("tombstones.jsonl") == row.deleted
            assert rec["deleted"] is row.deleted
            for name in scan.INCIDENT_COLUMNS:
                value = getattr(row, name)
                if name in ("occurred_at", "reported_at", "created_at", "updated_at",
                            "respond_by", "responded_at", "next_referral_due"):
                    assert _time(rec[name]) == _stored_time(value), name
                elif name == "id":
                    assert rec[name] == str(value)
                else:
                    assert rec[name] == value, name
            base = s.get(SyncBase, row.id)
            expected = merge.effective_bases(row.field_stamps, base and base.stamps,
                                             base and base.bases)
            assert rec["field_bases"] == expected
            if row.id == a.id:
                assert rec["via_package"] == first_id
                assert rec["description"] == TRICKY
            else:
                assert rec["via_package"] is None
        for row in s.scalars(select(FollowUp)):
            member, rec = records[str(row.id)]
            assert member.endswith("followups.jsonl")
            assert rec["incident_id"] == str(row.incident_id)
            assert rec["referral_id"] == (str(row.referral_id) if row.referral_id else None)
            assert _time(rec["created_at"]) == _stored_time(row.created_at)
            assert _time(rec["due_at"]) == _stored_time(row.due_at)
            for name in ("author", "origin_site", "kind", "text", "status_from", "status_to",
                         "agency_code", "referral_state", "mod_stamp"):
                assert rec[name] == getattr(row, name), name
    assert records[str(local.id)][1]["people_involved"] is None
    assert isinstance(uuid.UUID(first_id), uuid.UUID)

    r = svc.import_package(kota.ctx, pkg)
    assert r.totals().new == 3 and r.followups_new == kinds.count("records/followups.jsonl")
    assert svc.canonical_dump(kota.ctx) == svc.canonical_dump(prov.ctx)


def test_sqlite_fast_path_gives_the_plain_paths_lines(sites, tmp_path):
    """The rule for fast paths: on the same database, the lines built by SQLite
    (`export_sqlite`) are byte for byte what the plain path (`export_records`, used on
    PostgreSQL) encodes, for every incident (live, tombstone, relayed, local) and
    follow-up, in the same order; and so for an incremental selection."""
    prov, kab, _ = sites
    a = _tricky_incident(kab, location="Balai \"desa\" \\ Lerep")
    _tricky_note(kab, a.id, TRICKY)
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    _tricky_note(prov, a.id, "catatan provinsi \x02 🗳️")
    _tricky_incident(prov, regency_code="33.74", description="lokal " + TRICKY,
                     people_involved=None)
    gone = add_incident(prov, regency_code="33.74", title="Duplikat laporan")
    inc.set_deleted(prov.ctx, gone.id, True, "duplikat")
    with prov.ctx.db.read() as s:
        since = min(s.scalars(select(Incident.mod_stamp)))

    def both(cond):
        def scope():
            return RecordScope(s.connection(), cond, "33", NO_PROGRESS, 10)

        plain = [orjson.dumps(r) for deleted in (False, True)
                 for r in incident_records(scope(), deleted)]
        plain += [orjson.dumps(r) for r in child_records(scope(), FollowUp, FOLLOWUP_COLUMNS)]
        fast = [line for deleted in (False, True)
                for batch in export_sqlite.incident_lines(scope(), deleted) for line in batch]
        fast += [line for batch in export_sqlite.followup_lines(scope()) for line in batch]
        return plain, fast

    with prov.ctx.db.read() as s:
        plain, fast = both(None)
        assert len(plain) == 3 + 3 and fast == plain
        plain, fast = both(changed_incidents(since))
        assert 0 < len(plain) and fast == plain
