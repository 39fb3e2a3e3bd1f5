"""Every refused package leaves the database row-for-row identical and says what was
wrong and in which file."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.sync import importing
from posko_desktop.core.sync import keys
from posko_desktop.core.sync.package import Limits

from .conftest import add_incident, make_site, refused, send, table_dump
from .forge import jsonl, lines, read_members, resign, write_members


def test_good_package_is_accepted_once(sites, package):
    prov = sites[0]
    first = svc.import_package(prov.ctx, package)
    assert first.totals().new == 2 and first.followups_new >= 1 and first.attachments_new == 1
    before = table_dump(prov)
    second = svc.import_package(prov.ctx, package)
    assert second.already_imported
    assert table_dump(prov) == before


def test_bad_signature(sites, package, tmp_path):
    data = read_members(package)
    sig = bytearray(data["manifest.sig"])
    sig[5] = ord("A") if sig[5] != ord("A") else ord("B")
    data["manifest.sig"] = bytes(sig)
    err = refused(sites[0], write_members(tmp_path / "badsig.posko", data))
    assert "tanda tangan tidak sah" in err.text()


def test_signed_by_another_key_than_the_site_claims(sites, package, tmp_path):
    prov, kab, kota = sites
    data = read_members(package)
    data["manifest.sig"] = keys.sign(kota.key,
                                     data["manifest.json"]).encode()
    refused(prov, write_members(tmp_path / "othersig.posko", data))


def test_unknown_key(sites, template_db, tmp_path):
    prov = sites[0]
    stranger = make_site(template_db, tmp_path / "x", "33.01", "Cilacap")
    add_incident(stranger, regency_code="33.01")
    path = send(stranger, prov, tmp_path)
    err = refused(prov, path)
    assert "kunci tak dikenal" in err.text()
    stranger.ctx.db.dispose()


def test_revoked_key(sites, package):
    prov, kab, _ = sites
    fp = keys.read_public_key_file(kab.key_file).fingerprint
    svc.revoke_key(prov.ctx, fp[:16])
    err = refused(prov, package)
    assert "dicabut" in err.text()


@pytest.mark.parametrize("member", ["manifest.json", "records/incidents.jsonl",
                                    "records/tombstones.jsonl", "records/followups.jsonl",
                                    "records/attachments.jsonl", "blob"])
def test_one_changed_byte_in_any_member(sites, package, tmp_path, member):
    data = read_members(package)
    if member == "blob":
        member = next(n for n in data if n.startswith("blobs/"))
    body = bytearray(data[member])
    pos = len(body) // 2
    body[pos] = (body[pos] + 1) % 256
    data[member] = bytes(body)
    refused(sites[0], write_members(tmp_path / "changed.posko", data))


def test_truncated_zip(sites, package, tmp_path):
    raw = package.read_bytes()
    cut = tmp_path / "cut.posko"
    cut.write_bytes(raw[: len(raw) * 2 // 3])
    err = refused(sites[0], cut)
    assert "terpotong" in err.text()


def test_member_path_outside_the_package(sites, package, tmp_path):
    data = read_members(package)
    data["../x"] = b"evil"
    err = refused(sites[0], write_members(tmp_path / "traversal.posko", data))
    assert "../x" in err.text()
    assert not (tmp_path / "x").exists()


def test_zip_bomb(sites, package, tmp_path):
    kab = sites[1]

    zeros = bytes(64 << 20)  # 64 MiB of zeros compress about 1000:1

    def bomb(m):
        m["blobs/" + hashlib.sha256(zeros).hexdigest()] = zeros

    def counted(doc):  # the manifest tells the truth about the count: the bomb is reached
        doc["counts"]["blobs"] += 1

    path = resign(package, tmp_path / "bomb.posko", kab.key, members=bomb, manifest=counted)
    err = refused(sites[0], path)
    assert "bom zip" in err.text()


def test_oversized_member(sites, package, tmp_path):
    err = refused(sites[0], package, limits=Limits(max_member_bytes=200))
    assert "terlalu besar" in err.text()


def test_too_many_members(sites, package):
    refused(sites[0], package, limits=Limits(max_members=3))


def test_newer_format_version(sites, package, tmp_path):
    kab = sites[1]
    path = resign(package, tmp_path / "v3.posko", kab.key,
                  manifest=lambda d: d.update(format_version=3))
    err = refused(sites[0], path)
    assert "format paket 3" in err.text()


def test_malformed_json_record(sites, package, tmp_path):
    kab = sites[1]

    def broken(m):
        m["records/incidents.jsonl"] = m["records/incidents.jsonl"][:-20] + b"\n{not json\n"

    path = resign(package, tmp_path / "json.posko", kab.key, members=broken)
    err = refused(sites[0], path)
    assert "records/incidents.jsonl" in err.text()


def test_record_breaking_the_schema(sites, package, tmp_path):
    kab = sites[1]

    def bad(m):
        rows = lines(m["records/incidents.jsonl"])
        rows[0]["severity"] = "gawat"
        m["records/incidents.jsonl"] = jsonl(rows)

    err = refused(sites[0], resign(package, tmp_path / "schema.posko", kab.key,
                                   members=bad))
    assert "severity" in err.text()


def test_unknown_regency_code(sites, package, tmp_path):
    kab = sites[1]

    def bad(m):
        rows = lines(m["records/incidents.jsonl"])
        rows[0]["regency_code"] = "33.99"
        m["records/incidents.jsonl"] = jsonl(rows)

    err = refused(sites[0], resign(package, tmp_path / "regency.posko", kab.key,
                                   members=bad))
    assert "33.99" in err.text()


def test_duplicate_ids_inside_one_package(sites, package, tmp_path):
    kab = sites[1]

    def dup(m):
        rows = lines(m["records/incidents.jsonl"])
        m["records/incidents.jsonl"] = jsonl(rows + rows)

    err = refused(sites[0], resign(package, tmp_path / "dup.posko", kab.key,
                                   members=dup))
    assert "dua kali" in err.text()


def test_duplicate_followup_ids(sites, package, tmp_path):
    kab = sites[1]

    def dup(m):
        rows = lines(m["records/followups.jsonl"])
        m["records/followups.jsonl"] = jsonl(rows + rows[:1])

    refused(sites[0], resign(package, tmp_path / "dupfu.posko", kab.key,
                             members=dup))


def test_replay_of_an_older_package(sites, tmp_path):
    prov, kab, _ = sites
    add_incident(kab)
    older = send(kab, prov, tmp_path, name="older.posko")
    add_incident(kab, title="Insiden kedua")
    newer = send(kab, prov, tmp_path, name="newer.posko")
    svc.import_package(prov.ctx, newer)
    err = refused(prov, older)
    assert "pengiriman ulang" in err.text()


def test_package_for_another_site(sites, tmp_path):
    prov, kab, kota = sites
    add_incident(kab)
    path = send(kab, prov, tmp_path)
    refused(kota, path)


def test_not_a_zip_at_all(sites, tmp_path):
    path = tmp_path / "foto.posko"
    path.write_bytes(b"\xff\xd8\xff" + b"jpeg" * 100)
    refused(sites[0], path)


def test_manifest_listing_a_missing_member(sites, package, tmp_path):
    data = read_members(package)
    doc = json.loads(data["manifest.json"])
    assert any(m["path"] == "records/followups.jsonl" for m in doc["members"])
    del data["records/followups.jsonl"]
    refused(sites[0], write_members(tmp_path / "missing.posko", data))


def test_encrypted_or_stored_members_are_checked_too(sites, package, tmp_path):
    """Stored (uncompressed) members are read through the same checks."""
    data = read_members(package)
    out = tmp_path / "stored.posko"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, body in data.items():
            zf.writestr(name, body)
    result = svc.import_package(sites[0].ctx, out)
    assert result.totals().new == 2


def test_changed_copy_of_an_imported_package_is_refused_not_skipped(sites, package, tmp_path):
    svc.import_package(sites[0].ctx, package)
    data = read_members(package)
    body = bytearray(data["records/incidents.jsonl"])
    body[20] ^= 1
    data["records/incidents.jsonl"] = bytes(body)
    err = refused(sites[0], write_members(tmp_path / "copy.posko", data))
    assert "checksum" in err.text()


def test_refused_bulk_import_keeps_the_search_triggers(sites, package, tmp_path, monkeypatch):
    from sqlalchemy import text

    prov, kab, _ = sites
    monkeypatch.setattr(importing, "BULK_MIN", 1)

    def bad(m):
        rows = lines(m["records/followups.jsonl"])
        rows[-1]["kind"] = "unknown"
        m["records/followups.jsonl"] = jsonl(rows)

    def triggers():
        with prov.ctx.db.engine.connect() as conn:
            return sorted(r[0] for r in conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type='trigger'")))

    before = triggers()
    assert "incident_fts_ai" in before
    refused(prov, resign(package, tmp_path / "late.posko", kab.key, members=bad))
    assert triggers() == before
