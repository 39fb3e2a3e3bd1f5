"""`posko` incident, demo-data and stats commands, in-process and as a real subprocess.

Every number printed is compared with an independent SQL count on the database file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from posko_desktop.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sql(path: Path, query: str, *params) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def snapshot(path: Path) -> list[tuple]:
    return sql(path, "SELECT * FROM incident ORDER BY seq") + \
        sql(path, "SELECT * FROM followup ORDER BY id")


@pytest.fixture
def site_db(db_path, capsys) -> Path:
    code, out, _err = run(capsys, "--db", str(db_path), "init", "--site", "33",
                          "--site-name", "Posko Provinsi")
    assert code == 0 and str(db_path) in out
    return db_path


@pytest.fixture
def demo_db(site_db, capsys) -> Path:
    code, out, err = run(capsys, "--db", str(site_db), "demo-data", "--allow-live-database", "--incidents", "1500",
                         "--days", "60", "--end-date", "2024-11-30", "--seed", "3")
    assert code == 0, err
    assert "1.500" in out and "%" in err  # progress went to stderr
    return site_db


def add(capsys, db: Path, *extra: str) -> dict:
    code, out, err = run(capsys, "--db", str(db), "incident", "add", "--regency", "3374",
                         "--title", "Hoaks surat suara tercoblos", "--category", "A1",
                         "--severity", "tinggi", "--occurred", "2024-11-26 20:30",
                         "--reported", "2024-11-26 21:00", "--source", "media_sosial",
                         "--source-detail", "https://x.com/a/1", "--kecamatan", "Tembalang",
                         "--desa", "Bulusan", "--location", "Grup WA", "--people", "2",
                         "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_init_demo_data_and_stats_equal_the_database(site_db, capsys):
    """The issue's acceptance check: init, demo-data 20,000, stats by regency as JSON."""
    code, _out, err = run(capsys, "--db", str(site_db), "demo-data", "--incidents", "20000",
                         "--allow-live-database")
    assert code == 0, err
    code, out, err = run(capsys, "--db", str(site_db), "stats", "--by", "regency",
                         "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    counts = dict(sql(site_db, "SELECT regency_code, count(*) FROM incident WHERE deleted = 0 "
                               "GROUP BY regency_code"))
    assert sql(site_db, "SELECT count(*) FROM incident")[0][0] == 20000
    assert data["by"] == "regency" and data["from"] is None and data["to"] is None
    assert len(data["rows"]) == 35
    assert {r["key"]: r["count"] for r in data["rows"]} == {
        r["key"]: counts.get(r["key"], 0) for r in data["rows"]}
    assert data["total"] == sum(counts.values())
    assert all(set(r) == {"key", "label", "count"} for r in data["rows"])


def test_stats_with_dates_and_formats(demo_db, capsys):
    args = ("--db", str(demo_db), "stats", "--by", "day", "--from", "2024-11-20",
            "--to", "2024-11-30")
    code, out, _ = run(capsys, *args, "--format", "json")
    data = json.loads(out)
    days = dict(sql(demo_db, "SELECT occurred_date, count(*) FROM incident WHERE deleted = 0 "
                             "AND occurred_date BETWEEN '2024-11-20' AND '2024-11-30' GROUP BY 1"))
    assert [r["key"] for r in data["rows"]][0] == "2024-11-20" and len(data["rows"]) == 11
    assert {r["key"]: r["count"] for r in data["rows"]} == {
        r["key"]: days.get(r["key"], 0) for r in data["rows"]}
    code, out, _ = run(capsys, *args, "--format", "csv")
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["key", "label", "count"] and len(table) == 12
    assert sum(int(r[2]) for r in table[1:]) == data["total"]
    code, out, _ = run(capsys, *args)
    assert code == 0 and str(data["total"]) in out.splitlines()[-1]
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--by", "status",
                       "--regency", "33.74", "--format", "json")
    want = dict(sql(demo_db, "SELECT status, count(*) FROM incident WHERE deleted = 0 AND "
                             "regency_code = '33.74' GROUP BY status"))
    assert {r["key"]: r["count"] for r in json.loads(out)["rows"] if r["count"]} == want


def test_list_json_matches_sql_counts(demo_db, capsys):
    code, out, err = run(capsys, "--db", str(demo_db), "incident", "list", "--regency", "33.74",
                         "--regency", "3301", "--severity", "tinggi", "--severity", "kritis",
                         "--from", "2024-11-01", "--to", "2024-11-30", "--sort", "number",
                         "--asc", "--limit", "7", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    want = sql(demo_db, "SELECT number FROM incident WHERE deleted = 0 AND regency_code IN "
                        "('33.74', '33.01') AND severity IN ('tinggi', 'kritis') AND "
                        "occurred_date BETWEEN '2024-11-01' AND '2024-11-30' ORDER BY number")
    assert data["total"] == len(want) > 7
    assert [r["number"] for r in data["rows"]] == [w[0] for w in want[:7]]
    row = data["rows"][0]
    assert list(row) == ["id", "number", "occurred_at", "regency_code", "regency_name",
                         "category_code", "severity", "status", "title", "location",
                         "respond_by", "responded_at", "next_referral_due", "overdue", "deleted",
                         "victims_dead", "victims_injured"]
    assert row["occurred_at"].endswith("+07:00")
    assert datetime.fromisoformat(row["occurred_at"]).utcoffset().total_seconds() == 7 * 3600
    code, out, _ = run(capsys, "--db", str(demo_db), "incident", "list", "--regency", "33.74",
                       "--regency", "3301", "--severity", "tinggi", "--severity", "kritis",
                       "--from", "2024-11-01", "--to", "2024-11-30", "--sort", "number",
                       "--asc", "--limit", "7", "--offset", "7", "--format", "json")
    assert [r["number"] for r in json.loads(out)["rows"]] == [w[0] for w in want[7:14]]


def test_list_search_category_status_csv_and_table(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "incident", "list", "--category", "A",
                       "--status", "baru", "--status", "diverifikasi", "--limit", "100000",
                       "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    want = sql(demo_db, "SELECT count(*) FROM incident WHERE deleted = 0 AND category_code "
                        "LIKE 'A%' AND status IN ('baru', 'diverifikasi')")[0][0]
    assert len(rows) == want > 0
    assert all(r["category_code"].startswith("A") and r["status"] in ("baru", "diverifikasi")
               for r in rows)
    code, out, _ = run(capsys, "--db", str(demo_db), "incident", "list", "--search", "serangan",
                       "--format", "json", "--limit", "5")
    data = json.loads(out)
    want = sql(demo_db, "SELECT count(*) FROM incident WHERE deleted = 0 AND (lower(title) LIKE "
                        "'%serangan%' OR lower(description) LIKE '%serangan%' OR lower(location) "
                        "LIKE '%serangan%')")[0][0]
    assert data["total"] == want > 0
    code, out, _ = run(capsys, "--db", str(demo_db), "incident", "list", "--limit", "3")
    assert code == 0 and len(out.splitlines()) == 6  # header, rule, 3 rows, "1–3 of N"
    code, out, _ = run(capsys, "--db", str(demo_db), "incident", "list", "--deleted",
                       "--format", "json")
    assert json.loads(out)["total"] == sql(
        demo_db, "SELECT count(*) FROM incident WHERE deleted = 1")[0][0]


def test_add_show_update_status_and_notes(site_db, capsys):
    d = add(capsys, site_db)
    assert d["number"].startswith("3300-") and d["status"] == "baru"
    assert d["occurred_at"] == "2024-11-26T20:30:00+07:00"
    assert sql(site_db, "SELECT occurred_at, regency_code, people_involved FROM incident") == [
        ("2024-11-26 13:30:00.000000", "33.74", 2)]
    number = d["number"]

    code, out, _ = run(capsys, "--db", str(site_db), "incident", "update", number,
                       "--title", "Hoaks surat suara (diperbarui)", "--severity", "kritis")
    assert code == 0 and number in out
    assert sql(site_db, "SELECT title, severity, severity_rank FROM incident") == [
        ("Hoaks surat suara (diperbarui)", "kritis", 3)]

    code, out, _ = run(capsys, "--db", str(site_db), "incident", "status", number,
                       "diverifikasi", "--format", "json")
    assert code == 0 and json.loads(out)["status"] == "diverifikasi"
    code, _, _ = run(capsys, "--db", str(site_db), "incident", "note", d["id"],
                     "Sudah dikonfirmasi ke camat")
    assert code == 0
    code, out, _ = run(capsys, "--db", str(site_db), "incident", "note", number,
                       "Mohon ditindaklanjuti", "--agency", "bawaslu", "--due",
                       "2030-01-01 12:00", "--format", "json")
    assert code == 0
    ref = json.loads(out)
    assert ref["kind"] == "referral" and ref["agency_code"] == "BAWASLU"
    assert ref["due_at"] == "2030-01-01T12:00:00+07:00"
    assert sql(site_db, "SELECT kind FROM followup ORDER BY created_at") == [
        ("status",), ("note",), ("referral",)]

    code, out, _ = run(capsys, "--db", str(site_db), "incident", "show", number,
                       "--format", "json")
    shown = json.loads(out)
    assert [e["kind"] for e in shown["timeline"]] == ["status", "note", "referral"]
    assert shown["referrals"][0]["state"] == "terkirim"
    assert shown["next_referral_due"] == "2030-01-01T12:00:00+07:00"
    assert set(shown["transitions"]) == {"ditindaklanjuti", "selesai", "ditolak"}
    code, out, _ = run(capsys, "--db", str(site_db), "incident", "show", number)
    assert code == 0 and "Kota Semarang" in out and "BAWASLU" in out


@pytest.mark.parametrize("argv", [
    ("incident", "add", "--regency", "33.99", "--title", "Judul", "--category", "A1",
     "--severity", "rendah", "--occurred", "2024-11-26 10:00"),
    ("incident", "add", "--regency", "33.74", "--title", "Judul", "--category", "A1",
     "--severity", "rendah", "--occurred", "26/11/2024 10:00"),
    ("incident", "add", "--regency", "33.74", "--title", "Judul", "--category", "Z1",
     "--severity", "rendah", "--occurred", "2024-11-26 10:00"),
    ("incident", "list", "--regency", "Semarang"),
    ("incident", "list", "--category", "Q"),
    ("incident", "list", "--from", "2024-13-01"),
    ("incident", "list", "--from", "2024-11-30", "--to", "2024-11-01"),
    ("incident", "list", "--limit", "0"),
    ("incident", "show", "3300-24-999999"),
    ("incident", "status", "3300-24-000001", "selesai"),
    ("incident", "status", "3300-24-000001", "ditolak"),
    ("incident", "note", "3300-24-000001", "teks", "--agency", "NASA"),
    ("incident", "note", "3300-24-000001", "teks", "--due", "2030-01-01 10:00"),
    ("incident", "note", "3300-24-000001", "   "),
    ("incident", "update", "3300-24-000001", "--occurred", "besok"),
    ("demo-data", "--incidents", "0"),
    ("demo-data", "--end-date", "30-11-2024"),
    ("stats", "--by", "regency", "--regency", "33.99"),
    ("stats", "--by", "day", "--from", "2024-11-30", "--to", "2024-11-01"),
])
def test_refused_input_exits_2_and_changes_nothing(site_db, capsys, argv):
    add(capsys, site_db)  # 3300-YY-000001
    number = sql(site_db, "SELECT number FROM incident")[0][0]
    argv = tuple(a.replace("3300-24-000001", number) for a in argv)
    before = snapshot(site_db)
    code, out, err = run(capsys, "--db", str(site_db), *argv)
    assert code == 2
    assert err.startswith("Kesalahan: ") or "Kesalahan: " in err
    assert out == ""
    assert snapshot(site_db) == before


def test_messages_follow_the_language(site_db, capsys):
    code, _, err = run(capsys, "--lang", "en", "--db", str(site_db), "incident", "list",
                       "--regency", "33.99")
    assert code == 2 and err.strip() == "Error: Unknown regency code 33.99"
    code, _, err = run(capsys, "--lang", "id", "--db", str(site_db), "incident", "list",
                       "--regency", "33.99")
    assert code == 2 and "tidak dikenal" in err


def test_uninitialised_database_is_refused(db_path, capsys):
    code, _, err = run(capsys, "--db", str(db_path), "demo-data", "--incidents", "10")
    assert code == 2 and "posko init" in err
    assert sql(db_path, "SELECT count(*) FROM incident") == [(0,)]


def test_real_subprocess(site_db, tmp_path):
    """The installed console script, as other tools call it."""
    env = {**os.environ, "POSKO_DATA_DIR": str(tmp_path / "data"), "POSKO_DB": str(site_db)}
    exe = ROOT / ".venv" / "bin" / "posko"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "posko_desktop"]
    done = subprocess.run([*cmd, "demo-data", "--incidents", "300", "--days", "10",
                           "--allow-live-database"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([*cmd, "stats", "--by", "severity", "--format", "json"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    want = dict(sql(site_db, "SELECT severity, count(*) FROM incident WHERE deleted = 0 "
                             "GROUP BY severity"))
    assert {r["key"]: r["count"] for r in data["rows"] if r["count"]} == want
    done = subprocess.run([*cmd, "incident", "list", "--regency", "33.99"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == "" and "33.99" in done.stderr


@pytest.mark.parametrize(("lang", "expected"), [
    ("id", ["penggunaan: posko", "kesalahan: argumen ACTION: pilihan tidak sah: 'lst' "
                                 "(pilih dari 'add', 'list'"]),
    ("en", ["usage: posko", "error: argument ACTION: invalid choice: 'lst' "
                            "(choose from 'add', 'list'"]),
])
def test_argparse_speaks_the_chosen_language(capsys, lang, expected):
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", lang, "incident", "lst"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    for text in expected:
        assert text in err
    with pytest.raises(SystemExit):
        main(["--lang", lang, "stats", "--help"])
    assert ("opsi:" if lang == "id" else "options:") in capsys.readouterr().out
