"""The flash report's incident fields travel in format 2 as optional record fields, each
with its own field stamp; packages of older versions (without them) still import, and a
site still on an older version gets them left out (docs/sync-format.md)."""

from __future__ import annotations

import orjson
import pytest

from posko_desktop.core.progress import NO_PROGRESS
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.incidents import REPORT_FIELDS
from posko_desktop.core.services.sync import export_sqlite
from posko_desktop.core.services.sync.export_records import RecordScope, incident_records
from posko_desktop.core.sync.package import PackageError
from posko_desktop.core.sync.records import OPTIONAL_INCIDENT
from tests.sync import forge
from tests.sync.conftest import add_incident, send, table_dump

OLD_STAMPED = ("regency_code", "kecamatan", "desa", "location", "occurred_at", "reported_at",
               "source_type", "source_detail", "title", "description", "category_code",
               "severity", "people_involved", "status", "deleted")
REPORT = dict(victims_dead=1, victims_injured=3, material_loss="Kaca pecah",
              current_condition="Kondusif", source_contact="Pak Slamet, Kades",
              source_phone="0812 3456 789")


def _values(site, incident_id) -> dict:
    d = inc.get_incident(site.ctx, incident_id)
    return {f: getattr(d, f) for f in REPORT_FIELDS}


def test_the_fields_travel_and_merge_field_by_field(sites, tmp_path):
    prov, kab, _kota = sites
    made = add_incident(kab, **REPORT)
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert _values(prov, made.id) == REPORT
    # both edit a different field of the same incident: both edits survive, no conflict
    inc.update_incident(prov.ctx, made.id, {"victims_injured": 5})
    inc.update_incident(kab.ctx, made.id, {"current_condition": "Pelaku ditangkap"})
    r1 = svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    r2 = svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    expected = {**REPORT, "victims_injured": 5, "current_condition": "Pelaku ditangkap"}
    assert _values(prov, made.id) == _values(kab, made.id) == expected
    assert r1.totals().conflicts == r2.totals().conflicts == 0
    # both change the same field: one value wins everywhere, the other is kept as a conflict
    inc.update_incident(prov.ctx, made.id, {"source_phone": "024 1111"})
    inc.update_incident(kab.ctx, made.id, {"source_phone": "024 2222"})
    r3 = svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert _values(prov, made.id) == _values(kab, made.id)
    assert r3.totals().conflicts == 1
    assert [c.field for c in svc.list_conflicts(kab.ctx)] == ["source_phone"]


def _as_older_version(members: dict[str, bytes]) -> None:
    """The records as a version before the fields wrote them."""
    for name in ("records/incidents.jsonl", "records/tombstones.jsonl"):
        if name in members:
            members[name] = forge.jsonl([
                {**{k: v for k, v in rec.items() if k not in OPTIONAL_INCIDENT},
                 "field_stamps": {k: rec["field_stamps"][k] for k in OLD_STAMPED},
                 "field_bases": {k: rec["field_bases"][k] for k in OLD_STAMPED}}
                for rec in forge.lines(members[name])])


def test_a_package_without_the_fields_imports_and_keeps_the_values_held(sites, tmp_path):
    """An office on an older version sends its incidents without the fields: a new one
    arrives with them not known; one the province holds with victims keeps them."""
    prov, kab, _kota = sites
    held = add_incident(kab, title="Bentrok di Bergas", category_code="D3")
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    inc.update_incident(prov.ctx, held.id, {"victims_dead": 2, "current_condition": "Aman"})
    inc.update_incident(kab.ctx, held.id, {"title": "Bentrok pendukung di Bergas"})
    new = add_incident(kab, title="Perusakan baliho", category_code="E1", **REPORT)
    old = forge.resign(send(kab, prov, tmp_path), tmp_path / "lama.posko", kab.key,
                       members=_as_older_version)
    result = svc.import_package(prov.ctx, old)
    assert result.totals().conflicts == 0
    kept = inc.get_incident(prov.ctx, held.id)
    assert kept.title == "Bentrok pendukung di Bergas"
    assert (kept.victims_dead, kept.current_condition) == (2, "Aman")
    assert _values(prov, new.id) == {f: OPTIONAL_INCIDENT[f] for f in REPORT_FIELDS}
    assert inc.get_incident(prov.ctx, new.id).desa_code is None  # not in the old record
    again = table_dump(prov)
    svc.import_package(prov.ctx, old)  # already imported: nothing changes
    assert table_dump(prov) == again


def test_a_site_on_format_1_gets_records_without_the_fields(sites, tmp_path):
    """A site whose last package was format 1 runs an older version whose schema refuses
    unknown fields: its packages leave the fields and their stamps out."""
    prov, kab, _kota = sites
    add_incident(kab, **REPORT)

    def format_1(doc: dict) -> None:
        doc["format_version"] = 1
        doc.pop("audit_anchor", None)
    pkg = forge.resign(send(kab, prov, tmp_path), tmp_path / "f1.posko", kab.key,
                       members=_as_older_version, manifest=format_1)
    svc.import_package(prov.ctx, pkg)
    add_incident(prov, title="Kejadian provinsi", **REPORT)
    out = send(prov, kab, tmp_path, full=True)
    members = forge.read_members(out)
    recs = forge.lines(members["records/incidents.jsonl"])
    assert len(recs) == 2
    for rec in recs:
        assert not set(OPTIONAL_INCIDENT) & set(rec)
        assert set(rec["field_stamps"]) == set(rec["field_bases"]) == set(OLD_STAMPED)
    # and to a site on format 2, they are there
    to_kota = forge.lines(forge.read_members(send(prov, sites[2], tmp_path, full=True))[
        "records/incidents.jsonl"])
    assert all(set(OPTIONAL_INCIDENT) <= set(rec) for rec in to_kota)
    # the office's came in format 1 (not known here), the province's own has them
    assert {rec["title"]: rec["victims_injured"] for rec in to_kota} == {
        "Hoaks surat suara sudah dicoblos": None, "Kejadian provinsi": 3}


def test_the_plain_and_the_sqlite_export_paths_give_the_same_lines(sites):
    """With the fields (format 2) and without them (format 1), the lines SQLite builds are
    the plain path's, byte for byte."""
    _prov, kab, _kota = sites
    add_incident(kab, **REPORT)
    add_incident(kab, title="Tanpa korban")
    for legacy in (False, True):
        with kab.ctx.db.read() as s:
            scopes = [RecordScope(s.connection(), None, "33.22", NO_PROGRESS, 2, legacy=legacy)
                      for _path in ("plain", "fast")]
            plain = [orjson.dumps(r) for r in incident_records(scopes[0], False)]
            fast = [line for batch in export_sqlite.incident_lines(scopes[1], False)
                    for line in batch]
        assert len(plain) == 2 and fast == plain
        assert (b'"victims_injured":3' in plain[0]) is not legacy


def test_codes_and_coordinates_travel_and_a_code_outside_the_regency_is_refused(sites,
                                                                              tmp_path):
    prov, kab, _kota = sites
    made = add_incident(kab, latitude=-7.1306, longitude=110.4012)  # Lerep, Ungaran Barat
    pkg = send(kab, prov, tmp_path)
    svc.import_package(prov.ctx, pkg)
    got = inc.get_incident(prov.ctx, made.id)
    assert (got.kecamatan_code, got.desa_code, got.latitude, got.longitude) == (
        "33.22.18", "33.22.18.2004", -7.1306, 110.4012)

    def elsewhere(members: dict[str, bytes]) -> None:
        recs = forge.lines(members["records/incidents.jsonl"])
        recs[0]["kecamatan_code"] = "33.74.01"
        recs[0]["desa_code"] = None
        members["records/incidents.jsonl"] = forge.jsonl(recs)
    bad = forge.resign(send(kab, sites[2], tmp_path), tmp_path / "salah.posko", kab.key,
                       members=elsewhere)
    before = table_dump(sites[2])
    with pytest.raises(PackageError, match="kecamatan/desa code is not in the regency"):
        svc.import_package(sites[2].ctx, bad)
    assert table_dump(sites[2]) == before
