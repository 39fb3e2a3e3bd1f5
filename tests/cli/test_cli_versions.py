"""`posko incident update|status` never revert what another workstation saved meanwhile.

`update` sends only the fields given, checked against the version it read in the same
command (or the one a script names with --if-version): another field changed meanwhile is
kept, the same field changed meanwhile is refused with exit code 2 and nothing written.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from posko_desktop.cli import main
from posko_desktop.commands import incidents as incident_commands
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import incidents as inc

NUMBER_ARGS = ("--regency", "33.74", "--title", "Hoaks surat suara tercoblos", "--category",
               "A1", "--severity", "sedang", "--occurred", "2024-11-26 20:30")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def table(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT * FROM incident").fetchall() + \
            con.execute("SELECT * FROM audit_log").fetchall()
    finally:
        con.close()


@pytest.fixture
def recorded(db_path, capsys):
    """A site with one incident, and workstation A (another program on the same file)."""
    assert run(capsys, "--db", str(db_path), "init", "--site", "33", "--site-name", "P")[0] == 0
    code, out, _err = run(capsys, "--db", str(db_path), "incident", "add", *NUMBER_ARGS,
                          "--format", "json")
    assert code == 0
    other = open_database(db_path)
    yield json.loads(out), AppContext(other, Actor("ani", "admin", "Ani"))
    other.dispose()


def test_update_json_shows_the_version_and_a_script_edits_the_version_it_read(
        recorded, db_path, capsys):
    made, ani = recorded
    code, out, _err = run(capsys, "--db", str(db_path), "incident", "show", made["number"],
                          "--format", "json")
    read = json.loads(out)
    assert read["version"] == made["version"] == read["mod_stamp"]
    # meanwhile workstation A changes the title
    inc.update_incident(ani, inc.resolve_ref(ani, made["id"]),
                        {"title": "Judul dari workstation A"}, expected_version=read["version"])
    # a change of another field, made from the version read: kept together with A's title
    code, out, err = run(capsys, "--db", str(db_path), "incident", "update", made["number"],
                         "--severity", "kritis", "--if-version", read["version"],
                         "--format", "json")
    assert code == 0, err
    saved = json.loads(out)
    assert (saved["title"], saved["severity"]) == ("Judul dari workstation A", "kritis")
    assert saved["version"] > read["version"]
    # the same field, from the version read: refused, nothing written
    before = table(db_path)
    code, out, err = run(capsys, "--db", str(db_path), "--lang", "en", "incident", "update",
                         made["number"], "--title", "Judul dari skrip",
                         "--if-version", read["version"])
    assert code == 2 and out == ""
    assert "--title is now: Judul dari workstation A" in err
    assert "Incident {n} was changed by ani at".format(n=made["number"]) in err
    assert "since you opened it; your change was not saved." in err
    assert table(db_path) == before
    # a version that is none
    code, _out, err = run(capsys, "--db", str(db_path), "--lang", "id", "incident", "update",
                          made["number"], "--title", "Judul dari skrip", "--if-version", "kemarin")
    assert code == 2 and "bukan versi dari" in err
    assert table(db_path) == before


def test_update_without_if_version_keeps_what_changed_meanwhile(recorded, db_path, capsys,
                                                                monkeypatch):
    """Another workstation saves between the command's read and its write."""
    made, ani = recorded
    real_get = incident_commands.svc.get_incident
    meanwhile: dict[str, object] = {"title": "Judul dari workstation A", "location": "Tembalang"}
    after_a: list[list[tuple]] = []

    def read_then_other_saves(ctx, incident_id):
        seen = real_get(ctx, incident_id)
        inc.update_incident(ani, incident_id, meanwhile, expected_version=seen.version)
        after_a.append(table(db_path))
        return seen

    monkeypatch.setattr(incident_commands.svc, "get_incident", read_then_other_saves)
    code, _out, err = run(capsys, "--db", str(db_path), "incident", "update", made["number"],
                          "--severity", "tinggi", "--description", "Sudah diklarifikasi")
    assert code == 0, err
    got = inc.find_by_number(ani, made["number"])
    assert (got.title, got.location, got.severity, got.description) == (
        "Judul dari workstation A", "Tembalang", "tinggi", "Sudah diklarifikasi")

    meanwhile = {"location": "Tembalang, TPS 05"}
    code, _out, err = run(capsys, "--db", str(db_path), "incident", "update", made["number"],
                          "--location", "Banyumanik")
    assert code == 2
    assert "telah diubah oleh ani pada" in err and "sejak Anda membukanya" in err
    assert "--location sekarang: Tembalang, TPS 05" in err
    assert table(db_path) == after_a[-1]  # nothing of the command written


def test_status_with_a_stale_version_is_refused(recorded, db_path, capsys):
    made, ani = recorded
    inc.update_incident(ani, inc.resolve_ref(ani, made["id"]), {"severity": "kritis"},
                        expected_version=made["version"])
    before = table(db_path)
    code, _out, err = run(capsys, "--db", str(db_path), "incident", "status", made["number"],
                          "diverifikasi", "--if-version", made["version"])
    assert code == 2 and "telah diubah oleh ani" in err
    assert table(db_path) == before
    code, out, err = run(capsys, "--db", str(db_path), "incident", "status", made["number"],
                         "diverifikasi", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["status"] == "diverifikasi"
