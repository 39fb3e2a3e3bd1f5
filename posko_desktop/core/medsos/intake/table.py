"""Post tables: our CSV/XLSX template, known tool exports (presets) and any other table
with a `ColumnMapping`. The file checks before parsing are the spreadsheet import's
(`core/untrusted.py`: no DTD in XLSX, no zip bombs, strict CSV encoding and syntax).

Row-level report: a row without a link and without a text is left out; a bad link, count
or time is reported and the row kept without that value.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import (
    Engagement,
    IntakeResult,
    MedsosError,
    Platform,
    PostDraft,
    Problem,
)
from posko_desktop.core.medsos.intake.common import finish as finish_drafts
from posko_desktop.core.medsos.intake.common import read_limited
from posko_desktop.core.medsos.intake.mapping import ColumnMapping, recognise
from posko_desktop.core.medsos.intake.options import IntakeOptions
from posko_desktop.core.medsos.intake.values import BadValue, parse_count, parse_time
from posko_desktop.core.medsos.urls import parse_url
from posko_desktop.core.places import shipped_index
from posko_desktop.core.untrusted import (
    CsvRecords,
    SpreadsheetError,
    check_xlsx,
    decode_csv,
    not_a_spreadsheet,
)

logger = logging.getLogger(__name__)

FORMAT = "table"
MAX_ROWS = 250_000
HEADER_SEARCH_ROWS = 10
_PLATFORM_NAMES = {p.value: p for p in Platform} | {
    "twitter": Platform.X, "fb": Platform.FACEBOOK, "ig": Platform.INSTAGRAM,
    "yt": Platform.YOUTUBE, "wa": Platform.WHATSAPP, "tele": Platform.TELEGRAM,
    "tik tok": Platform.TIKTOK, "situs": Platform.WEB, "berita": Platform.WEB,
    "lainnya": Platform.OTHER,
}


def _as_medsos(err: SpreadsheetError) -> MedsosError:
    """The spreadsheet checks' refusal, same message, as this module's error."""
    return MedsosError(err.message, **err.params)


def rows_of(path: Path) -> Iterator[Sequence[Any]]:
    """The rows of the first sheet (XLSX) or of the CSV file, checked as untrusted input."""
    raw = read_limited(path)
    if raw.startswith(b"PK\x03\x04"):
        yield from _xlsx_rows(path)
        return
    if raw.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() in (".xlsx", ".xlsm"):
        raise _as_medsos(not_a_spreadsheet(path.name))
    try:
        text = decode_csv(raw, path.name)
        first = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first.count)
        records = CsvRecords(text, delimiter, path.name)
        records.width = first.count(delimiter) + 1
        yield from records
    except SpreadsheetError as err:
        raise _as_medsos(err) from err


def _xlsx_rows(path: Path) -> Iterator[Sequence[Any]]:
    try:
        check_xlsx(path)
    except SpreadsheetError as err:
        raise _as_medsos(err) from err
    import openpyxl  # here: reading posts must not cost every importer of the intake
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        logger.warning("Cannot read %s as a workbook: %s", path, err)
        raise _as_medsos(not_a_spreadsheet(path.name)) from err
    except Exception as err:
        logger.warning("Damaged workbook %s", path, exc_info=True)
        raise MedsosError(N_("{name} is damaged and cannot be read"), name=path.name) from err
    try:
        sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"] or wb.worksheets
        yield from sheets[0].iter_rows(values_only=True)
    except Exception as err:
        logger.warning("Damaged workbook %s", path, exc_info=True)
        raise MedsosError(N_("{name} is damaged and cannot be read"), name=path.name) from err
    finally:
        wb.close()


def table_headers(path: Path) -> list[str]:
    """The header row as found (for the mapping dialog): the first row with 3+ cells."""
    for number, cells in enumerate(rows_of(path), start=1):
        texts = [str(c).strip() for c in cells if c is not None and str(c).strip()]
        if len(texts) >= 3 or number >= HEADER_SEARCH_ROWS:
            return [("" if c is None else str(c).strip()) for c in cells]
    return []


class UnmappedColumns(MedsosError):
    """A table whose header matches no preset or saved mapping: the columns must be mapped
    by hand (the window opens the mapping dialog on it)."""

    code = "medsos_unmapped"


@dataclass(frozen=True)
class PreviewRow:
    """A data row as a mapping reads it: the draft (None: left out) and its problems."""

    number: int
    draft: PostDraft | None
    problems: tuple[Problem, ...]


def _found_header(path: Path, rows: Iterator[Sequence[Any]], options: IntakeOptions
                  ) -> tuple[int, ColumnMapping, dict[str, int]]:
    found = _header(rows, options.mapping, options.saved_mappings)
    if found is None:
        if options.mapping is not None:
            raise MedsosError(N_("{name}: none of the columns of the mapping {mapping} is in the "
                                 "first {count} rows"), name=path.name,
                              mapping=options.mapping.name, count=HEADER_SEARCH_ROWS)
        raise UnmappedColumns(N_("{name}: the columns are not recognised (no template or preset "
                                 "header in the first {count} rows); map the columns by hand"),
                              name=path.name, count=HEADER_SEARCH_ROWS)
    return found


def preview_table(path: Path, options: IntakeOptions, limit: int = 20) -> list[PreviewRow]:
    """The first `limit` data rows of a table read with `options.mapping` (or what is
    recognised), each with its row-level problems; nothing is flagged or deduplicated."""
    rows = iter(rows_of(path))
    number, mapping, positions = _found_header(path, rows, options)
    out: list[PreviewRow] = []
    for cells in rows:
        number += 1
        values = _values(cells, positions)
        if values is None:
            continue
        result = IntakeResult(FORMAT, path.name)
        draft = row_draft(number, values, mapping, options, result)
        out.append(PreviewRow(number, draft, tuple(result.problems)))
        if len(out) >= limit:
            break
    return out


def read_table(path: Path, options: IntakeOptions) -> IntakeResult:
    rows = iter(rows_of(path))
    result = IntakeResult(FORMAT, path.name)
    number, mapping, positions = _found_header(path, rows, options)
    result.preset = mapping.name
    drafts: list[PostDraft] = []
    for cells in rows:
        number += 1
        values = _values(cells, positions)
        if values is None:
            result.ignored += 1
            continue
        if len(drafts) >= MAX_ROWS:
            raise MedsosError(N_("{name} has more than {limit} rows; split it into smaller "
                                 "files"), name=path.name, limit=MAX_ROWS)
        draft = row_draft(number, values, mapping, options, result)
        if draft is not None:
            drafts.append(draft)
    finish_drafts(result, drafts, options.lexicon)
    logger.info("Post table %s (%s): %s posts, %s problems", path.name, mapping.name,
                len(result.drafts), len(result.problems))
    return result


def _values(cells: Sequence[Any], positions: dict[str, int]) -> dict[str, Any] | None:
    """Field -> cell of a data row; None for a row with nothing in the mapped columns."""
    values = {f: cells[i] for f, i in positions.items() if i < len(cells)}
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
        return None
    return values


def _header(rows: Iterator[Sequence[Any]], mapping: ColumnMapping | None,
            saved: Sequence[ColumnMapping] = ()) -> tuple[int, ColumnMapping, dict[str, int]] | None:
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        try:
            cells = next(rows)
        except StopIteration:
            return None
        headers = ["" if c is None else str(c).strip() for c in cells]
        chosen = mapping or recognise(headers, saved)
        if chosen is None:
            continue
        positions = chosen.positions(headers)
        if any(f in positions for f in ("url", "text")):
            return number, chosen, positions
    return None


def _cell(values: dict[str, Any], key: str) -> str:
    value = values.get(key)
    return "" if value is None else str(value).strip()


def row_draft(number: int, values: dict[str, Any], mapping: ColumnMapping,
              options: IntakeOptions, result: IntakeResult) -> PostDraft | None:
    url_text, text = _cell(values, "url"), _cell(values, "text")
    if not url_text and not text:
        result.problem(number, N_("Row {row} has neither a link nor a text; it is left out"),
                       row=number)
        return None
    platform = _platform(number, _cell(values, "platform"), mapping, result)
    draft = PostDraft(platform=platform or Platform.OTHER, text=text, source_line=number,
                      account_name=_cell(values, "account_name"),
                      account_handle=_cell(values, "account_handle").lstrip("@"),
                      account_id=_cell(values, "account_id"))
    if url_text:
        try:
            parsed = parse_url(url_text)
        except MedsosError:
            if not text:
                result.problem(number, N_("Row {row}: \"{value}\" is not a link and the row has "
                                          "no text; it is left out"), row=number,
                               value=url_text[:80])
                return None
            result.problem(number, N_("Row {row}: \"{value}\" is not a link; the row is kept "
                                      "without it"), row=number, value=url_text[:80],
                           skipped=False)
        else:
            draft.url, draft.canonical_url, draft.post_id = (
                parsed.url, parsed.canonical, parsed.post_id)
            if parsed.platform is not Platform.WEB or platform is None:
                draft.platform = parsed.platform
            draft.account_handle = draft.account_handle or parsed.handle
    draft.posted_at = _time(number, values, "posted_at", mapping, options, result)
    draft.kecamatan_code, draft.desa_code = _place(number, values, result)
    draft.contest_code = _cell(values, "contest_code") or None  # checked when stored
    draft.pair_number = _count(number, values, "pair_number", mapping, result)
    counts = {k: _count(number, values, k, mapping, result)
              for k in ("views", "likes", "shares", "comments")}
    read_at = _time(number, values, "read_at", mapping, options, result) or options.read_at
    draft.engagement = Engagement(read_at=read_at, **counts)
    return draft


def _place(number: int, values: dict[str, Any], result: IntakeResult
           ) -> tuple[str | None, str | None]:
    """The kecamatan and desa codes of a row (a desa alone names its kecamatan); a code not
    in the shipped list, or a desa outside the kecamatan, is reported and left empty."""
    kec, desa = _cell(values, "kecamatan_code") or None, _cell(values, "desa_code") or None
    if kec is None and desa is None:
        return None, None
    index = shipped_index()
    if desa is not None and desa not in index.desa:
        result.problem(number, N_("Row {row}: the desa/kelurahan code {code} is not known; it "
                                  "is left empty"), row=number, code=desa[:20], skipped=False)
        desa = None
    if kec is not None and kec not in index.kecamatan:
        result.problem(number, N_("Row {row}: the kecamatan code {code} is not known; it is "
                                  "left empty"), row=number, code=kec[:20], skipped=False)
        kec = None
    if desa is not None and kec is not None and index.desa[desa].parent != kec:
        result.problem(number, N_("Row {row}: desa/kelurahan {code} is not in kecamatan "
                                  "{kecamatan}; it is left empty"), row=number, code=desa,
                       kecamatan=kec, skipped=False)
        desa = None
    if kec is None and desa is not None:
        kec = index.desa[desa].parent
    return kec, desa


def _platform(number: int, value: str, mapping: ColumnMapping,
              result: IntakeResult) -> Platform | None:
    if not value:
        return mapping.platform
    found = _PLATFORM_NAMES.get(value.strip().lower())
    if found is None:
        result.problem(number, N_("Row {row}: the platform \"{value}\" is not known; it is "
                                  "taken from the link"), row=number, value=value[:40],
                       skipped=False)
    return found or mapping.platform


def _count(number: int, values: dict[str, Any], key: str, mapping: ColumnMapping,
           result: IntakeResult) -> int | None:
    try:
        return parse_count(values.get(key))
    except BadValue:
        result.problem(number, N_("Row {row}: {column} \"{value}\" is not a number; it is left "
                                  "empty"), row=number, column=mapping.columns[key],
                       value=str(values.get(key))[:40], skipped=False)
        return None


def _time(number: int, values: dict[str, Any], key: str, mapping: ColumnMapping,
          options: IntakeOptions, result: IntakeResult) -> datetime | None:
    try:
        return parse_time(values.get(key), options.tz)
    except (BadValue, ValueError, OverflowError, OSError):
        result.problem(number, N_("Row {row}: {column} \"{value}\" is not a date and time; "
                                  "it is left empty"), row=number, column=mapping.columns[key],
                       value=str(values.get(key))[:40], skipped=False)
        return None
