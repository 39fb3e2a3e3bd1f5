"""Upgrade data of record (tests/data/README.md): databases and a sync package made by
earlier versions of the app with their own CLI. Regency offices run mixed versions during
an election: every older database must upgrade with every row kept and its audit trail
intact, and every older package must import into the newest schema."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from posko_desktop.cli import main
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.categories import category_rows
from posko_desktop.core.db.migrate import current_revision, head_revision
from posko_desktop.core.db.seed_directory import SEED_AGENCIES
from posko_desktop.core.db.session import open_database
from posko_desktop.core.db.stamps import unpack
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import audit_anchors, sync
from posko_desktop.core.sync.package import PackageError
from tests.core.test_migration_0028 import INDEX_SQL as CONTEST_INDEX_SQL
from tests.kerawanan.sheets import SHEET_TABLES

DATA = Path(__file__).resolve().parents[1] / "data"

# what tests/data/make_release_data.sh put in each database, besides the demo data
DATABASES = {
    "posko-0006.sqlite3": ("0006", {"incident": 122, "followup": 316, "sync_base": 51,
                                    "sync_conflict": 1, "sync_package": 3, "user_account": 3,
                                    "audit_log": 24, "attachment": 1}),
    "posko-0007.sqlite3": ("0007", {"incident": 122, "followup": 316, "sync_base": 51,
                                    "sync_conflict": 1, "sync_package": 3, "user_account": 3,
                                    "audit_log": 25, "attachment": 1}),
    "posko-0008.sqlite3": ("0008", {"incident": 122, "followup": 316, "sync_base": 51,
                                    "sync_conflict": 1, "sync_package": 3, "user_account": 3,
                                    "audit_log": 28, "attachment": 1, "site_key": 1,
                                    "site_key_grant": 3, "user_key": 3}),
    "posko-0009.sqlite3": ("0009", {"incident": 122, "followup": 316, "sync_base": 51,
                                    "sync_conflict": 1, "sync_package": 3, "user_account": 3,
                                    "audit_log": 28, "attachment": 1, "site_key": 1,
                                    "site_key_grant": 3, "user_key": 3, "audit_anchor": 3}),
    # every record type of schema 0028 (demo data makes posts, cases, activities, …)
    "posko-0028.sqlite3": ("0028", {"incident": 122, "followup": 345, "sync_base": 51,
                                    "sync_conflict": 1, "sync_package": 3, "user_account": 3,
                                    "audit_log": 29, "attachment": 1, "site_key": 1,
                                    "site_key_grant": 3, "user_key": 3, "audit_anchor": 3,
                                    "social_post": 714, "hoax_case": 12,
                                    "takedown_request": 8, "activity": 183,
                                    "stage_report": 516, "candidate_pair": 161}),
}


def _rows(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _stamps(conn: sqlite3.Connection) -> dict[str, list[dict[str, str]]]:
    """Every stored stamp set, unpacked (0007 stores them packed, 0006 in full)."""
    return {
        "incident": [unpack(json.loads(t)) for (t,) in conn.execute(
            "SELECT field_stamps FROM incident ORDER BY id")],
        "sync_base": [unpack(json.loads(t)) for row in conn.execute(
            "SELECT stamps, bases FROM sync_base ORDER BY incident_id") for t in row],
    }


def _read(path: Path, what):
    conn = sqlite3.connect(path)
    try:
        return what(conn)
    finally:
        conn.close()


@pytest.mark.parametrize("name", sorted(DATABASES))
def test_upgrade_keeps_every_row_and_the_audit_trail(name, tmp_path, capsys, monkeypatch):
    revision, expected = DATABASES[name]
    path = tmp_path / name
    shutil.copy(DATA / name, path)  # the committed file is never opened in place
    before = _read(path, _rows)
    stamps = _read(path, _stamps)
    assert {t: before[t] for t in expected} == expected  # the file is what the README says

    db = open_database(path)  # upgrades to the newest schema
    try:
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()
    if revision != head_revision():  # a backup was made before the upgrade
        assert list((tmp_path / "backups").glob("posko-*-pre-upgrade.sqlite3"))
    after = _read(path, _rows)
    # every table, row for row; 0017 adds categories and the agency DKPP, 0024 the
    # directory's agencies, changing none (tests/taxonomy, tests/directory)
    added = {"category": len(category_rows()) - before["category"],
             "agency": len(SEED_AGENCIES) - before["agency"]}
    assert {t: after[t] - added.get(t, 0) for t in before} == {**before}
    assert _read(path, _stamps) == stamps
    assert _read(path, lambda c: c.execute("PRAGMA integrity_check").fetchone()[0]) == "ok"
    assert _read(path, lambda c: c.execute(  # 0028: the contest count's index
        "SELECT sql FROM sqlite_master WHERE name = 'ix_incident_contest_day'").fetchone()) == (
        CONTEST_INDEX_SQL,)

    # `posko audit verify`, logged in as the administrator the old version made
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    code = main(["--db", str(path), "--lang", "en", "--user", "admin", "audit", "verify",
                 "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["ok"], out
    assert out["checked"] == after["audit_log"] + 1  # the old chain and this login, appended


@pytest.mark.parametrize(("version", "province"), [(1, "posko-0007"), (2, "posko-0009")])
def test_package_of_every_format_imports_into_the_newest_schema(tmp_path, version, province):
    """The package the regency office 33.22 made (tests/data/README.md) into the province
    database of the same run, upgraded to the newest schema: every record is recognised
    (the province holds them all; its own records come back as it holds them), once;
    format 2's audit anchor is kept."""
    path = tmp_path / "province.sqlite3"
    shutil.copy(DATA / "{}.sqlite3".format(province), path)
    package = DATA / "sync-format-{}.posko".format(version)
    db = open_database(path)
    try:
        ctx = AppContext(db, Actor("admin", "admin", "Admin"))
        before = sync.canonical_dump(ctx)
        open_conflicts = len(sync.list_conflicts(ctx))
        held_before = _held(ctx)
        r = sync.import_package(ctx, package)
        totals = r.totals()
        # the run's one conflict (README step 5) is listed again when the province's
        # title won it (the winner differs from run to run); never a new one
        assert totals.new == 0 and totals.conflicts <= 1
        assert len(sync.list_conflicts(ctx)) == open_conflicts == 1
        assert totals.new + totals.updated + totals.unchanged == 122  # 121 + a tombstone
        assert (r.followups_new, r.attachments_new, r.relayed_from) == (0, 0, ["33"])
        assert r.source_site == "33.22" and not r.already_imported
        dump = sync.canonical_dump(ctx)
        assert len(dump["incidents"]) == 122 and len(dump["followups"]) == 316
        assert sum(i["deleted"] for i in dump["incidents"]) == 1
        assert 'Baliho "paslon 02" dirusak \\ dicoret' in {i["title"] for i in dump["incidents"]}
        assert dump["followups"] == before["followups"]
        assert sync.import_package(ctx, package).already_imported
        # format 2 carries the office's audit head (entry 31), kept beside those it held
        assert _held(ctx) == held_before + ([] if version == 1 else [(31, True)])
    finally:
        db.dispose()


def _held(ctx) -> list[tuple[int, bool]]:
    return [(a.entry_id, a.entry_at is not None) for a in audit_anchors.held_anchors(ctx)]


@pytest.mark.parametrize("version", [1, 2])
def test_package_of_every_format_is_refused_by_a_province_without_its_records(ctx, version):
    """A province that does not hold its own records the package relays back (a new
    database) refuses it: nobody may put records in a site's name."""
    key = DATA / "sync-format-{}.poskokey".format(version)
    sync.trust_key(ctx, key, sync.inspect_key_file(key).short_fingerprint)
    with pytest.raises(PackageError, match="never sent|does not hold"):
        sync.import_package(ctx, DATA / "sync-format-{}.posko".format(version))


def test_migration_0009_adds_the_anchor_table_to_a_real_0008_database(tmp_path, capsys,
                                                                     monkeypatch):
    """0008 -> 0009 (audit anchors): the new table is there and empty, nothing else moved;
    the old trail verifies, with --deep too, and the upgraded site exports format 2."""
    path = tmp_path / "posko-0008.sqlite3"
    shutil.copy(DATA / "posko-0008.sqlite3", path)
    before = _read(path, _rows)
    assert "audit_anchor" not in before
    open_database(path).dispose()
    after = _read(path, _rows)
    # and the tables of the later migrations: 0011's place list, 0012's activities, 0013's
    # Pantau Medsos records, 0014's candidate pairs, TPS register and baseline, 0015's stage
    # reports, 0016's reporting units (35 regency offices, 9 agencies), 0017's revised
    # taxonomy (categories added, the agency DKPP), 0018's shifts, 0024's directory and 0026's
    # day counts (one row per day x regency x category x severity of the incidents not deleted)
    groups = _read(path, lambda c: c.execute(
        "SELECT count(*) FROM (SELECT 1 FROM incident WHERE deleted = 0 GROUP BY "
        "occurred_date, regency_code, category_code, severity_rank)").fetchone()[0])
    assert groups > 0
    assert after == {**before, "audit_anchor": 0, "kecamatan": 576, "desa": 8563,
                     "activity": 0, "record_conflict": 0, "social_post": 0, "hoax_case": 0,
                     "takedown_request": 0, "lexicon_entry": 0, "candidate_pair": 0, "tps": 0,
                     "baseline_import": 0, "ikp_score": 0, "tps_mark": 0,
                     "stage_report": 0, "reporting_unit": 44, "roster_entry": 0, "handover": 0,
                     **SHEET_TABLES,  # 0023's seeded sheets
                     "incident_day_count": groups,
                     "category": len(category_rows()),
                     "agency": len(SEED_AGENCIES), "agency_contact": 0}
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--deep"]) == 0
    assert "Records compared with the values the trail recorded: 3" in capsys.readouterr().out
    out = tmp_path / "to-3322.posko"
    assert main([*base, "export", "--to", "33.22", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    # 33.22 last sent format 1 (it ran the 0008 version): it still gets format 1
    assert manifest["format_version"] == 1 and "audit_anchor" not in manifest


def test_package_of_schema_0028_imports_into_its_province(tmp_path):
    """The office's package made at schema 0028 (every record kind of format 2: incidents,
    follow-ups, posts, cases, takedowns, activities, stage reports, pairs, contacts) into
    the province database of the same run, at the newest schema: every record recognised,
    nothing new, the second import refused as already imported."""
    path = tmp_path / "province.sqlite3"
    shutil.copy(DATA / "posko-0028.sqlite3", path)
    package = DATA / "sync-format-2-0028.posko"
    db = open_database(path)
    try:
        ctx = AppContext(db, Actor("admin", "admin", "Admin"))
        before = sync.canonical_dump(ctx)
        r = sync.import_package(ctx, package)
        totals = r.totals()
        assert totals.new == 0 and totals.conflicts <= 1
        assert r.source_site == "33.22" and not r.already_imported
        records = r.summary()["records"]  # every other kind: held already, as it is
        assert {k: (c["new"], c["updated"], c["conflicts"]) for k, c in records.items()} == {
            k: (0, 0, 0) for k in records}
        assert {k: c["unchanged"] for k, c in records.items()} == {
            "activities": 183, "agencies": 12, "agency_contacts": 40, "candidate_pairs": 161,
            "hoax_cases": 12, "social_posts": 714, "stage_reports": 516, "takedowns": 8}
        dump = sync.canonical_dump(ctx)
        assert len(dump["incidents"]) == 122 and len(dump["followups"]) == 345
        assert dump["followups"] == before["followups"]
        assert sync.import_package(ctx, package).already_imported
    finally:
        db.dispose()

