"""The weekly report's open critical incidents beyond the paper (issue 15): above
`weekly.critical_pdf_max` the section lists the oldest and names an XLSX file with all of
them, attached to the PDF and written beside it (the sitrep's annex code). Its rows equal
an independent query of the database file."""

from __future__ import annotations

import hashlib
import io
import re
import sqlite3
from datetime import datetime, timedelta

from pypdf import PdfReader

from posko_desktop.core.reports.annex import embedded_files
from tests.core.test_sitrep_annex import demo_db, run, sheet_rows  # noqa: F401 - fixture

WEEK = "2024-W48"  # Monday 25 to Sunday 1 December 2024 (WIB)
PAPER_MAX = 2


def open_critical_of_the_week(path) -> list[tuple[str, str, str]]:
    """(number, title, occurred_at as stored: naive UTC) straight from SQLite: severity
    kritis, still open, occurred from Monday 00.00 WIB to the next Monday, not deleted."""
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT number, title, occurred_at FROM incident WHERE severity = 'kritis' AND "
            "status IN ('baru', 'diverifikasi', 'ditindaklanjuti') AND deleted = 0 AND "
            "occurred_at >= '2024-11-24 17:00:00' AND occurred_at < '2024-12-01 17:00:00' "
            "ORDER BY occurred_at, seq").fetchall()
    finally:
        con.close()


def wib_minute(stored: str) -> str:
    """'2024-11-25 03:04:05.123000' (naive UTC) -> '2024-11-25 10:04' (WIB, UTC+7)."""
    return (datetime.fromisoformat(stored) + timedelta(hours=7)).strftime("%Y-%m-%d %H:%M")


def test_open_critical_beyond_the_paper_are_all_in_the_attached_xlsx(demo_db,  # noqa: F811
                                                                      capsys, tmp_path):
    assert run(capsys, "--db", str(demo_db), "settings", "set", "weekly.critical_pdf_max",
               str(PAPER_MAX))[0] == 0
    out = tmp_path / "weekly.pdf"
    code, stdout, err = run(capsys, "--db", str(demo_db), "weekly", "--week", WEEK, "--out",
                            str(out))
    assert code == 0, err
    expected = open_critical_of_the_week(demo_db)
    assert len(expected) > PAPER_MAX
    name = "kejadian-kritis-terbuka-2024-W48-33.xlsx"
    beside = tmp_path / name
    assert beside.exists() and name in stdout
    pdf = out.read_bytes()
    assert embedded_files(pdf) == [(name, beside.read_bytes())]
    rows = sheet_rows(beside.read_bytes())
    header_at = next(i for i, r in enumerate(rows) if r[0] == "No.")
    body = rows[header_at + 1:]
    assert [r[0] for r in body] == list(range(1, len(expected) + 1))
    assert [(r[1], r[7]) for r in body] == [(n, t) for n, t, _at in expected]
    assert [r[2] for r in body] == [wib_minute(at) for _n, _t, at in expected]
    assert {r[5] for r in body} == {"Kritis"}
    # the paper: the oldest PAPER_MAX rows, the count, the file and its SHA-256
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    section = text[text.index("5. Kejadian kritis"):text.index("6. Kegiatan")]
    assert re.findall(r"3300-24-\d{6}", section) == [n for n, _t, _at in expected[:PAPER_MAX]]
    sha = hashlib.sha256(beside.read_bytes()).hexdigest()
    assert name in section and sha in section.replace(" ", "")
    assert "{n} kejadian kritis".format(n=len(expected)) in section
    assert "1 berkas XLSX" in text  # the Lampiran line of the identity block


def test_a_week_within_the_limit_lists_every_one_and_attaches_nothing(demo_db,  # noqa: F811
                                                                      capsys, tmp_path):
    out = tmp_path / "weekly.pdf"
    assert run(capsys, "--db", str(demo_db), "weekly", "--week", WEEK, "--out", str(out))[0] == 0
    expected = open_critical_of_the_week(demo_db)
    assert 0 < len(expected) <= 100  # the default limit
    pdf = out.read_bytes()
    assert embedded_files(pdf) == [] and not list(tmp_path.glob("*.xlsx"))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    section = text[text.index("5. Kejadian kritis"):text.index("6. Kegiatan")]
    assert re.findall(r"3300-24-\d{6}", section) == [n for n, _t, _at in expected]
