"""Spreadsheets for offices without the app: the Excel template, reading and checking an
import (.xlsx/CSV) with a row-level report (the import itself:
`core/services/spreadsheet_import.py`), and export of the (filtered) log to XLSX/CSV.
See docs/spreadsheets.md."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from posko_desktop.core.spreadsheets.exporter import ExportResult, export_log
    from posko_desktop.core.spreadsheets.importer import (
        ImportedRow,
        ImportReport,
        RowProblem,
    )
    from posko_desktop.core.spreadsheets.reader import SpreadsheetError
    from posko_desktop.core.spreadsheets.template import write_template

# Loaded on first use (PEP 562): importing one module of the package, e.g. `values` for
# the CLI's filters, must not import openpyxl with the exporter.
_HOME = {"ExportResult": "exporter", "export_log": "exporter", "ImportedRow": "importer",
         "ImportReport": "importer", "RowProblem": "importer", "SpreadsheetError": "reader",
         "write_template": "template"}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)


__all__ = [
    "ExportResult",
    "ImportReport",
    "ImportedRow",
    "RowProblem",
    "SpreadsheetError",
    "export_log",
    "write_template",
]
