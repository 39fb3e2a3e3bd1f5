"""Print set-up of the workbooks the app writes (issue 19): an export prints as landscape
A4 pages fitted to the page width, the header row repeated on every page and frozen on
screen, columns as wide as their content; the template's instruction sheet prints whole
(fitted to the width, portrait).

Write-only sheets take all of this before their first row, so the column widths come from
a sample of the first rows (`widths_from`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import islice
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6.0, 60.0
DATE_WIDTH = 17.0  # "27-11-2024 08:15" and a margin


def fit_to_width(ws: Any, *, landscape: bool = True) -> None:
    """A4, fitted to one page width (any number of pages down)."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def table_layout(ws: Any, header_row: int, widths: Sequence[float]) -> None:
    """An exported table: print set-up, the rows down to the header repeated on every
    page and frozen, the given column widths (call before the first row is appended)."""
    fit_to_width(ws)
    ws.print_title_rows = "1:{row}".format(row=header_row)
    ws.freeze_panes = "A{row}".format(row=header_row + 1)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _width(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, datetime | date):
        return DATE_WIDTH
    text = str(value)
    longest = max((len(line) for line in text.splitlines()), default=0)
    return float(longest)


def widths_from(header: Sequence[str], rows: Iterable[Sequence[Any]],
                maximum: float = MAX_WIDTH) -> list[float]:
    """Each column as wide as its header and its longest value among `rows` (plus a
    margin), within MIN_WIDTH..maximum (long texts wrap instead)."""
    widest = [float(len(h)) for h in header]
    for row in rows:
        for i, value in enumerate(row[:len(widest)]):
            widest[i] = max(widest[i], _width(value))
    return [min(maximum, max(MIN_WIDTH, w + 2)) for w in widest]


def sample(rows: Iterator[list[Any]], size: int = SAMPLE_ROWS) -> tuple[list[list[Any]],
                                                                         Iterator[list[Any]]]:
    """The first `size` rows (to measure) and an iterator over all rows again."""
    head = list(islice(rows, size))

    def again() -> Iterator[list[Any]]:
        yield from head
        yield from rows

    return head, again()
