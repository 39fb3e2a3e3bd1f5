"""Secondary indexes around big loads (demo data, a sync package bigger than the database).

Building an index once over all rows is cheaper than keeping it up to date row by row, so
a big load drops the secondary indexes of the tables it fills and builds them again at its
end, inside the load's transaction (all or nothing). One rule for every load:

- The indexes are read from the database's catalogue, not from the models, so every index
  a migration made is built again exactly as it was (tests/core/test_bulk_load.py).
- Unique indexes stay (they keep checking during the load), and so do partial indexes:
  they are kept up to date only for the few rows they cover (deleted incidents), where
  building one again scans the whole table.
- The dashboard's day counts (`db.day_counts`) are counted again with the incident
  table's indexes instead of by trigger row by row.
- SQLite only. Its readers keep reading their snapshot while the load runs (WAL), or the
  load has the file to itself (rollback journal). On PostgreSQL DROP INDEX locks the table
  against every workstation's reads until the load commits, so nothing is dropped there.

Indexes are built with a small page cache on helper threads (`build_indexes`): SQLite
then sorts the keys in runs that fit the CPU cache and merges them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

from posko_desktop.core.db.day_counts import BulkDayCounts

# While SQLite builds an index it sorts every key: with a small page cache it sorts runs
# that fit the CPU cache, on worker threads, and merges them. At 1M incidents the 17
# secondary indexes took 22 s with the 256 MiB bulk cache, 16 s with a 2 MiB cache and
# 11.1-11.8 s with that cache and 2 helper threads on 2 cores (1 thread: 12.1 s; 4: 12.2 s;
# 1 MiB cache: 12.2 s; 16 MiB: 14.7 s).
INDEX_BUILD_CACHE_KIB = 2048
MAX_INDEX_BUILD_THREADS = 4


def build_indexes(conn: Any, statements: Iterable[str]) -> None:
    """Run CREATE INDEX statements; on SQLite with the sort settings above (the connection's
    own settings are restored afterwards)."""
    if conn.dialect.name != "sqlite":
        for sql in statements:
            conn.exec_driver_sql(sql)
        return
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    threads = conn.exec_driver_sql("PRAGMA threads").scalar()
    workers = min(MAX_INDEX_BUILD_THREADS, os.cpu_count() or 1)
    conn.exec_driver_sql(f"PRAGMA cache_size=-{INDEX_BUILD_CACHE_KIB}")
    conn.exec_driver_sql(f"PRAGMA threads={workers}")
    try:
        for sql in statements:
            conn.exec_driver_sql(sql)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
        conn.exec_driver_sql(f"PRAGMA threads={int(threads)}")


class DroppedIndexes:
    """The secondary indexes of `tables`, dropped for a big load (see the module doc);
    `rebuild(table)` builds those of one table again as soon as its rows are in,
    `rebuild()` all that are left. Use inside the load's transaction."""

    def __init__(self, conn: Any, tables: Sequence[str]) -> None:
        self.conn = conn
        self.statements: dict[str, list[str]] = {table: [] for table in tables}
        self.day_counts: BulkDayCounts | None = None
        if conn.dialect.name != "sqlite" or not tables:
            return
        if "incident" in tables:
            self.day_counts = BulkDayCounts(conn)
        found = conn.exec_driver_sql(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT "
            "NULL AND tbl_name IN ({marks}) ORDER BY tbl_name, name".format(
                marks=", ".join("?" * len(tables))), tuple(tables)).all()
        for name, table, sql in found:
            head = sql.upper()
            if head.lstrip().startswith("CREATE UNIQUE") or " WHERE " in head:
                continue
            conn.exec_driver_sql('DROP INDEX "{}"'.format(name.replace('"', '""')))
            self.statements[table].append(sql)

    @property
    def count(self) -> int:
        """How many indexes are dropped and not yet built again."""
        return sum(len(v) for v in self.statements.values())

    def rebuild(self, table: str | None = None) -> None:
        tables = [table] if table is not None else list(self.statements)
        build_indexes(self.conn, [sql for t in tables for sql in self.statements.pop(t, [])])
        if "incident" in tables and self.day_counts is not None:
            self.day_counts.finish()
