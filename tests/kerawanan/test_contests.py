"""Contests and candidate pairs: the 36 contests, pairs with roles, audit and the version
check, incidents naming contest, pair and TPS, counts in `stats`, the XLSX template and
import (row-level report, idempotent, nothing written on a bad row), on SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
from datetime import datetime
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from posko_desktop.core.db.base import Base
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.domain import (
    Actor,
    PermissionDenied,
    StaleEdit,
    ValidationError,
    ValidationErrors,
)
from posko_desktop.core.resources import resource_path
from posko_desktop.core.services import contests, incidents, stats, tps_register
from posko_desktop.core.services.contests import PairInput
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.spreadsheets import contests as pair_sheets
from posko_desktop.core.spreadsheets.tables import TableRowsError


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.read() as s:
        return {t.name: sorted((tuple(r) for r in s.execute(select(t))), key=repr)
                for t in Base.metadata.sorted_tables if t.name not in ("kecamatan", "desa")}


def semarang(number: int = 1, **kw: Any) -> PairInput:
    values: dict[str, Any] = dict(contest_code="3374", ballot_number=number,
                                  head="Calon Kepala {n}".format(n=number),
                                  deputy="Calon Wakil {n}".format(n=number),
                                  parties=["Partai A", " Partai  B ", "Partai A"])
    values.update(kw)
    return PairInput(**values)


def incident(**kw: Any) -> IncidentInput:
    values: dict[str, Any] = dict(
        regency_code="33.74", title="Bagi-bagi sembako atas nama paslon",
        category_code="B1", severity="sedang", occurred_at=datetime(2024, 11, 25, 10, 0),
        reported_at=datetime(2024, 11, 25, 11, 0))
    values.update(kw)
    return IncidentInput(**values)


def test_the_36_contests_follow_the_regencies(any_ctx):
    rows = contests.list_contests(any_ctx)
    assert len(rows) == 36
    assert (rows[0].code, rows[0].kind, rows[0].name) == ("33", "pilgub", "Pilgub Jawa Tengah")
    by_code = {c.code: c for c in rows}
    assert by_code["33.74"].name == "Pilwalkot Kota Semarang"
    assert by_code["33.22"].name == "Pilbup Kab. Semarang"
    assert sum(c.kind == "pilwalkot" for c in rows) == 6


def test_a_pair_is_stored_cleaned_audited_and_unique_per_contest(any_ctx):
    p = contests.add_pair(any_ctx, semarang())
    assert (p.contest_code, p.ballot_number, p.parties) == ("33.74", 1, ("Partai A", "Partai B"))
    assert p.number == "PAS-3300-0001"
    before = dump(any_ctx.db)
    with pytest.raises(ValidationError) as err:
        contests.add_pair(any_ctx, semarang(head="Orang Lain"))
    assert err.value.field == "ballot_number"
    with pytest.raises(ValidationError):
        contests.add_pair(any_ctx, semarang(2, contest_code="34.01"))
    with pytest.raises(ValidationError):
        contests.add_pair(any_ctx, semarang(2, head="Nama\x07"))
    assert dump(any_ctx.db) == before
    with any_ctx.db.read() as s:
        assert s.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == \
            "candidate_pair.create"


def test_only_an_administrator_edits_pairs(any_ctx):
    before = dump(any_ctx.db)
    for role in ("operator", "supervisor"):
        with pytest.raises(PermissionDenied):
            contests.add_pair(any_ctx.as_actor(Actor("budi", role)), semarang())
    assert dump(any_ctx.db) == before


def test_a_stale_pair_edit_is_refused_with_nothing_written(any_ctx):
    p = contests.add_pair(any_ctx, semarang())
    contests.update_pair(any_ctx, p.id, {"head": "Nama Baru"}, expected_version=p.version)
    before = dump(any_ctx.db)
    with pytest.raises(StaleEdit):
        contests.update_pair(any_ctx, p.id, {"deputy": "Lain"}, expected_version=p.version)
    assert dump(any_ctx.db) == before
    gone = contests.set_deleted(any_ctx, p.id, True)
    assert contests.list_pairs(any_ctx) == [] and gone.deleted
    assert contests.resolve_ref(any_ctx, gone.number) == p.id


def test_an_incident_names_its_contest_pair_and_tps(any_ctx):
    contests.add_pair(any_ctx, semarang(1))
    contests.add_pair(any_ctx, semarang(2, contest_code="33"))
    d = incidents.create_incident(any_ctx, incident(contest_code="3374", pair_number=1))
    assert (d.contest_code, d.pair_number) == ("33.74", 1)
    g = incidents.create_incident(any_ctx, incident(contest_code="33", pair_number=2,
                                                    desa_code="33.74.01.1001", tps_number=5,
                                                    kecamatan_code="33.74.01"))
    assert (g.contest_code, g.pair_number, g.tps_number) == ("33", 2, 5)
    before = dump(any_ctx.db)
    for bad, field in ((dict(contest_code="33.22"), "contest_code"),  # another regency's
                       (dict(contest_code="33.74", pair_number=3), "pair_number"),
                       (dict(pair_number=1), "pair_number"),  # a pair without contest
                       (dict(tps_number=4), "tps_number")):  # a TPS without desa
        with pytest.raises(ValidationErrors) as err:
            incidents.create_incident(any_ctx, incident(**bad))
        assert field in err.value.by_field()
    assert dump(any_ctx.db) == before
    # an edit of other fields keeps a pair deleted since
    contests.set_deleted(any_ctx, contests.resolve_ref(any_ctx, "33.74/1"), True)
    kept = incidents.update_incident(any_ctx, d.id, {"title": "Sembako paslon, diklarifikasi"})
    assert kept.pair_number == 1
    counts = {(c.contest_code, c.pair_number): c.incidents
              for c in contests.incident_counts_of(any_ctx)}
    assert counts == {("33", 2): 1, ("33.74", 1): 1}


def test_an_incident_names_only_a_tps_the_register_holds_for_its_desa(any_ctx, tmp_path):
    """Once the TPS register holds a desa, an incident there names one of its TPS: another
    number is refused (field tps_number, the count named), nothing written."""
    register = tmp_path / "tps.csv"
    with register.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Kode desa", "Nomor TPS", "DPT"])
        w.writerows([["33.74.01.1001", n, 250] for n in (1, 2, 3)])
    tps_register.import_register(any_ctx, register)
    place = dict(kecamatan_code="33.74.01", desa_code="33.74.01.1001")
    before = dump(any_ctx.db)
    with pytest.raises(ValidationErrors) as err:
        incidents.create_incident(any_ctx, incident(tps_number=4, **place))
    [problem] = [e for e in err.value.errors if e.field == "tps_number"]
    assert problem.text_in("en") == ("Desa 33.74.01.1001 has no TPS 4 in the TPS register "
                                     "(it has 3)")
    assert dump(any_ctx.db) == before
    made = incidents.create_incident(any_ctx, incident(tps_number=2, **place))
    assert (made.desa_code, made.tps_number) == ("33.74.01.1001", 2)
    elsewhere = incidents.create_incident(any_ctx, incident(  # a desa not in the register
        tps_number=9, kecamatan_code="33.74.01", desa_code="33.74.01.1002"))
    assert elsewhere.tps_number == 9


def _fill(path, rows) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for r in range(ws.max_row, 1, -1):
        ws.delete_rows(r)
    for row in rows:
        ws.append(row)
    wb.save(path)


def test_template_import_is_idempotent_and_reports_bad_rows(any_ctx, tmp_path):
    path = tmp_path / "paslon.xlsx"
    pair_sheets.write_template(any_ctx, path)
    wb = openpyxl.load_workbook(path)
    assert [c.value for c in wb.worksheets[0][1]] == [
        "Kode pemilihan", "Pemilihan", "Nomor urut", "Calon", "Calon wakil", "Partai pengusung"]
    assert wb.worksheets[0].max_row == 37  # the header and one row per contest
    rows = [["33", "Pilgub", 1, "Calon Gubernur A", "Wakil A", "Partai A; Partai B"],
            ["33", "Pilgub", 2, "Calon Gubernur B", "Wakil B", "Partai C"],
            ["33.74", None, 1, "Calon Wali Kota", "Wakil", ""],
            ["33.01", "Pilbup Kab. Cilacap", None, None, None, None]]  # a contest left empty
    _fill(path, rows)
    r = pair_sheets.import_pairs(any_ctx, path)
    assert (r.added, r.updated, r.unchanged) == (3, 0, 0)
    before = dump(any_ctx.db)
    assert pair_sheets.import_pairs(any_ctx, path) == pair_sheets.PairImportResult(0, 0, 3)
    assert dump(any_ctx.db) == before
    rows[1][3] = "Calon Gubernur B Baru"
    _fill(path, rows)
    assert pair_sheets.import_pairs(any_ctx, path).updated == 1
    before = dump(any_ctx.db)
    bad = tmp_path / "salah.csv"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Kode pemilihan", "Nomor urut", "Calon", "Calon wakil"])
        w.writerow(["33", "3", "Calon C", "Wakil C"])
        w.writerow(["34.01", "1", "X", "Y"])
        w.writerow(["33.74", "dua", "X", "Y"])
        w.writerow(["33", "3", "Calon C", "Wakil C"])
    with pytest.raises(TableRowsError) as err:
        pair_sheets.import_pairs(any_ctx, bad)
    assert [(p.row, p.column) for p in err.value.problems] == [
        (3, "Kode pemilihan"), (4, "Nomor urut"), (5, "Nomor urut")]
    assert dump(any_ctx.db) == before


def test_stats_count_incidents_by_contest_and_pair(any_ctx):
    contests.add_pair(any_ctx, semarang(1))
    contests.add_pair(any_ctx, semarang(2))
    for kw in (dict(contest_code="33.74", pair_number=1), dict(contest_code="33.74",
               pair_number=1), dict(contest_code="33.74"), dict(contest_code="33"), {}):
        incidents.create_incident(any_ctx, incident(**kw))
    gone = incidents.create_incident(any_ctx, incident(contest_code="33.74", pair_number=2))
    incidents.set_deleted(any_ctx, gone.id, True, "dobel")
    by_contest = {r.key: r.count for r in stats.counts_by(any_ctx, "contest")}
    assert len(by_contest) == 36 and by_contest["33.74"] == 3 and by_contest["33"] == 1
    assert sum(by_contest.values()) == 4
    by_pair = [(r.key, r.label, r.count) for r in stats.counts_by(any_ctx, "pair")]
    assert by_pair == [("33/-", "—", 1), ("33.74/-", "—", 1),
                       ("33.74/1", "Calon Kepala 1 – Calon Wakil 1", 2),
                       ("33.74/2", "Calon Kepala 2 – Calon Wakil 2", 0)]


def test_the_shipped_pilgub_pairs_import(any_ctx):
    """resources/data/paslon-pilgub-jateng-2024.csv (KPU Jateng's draw of 23 Sep 2024,
    sources in docs/kerawanan.md) imports into the template's columns, twice unchanged."""
    path = resource_path("data", "paslon-pilgub-jateng-2024.csv")
    assert pair_sheets.import_pairs(any_ctx, path).added == 2
    assert pair_sheets.import_pairs(any_ctx, path).unchanged == 2
    one, two = contests.list_pairs(any_ctx, "33")
    assert (one.ballot_number, one.head, one.deputy, one.parties) == (
        1, "Andika Perkasa", "Hendrar Prihadi", ("PDI-P",))
    assert (two.ballot_number, two.head, two.deputy) == (2, "Ahmad Luthfi", "Taj Yasin Maimoen")
    assert len(two.parties) == 9


def test_the_shipped_regency_pairs_import_with_a_source_each(any_ctx):
    """resources/data/paslon-pilkada-kabkota-jateng-2024.csv (docs/kerawanan.md): all 35
    Pilbup/Pilwalkot; every row names its source, and the page naming the parties where
    that is another page; the file imports into the template's columns (the source columns
    are for the reader), twice unchanged; ballot numbers of a contest run 1, 2, … except
    where the other number is the empty column."""
    path = resource_path("data", "paslon-pilkada-kabkota-jateng-2024.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    web = ("https://", "http://")
    assert rows and all(r["Sumber"].startswith(web) for r in rows)
    assert all(r["Partai pengusung"] for r in rows if r["Sumber partai"])
    assert all(r["Sumber partai"].startswith(web) for r in rows if r["Sumber partai"])
    regencies = {c.code for c in contests.list_contests(any_ctx)} - {"33"}
    assert {r["Kode pemilihan"] for r in rows} == regencies
    result = pair_sheets.import_pairs(any_ctx, path)
    assert result.added == len(rows)
    assert pair_sheets.import_pairs(any_ctx, path).unchanged == len(rows)
    by_contest: dict[str, list[int]] = {}
    for r in rows:
        by_contest.setdefault(r["Kode pemilihan"], []).append(int(r["Nomor urut"]))
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in by_contest.values())
    semarang = contests.list_pairs(any_ctx, "33.74")
    assert [(p.ballot_number, p.head, p.parties[:1]) for p in semarang] == [
        (1, "Agustina Wilujeng Pramestuti", ("PDI-P",)),
        (2, "Alamsyah Satyanegara Sukawijaya", ("Demokrat",))]
    klaten = contests.list_pairs(any_ctx, "33.10")
    assert [(p.ballot_number, p.head, p.deputy) for p in klaten] == [
        (1, "Yoga Hardaya", "Sova Marwati"), (2, "Herry Wibowo", "Wahyu Adhi Darmawan"),
        (3, "Hamenang Wajar Ismoyo", "Benny Indra Ardhianto")]
    assert len(contests.list_pairs(any_ctx, "33.11")[0].parties) == 12
