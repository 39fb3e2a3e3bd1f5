"""Index builds with the sort settings of `planner.build_indexes`."""

import random

from sqlalchemy import create_engine

from posko_desktop.core.db.planner import INDEX_BUILD_CACHE_KIB, build_indexes


def test_index_built_in_sorted_runs_is_complete_and_settings_come_back(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    rnd = random.Random(5)
    # ~6 MB of keys: more than the 2 MiB cache, so the sort spills runs and merges them
    rows = [(f"{rnd.randrange(35):02d}", f"2024-11-{rnd.randrange(1, 31):02d} {i:09d}")
            for i in range(120_000)]
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA cache_size=-65536")
        conn.exec_driver_sql("CREATE TABLE t (regency TEXT, at TEXT, pad TEXT)")
        conn.exec_driver_sql("INSERT INTO t VALUES (?, ?, 'x')", rows)
        build_indexes(conn, ["CREATE INDEX ix_t ON t (regency, at)"])
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -65536
        assert conn.exec_driver_sql("PRAGMA threads").scalar() == 0
        via_index = conn.exec_driver_sql(
            "SELECT regency, at FROM t INDEXED BY ix_t ORDER BY regency, at").all()
        assert [tuple(r) for r in via_index] == sorted(rows)
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert INDEX_BUILD_CACHE_KIB * 1024 < len(rows) * 50
    engine.dispose()
