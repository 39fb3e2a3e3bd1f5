"""Spreadsheets for offices without the app: the Excel template, reading and checking an
import (.xlsx/CSV) with a row-level report (the import itself:
`core/services/spreadsheet_import.py`), and export of the (filtered) log to XLSX/CSV.
See docs/spreadsheets.md."""

from posko_desktop.core.spreadsheets.exporter import ExportResult, export_log
from posko_desktop.core.spreadsheets.importer import (
    ImportedRow,
    ImportReport,
    RowProblem,
)
from posko_desktop.core.spreadsheets.reader import SpreadsheetError
from posko_desktop.core.spreadsheets.template import write_template

__all__ = [
    "ExportResult",
    "ImportReport",
    "ImportedRow",
    "RowProblem",
    "SpreadsheetError",
    "export_log",
    "write_template",
]
