"""Full-text search over incident title, description and place names.

The only module with SQLite-specific SQL (FTS5). On other databases (PostgreSQL server
mode) search falls back to case-insensitive LIKE on the same columns.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, text

FTS_COLUMNS = ("title", "description", "location", "kecamatan", "desa")
_COLS = ", ".join(FTS_COLUMNS)
_NEW = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in FTS_COLUMNS)

_TRIGGERS = (
    f"""CREATE TRIGGER incident_fts_ai AFTER INSERT ON incident BEGIN
        INSERT INTO incident_fts(rowid, {_COLS}) VALUES (new.seq, {_NEW}); END""",
    f"""CREATE TRIGGER incident_fts_ad AFTER DELETE ON incident BEGIN
        INSERT INTO incident_fts(incident_fts, rowid, {_COLS}) VALUES ('delete', old.seq, {_OLD}); END""",
    f"""CREATE TRIGGER incident_fts_au AFTER UPDATE OF {_COLS} ON incident BEGIN
        INSERT INTO incident_fts(incident_fts, rowid, {_COLS}) VALUES ('delete', old.seq, {_OLD});
        INSERT INTO incident_fts(rowid, {_COLS}) VALUES (new.seq, {_NEW}); END""",
)
_TRIGGER_NAMES = ("incident_fts_ai", "incident_fts_ad", "incident_fts_au")


def create_search_index(conn: Any) -> None:
    """Create the FTS5 index and its triggers (SQLite only; a no-op elsewhere)."""
    if conn.dialect.name != "sqlite":
        return
    conn.execute(
        text(
            f"CREATE VIRTUAL TABLE incident_fts USING fts5({_COLS}, content='incident', "
            "content_rowid='seq', tokenize='unicode61 remove_diacritics 2')"
        )
    )
    create_triggers(conn)


def create_triggers(conn: Any) -> None:
    for ddl in _TRIGGERS:
        conn.execute(text(ddl))


def drop_triggers(conn: Any) -> None:
    """For bulk loads: drop the triggers, insert, then `rebuild_search_index`."""
    if conn.dialect.name != "sqlite":
        return
    for name in _TRIGGER_NAMES:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def rebuild_search_index(conn: Any) -> None:
    if conn.dialect.name != "sqlite":
        return
    conn.execute(text("INSERT INTO incident_fts(incident_fts) VALUES ('rebuild')"))
    create_triggers(conn)


def _terms(query: str) -> list[str]:
    return [t for t in re.findall(r"\w+", query, flags=re.UNICODE) if t]


def search_condition(dialect_name: str, query: str, incident: Any) -> ColumnElement[bool] | None:
    """A WHERE condition: all words of `query` (prefix match) somewhere in the text."""
    terms = _terms(query)
    if not terms:
        return None
    if dialect_name == "sqlite":
        match = " ".join('"{}"*'.format(t.replace('"', "")) for t in terms)
        return incident.seq.in_(
            text("SELECT rowid FROM incident_fts WHERE incident_fts MATCH :fts_query").bindparams(
                fts_query=match
            )
        )
    columns = [getattr(incident, c) for c in FTS_COLUMNS]
    return and_(*(or_(*(c.ilike(f"%{t}%") for c in columns)) for t in terms))
