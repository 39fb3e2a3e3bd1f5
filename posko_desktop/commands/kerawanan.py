"""posko contest …, posko tps …, posko baseline …: the contests and their candidate pairs,
the TPS register and the vulnerability baseline (issue 17; docs/kerawanan.md). JSON output
is documented in docs/cli-json.md."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from posko_desktop.commands.activities import add_conflict_commands
from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import iso, print_table
from posko_desktop.core.i18n import N_, _, current_language
from posko_desktop.core.services import baseline, contests, tps_register
from posko_desktop.core.services.baseline import BaselineKind, ImportInfo
from posko_desktop.core.services.contests import PairInfo, PairInput
from posko_desktop.core.spreadsheets import contests as pair_sheets
from posko_desktop.core.spreadsheets.tables import TableRowsError, write_template
from posko_desktop.core.sync.kinds import IKP_SHEETS, POLDA_SHEETS, TPS_RAWAN_SHEETS, TPS_SHEETS

SHEET_KINDS = tuple(k.name for k in (TPS_SHEETS, TPS_RAWAN_SHEETS, POLDA_SHEETS, IKP_SHEETS))

T = TypeVar("T")


def _output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("output format (default: text)"))


def _if_version(p: argparse.ArgumentParser) -> None:
    p.add_argument("--if-version", metavar="VERSION",
                   help=_("the version you read (--format json: version); refused (exit code "
                          "2) if the pair was changed since"))


def _pair_fields(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--contest", required=required, metavar="CODE",
                   help=_("33 (governor election) or the regency code, e.g. 33.74"))
    p.add_argument("--ballot", required=required, type=int, metavar="N",
                   help=_("the pair's number on the ballot"))
    p.add_argument("--head", required=required, metavar="NAME", help=_("the candidate"))
    p.add_argument("--deputy", required=required, metavar="NAME", help=_("the running mate"))
    p.add_argument("--party", action="append", metavar="NAME",
                   help=_("a supporting party (repeatable)"))


def register(sub: argparse._SubParsersAction) -> None:
    top = sub.add_parser("contest", help=_("the 36 contests and their candidate pairs"))
    csub = top.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = csub.add_parser("list", help=_("list the contests with their pairs"))
    _output(p)
    p.set_defaults(handler=cmd_contests)
    p = csub.add_parser("add-pair", help=_("add a candidate pair (administrators)"))
    _pair_fields(p, required=True)
    _output(p)
    p.set_defaults(handler=cmd_add_pair)
    p = csub.add_parser("update-pair", help=_("change a candidate pair (administrators)"))
    p.add_argument("ref", metavar="PAIR", help=_("pair number (PAS-…), id or CONTEST/BALLOT"))
    _pair_fields(p, required=False)
    _if_version(p)
    _output(p)
    p.set_defaults(handler=cmd_update_pair)
    p = csub.add_parser("delete-pair", help=_("delete a candidate pair, or --restore it"))
    p.add_argument("ref", metavar="PAIR", help=_("pair number (PAS-…), id or CONTEST/BALLOT"))
    p.add_argument("--restore", action="store_true", help=_("restore a deleted pair"))
    _if_version(p)
    _output(p)
    p.set_defaults(handler=cmd_delete_pair)
    p = csub.add_parser("template", help=_("write the candidate pairs' Excel template"))
    p.add_argument("out", type=Path, metavar="FILE.xlsx", help=_("file to write"))
    p.set_defaults(handler=cmd_pair_template)
    p = csub.add_parser("import", help=_("import candidate pairs from the template (XLSX/CSV)"))
    p.add_argument("file", type=Path, metavar="FILE", help=_("file to import"))
    _output(p)
    p.set_defaults(handler=cmd_pair_import)

    top = sub.add_parser("tps", help=_("the TPS register"))
    tsub = top.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = tsub.add_parser("import", help=_("import TPS from the template (XLSX/CSV)"))
    p.add_argument("file", type=Path, metavar="FILE", help=_("file to import"))
    _output(p)
    p.set_defaults(handler=cmd_tps_import)
    p = tsub.add_parser("template", help=_("write the TPS register's Excel template"))
    p.add_argument("out", type=Path, metavar="FILE.xlsx", help=_("file to write"))
    p.set_defaults(handler=cmd_tps_template)
    p = tsub.add_parser("list", help=_("list TPS of a regency, kecamatan or desa"))
    p.add_argument("--regency", metavar="CODE")
    p.add_argument("--kecamatan", metavar="CODE")
    p.add_argument("--desa", metavar="CODE")
    _output(p)
    p.set_defaults(handler=cmd_tps_list)

    top = sub.add_parser("baseline", help=_("the vulnerability baseline: IKP, TPS-rawan, "
                                             "Polda classes"))
    bsub = top.add_subparsers(dest="action", metavar="ACTION", required=True)
    kinds = [k.value for k in BaselineKind]
    p = bsub.add_parser("import", help=_("import a baseline file as a new version"))
    p.add_argument("kind", choices=kinds, help=_("ikp, tps_rawan or polda"))
    p.add_argument("file", type=Path, metavar="FILE", help=_("file to import"))
    p.add_argument("--label", default="", help=_("name of the version, e.g. IKP 2024"))
    _output(p)
    p.set_defaults(handler=cmd_baseline_import)
    p = bsub.add_parser("template", help=_("write a baseline template"))
    p.add_argument("kind", choices=kinds, help=_("ikp, tps_rawan or polda"))
    p.add_argument("out", type=Path, metavar="FILE.xlsx", help=_("file to write"))
    p.set_defaults(handler=cmd_baseline_template)
    p = bsub.add_parser("versions", help=_("list the imported versions, newest first"))
    _output(p)
    p.set_defaults(handler=cmd_baseline_versions)
    p = bsub.add_parser("show", help=_("the current baseline per regency and kecamatan"))
    _output(p)
    p.set_defaults(handler=cmd_baseline_show)
    add_conflict_commands(bsub, SHEET_KINDS, _("list conflicts of the TPS register and the "
                                               "baseline from sync"), N_("Sheet"))


# --- contests -------------------------------------------------------------------------------


def pair_json(p: PairInfo) -> dict[str, Any]:
    return {"id": str(p.id), "number": p.number, "origin_site": p.origin_site,
            "contest_code": p.contest_code, "ballot_number": p.ballot_number, "head": p.head,
            "deputy": p.deputy, "parties": list(p.parties), "updated_at": iso(p.updated_at),
            "updated_by": p.updated_by, "deleted": p.deleted, "version": p.version}


def cmd_contests(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    rows = contests.list_contests(ctx)
    pairs: dict[str, list[PairInfo]] = {}
    for p in contests.list_pairs(ctx):
        pairs.setdefault(p.contest_code, []).append(p)
    if args.format == "json":
        print_json({"count": len(rows), "contests": [
            {"code": c.code, "kind": c.kind, "name": c.name,
             "pairs": [pair_json(p) for p in pairs.get(c.code, [])]} for c in rows]})
        return 0
    print_table([_("Code"), _("Contest"), _("Pairs")],
                [[c.code, c.name, "; ".join("{n}. {names}".format(n=p.ballot_number,
                                                                  names=p.names)
                                           for p in pairs.get(c.code, [])) or "—"]
                 for c in rows])
    return 0


def _pair_values(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for arg, name in (("contest", "contest_code"), ("ballot", "ballot_number"),
                      ("head", "head"), ("deputy", "deputy"), ("party", "parties")):
        if getattr(args, arg) is not None:
            out[name] = getattr(args, arg)
    return out


def _emit_pair(args: argparse.Namespace, p: PairInfo, message: str) -> None:
    if args.format == "json":
        print_json(pair_json(p))
    else:
        print(message)


def cmd_add_pair(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    values = _pair_values(args)
    values.setdefault("parties", [])
    p = contests.add_pair(ctx, PairInput(**values))
    _emit_pair(args, p, _("Candidate pair {number} recorded: {contest} no. {ballot}").format(
        number=p.number, contest=p.contest_code, ballot=p.ballot_number))
    return 0


def cmd_update_pair(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    pair_id = contests.resolve_ref(ctx, args.ref)
    version = args.if_version or contests.get_pair(ctx, pair_id).version
    p = contests.update_pair(ctx, pair_id, _pair_values(args), expected_version=version)
    _emit_pair(args, p, _("Candidate pair {number} saved").format(number=p.number))
    return 0


def cmd_delete_pair(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    pair_id = contests.resolve_ref(ctx, args.ref)
    version = args.if_version or contests.get_pair(ctx, pair_id).version
    p = contests.set_deleted(ctx, pair_id, not args.restore, expected_version=version)
    _emit_pair(args, p, (_("Candidate pair {number} restored") if args.restore
                         else _("Candidate pair {number} deleted")).format(number=p.number))
    return 0


def cmd_pair_template(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    out = pair_sheets.write_template(ctx, args.out)
    print(_("Template written to {path}").format(path=out))
    return 0


def _row_report(args: argparse.Namespace, err: TableRowsError) -> None:
    """The row-level report of a refused import, then the refusal itself (exit code 2)."""
    if getattr(args, "format", "text") == "json":
        print_json({"imported": False, "problems": [p.as_json() for p in err.problems]})
        return
    for p in err.problems:
        print("  " + _("row {row}, column \"{column}\": {problem}").format(
            row=p.row, column=p.column or "-", problem=p.text_in(current_language())),
            file=sys.stderr)


def _reported(args: argparse.Namespace, job: Callable[..., T], *job_args: Any) -> T:
    """Run an import; a file with bad rows prints its row-level report, then the refusal
    (exit code 2)."""
    try:
        return job(*job_args)
    except TableRowsError as err:
        _row_report(args, err)
        raise


def cmd_pair_import(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    r = _reported(args, pair_sheets.import_pairs, ctx, args.file)
    if args.format == "json":
        print_json({"imported": True, "added": r.added, "updated": r.updated,
                    "unchanged": r.unchanged})
    else:
        print(_("Candidate pairs: {added} new, {updated} changed, {unchanged} unchanged").format(
            added=r.added, updated=r.updated, unchanged=r.unchanged))
    return 0


# --- TPS ------------------------------------------------------------------------------------


def cmd_tps_import(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    r = _reported(args, tps_register.import_register, ctx, args.file)
    if args.format == "json":
        print_json({"imported": True, "rows": r.rows, "added": r.added, "changed": r.changed,
                    "removed": r.removed, "unchanged": r.unchanged})
    else:
        print(_("TPS register: {rows} rows; {added} new, {changed} changed, {removed} removed, "
                "{unchanged} unchanged").format(rows=r.rows, added=r.added, changed=r.changed,
                                                removed=r.removed, unchanged=r.unchanged))
    return 0


def cmd_tps_template(args: argparse.Namespace) -> int:
    out = write_template(args.out, "TPS", tps_register.COLUMNS)
    print(_("Template written to {path}").format(path=out))
    return 0


def cmd_tps_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    rows = tps_register.list_tps(ctx, args.regency, args.kecamatan, args.desa)
    if args.format == "json":
        print_json({"count": len(rows), "tps": [
            {"desa_code": t.desa_code, "number": t.number, "kecamatan_code": t.kecamatan_code,
             "regency_code": t.regency_code, "dpt": t.dpt, "address": t.address,
             "latitude": t.latitude, "longitude": t.longitude} for t in rows]})
        return 0
    print_table([_("Desa"), _("TPS"), _("DPT"), _("Address")],
                [[t.desa_code, str(t.number), str(t.dpt), t.address] for t in rows])
    return 0


# --- baseline -------------------------------------------------------------------------------


def version_json(v: ImportInfo) -> dict[str, Any]:
    return {"id": v.id, "kind": v.kind, "label": v.label, "rows": v.rows, "sha256": v.sha256,
            "current": v.current, "imported_at": iso(v.imported_at), "imported_by": v.imported_by}


def cmd_baseline_import(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    r = _reported(args, baseline.import_baseline, ctx, args.kind, args.file, args.label)
    if args.format == "json":
        print_json({"imported": r.new, "version": version_json(r.version)})
    elif r.new:
        print(_("Imported as version {id}: {rows} rows").format(id=r.version.id,
                                                                  rows=r.version.rows))
    else:
        print(_("The file equals the current version {id}; nothing imported").format(
            id=r.version.id))
    return 0


def cmd_baseline_template(args: argparse.Namespace) -> int:
    kind = BaselineKind(args.kind)
    out = write_template(args.out, kind.value, baseline.COLUMNS_OF[kind])
    print(_("Template written to {path}").format(path=out))
    return 0


def cmd_baseline_versions(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    rows = baseline.list_imports(ctx)
    if args.format == "json":
        print_json({"count": len(rows), "versions": [version_json(v) for v in rows]})
        return 0
    print_table([_("Version"), _("Kind"), _("Label"), _("Rows"), _("Current")],
                [[str(v.id), v.kind, v.label, str(v.rows), _("yes") if v.current else ""]
                 for v in rows])
    return 0


def cmd_baseline_show(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    b = baseline.baseline_summary(ctx)
    if args.format == "json":
        print_json({
            "versions": {k: version_json(v) for k, v in b.versions.items()},
            "regencies": [{"code": r.code, "ikp_score": r.ikp_score, "ikp_level": r.ikp_level,
                           "tps": r.tps, "tps_rawan": r.tps_rawan, "polda_rawan": r.polda_rawan,
                           "polda_sangat_rawan": r.polda_sangat_rawan,
                           "variables": r.variables} for r in b.regencies.values()],
            "kecamatan": [{"code": k.code, "regency_code": k.regency_code,
                           "tps_rawan": k.tps_rawan, "polda_rawan": k.polda_rawan,
                           "polda_sangat_rawan": k.polda_sangat_rawan} for k in b.kecamatan],
        })
        return 0
    print_table([_("Regency"), _("IKP"), _("Class"), _("TPS"), _("TPS rawan (Bawaslu)"),
                 _("Rawan (Polda)"), _("Sangat rawan (Polda)")],
                [[r.code, "" if r.ikp_score is None else "{:.2f}".format(r.ikp_score),
                  r.ikp_level or "", str(r.tps), str(r.tps_rawan), str(r.polda_rawan),
                  str(r.polda_sangat_rawan)] for r in b.regencies.values()])
    return 0
