"""posko chart / nihil / watch / warnings, and `posko stats --by level` (dashboard area).

    posko chart trend --from 2024-11-14 --to 2024-11-28 --out tren.png [--data tren.csv]
    posko chart tilemap --to 2024-11-27 --out peta.svg
    posko nihil --unit 33.01|POLDA [--date 2024-11-27] [--via telepon|paket] [--note TEXT]
    posko watch [--date 2024-11-27] [--format table|csv|json]
    posko warnings [--date 2024-11-27] [--format table|json]
    posko stats --by level [--to DATE | --at "YYYY-MM-DD HH:MM"] --format json
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from typing import Any

from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import (
    add_filter_arguments,
    filter_from_args,
    parse_day,
    print_table,
)
from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import (
    CategoryMode,
    HeatmapOrder,
    Level,
    NihilVia,
    ReportStatus,
    csv_text,
    levels_csv_rows,
    write_csv,
)
from posko_desktop.core.domain import UnitType, ValidationError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.reference import list_regencies
from posko_desktop.core.textrules import format_datetime_wib, format_number
from posko_desktop.core.timeutil import parse_wib, wib_day_start

CHART_KINDS = ("trend", "heatmap", "tilemap", "categories", "severity")
DEFAULT_DAYS = 14


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("chart", help=_("draw a dashboard chart to a PNG or SVG file"))
    p.add_argument("kind", choices=CHART_KINDS, help=_("which chart"))
    add_filter_arguments(p)
    p.add_argument("--out", required=True, metavar="FILE.png|FILE.svg",
                   help=_("output file; .png or .svg"))
    p.add_argument("--data", metavar="FILE.csv", help=_("also write the data behind the chart as CSV"))
    p.add_argument("--order", choices=[o.value for o in HeatmapOrder], default="code",
                   help=_("heat map rows by code or by total"))
    p.add_argument("--weighted", action="store_true",
                   help=_("heat map colour = severity-weighted score"))
    p.add_argument("--mode", choices=[m.value for m in CategoryMode], default="regency",
                   help=_("categories stacked per regency (top N) or per day"))
    p.add_argument("--top", type=int, default=10, help=_("number of regencies (categories chart)"))
    p.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'",
                   help=_("moment of the situation levels (WIB); default: end of --to"))
    p.add_argument("--title", help=_("chart title"))
    p.add_argument("--size", default="10x6", metavar="WxH", help=_("size in inches (default 10x6)"))
    p.add_argument("--dpi", type=int, default=150, help=_("PNG resolution (default 150)"))
    p.set_defaults(handler=cmd_chart)

    p = sub.add_parser("nihil", help=_("record that a reporting unit had nothing to report "
                                       "(Nihil)"))
    p.add_argument("--unit", "--regency", dest="unit", required=True, metavar="CODE",
                   help=_("reporting unit: a regency code (33.74) or an agency's unit code "
                          "(POLDA)"))
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help=_("report date of the period (default: the current period)"))
    p.add_argument("--via", choices=[v.value for v in NihilVia], default="telepon",
                   help=_("how it arrived: telepon (phone call) or paket (package)"))
    p.add_argument("--note", default="", help=_("note"))
    p.set_defaults(handler=cmd_nihil)

    p = sub.add_parser("watch", help=_("reporting watch: Masuk / Nihil / Belum per reporting "
                                       "unit"))
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help=_("report date of the period (default: the current period)"))
    p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help=_("output format (default: table)"))
    p.set_defaults(handler=cmd_watch)

    p = sub.add_parser("warnings", help=_("early warnings: regencies well above their baseline"))
    p.add_argument("--date", metavar="YYYY-MM-DD", help=_("day (WIB); default: today"))
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("output format (default: table)"))
    p.set_defaults(handler=cmd_warnings)


# --- posko chart -------------------------------------------------------------------------


def _range(ctx: AppContext, flt: IncidentFilter) -> tuple[date, date]:
    date_to = flt.date_to or dash.default_as_of(ctx)
    date_from = flt.date_from or date_to - timedelta(days=DEFAULT_DAYS - 1)
    return date_from, date_to


def _size(text: str) -> tuple[float, float]:
    try:
        w, h = (float(v) for v in text.lower().split("x"))
        if not (1 <= w <= 40 and 1 <= h <= 40):
            raise ValueError
    except ValueError:
        raise ValidationError(N_("Size must look like 10x6 (inches, 1 to 40)"), field="size") from None
    return w, h


def _moment(args: argparse.Namespace, date_to: date | None, now: datetime) -> datetime:
    """`--at` if given, else the end of `date_to` (WIB), else `now`."""
    if getattr(args, "at", None):
        try:
            return parse_wib(args.at)
        except ValueError:
            raise ValidationError(N_("Cannot read the time {value}; use YYYY-MM-DD HH:MM"),
                                  field="at", value=args.at) from None
    return wib_day_start(date_to + timedelta(days=1)) if date_to else now


def cmd_chart(args: argparse.Namespace) -> int:
    # matplotlib is imported only when a chart is drawn (≈0.5 s): other commands stay fast.
    from posko_desktop.core import charts

    ctx = open_context(args)
    flt = filter_from_args(ctx, args)
    date_from, date_to = _range(ctx, flt)
    figsize = _size(args.size)
    if args.out.lower().rsplit(".", 1)[-1] not in charts.style.FORMATS:
        raise charts.ChartFormatError(N_("Charts are saved as .png or .svg, not {name}"),
                                      name=args.out)
    rows: list[list[Any]]
    if args.kind == "trend":
        series = dash.daily_counts(ctx, date_from, date_to, flt, flt.regencies)
        fig = charts.trend_figure(series, title=args.title, figsize=figsize)
        rows = series.csv_rows()
    elif args.kind == "heatmap":
        hm = dash.heatmap(ctx, date_from, date_to, flt, order=args.order, weighted=args.weighted)
        fig = charts.heatmap_figure(hm, title=args.title, figsize=figsize)
        rows = hm.csv_rows()
    elif args.kind == "tilemap":
        levels = dash.situation_levels(ctx, _moment(args, date_to, ctx.now()))
        names = _names(ctx)
        fig = charts.tile_map_figure(levels, title=args.title, figsize=figsize, names=names)
        rows = levels_csv_rows(levels, names)
    elif args.kind == "categories":
        cat = dash.category_breakdown(ctx, date_from, date_to, flt, mode=args.mode, top=args.top)
        fig = charts.category_figure(cat, title=args.title, figsize=figsize)
        rows = cat.csv_rows()
    else:
        sev = dash.severity_breakdown(ctx, date_from, date_to, flt)
        fig = charts.severity_figure(sev, title=args.title, figsize=figsize)
        rows = sev.csv_rows()
    out = charts.save_figure(fig, args.out, dpi=args.dpi)
    print(_("Chart written to {path}").format(path=out))
    if args.data:
        data = write_csv(rows, args.data)
        print(_("Data written to {path}").format(path=data))
    return 0


def _names(ctx: AppContext) -> dict[str, str]:
    return {r.code: r.full_name for r in list_regencies(ctx)}


# --- posko nihil / watch / warnings ------------------------------------------------------


def cmd_nihil(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    day = parse_day(args.date, "date") if args.date else None
    info = dash.record_nihil(ctx, args.unit, day, args.via, args.note)
    print(_("Nihil recorded for {code}, period {date}").format(
        code=info.unit_code, date=info.report_date.isoformat()))
    return 0


def _period(ctx: AppContext, args: argparse.Namespace) -> Any:
    if args.date:
        return dash.period_of(ctx, parse_day(args.date, "date"))
    return dash.current_period(ctx)


def cmd_watch(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    period = _period(ctx, args)
    status = dash.report_status(ctx, period)
    items = list(status.values())  # regency offices by code, then agencies by code
    if args.format == "json":
        print_json({
            "report_date": period.report_date.isoformat(),
            "start": period.start.isoformat(), "end": period.end.isoformat(),
            "counts": {s.value: sum(1 for i in items if i.status == s.value)
                       for s in ReportStatus},
            "rows": [{"code": i.code, "name": i.name, "status": i.status,
                      "last_report_at": i.last_report_at.isoformat() if i.last_report_at else None,
                      "recorded_by": i.recorded_by, "via": i.via, "group": i.group}
                     for i in items],
        })
        return 0
    table = [[i.code, i.name, UnitType(i.group).label, ReportStatus(i.status).label,
              format_datetime_wib(i.last_report_at), i.recorded_by or ""] for i in items]
    headers = [_("Code"), _("Reporting unit"), _("Type"), _("Report status"), _("Last report"),
               _("Recorded by")]
    if args.format == "csv":
        sys.stdout.write(csv_text([headers, *table]))
        return 0
    print(_("Reporting period {start} to {end}").format(
        start=format_datetime_wib(period.start), end=format_datetime_wib(period.end)))
    print_table(headers, table)
    return 0


def cmd_warnings(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    day = parse_day(args.date, "date") if args.date else dash.default_as_of(ctx)
    warnings = dash.early_warnings(ctx, day)
    if args.format == "json":
        print_json({"date": day.isoformat(), "rows": [
            {"code": w.code, "name": w.name, "count": w.count, "baseline": round(w.baseline, 3),
             "threshold": w.threshold, "reason": w.reason} for w in warnings]})
        return 0
    if not warnings:
        print(_("No early warnings for {date}").format(date=day.isoformat()))
        return 0
    print_table([_("Code"), _("Regency/city"), _("Reason")],
                [[w.code, w.name, w.reason] for w in warnings])
    return 0


# --- posko stats --by level ----------------------------------------------------------------


def cmd_stats_level(args: argparse.Namespace) -> int:
    """`posko stats --by level`: the situation level of every regency (documented JSON)."""
    ctx = open_context(args)
    flt = filter_from_args(ctx, args)
    at = _moment(args, flt.date_to, ctx.now())
    levels = dash.situation_levels(ctx, at)
    names = _names(ctx)
    rule = dash.level_rule(ctx)
    items = [levels[c] for c in sorted(levels)]
    if args.format == "json":
        print_json({
            "by": "level", "at": at.isoformat(), "window_hours": rule.window_hours,
            "thresholds": {"waspada": rule.waspada, "siaga": rule.siaga, "awas": rule.awas},
            "counts": {lv.value: sum(1 for i in items if i.level is lv) for lv in Level},
            "rows": [{"key": i.code, "label": names.get(i.code, i.code), "count": i.incidents,
                      "level": i.level.value, "level_label": i.level.label,
                      "score": i.score, "reason": i.reason} for i in items],
        })
        return 0
    table = [[i.code, names.get(i.code, i.code), i.level.label, format_number(i.score),
              i.reason] for i in items]
    headers = [_("Code"), _("Regency/city"), _("Situation level"), _("Score"), _("Reason")]
    if args.format == "csv":
        sys.stdout.write(csv_text([headers, *table]))
    else:
        print_table(headers, table)
    return 0
