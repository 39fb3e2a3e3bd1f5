"""`posko agency ...` through the real CLI on a real SQLite file: the documented JSON, the
version check, the XLSX export (rows equal the database) and the phone list PDF (its text
names every active contact, grouped by level; LATIHAN on a training database)."""

from __future__ import annotations

import json
import sqlite3
import subprocess

import openpyxl

from posko_desktop.cli import main

AGENCY_KEYS = {"id", "code", "name", "level", "parent_code", "address", "answer_hours",
               "active", "origin_site", "updated_at", "updated_by", "version"}
CONTACT_KEYS = {"id", "number", "agency_code", "name", "function", "phone", "whatsapp",
                "email", "note", "active", "origin_site", "updated_at", "updated_by",
                "version"}


def posko(db_path, *args: str) -> int:
    return main(["--db", str(db_path), "--lang", "en", *args])


def out_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def add_contacts(db_path, capsys) -> list[dict]:
    capsys.readouterr()
    made = []
    for agency, name, phone, wa in (("BAWASLU-PROV", "Rina Kusuma", "0812-0000-0101", ""),
                                    ("KODIM", "Serka Dwi", "0812-0000-0102", "0812-0000-0102"),
                                    ("DKPP", "Agus Salim", "021-0000-0103", ""),
                                    ("POLDA", "Kompol Hadi", "0812-0000-0104", "")):
        assert posko(db_path, "agency", "contact", "add", agency, "--name", name,
                     "--function", "Piket", "--phone", phone, "--whatsapp", wa,
                     "--format", "json") == 0
        made.append(out_json(capsys))
    return made


def test_agencies_and_contacts_with_documented_json(db_path, capsys):
    assert posko(db_path, "init", "--site", "33", "--site-name", "Provinsi") == 0
    capsys.readouterr()
    assert posko(db_path, "agency", "list", "--format", "json") == 0
    rows = out_json(capsys)["rows"]
    assert set(rows[0]) == AGENCY_KEYS and rows[0]["level"] == "pusat"
    assert posko(db_path, "agency", "add", "dinsos", "--name", "Dinas Sosial", "--level",
                 "provinsi", "--answer-hours", "48", "--format", "json") == 0
    added = out_json(capsys)
    assert set(added) == AGENCY_KEYS | {"contacts"} and added["answer_hours"] == 48
    assert posko(db_path, "agency", "update", "DINSOS", "--parent", "KESBANGPOL",
                 "--format", "json") == 0
    assert out_json(capsys)["parent_code"] == "KESBANGPOL"
    assert posko(db_path, "agency", "update", "DINSOS", "--deactivate", "--if-version",
                 added["version"]) == 2
    assert "was changed by" in capsys.readouterr().err
    assert posko(db_path, "agency", "contact", "add", "DINSOS", "--name", "Sri",
                 "--phone", "0812-0000-0100", "--format", "json") == 0
    contact = out_json(capsys)
    assert set(contact) == CONTACT_KEYS and contact["number"].startswith("KON-3300-")
    assert posko(db_path, "agency", "contact", "update", contact["number"], "--phone",
                 "0812-0000-0199", "--format", "json") == 0
    assert out_json(capsys)["phone"] == "0812-0000-0199"
    assert posko(db_path, "agency", "contact", "remove", contact["number"], "--if-version",
                 contact["version"]) == 2
    assert posko(db_path, "agency", "show", "DINSOS", "--format", "json") == 0
    assert [c["name"] for c in out_json(capsys)["contacts"]] == ["Sri"]
    assert posko(db_path, "agency", "contact", "remove", contact["number"]) == 0
    assert posko(db_path, "agency", "add", "POLDA", "--name", "Polda", "--level",
                 "provinsi") == 2  # never reused
    assert posko(db_path, "agency", "contact", "add", "POLDA", "--name", "X", "--phone",
                 "nomor") == 2
    assert posko(db_path, "agency", "show", "NOPE") == 2


def test_the_xlsx_export_equals_the_database(db_path, tmp_path, capsys):
    assert posko(db_path, "init", "--site", "33", "--site-name", "Provinsi") == 0
    add_contacts(db_path, capsys)
    assert posko(db_path, "agency", "update", "FKUB", "--deactivate") == 0
    capsys.readouterr()
    out = tmp_path / "direktori.xlsx"
    assert posko(db_path, "agency", "export", str(out), "--format", "json") == 0
    assert out_json(capsys)["contacts"] == 4
    wb = openpyxl.load_workbook(out)
    agencies, contacts = wb.worksheets
    assert agencies.page_setup.orientation == "landscape" and agencies.print_title_rows
    got = {r[0]: r for r in agencies.iter_rows(min_row=2, values_only=True)}
    con = sqlite3.connect(db_path)
    held = con.execute("SELECT number, name, parent_code, answer_hours, active FROM agency "
                       "WHERE deleted = 0").fetchall()
    assert {r[0] for r in held} == set(got)
    for code, name, parent, hours, active in held:
        assert (got[code][1], got[code][3] or None, got[code][5], got[code][6]) == (
            name, parent, hours, "yes" if active else "no")
    rows = [r for r in contacts.iter_rows(min_row=2, values_only=True)]
    stored = con.execute("SELECT number, agency_code, name, function, phone, whatsapp FROM "
                         "agency_contact WHERE deleted = 0 ORDER BY agency_code, name").fetchall()
    assert [(r[0], r[1], r[3], r[4], r[5], r[6] or "") for r in rows] == stored


def test_the_phone_list_names_every_active_contact_on_one_page(db_path, tmp_path, capsys):
    assert posko(db_path, "init", "--site", "33", "--site-name", "Latihan", "--training") == 0
    made = add_contacts(db_path, capsys)
    assert posko(db_path, "agency", "contact", "update", made[3]["number"],
                 "--deactivate") == 0
    capsys.readouterr()
    out = tmp_path / "telepon.pdf"
    assert posko(db_path, "agency", "phone-list", str(out), "--format", "json") == 0
    assert out_json(capsys)["contacts"] == 3
    text = pdf_text(out)
    assert text.count("\f") == 1  # one page
    for c in made[:3]:
        assert c["name"] in text and c["phone"] in text
    assert "Kompol Hadi" not in text  # no longer in the post
    assert "LATIHAN" in text
    # grouped by level: national, province, regency/city level
    assert text.index("National") < text.index("Agus Salim") < text.index("Province") \
        < text.index("Rina Kusuma") < text.index("Regency/city level") < text.index("Serka Dwi")


def test_a_referral_with_a_contact_shows_whom_to_call(db_path, capsys):
    assert posko(db_path, "init", "--site", "33", "--site-name", "Provinsi") == 0
    assert posko(db_path, "agency", "update", "BAWASLU", "--answer-hours", "72") == 0
    assert posko(db_path, "agency", "contact", "add", "BAWASLU", "--name", "Rina Kusuma",
                 "--function", "Kordiv Penanganan", "--phone", "0812-0000-0101",
                 "--whatsapp", "0812-0000-0101", "--format", "json") == 0
    capsys.readouterr()
    assert posko(db_path, "agency", "show", "BAWASLU", "--format", "json") == 0
    number = out_json(capsys)["contacts"][0]["number"]
    assert posko(db_path, "incident", "add", "--regency", "3374", "--title", "Baliho dirusak",
                 "--category", "C1", "--severity", "sedang", "--occurred", "2024-11-26 20:30",
                 "--format", "json") == 0
    incident = out_json(capsys)
    assert posko(db_path, "incident", "note", incident["number"], "mohon klarifikasi",
                 "--agency", "BAWASLU", "--contact", number, "--format", "json") == 0
    entry = out_json(capsys)
    assert entry["contact_id"] is not None and entry["due_at"] is not None
    assert posko(db_path, "incident", "show", incident["number"], "--format", "json") == 0
    [ref] = out_json(capsys)["referrals"]
    assert ref["contact"] == "Rina Kusuma (Kordiv Penanganan), 0812-0000-0101, WA 0812-0000-0101"
    assert posko(db_path, "incident", "show", incident["number"]) == 0
    assert "Call: Rina Kusuma (Kordiv Penanganan), 0812-0000-0101" in capsys.readouterr().out
    # another agency's contact is refused
    assert posko(db_path, "incident", "note", incident["number"], "x", "--agency", "KPU",
                 "--contact", number) == 2
