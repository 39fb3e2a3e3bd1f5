"""Reference tables of ours (docs/spreadsheets.md, "Kerawanan templates"): candidate pairs,
the TPS register, Bawaslu's IKP, the TPS-rawan mapping and Polda's TPS classes. One reader
for all: the header row is found by the column keys or their Indonesian/English headers,
the file is checked as untrusted input (`core/untrusted.py`) and every data row comes out
as a dict with its row number as Excel or a text editor shows it. Row-level problems name
row and column (`RowProblem`); an import with any problem writes nothing.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_, gettext_in
from posko_desktop.core.spreadsheets import xlsx_rows
from posko_desktop.core.spreadsheets.files import write_atomically
from posko_desktop.core.untrusted import (
    CsvRecords,
    SpreadsheetError,
    check_xlsx,
    damaged,
    decode_csv,
    not_a_spreadsheet,
)

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_ROWS = 100_000  # the TPS register of Jawa Tengah has ~58,000
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class TableColumn:
    key: str  # also accepted as header text
    header: str  # msgid (English); the Indonesian form is accepted too
    required: bool = True
    note: str = ""  # msgid: what goes in it (template and docs)


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str  # header text as the template writes it (Indonesian), "" for the whole row
    message: str  # msgid
    params: dict[str, Any] = field(default_factory=dict)

    def text_in(self, lang: str) -> str:
        return gettext_in(lang, self.message).format(**self.params)

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "problem": self.text_in("en")}


class TableRowsError(PoskoError):
    """Rows of a table import that are wrong: nothing was written. `problems` lists them."""

    code = "table_rows"

    def __init__(self, name: str, problems: list[RowProblem]) -> None:
        first = problems[0]
        super().__init__(N_("{name}: {count} rows are not valid, nothing was imported; first: "
                            "row {row}, column \"{column}\": {problem}"),
                         name=name, count=len({p.row for p in problems}), row=first.row,
                         column=first.column or "-", problem=first.text_in("en"))
        self.problems = problems


@dataclass
class Table:
    name: str
    rows: list[tuple[int, dict[str, Any]]]  # (row number, {column key: raw value})


def _norm(text: Any) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).strip()


def header_of(col: TableColumn, lang: str = "id") -> str:
    return gettext_in(lang, col.header)


def _positions(cells: Sequence[Any], columns: Sequence[TableColumn]) -> dict[str, int] | None:
    forms: dict[str, str] = {}
    for col in columns:
        for text in (col.key, col.header, header_of(col, "id")):
            forms[_norm(text)] = col.key
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = forms.get(_norm(cell).rstrip(" *").strip())
        if key is not None and key not in found:
            found[key] = i
    if not all(c.key in found for c in columns if c.required):
        return None
    return found


def _raw_rows(path: Path) -> Iterator[Sequence[Any]]:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as err:
        raise SpreadsheetError(N_("Cannot open {name}: {error}"), name=path.name,
                               error=err.strerror or str(err)) from err
    if size > MAX_FILE_BYTES:
        raise SpreadsheetError(
            N_("{name} is too large ({size:.1f} MB); the limit is {limit:.0f} MB"),
            name=path.name, size=size / 1048576, limit=MAX_FILE_BYTES / 1048576)
    if head.startswith(b"PK\x03\x04"):
        yield from _xlsx_rows(path)
        return
    if head.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() in (".xlsx", ".xlsm"):
        raise not_a_spreadsheet(path.name)
    text = decode_csv(path.read_bytes(), path.name)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    records = CsvRecords(text, delimiter, path.name)
    records.width = first.count(delimiter) + 1
    yield from records


def _xlsx_rows(path: Path) -> Iterator[Sequence[Any]]:
    check_xlsx(path)
    try:  # the fast path (xlsx_rows.py); anything it does not know: openpyxl's reader
        rows = list(xlsx_rows.sheet_rows(path))
    except Exception:
        logger.info("%s: streamed reading failed, reading with openpyxl", path.name,
                    exc_info=True)
    else:
        yield from rows
        return
    import openpyxl  # here: the services over these tables load without it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        logger.warning("Cannot read %s as a workbook: %s", path, err)
        raise not_a_spreadsheet(path.name) from err
    except Exception as err:
        logger.warning("Damaged workbook %s", path, exc_info=True)
        raise damaged(path.name) from err
    try:
        visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"] or wb.worksheets
        yield from visible[0].iter_rows(values_only=True)
    except PoskoError:
        raise
    except Exception as err:
        logger.warning("Damaged workbook %s", path, exc_info=True)
        raise damaged(path.name) from err
    finally:
        wb.close()


def read_table(path: str | Path, columns: Sequence[TableColumn]) -> Table:
    """The data rows of the first sheet (or the CSV file) below its header row; empty rows
    are skipped. A file without the header (within the first rows) is refused."""
    path = Path(path)
    rows = iter(_raw_rows(path))
    positions: dict[str, int] | None = None
    number = 0
    for cells in rows:
        number += 1
        positions = _positions(cells, columns)
        if positions is not None or number >= HEADER_SEARCH_ROWS:
            break
    if positions is None:
        raise SpreadsheetError(
            N_("{name} has no header row with the columns {columns}"), name=path.name,
            columns=", ".join(header_of(c) for c in columns if c.required))
    table = Table(path.name, [])
    items = list(positions.items())
    for cells in rows:
        number += 1
        values = {key: (cells[i] if i < len(cells) else None) for key, i in items}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise SpreadsheetError(N_("{name} has more than {limit} rows; split it into "
                                      "smaller files"), name=path.name, limit=MAX_ROWS)
        table.rows.append((number, values))
    return table


# --- cell values ----------------------------------------------------------------------


class CellValueError(ValueError):
    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message, self.params = message, params


_UNTIDY = re.compile(r"^\s|\s$|\s\s|[^\S ]")


def text_cell(value: Any) -> str:
    """The cell as one line of text, runs of white space made one space."""
    if value is None:
        return ""
    if type(value) is str and not _UNTIDY.search(value):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def int_cell(value: Any, low: int, high: int, required: bool = True) -> int | None:
    number: int | None = None
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    else:
        text = text_cell(value)
        if not text:
            if required:
                raise CellValueError(N_("Fill in this column"))
            return None
        number = int(text) if text.isdigit() else None
    if number is None or not low <= number <= high:
        raise CellValueError(N_("{value} is not a whole number between {low} and {high}"),
                             value=text_cell(value), low=low, high=high)
    return number


def float_cell(value: Any, low: float, high: float, required: bool = True) -> float | None:
    if value is None or text_cell(value) == "":
        if required:
            raise CellValueError(N_("Fill in this column"))
        return None
    try:
        number = float(value) if isinstance(value, (int, float)) else float(
            text_cell(value).replace(",", "."))
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise CellValueError(N_("{value} is not a number between {low} and {high}"),
                             value=text_cell(value), low=low, high=high)
    return number


def write_template(out: str | Path, title: str, columns: Sequence[TableColumn],
                   lang: str = "id") -> Path:
    """An empty template of `columns`: the header row (bold) and a sheet saying what goes
    in each column; written atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    out = Path(out)

    def write(tmp: Path) -> Path:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = gettext_in(lang, title)[:31]
        ws.append([header_of(c, lang) for c in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        notes = wb.create_sheet(gettext_in(lang, N_("Instructions")))
        for col in columns:
            notes.append([header_of(col, lang), gettext_in(lang, col.note),
                          gettext_in(lang, N_("required") if col.required else N_("optional"))])
        wb.save(tmp)
        return out

    return write_atomically(out, write)
