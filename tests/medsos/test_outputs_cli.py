"""`posko case card|claimreview` and `posko takedown letter|register`: the outputs of a case
made with the CLI by an operator and two supervisors; a letter refused without a signer
leaves the database as it was (exit code 2)."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import jsonschema
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from posko_desktop.core.medsos import claimreview
from tests.medsos_records.test_cli import cli, site  # noqa: F401  (the fixture)


def dump(db: Path) -> list[list[tuple[object, ...]]]:
    con = sqlite3.connect(db)
    try:
        return [con.execute(f"SELECT * FROM {t}").fetchall() for t in (
            "hoax_case", "takedown_request", "sitrep_issued", "setting")]
    finally:
        con.close()


def published(site: Path, capsys) -> tuple[str, str]:  # noqa: F811
    code, added, err = cli(capsys, site, "opr", "post", "add", "--format", "json",
                           "https://www.tiktok.com/@jateng.viral/video/7394000000000000001")
    assert code == 0, err
    post = added["added"][0]
    code, case, err = cli(capsys, site, "opr", "case", "new", "--claim",
                          "Surat suara tercoblos di TPS 05 Tembalang", "--category", "hoaks",
                          "--post", post, "--format", "json")
    assert code == 0, err
    number = case["number"]
    for user, argv in (
            ("ani", ("case", "verdict", number, "--verdict", "salah", "--reasoning",
                     "KPU membantah: surat suara masih disegel")),
            ("budi", ("case", "approve", number)),
            ("opr", ("case", "clarify", number, "Tidak benar. Surat suara masih "
                     "disegel di gudang KPU Kota Semarang.")),
            ("ani", ("case", "publish", number, "--channel", "Situs Pemprov", "--url",
                     "https://jatengprov.go.id/klarifikasi/1"))):
        code, _o, err = cli(capsys, site, user, *argv)
        assert code == 0, (argv, err)
    return number, post


def test_case_outputs(site, capsys, tmp_path):  # noqa: F811
    number, _post = published(site, capsys)
    card = tmp_path / "kartu.png"
    code, _o, err = cli(capsys, site, "opr", "case", "card", number, "--out", str(card))
    assert code == 0, err
    assert Image.open(card).size == (1080, 1080)
    code, out, err = cli(capsys, site, "opr", "case", "claimreview", number)
    assert code == 0, err
    jsonschema.Draft202012Validator(claimreview.schema()).validate(out)
    assert out["claimReviewed"] == "Surat suara tercoblos di TPS 05 Tembalang"
    code, html, err = cli(capsys, site, "opr", "case", "claimreview", number, "--html")
    assert code == 0 and html.startswith('<script type="application/ld+json">')


def test_takedown_letter_and_register(site, capsys, tmp_path):  # noqa: F811
    number, post = published(site, capsys)
    code, td, err = cli(capsys, site, "opr", "takedown", "new", "--to", "komdigi",
                        "--case", number, "--post", post, "--format", "json")
    assert code == 0, err
    draft = tmp_path / "draf.pdf"
    code, _o, err = cli(capsys, site, "opr", "takedown", "letter", td["number"], "--out",
                        str(draft))
    assert code == 0, err
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(draft.read_bytes())).pages)
    assert "7394000000000000001" in "".join(text.split()) and "DRAF" in text

    before = dump(site)
    code, _o, err = cli(capsys, site, "ani", "takedown", "letter", td["number"], "--issue",
                        lang="id")
    assert code == 2 and "penanda tangan" in err  # no signer yet
    assert dump(site) == before
    for key, value in (("sitrep.signer_name", "Drs. Budi Santoso"),
                       ("sitrep.signer_position", "Kepala Biro Pemerintahan"),
                       ("sitrep.signer_nip", "197001011990031001")):
        assert cli(capsys, site, "admin", "settings", "set", key, value)[0] == 0
    issued = tmp_path / "surat.pdf"
    code, out, err = cli(capsys, site, "ani", "takedown", "letter", td["number"], "--issue",
                         "--out", str(issued))
    assert code == 0, err
    assert issued.read_bytes().startswith(b"%PDF")
    assert "/PPK/" in out

    code, _o, err = cli(capsys, site, "ani", "takedown", "update", td["number"], "--status",
                        "diajukan")
    assert code == 0, err
    code, rows, err = cli(capsys, site, "opr", "takedown", "register", "--format", "json")
    assert code == 0, err
    assert [r["number"] for r in rows] == [td["number"]] and rows[0]["age_days"] == 0
    assert rows[0]["recheck_due"] is not None and rows[0]["open"] is True
    xlsx = tmp_path / "register.xlsx"
    code, _o, err = cli(capsys, site, "opr", "takedown", "register", "--out", str(xlsx))
    assert code == 0, err
    ws = load_workbook(xlsx).active
    assert ws is not None and ws.cell(2, 1).value == td["number"]
    assert json.dumps(rows, ensure_ascii=False)
