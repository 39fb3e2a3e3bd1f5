"""The dashboard's counts kept as rows change (migration 0026): `incident_day_count` holds,
per WIB day x regency x category x severity, how many incidents are not deleted.

Database triggers keep it (SQLite and PostgreSQL alike), so every path that writes
incidents (the services, the sync import, demo data, a spreadsheet import, SQL typed by
hand) keeps it true without knowing about it. Big loads drop the triggers with the
secondary indexes and `rebuild` the table once the rows are in (`db.bulk`); the migration
fills it the same way. A row whose count falls to 0 is deleted, so the table always equals
`SELECT ..., count(*) FROM incident WHERE NOT deleted GROUP BY` the four columns
(tests/core/test_day_counts.py).
"""

from __future__ import annotations

from typing import Any

TABLE = "incident_day_count"
KEY = ("occurred_date", "regency_code", "category_code", "severity_rank")
# An update touching none of these leaves the counts as they are (no trigger work).
WATCHED = (*KEY, "deleted")

_KEY_LIST = ", ".join(KEY)


def _same_key(row: str) -> str:
    return " AND ".join(f"{c} = {row}.{c}" for c in KEY)


def _changed(old: str = "old", new: str = "new", same: str = "IS NOT") -> str:
    return " OR ".join(f"{new}.{c} {same} {old}.{c}" for c in WATCHED)


def _add(row: str) -> str:
    values = ", ".join(f"{row}.{c}" for c in KEY)
    return (f"INSERT INTO {TABLE} ({_KEY_LIST}, n) VALUES ({values}, 1) "
            f"ON CONFLICT ({_KEY_LIST}) DO UPDATE SET n = {TABLE}.n + 1")


def _remove(row: str) -> str:
    return (f"UPDATE {TABLE} SET n = n - 1 WHERE {_same_key(row)}; "
            f"DELETE FROM {TABLE} WHERE {_same_key(row)} AND n <= 0")


_SQLITE_TRIGGERS = {
    "incident_day_count_ai": f"""CREATE TRIGGER incident_day_count_ai AFTER INSERT ON incident
        WHEN NOT new.deleted BEGIN {_add("new")}; END""",
    "incident_day_count_ad": f"""CREATE TRIGGER incident_day_count_ad AFTER DELETE ON incident
        WHEN NOT old.deleted BEGIN {_remove("old")}; END""",
    # old side first, then the new side (two triggers: each has its own WHEN)
    "incident_day_count_au_old": f"""CREATE TRIGGER incident_day_count_au_old
        AFTER UPDATE OF {", ".join(WATCHED)} ON incident
        WHEN NOT old.deleted AND ({_changed()}) BEGIN {_remove("old")}; END""",
    "incident_day_count_au_new": f"""CREATE TRIGGER incident_day_count_au_new
        AFTER UPDATE OF {", ".join(WATCHED)} ON incident
        WHEN NOT new.deleted AND ({_changed()}) BEGIN {_add("new")}; END""",
}

_PG_FUNCTION = f"""CREATE OR REPLACE FUNCTION incident_day_count_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT ({_changed(same="IS DISTINCT FROM")}) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND NOT OLD.deleted THEN
        {_remove("OLD")};
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NOT NEW.deleted THEN
        {_add("NEW")};
    END IF;
    RETURN NULL;
END $$"""
_PG_TRIGGER = (f"CREATE TRIGGER incident_day_count_keep AFTER INSERT OR DELETE OR UPDATE OF "
               f"{', '.join(WATCHED)} ON incident FOR EACH ROW "
               f"EXECUTE FUNCTION incident_day_count_keep()")


def create_triggers(conn: Any) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_FUNCTION)
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS incident_day_count_keep ON incident")
        conn.exec_driver_sql(_PG_TRIGGER)
        return
    for sql in _SQLITE_TRIGGERS.values():
        conn.exec_driver_sql(sql)


def drop_triggers(conn: Any) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS incident_day_count_keep ON incident")
        return
    for name in _SQLITE_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def rebuild(conn: Any) -> None:
    """Count every incident again (all rows from the covering index `ix_incident_day_regency`
    minus the deleted ones from the partial index `ix_incident_deleted_day`: no table read)."""
    conn.exec_driver_sql(f"DELETE FROM {TABLE}")
    conn.exec_driver_sql(f"INSERT INTO {TABLE} ({_KEY_LIST}, n) SELECT {_KEY_LIST}, count(*) "
                         f"FROM incident GROUP BY {_KEY_LIST}")
    deleted = "deleted = 1" if conn.dialect.name == "sqlite" else "deleted"
    conn.exec_driver_sql(
        f"UPDATE {TABLE} SET n = {TABLE}.n - gone.n FROM (SELECT {_KEY_LIST}, count(*) AS n "
        f"FROM incident WHERE {deleted} GROUP BY {_KEY_LIST}) AS gone "
        f"WHERE {' AND '.join(f'{TABLE}.{c} = gone.{c}' for c in KEY)}")
    conn.exec_driver_sql(f"DELETE FROM {TABLE} WHERE n <= 0")


class BulkDayCounts:
    """For a big load on SQLite (`db.bulk.DroppedIndexes`): the triggers are dropped; `finish`
    counts again once the rows (and the covering index) are in and puts the triggers back."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.active = conn.dialect.name == "sqlite"
        if self.active:
            drop_triggers(conn)

    def finish(self) -> None:
        if self.active:
            self.active = False
            rebuild(self.conn)
            create_triggers(self.conn)
