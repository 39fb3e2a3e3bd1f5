"""Spreadsheets for offices without the app: the Excel template, import (.xlsx/CSV) with a
row-level report, and export of the (filtered) log to XLSX/CSV. See docs/spreadsheets.md."""

from posko_desktop.core.spreadsheets.exporter import ExportResult, export_log
from posko_desktop.core.spreadsheets.importer import (
    ImportedRow,
    ImportReport,
    RowProblem,
    check_spreadsheet,
    import_spreadsheet,
)
from posko_desktop.core.spreadsheets.reader import SpreadsheetError
from posko_desktop.core.spreadsheets.template import write_template

__all__ = [
    "ExportResult",
    "ImportReport",
    "ImportedRow",
    "RowProblem",
    "SpreadsheetError",
    "check_spreadsheet",
    "export_log",
    "import_spreadsheet",
    "write_template",
]
