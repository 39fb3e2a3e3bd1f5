"""Lampiran I beyond the paper (issue 15): when a period holds more incidents than
`sitrep.appendix_pdf_max`, the PDF lists the most severe and names an XLSX file with every
incident; the file is attached to the PDF (so the archive keeps it) and written beside every
PDF the CLI writes. Nothing is dropped: its rows equal an independent count from
`posko incident list --format json`."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from posko_desktop.cli import main
from posko_desktop.core.reports.annex import embedded_files
from posko_desktop.core.reports.annex_xlsx import write_xlsx

DAY = "2024-11-27"  # with report.cutoff_hour 0 the period is the WIB day 26 Nov
LISTED_DAY = "2024-11-26"
PAPER_MAX = 12


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(db_path, capsys) -> Path:
    db = str(db_path)
    assert run(capsys, "--db", db, "init", "--site", "33", "--site-name", "Posko Provinsi")[0] == 0
    code, _out, err = run(capsys, "--db", db, "demo-data", "--allow-live-database",
                          "--incidents", "1500", "--days", "30", "--end-date", "2024-11-28",
                          "--seed", "5")
    assert code == 0, err
    for key, value in (("report.cutoff_hour", "0"), ("sitrep.appendix_pdf_max", str(PAPER_MAX)),
                       ("sitrep.signer_name", "Dr. Siti Aminah, M.Si."),
                       ("sitrep.signer_nip", "19700101 199503 2 001")):
        assert run(capsys, "--db", db, "settings", "set", key, value)[0] == 0
    return db_path


def sheet_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(
        values_only=True))


def listed(capsys, db: Path) -> list[dict]:
    code, out, err = run(capsys, "--db", str(db), "incident", "list", "--from", LISTED_DAY,
                         "--to", LISTED_DAY, "--format", "json", "--limit", "100000")
    assert code == 0, err
    return json.loads(out)["rows"]


def lampiran_i(text: str) -> str:
    start = text.index("LAMPIRAN I ")
    end = text.find("LAMPIRAN II", start)
    return text[start:end if end > 0 else None]


def test_every_incident_of_the_period_is_in_the_attached_xlsx(demo_db, capsys, tmp_path):
    out = tmp_path / "sitrep.pdf"
    code, stdout, err = run(capsys, "--db", str(demo_db), "sitrep", "--date", DAY, "--out",
                            str(out))
    assert code == 0, err
    expected = listed(capsys, demo_db)
    assert len(expected) > PAPER_MAX
    name = "lampiran-i-sitrep-2024-11-27-33.xlsx"
    beside = tmp_path / name
    assert beside.exists() and name in stdout
    pdf = out.read_bytes()
    assert embedded_files(pdf) == [(name, beside.read_bytes())]
    assert list(PdfReader(io.BytesIO(pdf)).attachments) == [name]  # a standard attachment
    rows = sheet_rows(beside.read_bytes())
    header_at = next(i for i, r in enumerate(rows) if r[0] == "No.")
    body = rows[header_at + 1:]
    assert len(body) == len(expected)
    assert sorted(r[1] for r in body) == sorted(r["number"] for r in expected)
    assert [r[0] for r in body] == list(range(1, len(expected) + 1))
    by_number = {r["number"]: r for r in expected}
    for r in body:
        assert r[7] == by_number[r[1]]["title"]
        assert r[2] == by_number[r[1]]["occurred_at"][:16].replace("T", " ")
    # the paper: the count, the file, its SHA-256, and only PAPER_MAX rows, most severe first
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    sha = hashlib.sha256(beside.read_bytes()).hexdigest()
    assert "{n} kejadian".format(n=len(expected)) in text
    assert name in text and sha in text.replace(" ", "")
    appendix = lampiran_i(text)
    assert len(re.findall(r"3300-24-\d{6}", appendix)) == PAPER_MAX
    assert "1 berkas XLSX" in text  # Lampiran line of the identity block
    kritis = sum(r["severity"] == "kritis" for r in expected)
    assert appendix.count("Kritis") >= min(kritis, PAPER_MAX)


def test_the_issued_report_keeps_its_annex_and_export_writes_it_again(demo_db, capsys,
                                                                      tmp_path):
    code, out, err = run(capsys, "--db", str(demo_db), "sitrep", "--date", DAY, "--issue",
                         "--confirm-nihil", "--out", str(tmp_path / "issued.pdf"))
    assert code == 0, err
    number = re.search(r"100\.1\.4\.1/001/LAPSIT/2024", out)[0]
    name = "lampiran-i-sitrep-2024-11-27-33.xlsx"
    first = (tmp_path / name).read_bytes()
    export_dir = tmp_path / "copy"
    export_dir.mkdir()
    code, out, err = run(capsys, "--db", str(demo_db), "sitrep", "--export", number, "--out",
                         str(export_dir / "copy.pdf"))
    assert code == 0, err
    assert (export_dir / name).read_bytes() == first
    con = sqlite3.connect(demo_db)
    [(stored,)] = con.execute("SELECT pdf FROM sitrep_issued").fetchall()
    con.close()
    assert embedded_files(bytes(stored)) == [(name, first)]
    assert len(sheet_rows(first)) - 3 == len(listed(capsys, demo_db))  # 2 title rows + header


def test_small_periods_keep_every_row_on_paper_and_attach_nothing(demo_db, capsys, tmp_path):
    assert run(capsys, "--db", str(demo_db), "settings", "set", "sitrep.appendix_pdf_max",
               "0")[0] == 0
    out = tmp_path / "all.pdf"
    assert run(capsys, "--db", str(demo_db), "sitrep", "--date", DAY, "--out", str(out))[0] == 0
    pdf = out.read_bytes()
    assert embedded_files(pdf) == [] and not list(tmp_path.glob("*.xlsx"))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    appendix = lampiran_i(text)
    assert len(re.findall(r"3300-24-\d{6}", appendix)) == len(listed(capsys, demo_db))


def test_the_xlsx_writer_reads_back_cell_for_cell_and_is_deterministic():
    rows = [[1, "3300-24-000001", "a & b <c> \"d\"", "'=1+1", ""],
            [2, "Kab. Tegal", "Ünïcödé – ●", "x" * 400, "tab\there"],
            [10_000_000, "", "line", "end", "z"]]
    header = ["No.", "Nomor", "Teks", "Rumus", "Lain"]
    content = write_xlsx("Lampiran I", ["Judul", "Baris 2"], header, rows, [6, 16, 20, 20, 8])
    assert content == write_xlsx("Lampiran I", ["Judul", "Baris 2"], header, rows,
                                 [6, 16, 20, 20, 8])
    got = sheet_rows(content)
    assert got[0][0] == "Judul" and got[1][0] == "Baris 2"
    assert list(got[2]) == header
    assert [[("" if v is None else v) for v in (*r, None)[:5]] for r in got[3:]] == rows
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A3"].font.b and not sheet["A4"].font.b
    assert sheet.freeze_panes == "A4"
    assert sheet["D4"].data_type == "s"  # text, never a formula


def test_repeated_texts_read_back_whole_from_the_shared_table():
    """Columns whose texts repeat (regency, severity, time …) are written once each in the
    workbook's table of shared strings; every cell still reads back as written."""
    kinds = ["a & b <c>", " lead and trail ", "", "Kab. Tegal", "tab\there", "'=1+1"]
    rows = [[i, f"3300-24-{i:06d}", kinds[i % len(kinds)], kinds[(i * 5) % len(kinds)]]
            for i in range(1, 61)]
    header = ["No.", "Nomor", "Kab/Kota", "Status"]
    content = write_xlsx("Lampiran I", ["Judul"], header, rows, [6, 16, 20, 20])
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        shared = z.read("xl/sharedStrings.xml").decode()
    assert shared.count("Kab. Tegal") == 1 and "3300-24-000001" not in shared
    got = sheet_rows(content)
    assert [[("" if v is None else v) for v in r] for r in got[2:]] == rows
    sheet = load_workbook(io.BytesIO(content)).active
    assert all(sheet.cell(row, 4).data_type == "s" for row in range(3, 63))
