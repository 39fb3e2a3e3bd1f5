"""posko sitrep: the daily situation report as PDF (draft, issue, list, export)."""

from __future__ import annotations

import argparse
import json
import logging
import os
from datetime import date
from pathlib import Path
from typing import Any

from posko_desktop.commands.common import CliError, open_context, print_json
from posko_desktop.commands.incidents import iso
from posko_desktop.core.i18n import LANGUAGES, _
from posko_desktop.core.progress import Progress
from posko_desktop.core.reports.annex import save_pdf
from posko_desktop.core.reports.data import Paper, ReportKind, Sifat, SitrepOptions, SitrepTexts
from posko_desktop.core.services import sitrep
from posko_desktop.core.textrules import format_datetime_wib
from posko_desktop.core.timeutil import wib_date

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sitrep", help=_("daily situation report (PDF): draft, issue, list, export"),
        description=_("Write the daily situation report as PDF. Without --issue it is a draft "
                      "(no number); --issue assigns the next number and archives the PDF."),
    )
    p.add_argument("--date", help=_("report date YYYY-MM-DD (default: today, WIB)"))
    p.add_argument("--regency", help=_("one regency code (33.xx) instead of the province"))
    add_output_arguments(p, paper_default=None)  # the sitrep's paper comes from the settings
    p.add_argument("--texts", help=_("JSON file with highlights (list), obstacles, outlook, "
                                     "conclusions"))
    p.add_argument("--highlight", action="append", help=_("a highlight line (repeatable; "
                                                          "replaces the generated ones)"))
    p.add_argument("--obstacles", help=_("text of section F (obstacles)"))
    p.add_argument("--outlook", help=_("text of section G after the calendar milestones"))
    p.add_argument("--conclusions", help=_("text of section H (conclusions and recommendations)"))
    add_letter_arguments(p)
    p.add_argument("--confirm-nihil", action="store_true",
                   help=_("with --issue: confirm that F or H may print \"Nihil\" although the "
                          "period has critical incidents"))
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--issue", action="store_true",
                      help=_("issue the report: next number, PDF stored in the archive"))
    mode.add_argument("--list", action="store_true", help=_("list the issued reports"))
    mode.add_argument("--export", metavar="NUMBER",
                      help=_("write the stored PDF of an issued report (by number) to --out"))
    p.add_argument("--corrects", metavar="NUMBER",
                   help=_("with --issue: number of the issued report this one corrects"))
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("output of --list"))
    p.set_defaults(handler=cmd_sitrep)


def add_output_arguments(p: argparse.ArgumentParser, paper_default: str | None) -> None:
    """Paper, language and output file, shared by the report commands."""
    p.add_argument("--paper", choices=[x.value for x in Paper], default=paper_default,
                   help=_("paper size (a4 or f4)"))
    p.add_argument("--lang", dest="report_lang", choices=LANGUAGES,
                   help=_("language of the report (id or en)"))
    p.add_argument("--out", help=_("PDF file to write"))


def add_letter_arguments(p: argparse.ArgumentParser) -> None:
    """Identity block options shared by the report commands."""
    p.add_argument("--sifat", choices=[x.value for x in Sifat],
                   help=_("security marking (default: the setting report.sifat)"))
    p.add_argument("--subject", help=_("subject line (Hal); default: generated"))


def write_file(path: str, data: bytes) -> Path:
    """Write next to the target then move in place: never a half-written PDF."""
    target = Path(path).expanduser()
    tmp = target.with_name(target.name + ".part")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise CliError(_("Cannot write {path}: {error}").format(
            path=target, error=err.strerror or err)) from None
    return target


def write_pdf(path: str, pdf: bytes) -> Path:
    """The PDF, then each file attached to it (the electronic Lampiran) beside it under
    its own name, so the annex travels with every copy (docs/sitrep.md)."""
    try:
        target, *beside = save_pdf(path, pdf)
    except OSError as err:
        raise CliError(_("Cannot write {path}: {error}").format(
            path=path, error=err.strerror or err)) from None
    for extra in beside:
        print(_("Wrote {path} (attached to the PDF: the full list of the appendix)").format(
            path=extra))
    return target


def read_texts(args: argparse.Namespace) -> SitrepTexts | None:
    texts = SitrepTexts()
    given = False
    if args.texts:
        try:
            raw = json.loads(Path(args.texts).read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("not an object")
            hl = raw.get("highlights")
            if hl is not None and not (isinstance(hl, list) and all(isinstance(x, str) for x in hl)):
                raise ValueError("highlights must be a list of strings")
            for key in ("obstacles", "outlook", "conclusions", "sifat", "subject"):
                if not isinstance(raw.get(key, ""), str):
                    raise ValueError(f"{key} must be text")
            texts = SitrepTexts.from_json(raw)
        except (OSError, ValueError) as err:
            raise CliError(_("Cannot read the texts file {path}: {error}").format(
                path=args.texts, error=err)) from None
        given = True
    if args.highlight:
        texts.highlights = [h for h in args.highlight if h.strip()]
        given = True
    for key in ("obstacles", "outlook", "conclusions"):
        value = getattr(args, key)
        if value is not None:
            setattr(texts, key, value.replace("\\n", "\n"))
            given = True
    for key in ("sifat", "subject"):
        value = getattr(args, key, None)
        if value:
            setattr(texts, key, value)
            given = True
    return texts if given else None


def _options(ctx: Any, args: argparse.Namespace) -> SitrepOptions:
    if args.date:
        try:
            day = date.fromisoformat(args.date)
        except ValueError:
            raise CliError(_("Not a date (YYYY-MM-DD): {value}").format(value=args.date)) from None
    else:
        day = wib_date(ctx.now())
    opts = sitrep.default_options(ctx, day)
    return SitrepOptions(
        day,
        args.regency if args.regency is not None else opts.regency,
        args.paper or opts.paper,
        args.report_lang or args.lang or opts.lang,
    )


def cli_progress() -> Progress:
    return Progress(lambda done, total, message: logger.debug("sitrep %s/%s %s", done, total,
                                                              message))


def cmd_sitrep(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    if args.list:
        return list_reports(ctx, args, ReportKind.DAILY.value)
    if args.export:
        return export_issued(ctx, args)
    if args.corrects and not args.issue:
        raise CliError(_("--corrects is only used with --issue"))
    if args.confirm_nihil and not args.issue:
        raise CliError(_("--confirm-nihil is only used with --issue"))
    options = _options(ctx, args)
    texts = read_texts(args)
    if args.issue:
        info = sitrep.issue(ctx, options, texts, corrects=args.corrects,
                            confirm_nihil=args.confirm_nihil, progress=cli_progress())
        print(_("Issued sitrep {number} ({pages} pages, SHA-256 {sha})").format(
            number=info.number, pages=info.pages, sha=info.sha256))
        return write_issued(ctx, args, info.number)
    if not args.out:
        raise CliError(_("Give --out FILE.pdf (or --list, --export NUMBER)"))
    pdf, _data, pages = sitrep.generate(ctx, options, texts, progress=cli_progress())
    return write_draft(args, pdf, pages)


def export_issued(ctx: Any, args: argparse.Namespace) -> int:
    """--export NUMBER --out FILE.pdf: the stored PDF of an issued report, checked."""
    if not args.out:
        raise CliError(_("--export needs --out FILE.pdf"))
    info, pdf = sitrep.issued_pdf(ctx, args.export)
    target = write_pdf(args.out, pdf)
    print(_("Wrote {path}: sitrep {number} ({pages} pages, SHA-256 {sha})").format(
        path=target, number=info.number, pages=info.pages, sha=info.sha256))
    return 0


def write_issued(ctx: Any, args: argparse.Namespace, number: str) -> int:
    """After --issue: the stored PDF to --out, when given."""
    if args.out:
        _info, pdf = sitrep.issued_pdf(ctx, number)
        print(_("Wrote {path}").format(path=write_pdf(args.out, pdf)))
    return 0


def write_draft(args: argparse.Namespace, pdf: bytes, pages: int) -> int:
    target = write_pdf(args.out, pdf)
    print(_("Wrote {path} ({pages} pages, draft without number)").format(path=target, pages=pages))
    return 0


def list_reports(ctx: Any, args: argparse.Namespace, kind: str | None = None) -> int:
    items = sitrep.list_issued(ctx, kind=kind)
    if args.format == "json":
        print_json([{
            "number": i.number, "kind": i.kind, "report_date": i.report_date.isoformat(),
            "scope": i.scope, "paper": i.paper, "lang": i.lang, "pages": i.pages,
            "size": i.size, "sha256": i.sha256, "issued_by": i.issued_by,
            "issued_at": iso(i.issued_at), "corrects": i.corrects,
            "period_start": iso(i.period_start), "period_end": iso(i.period_end),
        } for i in items])
        return 0
    if not items:
        print(_("No sitrep has been issued yet."))
        return 0
    header = (_("Number"), _("Date"), _("Scope"), _("Paper"), _("Lang."), _("Pages"),
              _("Issued by"), _("Issued at"), _("Corrects"))
    rows = [(i.number, i.report_date.isoformat(), i.scope, i.paper.upper(), i.lang,
             str(i.pages), i.issued_by, format_datetime_wib(i.issued_at), i.corrects or "")
            for i in items]
    widths = [max(len(str(r[c])) for r in [header, *rows]) for c in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    return 0
