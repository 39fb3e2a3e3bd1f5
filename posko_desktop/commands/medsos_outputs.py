"""The outputs of Pantau Medsos on the command line, as subcommands of `posko case` and
`posko takedown`:

    posko case card CASE --out FILE.png [--lang id|en]
    posko case claimreview CASE [--out FILE.json] [--html] [--lang id|en]
    posko takedown letter REQUEST --out FILE.pdf [--issue] [--recipient TEXT --recipient-place PLACE]
          [--paper a4|f4 --lang id|en --sifat S --subject TEXT]
    posko takedown register --out FILE.xlsx [--all] [--addressee A] [--format json]
"""

from __future__ import annotations

import argparse
import logging
from datetime import datetime
from types import ModuleType

from posko_desktop.commands.common import CliError, open_context, print_json
from posko_desktop.commands.sitrep import (
    add_letter_arguments,
    add_output_arguments,
    cli_progress,
    write_draft,
    write_file,
    write_issued,
)
from posko_desktop.core.i18n import LANGUAGES, _
from posko_desktop.core.medsos import claimreview
from posko_desktop.core.medsos.vocab import Addressee
from posko_desktop.core.reports.data import Paper, SitrepTexts
from posko_desktop.core.reports.takedown_pdf import TakedownLetterOptions
from posko_desktop.core.services.medsos import cases, outputs
from posko_desktop.core.services.medsos.takedowns import TakedownFilter
from posko_desktop.core.timeutil import to_wib

logger = logging.getLogger(__name__)


def _lang(args: argparse.Namespace) -> str:
    return str(args.report_lang or args.lang or "id")


def hook_into(cases_module: ModuleType) -> None:
    """Register `case card|claimreview` and `takedown letter|register` on the case
    commands' seams (once)."""
    if add_case_outputs not in cases_module.CASE_EXTRA:
        cases_module.CASE_EXTRA.append(add_case_outputs)
        cases_module.TAKEDOWN_EXTRA.append(add_takedown_outputs)


def add_case_outputs(sub: argparse._SubParsersAction) -> None:
    """`card` and `claimreview` under `posko case`."""
    p = sub.add_parser("card", help=_("the clarification as a square PNG card"))
    p.add_argument("case", help=_("case number or id"))
    p.add_argument("--out", required=True, help=_("PNG file to write"))
    p.add_argument("--lang", dest="report_lang", choices=LANGUAGES,
                   help=_("language of the card (id or en)"))
    p.set_defaults(handler=cmd_card)
    p = sub.add_parser("claimreview",
                       help=_("the clarification as schema.org ClaimReview (JSON-LD)"))
    p.add_argument("case", help=_("case number or id"))
    p.add_argument("--out", help=_("JSON-LD file to write (default: print it)"))
    p.add_argument("--html", action="store_true",
                   help=_("as the <script> element a web page embeds"))
    p.add_argument("--lang", dest="report_lang", choices=LANGUAGES,
                   help=_("language of the review (id or en)"))
    p.set_defaults(handler=cmd_claimreview)


def add_takedown_outputs(sub: argparse._SubParsersAction) -> None:
    """`letter` and `register` under `posko takedown`."""
    p = sub.add_parser("letter", help=_("the take-down request letter (PDF): draft or issue"),
                       description=_("Write the request letter of a take-down request: the "
                                     "posts numbered with the SHA-256 of their evidence, "
                                     "signed like the sitrep. Without --issue it is a draft; "
                                     "--issue gives it the next number and keeps it in the "
                                     "report archive."))
    p.add_argument("request", help=_("take-down request number or id"))
    add_output_arguments(p, paper_default=Paper.A4.value)
    add_letter_arguments(p)
    p.add_argument("--issue", action="store_true",
                   help=_("issue the letter: next number, PDF stored in the archive"))
    p.add_argument("--recipient", default="",
                   help=_("recipient (default: by the addressee)"))
    p.add_argument("--recipient-place", default="", help=_("the recipient's place"))
    p.set_defaults(handler=cmd_letter)
    p = sub.add_parser("register", help=_("the take-down register as XLSX"))
    p.add_argument("--out", help=_("XLSX file to write"))
    p.add_argument("--all", action="store_true", help=_("closed requests too"))
    p.add_argument("--addressee", choices=[a.value for a in Addressee])
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("without --out: the rows as a table or JSON"))
    p.set_defaults(handler=cmd_register)


def cmd_card(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    case_id = cases.resolve_ref(ctx, args.case)
    png = outputs.card_png(ctx, case_id, _lang(args))
    print(_("Wrote {path}").format(path=write_file(args.out, png)))
    return 0


def cmd_claimreview(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    doc = outputs.claim_review(ctx, cases.resolve_ref(ctx, args.case), _lang(args))
    text = claimreview.script_tag(doc) if args.html else claimreview.to_json_ld(doc)
    if args.out:
        print(_("Wrote {path}").format(path=write_file(args.out, text.encode("utf-8"))))
    else:
        print(text, end="")
    return 0


def cmd_letter(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    options = TakedownLetterOptions(args.request, args.paper, _lang(args))
    texts = SitrepTexts(sifat=args.sifat or "", subject=args.subject or "")
    if args.issue:
        info = outputs.issue_letter(ctx, options, texts, args.recipient, args.recipient_place,
                                    progress=cli_progress())
        print(_("Issued take-down letter {number} ({pages} pages, SHA-256 {sha})").format(
            number=info.number, pages=info.pages, sha=info.sha256))
        return write_issued(ctx, args, info.number)
    if not args.out:
        raise CliError(_("Give --out FILE.pdf"))
    pdf, _data, pages = outputs.letter_draft(ctx, options, texts, args.recipient, args.recipient_place,
                                             progress=cli_progress())
    return write_draft(args, pdf, pages)


def cmd_register(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    flt = TakedownFilter(open_only=not args.all, addressee=args.addressee)
    if args.out:
        n = outputs.export_register(ctx, args.out, flt)
        print(_("Wrote {path} ({n} requests)").format(path=args.out, n=n))
        return 0
    now = ctx.now()
    rows = outputs.register_rows(ctx, flt)
    if args.format == "json":
        print_json([{
            "number": r.number, "case": r.case_number or None, "addressee": r.addressee,
            "platform": r.platform, "channel": r.channel, "reference": r.reference,
            "status": r.status, "open": r.open,
            "submitted_at": _iso(r.submitted_at), "age_days": r.age_days(now),
            "last_recheck_at": _iso(r.last_recheck_at), "last_result": r.last_result,
            "recheck_due": _iso(r.recheck_due()), "urls": list(r.urls)} for r in rows])
        return 0
    for r in rows:
        due = r.recheck_due()
        print("{n}  {c}  {a}  {s}  {age}  {due}".format(
            n=r.number, c=r.case_number or "–", a=r.addressee, s=r.status,
            age="" if r.age_days(now) is None else _("{d} days").format(d=r.age_days(now)),
            due=_("re-check {when}").format(when=_iso(due)) if due else ""))
    return 0


def _iso(value: datetime | None) -> str | None:
    return to_wib(value).isoformat() if value is not None else None
