"""posko shift list|roster|handover|ack|print (docs/cli-json.md): the handover written by
one officer, shown to the next, acknowledged once in the audit trail; the roster printed."""

from __future__ import annotations

import json
import sqlite3

from pypdf import PdfReader

from posko_desktop.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def admin_site(db_path, capsys, monkeypatch) -> list[str]:
    """A province site with the admin "Admin Posko" whose password the CLI reads; the
    common arguments (English)."""
    base = ["--db", str(db_path), "--lang", "en"]
    assert run(capsys, *base, "init", "--site", "33", "--site-name", "Posko Provinsi",
               "--admin-user", "admin", "--admin-password", "Posko-Jateng-Rahasia-1",
               "--admin-name", "Admin Posko")[0] == 0
    monkeypatch.setenv("POSKO_PASSWORD", "Posko-Jateng-Rahasia-1")
    return base


def test_handover_written_shown_and_acknowledged_once(db_path, capsys):
    base = ["--db", str(db_path), "--lang", "en"]
    assert run(capsys, *base, "init", "--site", "33", "--site-name", "Posko Provinsi")[0] == 0
    # set-up mode (no account yet): --user names the officer
    code, out, err = run(capsys, *base, "--user", "sri", "shift", "handover", "--note",
                         "Pantau TPS 05 Tembalang", "--format", "json")
    assert code == 0, err
    made = json.loads(out)
    assert made["note"] == "Pantau TPS 05 Tembalang" and made["acknowledged_by"] is None
    assert {i["kind"] for i in made["items"]} == {"unit_not_reported"}  # a new site
    assert len(made["items"]) == 35 + 7  # the regency offices and the daily agencies
    code, _out, err = run(capsys, *base, "--user", "sri", "shift", "ack")
    assert code == 2 and "incoming officer" in err  # not by its writer
    code, out, _err = run(capsys, *base, "--user", "budi", "shift", "handover", "--last",
                          "--format", "json")
    assert json.loads(out)["id"] == made["id"]
    code, out, err = run(capsys, *base, "--user", "budi", "shift", "ack", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["acknowledged_by"] == "budi"
    assert run(capsys, *base, "--user", "budi", "shift", "ack")[0] == 2  # once only
    con = sqlite3.connect(db_path)
    try:
        trail = con.execute("SELECT username, action, record_id FROM audit_log WHERE action "
                            "LIKE 'shift.%' ORDER BY id").fetchall()
    finally:
        con.close()
    assert trail == [("sri", "shift.handover", made["id"]),
                     ("budi", "shift.handover_ack", made["id"])]


def test_roster_set_listed_and_printed(db_path, capsys, monkeypatch, tmp_path):
    base = admin_site(db_path, capsys, monkeypatch)
    code, out, err = run(capsys, *base, "--user", "admin", "shift", "roster", "--day",
                         "2024-11-27", "--shift", "malam", "--officer", "admin:koordinator",
                         "--format", "json")
    assert code == 0, err
    want = [{"day": "2024-11-27", "shift": "malam", "username": "admin",
             "name": "Admin Posko", "duty": "koordinator"}]
    assert json.loads(out)["roster"] == want
    code, out, _err = run(capsys, *base, "--user", "admin", "shift", "list", "--from",
                          "2024-11-25", "--format", "json")
    assert json.loads(out)["roster"] == want and json.loads(out)["to"] == "2024-12-01"
    assert run(capsys, *base, "--user", "admin", "shift", "roster", "--day", "2024-11-27",
               "--shift", "pagi", "--officer", "siapa")[0] == 2  # no such user
    pdf = tmp_path / "piket.pdf"
    code, _out, err = run(capsys, *base, "--user", "admin", "shift", "print", "--from",
                          "2024-11-27", "--to", "2024-11-28", "--out", str(pdf))
    assert code == 0, err
    text = PdfReader(pdf).pages[0].extract_text()
    assert "koordinator" in text and "Admin Posko" in text and "Night" in text


def test_an_officer_is_moved_to_another_shift(db_path, capsys, monkeypatch):
    base = admin_site(db_path, capsys, monkeypatch)
    user = [*base, "--user", "admin", "shift"]
    assert run(capsys, *user, "roster", "--day", "2024-11-27", "--shift", "pagi",
               "--officer", "admin:Polda")[0] == 0
    code, out, err = run(capsys, *user, "move", "--day", "2024-11-27", "--from", "pagi",
                         "--to", "malam", "--officer", "admin", "--format", "json")
    assert code == 0, err
    assert [(r["shift"], r["username"], r["duty"]) for r in json.loads(out)["roster"]] == [
        ("malam", "admin", "Polda")]
    code, _out, err = run(capsys, *user, "move", "--day", "2024-11-27", "--from", "pagi",
                          "--to", "siang", "--officer", "admin")
    assert code == 2 and "is not on the" in err  # nothing left on pagi


def test_roster_with_the_version_read_refuses_a_changed_shift(db_path, capsys, monkeypatch):
    base = admin_site(db_path, capsys, monkeypatch)
    roster = [*base, "--user", "admin", "shift", "roster", "--day", "2024-11-27", "--shift",
              "pagi"]
    assert run(capsys, *roster, "--officer", "admin:Polda")[0] == 0
    code, out, _err = run(capsys, *base, "--user", "admin", "shift", "list", "--from",
                          "2024-11-27", "--format", "json")
    read = json.loads(out)["versions"]["2024-11-27 pagi"]
    assert run(capsys, *roster, "--officer", "admin:koordinator", "--if-version", read)[0] == 0
    code, _out, err = run(capsys, *roster, "--officer", "admin:Kodam", "--if-version", read)
    assert code == 2 and "was changed by Admin Posko (admin)" in err
    code, out, _err = run(capsys, *base, "--user", "admin", "shift", "list", "--from",
                          "2024-11-27", "--format", "json")
    assert [r["duty"] for r in json.loads(out)["roster"]] == ["koordinator"]
