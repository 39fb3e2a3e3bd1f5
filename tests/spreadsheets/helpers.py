"""Shared helpers for the spreadsheet tests: fill the real template, dump the database."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl

from posko_desktop.core.spreadsheets import write_template
from posko_desktop.core.spreadsheets.columns import COLUMNS

KEYS = [c.key for c in COLUMNS]


def row(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ref": None, "regency": "33.22 Kab. Semarang", "occurred_at": "27-11-2024 08.15",
        "reported_at": None, "category": "A1 Hoaks/disinformasi", "severity": "Tinggi",
        "status": None, "source_type": "Media sosial", "source_detail": None,
        "title": "Hoaks surat suara tercoblos", "description": None, "kecamatan": None,
        "desa": None, "location": None, "people_involved": None, "victims_dead": None,
        "victims_injured": None, "material_loss": None, "current_condition": None,
        "source_contact": None, "source_phone": None, "latitude": None, "longitude": None,
        "reporting_unit": None,

        "contest_code": None, "pair_number": None, "tps_number": None,
        "channel": None, "legal_type": None,
    }
    base.update(values)
    return base


def fill_template(ctx: Any, path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write the app's template, then fill its data sheet as an office would."""
    template = write_template(ctx, path.with_name("template-" + path.name))
    wb = openpyxl.load_workbook(template)
    ws = wb["Data Kejadian"]
    for r, values in enumerate(rows, 2):
        for c, key in enumerate(KEYS, 1):
            ws.cell(row=r, column=c, value=values.get(key))
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[dict[str, Any]], delimiter: str,
              headers: list[str] | None = None, encoding: str = "utf-8") -> Path:
    headers = headers or ["Kabupaten/Kota", "Waktu kejadian (WIB)", "Kategori",
                          "Tingkat keparahan", "Judul", "Lokasi"]
    keys = ["regency", "occurred_at", "category", "severity", "title", "location"]
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(headers)
        for values in rows:
            w.writerow(["" if values.get(k) is None else values.get(k) for k in keys])
    return path


def dump(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables an import could touch, for 'unchanged' comparisons."""
    con = sqlite3.connect(db_path)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("incident", "followup", "number_sequence", "local_site", "audit_log",
                          "audit_head")}
    finally:
        con.close()


def sql(db_path: Path, query: str, *params: Any) -> Any:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(query, params).fetchone()[0]
    finally:
        con.close()
