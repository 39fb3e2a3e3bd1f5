"""The Excel template for offices without the app: instructions, data sheet, drop-downs."""

from __future__ import annotations

import logging
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Severity, SourceType, Status
from posko_desktop.core.i18n import N_, gettext_in
from posko_desktop.core.services.reference import categories, regencies
from posko_desktop.core.services.units import units_in
from posko_desktop.core.spreadsheets import print_setup
from posko_desktop.core.spreadsheets.columns import (
    COLUMNS,
    DATA_SHEET,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    header_text,
)
from posko_desktop.core.spreadsheets.files import write_atomically
from posko_desktop.core.spreadsheets.values import (
    severity_label,
    source_label,
    status_label,
    taxonomy_label,
    unit_choice,
)
from posko_desktop.core.taxonomy import Channel, LegalType
from posko_desktop.core.timeutil import to_wib

logger = logging.getLogger(__name__)

TEMPLATE_ROWS = 2000  # rows prepared with drop-downs and date formats
DATE_FORMAT = "dd-mm-yyyy hh:mm"
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")

_INSTRUCTIONS = (
    N_("Fill in one incident per row on the sheet \"{data}\", starting at row 2. Do not change "
       "the column headers in row 1."),
    N_("Columns marked with * must be filled in. Choose regency/city, category, severity, "
       "status and source type from the drop-down lists."),
    N_("All times are WIB (Asia/Jakarta)."),
    N_("Send the file to the provincial Posko. There it is imported with the command "
       "\"posko import-xlsx\" or from the menu of Posko Desk."),
    N_("The same file may be sent again (also with new rows added): rows imported before are "
       "skipped, never counted twice."),
    N_("If any row is wrong, nothing is imported until it is fixed, unless the operator "
       "chooses to import the valid rows only; the report names each row, column and problem."),
    N_("A CSV file (separated by ; or ,) with the same column headers is accepted too."),
)


def regency_choice(code: str, full_name: str) -> str:
    return f"{code} {full_name}"


def category_choice(code: str, label: str) -> str:
    return f"{code} {label}"


def write_template(ctx: AppContext, out: str | Path, lang: str = "id") -> Path:
    """Write the template to `out` (atomically: a failure leaves no half-written file)."""
    out = Path(out)
    with ctx.db.read() as s:
        regency_list = regencies(s)
        category_list = [c for c in categories(s) if not c.is_group]
        unit_list = units_in(s)
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = gettext_in(lang, INSTRUCTIONS_SHEET)
    data = wb.create_sheet(gettext_in(lang, DATA_SHEET))
    lists = wb.create_sheet(gettext_in(lang, LISTS_SHEET))

    columns = {
        "regency": [regency_choice(r.code, r.full_name) for r in regency_list],
        "category": [category_choice(c.code, c.label_en if lang == "en" else c.label_id)
                     for c in category_list],
        "severity": [severity_label(v.value, lang) for v in Severity],
        "status": [status_label(v.value, lang) for v in Status],
        "source_type": [source_label(v.value, lang) for v in SourceType],
        "reporting_unit": [unit_choice(u.code, u.name) for u in unit_list if u.is_agency],
        "channel": [taxonomy_label(v.value, lang) for v in Channel],
        "legal_type": [taxonomy_label(v.value, lang) for v in LegalType],
    }
    columns = {key: values for key, values in columns.items() if values}
    ranges = _write_lists(lists, columns, lang)
    _write_data_sheet(data, ranges, lang)
    _write_instructions(info, lang, data.title, to_wib(ctx.now()).strftime("%d-%m-%Y"))

    wb.active = wb.index(data)
    wb.properties.creator = "Posko Desk"
    wb.properties.title = gettext_in(lang, N_("Posko Desk Pilkada incident template"))
    wb.properties.keywords = "posko-desk-template-1"
    write_atomically(out, wb.save)
    logger.info("Spreadsheet template written to %s", out)
    return out


def _write_lists(ws: Worksheet, columns: dict[str, list[str]], lang: str) -> dict[str, str]:
    """The reference lists the drop-downs point at; the sheet is hidden and protected."""
    by_key = {c.key: c for c in COLUMNS}
    ranges: dict[str, str] = {}
    quoted = "'{}'".format(ws.title.replace("'", "''"))
    for i, (key, values) in enumerate(columns.items(), 1):
        letter = get_column_letter(i)
        ws.cell(row=1, column=i, value=header_text(by_key[key], lang, mark_required=False))
        ws.cell(row=1, column=i).font = Font(bold=True)
        for r, value in enumerate(values, 2):
            ws.cell(row=r, column=i, value=value)
        ws.column_dimensions[letter].width = max(len(v) for v in values) + 2
        # no leading "=": the file format stores formulas without it (as Excel writes them)
        ranges[key] = f"{quoted}!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    return ranges


def _write_data_sheet(ws: Worksheet, ranges: dict[str, str], lang: str) -> None:
    last = TEMPLATE_ROWS + 1
    for i, col in enumerate(COLUMNS, 1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=header_text(col, lang))
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[letter].width = col.width
        area = f"{letter}2:{letter}{last}"
        prompt = gettext_in(lang, col.hint)[:255]
        title = gettext_in(lang, col.header)[:32]
        dv: DataValidation | None = None
        if col.key in ranges:
            dv = DataValidation(type="list", formula1=ranges[col.key], allow_blank=True,
                                showErrorMessage=True, errorStyle="stop",
                                errorTitle=title,
                                error=gettext_in(lang, N_("Choose a value from the list.")))
        elif col.key in ("occurred_at", "reported_at"):
            dv = DataValidation(type="date", operator="greaterThanOrEqual",
                                formula1="43831",  # 2020-01-01
                                allow_blank=True, showErrorMessage=True, errorStyle="warning",
                                errorTitle=title,
                                error=gettext_in(lang, N_("Enter a date and time in WIB, e.g. "
                                                          "27-11-2024 08:15.")))
            ws.column_dimensions[letter].number_format = DATE_FORMAT
        elif col.key in ("people_involved", "victims_dead", "victims_injured"):
            dv = DataValidation(type="whole", operator="between", formula1="0",
                                formula2="1000000", allow_blank=True, showErrorMessage=True,
                                errorStyle="stop", errorTitle=title,
                                error=gettext_in(lang, N_("A whole number (optional).")))
        elif col.key == "source_phone":  # text: Excel would drop a phone's leading 0
            ws.column_dimensions[letter].number_format = "@"
        elif col.key == "title":
            dv = DataValidation(type="textLength", operator="between", formula1="3",
                                formula2="200", allow_blank=True, showErrorMessage=True,
                                errorStyle="warning", errorTitle=title,
                                error=gettext_in(lang, N_("A short title, 3 to 200 characters.")))
        if dv is None:
            dv = DataValidation(allow_blank=True)
        dv.showInputMessage = True
        dv.promptTitle = title
        dv.prompt = prompt
        dv.add(area)
        ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 32
    print_setup.table_layout(ws, 1, [c.width for c in COLUMNS])


def _write_instructions(ws: Worksheet, lang: str, data_title: str, made_on: str) -> None:
    """Printed whole: portrait A4 fitted to the width, every row (the text wraps)."""
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 80
    print_setup.fit_to_width(ws, landscape=False)
    ws["A1"] = gettext_in(lang, N_("Posko Desk Pilkada incident template"))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = gettext_in(lang, N_("Provincial Government of Central Java — made on {date}")).format(
        date=made_on)
    row = 4
    for line in _INSTRUCTIONS:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        text = "• " + gettext_in(lang, line).format(data=data_title)
        ws.cell(row=row, column=1, value=text)
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = _wrapped_height(len(text), 30 + 12 + 80)
        row += 1
    row += 1
    heads = (N_("Column"), N_("Required"), N_("How to fill it in"))
    for i, head in enumerate(heads, 1):
        cell = ws.cell(row=row, column=i, value=gettext_in(lang, head))
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
    for col in COLUMNS:
        row += 1
        ws.cell(row=row, column=1, value=header_text(col, lang))
        ws.cell(row=row, column=2,
                value=gettext_in(lang, N_("yes") if col.required else N_("no")))
        hint_text = gettext_in(lang, col.hint)
        hint = ws.cell(row=row, column=3, value=hint_text)
        hint.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = _wrapped_height(len(hint_text), 80)
    ws.print_area = "A1:C{last}".format(last=row)


def _wrapped_height(chars: int, width: float) -> float:
    """Row height (points) showing every line of a wrapped text in a column `width`
    characters wide (a character is narrower than the width unit: 1.1 per unit)."""
    lines = max(1, -(-chars // int(width * 1.1)))
    return 15.0 * lines + 3
