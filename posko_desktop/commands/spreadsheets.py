"""posko xlsx-template | import-xlsx | export-log: spreadsheets for offices without the app."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from posko_desktop.commands.common import open_context
from posko_desktop.commands.incidents import add_filter_arguments, filter_from_args
from posko_desktop.core.i18n import LANGUAGES, _
from posko_desktop.core.progress import Progress
from posko_desktop.core.services.spreadsheet_import import check_spreadsheet, import_spreadsheet
from posko_desktop.core.spreadsheets import ImportReport, export_log, write_template
from posko_desktop.core.textrules import format_int


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("xlsx-template", help=_("write the Excel template for offices without the app"))
    p.add_argument("--out", required=True, help=_("the .xlsx file to write"))
    p.add_argument("--sheet-lang", choices=LANGUAGES, default="id",
                   help=_("language of the template (default: id)"))
    p.set_defaults(handler=cmd_template)

    p = sub.add_parser("import-xlsx", help=_("import incidents from a filled-in template (.xlsx) or CSV"))
    p.add_argument("file", help=_("the .xlsx or .csv file"))
    p.add_argument("--valid-rows-only", action="store_true",
                   help=_("import the valid rows even when other rows have problems"))
    p.add_argument("--check", action="store_true",
                   help=_("only check the file and print the report; write nothing"))
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("report format (default: table)"))
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export-log", help=_("export the (filtered) incident log to XLSX or CSV"))
    p.add_argument("--format", choices=("xlsx", "csv"), required=True, help=_("file format"))
    p.add_argument("--out", required=True, help=_("the file to write"))
    p.add_argument("--delimiter", choices=(",", ";", "tab"), default=",",
                   help=_("CSV separator (default: comma; Excel in Indonesian uses ;)"))
    add_filter_arguments(p)  # the same filters as `posko incident list`
    p.set_defaults(handler=cmd_export)


def cmd_template(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    path = write_template(ctx, args.out, lang=args.sheet_lang)
    print(_("Template written to {path}").format(path=path))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    if args.check:
        report = check_spreadsheet(ctx, args.file)
    else:
        report = import_spreadsheet(ctx, args.file, valid_rows_only=args.valid_rows_only)
    if args.format == "json":
        json.dump(report_json(report), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_report(report)
    if report.has_errors:  # scripts see the refusal (and which file) on stderr too
        print(_("{file}: {count} row(s) with problems").format(
            file=report.file_name, count=format_int(len(report.error_rows))), file=sys.stderr)
    return 2 if report.has_errors else 0


def report_json(report: ImportReport) -> dict[str, Any]:
    """Stable JSON of an import report (documented in docs/spreadsheets.md)."""
    return {
        "file": report.file_name,
        "sheet": report.sheet_name,
        "checked_only": report.dry_run,
        "rows": report.rows_total,
        "rows_with_problems": report.error_rows,
        "problems": [{"row": p.row, "column": p.column, "problem": p.text()}
                     for p in report.problems],
        "already_imported": report.already_imported,
        "duplicates": [{"row": row, "same_as_row": first} for row, first in report.duplicates],
        "new": report.new_rows,
        "imported": [{"row": r.row, "number": r.number, "id": str(r.id)} for r in report.imported],
        "blocked": report.blocked,
    }


def print_report(report: ImportReport) -> None:
    if report.problems:
        head = (_("Row"), _("Column"), _("Problem"))
        width = max([len(head[1])] + [len(p.column) for p in report.problems])
        print("{:>5}  {:<{w}}  {}".format(*head, w=width))
        for p in report.problems:
            print("{:>5}  {:<{w}}  {}".format(p.row, p.column, p.text(), w=width))
        print()
    for row, first in report.duplicates:
        print(_("Row {row} is the same as row {first}; skipped").format(row=row, first=first))
    print(report.summary())


def cmd_export(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    delimiter = "\t" if args.delimiter == "tab" else args.delimiter
    result = export_log(ctx, filter_from_args(ctx, args), args.out, args.format,
                        progress=Progress(), csv_delimiter=delimiter)
    print(_("{count} incidents exported to {path}").format(count=format_int(result.rows),
                                                                path=result.path))
    return 0
