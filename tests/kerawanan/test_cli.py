"""`posko contest …`, `posko tps …`, `posko baseline …`: JSON as docs/cli-json.md says, the
row-level report and exit code 2 with nothing written on a bad file, --if-version."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from posko_desktop.cli import main

from .samples import independent_counts, write_samples

PAIR = ("contest", "add-pair", "--contest", "3374", "--ballot", "1", "--head", "Calon A",
        "--deputy", "Wakil A", "--party", "Partai A", "--party", "Partai B")


def run(capsys, db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows(path: Path) -> list:
    con = sqlite3.connect(path)
    try:
        return [con.execute("SELECT * FROM {t}".format(t=t)).fetchall() for t in (
            "candidate_pair", "tps", "baseline_import", "tps_mark", "audit_log")]
    finally:
        con.close()


@pytest.fixture
def site(db_path, capsys):
    assert run(capsys, db_path, "init", "--site", "33", "--site-name", "Provinsi")[0] == 0
    return db_path


def test_pairs_from_the_command_line(site, capsys):
    code, out, _err = run(capsys, site, *PAIR, "--format", "json")
    assert code == 0
    pair = json.loads(out)
    assert {k: pair[k] for k in ("contest_code", "ballot_number", "parties", "deleted")} == {
        "contest_code": "33.74", "ballot_number": 1, "parties": ["Partai A", "Partai B"],
        "deleted": False}
    code, out, _err = run(capsys, site, "contest", "list", "--format", "json")
    listed = json.loads(out)
    assert listed["count"] == 36
    semarang = next(c for c in listed["contests"] if c["code"] == "33.74")
    assert semarang["kind"] == "pilwalkot" and semarang["pairs"][0]["head"] == "Calon A"
    assert run(capsys, site, "contest", "update-pair", "33.74/1", "--head", "Calon A, S.E.",
               "--format", "json")[0] == 0
    before = rows(site)
    code, _out, err = run(capsys, site, "contest", "update-pair", "33.74/1", "--head", "X",
                          "--if-version", pair["version"])
    assert code == 2 and "changed" in err
    code, _out, err = run(capsys, site, *PAIR)
    assert code == 2 and "already has pair number 1" in err
    assert rows(site) == before


def test_imports_report_bad_rows_and_show_the_baseline(site, capsys, tmp_path):
    paths = write_samples(tmp_path)
    code, out, _err = run(capsys, site, "tps", "import", str(paths["tps"]), "--format", "json")
    want = independent_counts(paths)
    assert code == 0 and json.loads(out)["added"] == sum(want["tps"].values())
    for kind in ("ikp", "tps_rawan", "polda"):
        code, out, _err = run(capsys, site, "baseline", "import", kind, str(paths[kind]),
                              "--label", "Contoh " + kind, "--format", "json")
        assert code == 0 and json.loads(out)["imported"] is True
    code, out, _err = run(capsys, site, "baseline", "import", "ikp", str(paths["ikp"]))
    assert code == 0 and "nothing imported" in out
    code, out, _err = run(capsys, site, "baseline", "show", "--format", "json")
    shown = json.loads(out)
    assert {r["code"]: r["tps_rawan"] for r in shown["regencies"] if r["tps_rawan"]} == \
        dict(want["rawan_regency"])
    assert set(shown["versions"]) == {"ikp", "tps_rawan", "polda"}
    bad = tmp_path / "bad.csv"
    bad.write_text("Kode desa;Nomor TPS;Kelas Polda\n33.99.01.2001;1;rawan\n", encoding="utf-8")
    before = rows(site)
    code, out, _err = run(capsys, site, "baseline", "import", "polda", str(bad),
                          "--format", "json")
    assert code == 2
    report = json.loads(out[:out.rindex("}") + 1])
    assert report == {"imported": False, "problems": [
        {"row": 2, "column": "Kode desa", "problem": report["problems"][0]["problem"]}]}
    code, _out, err = run(capsys, site, "baseline", "import", "polda", str(bad))
    assert code == 2 and 'row 2, column "Kode desa"' in err
    assert rows(site) == before
    template = tmp_path / "templat.xlsx"
    assert run(capsys, site, "baseline", "template", "tps_rawan", str(template))[0] == 0
    assert template.read_bytes()[:2] == b"PK"
