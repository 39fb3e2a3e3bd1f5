"""The import's three ways of reading records give the same database: checked in this
process, checked in a helper process (big packages), and recognised as a record file
accepted here before. Refusals are the same too, and PostgreSQL merges like SQLite."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import func, select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import FollowUp
from posko_desktop.core.db.session import open_database
from posko_desktop.core.db.stamps import pack_text, unpack
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import reference
from posko_desktop.core.services import sync as svc

from .conftest import PNG, Site, add_incident, send, table_dump
from .forge import jsonl, lines, read_members, resign

IMPORT_SCRIPT = """
import json, logging, sqlite3, sys
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor, PoskoError
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.sync import importing
from posko_desktop.core.sync import scan
logging.basicConfig(level=logging.INFO)  # to stderr
importing.HELPER_MIN_BYTES = 0
importing.BATCH = 7
importing.HELPER_SHARE = dict.fromkeys(scan.KINDS, int(sys.argv[3]))
exclusive = sys.argv[4] == "1"
if exclusive:
    importing.BULK_MIN = 1  # every package is a bulk load
ctx = AppContext(open_database(sys.argv[1]), Actor("admin-33", "admin", "Admin 33"))
try:
    r = svc.import_package(ctx, sys.argv[2], exclusive=exclusive)
    out = {"summary": r.summary(), "error": None, "helper_process": r.helper_process,
           "rollback_journal": r.rollback_journal}
except PoskoError as err:
    out = {"summary": None, "error": err.text_in("en")}
ctx.db.dispose()
out["journal_mode"] = sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode").fetchone()[0]
print(json.dumps(out))
"""


def import_in_fresh_process(db_path, package, share: int = 2, exclusive: bool = False) -> dict:
    """Import in a fresh single-threaded interpreter (the helper process is only used
    there, as in the CLI), with every package counting as big and small batches; every
    `share`-th batch is left by the helper to the importing process (0: none). With
    `exclusive` (as `posko sync import`), every package is a bulk load. An accepted import
    tells whether the helper checked the records and whether a rollback journal was used;
    for a refused one, the log does (`rollback_journal`)."""
    done = subprocess.run([sys.executable, "-c", IMPORT_SCRIPT, str(db_path), str(package),
                           str(share), "1" if exclusive else "0"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    if out["error"] is not None:
        out["rollback_journal"] = "with a rollback journal" in done.stderr
        out["helper_process"] = "records checked in a helper process" in done.stderr
    return out


def copy_site_db(site: Site, target):
    with site.ctx.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(site.path, target)
    return target


def busy_office(kab: Site, n: int = 30) -> list:
    made = []
    for i in range(n):
        d = add_incident(kab, title="Kejadian {i}".format(i=i), people_involved=i or None)
        made.append(d)
        if i % 3 == 0:
            inc.add_followup(kab.ctx, d.id, "catatan {i}".format(i=i))
    inc.attach(kab.ctx, made[1].id, "bukti.png", PNG)
    inc.set_deleted(kab.ctx, made[2].id, True, "dobel")
    return made


@pytest.mark.parametrize("exclusive", [False, True], ids=["wal", "rollback-journal"])
def test_helper_process_writes_what_this_process_writes(sites, tmp_path, exclusive):
    prov, kab, _ = sites
    busy_office(kab)
    package = send(kab, prov, tmp_path, full=True)
    twin = copy_site_db(prov, tmp_path / "twin.sqlite3")
    here = svc.import_package(prov.ctx, package)
    assert not here.helper_process and not here.rollback_journal  # small, and not the CLI
    there = import_in_fresh_process(twin, package, exclusive=exclusive)
    assert there["helper_process"]  # really read in the helper process
    assert there["rollback_journal"] == exclusive
    assert there["journal_mode"] == "wal"  # back to WAL after the bulk load
    assert there["error"] is None
    assert there["summary"] == json.loads(json.dumps(here.summary()))
    twin_site = Site("33", AppContext(open_database(twin), prov.ctx.actor), prov.keys_dir, twin,
                     prov.key_file)
    try:
        assert svc.canonical_dump(twin_site.ctx) == svc.canonical_dump(prov.ctx)
        assert svc.canonical_dump(prov.ctx) == svc.canonical_dump(kab.ctx)
        assert table_dump(twin_site)["followup"] == table_dump(prov)["followup"]
    finally:
        twin_site.ctx.db.dispose()
    # the rows written past the ORM hold the stamps packed, exactly as packing gives them
    con = sqlite3.connect(twin)
    try:
        stored = con.execute("SELECT field_stamps FROM incident UNION ALL SELECT stamps FROM "
                             "sync_base UNION ALL SELECT bases FROM sync_base").fetchall()
    finally:
        con.close()
    assert len(stored) == 3 * 30
    assert all(t == pack_text(unpack(json.loads(t))) and t.startswith('{"*":') for t, in stored)


@pytest.mark.parametrize("fault", ["schema", "json", "unknown_incident", "twice"])
def test_helper_process_refuses_like_this_process(sites, tmp_path, fault):
    prov, kab, _ = sites
    busy_office(kab, 20)

    def bad(m):
        name = "records/incidents.jsonl" if fault == "json" else "records/followups.jsonl"
        rows = lines(m[name])
        if fault == "json":
            m[name] = jsonl(rows[:-1]) + b"{broken\n" + jsonl(rows[-1:])
            return
        if fault == "schema":
            rows[-1]["kind"] = "gosip"
        elif fault == "unknown_incident":
            rows[-2]["incident_id"] = str(uuid.uuid4())
        else:
            rows.append(dict(rows[1]))
        m[name] = jsonl(rows)

    path = resign(send(kab, prov, tmp_path, full=True), tmp_path / "bad.posko", kab.key,
                  members=bad)
    twin = copy_site_db(prov, tmp_path / "twin.sqlite3")
    before = table_dump(prov)
    with pytest.raises(svc.PackageError) as here:
        svc.import_package(prov.ctx, path)
    assert table_dump(prov) == before
    twin_site = Site("33", AppContext(open_database(twin), prov.ctx.actor), prov.keys_dir, twin,
                     prov.key_file)
    try:
        twin_before = table_dump(twin_site)
        # all batches checked by the helper, none, every other one (as `posko sync import`)
        for share, exclusive in ((0, False), (1, False), (2, True)):
            twin_site.ctx.db.dispose()  # else the import stays in WAL (another connection)
            there = import_in_fresh_process(twin, path, share, exclusive)
            assert there["helper_process"]
            assert there["rollback_journal"] == exclusive
            assert there["journal_mode"] == "wal"
            assert there["error"] == here.value.text_in("en")
            assert "bad.posko" in there["error"]
            assert table_dump(twin_site) == twin_before
    finally:
        twin_site.ctx.db.dispose()


def test_identical_record_files_keep_local_edits_and_count_unchanged(sites, tmp_path):
    prov, kab, _ = sites
    made = busy_office(kab, 12)
    first = send(kab, prov, tmp_path, full=True, name="one.posko")
    svc.import_package(prov.ctx, first)
    data = made[5].to_input()
    data.title = "Judul dari provinsi"
    inc.update_incident(prov.ctx, made[5].id, data)  # edited here since
    second = send(kab, prov, tmp_path, full=True, name="two.posko")
    a, b = read_members(first), read_members(second)
    assert a["records/incidents.jsonl"] == b["records/incidents.jsonl"]  # the case under test
    assert a["records/followups.jsonl"] == b["records/followups.jsonl"]
    r = svc.import_package(prov.ctx, second)
    totals = r.totals()
    assert (totals.new, totals.updated, totals.unchanged) == (0, 0, 12)
    assert r.followups_new == 0 and r.attachments_new == 0
    assert inc.get_incident(prov.ctx, made[5].id).title == "Judul dari provinsi"
    # and the office still gets the province's edit
    svc.import_package(kab.ctx, send(prov, kab, tmp_path, name="back.posko"))
    assert inc.get_incident(kab.ctx, made[5].id).title == "Judul dari provinsi"


def test_identical_record_file_does_not_hide_an_id_twice(sites, tmp_path):
    """incidents.jsonl byte for byte as accepted before; tombstones.jsonl adds one of its
    incidents again: refused."""
    prov, kab, _ = sites
    busy_office(kab, 8)
    first = send(kab, prov, tmp_path, full=True, name="one.posko")
    svc.import_package(prov.ctx, first)
    second = send(kab, prov, tmp_path, full=True, name="two.posko")

    def twice(m):
        live = lines(m["records/incidents.jsonl"])[3]
        m["records/tombstones.jsonl"] += jsonl([{**live, "deleted": True}])

    path = resign(second, tmp_path / "twice.posko", kab.key, members=twice)
    err = pytest.raises(svc.PackageError, svc.import_package, prov.ctx, path).value
    assert "dua kali" in err.text()


def test_identical_record_file_with_a_new_record_after_a_restore(sites, tmp_path):
    """A record of an accepted file that is missing here (a follow-up written to the
    database only before it was restored, say) is checked and written like any other."""
    prov, kab, _ = sites
    made = busy_office(kab, 6)
    first = send(kab, prov, tmp_path, full=True, name="one.posko")
    svc.import_package(prov.ctx, first)
    with prov.ctx.db.write() as s:
        victim = s.scalars(select(FollowUp).where(FollowUp.incident_id == made[3].id)).one()
        s.delete(victim)
    second = send(kab, prov, tmp_path, full=True, name="two.posko")
    r = svc.import_package(prov.ctx, second)
    assert r.followups_new == 1
    assert svc.canonical_dump(prov.ctx) == svc.canonical_dump(kab.ctx)


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_province_merges_like_sqlite(sites, pg_db, tmp_path):
    prov, kab, _ = sites
    ctx = AppContext(pg_db, prov.ctx.actor)
    reference.init_site(ctx, "33", "Provinsi (server)")
    info = svc.inspect_key_file(kab.key_file)
    svc.trust_key(ctx, kab.key_file, info.short_fingerprint)
    made = busy_office(kab, 15)
    one = send(kab, prov, tmp_path, full=True, name="one.posko")
    for target in (prov.ctx, ctx):
        r = svc.import_package(target, one)
        assert (r.totals().new, r.followups_new, r.attachments_new) == (15, 6, 1)
    assert svc.canonical_dump(ctx) == svc.canonical_dump(prov.ctx) == svc.canonical_dump(kab.ctx)
    # edits at the office, a local edit on the server, then a full package again
    data = made[7].to_input()
    data.title = "Diperbaiki kantor"
    inc.update_incident(kab.ctx, made[7].id, data)
    inc.add_followup(kab.ctx, made[9].id, "catatan baru")
    local = made[8].to_input()
    local.description = "Dilengkapi provinsi"
    inc.update_incident(ctx, made[8].id, local)
    two = send(kab, prov, tmp_path, full=True, name="two.posko")
    r = svc.import_package(ctx, two)
    assert (r.totals().new, r.totals().updated, r.totals().unchanged) == (0, 1, 14)
    assert r.followups_new == 1
    assert inc.get_incident(ctx, made[7].id).title == "Diperbaiki kantor"
    assert inc.get_incident(ctx, made[8].id).description == "Dilengkapi provinsi"
    with pg_db.read() as s:
        assert s.scalar(select(func.count()).select_from(FollowUp)) == 7
    # the same records again: recognised as accepted before
    three = send(kab, prov, tmp_path, full=True, name="three.posko")
    r = svc.import_package(ctx, three)
    assert (r.totals().new, r.totals().updated, r.totals().unchanged) == (0, 0, 15)

