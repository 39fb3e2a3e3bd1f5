"""posko progress set|show|list|update|delete|conflicts|resolve|template|import: the stages
of voting day and after, per regency (docs/cli-json.md, "posko progress").

Times are entered in WIB as "YYYY-MM-DD HH:MM" (default: now); JSON output gives them in
ISO 8601 with the WIB offset, like the incident commands.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from posko_desktop.commands.activities import add_conflict_commands, add_output
from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import iso, parse_time, print_table, wib_text
from posko_desktop.core.domain import ProgressStage, ValidationError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.i18n import current_language as current_lang
from posko_desktop.core.services import stage_progress as svc
from posko_desktop.core.services.reference import normalize_regency_code
from posko_desktop.core.services.stage_progress import (
    ProgressBoard,
    StageReportInfo,
    StageReportInput,
)
from posko_desktop.core.spreadsheets import stage_progress as workbook
from posko_desktop.core.sync.kinds import STAGE_REPORTS

STAGES = [st.value for st in ProgressStage]


def _add_if_version(p: argparse.ArgumentParser) -> None:
    p.add_argument("--if-version", metavar="VERSION",
                   help=_("the version you read (list --format json: version); refused (exit "
                          "code 2) if the report was changed since"))


def _add_counts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--done", type=int, metavar="N",
                   help=_("how many are done (TPS reporting, kecamatan finished, PSU held, "
                          "disputes decided ...)"))
    p.add_argument("--of", dest="total", type=int, metavar="N",
                   help=_("of how many (default: the total of the last report of the stage)"))
    p.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'",
                   help=_("as of when (WIB; default: now)"))
    p.add_argument("--note", help=_("short note"))


def register(sub: argparse._SubParsersAction) -> None:
    top = sub.add_parser("progress", help=_("the stages of voting day and after, per regency"))
    psub = top.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = psub.add_parser("set", help=_("report where a stage of a regency stands"))
    p.add_argument("regency", metavar="CODE", help=_("regency code, e.g. 33.74"))
    p.add_argument("stage", choices=STAGES, help=_("stage"))
    _add_counts(p)
    yes_no = p.add_mutually_exclusive_group()
    yes_no.add_argument("--yes", action="store_true",
                        help=_("a yes/no stage is complete (done 1 of 1)"))
    yes_no.add_argument("--no", action="store_true",
                        help=_("a yes/no stage is not complete (done 0 of 1)"))
    add_output(p)
    p.set_defaults(handler=cmd_set)

    p = psub.add_parser("show", help=_("the board: every regency and stage, or one regency"))
    p.add_argument("--regency", metavar="CODE", help=_("one regency: its reports, newest first"))
    p.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'",
                   help=_("as it stood then (WIB; default: now)"))
    add_output(p)
    p.set_defaults(handler=cmd_show)

    p = psub.add_parser("list", help=_("list stage reports, newest first"))
    p.add_argument("--regency", metavar="CODE", help=_("only this regency"))
    p.add_argument("--stage", choices=STAGES, help=_("only this stage"))
    p.add_argument("--deleted", action="store_true", help=_("include deleted reports"))
    add_output(p)
    p.set_defaults(handler=cmd_list)

    p = psub.add_parser("update", help=_("correct a stage report"))
    p.add_argument("ref", metavar="NUMBER_OR_ID", help=_("report number or id"))
    _add_counts(p)
    _add_if_version(p)
    add_output(p)
    p.set_defaults(handler=cmd_update)

    p = psub.add_parser("delete", help=_("delete a stage report (supervisors), or --restore it"))
    p.add_argument("ref", metavar="NUMBER_OR_ID", help=_("report number or id"))
    p.add_argument("--reason", default="", help=_("reason"))
    p.add_argument("--restore", action="store_true", help=_("restore a deleted report"))
    _add_if_version(p)
    add_output(p)
    p.set_defaults(handler=cmd_delete)

    add_conflict_commands(psub, STAGE_REPORTS.name,
                          _("list conflicts of stage reports from sync"), N_("Report"))

    p = psub.add_parser("template", help=_("write the Excel workbook the regencies fill in"))
    p.add_argument("out", type=Path, metavar="FILE.xlsx", help=_("file to write"))
    p.add_argument("--regency", metavar="CODE", help=_("only the rows of this regency"))
    p.set_defaults(handler=cmd_template)

    p = psub.add_parser("import", help=_("import a filled-in stage progress workbook"))
    p.add_argument("file", type=Path, metavar="FILE.xlsx", help=_("file to read"))
    p.add_argument("--dry-run", action="store_true", help=_("check only, import nothing"))
    add_output(p)
    p.set_defaults(handler=cmd_import)


def report_json(r: StageReportInfo) -> dict[str, Any]:
    return {"id": str(r.id), "number": r.number, "origin_site": r.origin_site,
            "regency": r.regency, "stage": r.stage, "as_of": iso(r.as_of), "done": r.done,
            "total": r.total, "complete": r.complete, "note": r.note,
            "recorded_by": r.recorded_by, "created_at": iso(r.created_at),
            "updated_at": iso(r.updated_at), "updated_by": r.updated_by,
            "deleted": r.deleted, "version": r.version}


def board_json(b: ProgressBoard) -> dict[str, Any]:
    rows = []
    for g in b.regencies:
        cells = {}
        for st in ProgressStage:
            r = b.cell(g.code, st)
            cells[st.value] = None if r is None else {
                "done": r.done, "total": r.total, "complete": r.complete,
                "as_of": iso(r.as_of), "number": r.number}
        rows.append({"regency": g.code, "name": g.full_name, "stages": cells})
    return {"at": iso(b.at), "stages": STAGES, "regencies": rows,
            "complete": {st.value: b.complete_count(st) for st in ProgressStage}}


def _counts(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if getattr(args, "yes", False) or getattr(args, "no", False):
        out["done"], out["total"] = (1 if args.yes else 0), 1
    if args.done is not None:
        out["done"] = args.done
    if args.total is not None:
        out["total"] = args.total
    if args.at is not None:
        out["as_of"] = parse_time(args.at, "as_of")
    if args.note is not None:
        out["note"] = args.note
    return out


def _regency(text: str) -> str:
    code = normalize_regency_code(text)
    if code is None:
        raise ValidationError(N_("Unknown regency code {code}"), field="regency", code=text)
    return code


def _emit(args: argparse.Namespace, r: StageReportInfo, message: str) -> None:
    if args.format == "json":
        print_json(report_json(r))
    else:
        print(message)


def cmd_set(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    values = _counts(args)
    if "done" not in values:
        raise ValidationError(N_("Give --done N (or --yes/--no for a yes/no stage)"),
                              field="done")
    r = svc.report_stage(ctx, StageReportInput(
        args.regency, args.stage, values.get("as_of", ctx.now()), values["done"],
        values.get("total"), values.get("note", "")))
    _emit(args, r, _("Stage report {number}: {regency} {stage} {done}/{total}").format(
        number=r.number, regency=r.regency, stage=r.stage, done=r.done, total=r.total))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    at = parse_time(args.at, "at") if args.at else None
    if args.regency:
        rows = svc.list_reports(ctx, regency=_regency(args.regency), until=at)
        return _print_reports(args, rows)
    b = svc.board(ctx, at)
    if args.format == "json":
        print_json(board_json(b))
        return 0
    lang = current_lang()
    print_table([_("Regency/city"), *(st.short_in(lang) for st in ProgressStage)],
                [[g.full_name, *(svc.cell_text(b.cell(g.code, st), st, lang) for st in ProgressStage)]
                 for g in b.regencies])
    return 0


def _print_reports(args: argparse.Namespace, rows: list[StageReportInfo]) -> int:
    if args.format == "json":
        print_json({"count": len(rows), "reports": [report_json(r) for r in rows]})
        return 0
    print_table([_("Number"), _("As of (WIB)"), _("Regency"), _("Stage"), _("Done"), _("Of"),
                 _("Note")],
                [[r.number + (" †" if r.deleted else ""), wib_text(r.as_of), r.regency,
                  r.stage, str(r.done), str(r.total), r.note] for r in rows])
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    rows = svc.list_reports(ctx, regency=_regency(args.regency) if args.regency else None,
                            stage=args.stage, include_deleted=args.deleted)
    return _print_reports(args, rows)


def cmd_update(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    report_id = svc.resolve_ref(ctx, args.ref)
    base = args.if_version or svc.get_report(ctx, report_id).version
    r = svc.update_report(ctx, report_id, _counts(args), expected_version=base)
    _emit(args, r, _("Stage report {number} updated").format(number=r.number))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    report_id = svc.resolve_ref(ctx, args.ref)
    base = args.if_version or svc.get_report(ctx, report_id).version
    r = svc.set_deleted(ctx, report_id, not args.restore, args.reason, expected_version=base)
    message = (_("Stage report {number} restored") if args.restore
               else _("Stage report {number} deleted"))
    _emit(args, r, message.format(number=r.number))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    regency = _regency(args.regency) if args.regency else None
    workbook.write_template(ctx, args.out, regency, lang=current_lang())
    print(_("Template written to {path}").format(path=args.out))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    rep = workbook.import_workbook(ctx, args.file, dry_run=args.dry_run)
    lang = current_lang()
    if args.format == "json":
        print_json({"rows": rep.rows, "dry_run": rep.dry_run,
                    "imported": 0 if rep.dry_run else len(rep.recorded),
                    "known_rows": list(rep.known_rows),
                    "reports": [report_json(r) for r in rep.recorded],
                    "problems": [{"row": p.row, "column": _(p.column),
                                  "message": p.text_in(lang)} for p in rep.problems]})
    else:
        for p in rep.problems:
            print(_("Row {row}, column \"{column}\": {message}").format(
                row=p.row, column=_(p.column), message=p.text_in(lang)))
        if rep.problems:
            print(_("{count} problem(s); nothing was imported").format(count=len(rep.problems)))
        elif rep.dry_run:
            print(_("{count} row(s) valid; nothing imported (dry run)").format(
                count=len(rep.recorded)))
        else:
            print(_("{count} stage report(s) imported, {known} known row(s) skipped").format(
                count=len(rep.recorded), known=len(rep.known_rows)))
    return 2 if rep.problems else 0
