"""Issue #14.8: the audit trail anchored outside the database. Every package carries the
sender's audit head; the receiver keeps it; a site checks its trail against the signed
file of anchors a partner exports; a truncated, wiped, recomputed or renumbered trail is
reported; the head row gone is a broken trail; a row slipped in never blocks a login;
`--deep` names records changed outside the app."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from posko_desktop.cli import main
from posko_desktop.core.services import (
    accounts,
    audit,
    audit_anchors,
    audit_verify,
    settings_service,
)
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.audit_anchors import AnchorError

from . import forge
from .conftest import ADMIN_PASSWORD, add_incident, send, table_dump

DATA = Path(__file__).resolve().parents[1] / "data"


def _sql(site, *statements, params=()):
    """Tamper as someone with the file and an SQLite shell would."""
    site.ctx.db.dispose()
    conn = sqlite3.connect(site.path)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for st in statements:
            conn.execute(st, params)
        conn.commit()
    finally:
        conn.close()


def _recompute(site, first_id: int = 1) -> None:
    """Rewrite every hash from `first_id` on so that the chain verifies on its own again
    (renumbered ids included), and set the head to the new end."""
    site.ctx.db.dispose()
    conn = sqlite3.connect(site.path)
    conn.row_factory = sqlite3.Row
    rows = conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
    prev = audit.GENESIS
    conn.execute("UPDATE audit_log SET prev_hash = 'tmp' || id, hash = 'tmph' || id")
    for row in rows:
        fields = {k: row[k] for k in row.keys() if k != "hash"}
        fields["at"] = audit.datetime.fromisoformat(fields["at"])
        fields["prev_hash"] = prev
        prev = audit.entry_hash(fields)
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                     (fields["prev_hash"], prev, row["id"]))
    last = rows[-1]["id"] if rows else 0
    conn.execute("UPDATE audit_head SET last_id = ?, last_hash = ?", (last, prev))
    conn.commit()
    conn.close()


def _without_login(dump: dict) -> dict:
    """A CLI command logs in (an audit entry, the head, the account's last login)."""
    return {k: v for k, v in dump.items() if k not in ("audit_log", "audit_head",
                                                        "user_account")}


def _work(site, n: int = 3) -> None:
    for i in range(n):
        d = add_incident(site, title="Kejadian {} di {}".format(i, site.code))
        inc.update_incident(site.ctx, d.id, inc.IncidentInput(**{
            **d.to_input().__dict__, "title": "Kejadian {} (diperbarui)".format(i)}))


def _manifest(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json"))


def _verify(site, *args: str) -> int:
    site.ctx.db.dispose()
    return main(["--db", str(site.path), "--lang", "en", "--user", site.ctx.actor.username,
                 "audit", "verify", *args])


@pytest.fixture
def exchanged(sites, tmp_path, monkeypatch):
    """The regency 33.22 worked and sent two packages to the province, which exported the
    anchors it holds for 33.22 (signed) into a file."""
    monkeypatch.setenv("POSKO_PASSWORD", ADMIN_PASSWORD)
    province, regency = sites[0], sites[1]
    _work(regency)
    (tmp_path / "out").mkdir()
    p1 = tmp_path / "out" / "r1.posko"
    svc.export_package(regency.ctx, regency.keys_dir, "33", p1, full=True)
    svc.import_package(province.ctx, p1)
    _work(regency, 2)
    p2 = tmp_path / "out" / "r2.posko"
    svc.export_package(regency.ctx, regency.keys_dir, "33", p2)
    svc.import_package(province.ctx, p2)
    _work(regency, 1)  # work after the last anchor went out
    anchors_file = tmp_path / "anchors-3322.json"
    assert audit_anchors.export_anchors(province.ctx, "33.22", anchors_file) == 2
    return province, regency, anchors_file, [p1, p2]


def test_every_package_carries_the_senders_audit_head_and_the_receiver_keeps_it(exchanged):
    province, regency, _file, packages = exchanged
    held = audit_anchors.held_anchors(province.ctx, "33.22")
    assert len(held) == 2
    for package, anchor in zip(packages, held, strict=True):
        m = _manifest(package)
        assert m["format_version"] == 2
        assert m["audit_anchor"]["entry_id"] == anchor.entry_id
        assert m["audit_anchor"]["hash"] == anchor.hash
    with regency.ctx.db.read() as s:  # what the regency's trail held at that moment
        for anchor in held:
            assert s.get(audit.AuditEntry, anchor.entry_id).hash == anchor.hash
    assert held[0].entry_id < held[1].entry_id
    # the regency's own trail verifies against the file, through the CLI too
    report = audit_verify.verify(regency.ctx, anchor_files=[_file])
    assert report.ok and report.anchors_checked == 4  # 2 sent (kept here) + 2 in the file
    assert _verify(regency, "--anchors", str(_file)) == 0


def test_the_anchor_commands_of_the_cli(exchanged, tmp_path, capsys):
    """`posko audit anchors list|export` at the province, `audit verify --anchors` at the
    regency: the file the CLI writes is the one the regency checks its trail against."""
    province, regency, _file, _packages = exchanged
    held = audit_anchors.held_anchors(province.ctx, "33.22")
    province.ctx.db.dispose()
    cli = ["--db", str(province.path), "--lang", "en", "--user", province.ctx.actor.username,
           "audit", "anchors"]
    capsys.readouterr()
    assert main([*cli, "list", "--site", "33.22", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(a["entry_id"], a["hash"]) for a in listed] == [(a.entry_id, a.hash) for a in held]
    out = tmp_path / "jangkar-3322.json"
    assert main([*cli, "export", "--site", "33.22", "--out", str(out)]) == 0
    assert "2 anchors of site 33.22 written to" in capsys.readouterr().out
    assert _verify(regency, "--anchors", str(out), "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["anchors_checked"] == 4
    _edit_and_recompute(regency, held)
    _sql(regency, "DELETE FROM audit_anchor")
    assert _verify(regency, "--anchors", str(out), "--format", "json") == 1
    assert {f["kind"] for f in json.loads(capsys.readouterr().out)["findings"]} == {"anchor"}


def _truncate(regency, anchors):
    keep = anchors[-1].entry_id - 3  # the newest entries deleted, the head set back
    _sql(regency, "DELETE FROM audit_log WHERE id > {}".format(keep))
    _recompute(regency)


def _wipe(regency, anchors):
    _sql(regency, "DELETE FROM audit_log",
         "UPDATE audit_head SET last_id = 0, last_hash = '{}'".format(audit.GENESIS))


def _edit_and_recompute(regency, anchors):
    _sql(regency, "UPDATE audit_log SET detail = 'ditulis ulang' WHERE id = 2")
    _recompute(regency)


def _delete_renumber_recompute(regency, anchors):
    _sql(regency, "DELETE FROM audit_log WHERE id = 3",
         "UPDATE audit_log SET id = id - 1 WHERE id > 3")
    _recompute(regency)


@pytest.mark.parametrize("attack", [_truncate, _wipe, _edit_and_recompute,
                                    _delete_renumber_recompute])
def test_a_rewritten_trail_is_reported_against_the_partners_anchors(exchanged, attack, capsys):
    province, regency, anchors_file, _packages = exchanged
    anchors = audit_anchors.held_anchors(province.ctx, "33.22")
    attack(regency, anchors)
    # the careful attacker also removes what this database kept of its own anchors
    _sql(regency, "DELETE FROM audit_anchor")
    capsys.readouterr()
    assert _verify(regency, "--anchors", str(anchors_file)) == 1
    err = capsys.readouterr().err
    assert "holds an anchor" in err and "site 33" in err
    report = audit_verify.verify(regency.ctx, anchor_files=[anchors_file])
    assert not report.ok
    assert {f.entry_id for f in report.findings if f.kind == "anchor"} <= {
        a.entry_id for a in anchors}


def test_a_careless_rewrite_is_reported_by_plain_verify(exchanged, capsys):
    """Without the partner's file: the anchors this site sent are kept here too."""
    province, regency, _file, _packages = exchanged
    _edit_and_recompute(regency, None)
    assert audit.verify_chain(regency.ctx).ok  # the chain alone verifies (keyless)
    capsys.readouterr()
    assert _verify(regency) == 1
    err = capsys.readouterr().err
    assert err.startswith("AUDIT TRAIL BROKEN") and "entry site 33 holds an anchor of" in err


def test_the_province_notes_a_regency_whose_trail_went_back(exchanged, tmp_path):
    province, regency, _file, _packages = exchanged
    anchors = audit_anchors.held_anchors(province.ctx, "33.22")
    _truncate(regency, anchors)
    regency.ctx.db.engine.dispose()
    p3 = tmp_path / "out" / "r3.posko"
    svc.export_package(regency.ctx, regency.keys_dir, "33", p3)
    svc.import_package(province.ctx, p3)  # the data still comes in
    page = audit.query(province.ctx, audit.AuditFilter(action="audit.anchor_mismatch"))
    assert page.total == 1 and page.rows[0].record_id == "33.22"


def test_anchor_files_are_refused_when_altered_for_another_site_or_untrusted(exchanged,
                                                                              sites, capsys):
    province, regency, anchors_file, _packages = exchanged
    other = sites[2]  # 33.74: the file holds 33.22's anchors
    with pytest.raises(AnchorError, match="not of this site"):
        audit_verify.verify(other.ctx, anchor_files=[anchors_file])
    outer = json.loads(anchors_file.read_text())
    doc = json.loads(outer["document"])
    doc["anchors"][0]["hash"] = "0" * 64
    outer["document"] = audit.canonical_json(doc)
    altered = anchors_file.with_name("diubah.json")
    altered.write_text(json.dumps(outer))
    with pytest.raises(AnchorError, match="signature does not match"):
        audit_verify.verify(regency.ctx, anchor_files=[altered])
    capsys.readouterr()
    before = _without_login(table_dump(regency))
    assert _verify(regency, "--anchors", str(altered)) == 2
    assert "diubah.json" in capsys.readouterr().err
    assert _without_login(table_dump(regency)) == before


def test_a_missing_head_row_is_a_broken_trail_and_writes_go_on(sites):
    site = sites[1]
    _work(site, 2)
    _sql(site, "DELETE FROM audit_head")
    result = audit.verify_chain(site.ctx)
    assert not result.ok and "head row is missing" in result.reason
    add_incident(site, title="Setelah kepala dihapus")  # writes never stop
    result = audit.verify_chain(site.ctx)
    assert not result.ok and "head row had been deleted" in result.reason


def test_a_row_added_at_the_end_never_blocks_a_login(sites, capsys):
    site = sites[1]
    _work(site, 1)
    with site.ctx.db.read() as s:
        last = s.scalar(audit.select(audit.func.max(audit.AuditEntry.id)))
        prev = s.get(audit.AuditEntry, last).hash
    _sql(site, "INSERT INTO audit_log (id, at, username, role, display_name, site_code, "
               "action, record_type, record_id, before_json, after_json, detail, prev_hash, "
               "hash) VALUES (?, '2024-11-27 01:00:00.000000', 'penyusup', 'admin', '', "
               "'33.22', 'incident.update', 'incident', 'x', 'null', 'null', '', ?, ?)",
         params=(last + 1, prev, "f" * 64))
    accounts.login(site.ctx, site.ctx.actor.username, ADMIN_PASSWORD)  # no UNIQUE crash
    add_incident(site, title="Sesudah baris sisipan")
    result = audit.verify_chain(site.ctx)
    assert not result.ok and result.first_bad_id == last + 1


def test_deep_verify_names_records_changed_outside_the_app(sites, tmp_path, monkeypatch,
                                                           capsys):
    province, regency = sites[0], sites[1]
    _work(regency, 2)
    (tmp_path / "out").mkdir()
    send(regency, province, tmp_path / "out", full=True)
    d = add_incident(province, title="Hoaks di provinsi")
    inc.change_status(province.ctx, d.id, "diverifikasi")
    settings_service.set(province.ctx, "sitrep.issuing_unit", "POSKO PROVINSI")
    clean = audit_verify.verify(province.ctx, deep=True)
    assert clean.ok and clean.deep_checked == 1  # synced incidents: never recorded here
    _sql(province, "UPDATE incident SET title = 'Judul palsu', severity = 'rendah' "
                   "WHERE number = '{}'".format(d.number),
         "UPDATE setting SET value = '\"DIUBAH\"' WHERE key = 'sitrep.issuing_unit'")
    assert audit.verify_chain(province.ctx).ok  # the chain cannot see it
    report = audit_verify.verify(province.ctx, deep=True)
    named = {(f.difference.record, f.difference.field) for f in report.findings}
    assert named == {(d.number, "title"), (d.number, "severity"),
                     ("sitrep.issuing_unit", "sitrep.issuing_unit")}
    monkeypatch.setenv("POSKO_PASSWORD", ADMIN_PASSWORD)
    capsys.readouterr()
    assert _verify(province, "--deep", "--format", "json") == 1
    out = json.loads(capsys.readouterr().out)
    assert {f["record"] for f in out["findings"]} == {d.number, "sitrep.issuing_unit"}
    assert "changed outside the app" in out["findings"][0]["message"]


def test_a_partner_on_format_1_gets_format_1_without_an_anchor(sites, tmp_path):
    """Offices run mixed versions: a site that sent format 1 runs an older version, which
    refuses format 2, so packages to it stay format 1; everyone else gets format 2."""
    province, office = sites[0], sites[1]
    _work(office, 1)
    (tmp_path / "out").mkdir()
    made = tmp_path / "out" / "office.posko"
    svc.export_package(office.ctx, office.keys_dir, "33", made)

    def as_format_1(doc):  # what the office's older version writes
        doc["format_version"] = 1
        del doc["audit_anchor"]
    old = forge.resign(made, tmp_path / "office-format-1.posko", office.key, manifest=as_format_1)
    svc.import_package(province.ctx, old)
    assert audit_anchors.held_anchors(province.ctx, "33.22") == []
    to_old = tmp_path / "to-3322.posko"
    svc.export_package(province.ctx, province.keys_dir, "33.22", to_old)
    m = _manifest(to_old)
    assert m["format_version"] == 1 and "audit_anchor" not in m
    to_new = tmp_path / "to-3374.posko"
    svc.export_package(province.ctx, province.keys_dir, "33.74", to_new)
    assert _manifest(to_new)["format_version"] == 2 and "audit_anchor" in _manifest(to_new)


def test_an_impossible_anchor_in_a_signed_manifest_is_refused(sites, tmp_path):
    province, regency = sites[0], sites[1]
    _work(regency, 1)
    (tmp_path / "out").mkdir()
    good = tmp_path / "out" / "baik.posko"
    svc.export_package(regency.ctx, regency.keys_dir, "33", good)

    def impossible(doc):
        doc["audit_anchor"] = {"entry_id": 0, "hash": "ab" * 32, "at": None}
    bad = forge.resign(good, tmp_path / "jangkar.posko", regency.key, manifest=impossible)
    before = table_dump(province)
    with pytest.raises(AnchorError, match="not possible"):
        svc.import_package(province.ctx, bad)
    assert table_dump(province) == before
