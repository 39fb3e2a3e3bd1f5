"""The stage progress workbook the regency offices fill in (docs/spreadsheets.md, "Stage
progress"): a template with one row per regency and stage, and its import with a report
per row and column, all or nothing, idempotent (`stage_progress.report_many`)."""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError, ProgressStage, ValidationError
from posko_desktop.core.i18n import N_, gettext_in
from posko_desktop.core.services import stage_progress as svc
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.reference import normalize_regency_code, regencies
from posko_desktop.core.services.stage_progress import StageReportInfo, StageReportInput
from posko_desktop.core.spreadsheets.files import write_atomically
from posko_desktop.core.spreadsheets.reader import MAX_FILE_BYTES
from posko_desktop.core.spreadsheets.template import DATE_FORMAT
from posko_desktop.core.spreadsheets.values import (
    CellProblem,
    cell_text,
    parse_people,
    parse_wib_cell,
)
from posko_desktop.core.textrules import neutralise_cell
from posko_desktop.core.untrusted import SpreadsheetError, check_xlsx, damaged, not_a_spreadsheet

logger = logging.getLogger(__name__)

SHEET = N_("Stage progress")
# (key, header msgid, width, required); the header row is matched in Indonesian or English
COLUMNS = (
    ("regency", N_("Regency code"), 12, True),
    ("regency_name", N_("Regency/city"), 22, False),
    ("stage", N_("Stage"), 18, True),
    ("stage_label", N_("What is counted"), 46, False),
    ("done", N_("Done"), 10, True),
    ("total", N_("Of"), 10, False),
    ("as_of", N_("As of (WIB)"), 18, True),
    ("note", N_("Note"), 40, False),
)
_FILL = PatternFill("solid", fgColor="1F4E79")
_YES = {"ya", "y", "yes", "sudah", "selesai", "1"}
_NO = {"tidak", "t", "no", "belum", "0"}
MAX_ROWS = 5_000


@dataclass(frozen=True)
class ProgressRowProblem:
    row: int
    column: str  # header msgid
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text_in(self, lang: str) -> str:
        return gettext_in(lang, self.message).format(**self.params)


@dataclass(frozen=True)
class ProgressImportReport:
    rows: int  # rows with a "done" value
    recorded: tuple[StageReportInfo, ...]
    known_rows: tuple[int, ...]
    problems: tuple[ProgressRowProblem, ...]  # not empty: nothing imported
    dry_run: bool


def write_template(ctx: AppContext, out: str | Path, regency: str | None = None,
                   lang: str = "id") -> Path:
    """One row per regency (or only `regency`) and stage, "done", "of" and the time to
    fill in; written atomically."""
    out = Path(out)
    with ctx.db.read() as s:
        listed = [r for r in regencies(s) if regency is None or r.code == regency]
    if not listed:
        raise ValidationError(N_("Unknown regency code {code}"), field="regency", code=regency)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = gettext_in(lang, SHEET)
    for i, (_key, msgid, width, required) in enumerate(COLUMNS, 1):
        cell = ws.cell(row=1, column=i, value=gettext_in(lang, msgid) + (" *" if required else ""))
        cell.fill, cell.font = _FILL, Font(bold=True, color="FFFFFF")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = width
    row = 2
    for r in listed:
        for stage in ProgressStage:
            values = [r.code, r.full_name, stage.value, stage.label_in(lang), None,
                      1 if stage.yes_no else None, None, None]
            for i, value in enumerate(values, 1):
                ws.cell(row=row, column=i, value=neutralise_cell(value))
            ws.cell(row=row, column=7).number_format = DATE_FORMAT
            row += 1
    stages = DataValidation(type="list", formula1='"{v}"'.format(
        v=",".join(st.value for st in ProgressStage)), allow_blank=False)
    stages.add("C2:C{last}".format(last=row - 1))
    counts = DataValidation(type="whole", operator="between", formula1="0",
                            formula2=str(svc.COUNT_MAX), allow_blank=True)
    counts.add("E2:F{last}".format(last=row - 1))
    ws.add_data_validation(stages)
    ws.add_data_validation(counts)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(gettext_in(lang, N_("How to fill it in")))
    notes.column_dimensions["A"].width = 110
    for i, line in enumerate(_instructions(lang), 1):
        notes.cell(row=i, column=1, value=line).alignment = Alignment(wrap_text=True)
    wb.properties.creator = "Posko Desk"
    wb.properties.keywords = "posko-desk-stage-progress-1"
    write_atomically(out, wb.save)
    logger.info("Stage progress template written to %s", out)
    return out


def _instructions(lang: str) -> list[str]:
    lines = [gettext_in(lang, msgid) for msgid in (
        N_("Fill in \"Done\", \"Of\" and the time (WIB) of the stages you report; leave the "
           "other rows empty. Rows without \"Done\" are not imported."),
        N_("Yes/no stages: Done 1 (yes) or 0 (no), of 1. An empty \"Of\" takes the total of "
           "the last report of the same stage (the kecamatan tally: the regency's kecamatan)."),
        N_("The same file may be imported again: rows imported before are skipped. If any row "
           "is wrong, nothing is imported; the report names each row and column."),
    )]
    return lines + ["{c}: {label}".format(c=st.value, label=st.label_in(lang))
                    for st in ProgressStage]


# --- import ---------------------------------------------------------------------------------


def _header_keys(header: tuple[Any, ...]) -> dict[int, str]:
    forms: dict[str, str] = {}
    for key, msgid, _width, _req in COLUMNS:
        for lang in ("id", "en"):
            forms[gettext_in(lang, msgid).lower()] = key
    found: dict[int, str] = {}
    for i, value in enumerate(header):
        text = cell_text(value).rstrip("*").strip().lower()
        if text in forms:
            found[i] = forms[text]
    return found


def _read(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The rows (by their number in the file) as {column key: cell value}."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise SpreadsheetError(N_("{name} is too large ({size:.1f} MB); the limit is "
                                      "{limit:.0f} MB"), name=path.name,
                                   size=path.stat().st_size / 1048576,
                                   limit=MAX_FILE_BYTES / 1048576)
    except OSError as err:
        raise SpreadsheetError(N_("Cannot open {name}: {error}"), name=path.name,
                               error=err.strerror or str(err)) from err
    check_xlsx(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise not_a_spreadsheet(path.name) from err
    try:
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            header = next(rows, ())
            keys = _header_keys(header or ())
            if {"regency", "stage", "done", "as_of"} <= set(keys.values()):
                out = []
                for n, values in enumerate(rows, 2):
                    if n > MAX_ROWS + 1:
                        break
                    out.append((n, {keys[i]: v for i, v in enumerate(values) if i in keys}))
                return out
    except PoskoError:
        raise
    except Exception as err:
        logger.warning("Damaged workbook %s", path, exc_info=True)
        raise damaged(path.name) from err
    finally:
        wb.close()
    raise SpreadsheetError(N_("{name} has no sheet with the stage progress header row (e.g. "
                              "\"{header}\")"), name=path.name,
                           header=gettext_in("id", COLUMNS[2][1]))


_COLUMN_OF = {key: msgid for key, msgid, _w, _r in COLUMNS}
_FIELD_COLUMN = {"regency": "regency", "stage": "stage", "done": "done", "total": "total",
                 "as_of": "as_of", "note": "note"}


def _done(value: Any) -> int:
    text = cell_text(value).lower()
    if text in _YES - {"1"}:
        return 1
    if text in _NO - {"0"}:
        return 0
    done = parse_people(value)
    assert done is not None
    return done


def _row_input(values: dict[str, Any]) -> StageReportInput:
    """Raises CellProblem with `column` set (a key of COLUMNS)."""
    def problem(column: str, err: CellProblem) -> CellProblem:
        err.params["_column"] = column
        return err

    code = normalize_regency_code(cell_text(values.get("regency")))
    if code is None:
        raise problem("regency", CellProblem(N_("Unknown regency code {code}"),
                                             code=cell_text(values.get("regency"))))
    try:
        done = _done(values.get("done"))
    except CellProblem as err:
        raise problem("done", err) from None
    try:
        total = parse_people(values.get("total"))
    except CellProblem as err:
        raise problem("total", err) from None
    try:
        as_of = parse_wib_cell(values.get("as_of"), required=True)
    except CellProblem as err:
        raise problem("as_of", err) from None
    assert as_of is not None
    return StageReportInput(code, cell_text(values.get("stage")), as_of, done, total,
                            cell_text(values.get("note")))


def import_workbook(ctx: AppContext, path: str | Path, *,
                    dry_run: bool = False) -> ProgressImportReport:
    """Import the filled-in template: rows with "done" become stage reports, all or none."""
    require(ctx.actor, Permission.PROGRESS_RECORD)
    path = Path(path)
    problems: list[ProgressRowProblem] = []
    inputs: list[tuple[int, StageReportInput]] = []
    for n, values in _read(path):
        if cell_text(values.get("done")) == "":
            continue
        try:
            inputs.append((n, _row_input(values)))
        except CellProblem as err:
            column = err.params.pop("_column")
            problems.append(ProgressRowProblem(n, _COLUMN_OF[column], err.message, err.params))
    if problems:
        return ProgressImportReport(len(inputs) + len(problems), (), (), tuple(problems),
                                    dry_run)
    result = svc.report_many(ctx, inputs, dry_run=dry_run)
    for e in result.errors:
        column = _FIELD_COLUMN.get(getattr(e.error, "field", "") or "", "done")
        problems.append(ProgressRowProblem(e.row, _COLUMN_OF[column], e.error.message,
                                           dict(e.error.params)))
    logger.info("Stage progress import of %s: %d recorded, %d known, %d problems", path.name,
                len(result.recorded), len(result.known_rows), len(problems))
    return ProgressImportReport(len(inputs), result.recorded, result.known_rows,
                                tuple(problems), dry_run)
