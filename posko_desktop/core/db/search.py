"""Full-text search over incident title, description and place names.

The only module with backend-specific search SQL. SQLite: an FTS5 index (word prefixes,
diacritics folded). PostgreSQL (server mode): case-insensitive substring match (ILIKE) on
the same columns joined into one expression, served by a pg_trgm GIN index on exactly that
expression when the extension can be created; without it the same query still works, by
a full scan. Other databases: ILIKE per column, no index.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

from sqlalchemy import ColumnClause, ColumnElement, and_, false, literal_column, or_, text
from sqlalchemy.exc import DBAPIError

logger = logging.getLogger(__name__)

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

# PostgreSQL: one text expression over the searched columns (all NOT NULL; `||` is
# immutable, so it can be indexed; the query must use the very same expression).
PG_SEARCH_INDEX = "ix_incident_search_trgm"
_PG_TEXT = "(" + " || ' ' || ".join(f"incident.{c}" for c in FTS_COLUMNS) + ")"
_PG_TEXT_UNQUALIFIED = "(" + " || ' ' || ".join(FTS_COLUMNS) + ")"


def create_search_index(conn: Any) -> None:
    """Create the FTS5 index and its triggers (SQLite) or the trigram index (PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        _create_pg_trigram_index(conn)
        return
    if conn.dialect.name != "sqlite":
        return
    conn.execute(
        text(
            f"CREATE VIRTUAL TABLE incident_fts USING fts5({_COLS}, content='incident', "
            "content_rowid='seq', tokenize='unicode61 remove_diacritics 2')"
        )
    )
    create_triggers(conn)


def _create_pg_trigram_index(conn: Any) -> None:
    """pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    If it cannot be created, search still works, only without an index."""
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except DBAPIError as err:
        logger.warning("pg_trgm not available, search will scan the table: %s", err)
        return
    conn.execute(text(
        f"CREATE INDEX IF NOT EXISTS {PG_SEARCH_INDEX} ON incident "
        f"USING gin ({_PG_TEXT_UNQUALIFIED} gin_trgm_ops)"
    ))


def create_triggers(conn: Any) -> None:
    for ddl in _TRIGGERS:
        conn.execute(text(ddl))


def drop_triggers(conn: Any) -> None:
    """For bulk loads: drop the triggers, insert, then `rebuild_search_index`."""
    if conn.dialect.name != "sqlite":
        return
    for name in _TRIGGER_NAMES:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


# FTS5 keeps new index data in memory up to 'hashsize' bytes (default 1 MB), then writes it
# as a segment that later merges rewrite. A rebuild with 64 MB writes far fewer segments
# (1,000,000 incidents: 4.9 -> 3.6 s); the default is set back afterwards.
REBUILD_HASHSIZE = 64 * 1024 * 1024
DEFAULT_HASHSIZE = 1024 * 1024


def rebuild_search_index(conn: Any) -> None:
    if conn.dialect.name != "sqlite":
        return
    bigger = _set_hashsize(conn, REBUILD_HASHSIZE)
    conn.execute(text("INSERT INTO incident_fts(incident_fts) VALUES ('rebuild')"))
    if bigger:
        _set_hashsize(conn, DEFAULT_HASHSIZE)
    create_triggers(conn)


class BulkSearchIndex:
    """The full-text index during a bulk load of incidents (demo data), in the load's
    transaction: the triggers are dropped; `add_new()` after each batch indexes the rows
    added since (one INSERT ... SELECT, the same entries the triggers would make, without
    re-reading the rows already indexed as a 'rebuild' does); `finish()` puts the triggers
    back. Nothing to do on other databases."""

    def __init__(self, conn: Any) -> None:
        self.active = conn.dialect.name == "sqlite"
        self.bigger = False
        self.last = 0
        if not self.active:
            return
        drop_triggers(conn)
        self.bigger = _set_hashsize(conn, REBUILD_HASHSIZE)
        self.last = self._max_seq(conn)

    def add_new(self, conn: Any) -> None:
        if not self.active:
            return
        conn.execute(text(f"INSERT INTO incident_fts(rowid, {_COLS}) SELECT seq, {_COLS} "
                          "FROM incident WHERE seq > :last"), {"last": self.last})
        self.last = self._max_seq(conn)

    def finish(self, conn: Any) -> None:
        if not self.active:
            return
        self.add_new(conn)
        if self.bigger:
            _set_hashsize(conn, DEFAULT_HASHSIZE)
        create_triggers(conn)

    @staticmethod
    def _max_seq(conn: Any) -> int:
        return int(conn.execute(text("SELECT coalesce(max(seq), 0) FROM incident")).scalar())


def _set_hashsize(conn: Any, size: int) -> bool:
    """False where this SQLite's FTS5 does not know the option (older versions)."""
    try:
        with conn.begin_nested():
            conn.execute(text("INSERT INTO incident_fts(incident_fts, rank) VALUES ('hashsize', :n)"),
                         {"n": size})
    except DBAPIError as err:
        logger.info("FTS5 hashsize not set: %s", err)
        return False
    return True


def _terms(query: str) -> list[str]:
    return [t for t in re.findall(r"\w+", query, flags=re.UNICODE) if t]


def _literal(query: str) -> str | None:
    """The text to find as it is, for a query without a single word (punctuation, emoji,
    quotes, a dash …): the word index has no entry for those, and searching for no word
    must not match every incident. "" for a query of only blanks and invisible characters
    (spaces, zero-width space, direction marks): that matches nothing. None: a word query."""
    if _terms(query):
        return None
    if all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in query):
        return ""
    return query.strip()


def _like_escaped(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# SQLite: a search with at least this many matches is only a membership test while the
# query walks the index of its sort order (a page of 200 is found after a few thousand
# index entries); a rarer one drives the query (its matches are looked up, then sorted).
# At 1M incidents: driving costs ~3 ms per 1,000 matches, so a word in 100,000 incidents
# took 300 ms that way against 15 ms as a membership test.
DRIVE_BELOW = 5000


def _fts_match(terms: list[str]) -> str:
    return " ".join('"{}"*'.format(t.replace('"', "")) for t in terms)


def search_drives(session: Any, query: str) -> bool:
    """Whether `search_condition(..., drive=True)` is the faster plan for `query`: on SQLite
    when it matches fewer than DRIVE_BELOW incidents (counted up to that, < 10 ms)."""
    terms = _terms(query)
    if not terms or session.bind.dialect.name != "sqlite":
        return True  # a literal search (no words) is a scan either way
    found = session.execute(
        text("SELECT count(*) FROM (SELECT 1 FROM incident_fts WHERE incident_fts MATCH :q "
             "LIMIT :n)"), {"q": _fts_match(terms), "n": DRIVE_BELOW}).scalar_one()
    return int(found) < DRIVE_BELOW


def search_condition(dialect_name: str, query: str, incident: Any,
                     drive: bool = True) -> ColumnElement[bool] | None:
    """A WHERE condition: all words of `query` (prefix match) somewhere in the text; a
    query without words matches its literal text (`_literal`). None only for "" (no search).
    `drive=False` (SQLite): test membership only, so the query keeps its sort index."""
    if not query:
        return None
    literal = _literal(query)
    if literal is not None:
        return _literal_condition(dialect_name, literal, incident)
    terms = _terms(query)
    if dialect_name == "sqlite":
        # `seq + 0` is not indexable: SQLite then builds the match set once and checks
        # each row of the walked index against it, instead of fetching every match.
        key: ColumnElement[int] = incident.seq if drive else incident.seq + 0
        return key.in_(
            text("SELECT rowid FROM incident_fts WHERE incident_fts MATCH :fts_query").bindparams(
                fts_query=_fts_match(terms)
            )
        )
    if dialect_name == "postgresql":
        joined: ColumnClause[str] = literal_column(_PG_TEXT)
        return and_(*(joined.ilike(_like_escaped(t), escape="\\") for t in terms))
    columns = [getattr(incident, c) for c in FTS_COLUMNS]
    return and_(*(or_(*(c.ilike(_like_escaped(t), escape="\\") for c in columns))
                  for t in terms))


def _literal_condition(dialect_name: str, literal: str, incident: Any) -> ColumnElement[bool]:
    """The literal text anywhere in a searched column (a scan: such searches are rare)."""
    if not literal:
        return false()
    pattern = _like_escaped(literal)
    if dialect_name == "postgresql":
        return literal_column(_PG_TEXT).ilike(pattern, escape="\\")
    return or_(*(getattr(incident, c).ilike(pattern, escape="\\") for c in FTS_COLUMNS))
