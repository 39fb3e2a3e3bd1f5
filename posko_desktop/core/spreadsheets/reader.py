"""Read an .xlsx workbook or a CSV file into header-mapped rows, with limits.

File-level problems (not a spreadsheet, too big, no sheet with the template's headers)
raise `SpreadsheetError`; row-level problems are the importer's business.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_, gettext_in
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.spreadsheets.columns import (
    COLUMN_BY_KEY,
    REQUIRED_KEYS,
    data_sheet_names,
    match_header,
)
from posko_desktop.core.untrusted import (
    CsvRecords,
    SpreadsheetError,
    check_xlsx,
    damaged,
    decode_csv,
    not_a_spreadsheet,
)

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024  # the file as it is on disk
MAX_ROWS = 20_000  # data rows per import
HEADER_SEARCH_ROWS = 10  # the header may sit below a few title rows


_NOT_CONTENT = frozenset({"ref", "incident_id"})  # a row with only these is an empty row


@dataclass
class SheetRow:
    number: int  # the row number as Excel shows it (CSV: the record number)
    values: dict[str, Any]


@dataclass
class Sheet:
    file_name: str
    sheet_name: str
    headers: dict[str, str]  # column key -> header text as written in the file
    rows: list[SheetRow] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    header_row: int = 1


def read_sheet(path: str | Path, progress: Progress = NO_PROGRESS) -> Sheet:
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SpreadsheetError(
                N_("{name} is too large ({size:.1f} MB); the limit is {limit:.0f} MB"),
                name=name, size=size / 1048576, limit=MAX_FILE_BYTES / 1048576)
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as err:
        raise SpreadsheetError(N_("Cannot open {name}: {error}"), name=name,
                               error=err.strerror or str(err)) from err
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, progress)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            N_("{name} is an old Excel 97-2003 file (.xls); save it as .xlsx or CSV first"),
            name=name)
    if suffix in (".xlsx", ".xlsm"):
        raise not_a_spreadsheet(name)
    return _read_csv(path, progress)


# --- xlsx -------------------------------------------------------------------------------


def _read_xlsx(path: Path, progress: Progress) -> Sheet:
    check_xlsx(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        logger.warning("Cannot read %s as a workbook: %s", path, err)
        raise not_a_spreadsheet(path.name) from err
    except Exception as err:
        logger.warning("Cannot read %s as a workbook", path, exc_info=True)
        raise damaged(path.name) from err
    try:
        names = data_sheet_names()
        candidates = [ws for ws in wb.worksheets if ws.title in names]
        candidates += [ws for ws in wb.worksheets
                       if ws.title not in names and ws.sheet_state == "visible"]
        best: tuple[Sheet, Iterator[tuple[Any, ...]]] | None = None
        for ws in candidates:
            rows = ws.iter_rows(values_only=True)
            found = _find_header(path.name, ws.title, rows)
            if found is not None and not _missing(found[0]):
                return _collect(found[0], rows, found[1], progress)
            if best is None and found is not None:
                best = (found[0], rows)
        if best is not None:
            _raise_missing(best[0])
        raise SpreadsheetError(
            N_("{name} has no sheet with the template's header row (e.g. \"{header}\")"),
            name=path.name, header=gettext_in("id", COLUMN_BY_KEY["title"].header))
    except PoskoError:
        raise
    except Exception as err:
        logger.warning("Damaged workbook %s", path, exc_info=True)
        raise damaged(path.name) from err
    finally:
        wb.close()


# --- csv --------------------------------------------------------------------------------


def _read_csv(path: Path, progress: Progress) -> Sheet:
    text = decode_csv(path.read_bytes(), path.name)
    first_line = text.split("\n", 1)[0].strip()
    if first_line.lower().startswith("sep=") and len(first_line) == 5:
        # Excel's "sep=;" hint line: Excel hides it, so the header is still row 1
        delimiter = first_line[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        delimiter = max((";", ",", "\t"), key=first_line.count)
    records = CsvRecords(text, delimiter, path.name)
    records.width = first_line.count(delimiter) + 1
    rows = iter(records)
    found = _find_header(path.name, path.stem, rows)
    if found is None:
        raise SpreadsheetError(
            N_("{name} has no sheet with the template's header row (e.g. \"{header}\")"),
            name=path.name, header=gettext_in("id", COLUMN_BY_KEY["title"].header))
    if _missing(found[0]):
        _raise_missing(found[0])
    records.width = max(found[1]) + 1  # the header's cells: what a swallowed row looks like
    return _collect(found[0], rows, found[1], progress)


# --- shared -----------------------------------------------------------------------------


def _find_header(file_name: str, sheet_name: str,
                 rows: Iterator[tuple[Any, ...]]) -> tuple[Sheet, dict[int, str]] | None:
    """Look for the header row in the first rows; return the sheet and column positions."""
    best: tuple[Sheet, dict[int, str]] | None = None
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        try:
            cells = next(rows)
        except StopIteration:
            break
        positions: dict[int, str] = {}
        headers: dict[str, str] = {}
        ignored: list[str] = []
        for i, cell in enumerate(cells):
            text = "" if cell is None else str(cell).strip()
            if not text:
                continue
            key = match_header(text)
            if key is None or key in headers:
                ignored.append(text)
                continue
            positions[i] = key
            headers[key] = text.rstrip(" *") or text
        if headers:
            sheet = Sheet(file_name, sheet_name, headers, ignored_headers=ignored,
                          header_row=number)
            if not _missing(sheet):
                return sheet, positions
            if best is None or len(headers) > len(best[0].headers):
                best = (sheet, positions)
    return best


def _missing(sheet: Sheet) -> list[str]:
    return [k for k in REQUIRED_KEYS if k not in sheet.headers]


def _raise_missing(sheet: Sheet) -> None:
    names = ", ".join(gettext_in("id", COLUMN_BY_KEY[k].header) for k in _missing(sheet))
    raise SpreadsheetError(N_("Sheet \"{sheet}\" in {name} lacks the column(s): {columns}"),
                           sheet=sheet.sheet_name, name=sheet.file_name, columns=names)


def _collect(sheet: Sheet, rows: Iterable[tuple[Any, ...]], positions: dict[int, str],
             progress: Progress) -> Sheet:
    number = sheet.header_row
    for cells in rows:
        number += 1
        values = {key: cells[i] for i, key in positions.items() if i < len(cells)}
        # empty, or only pre-numbered ("No. referensi" 1, 2, 3 … filled in advance)
        if all(v is None or (isinstance(v, str) and not v.strip())
               for k, v in values.items() if k not in _NOT_CONTENT):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise SpreadsheetError(
                N_("{name} has more than {limit} rows; split it into smaller files"),
                name=sheet.file_name, limit=MAX_ROWS)
        sheet.rows.append(SheetRow(number, values))
        if number % 500 == 0:
            progress.report(len(sheet.rows), 0, "")
    return sheet
