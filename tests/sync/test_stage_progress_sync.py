"""Stage reports travel in packages with the guarantees of activities (docs/sync-format.md,
"Record types"): two sites reporting the same stage never clash and show the same board,
corrections merge per field with a true conflict listed, tombstones, relays, hostile
records refused with the database unchanged, a server-mode site."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from posko_desktop.cli import main
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Actor, PoskoError, ProgressStage
from posko_desktop.core.services import accounts, reference
from posko_desktop.core.services import stage_progress as prog
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.stage_progress import StageReportInput
from posko_desktop.core.services.sync import records

from .conftest import ADMIN_PASSWORD, refused, send
from .forge import jsonl, lines, resign
from .test_activities_sync import pg_dump

MEMBER = "records/stage_reports.jsonl"


def voting(**kw) -> StageReportInput:
    values = dict(regency="33.22", stage="pemungutan", as_of=datetime(2024, 11, 27, 13, 0),
                  done=1800, total=2640, note="Laporan PPK pukul 13.00")
    values.update(kw)
    return StageReportInput(**values)


def reports_of(site) -> dict:
    return {r.id: r for r in prog.list_reports(site.ctx, include_deleted=True)}


def test_two_sites_reporting_one_stage_show_the_same_board(sites, tmp_path):
    prov, kab, _kota = sites
    prog.report_stage(kab.ctx, voting(as_of=datetime(2024, 11, 27, 14, 0), done=2000))
    prog.report_stage(prov.ctx, voting(as_of=datetime(2024, 11, 27, 13, 30), done=1900))
    result = svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert result.records["stage_reports"].new == 1
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    boards = [prog.board(s.ctx) for s in (prov, kab)]
    assert [b.cell("33.22", ProgressStage.PEMUNGUTAN).done for b in boards] == [2000, 2000]
    assert len(reports_of(prov)) == len(reports_of(kab)) == 2  # both reports kept
    assert records.list_conflicts(prov.ctx, "stage_reports") == []
    dumps = [svc.canonical_dump(s.ctx)["stage_reports"] for s in (prov, kab)]
    assert dumps[0] == dumps[1]


def test_corrections_merge_per_field_and_a_true_conflict_is_listed(sites, tmp_path):
    prov, kab, _kota = sites
    r = prog.report_stage(kab.ctx, voting())
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    prog.update_report(kab.ctx, r.id, {"done": 2000})
    prog.update_report(prov.ctx, r.id, {"note": "Koreksi provinsi"})
    prog.update_report(prov.ctx, r.id, {"done": 2100})
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    one, two = reports_of(prov)[r.id], reports_of(kab)[r.id]
    assert one.note == two.note == "Koreksi provinsi"
    assert (one.done, one.total) == (two.done, two.total)
    listed = records.list_conflicts(prov.ctx, "stage_reports") + records.list_conflicts(
        kab.ctx, "stage_reports")
    assert {c.field for c in listed} == {"counts"}
    assert {tuple(c.lost_value) for c in listed} <= {(2000, 2640), (2100, 2640)}


def test_a_deletion_travels_and_a_relay_reaches_the_other_regency(sites, tmp_path):
    prov, kab, kota = sites
    r = prog.report_stage(kab.ctx, voting())
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    svc.import_package(kota.ctx, send(prov, kota, tmp_path))
    assert reports_of(kota)[r.id].origin_site == "33.22"
    prog.set_deleted(prov.ctx, r.id, True, "dobel")
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    assert reports_of(kab)[r.id].deleted
    assert prog.board(kab.ctx).cell("33.22", ProgressStage.PEMUNGUTAN) is None


def _edit(change):
    def members(m):
        rows = lines(m[MEMBER])
        for r in rows:
            change(r)
        m[MEMBER] = jsonl(rows)
    return members


@pytest.fixture
def stage_package(sites, tmp_path):
    _prov, kab, _kota = sites
    prog.report_stage(kab.ctx, voting())
    return send(kab, sites[0], tmp_path)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda r: r.update(origin_site="33.74"), "signed manifest"),
    (lambda r: r.update(regency="33.99"), "unknown regency code 33.99"),
    (lambda r: r.update(stage="hitung_cepat"), "stage"),
    (lambda r: r.update(counts=[2641, 2640]), "done is greater than total"),
    (lambda r: r.update(stage="logistik", counts=[1, 2]), "yes/no stage"),
    (lambda r: r.update(counts=[1, 2, 3]), "counts"),
    (lambda r: r.update(note="Catatan\x1b[31m"), "control character"),
    (lambda r: r.update(as_of="2019-01-01T00:00:00+00:00"), "as_of is out of range"),
    (lambda r: r.update(extra=1), "extra"),
    (lambda r: (r["field_stamps"].update(note="9999999999999-99999-33.22"),
                r.update(mod_stamp="9999999999999-99999-33.22")), "too far ahead"),
])
def test_hostile_stage_reports_are_refused_unchanged(sites, stage_package, tmp_path, change,
                                                     expected):
    prov, kab, _kota = sites
    path = resign(stage_package, tmp_path / "forged.posko", kab.key, members=_edit(change))
    err = refused(prov, path)
    assert expected in err.text_in("en"), err.text_in("en")


def test_a_package_without_the_stage_file_still_imports(sites, tmp_path):
    prov, kab, _kota = sites
    from .conftest import add_incident

    add_incident(kab)
    path = send(kab, prov, tmp_path)

    def drop(m):
        del m[MEMBER]
    forged = resign(path, tmp_path / "old.posko", kab.key, members=drop)
    assert svc.import_package(prov.ctx, forged).totals().new == 1


def test_the_cli_lists_a_stage_conflict_and_a_supervisor_resolves_it(sites, tmp_path, capsys,
                                                                     monkeypatch):
    prov, kab, _kota = sites
    r = prog.report_stage(kab.ctx, voting())
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    prog.update_report(kab.ctx, r.id, {"note": "Versi kabupaten"})
    prog.update_report(prov.ctx, r.id, {"note": "Versi provinsi"})
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    monkeypatch.setenv("POSKO_PASSWORD", ADMIN_PASSWORD)
    base = ["--db", str(prov.path), "--user", "admin-33"]
    assert main([*base, "progress", "conflicts", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["count"] == 1
    c = listed["conflicts"][0]
    assert c["field"] == "note"
    assert main([*base, "progress", "resolve", str(c["id"]), "take", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["resolved"] is True
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))  # the decision syncs
    assert prog.get_report(kab.ctx, r.id).note == prog.get_report(prov.ctx, r.id).note == c[
        "lost_value"]


@pytest.mark.postgres
def test_stage_reports_sync_with_a_server_mode_site(pg_db, sites, tmp_path):
    office = sites[1]  # 33.22 on SQLite
    setup = AppContext(pg_db, Actor("admin-33", "admin"))
    reference.init_site(setup, "33", "Provinsi (server)")
    admin = accounts.create_first_admin(setup, "admin-33", ADMIN_PASSWORD, "Admin 33")
    server = setup.as_actor(admin.actor)
    key_file = tmp_path / "server.poskokey"
    svc.export_public_key(server, tmp_path / "keys", key_file)
    svc.trust_key(office.ctx, key_file, svc.inspect_key_file(key_file).short_fingerprint)
    svc.trust_key(server, office.key_file, svc.inspect_key_file(office.key_file).short_fingerprint)
    r = prog.report_stage(office.ctx, voting())
    good = send(office, sites[0], tmp_path)
    forged = resign(good, tmp_path / "forged.posko", office.key,
                    members=_edit(lambda rec: rec.update(counts=[9, 1])))
    before = pg_dump(server)
    with pytest.raises(PoskoError, match="greater than total"):
        svc.import_package(server, forged)
    assert pg_dump(server) == before
    assert svc.import_package(server, good).records["stage_reports"].new == 1
    prog.update_report(server, r.id, {"done": 2640})
    package = tmp_path / "server-to-3322.posko"
    svc.export_package(server, tmp_path / "keys", "33.22", package)
    svc.import_package(office.ctx, package)
    assert prog.get_report(office.ctx, r.id).complete
    assert svc.canonical_dump(server)["stage_reports"] == svc.canonical_dump(
        office.ctx)["stage_reports"]
