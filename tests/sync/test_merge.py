"""Merge rules: stamps decide, follow-ups add up, tombstones stay, true conflicts are kept
for a supervisor and their resolution travels like any edit."""

from __future__ import annotations

import json

import jsonschema
import pytest
from sqlalchemy import func, select

from posko_desktop.core.db.models import FollowUp, Incident
from posko_desktop.core.db.models_sync import SyncConflict, SyncLog
from posko_desktop.core.domain import Actor, PermissionDenied
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.sync import importing
from posko_desktop.core.sync import merge, records
from posko_desktop.core.sync.package import PackageReader

from .conftest import add_incident, send
from .forge import lines, read_members


def exchange(a, b, tmp_path):
    svc.import_package(b.ctx, send(a, b, tmp_path))


def test_concurrent_edits_of_one_field_make_one_conflict(sites, tmp_path):
    prov, kab, _ = sites
    d = add_incident(kab)
    exchange(kab, prov, tmp_path)
    for site, title in ((kab, "Judul dari kabupaten"), (prov, "Judul dari provinsi")):
        data = d.to_input()
        data.title = title
        inc.update_incident(site.ctx, d.id, data)
    result = svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert result.totals().conflicts == 1
    exchange(prov, kab, tmp_path)
    # same value on both sites (the later stamp), the other value kept for review
    assert inc.get_incident(prov.ctx, d.id).title == inc.get_incident(kab.ctx, d.id).title
    winner = inc.get_incident(prov.ctx, d.id).title
    [conflict] = svc.list_conflicts(prov.ctx)
    assert conflict.field == "title" and conflict.kept_value == winner
    assert {conflict.kept_value, conflict.lost_value} == {"Judul dari kabupaten",
                                                          "Judul dari provinsi"}
    # the supervisor takes the losing value: an edit that reaches the other site
    svc.resolve_conflict(prov.ctx, conflict.id, "take")
    assert inc.get_incident(prov.ctx, d.id).title == conflict.lost_value
    assert svc.list_conflicts(prov.ctx) == []
    exchange(prov, kab, tmp_path)
    assert inc.get_incident(kab.ctx, d.id).title == conflict.lost_value
    assert all(c.resolved for c in svc.list_conflicts(kab.ctx, include_resolved=True))


def test_sequential_edits_are_not_conflicts(sites, tmp_path):
    prov, kab, _ = sites
    d = add_incident(kab)
    exchange(kab, prov, tmp_path)
    data = d.to_input()
    data.title = "Diperbaiki provinsi"
    inc.update_incident(prov.ctx, d.id, data)
    exchange(prov, kab, tmp_path)
    data.severity = "kritis"
    inc.update_incident(kab.ctx, d.id, data)
    r = svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert r.totals().conflicts == 0 and r.totals().updated == 1
    got = inc.get_incident(prov.ctx, d.id)
    assert (got.title, got.severity) == ("Diperbaiki provinsi", "kritis")


def test_edits_of_different_fields_both_survive(sites, tmp_path):
    prov, kab, _ = sites
    d = add_incident(kab)
    exchange(kab, prov, tmp_path)
    a = d.to_input()
    a.title = "Judul baru"
    inc.update_incident(kab.ctx, d.id, a)
    b = d.to_input()
    b.severity = "rendah"
    inc.update_incident(prov.ctx, d.id, b)
    exchange(kab, prov, tmp_path)
    exchange(prov, kab, tmp_path)
    for site in (prov, kab):
        got = inc.get_incident(site.ctx, d.id)
        assert (got.title, got.severity) == ("Judul baru", "rendah")
    assert svc.list_conflicts(prov.ctx) == []


def test_followups_merge_by_union(sites, tmp_path):
    prov, kab, _ = sites
    d = add_incident(kab)
    exchange(kab, prov, tmp_path)
    inc.add_followup(kab.ctx, d.id, "catatan kabupaten")
    inc.add_followup(prov.ctx, d.id, "catatan provinsi")
    exchange(kab, prov, tmp_path)
    exchange(prov, kab, tmp_path)
    for site in (prov, kab):
        texts = {e.text for e in inc.get_incident(site.ctx, d.id).timeline}
        assert {"catatan kabupaten", "catatan provinsi"} <= texts
        with site.ctx.db.read() as s:
            assert s.scalar(select(func.count()).select_from(FollowUp)) == 2


def test_tombstone_wins_over_older_edit(sites, tmp_path):
    prov, kab, _ = sites
    d = add_incident(kab)
    exchange(kab, prov, tmp_path)
    data = d.to_input()
    data.title = "Suntingan lama"
    inc.update_incident(prov.ctx, d.id, data)
    inc.set_deleted(kab.ctx, d.id, True, "dobel")
    exchange(prov, kab, tmp_path)
    exchange(kab, prov, tmp_path)
    for site in (prov, kab):
        got = inc.get_incident(site.ctx, d.id)
        assert got.deleted and got.title == "Suntingan lama"


def test_same_package_twice_changes_nothing_and_says_so(sites, tmp_path):
    prov, kab, _ = sites
    add_incident(kab)
    path = send(kab, prov, tmp_path)
    svc.import_package(prov.ctx, path)
    with prov.ctx.db.read() as s:
        logs = s.scalar(select(func.count()).select_from(SyncLog))
    r = svc.import_package(prov.ctx, path)
    assert r.already_imported
    with prov.ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(SyncLog)) == logs
        assert s.scalar(select(func.count()).select_from(Incident)) == 1


def test_summary_per_regency_matches_the_database(sites, tmp_path):
    prov, kab, _ = sites
    for code in ("33.22", "33.22", "33.74"):
        add_incident(kab, regency_code=code)
    r = svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    with prov.ctx.db.read() as s:
        counted = dict(s.execute(select(Incident.regency_code, func.count())
                                 .group_by(Incident.regency_code)).all())
        log = s.scalars(select(SyncLog).where(SyncLog.action == "import")).one()
    assert {k: v.new for k, v in r.per_regency.items()} == counted
    assert log.summary["per_regency"]["33.22"]["new"] == 2


def test_relay_keeps_the_origin_visible(sites, tmp_path):
    prov, kab, kota = sites
    d = add_incident(kab)
    first = send(kab, prov, tmp_path)
    svc.import_package(prov.ctx, first)
    relay = send(prov, kota, tmp_path)
    with PackageReader(relay) as reader:
        assert [r["source_site"] for r in reader.manifest["relayed"]] == ["33.22"]
    rec = lines(read_members(relay)["records/incidents.jsonl"])[0]
    assert rec["origin_site"] == "33.22" and rec["recorded_by"] == "admin-33.22"
    with PackageReader(first) as reader:
        assert rec["via_package"] == reader.manifest["package_id"]
    r = svc.import_package(kota.ctx, relay)
    assert r.relayed_from == ["33.22"]
    got = inc.get_incident(kota.ctx, d.id)
    assert got.origin_site == "33.22" and got.number == d.number


def test_incremental_export_only_carries_changes_after_an_ack(sites, tmp_path):
    prov, kab, _ = sites
    add_incident(kab)
    exchange(kab, prov, tmp_path)
    exchange(prov, kab, tmp_path)  # carries the province's ack of package 1
    second = add_incident(kab, title="Insiden baru")
    path = send(kab, prov, tmp_path)
    rows = lines(read_members(path)["records/incidents.jsonl"])
    assert [r["id"] for r in rows] == [str(second.id)]
    full = send(kab, prov, tmp_path, full=True)
    assert len(lines(read_members(full)["records/incidents.jsonl"])) == 2


def test_resolving_needs_the_permission(sites, tmp_path):
    prov = sites[0]
    operator = prov.ctx.as_actor(Actor("op", "operator"))
    with pytest.raises(PermissionDenied):
        svc.resolve_conflict(operator, 1, "keep")
    with pytest.raises(PermissionDenied):
        svc.revoke_key(operator, "abcdefgh")


def test_wrong_fingerprint_is_not_trusted(sites, template_db, tmp_path):
    prov, kab, _ = sites
    with pytest.raises(svc.SyncError):
        svc.trust_key(prov.ctx, kab.key_file, "0000-0000-0000-0000-0000")
    assert len(svc.list_keys(prov.ctx)) == 2


def test_concurrency_rule():
    assert merge.concurrent("3", "1", "2", "1")  # both edited from 1
    assert not merge.concurrent("3", "2", "2", "1")  # 3 was made from 2
    assert not merge.concurrent("2", "2", "3", "1")  # 2 is not an edit here


def test_fast_checker_agrees_with_jsonschema(sites, tmp_path):
    prov, kab, _ = sites
    d = add_incident(kab)
    inc.add_followup(kab.ctx, d.id, "x")
    members = read_members(send(kab, prov, tmp_path))
    good = {"incident": lines(members["records/incidents.jsonl"])[0],
            "followup": lines(members["records/followups.jsonl"])[0]}
    variants = []
    for name, rec in good.items():
        variants.append((name, rec))
        for key in list(rec)[:12]:
            broken = dict(rec)
            broken[key] = 12345 if isinstance(rec[key], str) else "x" * 300
            variants.append((name, broken))
            missing = dict(rec)
            del missing[key]
            variants.append((name, missing))
        variants.append((name, {**rec, "extra": 1}))
    for name, rec in variants:
        reference = jsonschema.Draft202012Validator(records.schema(name)).is_valid(rec)
        assert (records.checker(name)(rec) is None) == reference, (name, json.dumps(rec)[:200])


def test_fast_path_of_the_checker_refuses_whatever_the_exact_checker_refuses(sites, tmp_path):
    """The checker first runs a fast variant (joined regex, sets of types and lengths) and
    falls back to the field-by-field one; every mutation of every field, nested stamps
    included, must give the same verdict as jsonschema and the same reason as the exact
    checker alone."""
    prov, kab, _ = sites
    d = add_incident(kab)
    inc.add_followup(kab.ctx, d.id, "x")
    members = read_members(send(kab, prov, tmp_path))
    good = {"incident": lines(members["records/incidents.jsonl"])[0],
            "followup": lines(members["records/followups.jsonl"])[0]}
    bad_values = [None, 1, True, 1.5, [], {}, "", "x" * 50, "x" * 25000, "٣٣.٢٢",
                  "0191ae8f-c9a9-7a0c-9ac4-4e92c974732b\n", "ok\x00ok", "33\x0033", "rendah", "B1"]
    checked = 0
    for name, rec in good.items():
        check = records.checker(name)
        reference = jsonschema.Draft202012Validator(records.schema(name))
        variants = [rec, {**rec, "extra": 1}]
        for key in rec:
            variants.append({k: v for k, v in rec.items() if k != key})
            for bad in bad_values:
                variants.append({**rec, key: bad})
            if isinstance(rec[key], dict):
                for sub in rec[key]:
                    for bad in (None, 7, "", "1725210544553-00000-33.7", "1725210544553-00000-33"):
                        variants.append({**rec, key: {**rec[key], sub: bad}})
                    variants.append({**rec, key: {k: v for k, v in rec[key].items() if k != sub}})
        for v in variants:
            verdict = check(v)
            assert (verdict is None) == reference.is_valid(v), (name, json.dumps(v)[:300])
            assert verdict == check.exact(v), (name, json.dumps(v)[:300])
            checked += 1
    assert checked > 500


def test_conflicts_table_counts_match_summary(sites, tmp_path):
    prov, kab, kota = sites
    d = add_incident(kab)
    exchange(kab, prov, tmp_path)
    exchange(kab, kota, tmp_path)
    for site, sev in ((kab, "rendah"), (kota, "kritis")):
        data = d.to_input()
        data.severity = sev
        inc.update_incident(site.ctx, d.id, data)
    r1 = svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    r2 = svc.import_package(prov.ctx, send(kota, prov, tmp_path))
    with prov.ctx.db.read() as s:
        rows = s.scalar(select(func.count()).select_from(SyncConflict))
    assert rows == r1.totals().conflicts + r2.totals().conflicts == 1


def test_search_finds_imported_incidents_after_a_bulk_import(sites, tmp_path, monkeypatch):
    """Large packages rebuild the full-text index once instead of per row."""
    prov, kab, _ = sites
    add_incident(kab, title="Baliho dirusak di Ungaran")
    monkeypatch.setattr(importing, "BULK_MIN", 1)
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    found = inc.query_incidents(prov.ctx, inc.IncidentFilter(text="baliho"), with_total=True)
    assert found.total == 1
    d = add_incident(prov, title="Kampanye hitam di pasar")
    assert inc.query_incidents(prov.ctx, inc.IncidentFilter(text="pasar"),
                               with_total=True).rows[0].id == d.id
