"""Who reported travels (issue 18): `incident.reporting_unit` as format 2's optional field
with its own stamp, `activity.reporting_unit` as a synced field of activities; an unknown
unit refuses the package as a whole; an agency with its own site (`33.80`–`33.99`) turns
Masuk in the province's reporting watch through its real packages."""

from __future__ import annotations

from datetime import datetime

import pytest

from posko_desktop.core.domain import ValidationError
from posko_desktop.core.services import activities as act
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services import units
from posko_desktop.core.services.sync import records

from .conftest import add_incident, make_site, refused, sample, send, trust_all
from .forge import jsonl, lines, resign


def test_the_reporting_unit_travels_and_a_later_edit_wins(sites, tmp_path):
    prov, kab, _kota = sites
    made = inc.create_incident(kab.ctx, sample(), reporting_unit="POLDA")
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert inc.get_incident(prov.ctx, made.id).reporting_unit == "POLDA"
    inc.update_incident(prov.ctx, made.id, {"reporting_unit": "KODAM4"})
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    assert inc.get_incident(kab.ctx, made.id).reporting_unit == "KODAM4"
    # back to the regency's office: a regency code is stored as "no unit"
    inc.update_incident(kab.ctx, made.id, {"reporting_unit": "33.22"})
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert inc.get_incident(prov.ctx, made.id).reporting_unit is None


def test_concurrent_unit_edits_are_a_listed_conflict(sites, tmp_path):
    prov, kab, _kota = sites
    made = add_incident(kab)
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    inc.update_incident(kab.ctx, made.id, {"reporting_unit": "POLDA"})
    inc.update_incident(prov.ctx, made.id, {"reporting_unit": "KEJATI", "title": "Judul baru"})
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    one, two = inc.get_incident(prov.ctx, made.id), inc.get_incident(kab.ctx, made.id)
    assert one.reporting_unit == two.reporting_unit in ("POLDA", "KEJATI")
    assert one.title == two.title == "Judul baru"
    conflicts = svc.list_conflicts(prov.ctx) + svc.list_conflicts(kab.ctx)
    assert {c.field for c in conflicts} == {"reporting_unit"}


def test_an_activity_keeps_its_reporting_unit_across_sites(sites, tmp_path):
    prov, kab, _kota = sites
    a = act.add_activity(kab.ctx, act.ActivityInput(
        "rakor", "Rakor Polres", datetime(2024, 11, 25, 9, 0), regencies=["33.22"],
        reporting_unit="polda"))
    assert a.reporting_unit == "POLDA"
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert act.get_activity(prov.ctx, a.id).reporting_unit == "POLDA"
    act.update_activity(prov.ctx, a.id, {"reporting_unit": None})
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    assert act.get_activity(kab.ctx, a.id).reporting_unit is None
    assert records.list_conflicts(kab.ctx, "activities") == []


def _forge_unit(member: str, code):
    def members(m):
        rows = lines(m[member])
        for r in rows:
            r["reporting_unit"] = code
        m[member] = jsonl(rows)
    return members


@pytest.mark.parametrize(("code", "expected"), [
    ("GHOST", "names the reporting unit GHOST, which this site does not know"),
    ("polda", "reporting_unit: does not match the pattern"),
    (7, "reporting_unit: wrong type"),
])
def test_an_incident_naming_an_unknown_unit_refuses_the_package(sites, tmp_path, code,
                                                                expected):
    prov, kab, _kota = sites
    add_incident(kab)
    path = resign(send(kab, prov, tmp_path), tmp_path / "forged.posko", kab.key,
                  members=_forge_unit("records/incidents.jsonl", code))
    err = refused(prov, path)
    assert expected in err.text_in("en"), err.text_in("en")


def test_an_activity_naming_an_unknown_unit_refuses_the_package(sites, tmp_path):
    prov, kab, _kota = sites
    act.add_activity(kab.ctx, act.ActivityInput(
        "rakor", "Rakor", datetime(2024, 11, 25, 9, 0), regencies=["33.22"]))
    path = resign(send(kab, prov, tmp_path), tmp_path / "forged.posko", kab.key,
                  members=_forge_unit("records/activities.jsonl", "GHOST"))
    assert "GHOST" in refused(prov, path).text_in("en")


def test_a_unit_added_in_the_same_package_is_known(sites, tmp_path):
    prov, kab, _kota = sites
    units.add_unit(prov.ctx, "DINSOS", "Dinas Sosial")
    made = add_incident(prov)
    inc.update_incident(prov.ctx, made.id, {"reporting_unit": "DINSOS"})
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    assert inc.get_incident(kab.ctx, made.id).reporting_unit == "DINSOS"


@pytest.fixture
def polda_site(sites, template_db, tmp_path):
    prov, kab, kota = sites
    polda = make_site(template_db, tmp_path, "33.81", "Posko Polda Jateng")
    trust_all([prov, kab, kota, polda])
    yield polda
    polda.ctx.db.dispose()


def test_an_agency_site_turns_its_unit_masuk_at_the_province(sites, polda_site, tmp_path):
    prov, kab, _kota = sites
    units.update_unit(prov.ctx, "POLDA", {"site_code": "33.81"})
    period = dash.current_period(prov.ctx)
    before = dash.report_status(prov.ctx, period)
    assert before["POLDA"].status == before["33.74"].status == "belum"
    # the binding travels: the agency's site learns which unit it is
    svc.import_package(polda_site.ctx, send(prov, polda_site, tmp_path))
    assert units.get_unit(polda_site.ctx, "POLDA").site_code == "33.81"
    add_incident(polda_site, regency_code="33.74")  # names no unit: made at Polda's site
    svc.import_package(prov.ctx, send(polda_site, prov, tmp_path))
    status = dash.report_status(prov.ctx, period)
    assert status["POLDA"].status == "masuk"
    assert status["33.74"].status == "belum"  # not the Kota Semarang office's report
    # relayed on to a regency office, it counts there alike
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    assert dash.report_status(kab.ctx, period)["POLDA"].status == "masuk"


def test_an_agency_sites_activity_counts_and_the_desks_own_does_not(sites, polda_site,
                                                                    tmp_path):
    prov, kab, _kota = sites
    units.update_unit(prov.ctx, "KODAM4", {"site_code": "33.82"})
    units.update_unit(prov.ctx, "POLDA", {"site_code": "33.81"})
    period = dash.current_period(prov.ctx)
    now = prov.ctx.now().replace(tzinfo=None)
    act.add_activity(prov.ctx, act.ActivityInput("rakor", "Rakor desk", now,
                                                 regencies=["33.22"]))
    act.add_activity(kab.ctx, act.ActivityInput("patroli_siber", "Patroli", now,
                                                regencies=["33.22"]))
    act.add_activity(polda_site.ctx, act.ActivityInput("rakor", "Rakor Polda", now,
                                                       regencies=["33.74"]))
    act.add_activity(prov.ctx, act.ActivityInput("imbauan", "Imbauan Kesbangpol", now,
                                                 reporting_unit="KESBANGPOL"))
    for src in (kab, polda_site):
        svc.import_package(prov.ctx, send(src, prov, tmp_path))
    status = dash.report_status(prov.ctx, period)
    assert (status["POLDA"].status, status["KESBANGPOL"].status, status["33.22"].status,
            status["KODAM4"].status, status["33.74"].status) == (
        "masuk", "masuk", "masuk", "belum", "belum")


def test_a_site_code_is_an_agencys_and_one_units_only(sites):
    prov, _kab, _kota = sites
    units.update_unit(prov.ctx, "POLDA", {"site_code": "3381"})
    assert units.get_unit(prov.ctx, "POLDA").site_code == "33.81"
    for ref, code in (("KODAM4", "33.81"), ("KODAM4", "33.22"), ("33.22", "33.85"),
                      ("KODAM4", "34.81")):
        with pytest.raises(ValidationError):
            units.update_unit(prov.ctx, ref, {"site_code": code})
