"""Migration 0028 (the incidents naming a contest, by day: a partial index) on a real 0009
database (tests/data/posko-0009.sqlite3) taken through the chain: every old row kept, the
trail verifies, the index holds exactly the incidents that named a contest before the
upgrade, and the contest count of `stats` / the dashboard's panel reads it (SQLite's plan);
on SQLite and PostgreSQL the index is there with its condition."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

from sqlalchemy import event

from posko_desktop.cli import main
from posko_desktop.core.db.migrate import SCHEMA_HEAD
from posko_desktop.core.db.session import Database, open_database
from posko_desktop.core.services import stats
from tests.activities.test_migration_0012 import DATA, rows_of
from tests.medsos_records.test_migration_0022 import _upgrade

INDEX_SQL = ("CREATE INDEX ix_incident_contest_day ON incident (occurred_date, contest_code, "
             "pair_number) WHERE contest_code IS NOT NULL")
NOVEMBER = (date(2024, 11, 1), date(2024, 11, 30))  # the days of the file's incidents


def _name_contests(path: Path) -> None:
    """Incidents naming a contest as a 0027 database holds them (written raw): every third
    incident, the deleted one included, the Pilgub or Kota Semarang, a pair or none."""
    con = sqlite3.connect(path)
    try:
        ids = [i for (i,) in con.execute("SELECT id FROM incident ORDER BY number")]
        (gone,) = con.execute("SELECT id FROM incident WHERE deleted = 1").fetchone()
        for n, key in enumerate({*ids[::3], gone}):
            con.execute("UPDATE incident SET contest_code = ?, pair_number = ? WHERE id = ?",
                        ("33" if n % 2 else "33.74", (None, 1, 2)[n % 3], key))
        con.commit()
    finally:
        con.close()


def _sent(db: Database) -> tuple[dict[str, int], list[tuple[str, tuple]]]:
    """The incident counts of `stats.contest_pair_counts` over the file's days, and the
    incident statements it sent."""
    sent: list[tuple[str, tuple]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "FROM incident" in statement:
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        with db.read() as s:
            counts, _posts = stats.contest_pair_counts(s, *NOVEMBER, None)
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    return counts, sent


def test_0009_to_0028_indexes_the_incidents_naming_a_contest(tmp_path, capsys, monkeypatch):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    _upgrade(path, "0027")
    _name_contests(path)
    before = rows_of(path)
    _upgrade(path, "head")
    after = rows_of(path)
    width = {t: len(r[0]) for t, r in before.items() if r}  # later tables/columns tolerated
    assert {t: [r[:width[t]] for r in rows] if t in width else rows
            for t, rows in after.items() if t in before} == before
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"]

    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (SCHEMA_HEAD,)
        assert con.execute("SELECT sql FROM sqlite_master WHERE name = "
                           "'ix_incident_contest_day'").fetchone() == (INDEX_SQL,)
        in_index = con.execute(
            "SELECT occurred_date, contest_code, pair_number FROM incident INDEXED BY "
            "ix_incident_contest_day WHERE contest_code IS NOT NULL AND occurred_date >= "
            "'2000-01-01' ORDER BY 1, 2, 3").fetchall()
        in_table = con.execute(
            "SELECT occurred_date, contest_code, pair_number FROM incident NOT INDEXED "
            "WHERE contest_code IS NOT NULL ORDER BY 1, 2, 3").fetchall()
        assert in_index == in_table and len(in_table) > 40
        expected = {"{c}/{p}".format(c=c, p="-" if p is None else p): n for c, p, n in con.execute(
            "SELECT contest_code, pair_number, count(*) FROM incident WHERE deleted = 0 AND "
            "contest_code IS NOT NULL GROUP BY 1, 2")}
        assert con.execute("SELECT count(*) FROM incident WHERE deleted = 1 AND "
                           "contest_code IS NOT NULL").fetchone() == (1,)
    finally:
        con.close()

    db = open_database(path, upgrade_backup=False)
    try:
        counts, sent = _sent(db)
        assert counts == expected  # the deleted incident left out
        plans = []
        with db.engine.connect() as conn:
            for statement, parameters in sent:
                plans.append(" | ".join(row[3] for row in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, parameters)))
    finally:
        db.dispose()
    # all incidents naming a contest from the new index alone; minus the deleted ones, read
    # from the small partial index of deleted incidents (a few rows; each looked up)
    assert len(plans) == 2, plans
    assert "COVERING INDEX ix_incident_contest_day" in plans[0], plans[0]
    assert "USING INDEX ix_incident_" in plans[1] and "SCAN incident" not in plans[1], plans[1]


def test_the_index_is_there_with_its_condition(any_db: Database):
    """A fresh database (SQLite file, PostgreSQL test server) gets the index from 0028."""
    with any_db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            found = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'ix_incident_contest_day'").scalar()
            assert found == INDEX_SQL
        else:
            found = conn.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND "
                "indexname = 'ix_incident_contest_day'").scalar()
            assert found is not None and found.endswith(
                "incident USING btree (occurred_date, contest_code, pair_number) "
                "WHERE (contest_code IS NOT NULL)"), found
