"""Activities travel in packages with the guarantees of incidents (docs/sync-format.md,
"Record types"): signed, idempotent, a stamp per field, tombstones, conflicts listed,
hostile records refused with the database unchanged."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from posko_desktop.cli import main
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Actor, PoskoError
from posko_desktop.core.reports.data import SitrepOptions
from posko_desktop.core.services import accounts, reference, sitrep
from posko_desktop.core.services import activities as act
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.activities import ActivityInput
from posko_desktop.core.services.sync import records

from .conftest import ADMIN_PASSWORD, PNG, refused, send
from .forge import jsonl, lines, resign

MEMBER = "records/activities.jsonl"


def rakor(**kw) -> ActivityInput:
    values = dict(kind="rakor", title="Rakor pengamanan TPS bersama Forkopimda",
                  started_at=datetime(2024, 11, 25, 9, 0), ended_at=datetime(2024, 11, 25, 11, 0),
                  regencies=["33.22"], partners=["POLRI", "FKUB Kab. Semarang"],
                  kecamatan_code="33.22.08", desa_code="33.22.08.1006",
                  result="Disepakati patroli gabungan H-1 sampai H+1.")
    values.update(kw)
    return ActivityInput(**values)


def activities_of(site):
    return {a.id: a for a in act.list_activities(site.ctx, act.ActivityFilter(
        include_deleted=True))}


def test_an_activity_with_its_attachment_reaches_the_province(sites, tmp_path):
    prov, kab, _kota = sites
    a = act.add_activity(kab.ctx, rakor())
    act.attach(kab.ctx, a.id, "notulen.png", PNG)
    path = send(kab, prov, tmp_path)
    result = svc.import_package(prov.ctx, path)
    assert result.records["activities"].new == 1
    got = activities_of(prov)[a.id]
    assert got.title == a.title and got.partners == ("POLRI", "FKUB Kab. Semarang")
    assert (got.kecamatan_code, got.desa_code) == ("33.22.08", "33.22.08.1006")
    assert got.attachments[0].filename == "notulen.png"
    assert act.attachment_data(prov.ctx, a.id, got.attachments[0].sha256) == PNG
    assert svc.import_package(prov.ctx, path).already_imported
    assert records.canonical_rows  # the dump holds activities:
    assert svc.canonical_dump(prov.ctx)["activities"] == svc.canonical_dump(kab.ctx)["activities"]


def test_a_received_activity_appears_in_section_d_of_the_province_sitrep(sites, tmp_path):
    """Issue 15, "Done when": activities sync between two sites and appear in section D."""
    prov, kab, _kota = sites
    act.add_activity(kab.ctx, rakor())
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    pdf, data, _pages = sitrep.generate(prov.ctx, SitrepOptions(date(2024, 11, 26)))
    assert [a.result for a in data.activities] == [
        "Rakor pengamanan TPS bersama Forkopimda: Disepakati patroli gabungan H-1 sampai H+1."]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    section_d = text[text.index("D. KEGIATAN POSKO"):text.index("E. TINDAK LANJUT")]
    assert "Rakor pengamanan TPS bersama Forkopimda" in section_d
    assert "FKUB Kab. Semarang" in section_d and "Kab. Semarang" in section_d


def test_edits_merge_per_field_and_a_true_conflict_is_listed(sites, tmp_path):
    prov, kab, _kota = sites
    a = act.add_activity(kab.ctx, rakor())
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    act.update_activity(kab.ctx, a.id, {"result": "Hasil dari kabupaten"})
    act.update_activity(prov.ctx, a.id, {"title": "Rakor dari provinsi"})
    act.update_activity(prov.ctx, a.id, {"result": "Hasil dari provinsi"})
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    one, two = activities_of(prov)[a.id], activities_of(kab)[a.id]
    assert one.title == two.title == "Rakor dari provinsi"
    assert one.result == two.result
    listed = records.list_conflicts(prov.ctx, "activities") + records.list_conflicts(
        kab.ctx, "activities")
    assert {c.field for c in listed} == {"result"}
    assert svc.canonical_dump(prov.ctx)["activities"] == svc.canonical_dump(kab.ctx)["activities"]


def test_a_deletion_travels_as_a_tombstone(sites, tmp_path):
    prov, kab, _kota = sites
    a = act.add_activity(kab.ctx, rakor())
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    act.set_deleted(prov.ctx, a.id, True, "dobel")
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    assert activities_of(kab)[a.id].deleted
    assert act.list_activities(kab.ctx) == []


def test_relayed_activities_reach_the_other_regency(sites, tmp_path):
    prov, kab, kota = sites
    a = act.add_activity(kab.ctx, rakor())
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    svc.import_package(kota.ctx, send(prov, kota, tmp_path))
    assert activities_of(kota)[a.id].origin_site == "33.22"


def _edit(change):
    def members(m):
        rows = lines(m[MEMBER])
        for r in rows:
            change(r)
        m[MEMBER] = jsonl(rows)
    return members


def _newest_title(rec, site: str) -> None:
    """A title edit one millisecond after the record's newest, said to be made by `site`."""
    stamp = "{m:013d}-00000-{s}".format(m=int(rec["mod_stamp"][:13]) + 1, s=site)
    rec["field_stamps"]["title"] = stamp
    rec["mod_stamp"] = stamp


@pytest.fixture
def act_package(sites, tmp_path):
    _prov, kab, _kota = sites
    a = act.add_activity(kab.ctx, rakor())
    act.attach(kab.ctx, a.id, "foto.png", PNG)
    return send(kab, sites[0], tmp_path)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda r: r.update(origin_site="33.74"), "signed manifest"),
    (lambda r: r.update(origin_site="33"), "which does not hold it"),
    (lambda r: r.update(kind="pesta"), "kind"),
    (lambda r: r.update(regencies=["33.99"]), "unknown regency code 33.99"),
    (lambda r: r.update(kecamatan_code="33.22.99"), "unknown kecamatan code 33.22.99"),
    (lambda r: r.update(desa_code="33.22.08.2999"), "unknown desa code 33.22.08.2999"),
    (lambda r: r.update(title="Rakor\x1b[31m"), "control character"),
    (lambda r: r.update(started_at="2019-01-01T00:00:00+00:00"), "started_at is out of range"),
    (lambda r: r.update(extra=1), "extra"),
    (lambda r: r["attachments"][0].update(size=5), "not as declared"),
    (lambda r: r["attachments"][0].update(filename="../../etc/passwd"), "file name"),
    (lambda r: r["field_stamps"].update(title="9999999999999-99999-33.22"), "mod_stamp"),
    (lambda r: (r["field_stamps"].update(title="9999999999999-99999-33.22"),
                r.update(mod_stamp="9999999999999-99999-33.22")), "too far ahead"),
    (lambda r: _newest_title(r, "33"), "never made"),
])
def test_hostile_activity_records_are_refused_unchanged(sites, act_package, tmp_path, change,
                                                        expected):
    prov, kab, _kota = sites
    path = resign(act_package, tmp_path / "forged.posko", kab.key, members=_edit(change))
    err = refused(prov, path)
    assert expected in err.text_in("en"), err.text_in("en")


def test_an_activity_twice_in_a_package_is_refused(sites, act_package, tmp_path):
    prov, kab, _kota = sites

    def twice(m):
        rows = lines(m[MEMBER])
        m[MEMBER] = jsonl(rows + rows)
    path = resign(act_package, tmp_path / "twice.posko", kab.key, members=twice)
    assert "appears twice" in refused(prov, path).text_in("en")


def test_a_package_without_the_activity_file_still_imports(sites, tmp_path):
    """Packages made before activities existed (format 2 without the file) import."""
    prov, kab, _kota = sites
    from .conftest import add_incident

    add_incident(kab)
    path = send(kab, prov, tmp_path)

    def drop(m):
        del m[MEMBER]
    forged = resign(path, tmp_path / "old.posko", kab.key, members=drop)
    assert svc.import_package(prov.ctx, forged).totals().new == 1


def test_the_cli_lists_an_activity_conflict_and_a_supervisor_resolves_it(sites, tmp_path,
                                                                         capsys, monkeypatch):
    prov, kab, _kota = sites
    a = act.add_activity(kab.ctx, rakor())
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    act.update_activity(kab.ctx, a.id, {"result": "Versi kabupaten"})
    act.update_activity(prov.ctx, a.id, {"result": "Versi provinsi"})
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    monkeypatch.setenv("POSKO_PASSWORD", ADMIN_PASSWORD)
    base = ["--db", str(prov.path), "--user", "admin-33"]
    assert main([*base, "activity", "conflicts", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["count"] == 1
    c = listed["conflicts"][0]
    assert c["field"] == "result" and {c["kept_value"], c["lost_value"]} == {
        "Versi kabupaten", "Versi provinsi"}
    assert main([*base, "activity", "resolve", str(c["id"]), "take", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["resolved"] is True
    assert act.get_activity(prov.ctx, a.id).result == c["lost_value"]
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))  # the decision syncs
    assert act.get_activity(kab.ctx, a.id).result == c["lost_value"]


def pg_dump(ctx) -> dict[str, list]:
    """Every row of every table of a PostgreSQL database (row-for-row comparison)."""
    with ctx.db.engine.connect() as conn:
        names = [n for (n,) in conn.execute(text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"))]
        return {n: sorted(map(repr, conn.execute(text(f'SELECT * FROM "{n}"')))) for n in names}


@pytest.mark.postgres
def test_activities_sync_with_a_server_mode_site(pg_db, sites, tmp_path):
    """Server mode (PostgreSQL) imports, merges and exports activities like a file site,
    and refuses a forged record with every row as it was."""
    office = sites[1]  # 33.22 on SQLite
    setup = AppContext(pg_db, Actor("admin-33", "admin"))
    reference.init_site(setup, "33", "Provinsi (server)")
    admin = accounts.create_first_admin(setup, "admin-33", ADMIN_PASSWORD, "Admin 33")
    server = setup.as_actor(admin.actor)
    key_file = tmp_path / "server.poskokey"
    svc.export_public_key(server, tmp_path / "keys", key_file)
    svc.trust_key(office.ctx, key_file, svc.inspect_key_file(key_file).short_fingerprint)
    svc.trust_key(server, office.key_file, svc.inspect_key_file(office.key_file).short_fingerprint)
    a = act.add_activity(office.ctx, rakor())
    act.attach(office.ctx, a.id, "notulen.png", PNG)
    good = send(office, sites[0], tmp_path)  # addressed to 33: the server is site 33 too
    forged = resign(good, tmp_path / "forged.posko", office.key,
                    members=_edit(lambda r: r.update(origin_site="33")))
    before = pg_dump(server)
    with pytest.raises(PoskoError, match="does not hold it"):
        svc.import_package(server, forged)
    assert pg_dump(server) == before
    assert svc.import_package(server, good).records["activities"].new == 1
    act.update_activity(server, a.id, {"title": "Rakor di server"})
    package = tmp_path / "server-to-3322.posko"
    svc.export_package(server, tmp_path / "keys", "33.22", package)
    svc.import_package(office.ctx, package)
    assert act.get_activity(office.ctx, a.id).title == "Rakor di server"
    assert svc.canonical_dump(server)["activities"] == svc.canonical_dump(
        office.ctx)["activities"]
