"""The fast path of `tables.read_table` for XLSX (docs/decisions.md, "TPS register import"):
the first visible sheet's cell values streamed straight from its XML, ~5x faster than
openpyxl's read-only reader for the 58,000-row TPS register.

The file has passed `untrusted.check_xlsx` (no DTD, no zip bomb) before; the XML is parsed
with defusedxml all the same. Values as openpyxl gives them with `data_only=True` for what
our reference templates hold: shared and inline strings, numbers (whole numbers as int),
booleans, formulas' cached values; a cell with a date format comes as its serial number
(the templates have no date column). `tests/kerawanan/test_xlsx_rows.py` compares it with
openpyxl on the same files.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from defusedxml.ElementTree import fromstring, iterparse

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"([A-Z]+)(\d+)")


def _column(ref: str) -> int:
    n = 0
    for ch in ref:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _text(node: Any) -> str:
    """The text of an `si` or `is` element: its `t`, or the `t` of every rich-text run
    (phonetic runs left out, as openpyxl does)."""
    out = []
    for child in node:
        if child.tag == _MAIN + "t":
            out.append(child.text or "")
        elif child.tag == _MAIN + "r":
            t = child.find(_MAIN + "t")
            out.append("" if t is None else t.text or "")
    return "".join(out)


def _first_sheet(zf: zipfile.ZipFile) -> str:
    book = fromstring(zf.read("xl/workbook.xml"))
    rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(_PKG_REL + "Relationship")}
    sheets = list(book.iter(_MAIN + "sheet"))
    visible = [s for s in sheets if s.get("state", "visible") == "visible"] or sheets
    target = targets[visible[0].get(_REL + "id")]
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join("xl", target))


def _value(cell: Any, kind: str | None, shared: list[str]) -> Any:
    if kind == "inlineStr":
        node = cell.find(_MAIN + "is")
        return None if node is None else _text(node)
    v = cell.find(_MAIN + "v")
    if v is None or v.text is None:
        return None
    raw = v.text
    if kind == "s":
        return shared[int(raw)]
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw == "1"
    return float(raw) if "." in raw or "E" in raw.upper() else int(raw)  # as openpyxl


def _rows(stream: IO[bytes], shared: list[str]) -> Iterator[tuple[Any, ...]]:
    expected = 1
    for _event, node in iterparse(stream, events=("end",)):
        if node.tag != _MAIN + "row":
            continue
        number = int(node.get("r") or expected)
        while expected < number:  # rows without cells: empty rows, as openpyxl gives them
            yield ()
            expected += 1
        values: list[Any] = []
        for cell in node.iter(_MAIN + "c"):
            ref = _REF.match(cell.get("r") or "")
            col = _column(ref.group(1)) if ref else len(values)
            if col >= len(values):
                values.extend([None] * (col - len(values) + 1))
            values[col] = _value(cell, cell.get("t"), shared)
        node.clear()
        expected = number + 1
        yield tuple(values)


def sheet_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    """The rows of the first visible sheet (trailing empty cells left off)."""
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            with zf.open("xl/sharedStrings.xml") as fh:
                for _event, node in iterparse(fh, events=("end",)):
                    if node.tag == _MAIN + "si":
                        shared.append(_text(node))
                        node.clear()
        with zf.open(_first_sheet(zf)) as fh:
            yield from _rows(fh, shared)
