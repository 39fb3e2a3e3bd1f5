"""posko unit list|show|add|update: the reporting units (issue 18), the regency and city
offices and the agencies/OPD that report to the desk. JSON output: docs/cli-json.md."""

from __future__ import annotations

import argparse
from typing import Any

from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import iso, print_table
from posko_desktop.core.domain import Cadence, UnitType
from posko_desktop.core.i18n import _
from posko_desktop.core.services import units as svc
from posko_desktop.core.services.units import UnitInfo

CADENCES = [c.value for c in Cadence]


def register(sub: argparse._SubParsersAction) -> None:
    top = sub.add_parser("unit", help=_("reporting units: regency offices and agencies/OPD"))
    usub = top.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = usub.add_parser("list", help=_("list the reporting units"))
    p.add_argument("--all", action="store_true", help=_("include deactivated units"))
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("output format (default: table)"))
    p.set_defaults(handler=cmd_list)

    p = usub.add_parser("show", help=_("show one reporting unit"))
    p.add_argument("code", metavar="CODE", help=_("unit code, e.g. 33.74 or POLDA"))
    _add_output(p)
    p.set_defaults(handler=cmd_show)

    p = usub.add_parser("add", help=_("add an agency/OPD as a reporting unit (admin, at the "
                                      "province)"))
    p.add_argument("code", metavar="CODE", help=_("unit code: capitals, digits, hyphens "
                                                  "(e.g. DINSOS)"))
    p.add_argument("--name", required=True, help=_("name of the agency/OPD"))
    p.add_argument("--cadence", choices=CADENCES, default=Cadence.DAILY.value,
                   help=_("daily: reports every period by the cut-off; on_event: only when "
                          "something happens"))
    p.add_argument("--agency", metavar="CODE", help=_("the directory's agency code (optional)"))
    p.add_argument("--site", metavar="CODE",
                   help=_("the agency's own site (33.80 to 33.99), if it runs one"))
    _add_output(p)
    p.set_defaults(handler=cmd_add)

    p = usub.add_parser("update", help=_("change a reporting unit (admin)"))
    p.add_argument("code", metavar="CODE", help=_("unit code, e.g. 33.74 or POLDA"))
    p.add_argument("--name", help=_("name of the agency/OPD"))
    p.add_argument("--cadence", choices=CADENCES, help=_("daily or on_event"))
    p.add_argument("--agency", metavar="CODE", help=_("the directory's agency code ('' clears)"))
    p.add_argument("--site", metavar="CODE",
                   help=_("the agency's own site, 33.80 to 33.99 ('' clears)"))
    state = p.add_mutually_exclusive_group()
    state.add_argument("--deactivate", action="store_true",
                       help=_("the unit no longer reports (its code is never reused)"))
    state.add_argument("--activate", action="store_true", help=_("the unit reports again"))
    p.add_argument("--if-version", metavar="VERSION",
                   help=_("the version you read (show --format json: version); refused (exit "
                          "code 2) if the unit was changed since"))
    _add_output(p)
    p.set_defaults(handler=cmd_update)


def _add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("output format (default: text)"))


def unit_json(u: UnitInfo) -> dict[str, Any]:
    return {"id": str(u.id), "code": u.code, "name": u.name, "type": u.unit_type,
            "regency_code": u.regency_code, "cadence": u.cadence,
            "agency_code": u.agency_code, "active": u.active, "must_report": u.must_report,
            "site_code": u.site_code, "origin_site": u.origin_site,
            "updated_at": iso(u.updated_at),
            "updated_by": u.updated_by, "version": u.version}


def _row(u: UnitInfo) -> list[str]:
    return [u.code, u.name, UnitType(u.unit_type).label, Cadence(u.cadence).label,
            u.agency_code or "", _("yes") if u.active else _("no")]


def _emit(args: argparse.Namespace, u: UnitInfo, message: str | None = None) -> None:
    if args.format == "json":
        print_json(unit_json(u))
        return
    if message:
        print(message)
    print_table([_("Code"), _("Reporting unit"), _("Type"), _("Cadence"), _("Agency"),
                 _("Active")], [_row(u)])


def cmd_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    units = svc.list_units(ctx, include_inactive=args.all)
    if args.format == "json":
        print_json({"rows": [unit_json(u) for u in units]})
        return 0
    print_table([_("Code"), _("Reporting unit"), _("Type"), _("Cadence"), _("Agency"),
                 _("Active")], [_row(u) for u in units])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    _emit(args, svc.get_unit(ctx, args.code))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    u = svc.add_unit(ctx, args.code, args.name, args.cadence, args.agency, args.site)
    _emit(args, u, _("Reporting unit {code} added").format(code=u.code))
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    changes: dict[str, Any] = {}
    if args.name is not None:
        changes["name"] = args.name
    if args.cadence is not None:
        changes["cadence"] = args.cadence
    if args.agency is not None:
        changes["agency_code"] = args.agency
    if args.site is not None:
        changes["site_code"] = args.site or None
    if args.deactivate or args.activate:
        changes["active"] = bool(args.activate)
    version = args.if_version or svc.get_unit(ctx, args.code).version
    u = svc.update_unit(ctx, args.code, changes, expected_version=version)
    _emit(args, u, _("Reporting unit {code} saved").format(code=u.code))
    return 0
