"""posko incident print NUMBER --out FILE.pdf: one incident on A4 (every field, the
timeline, referrals and attachments), the sheet the window's Print sends to a printer."""

from __future__ import annotations

import argparse

from posko_desktop.commands.common import open_context
from posko_desktop.core.i18n import LANGUAGES, _
from posko_desktop.core.textrules import format_int


def register(isub: argparse._SubParsersAction) -> None:
    p = isub.add_parser("print", help=_("print one incident to an A4 PDF"))
    p.add_argument("incident", help=_("incident number or id"))
    p.add_argument("--out", required=True, help=_("PDF file to write"))
    p.add_argument("--lang", dest="report_lang", choices=LANGUAGES,
                   help=_("language of the sheet (id or en)"))
    p.set_defaults(handler=cmd_print)


def cmd_print(args: argparse.Namespace) -> int:
    from posko_desktop.core.services import incident_print  # reportlab: only when printing

    ctx = open_context(args)
    pages = incident_print.print_pdf(ctx, args.incident, args.out, args.report_lang)
    print(_("{path} written ({pages} page(s))").format(path=args.out, pages=format_int(pages)))
    return 0
