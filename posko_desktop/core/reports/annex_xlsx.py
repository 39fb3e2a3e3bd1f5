"""A long list as a small XLSX file, written directly (the sitrep's electronic Lampiran).

Why not openpyxl: the Lampiran of a voting-day province report holds ~65,000 rows × 9
columns; openpyxl's write-only mode needs seconds for that, while the whole report has a
3-second budget (docs/decisions.md, "The Lampiran beyond the paper"). This writer knows one
sheet of text and integer cells and nothing else, which is all the list needs:

- a text cell is a shared string (`t="s"`, the text once in `sharedStrings.xml`) in a
  column whose texts repeat (a voting day's 81,000 rows name 35 regencies, a few hundred
  categories, 1,440 minutes: 26 MB of XML to write and compress instead of 50 MB), else
  an inline string (`t="inlineStr"`); never a formula; user text is still neutralised
  like every export (`textrules.neutralise_cell`);
- the title and header rows are bold, the header is frozen, columns have fixed widths;
- the zip members carry a fixed date, so the same rows give the same bytes (the report
  prints the file's SHA-256).

`tests/core/test_sitrep_annex.py` reads the result back with openpyxl (the plain path) and
compares every cell.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from itertools import chain, repeat
from typing import cast
from xml.sax.saxutils import escape

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FIXED_DATE = (2000, 1, 1, 0, 0, 0)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Cell = str | int
_INLINE = '<c t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>'

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
_STYLES = (  # style 0: plain; style 1: bold
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="10"/><name val="Calibri"/></font>'
    '<font><b/><sz val="10"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def _text(value: str) -> str:
    if _SPECIAL.search(value) is None:  # most cells: nothing to escape
        return value
    return escape(_NOT_XML.sub("", value))


def _workbook(sheet_name: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ).format(escape(sheet_name[:31], {'"': "&quot;"}))


class _SharedStrings:
    """The workbook's table of texts: each distinct text once, cells name its index."""

    def __init__(self) -> None:
        self.cell_of: dict[str, str] = {}  # text -> its cell's XML
        self.count = 0  # cells that name a text

    def column_cells(self, values: Sequence[Cell]) -> list[str]:
        """The XML of one column's cells (no `r` attribute: each row writes all its cells,
        so the position is the order). A column whose distinct texts are at most half its
        cells names shared strings; one of mostly distinct texts (the incident numbers) is
        written inline, as a table entry per cell would cost more."""
        kinds = set(map(type, values))
        if kinds == {int}:
            return [f"<c><v>{v}</v></c>" for v in values]
        texts = cast(Sequence[str], values) if kinds == {str} else [str(v) for v in values]
        distinct = dict.fromkeys(texts)
        if 2 * len(distinct) > len(texts):
            if _SPECIAL.search("\n".join(distinct)) is not None:
                return [_INLINE.format(_text(v)) for v in texts]
            return [_INLINE.format(v) for v in texts]
        cell_of = self.cell_of
        for text in distinct:  # in first-seen order
            if text not in cell_of:
                cell_of[text] = f'<c t="s"><v>{len(cell_of)}</v></c>'
        self.count += len(texts)
        return [cell_of[t] for t in texts]

    def xml(self) -> str:
        texts = list(self.cell_of)  # in index order (dicts keep insertion order)
        joined = "\n".join(texts)
        if _SPECIAL.search(joined) is not None:
            texts = [_text(t) for t in texts]
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'count="{c}" uniqueCount="{u}">'.format(c=self.count, u=len(texts))
                + "".join(f'<si><t xml:space="preserve">{t}</t></si>' for t in texts)
                + "</sst>")


def _rows(first: int, columns: Sequence[Sequence[Cell]], strings: _SharedStrings,
          style: str = "") -> str:
    """The `<row>` elements numbered from `first`, from the cells column by column (one
    list of XML per column, then one join over all rows: no Python call per cell or row,
    ~10x faster than a function call per cell)."""
    if not columns or not columns[0]:
        return ""
    cells = [strings.column_cells(col) for col in columns]
    if style:
        cells = [[cell.replace("<c", "<c" + style, 1) for cell in col] for col in cells]
    opening = ['<row r="{}">'.format(n) for n in range(first, first + len(columns[0]))]
    return "".join(chain.from_iterable(zip(opening, *cells, repeat("</row>"))))


def write_xlsx(sheet_name: str, title_rows: Sequence[str], header: Sequence[str],
               rows: Sequence[Sequence[Cell]], widths: Sequence[float]) -> bytes:
    """One sheet: bold title lines (column A), a bold frozen header, then `rows` (text or
    int cells, one value per header column). Deterministic bytes."""
    columns = [[row[i] if i < len(row) else "" for row in rows] for i in range(len(header))]
    return write_xlsx_columns(sheet_name, title_rows, header, columns, widths)


def write_xlsx_columns(sheet_name: str, title_rows: Sequence[str], header: Sequence[str],
                       columns: Sequence[Sequence[Cell]], widths: Sequence[float]) -> bytes:
    """`write_xlsx` with the cells given column by column (one list per header column,
    all of the same length): the same bytes, without turning rows into columns."""
    header_at = len(title_rows) + 1
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetViews><sheetView workbookViewId="0"><pane ySplit="{n}" topLeftCell="A{m}" '
             'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols>'
             .format(n=header_at, m=header_at + 1)]
    parts += ['<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'.format(i=i, w=w)
              for i, w in enumerate(widths, start=1)]
    parts.append("</cols><sheetData>")
    strings = _SharedStrings()
    parts.append(_rows(1, [list(title_rows)], strings, ' s="1"'))
    parts.append(_rows(header_at, [[h] for h in header], strings, ' s="1"'))
    parts.append(_rows(header_at + 1, columns, strings))
    parts.append("</sheetData></worksheet>")
    members = (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _ROOT_RELS),
               ("xl/workbook.xml", _workbook(sheet_name)),
               ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS), ("xl/styles.xml", _STYLES),
               ("xl/sharedStrings.xml", strings.xml()),
               ("xl/worksheets/sheet1.xml", "".join(parts)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in members:
            info = zipfile.ZipInfo(name, _FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"), compresslevel=1)
    return buf.getvalue()
