"""The CLI workflow of three offices on one machine (three databases)."""

from __future__ import annotations

import json

from posko_desktop.cli import main
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import incidents as inc

from .conftest import sample
from .forge import read_members, write_members

ADMIN, PASSWORD = "kepala", "Satu-Komando-Jateng-1"


def run(capsys, *args):
    """As the site's administrator (after `init` made that account)."""
    if "init" not in args:
        args = ("--user", ADMIN, *args)
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_three_offices_with_the_cli(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("POSKO_PASSWORD", PASSWORD)
    dbs = {code: str(tmp_path / "{c}.sqlite3".format(c=code.replace(".", ""))) for code in
           ("33", "33.22", "33.74")}
    for code, db in dbs.items():
        code_, out, _ = run(capsys, "--db", db, "init", "--site", code, "--site-name", "Posko " + code,
                            "--admin-user", ADMIN, "--admin-password", PASSWORD)
        assert code_ == 0 and "Sidik jari kunci tanda tangan" in out  # made with the admin
        key = tmp_path / "key-{c}.poskokey".format(c=code)
        code_, out, _ = run(capsys, "--db", db, "keys", "export", "--out", str(key))
        assert code_ == 0 and "Sidik jari" in out
    fingerprints = {}
    for code in dbs:
        doc = json.loads((tmp_path / "key-{c}.poskokey".format(c=code)).read_text())
        fingerprints[code] = doc["fingerprint"]
    for code, db in dbs.items():
        for other in dbs:
            if other != code:
                key = str(tmp_path / "key-{c}.poskokey".format(c=other))
                assert run(capsys, "--db", db, "keys", "import", key, "--fingerprint",
                           fingerprints[other].lower())[0] == 0
    code_, out, _ = run(capsys, "--db", dbs["33"], "keys", "list", "--format", "json")
    assert sorted(k["site"] for k in json.loads(out)) == ["33.22", "33.74"]

    for code in ("33.22", "33.74"):
        db = open_database(dbs[code])
        ctx = AppContext(db, Actor("op", "admin"))
        for i in range(3):
            d = inc.create_incident(ctx, sample(regency_code=code, title="Insiden {i}".format(i=i)))
            inc.add_followup(ctx, d.id, "tindak lanjut")
        db.dispose()

    up = {}
    for code in ("33.22", "33.74"):
        up[code] = str(tmp_path / "{c}-ke-prov.posko".format(c=code))
        assert run(capsys, "--db", dbs[code], "export", "--to", "33", "--out", up[code])[0] == 0
    code_, out, err = run(capsys, "--db", dbs["33"], "import", up["33.22"], up["33.74"])
    assert code_ == 0, err
    assert "3 baru" in out
    code_, out, _ = run(capsys, "--db", dbs["33"], "import", up["33.22"])
    assert code_ == 0 and "sudah pernah diimpor" in out

    down = str(tmp_path / "prov-ke-semua.posko")
    assert run(capsys, "--db", dbs["33"], "export", "--to", "all", "--out", down)[0] == 0
    for code in ("33.22", "33.74"):
        code_, out, err = run(capsys, "--db", dbs[code], "import", down)
        assert code_ == 0, err

    digests = set()
    for db in dbs.values():
        code_, out, _ = run(capsys, "--db", db, "sync-status", "--format", "json")
        digests.add(json.loads(out)["digest"])
    assert len(digests) == 1

    # a tampered file: refused with the file named, non-zero exit, nothing imported
    fresh = str(tmp_path / "lengkap.posko")
    assert run(capsys, "--db", dbs["33.74"], "export", "--to", "33", "--full", "--out", fresh)[0] == 0
    members = read_members(tmp_path / "lengkap.posko")
    body = bytearray(members["records/incidents.jsonl"])
    body[10] ^= 1
    members["records/incidents.jsonl"] = bytes(body)
    bad = write_members(tmp_path / "rusak.posko", members)
    code_, out, err = run(capsys, "--db", dbs["33"], "import", str(bad), up["33.74"])
    assert code_ == 2
    assert "rusak.posko" in err and "checksum" in err
    assert "sudah pernah diimpor" in out  # the other file was still processed
    assert run(capsys, "--db", dbs["33"], "import", fresh)[0] == 0

    code_, out, _ = run(capsys, "--db", dbs["33"], "conflicts", "list", "--format", "json")
    assert code_ == 0 and json.loads(out) == []
    code_, out, err = run(capsys, "--db", dbs["33"], "keys", "revoke", fingerprints["33.22"])
    assert code_ == 0
    code_, out, err = run(capsys, "--db", dbs["33"], "import", up["33.22"])
    assert code_ == 2 and "dicabut" in err  # the signature is checked before anything else
