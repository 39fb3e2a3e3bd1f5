"""Index builds and row-count statistics for the query planner.

The incident log's indexes only help when the planner knows how selective each is (a
regency is 1/35 of the rows, a severity 1/4): without statistics the overdue incidents
sorted by title took 675 ms at 1M instead of 7 ms. `ANALYZE` after bulk loads
(migration 0006, demo data, large sync imports) keeps them current; everyday growth at a
desk does not change the proportions much.

With statistics SQLite also starts to "skip-scan" an index whose first column it does
not constrain (one range per regency); for the dashboard's counts by time and status that
was 10–25× slower than the (status, occurred_at) index it used before (1.7 s instead of
0.15 s at 1M). The `noskipscan` token in `sqlite_stat1` (documented by SQLite) turns that
off; the log asks for per-value ranges explicitly where it wants them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from sqlalchemy import text

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


def refresh_statistics(conn: Any) -> None:
    """Recompute the incident table's statistics (about 2 s at a million incidents)."""
    if conn.dialect.name not in ("sqlite", "postgresql"):
        return
    conn.execute(text("ANALYZE incident"))
    if conn.dialect.name != "sqlite":
        return
    conn.execute(text("UPDATE sqlite_stat1 SET stat = stat || ' noskipscan' "
                      "WHERE tbl = 'incident' AND stat NOT LIKE '%noskipscan%'"))
    conn.execute(text("ANALYZE sqlite_schema"))  # load the edited statistics
