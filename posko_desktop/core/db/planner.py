"""Row-count statistics for the query planner (index builds: `db/bulk.py`).

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

from typing import Any

from sqlalchemy import text


def refresh_statistics(conn: Any) -> None:
    """Recompute the incident table's statistics (about 2 s at a million incidents)."""
    if conn.dialect.name not in ("sqlite", "postgresql"):
        return
    conn.execute(text("ANALYZE incident"))
    if conn.dialect.name == "sqlite":
        _no_skip_scan(conn)


def analyze_new_index(conn: Any, name: str) -> None:
    """SQLite: statistics for one index a migration added to the incident table (a scan of
    that index only). Without them the planner guesses its size while it knows the other
    indexes' and may pick one that reads the table (migration 0028). PostgreSQL counts an
    index's rows when it builds it."""
    if conn.dialect.name != "sqlite":
        return
    conn.execute(text('ANALYZE "{n}"'.format(n=name.replace('"', '""'))))
    _no_skip_scan(conn)


def _no_skip_scan(conn: Any) -> None:
    conn.execute(text("UPDATE sqlite_stat1 SET stat = stat || ' noskipscan' "
                      "WHERE tbl = 'incident' AND stat NOT LIKE '%noskipscan%'"))
    conn.execute(text("ANALYZE sqlite_schema"))  # load the edited statistics
