"""The TPS register and the vulnerability baseline sync between sites (issue 17,
docs/kerawanan.md "Between sites", docs/sync-format.md "Baseline sheets"): what the province
imports reaches a regency and shows there as it does at the province; a regency sends its
own TPS list and mapping; who may author what is enforced at the import of a file and of a
package; concurrent edits of one kecamatan leave one value everywhere and a listed
conflict; forged sheets are refused with the database unchanged."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from posko_desktop.cli import main
from posko_desktop.core import places
from posko_desktop.core.db.seed_baseline import sheet_id
from posko_desktop.core.domain import PermissionDenied
from posko_desktop.core.services import baseline, tps_register
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.sync import records
from tests.kerawanan.samples import write_samples

from .conftest import ADMIN_PASSWORD, refused, send, table_dump
from .forge import jsonl, lines, resign


def desa_of(kecamatan: str) -> list[str]:
    return sorted(c for c in places.shipped_index().desa if c[:8] == kecamatan)


def kecamatan_of(regency: str) -> list[str]:
    return sorted(c for c in places.shipped_index().kecamatan if c[:5] == regency)


def write_tps(path: Path, desa: list[str], dpt: int = 300, per_desa: int = 2) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Kode desa", "Nomor TPS", "DPT", "Alamat", "Lintang", "Bujur"])
        for d in desa:
            for n in range(1, per_desa + 1):
                w.writerow([d, n, dpt + n, "Balai desa", "", ""])
    return path


def write_polda(path: Path, desa: list[str], level: str = "rawan") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Kode desa", "Nomor TPS", "Kelas Polda"])
        for d in desa:
            w.writerow([d, 1, level])
    return path


def view(site) -> tuple:
    """What a user sees of the baseline and the register (no local version ids)."""
    b = baseline.baseline_summary(site.ctx)
    return (b.regencies, b.kecamatan, {k: (v.kind, v.rows) for k, v in b.versions.items()},
            tps_register.list_tps(site.ctx))


def sheets(site, kind: str) -> list:
    return svc.canonical_dump(site.ctx)[kind]


def test_the_province_baseline_reaches_a_regency_and_shows_the_same(sites, tmp_path):
    prov, kab, _kota = sites
    paths = write_samples(tmp_path, desa_count=120)
    tps_register.import_register(prov.ctx, paths["tps"])
    for kind in ("ikp", "tps_rawan", "polda"):
        assert baseline.import_baseline(prov.ctx, kind, paths[kind], "Contoh").new
    path = send(prov, kab, tmp_path)
    result = svc.import_package(kab.ctx, path)
    assert result.records["tps_sheets"].updated > 0 and result.records["ikp_sheets"].updated == 35
    assert view(kab) == view(prov)
    assert baseline.baseline_summary(kab.ctx).regencies["33.01"].ikp_score is not None
    for kind in ("tps_sheets", "tps_rawan_sheets", "polda_sheets", "ikp_sheets"):
        assert sheets(kab, kind) == sheets(prov, kind)
    before = table_dump(kab)
    assert svc.import_package(kab.ctx, path).already_imported
    assert table_dump(kab) == before
    # the same files again at the province: no new version, nothing to send
    for kind in ("ikp", "tps_rawan", "polda"):
        assert not baseline.import_baseline(prov.ctx, kind, paths[kind]).new
    again = send(prov, kab, tmp_path)
    assert not any(c.new or c.updated for c in svc.import_package(kab.ctx, again).records.values())


def test_a_regency_sends_its_own_tps_list_and_polda_classes_on_to_the_other(sites, tmp_path):
    prov, kab, kota = sites
    kec = kecamatan_of("33.22")[0]
    # a file name with a control character: the sheet's label keeps the printable rest
    tps_register.import_register(kab.ctx, write_tps(tmp_path / "tps\x1b.csv", desa_of(kec)))
    baseline.import_baseline(kab.ctx, "polda", write_polda(tmp_path / "polda.csv",
                                                           desa_of(kec)[:3], "sangat rawan"))
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert tps_register.list_tps(prov.ctx, regency="33.22") == \
        tps_register.list_tps(kab.ctx, regency="33.22")
    assert baseline.baseline_summary(prov.ctx).regencies["33.22"].polda_sangat_rawan == 3
    assert {r["label"] for r in sheets(prov, "tps_sheets") if r["area"] == kec} == {"tps.csv"}
    svc.import_package(kota.ctx, send(prov, kota, tmp_path))  # relayed by the province
    assert view(kota) == view(kab) == view(prov)


def test_a_regency_imports_only_its_own_rows_and_never_the_ikp(sites, tmp_path):
    _prov, kab, _kota = sites
    before = table_dump(kab)
    other = write_tps(tmp_path / "tps.csv", desa_of(kecamatan_of("33.74")[0])[:1]
                      + desa_of(kecamatan_of("33.22")[0])[:1])
    with pytest.raises(PermissionDenied) as err:
        tps_register.import_register(kab.ctx, other)
    assert "33.74" in err.value.text_in("en")
    paths = write_samples(tmp_path, desa_count=20)
    with pytest.raises(PermissionDenied):
        baseline.import_baseline(kab.ctx, "ikp", paths["ikp"])
    with pytest.raises(PermissionDenied):
        baseline.import_baseline(kab.ctx, "polda", write_polda(
            tmp_path / "polda.csv", desa_of(kecamatan_of("33.74")[0])[:1]))
    assert table_dump(kab) == before


def test_concurrent_imports_of_one_kecamatan_end_equal_with_a_listed_conflict(
        sites, tmp_path, capsys, monkeypatch):
    prov, kab, _kota = sites
    desa = desa_of(kecamatan_of("33.22")[1])
    tps_register.import_register(prov.ctx, write_tps(tmp_path / "a.csv", desa, dpt=300))
    tps_register.import_register(kab.ctx, write_tps(tmp_path / "b.csv", desa, dpt=250))
    to_prov, to_kab = send(kab, prov, tmp_path), send(prov, kab, tmp_path)
    svc.import_package(prov.ctx, to_prov)
    svc.import_package(kab.ctx, to_kab)
    assert view(prov) == view(kab)
    assert sheets(prov, "tps_sheets") == sheets(kab, "tps_sheets")
    owner = prov if records.list_conflicts(prov.ctx, kind="tps_sheets") else kab
    # a supervisor takes the value that lost (CLI): a new edit, which reaches the other site
    monkeypatch.setenv("POSKO_PASSWORD", ADMIN_PASSWORD)
    base = ["--db", str(owner.path), "--user", "admin-" + owner.code]
    assert main([*base, "baseline", "conflicts", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)["conflicts"]
    conflict = next(c for c in listed if c["field"] == "rows")
    assert conflict["record"].startswith("tps_sheet 33.22.")
    assert main([*base, "baseline", "resolve", str(conflict["id"]), "take"]) == 0
    other = kab if owner is prov else prov
    svc.import_package(other.ctx, send(owner, other, tmp_path))
    assert view(prov) == view(kab)
    assert {t.dpt for t in tps_register.list_tps(prov.ctx, regency="33.22")} == {
        row[2] for row in conflict["lost_value"]}


@pytest.mark.postgres
def test_a_server_mode_province_receives_a_regency_tps_list(any_sites, tmp_path):
    prov, kab, _kota = any_sites
    kec = kecamatan_of("33.22")[2]
    tps_register.import_register(kab.ctx, write_tps(tmp_path / "tps.csv", desa_of(kec)))
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert tps_register.list_tps(prov.ctx, regency="33.22") == \
        tps_register.list_tps(kab.ctx, regency="33.22")
    assert sheets(prov, "tps_sheets") == sheets(kab, "tps_sheets")


MEMBER = "records/tps_sheets.jsonl"


@pytest.fixture
def sheet_package(sites, tmp_path):
    _prov, kab, _kota = sites
    kec = kecamatan_of("33.22")[0]
    tps_register.import_register(kab.ctx, write_tps(tmp_path / "tps.csv", desa_of(kec)[:2]))
    return send(kab, sites[0], tmp_path)


def _stamped_by(rec, site: str) -> None:
    stamp = "{m}-00000-{s}".format(m=rec["mod_stamp"][:13], s=site)
    rec["field_stamps"]["rows"] = rec["mod_stamp"] = stamp


def _other_kecamatan(rec) -> None:
    other = kecamatan_of("33.74")[0]
    rec.update(area=other, number=other, id=str(sheet_id("tps_sheets", other)))
    rec["rows"] = [[desa_of(other)[0], 1, 200, "", None, None]]


@pytest.mark.parametrize(("change", "expected"), [
    (_other_kecamatan, "may not change the sheet of"),
    (lambda r: r["rows"].append([desa_of(kecamatan_of("33.74")[0])[0], 1, 5, "", None, None]),
     "is not in kecamatan"),
    (lambda r: r["rows"].append(list(r["rows"][0])), "appears twice"),
    (lambda r: r["rows"][0].__setitem__(2, 9000), "DPT 9000 is out of range"),
    (lambda r: r["rows"][0].__setitem__(1, "1"), "a row begins with a desa code"),
    (lambda r: r["rows"][0].__setitem__(2, True), "a whole number"),
    (lambda r: r["rows"].append(["33.22.01.2001"]), "a row is a list of 6 values"),
    (lambda r: r["rows"][0].__setitem__(3, "Balai\x1b[31m"), "address"),
    (lambda r: r["rows"][0].__setitem__(4, -7.0), "latitude and longitude"),
    (lambda r: r.update(number="33.22.99"), "not the sheet of"),
    (lambda r: r.update(origin_site="33.22"), "origin_site"),
    (lambda r: r.update(deleted=True), "deleted"),
    (lambda r: _stamped_by(r, "33.74"), "site 33.74 may not change"),
])
def test_forged_sheets_are_refused_unchanged(sites, sheet_package, tmp_path, change, expected):
    prov, kab, _kota = sites

    def edit(m):
        rows = lines(m[MEMBER])
        change(rows[0])
        m[MEMBER] = jsonl(rows)
    path = resign(sheet_package, tmp_path / "forged.posko", kab.key, members=edit)
    err = refused(prov, path)
    assert expected in err.text_in("en"), err.text_in("en")


def test_an_ikp_sheet_stamped_by_a_regency_is_refused(sites, tmp_path):
    prov, kab, kota = sites
    paths = write_samples(tmp_path, desa_count=20)
    baseline.import_baseline(prov.ctx, "ikp", paths["ikp"])
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    package = send(kab, kota, tmp_path, full=True)

    def edit(m):
        rows = lines(m["records/ikp_sheets.jsonl"])
        _stamped_by(rows[0], "33.22")
        m["records/ikp_sheets.jsonl"] = jsonl(rows)
    path = resign(package, tmp_path / "forged-ikp.posko", kab.key, members=edit)
    assert "site 33.22 may not change" in refused(kota, path).text_in("en")
