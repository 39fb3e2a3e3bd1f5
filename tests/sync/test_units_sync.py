"""Reporting units travel in packages like activities (docs/sync-format.md, "Record
types"): the seeded units stay home until changed, edits merge per field, a true conflict
is listed, a unit added at the province reaches every office, hostile records are refused
with the database unchanged."""

from __future__ import annotations

import zipfile

import pytest

from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services import units
from posko_desktop.core.services.sync import records

from .conftest import refused, send
from .forge import jsonl, lines, resign

MEMBER = "records/units.jsonl"


def members_of(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_seeded_units_stay_home_and_a_changed_one_travels(sites, tmp_path):
    prov, kab, kota = sites
    full = send(prov, kab, tmp_path, full=True)
    assert not lines(members_of(full).get(MEMBER, b""))  # every site holds the seed
    units.update_unit(prov.ctx, "KPU-PROV", {"cadence": "on_event"})
    added = units.add_unit(prov.ctx, "DINSOS", "Dinas Sosial Provinsi Jawa Tengah")
    path = send(prov, kab, tmp_path)
    assert sorted(r["number"] for r in lines(members_of(path)[MEMBER])) == ["DINSOS",
                                                                           "KPU-PROV"]
    result = svc.import_package(kab.ctx, path)
    assert (result.records["units"].new, result.records["units"].updated) == (1, 1)
    assert units.get_unit(kab.ctx, "KPU-PROV").cadence == "on_event"
    assert units.get_unit(kab.ctx, "DINSOS").id == added.id
    assert svc.import_package(kab.ctx, path).already_imported
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    svc.import_package(kota.ctx, send(prov, kota, tmp_path))  # relayed on
    dumps = [svc.canonical_dump(s.ctx)["units"] for s in sites]
    assert dumps[0] == dumps[1] == dumps[2] and len(dumps[0]) == 35 + 9 + 1
    # the office's watch now counts the new unit like the province's
    period = dash.current_period(kota.ctx)
    assert "DINSOS" in dash.report_status(kota.ctx, period)


def test_unit_edits_merge_per_field_and_a_true_conflict_is_listed(sites, tmp_path):
    prov, kab, _kota = sites
    units.update_unit(kab.ctx, "KODAM4", {"name": "Kodam IV/Dip. (kab)"})
    units.update_unit(prov.ctx, "KODAM4", {"cadence": "on_event"})
    units.update_unit(prov.ctx, "KODAM4", {"name": "Kodam IV/Diponegoro (prov)"})
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    one, two = units.get_unit(prov.ctx, "KODAM4"), units.get_unit(kab.ctx, "KODAM4")
    assert one.name == two.name and one.cadence == two.cadence == "on_event"
    listed = records.list_conflicts(prov.ctx, "units") + records.list_conflicts(kab.ctx, "units")
    assert {c.field for c in listed} == {"name"}
    assert svc.canonical_dump(prov.ctx)["units"] == svc.canonical_dump(kab.ctx)["units"]


@pytest.fixture
def unit_package(sites, tmp_path):
    prov, kab, _kota = sites
    units.update_unit(kab.ctx, "POLDA", {"name": "Polda Jateng"})
    return send(kab, prov, tmp_path)


def _edit(change):
    def members(m):
        rows = lines(m[MEMBER])
        for r in rows:
            change(r)
        m[MEMBER] = jsonl(rows)
    return members


@pytest.mark.parametrize(("change", "expected"), [
    (lambda r: r.update(regency_code="33.22"), "an agency unit has no regency code"),
    (lambda r: r.update(unit_type="regency"), "a regency unit's code is its regency code"),
    (lambda r: r.update(number="33.74", unit_type="regency", regency_code="33.99"),
     "unknown regency code 33.99"),
    (lambda r: r.update(cadence="weekly"), "cadence"),
    (lambda r: r.update(name="Polda\x1b[31m"), "control character"),
    (lambda r: r.update(number="polda kecil"), "number"),
    (lambda r: r.update(extra=1), "extra"),
    (lambda r: r.update(origin_site="33.74"), "this site holds it from site 33"),
])
def test_hostile_unit_records_are_refused_unchanged(sites, unit_package, tmp_path, change,
                                                    expected):
    prov, kab, _kota = sites
    path = resign(unit_package, tmp_path / "forged.posko", kab.key, members=_edit(change))
    err = refused(prov, path)
    assert expected in err.text_in("en"), err.text_in("en")


def test_an_edit_of_a_seeded_unit_goes_from_office_to_office(sites, tmp_path):
    """Every site holds the seeded units from the start: an office's edit reaches another
    office directly, without the province's manifest (found by the convergence property)."""
    _prov, kab, kota = sites
    units.update_unit(kab.ctx, "POLDA", {"name": "Polda Jawa Tengah (Semarang)"})
    result = svc.import_package(kota.ctx, send(kab, kota, tmp_path))
    assert result.records["units"].updated == 1
    assert units.get_unit(kota.ctx, "POLDA").name == "Polda Jawa Tengah (Semarang)"
