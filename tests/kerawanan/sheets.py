"""Migration 0023's seeded baseline sheets, for the upgrade tests of the earlier migrations
(which find them besides their own tables)."""

from __future__ import annotations

from typing import Any

# 0023's seeded sheets (one per kecamatan, or per regency): what the upgrade tests of the
# earlier migrations find besides their own tables
SHEET_TABLES = {"tps_sheet": 576, "tps_rawan_sheet": 576, "polda_sheet": 576, "ikp_sheet": 35}


def pop_sheets(after: dict[str, Any]) -> None:
    """Take 0023's tables out of a table -> rows (or -> count) dict, checking their size."""
    for table, count in SHEET_TABLES.items():
        rows = after.pop(table)
        assert (rows if isinstance(rows, int) else len(rows)) == count, table
