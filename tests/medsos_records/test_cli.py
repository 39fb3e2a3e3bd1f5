"""`posko post|case|takedown|lexicon`: a case from links to an approved verdict, a published
clarification and a take-down re-checked until down, all with the CLI and two supervisors;
JSON as docs/cli-json.md says; exit code 2 with nothing written on refusal, in Indonesian
and English."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_cli import run

from .conftest import DATA

PW = "Rahasia-Posko-2024"
TABLES = ("social_post", "hoax_case", "takedown_request", "lexicon_entry", "audit_log")


def state(db: Path) -> list:
    con = sqlite3.connect(db)
    try:
        return [con.execute(f"SELECT * FROM {t} WHERE {'action != ' + repr('auth.login') if t == 'audit_log' else '1'}").fetchall()
                for t in TABLES]
    finally:
        con.close()


@pytest.fixture
def site(db_path, capsys, monkeypatch) -> Path:
    monkeypatch.setenv("POSKO_PASSWORD", PW)
    assert run(capsys, "--db", str(db_path), "init", "--site", "33", "--site-name", "Posko",
               "--admin-user", "admin", "--admin-password", PW)[0] == 0
    for name, role in (("opr", "operator"), ("ani", "supervisor"), ("budi", "supervisor")):
        code, _o, err = run(capsys, "--db", str(db_path), "--user", "admin", "user", "add", name,
                            "--role", role, "--password", PW, "--no-forced-change")
        assert code == 0, err
    return db_path


def cli(capsys, db: Path, user: str, *argv: str, lang: str = "en") -> tuple[int, object, str]:
    code, out, err = run(capsys, "--db", str(db), "--lang", lang, "--user", user, *argv)
    try:
        return code, json.loads(out), err
    except ValueError:
        return code, out, err


def test_a_case_from_links_to_clarification_and_takedown(site, capsys):
    code, added, err = cli(capsys, site, "opr", "post", "add", "--format", "json",
                           "https://vt.tiktok.com/ZS2abcd/",
                           "https://www.facebook.com/100012345/posts/77?mibextid=x")
    assert code == 0, err
    assert len(added["added"]) == 2 and added["problems"] == []
    code, again, _ = cli(capsys, site, "opr", "post", "add", "--format", "json",
                         "https://m.facebook.com/100012345/posts/77")
    assert again["added"] == [] and again["already"] == [added["added"][1]]
    code, queue, _ = cli(capsys, site, "opr", "post", "list", "--queue", "--format", "json")
    assert queue["total"] == 2 and {p["number"] for p in queue["posts"]} == set(added["added"])

    code, case, err = cli(capsys, site, "opr", "case", "new", "--claim",
                          "Surat suara tercoblos di TPS 05", "--category", "hoaks",
                          "--post", added["added"][0], "--format", "json")
    assert code == 0, err
    number = case["number"]
    assert cli(capsys, site, "opr", "case", "attach", number, added["added"][1])[0] == 0
    code, _o, err = cli(capsys, site, "opr", "case", "verdict", number, "--verdict", "salah",
                        "--reasoning", "KPU membantah")
    assert code == 2 and "medsos.decide" in err
    assert cli(capsys, site, "ani", "case", "verdict", number, "--verdict", "salah",
               "--reasoning", "KPU: surat suara belum didistribusikan", "--source",
               "https://jateng.kpu.go.id/berita/1")[0] == 0
    before = state(site)
    code, _o, err = cli(capsys, site, "ani", "case", "approve", number, lang="id")
    assert code == 2 and "supervisor lain" in err
    code, _o, err = cli(capsys, site, "budi", "case", "publish", number, "--channel", "IG")
    assert code == 2 and "not approved" in err
    assert state(site) == before
    assert cli(capsys, site, "budi", "case", "approve", number)[0] == 0
    code, published, err = cli(capsys, site, "budi", "case", "publish", number, "--channel",
                               "Instagram @poskojateng", "--text", "Tidak benar.",
                               "--format", "json")
    assert code == 0, err
    assert published["status"] == "klarifikasi_terbit"
    assert published["verdict"]["approved_by"] == "budi"
    assert published["clarification"]["published"][0]["channel"] == "Instagram @poskojateng"

    code, td, err = cli(capsys, site, "opr", "takedown", "new", "--to", "komdigi", "--case",
                        number, "--post", added["added"][0], "--post", added["added"][1],
                        "--legal-basis", "UU ITE Pasal 28", "--format", "json")
    assert code == 0, err
    assert cli(capsys, site, "ani", "takedown", "update", td["number"], "--status", "diajukan",
               "--reference", "ADU-000123")[0] == 0
    code, td, _ = cli(capsys, site, "opr", "takedown", "update", td["number"], "--recheck",
                      "down", "--recheck-note", "sudah hilang", "--format", "json")
    assert td["status"] == "diturunkan" and td["rechecks"][0]["note"] == "sudah hilang"
    code, shown, _ = cli(capsys, site, "opr", "case", "show", number, "--format", "json")
    assert shown["reach"]["posts"] == 2 and shown["takedowns"][0]["reference"] == "ADU-000123"
    code, listed, _ = cli(capsys, site, "opr", "takedown", "list", "--open", "--format", "json")
    assert listed["count"] == 0


def test_import_reports_rows_and_refuses_a_bad_file_with_nothing_written(site, capsys):
    code, result, err = cli(capsys, site, "opr", "post", "import",
                            str(DATA / "posts-template.csv"), "--format", "json")
    assert code == 0, err
    assert result["format"] == "table" and result["added"]
    assert all(p["line"] > 1 and p["message"] for p in result["problems"])
    before = state(site)
    code, again, _ = cli(capsys, site, "opr", "post", "import", str(DATA / "posts-template.csv"),
                         "--format", "json")
    assert again["added"] == [] and state(site) == before
    code, _o, err = cli(capsys, site, "opr", "post", "import", str(DATA / "x-api-broken.json"))
    assert code == 2 and err
    code, _o, err = cli(capsys, site, "opr", "post", "import", str(DATA / "x-api-broken.json"),
                        lang="id")
    assert code == 2
    assert state(site) == before
    number = result["added"][0]
    code, post, _ = cli(capsys, site, "opr", "post", "show", number, "--format", "json")
    assert post["number"] == number and post["version"]


def test_only_an_admin_edits_the_lexicon(site, capsys):
    before = state(site)
    code, _o, err = cli(capsys, site, "ani", "lexicon", "add", "kotak suara dibakar",
                        "--category", "ancaman")
    assert code == 2 and state(site) == before
    code, view, err = cli(capsys, site, "admin", "lexicon", "add", "kotak suara dibakar",
                          "--category", "ancaman", "--format", "json")
    assert code == 0, err
    assert view["version"].startswith("1+")
    assert {"term": "kotak suara dibakar", "category": "ancaman", "source": "added"} in view["terms"]
    code, view2, _ = cli(capsys, site, "admin", "lexicon", "remove", "amplop", "--category",
                         "politik_uang", "--format", "json")
    assert not any(t["term"] == "amplop" for t in view2["terms"])
    code, _o, _e = cli(capsys, site, "opr", "post", "add",
                       "https://x.com/a/status/5")  # flagged with the new version
    code, shown, _ = cli(capsys, site, "opr", "lexicon", "list", "--category", "ancaman",
                         "--format", "json")
    assert shown["version"] == view2["version"] and len(shown["changes"]) == 2


def test_case_fact_check_and_evidence_of_every_kind(site, capsys, tmp_path):
    from . import evidence_samples as sample

    code, case, err = cli(capsys, site, "opr", "case", "new", "--format", "json",
                          "--claim", "Surat suara sudah tercoblos", "--category", "hoaks")
    assert code == 0, err
    code, out, err = cli(capsys, site, "opr", "case", "factcheck", case["number"],
                         "https://cekfakta.com/x?utm_source=wa", "--publisher", "cekfakta.com",
                         "--format", "json")
    assert code == 0, err
    assert out["fact_checks"] == [{"url": "https://cekfakta.com/x", "publisher": "cekfakta.com"}]
    (tmp_path / "rekaman.webm").write_bytes(sample.WEBM)
    (tmp_path / "obrolan.txt").write_bytes(sample.CHAT)
    (tmp_path / "palsu.mp4").write_bytes(sample.HTML)
    code, out, err = cli(capsys, site, "opr", "case", "evidence", case["number"],
                         str(tmp_path / "rekaman.webm"), str(tmp_path / "obrolan.txt"),
                         "--format", "json")
    assert code == 0, err
    assert [(e["filename"], e["mime"]) for e in out["evidence"]] == [
        ("rekaman.webm", "video/webm"), ("obrolan.txt", "text/plain")]
    before = state(site)
    code, _out, err = cli(capsys, site, "opr", "case", "evidence", case["number"],
                          str(tmp_path / "palsu.mp4"), lang="id")
    assert code == 2 and "palsu.mp4: isinya (text/html) tidak sesuai dengan nama berkasnya" in err
    assert state(site) == before


def test_column_mapping_saved_previewed_and_used_with_the_cli(site, capsys, tmp_path):
    export = tmp_path / "ekspor.csv"
    export.write_text("Tanggal;Isi;Tautan posting\n21/07/2024 08:00;Amplop di Juwana;"
                      "https://www.facebook.com/warga/posts/123\n", "utf-8")
    peta = tmp_path / "peta.json"
    peta.write_text(json.dumps({"columns": {"posted_at": "Tanggal", "text": "Isi",
                                            "url": "Tautan posting"}}), "utf-8")
    before = state(site)
    code, _out, err = cli(capsys, site, "opr", "post", "import", str(export), lang="id")
    assert code == 2 and "petakan kolom" in err.lower()
    assert state(site) == before
    code, shown, err = cli(capsys, site, "opr", "post", "mapping", "preview", str(export),
                           "--mapping", str(peta), "--format", "json")
    assert code == 0, err
    assert shown["headers"] == ["Tanggal", "Isi", "Tautan posting"]
    assert shown["rows"][0]["post"]["url"] == "https://www.facebook.com/warga/posts/123"
    code, out, err = cli(capsys, site, "opr", "post", "mapping", "save", "pantau-x", str(peta),
                         "--format", "json")
    assert code == 0 and out["name"] == "pantau-x", err
    code, listed, _err = cli(capsys, site, "opr", "post", "mapping", "list", "--format", "json")
    assert [m["name"] for m in listed["mappings"]] == ["pantau-x"]
    code, result, err = cli(capsys, site, "opr", "post", "import", str(export), "--mapping",
                            "pantau-x", "--format", "json")
    assert code == 0 and len(result["added"]) == 1, err


def test_posts_name_contest_and_pair_and_stats_count_them(site, capsys):
    """`post add --contest --pair`, `post contest` (an option left out clears it), a bad
    pair refused with the pairs held and nothing written; `stats --by contest|pair` lists
    posts beside incidents (JSON `posts`, table column)."""
    for ballot in (1, 2):
        assert cli(capsys, site, "admin", "contest", "add-pair", "--contest", "33.74",
                   "--ballot", str(ballot), "--head", "Calon", "--deputy", "Wakil")[0] == 0
    code, added, err = cli(capsys, site, "opr", "post", "add", "--format", "json",
                           "--contest", "33.74", "--pair", "2", "https://x.com/a/status/71")
    assert code == 0, err
    number = added["added"][0]
    before = state(site)
    code, _out, err = cli(capsys, site, "opr", "post", "contest", number, "--contest", "33.74",
                          "--pair", "5")
    assert code == 2 and "known: 1, 2" in err
    assert state(site) == before
    code, shown, _ = cli(capsys, site, "opr", "post", "contest", number, "--contest", "33",
                         "--format", "json")
    assert (shown["contest_code"], shown["pair_number"]) == ("33", None)
    code, doc, _ = cli(capsys, site, "opr", "stats", "--by", "pair", "--format", "json")
    assert [(r["key"], r["count"], r["posts"]) for r in doc["rows"]] == [
        ("33/-", 0, 1), ("33.74/1", 0, 0), ("33.74/2", 0, 0)]
    assert doc["posts_total"] == 1
    code, table, _ = cli(capsys, site, "opr", "stats", "--by", "contest", lang="id")
    assert "Unggahan" in table.splitlines()[0] and "Kejadian" in table.splitlines()[0]


def test_post_place_refuses_a_desa_outside_its_kecamatan_naming_where_it_is(site, capsys):
    """Issue 17: `posko post place` checks the place like the incident and activity
    commands: a desa of another kecamatan exits 2 naming the kecamatan that has it, nothing
    written; a fitting one is stored by code."""
    code, added, err = cli(capsys, site, "opr", "post", "add", "--format", "json",
                           "https://x.com/relawan/status/1812345678901234567")
    assert code == 0, err
    ref = added["added"][0]
    before = state(site)
    code, _out, err = cli(capsys, site, "opr", "post", "place", ref, "--regency", "33.74",
                          "--kecamatan", "33.74.01", "--desa", "33.74.02.1001")
    assert code == 2 and "Bandarharjo is not in Kecamatan Semarang Tengah" in err, err
    assert "it is in Kecamatan Semarang Utara (33.74.02)" in err
    assert state(site) == before
    code, placed, err = cli(capsys, site, "opr", "post", "place", ref, "--regency", "33.74",
                            "--kecamatan", "33.74.02", "--desa", "33.74.02.1001",
                            "--format", "json")
    assert code == 0, err
    assert (placed["kecamatan_code"], placed["desa_code"]) == ("33.74.02", "33.74.02.1001")
