"""posko flash: the flash report (laporan cepat) of one incident as PDF (draft or issue)."""

from __future__ import annotations

import argparse
import logging

from posko_desktop.commands.common import CliError, open_context
from posko_desktop.commands.sitrep import (
    add_letter_arguments,
    add_output_arguments,
    cli_progress,
    list_reports,
    read_texts,
    write_draft,
    write_issued,
)
from posko_desktop.core.i18n import _
from posko_desktop.core.reports.data import Paper, ReportKind
from posko_desktop.core.reports.flash_pdf import FlashOptions
from posko_desktop.core.services import flash, sitrep
from posko_desktop.core.timeutil import wib_date

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "flash", help=_("flash report of one incident (PDF): draft, issue, list"),
        description=_("Write the flash report (laporan cepat) of one incident as PDF. Without "
                      "--issue it is a draft; --issue assigns the next number and archives "
                      "the PDF; a later one of the same incident names the previous one."),
    )
    p.add_argument("incident", nargs="?", help=_("incident number or id"))
    add_output_arguments(p, paper_default=Paper.A4.value)
    add_letter_arguments(p)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--issue", action="store_true",
                      help=_("issue the report: next number, PDF stored in the archive"))
    mode.add_argument("--list", action="store_true", help=_("list the issued flash reports"))
    p.add_argument("--corrects", metavar="NUMBER",
                   help=_("with --issue: number of the issued report this one corrects"))
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("output of --list"))
    p.set_defaults(handler=cmd_flash, texts=None, highlight=None, obstacles=None,
                   outlook=None, conclusions=None)


def cmd_flash(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    if args.list:
        return list_reports(ctx, args, ReportKind.FLASH.value)
    if not args.incident:
        raise CliError(_("Give the incident's number (or --list)"))
    if args.corrects and not args.issue:
        raise CliError(_("--corrects is only used with --issue"))
    lang = args.report_lang or args.lang or sitrep.default_options(ctx, wib_date(ctx.now())).lang
    options = FlashOptions(args.incident, args.paper, lang)
    texts = read_texts(args)
    if args.issue:
        info = flash.issue(ctx, options, texts, corrects=args.corrects, progress=cli_progress())
        print(_("Issued flash report {number} ({pages} pages, SHA-256 {sha})").format(
            number=info.number, pages=info.pages, sha=info.sha256))
        return write_issued(ctx, args, info.number)
    if not args.out:
        raise CliError(_("Give --out FILE.pdf (or --list)"))
    pdf, _data, pages = flash.generate(ctx, options, texts, progress=cli_progress())
    return write_draft(args, pdf, pages)
