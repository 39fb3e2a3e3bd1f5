"""posko stats: incident counts by regency, category, group, severity, status or day."""

from __future__ import annotations

import argparse
import csv
import sys

from posko_desktop.commands import dashboard as dashboard_cmd
from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import (
    add_filter_arguments,
    filter_from_args,
    print_table,
)
from posko_desktop.core.i18n import _
from posko_desktop.core.services import stats
from posko_desktop.core.textrules import format_int, neutralise_cell


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help=_("count incidents by regency, category, day …"))
    p.add_argument("--by", required=True, choices=stats.dimensions(),
                   help=_("what to count by"))
    add_filter_arguments(p)
    p.add_argument("--victims", action="store_true",
                   help=_("add the victims dead and injured of the counted incidents"))
    p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help=_("output format (default: table)"))
    p.set_defaults(handler=cmd_stats)


def cmd_stats(args: argparse.Namespace) -> int:
    if args.by == "level":  # situation level per regency (dashboard area, docs/dashboard.md)
        return dashboard_cmd.cmd_stats_level(args)
    ctx = open_context(args)
    flt = filter_from_args(ctx, args)
    rows = stats.counts_by(ctx, args.by, flt.date_from, flt.date_to, flt)
    total = stats.total(rows)
    victims = (stats.victims_by(ctx, args.by, flt.date_from, flt.date_to, flt)
               if args.victims else None)
    none = stats.Victims(0, 0)
    posts = any(r.posts is not None for r in rows)  # contest, pair: the posts beside

    def post_cells(r: stats.StatRow) -> list[int]:
        return [r.posts or 0] if posts else []

    def extra(key: str) -> list[int]:
        if victims is None:
            return []
        v = victims.get(key, none)
        return [v.dead, v.injured]

    sums = [sum(v.dead for v in victims.values()),
            sum(v.injured for v in victims.values())] if victims is not None else []
    if args.format == "json":
        doc = {
            "by": args.by,
            "from": flt.date_from.isoformat() if flt.date_from else None,
            "to": flt.date_to.isoformat() if flt.date_to else None,
            "total": total,
            "rows": [{"key": r.key, "label": r.label, "count": r.count,
                      **({"posts": r.posts or 0} if posts else {}),
                      **({"dead": extra(r.key)[0], "injured": extra(r.key)[1]}
                         if victims is not None else {})}
                     for r in rows],
        }
        if posts:
            doc["posts_total"] = sum(r.posts or 0 for r in rows)
        if victims is not None:
            doc["victims"] = {"dead": sums[0], "injured": sums[1]}
        print_json(doc)
    elif args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        heads = ("dead", "injured") if victims is not None else ()
        writer.writerow(("key", "label", "count", *(("posts",) if posts else ()), *heads))
        for r in rows:
            writer.writerow((neutralise_cell(r.key), neutralise_cell(r.label), r.count,
                             *post_cells(r), *extra(r.key)))
    else:
        titles = [_("Dead"), _("Injured")] if victims is not None else []
        print_table([_("Code"), _("Name"), _("Incidents"), *([_("Posts")] if posts else []),
                      *titles],
                    [[r.key, r.label, format_int(r.count), *map(format_int, post_cells(r)),
                      *map(format_int, extra(r.key))] for r in rows])
        print(_("Total: {total}").format(total=format_int(total)))
        if posts:
            print(_("Posts naming a contest: {total}").format(
                total=format_int(sum(r.posts or 0 for r in rows))))
        if victims is not None:
            print(_("Victims: {dead} dead, {injured} injured").format(
                dead=format_int(sums[0]), injured=format_int(sums[1])))
    return 0
