"""Candidate pairs travel through the generic record path (docs/sync-format.md, "Record
types"): province to regencies and relayed, merged per field with a true conflict listed,
deleted as a tombstone, hostile records refused with the database unchanged; an incident's
contest, pair and TPS travel with it."""

from __future__ import annotations

from datetime import datetime

import pytest

from posko_desktop.core.services import contests, incidents
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.contests import PairInput
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.services.sync import records

from .conftest import refused, send
from .forge import jsonl, lines, resign

MEMBER = "records/candidate_pairs.jsonl"


def pair(**kw) -> PairInput:
    values = dict(contest_code="33", ballot_number=1, head="Calon Gubernur A",
                  deputy="Calon Wakil A", parties=["Partai A", "Partai B"])
    values.update(kw)
    return PairInput(**values)


def pairs_of(site):
    return {p.id: p for p in contests.list_pairs(site.ctx, include_deleted=True)}


def test_pairs_reach_every_regency_and_merge_per_field(sites, tmp_path):
    prov, kab, kota = sites
    p = contests.add_pair(prov.ctx, pair())
    assert svc.import_package(kab.ctx, send(prov, kab, tmp_path)).records[
        "candidate_pairs"].new == 1
    svc.import_package(kota.ctx, send(prov, kota, tmp_path))
    assert pairs_of(kota)[p.id].parties == ("Partai A", "Partai B")
    contests.update_pair(kab.ctx, p.id, {"deputy": "Wakil dari kabupaten"})
    contests.update_pair(prov.ctx, p.id, {"head": "Calon Gubernur A, S.H."})
    contests.update_pair(prov.ctx, p.id, {"deputy": "Wakil dari provinsi"})
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    one, two = pairs_of(prov)[p.id], pairs_of(kab)[p.id]
    assert one.head == two.head == "Calon Gubernur A, S.H." and one.deputy == two.deputy
    listed = records.list_conflicts(prov.ctx, "candidate_pairs") + records.list_conflicts(
        kab.ctx, "candidate_pairs")
    assert {c.field for c in listed} == {"deputy"}
    assert svc.canonical_dump(prov.ctx)["candidate_pairs"] == svc.canonical_dump(
        kab.ctx)["candidate_pairs"]
    contests.set_deleted(prov.ctx, p.id, True)
    svc.import_package(kota.ctx, send(prov, kota, tmp_path))
    assert pairs_of(kota)[p.id].deleted and contests.list_pairs(kota.ctx) == []


def test_an_incident_naming_a_pair_travels_with_it(sites, tmp_path):
    prov, kab, _kota = sites
    contests.add_pair(prov.ctx, pair())
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    d = incidents.create_incident(kab.ctx, IncidentInput(
        regency_code="33.22", title="Serangan fajar paslon 1", category_code="B1",
        severity="tinggi", occurred_at=datetime(2024, 11, 27, 5, 0),
        reported_at=datetime(2024, 11, 27, 6, 0), kecamatan_code="33.22.08",
        desa_code="33.22.08.2004", tps_number=3, contest_code="33", pair_number=1))
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    got = incidents.get_incident(prov.ctx, d.id)
    assert (got.contest_code, got.pair_number, got.tps_number) == ("33", 1, 3)


@pytest.fixture
def pair_package(sites, tmp_path):
    prov, kab, _kota = sites
    contests.add_pair(prov.ctx, pair())
    return send(prov, kab, tmp_path)


def _edit(change):
    def members(m):
        rows = lines(m[MEMBER])
        for r in rows:
            change(r)
        m[MEMBER] = jsonl(rows)
    return members


@pytest.mark.parametrize(("change", "expected"), [
    (lambda r: r.update(contest_code="34"), "contest_code"),
    (lambda r: r.update(ballot_number=0), "ballot_number"),
    (lambda r: r.update(head="Calon\x1b[31m"), "control character"),
    (lambda r: r.update(parties=["A", "A"]), "parties"),
    (lambda r: r.update(origin_site="33.22"), "which does not hold it"),
    (lambda r: r.update(extra=1), "extra"),
])
def test_hostile_pair_records_are_refused_unchanged(sites, pair_package, tmp_path, change,
                                                    expected):
    prov, kab, _kota = sites
    path = resign(pair_package, tmp_path / "forged.posko", prov.key, members=_edit(change))
    err = refused(kab, path)
    assert expected in err.text_in("en"), err.text_in("en")
