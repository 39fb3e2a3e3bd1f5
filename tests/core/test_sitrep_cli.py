"""`posko sitrep`: draft, issue, list, export; refused input exits 2 and writes nothing."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from posko_desktop.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(db_path, capsys) -> Path:
    assert run(capsys, "--db", str(db_path), "init", "--site", "33",
               "--site-name", "Posko Provinsi")[0] == 0
    code, _out, err = run(capsys, "--db", str(db_path), "demo-data", "--allow-live-database", "--incidents", "1200",
                          "--days", "30", "--end-date", "2024-11-28", "--seed", "5")
    assert code == 0, err
    return db_path


def issued_rows(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT number, sha256, corrects FROM sitrep_issued ORDER BY seq"
                           ).fetchall()
    finally:
        con.close()


def test_draft_f4_english_one_regency(demo_db, capsys, tmp_path):
    out_file = tmp_path / "semarang.pdf"
    code, out, err = run(capsys, "--db", str(demo_db), "sitrep", "--date", "2024-11-27",
                         "--regency", "3374", "--paper", "f4", "--lang", "en",
                         "--out", str(out_file))
    assert code == 0, err
    reader = PdfReader(str(out_file))
    assert str(len(reader.pages)) in out
    assert float(reader.pages[0].mediabox.width) == pytest.approx(609.45, abs=0.01)
    text = reader.pages[0].extract_text()
    assert "DAILY SITUATION REPORT" in text and "KOTA SEMARANG" in text
    con = sqlite3.connect(demo_db)
    n = con.execute("SELECT count(*) FROM incident WHERE deleted = 0 AND regency_code = "
                    "'33.74' AND occurred_at >= '2024-11-26 00:00:00' AND occurred_at < "
                    "'2024-11-27 00:00:00'").fetchone()[0]
    con.close()
    body = " ".join(p.extract_text() for p in reader.pages)
    assert "{} incidents were recorded in the period".format(n) in body


def test_issue_list_and_export(demo_db, capsys, tmp_path):
    texts = tmp_path / "texts.json"
    texts.write_text(json.dumps({"highlights": ["Situasi aman terkendali."],
                                 "conclusions": "Perkuat patroli siber."}), encoding="utf-8")
    for key, value in (("sitrep.signer_name", "Dr. Siti Aminah, M.Si."),
                       ("sitrep.signer_nip", "19700101 199503 2 001")):
        assert run(capsys, "--db", str(demo_db), "settings", "set", key, value)[0] == 0
    code, out, err = run(capsys, "--db", str(demo_db), "sitrep", "--date", "2024-11-27",
                         "--texts", str(texts), "--issue", "--confirm-nihil",
                         "--out", str(tmp_path / "a.pdf"))
    assert code == 0, err
    assert "100.1.4.1/001/LAPSIT/2024" in out
    code, out, err = run(capsys, "--db", str(demo_db), "sitrep", "--date", "2024-11-27",
                         "--issue", "--confirm-nihil", "--corrects",
                         "100.1.4.1/001/LAPSIT/2024")
    assert code == 0, err
    rows = issued_rows(demo_db)
    assert [r[0] for r in rows] == ["100.1.4.1/001/LAPSIT/2024",
                                    "100.1.4.1/002/LAPSIT/2024"]
    assert rows[1][2] == rows[0][0]
    code, out, _err = run(capsys, "--db", str(demo_db), "sitrep", "--list", "--format", "json")
    listed = json.loads(out)
    assert {i["number"]: i["sha256"] for i in listed} == {r[0]: r[1] for r in rows}
    target = tmp_path / "copy.pdf"
    code, out, err = run(capsys, "--db", str(demo_db), "sitrep", "--export",
                         "100.1.4.1/001/LAPSIT/2024", "--out", str(target))
    assert code == 0, err
    assert hashlib.sha256(target.read_bytes()).hexdigest() == rows[0][1]
    assert target.read_bytes() == (tmp_path / "a.pdf").read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert "Situasi aman terkendali." in text and "Perkuat patroli siber." in text


@pytest.mark.parametrize("args", [
    ("--date", "27-11-2024"),
    ("--date", "2024-11-27", "--regency", "99.99"),
    ("--date", "2024-11-27", "--corrects", "001/X"),
    ("--export", "404/SITREP", ),
])
def test_refused_input_exits_2_and_writes_nothing(demo_db, capsys, tmp_path, args):
    target = tmp_path / "out.pdf"
    code, _out, err = run(capsys, "--db", str(demo_db), "sitrep", *args, "--out", str(target))
    assert code == 2
    assert err.strip()
    assert not target.exists()
    assert not list(tmp_path.glob("*.part"))
    assert issued_rows(demo_db) == []


def test_issue_with_an_unknown_correction_is_refused(demo_db, capsys):
    code, _out, err = run(capsys, "--db", str(demo_db), "sitrep", "--date", "2024-11-27",
                          "--issue", "--corrects", "999/NOPE")
    assert code == 2 and "999/NOPE" in err
    assert issued_rows(demo_db) == []
