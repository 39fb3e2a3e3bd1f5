"""posko places match-report, posko export-geo (issue 17: places as data)."""

from __future__ import annotations

import argparse
from dataclasses import replace

from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import add_filter_arguments, filter_from_args, print_table
from posko_desktop.core.i18n import _
from posko_desktop.core.services import geo
from posko_desktop.core.services import places as place_service
from posko_desktop.core.textrules import format_int

OUTCOMES = ("matched", "not_coded", "ambiguous", "unknown", "empty")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("places", help=_("kecamatan and desa/kelurahan by code"))
    psub = p.add_subparsers(dest="places_command", required=True)
    m = psub.add_parser("match-report",
                        help=_("how the incidents' kecamatan and desa names match the list"))
    m.add_argument("--top", type=int, default=20, help=_("names without a code to list"))
    m.add_argument("--format", choices=("text", "json"), default="text")
    m.set_defaults(handler=cmd_match_report)

    g = sub.add_parser("export-geo", help=_("incidents with coordinates as a GeoJSON file"))
    add_filter_arguments(g)
    g.add_argument("--deleted", action="store_true", help=_("only deleted incidents"))
    g.add_argument("--format", choices=("geojson",), default="geojson",
                   help=_("file format (GeoJSON, RFC 7946)"))
    g.add_argument("--out", required=True, metavar="FILE", help=_("the file to write"))
    g.add_argument("--tps", action="store_true",
                   help=_("add the TPS of the register with coordinates (of the --regency "
                          "given), with the current baseline's classes"))
    g.set_defaults(handler=cmd_export_geo)


def cmd_match_report(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    report = place_service.match_report(ctx, args.top)
    if args.format == "json":
        print_json({
            "incidents": report.incidents, "without_place": report.without_place,
            "kecamatan": {k: report.kecamatan.get(k, 0) for k in OUTCOMES},
            "desa": {k: report.desa.get(k, 0) for k in OUTCOMES},
            "unmatched": [{"regency_code": r, "kecamatan": k, "desa": d, "reason": why,
                           "incidents": n}
                          for (r, k, d, why), n in report.unmatched.items()],
        })
        return 0
    print(_("Incidents: {n}, of them without kecamatan or desa: {m}").format(
        n=format_int(report.incidents), m=format_int(report.without_place)))
    labels = {"matched": _("with its code"), "not_coded": _("matches, no code yet"),
              "ambiguous": _("ambiguous (several places)"), "unknown": _("not in the list"),
              "empty": _("not given")}
    print_table([_("Outcome"), _("Kecamatan"), _("Desa/kelurahan")],
                [[labels[k], format_int(report.kecamatan.get(k, 0)),
                  format_int(report.desa.get(k, 0))] for k in OUTCOMES])
    if report.unmatched:
        print()
        print_table([_("Regency"), _("Kecamatan"), _("Desa/kelurahan"), _("Outcome"),
                     _("Incidents")],
                    [[r, k, d, labels[why], format_int(n)]
                     for (r, k, d, why), n in report.unmatched.items()])
    return 0


def cmd_export_geo(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    flt = filter_from_args(ctx, args)
    if args.deleted:
        flt = replace(flt, deleted_only=True)
    result = geo.export_geojson(ctx, flt, args.out, with_tps=args.tps)
    print(_("{n} incidents with coordinates written to {path} ({m} without coordinates "
            "left out)").format(n=format_int(result.features), path=result.path,
                                m=format_int(result.without_coordinates)))
    if args.tps:
        print(_("{n} TPS with coordinates written").format(n=format_int(result.tps)))
    return 0
