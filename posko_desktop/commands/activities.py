"""posko activity add|list|show|update|delete|conflicts|resolve|export: the desk's own
activities.

Times are entered in WIB as "YYYY-MM-DD HH:MM"; JSON output (docs/cli-json.md) gives them
in ISO 8601 with the WIB offset, like the incident commands.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import iso, parse_day, parse_time, print_table, wib_text
from posko_desktop.core.domain import ActivityKind, ValidationError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import activities as svc
from posko_desktop.core.services.activities import ActivityFilter, ActivityInfo, ActivityInput
from posko_desktop.core.services.sync import records as sync_records
from posko_desktop.core.services.sync.results import RecordConflictInfo
from posko_desktop.core.spreadsheets.activities import export_activities
from posko_desktop.core.sync.kinds import ACTIVITIES
from posko_desktop.core.timeutil import wib_range

KINDS = [k.value for k in ActivityKind]


def _add_fields(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--kind", required=required, choices=KINDS, help=_("kind of activity"))
    p.add_argument("--title", required=required, help=_("short title"))
    p.add_argument("--start", required=required, metavar="'YYYY-MM-DD HH:MM'",
                   help=_("when it started (WIB)"))
    p.add_argument("--end", metavar="'YYYY-MM-DD HH:MM'",
                   help=_("when it ended (WIB; optional)"))
    p.add_argument("--regency", action="append", metavar="CODE",
                   help=_("regency code, e.g. 33.74 (repeatable)"))
    p.add_argument("--partner", action="append", metavar="NAME",
                   help=_("partner involved: an agency code (POLRI, BAWASLU ...) or a name "
                          "such as FKUB (repeatable)"))
    p.add_argument("--result", help=_("short result"))
    p.add_argument("--kecamatan", metavar="CODE",
                   help=_("kecamatan code, e.g. 33.22.08: a kecamatan of a regency named with "
                          "--regency (\"\" clears it)"))
    p.add_argument("--desa", metavar="CODE",
                   help=_("desa/kelurahan code, e.g. 33.22.08.2004: a desa of the kecamatan "
                          "(\"\" clears it)"))
    p.add_argument("--unit", metavar="CODE",
                   help=_("the agency/OPD that reported it, by its unit code (e.g. POLDA); "
                          "\"\" or none: the desk or the regency/city office"))


def _add_filter(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                   help=_("first day (WIB) of the activities"))
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD",
                   help=_("last day (WIB) of the activities"))
    p.add_argument("--kind", choices=KINDS, help=_("kind of activity"))
    p.add_argument("--regency", metavar="CODE", help=_("only activities naming this regency"))


def _add_if_version(p: argparse.ArgumentParser) -> None:
    p.add_argument("--if-version", metavar="VERSION",
                   help=_("the version you read (show --format json: version); refused (exit "
                          "code 2) if the activity was changed since"))


def add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("output format (default: text)"))


def register(sub: argparse._SubParsersAction) -> None:
    top = sub.add_parser("activity", help=_("record, list and show the desk's own activities"))
    asub = top.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = asub.add_parser("add", help=_("record an activity of the desk"))
    _add_fields(p, required=True)
    p.add_argument("--attach", action="append", metavar="FILE", type=Path,
                   help=_("attach a photo or document (PNG, JPEG, GIF, WebP, PDF; repeatable)"))
    add_output(p)
    p.set_defaults(handler=cmd_add)

    p = asub.add_parser("list", help=_("list activities"))
    _add_filter(p)
    p.add_argument("--deleted", action="store_true", help=_("include deleted activities"))
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("output format (default: table)"))
    p.set_defaults(handler=cmd_list)

    p = asub.add_parser("show", help=_("show one activity"))
    p.add_argument("ref", metavar="NUMBER_OR_ID", help=_("activity number or id"))
    add_output(p)
    p.set_defaults(handler=cmd_show)

    p = asub.add_parser("update", help=_("change the fields of an activity"))
    p.add_argument("ref", metavar="NUMBER_OR_ID", help=_("activity number or id"))
    _add_fields(p, required=False)
    _add_if_version(p)
    add_output(p)
    p.set_defaults(handler=cmd_update)

    p = asub.add_parser("delete", help=_("delete an activity (supervisors), or --restore it"))
    p.add_argument("ref", metavar="NUMBER_OR_ID", help=_("activity number or id"))
    p.add_argument("--reason", default="", help=_("reason"))
    p.add_argument("--restore", action="store_true", help=_("restore a deleted activity"))
    _add_if_version(p)
    add_output(p)
    p.set_defaults(handler=cmd_delete)

    add_conflict_commands(asub, ACTIVITIES.name, _("list conflicts of activities from sync"),
                          N_("Activity"))

    p = asub.add_parser("export", help=_("write the activities to an Excel file (XLSX)"))
    p.add_argument("out", type=Path, metavar="FILE.xlsx", help=_("file to write"))
    _add_filter(p)
    p.set_defaults(handler=cmd_export)


def activity_json(a: ActivityInfo) -> dict[str, Any]:
    return {
        "id": str(a.id), "number": a.number, "origin_site": a.origin_site, "kind": a.kind,
        "kind_label": a.kind_label, "title": a.title, "started_at": iso(a.started_at),
        "ended_at": iso(a.ended_at), "regencies": list(a.regencies),
        "partners": list(a.partners), "result": a.result,
        "kecamatan_code": a.kecamatan_code, "desa_code": a.desa_code, "place": a.place_text,
        "reporting_unit": a.reporting_unit,
        "attachments": [{"sha256": x.sha256, "filename": x.filename, "mime": x.mime,
                         "size": x.size} for x in a.attachments],
        "recorded_by": a.recorded_by, "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at), "updated_by": a.updated_by, "deleted": a.deleted,
        "version": a.version,
    }


def _values(args: argparse.Namespace) -> dict[str, Any]:
    """Only the fields given on the command line."""
    out: dict[str, Any] = {}
    if args.kind is not None:
        out["kind"] = args.kind
    if args.title is not None:
        out["title"] = args.title
    if args.start is not None:
        out["started_at"] = parse_time(args.start, "started_at")
    if args.end is not None:
        out["ended_at"] = parse_time(args.end, "ended_at") if args.end.strip() else None
    if args.regency is not None:
        out["regencies"] = args.regency
    if args.partner is not None:
        out["partners"] = args.partner
    if args.result is not None:
        out["result"] = args.result
    if args.kecamatan is not None:
        out["kecamatan_code"] = args.kecamatan.strip() or None
        out.setdefault("desa_code", None)  # a new kecamatan: the desa given with it, or none
    if args.desa is not None:
        out["desa_code"] = args.desa.strip() or None
    if args.unit is not None:
        out["reporting_unit"] = args.unit.strip() or None
    return out


def _filter(args: argparse.Namespace) -> ActivityFilter:
    first = parse_day(args.date_from, "from") if args.date_from else None
    last = parse_day(args.date_to, "to") if args.date_to else None
    if first and last and last < first:
        raise ValidationError(N_("The last day lies before the first"), field="to")
    start, end = wib_range(first, last)
    return ActivityFilter(start, end, args.kind, args.regency,
                          include_deleted=getattr(args, "deleted", False))


def _emit(args: argparse.Namespace, a: ActivityInfo, message: str) -> None:
    if args.format == "json":
        print_json(activity_json(a))
    else:
        print(message)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise ValidationError(N_("{file} cannot be read: {error}"), field="attach",
                              file=str(path), error=err.strerror or str(err)) from None


def cmd_add(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    files = [(p.name, _read(p)) for p in args.attach or ()]
    values = _values(args)
    values.setdefault("regencies", [])
    values.setdefault("partners", [])
    a = svc.add_activity(ctx, ActivityInput(**values))
    for name, data in files:
        a = svc.attach(ctx, a.id, name, data, expected_version=a.version)
    _emit(args, a, _("Activity {number} recorded (id {id})").format(number=a.number, id=a.id))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    rows = svc.list_activities(ctx, _filter(args))
    if args.format == "json":
        print_json({"count": len(rows), "activities": [activity_json(a) for a in rows]})
        return 0
    print_table([_("Number"), _("Start (WIB)"), _("Kind"), _("Regencies"), _("Title")],
                [[a.number + (" †" if a.deleted else ""), wib_text(a.started_at), a.kind_label,
                  ", ".join(a.regencies), a.title] for a in rows])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    a = svc.get_activity(ctx, svc.resolve_ref(ctx, args.ref))
    if args.format == "json":
        print_json(activity_json(a))
        return 0
    end = " – " + wib_text(a.ended_at) if a.ended_at else ""
    lines = [
        "{n}  {t}".format(n=a.number, t=a.title),
        "{k}: {v}".format(k=_("Kind"), v=a.kind_label),
        "{k}: {v}{e} WIB".format(k=_("Time"), v=wib_text(a.started_at), e=end),
        "{k}: {v}".format(k=_("Regencies"), v=", ".join(a.regencies) or "—"),
        "{k}: {v}".format(k=_("Partners"), v=", ".join(a.partners) or "—"),
        "{k}: {v}".format(k=_("Place"), v=a.place_text or "—"),
        "{k}: {v}".format(k=_("Result"), v=a.result or "—"),
    ]
    lines += ["{k}: {f} ({m}, {s} B)".format(k=_("Attachment"), f=x.filename, m=x.mime, s=x.size)
              for x in a.attachments]
    if a.deleted:
        lines.append(_("Deleted"))
    print("\n".join(lines))
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    """Sends only the fields given; the version read now (or --if-version) guards it."""
    ctx = open_context(args)
    activity_id = svc.resolve_ref(ctx, args.ref)
    base = args.if_version or svc.get_activity(ctx, activity_id).version
    a = svc.update_activity(ctx, activity_id, _values(args), expected_version=base)
    _emit(args, a, _("Activity {number} updated").format(number=a.number))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    activity_id = svc.resolve_ref(ctx, args.ref)
    base = args.if_version or svc.get_activity(ctx, activity_id).version
    a = svc.set_deleted(ctx, activity_id, not args.restore, args.reason,
                        expected_version=base)
    message = (_("Activity {number} restored") if args.restore
               else _("Activity {number} deleted"))
    _emit(args, a, message.format(number=a.number))
    return 0


def conflict_json(c: RecordConflictInfo) -> dict[str, Any]:
    return {"id": c.id, "record_id": str(c.record_id), "record": c.label, "field": c.field,
            "kept_value": c.kept_value, "kept_stamp": c.kept_stamp,
            "lost_value": c.lost_value, "lost_stamp": c.lost_stamp, "lost_site": c.lost_site,
            "package_id": c.package_id, "detected_at": iso(c.detected_at),
            "resolved": c.resolved, "resolution": c.resolution}


def add_conflict_commands(sub: argparse._SubParsersAction, kind: str | tuple[str, ...],
                          list_help: str, record_header: str) -> None:
    """`conflicts` and `resolve` of a record type of `sync.kinds` (activities, stage
    reports ...; several: the baseline sheets); `record_header` is the msgid of the table's
    record column."""
    p = sub.add_parser("conflicts", help=list_help)
    p.add_argument("--all", action="store_true", help=_("include resolved conflicts"))
    add_output(p)
    p.set_defaults(handler=cmd_conflicts, conflict_kind=kind, record_header=record_header)

    p = sub.add_parser("resolve", help=_("resolve a conflict (supervisors): keep the value "
                                         "in effect, or take the one that lost"))
    p.add_argument("conflict", type=int, metavar="ID", help=_("conflict number"))
    p.add_argument("choice", choices=("keep", "take"), help=_("keep or take"))
    add_output(p)
    p.set_defaults(handler=cmd_resolve)


def cmd_conflicts(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    kinds = args.conflict_kind if isinstance(args.conflict_kind, tuple) else (args.conflict_kind,)
    found = [c for kind in kinds
             for c in sync_records.list_conflicts(ctx, kind, include_resolved=args.all)]
    if args.format == "json":
        print_json({"count": len(found), "conflicts": [conflict_json(c) for c in found]})
        return 0
    print_table(["#", _(args.record_header), _("Field"), _("Current value"), _("Other value"),
                 _("From site")],
                [[str(c.id), c.label, c.field, str(c.kept_value), str(c.lost_value),
                  c.lost_site] for c in found])
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    c = sync_records.resolve_conflict(ctx, args.conflict, args.choice)
    if args.format == "json":
        print_json(conflict_json(c))
    else:
        print(_("Conflict {id} resolved ({choice})").format(id=c.id, choice=args.choice))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    count = export_activities(ctx, _filter(args), args.out)
    print(_("{count} activities written to {file}").format(count=count, file=args.out))
    return 0
