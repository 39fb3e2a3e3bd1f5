"""posko weekly: the weekly report (laporan mingguan) as PDF (draft, issue, list, export)."""

from __future__ import annotations

import argparse
import logging

from posko_desktop.commands.common import CliError, open_context
from posko_desktop.commands.sitrep import (
    add_letter_arguments,
    add_output_arguments,
    cli_progress,
    export_issued,
    list_reports,
    read_texts,
    write_draft,
    write_issued,
)
from posko_desktop.core.i18n import _
from posko_desktop.core.reports.data import Paper, ReportKind
from posko_desktop.core.reports.weekly_data import WeeklyOptions, week_of
from posko_desktop.core.services import sitrep, weekly
from posko_desktop.core.timeutil import wib_date

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "weekly", help=_("weekly report (PDF): draft, issue, list, export"),
        description=_("Write the weekly report (Monday to Sunday, WIB) as PDF. Without --issue "
                      "it is a draft; --issue assigns the next number and archives the PDF."),
    )
    p.add_argument("--week", help=_("ISO week YYYY-Www, e.g. 2024-W48 (default: this week)"))
    p.add_argument("--regency", help=_("one regency code (33.xx) instead of the province"))
    add_output_arguments(p, paper_default=Paper.A4.value)
    p.add_argument("--texts", help=_("JSON file with outlook and conclusions"))
    p.add_argument("--outlook", help=_("outlook text after the calendar milestones"))
    p.add_argument("--conclusions", help=_("conclusions and recommendations"))
    add_letter_arguments(p)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--issue", action="store_true",
                      help=_("issue the report: next number, PDF stored in the archive"))
    mode.add_argument("--list", action="store_true", help=_("list the issued weekly reports"))
    mode.add_argument("--export", metavar="NUMBER",
                      help=_("write the stored PDF of an issued report (by number) to --out"))
    p.add_argument("--corrects", metavar="NUMBER",
                   help=_("with --issue: number of the issued report this one corrects"))
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("output of --list"))
    p.set_defaults(handler=cmd_weekly, highlight=None, obstacles=None)


def cmd_weekly(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    if args.list:
        return list_reports(ctx, args, ReportKind.WEEKLY.value)
    if args.export:
        return export_issued(ctx, args)
    if args.corrects and not args.issue:
        raise CliError(_("--corrects is only used with --issue"))
    defaults = sitrep.default_options(ctx, wib_date(ctx.now()))
    options = WeeklyOptions(args.week or week_of(wib_date(ctx.now())),
                            args.regency if args.regency is not None else defaults.regency,
                            args.paper, args.report_lang or args.lang or defaults.lang)
    texts = read_texts(args)
    if args.issue:
        info = weekly.issue(ctx, options, texts, corrects=args.corrects, progress=cli_progress())
        print(_("Issued weekly report {number} ({pages} pages, SHA-256 {sha})").format(
            number=info.number, pages=info.pages, sha=info.sha256))
        return write_issued(ctx, args, info.number)
    if not args.out:
        raise CliError(_("Give --out FILE.pdf (or --list, --export NUMBER)"))
    pdf, _data, pages = weekly.generate(ctx, options, texts, progress=cli_progress())
    return write_draft(args, pdf, pages)
