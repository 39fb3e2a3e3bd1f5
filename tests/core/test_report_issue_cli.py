"""Issuing through the CLI (issue 15): refused without a signer or with an unconfirmed
"Nihil" on a critical day (exit 2, database unchanged), then issued and listed; the weekly
report's numbers equal independent counts from `posko incident list --format json`."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from posko_desktop.cli import main

WEEK = "2024-W48"  # Monday 25 Nov – Sunday 1 Dec 2024 (WIB)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def dump(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.fixture
def demo_db(db_path, capsys) -> Path:
    assert run(capsys, "--db", str(db_path), "init", "--site", "33",
               "--site-name", "Posko Provinsi")[0] == 0
    code, _out, err = run(capsys, "--db", str(db_path), "demo-data", "--allow-live-database", "--incidents", "1500",
                          "--days", "30", "--end-date", "2024-11-28", "--seed", "11")
    assert code == 0, err
    return db_path


def set_signer(capsys, db: Path) -> None:
    for key, value in (("sitrep.signer_name", "Dr. Siti Aminah, M.Si."),
                       ("sitrep.signer_rank", "Pembina Utama Muda (IV/c)"),
                       ("sitrep.signer_nip", "19700101 199503 2 001")):
        code, _out, err = run(capsys, "--db", str(db), "settings", "set", key, value)
        assert code == 0, err


def test_issue_without_a_signer_is_refused_and_names_what_to_fill(demo_db, capsys, tmp_path):
    before = dump(demo_db)
    for command in (["sitrep", "--date", "2024-11-27"], ["weekly", "--week", WEEK]):
        code, out, err = run(capsys, "--db", str(demo_db), *command, "--issue",
                             "--out", str(tmp_path / "x.pdf"))
        assert code == 2, out
        assert "sitrep.signer_name" in err and "sitrep.signer_nip" in err
        assert "penanda tangan" in err.lower()  # Indonesian, the default language
    assert dump(demo_db) == before
    assert not (tmp_path / "x.pdf").exists()


def test_nihil_in_f_or_h_on_a_critical_day_needs_a_confirmation(demo_db, capsys, tmp_path):
    set_signer(capsys, demo_db)
    before = dump(demo_db)
    code, _out, err = run(capsys, "--db", str(demo_db), "sitrep", "--date", "2024-11-27",
                          "--issue")
    assert code == 2
    assert "F, H" in err and "--confirm-nihil" in err
    assert dump(demo_db) == before
    code, out, err = run(capsys, "--db", str(demo_db), "sitrep", "--date", "2024-11-27",
                         "--issue", "--confirm-nihil", "--out", str(tmp_path / "a.pdf"))
    assert code == 0, err
    assert "100.1.4.1/001/LAPSIT/2024" in out
    # with F and H written there is nothing to confirm
    code, out, err = run(capsys, "--db", str(demo_db), "sitrep", "--date", "2024-11-27",
                         "--issue", "--obstacles", "Jaringan seluler putus di 3 kecamatan.",
                         "--conclusions", "Perkuat patroli siber.")
    assert code == 0, err
    assert "100.1.4.1/002/LAPSIT/2024" in out
    text = " ".join(p.extract_text() for p in PdfReader(str(tmp_path / "a.pdf")).pages)
    for line in ("Dr. Siti Aminah, M.Si.", "NIP. 19700101 199503 2 001",
                 "Pembina Utama Muda (IV/c)", "100.1.4.1/001/LAPSIT/2024", "Terbatas",
                 "Menteri Dalam Negeri c.q. Direktur Jenderal Otonomi Daerah",
                 "BIRO PEMERINTAHAN, OTONOMI DAN"):
        assert line in text, line


def numbers_after(text: str, label: str, count: int) -> list[int]:
    """The `count` numbers printed after `label` in the extracted text (1.234 -> 1234)."""
    tail = text[text.index(label) + len(label):]
    found = re.findall(r"[−+-]?\d[\d.]*", tail)[:count]
    return [int(x.replace(".", "").replace("−", "-")) for x in found]


def test_weekly_numbers_equal_the_incident_list(demo_db, capsys, tmp_path):
    set_signer(capsys, demo_db)
    out_file = tmp_path / "week.pdf"
    code, out, err = run(capsys, "--db", str(demo_db), "weekly", "--week", WEEK,
                         "--issue", "--out", str(out_file))
    assert code == 0, err
    assert "100.1.4.1/001/LAPMING/2024" in out
    code, out, err = run(capsys, "--db", str(demo_db), "incident", "list", "--from",
                         "2024-11-25", "--to", "2024-12-01", "--format", "json", "--limit",
                         "100000")
    assert code == 0, err
    rows = json.loads(out)["rows"]
    code, out, _err = run(capsys, "--db", str(demo_db), "incident", "list", "--from",
                          "2024-11-18", "--to", "2024-11-24", "--format", "json", "--limit",
                          "1")
    previous = json.loads(out)["total"]
    text = "\n".join(p.extract_text() for p in PdfReader(str(out_file)).pages)
    assert rows and numbers_after(text, "Kejadian baru", 3) == [
        len(rows), previous, len(rows) - previous]
    severity = Counter(r["severity"] for r in rows)
    for label, code_ in (("\nRendah", "rendah"), ("\nSedang", "sedang"),
                         ("\nTinggi", "tinggi"), ("\nKritis", "kritis")):
        assert numbers_after(text, label, 1) == [severity[code_]], code_
    # the trend per day: 7 rows, each the day's incidents (WIB calendar day)
    per_day = Counter(r["occurred_at"][:10] for r in rows)
    for day, label in ((25, "Senin, 25 November 2024"), (27, "Rabu, 27 November 2024"),
                       (30, "Sabtu, 30 November 2024")):
        assert numbers_after(text, f"\n{label}\n", 1) == [per_day.get(f"2024-11-{day}", 0)]
    # the 35-regency table: the week's total per regency
    per_regency = Counter(r["regency_name"] for r in rows)
    recap = text[text.index("3. Kabupaten/kota"):text.index("4. Kategori")]
    for name in ("Kab. Cilacap", "Kota Semarang", "Kab. Brebes"):
        groups = Counter(r["category_code"][0] for r in rows if r["regency_name"] == name)
        assert numbers_after(recap, "\n" + name + "\n", 9) == (
            [groups.get(g, 0) for g in "ABCDEFHG"] + [per_regency[name]])
    # top categories and the open critical incidents
    top = Counter(r["category_code"] for r in rows).most_common(1)[0]
    cats = text[text.index("4. Kategori"):]
    assert re.search(rf"{top[0]} [^\n]+\n{top[1]:,}".replace(",", "."), cats)
    open_states = {"baru", "diverifikasi", "ditindaklanjuti"}
    critical = [r["number"] for r in rows if r["severity"] == "kritis"
                and r["status"] in open_states]
    section = text[text.index("5. Kejadian kritis"):text.index("6. Kegiatan Posko")]
    assert critical and all(n in section for n in critical)
    assert len(re.findall(r"\b3300-24-\d{6}\b", section)) == len(critical)
    code, out, _err = run(capsys, "--db", str(demo_db), "weekly", "--list", "--format", "json")
    listed = json.loads(out)
    assert [(i["number"], i["kind"]) for i in listed] == [("100.1.4.1/001/LAPMING/2024",
                                                           "weekly")]


def test_flash_report_is_refused_without_a_signer_then_issued_and_updated(demo_db, capsys,
                                                                           tmp_path):
    con = sqlite3.connect(demo_db)
    number = con.execute("SELECT number FROM incident WHERE severity = 'kritis' AND deleted = 0 "
                         "ORDER BY occurred_at DESC LIMIT 1").fetchone()[0]
    con.close()
    before = dump(demo_db)
    code, _out, err = run(capsys, "--db", str(demo_db), "flash", number, "--issue")
    assert code == 2 and "sitrep.signer_name" in err
    assert dump(demo_db) == before
    set_signer(capsys, demo_db)
    code, _out, err = run(capsys, "--db", str(demo_db), "incident", "update", number,
                          "--dead", "2", "--injured", "5", "--material-loss",
                          "Dua sepeda motor dibakar", "--condition", "Situasi terkendali",
                          "--contact", "Bripka Adi", "--phone", "0812-3456-7890")
    assert code == 0, err
    first = tmp_path / "flash-1.pdf"
    code, out, err = run(capsys, "--db", str(demo_db), "flash", number, "--issue",
                         "--out", str(first))
    assert code == 0, err
    first_number = re.search(r"100\.1\.4\.1/001/LAPCEP/\d{4}", out)[0]  # year of issue
    code, out, _err = run(capsys, "--db", str(demo_db), "incident", "show", number,
                          "--format", "json")
    shown = json.loads(out)
    reader = PdfReader(str(first))
    assert len(reader.pages) <= 2
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for value in (shown["number"], shown["title"], shown["regency_name"], shown["kecamatan"],
                  shown["desa"], shown["category_code"], shown["source_detail"],
                  "LAPORAN CEPAT", "Waktu kejadian", "Kronologi", "Korban", "Kerugian materiil",
                  "Upaya yang dilakukan", "Kondisi mutakhir", "Sumber"):
        assert value in text, value
    assert (shown["victims_dead"], shown["victims_injured"]) == (2, 5)
    for value in ("2 meninggal, 5 luka", shown["material_loss"], shown["current_condition"],
                  "{c} {p}".format(c=shown["source_contact"], p=shown["source_phone"])):
        assert value in text, value
    occurred = shown["occurred_at"]  # 2024-11-26T07:30:00+07:00 -> 26-11-2024 07.30
    assert "{d}-{m}-{y} {h}.{mi}".format(d=occurred[8:10], m=occurred[5:7], y=occurred[:4],
                                         h=occurred[11:13], mi=occurred[14:16]) in text
    # a later update of the same incident is a new report naming the previous one
    second = tmp_path / "flash-2.pdf"
    code, out, err = run(capsys, "--db", str(demo_db), "flash", number, "--issue",
                         "--out", str(second))
    assert code == 0, err
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(second)).pages).split())
    assert f"Pembaruan laporan cepat nomor {first_number}" in text
    code, out, _err = run(capsys, "--db", str(demo_db), "flash", "--list", "--format", "json")
    assert [(i["number"], i["kind"]) for i in json.loads(out)] == [
        (first_number.replace("/001/", "/002/"), "flash"), (first_number, "flash")]


PAGE_SIZES = {"a4": (595, 842), "f4": (609, 935)}  # points, rounded
HEADINGS = {"id": ("LAPORAN CEPAT", "LAPORAN MINGGUAN", "meninggal", "luka"),
            "en": ("FLASH REPORT", "WEEKLY REPORT", "dead", "injured")}


@pytest.mark.parametrize(("paper", "lang"), [("a4", "id"), ("a4", "en"), ("f4", "id"),
                                             ("f4", "en")])
def test_flash_and_weekly_on_a4_and_f4_in_both_languages(demo_db, capsys, tmp_path, paper,
                                                         lang):
    """The flash report stays within 2 pages and its numbers are the incident's as
    `posko incident list --format json` gives them; the weekly report's total is the
    list's count for the week; both on the chosen paper, in the chosen language."""
    db = str(demo_db)
    code, out, err = run(capsys, "--db", db, "incident", "list", "--from", "2024-11-25",
                         "--to", "2024-12-01", "--severity", "kritis", "--format", "json",
                         "--limit", "100000")
    assert code == 0, err
    row = max(json.loads(out)["rows"], key=lambda r: (r["occurred_at"], r["number"]))
    number = row["number"]
    assert run(capsys, "--db", db, "incident", "update", number, "--dead", "3", "--injured",
               "12")[0] == 0
    code, out, _err = run(capsys, "--db", db, "incident", "list", "--from", "2024-11-25",
                          "--to", "2024-12-01", "--format", "json", "--limit", "100000")
    week_rows = json.loads(out)["rows"]
    listed = next(r for r in week_rows if r["number"] == number)
    title, weekly_title, dead, injured = HEADINGS[lang]
    flash_pdf, week_pdf = tmp_path / "flash.pdf", tmp_path / "week.pdf"
    assert run(capsys, "--db", db, "flash", number, "--paper", paper, "--lang", lang,
               "--out", str(flash_pdf))[0] == 0
    assert run(capsys, "--db", db, "weekly", "--week", WEEK, "--paper", paper, "--lang", lang,
               "--out", str(week_pdf))[0] == 0
    flash = PdfReader(str(flash_pdf))
    assert len(flash.pages) <= 2
    for reader in (flash, PdfReader(str(week_pdf))):
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == PAGE_SIZES[paper]
    text = " ".join(" ".join(p.extract_text() for p in flash.pages).split())
    assert title in text and number in text and listed["title"] in text
    assert f"{listed['victims_dead']} {dead}, {listed['victims_injured']} {injured}" in text
    week = "\n".join(p.extract_text() for p in PdfReader(str(week_pdf)).pages)
    assert weekly_title in week
    label = "Kejadian baru" if lang == "id" else "New incidents"
    assert numbers_after(week.replace(",", "."), label, 1) == [len(week_rows)]
