"""posko incident add|list|show|update|status|note, and posko demo-data.

Times are entered in WIB as "YYYY-MM-DD HH:MM". JSON output is stable and documented in
docs/cli-json.md: times are ISO 8601 in WIB with the offset (2024-11-27T08:30:00+07:00).
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from posko_desktop.commands import incident_print
from posko_desktop.commands.common import open_context, print_json
from posko_desktop.core import places
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import (
    FollowUpKind,
    ReferralState,
    Severity,
    SourceType,
    StaleEdit,
    Status,
    ValidationError,
    ValidationErrors,
    victims_text,
)
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.progress import Progress
from posko_desktop.core.services import directory, reference, training
from posko_desktop.core.services import incidents as svc
from posko_desktop.core.services.incidents import (
    FollowUpEntry,
    IncidentDetail,
    IncidentFilter,
    IncidentInput,
    IncidentRow,
    SortKey,
)
from posko_desktop.core.spreadsheets.values import CellProblem, RegencyMatcher
from posko_desktop.core.taxonomy import channel_label, legal_type_label, suggested_agencies
from posko_desktop.core.textrules import format_int, neutralise_cell
from posko_desktop.core.timeutil import parse_wib, to_wib

logger = logging.getLogger(__name__)

SORTS: dict[str, SortKey] = {
    "occurred": SortKey.OCCURRED, "reported": SortKey.REPORTED, "number": SortKey.NUMBER,
    "regency": SortKey.REGENCY, "category": SortKey.CATEGORY, "severity": SortKey.SEVERITY,
    "status": SortKey.STATUS, "title": SortKey.TITLE,
}
LIST_LIMIT_MAX = 1_000_000
# JSON/CSV fields of one log line, in this order (docs/cli-json.md).
ROW_FIELDS = (
    "id", "number", "occurred_at", "regency_code", "regency_name", "category_code", "severity",
    "status", "title", "location", "respond_by", "responded_at", "next_referral_due", "overdue",
    "deleted", "victims_dead", "victims_injured",
)


# --- parsing helpers ------------------------------------------------------------------


def parse_time(text: str, field: str) -> datetime:
    """'YYYY-MM-DD HH:MM' in WIB (ISO 8601 with an offset is accepted too) → aware UTC."""
    try:
        return parse_wib(text)
    except ValueError:
        raise ValidationError(N_("Invalid time {value}; use YYYY-MM-DD HH:MM (WIB)"),
                              field=field, value=text) from None


def parse_day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(N_("Invalid date {value}; use YYYY-MM-DD"), field=field,
                              value=text) from None


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in WIB with its offset, to the second."""
    return to_wib(value).isoformat(timespec="seconds") if value is not None else None


def add_filter_arguments(p: argparse.ArgumentParser) -> None:
    """The incident log filters (the same as the window's filter bar)."""
    p.add_argument("--regency", action="append", default=[], metavar="CODE_OR_NAME",
                   help=_("regency: code or name, e.g. 33.74 or Banyumas (repeatable)"))
    p.add_argument("--category", action="append", default=[], metavar="CODE",
                   help=_("category code, a leaf (A1) or a group (A) (repeatable)"))
    p.add_argument("--severity", action="append", default=[], choices=[s.value for s in Severity],
                   help=_("severity (repeatable)"))
    p.add_argument("--status", action="append", default=[], choices=[s.value for s in Status],
                   help=_("status (repeatable)"))
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                   help=_("first day (WIB) of the incidents"))
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD",
                   help=_("last day (WIB) of the incidents"))
    p.add_argument("--search", default="", help=_("words in title, description or place"))


def filter_from_args(ctx: AppContext, args: argparse.Namespace) -> IncidentFilter:
    """Build the filter; unknown regencies or category codes are refused (exit code 2)."""
    known_categories = {c.code for c in reference.list_categories(ctx, include_inactive=True)}
    regencies = [regency_code(ctx, text) for text in args.regency]
    cats = []
    for code in args.category:
        normal = code.strip().upper()
        if normal not in known_categories:
            raise ValidationError(N_("Unknown category {code}"), field="category", code=code)
        cats.append(normal)
    date_from = parse_day(args.date_from, "from") if args.date_from else None
    date_to = parse_day(args.date_to, "to") if args.date_to else None
    if date_from and date_to and date_to < date_from:
        raise ValidationError(N_("The end date {end} is before the start date {start}"),
                              field="to", start=date_from.isoformat(), end=date_to.isoformat())
    return IncidentFilter(
        regencies=tuple(regencies), categories=tuple(cats), severities=tuple(args.severity),
        statuses=tuple(args.status), date_from=date_from, date_to=date_to,
        text=args.search or "",
    )


def regency_code(ctx: AppContext, text: str) -> str:
    """A regency given as the window takes it: code (33.02, 3302) or name (Banyumas, Kota
    Semarang, Semarang Regency); an ambiguous name is refused with the candidates."""
    try:
        return RegencyMatcher(reference.list_regencies(ctx)).match(text)
    except CellProblem as err:
        raise ValidationError(err.message, field="regency", **err.params) from None


# --- registration ---------------------------------------------------------------------


def _add_incident_fields(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--regency", required=required, metavar="CODE_OR_NAME",
                   help=_("regency: code or name, e.g. 33.74 or \"Kota Semarang\""))
    p.add_argument("--title", required=required, help=_("short title"))
    p.add_argument("--category", required=required, metavar="CODE",
                   help=_("category code, e.g. A1"))
    p.add_argument("--severity", required=required, choices=[s.value for s in Severity],
                   help=_("severity"))
    p.add_argument("--occurred", required=required, metavar="'YYYY-MM-DD HH:MM'",
                   help=_("when it happened (WIB)"))
    p.add_argument("--reported", metavar="'YYYY-MM-DD HH:MM'",
                   help=_("when it was reported (WIB; default: now)"))
    p.add_argument("--source", choices=[s.value for s in SourceType],
                   help=_("source type (default: laporan_lapangan)"))
    p.add_argument("--source-detail", help=_("source detail or URL"))
    p.add_argument("--description", help=_("description"))
    p.add_argument("--kecamatan", help=_("district (kecamatan): its name or code (33.22.08)"))
    p.add_argument("--desa", help=_("village (desa/kelurahan): its name or code "
                                    "(33.22.08.2004)"))
    p.add_argument("--lat", type=float, metavar="DEGREES",
                   help=_("latitude, WGS 84 (e.g. -7.1306)"))
    p.add_argument("--lon", type=float, metavar="DEGREES",
                   help=_("longitude, WGS 84 (e.g. 110.4012)"))
    p.add_argument("--location", help=_("place"))
    p.add_argument("--contest", metavar="CODE",
                   help=_("contest concerned: 33 (governor election) or the regency code"))
    p.add_argument("--pair", type=int, metavar="N",
                   help=_("candidate pair concerned: its ballot number in the contest"))
    p.add_argument("--tps", type=int, metavar="N",
                   help=_("TPS concerned: its number in the desa/kelurahan"))
    p.add_argument("--people", type=int, metavar="N", help=_("number of people involved"))
    p.add_argument("--dead", type=int, metavar="N", help=_("victims dead"))
    p.add_argument("--injured", type=int, metavar="N", help=_("victims injured"))
    p.add_argument("--material-loss", metavar="TEXT", help=_("material loss"))
    p.add_argument("--condition", metavar="TEXT", help=_("current condition (kondisi mutakhir)"))
    p.add_argument("--contact", metavar="NAME", help=_("contact person of the source"))
    p.add_argument("--phone", metavar="NUMBER", help=_("phone number of the contact person"))
    p.add_argument("--channel", metavar="CHANNEL",
                   help=_("where it happened: daring (online) or luring (offline)"))
    p.add_argument("--legal-type", metavar="TYPE",
                   help=_("legal type: administrasi, pidana, kode_etik or hukum_lainnya"))


def _add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("output format (default: text)"))


def _add_if_version(p: argparse.ArgumentParser, help_text: str) -> None:
    p.add_argument("--if-version", metavar="VERSION", help=help_text)


def register(sub: argparse._SubParsersAction) -> None:
    inc = sub.add_parser("incident", help=_("record, list, show and follow up incidents"))
    isub = inc.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = isub.add_parser("add", help=_("record a new incident"))
    _add_incident_fields(p, required=True)
    p.add_argument("--unit", metavar="CODE",
                   help=_("the agency/OPD that reported it, by its unit code (e.g. POLDA); "
                          "default: the office of the regency/city"))
    _add_output(p)
    p.set_defaults(handler=cmd_add)

    p = isub.add_parser("list", help=_("list incidents (the same filters as the window)"))
    add_filter_arguments(p)
    p.add_argument("--sort", choices=list(SORTS), default="occurred",
                   help=_("sort column (default: occurred)"))
    order = p.add_mutually_exclusive_group()
    order.add_argument("--desc", dest="descending", action="store_true", default=True,
                       help=_("newest / largest first (default)"))
    order.add_argument("--asc", dest="descending", action="store_false",
                       help=_("oldest / smallest first"))
    p.add_argument("--limit", type=int, default=50, help=_("rows to show (default: 50)"))
    p.add_argument("--offset", type=int, default=0, help=_("rows to skip (default: 0)"))
    p.add_argument("--overdue", action="store_true",
                   help=_("only open incidents past their respond-by or referral due time"))
    p.add_argument("--deleted", action="store_true", help=_("only deleted incidents"))
    p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help=_("output format (default: table)"))
    p.set_defaults(handler=cmd_list)

    p = isub.add_parser("show", help=_("show one incident with its timeline"))
    p.add_argument("ref", metavar="NUMBER_OR_ID", help=_("incident number or id"))
    _add_output(p)
    p.set_defaults(handler=cmd_show)
    incident_print.register(isub)  # posko incident print NUMBER --out FILE.pdf

    p = isub.add_parser("update", help=_("change the fields of an incident"))
    p.add_argument("ref", metavar="NUMBER_OR_ID", help=_("incident number or id"))
    _add_incident_fields(p, required=False)
    p.add_argument("--unit", metavar="CODE",
                   help=_("the agency/OPD that reported it, by its unit code ('' or a "
                          "regency code: the office of the regency/city)"))
    _add_if_version(p, _("the version you read (show --format json: version); refused (exit "
                         "code 2) if a field you change was changed since"))
    _add_output(p)
    p.set_defaults(handler=cmd_update)

    p = isub.add_parser("status", help=_("move an incident along the workflow"))
    p.add_argument("ref", metavar="NUMBER_OR_ID", help=_("incident number or id"))
    p.add_argument("target", choices=[s.value for s in Status], help=_("new status"))
    p.add_argument("--reason", default="", help=_("reason (needed to reject or reopen)"))
    _add_if_version(p, _("the version you read (show --format json: version); refused (exit "
                         "code 2) if the incident was changed since"))
    _add_output(p)
    p.set_defaults(handler=cmd_status)

    p = isub.add_parser("note", help=_("add a follow-up note, or a referral with --agency"))
    p.add_argument("ref", metavar="NUMBER_OR_ID", help=_("incident number or id"))
    p.add_argument("text", help=_("text of the note"))
    p.add_argument("--agency", metavar="CODE", help=_("refer to this agency (e.g. BAWASLU)"))
    p.add_argument("--due", metavar="'YYYY-MM-DD HH:MM'",
                   help=_("answer expected by (WIB), for a referral (default: the agency's "
                          "answer time)"))
    p.add_argument("--contact", metavar="CONTACT",
                   help=_("the agency's contact person (number KON-… or id), for a referral"))
    _add_output(p)
    p.set_defaults(handler=cmd_note)

    p = sub.add_parser("demo-data", help=_("add realistic synthetic incidents (for training)"))
    p.add_argument("--incidents", type=int, default=5000,
                   help=_("number of incidents (default: 5000)"))
    p.add_argument("--days", type=int, default=90, help=_("number of days (default: 90)"))
    p.add_argument("--end-date", default="2024-11-30", metavar="YYYY-MM-DD",
                   help=_("last day, WIB (default: 2024-11-30)"))
    p.add_argument("--seed", type=int, default=2024,
                   help=_("random seed; the same seed gives the same data (default: 2024)"))
    p.add_argument("--allow-live-database", action="store_true",
                   help=_("admin only: add demo data to a live (non-training) database; "
                          "audited"))
    p.set_defaults(handler=cmd_demo)


# --- output ---------------------------------------------------------------------------


def row_json(row: IncidentRow, now: datetime) -> dict[str, Any]:
    return {
        "id": str(row.id), "number": row.number, "occurred_at": iso(row.occurred_at),
        "regency_code": row.regency_code,
        "regency_name": reference.RegencyInfo(row.regency_code, row.regency_kind,
                                              row.regency_name).full_name,
        "category_code": row.category_code, "severity": row.severity, "status": row.status,
        "title": row.title, "location": row.location, "respond_by": iso(row.respond_by),
        "responded_at": iso(row.responded_at), "next_referral_due": iso(row.next_referral_due),
        "overdue": row.overdue(now), "deleted": row.deleted,
        "victims_dead": row.victims_dead, "victims_injured": row.victims_injured,
    }


def entry_json(e: FollowUpEntry) -> dict[str, Any]:
    return {
        "id": str(e.id), "created_at": iso(e.created_at), "author": e.author,
        "origin_site": e.origin_site, "kind": e.kind, "text": e.text,
        "status_from": e.status_from, "status_to": e.status_to, "agency_code": e.agency_code,
        "due_at": iso(e.due_at), "referral_id": str(e.referral_id) if e.referral_id else None,
        "referral_state": e.referral_state,
        "contact_id": str(e.contact_id) if e.contact_id else None,
    }


def detail_json(d: IncidentDetail, now: datetime) -> dict[str, Any]:
    return {
        "id": str(d.id), "number": d.number, "origin_site": d.origin_site,
        "regency_code": d.regency_code,
        "regency_name": reference.RegencyInfo(d.regency_code, d.regency_kind,
                                              d.regency_name).full_name,
        "kecamatan": d.kecamatan, "desa": d.desa, "location": d.location,
        "occurred_at": iso(d.occurred_at), "reported_at": iso(d.reported_at),
        "source_type": d.source_type, "source_detail": d.source_detail, "title": d.title,
        "description": d.description, "category_code": d.category_code,
        "severity": d.severity, "status": d.status, "people_involved": d.people_involved,
        "victims_dead": d.victims_dead, "victims_injured": d.victims_injured,
        "material_loss": d.material_loss, "current_condition": d.current_condition,
        "source_contact": d.source_contact, "source_phone": d.source_phone,
        "kecamatan_code": d.kecamatan_code, "desa_code": d.desa_code,
        "latitude": d.latitude, "longitude": d.longitude,
        "contest_code": d.contest_code, "pair_number": d.pair_number, "tps_number": d.tps_number,
        "channel": d.channel, "legal_type": d.legal_type,
        "suggested_agencies": list(suggested_agencies(d.legal_type, d.category_code)),
        "recorded_by": d.recorded_by, "created_at": iso(d.created_at),
        "updated_at": iso(d.updated_at), "updated_by": d.updated_by,
        "respond_by": iso(d.respond_by), "responded_at": iso(d.responded_at),
        "next_referral_due": iso(d.next_referral_due), "mod_stamp": d.mod_stamp,
        "deleted": d.deleted,
        "transitions": [t.target.value for t in d.transitions],
        "timeline": [entry_json(e) for e in d.timeline],
        "referrals": [
            {"id": str(r.id), "agency_code": r.agency_code, "created_at": iso(r.created_at),
             "due_at": iso(r.due_at), "state": r.state, "text": r.text,
             "overdue": r.overdue(now), "version": r.version,
             "contact_id": str(r.contact_id) if r.contact_id else None, "contact": r.contact}
            for r in d.referrals
        ],
        "attachments": [
            {"id": str(a.id), "sha256": a.sha256, "filename": a.filename, "mime": a.mime,
             "size": a.size, "added_at": iso(a.added_at), "added_by": a.added_by}
            for a in d.attachments
        ],
        "version": d.version,
        "reporting_unit": d.reporting_unit or d.regency_code,
    }


def wib_text(value: datetime | None) -> str:
    return to_wib(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    line = "  ".join("{:<" + str(w) + "}" for w in widths)
    print(line.format(*headers).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row).rstrip())


def _print_detail(d: IncidentDetail, now: datetime, category_label: str) -> None:
    regency = reference.RegencyInfo(d.regency_code, d.regency_kind, d.regency_name)
    place = ", ".join(x for x in (d.location, d.desa, d.kecamatan) if x)
    codes = " / ".join(x for x in (d.kecamatan_code, d.desa_code) if x)
    if codes:
        place += " ({codes})".format(codes=codes)
    if d.latitude is not None and d.longitude is not None:
        place += " [{lat:.6f}, {lon:.6f}]".format(lat=d.latitude, lon=d.longitude)
    if d.tps_number is not None:
        place += " " + _("TPS {number}").format(number=d.tps_number)
    lines = [
        (_("Number"), d.number), (_("Id"), str(d.id)), (_("Title"), d.title),
        (_("Regency"), "{code} {name}".format(code=d.regency_code, name=regency.full_name)),
        (_("Place"), place), (_("Occurred (WIB)"), wib_text(d.occurred_at)),
        (_("Reported (WIB)"), wib_text(d.reported_at)),
        (_("Category"), "{code} {label}".format(code=d.category_code,
                                                 label=category_label).strip()),
        (_("Channel"), channel_label(d.channel)),
        (_("Legal type"), legal_type_label(d.legal_type)),
        (_("Suggested referral"), ", ".join(suggested_agencies(d.legal_type, d.category_code))),
        (_("Severity"), Severity(d.severity).label),
        (_("Status"), Status(d.status).label),
        (_("Source"), "{kind} {detail}".format(kind=SourceType(d.source_type).label,
                                               detail=d.source_detail).strip()),
        (_("Contest"), "" if d.contest_code is None else d.contest_code + (
            "" if d.pair_number is None else " " + _("pair {number}").format(
                number=d.pair_number))),
        (_("People involved"), "" if d.people_involved is None else str(d.people_involved)),
        (_("Victims"), victims_text(d.victims_dead, d.victims_injured)),
        (_("Material loss"), d.material_loss),
        (_("Current condition"), d.current_condition),
        (_("Source contact"), " ".join(x for x in (d.source_contact, d.source_phone) if x)),
        (_("Respond by (WIB)"), wib_text(d.respond_by)),
        (_("Recorded by"), d.recorded_by),
    ]
    if d.deleted:
        lines.append((_("Deleted"), _("yes")))
    width = max(len(k) for k, _v in lines)
    for key, value in lines:
        print("{key}  {value}".format(key=key.ljust(width), value=value))
    if d.description:
        print()
        print(d.description)
    calls = [r for r in d.referrals if r.contact]
    if calls:
        print()
        for r in calls:  # whom to call for each referral
            print("  {agency}: {contact}".format(agency=r.agency_code, contact=_(
                "Call: {contact}").format(contact=r.contact)))
    if d.timeline:
        print()
        print(_("Timeline:"))
        for e in d.timeline:
            print("  {time}  {author}  {text}".format(
                time=wib_text(e.created_at), author=e.author, text=_entry_text(e)))
    if d.transitions:
        print()
        print(_("Possible next status: {statuses}").format(
            statuses=", ".join(t.target.value for t in d.transitions)))


def _entry_text(e: FollowUpEntry) -> str:
    if e.kind == FollowUpKind.STATUS:
        text = "[{source} → {target}]".format(source=e.status_from, target=e.status_to)
    elif e.kind == FollowUpKind.REFERRAL:
        text = _("[referral to {agency}, due {due}]").format(agency=e.agency_code,
                                                             due=wib_text(e.due_at) or "-")
    elif e.kind == FollowUpKind.REFERRAL_UPDATE:
        state = ReferralState(e.referral_state).label if e.referral_state else ""
        text = _("[referral {agency}: {state}]").format(agency=e.agency_code, state=state)
    else:
        text = ""
    return "{prefix} {text}".format(prefix=text, text=e.text).strip()


# --- commands ---------------------------------------------------------------------------


def _values_from_args(ctx: AppContext, args: argparse.Namespace) -> dict[str, Any]:
    """The fields given on the command line, by service field name (a regency by name or
    code)."""
    values: dict[str, Any] = {}
    mapping = {"regency": "regency_code", "title": "title", "category": "category_code",
               "severity": "severity", "source": "source_type",
               "source_detail": "source_detail", "description": "description",
               "kecamatan": "kecamatan", "desa": "desa", "location": "location",
               "people": "people_involved", "dead": "victims_dead",
               "injured": "victims_injured", "material_loss": "material_loss",
               "condition": "current_condition", "contact": "source_contact",
               "phone": "source_phone", "contest": "contest_code", "pair": "pair_number",
               "tps": "tps_number", "channel": "channel", "legal_type": "legal_type"}
    for arg, field in mapping.items():
        value = getattr(args, arg)
        if value is not None:
            values[field] = value
    if "regency_code" in values:
        values["regency_code"] = regency_code(ctx, values["regency_code"])
    for name, pattern in (("kecamatan", places.KECAMATAN_RE), ("desa", places.DESA_RE)):
        given = values.get(name)
        if given is not None and pattern.match(given.strip()):  # a code, not a name
            values[name + "_code"], values[name] = given.strip(), ""
    if args.lat is not None or args.lon is not None:
        values["latitude"], values["longitude"] = args.lat, args.lon
    if args.occurred is not None:
        values["occurred_at"] = parse_time(args.occurred, "occurred")
    if args.reported is not None:
        values["reported_at"] = parse_time(args.reported, "reported")
    if getattr(args, "unit", None) is not None and args.action == "update":
        values["reporting_unit"] = args.unit
    return values


def _resolve(ctx: AppContext, ref: str) -> uuid.UUID:
    return svc.resolve_ref(ctx, ref)


@contextmanager
def _field_errors() -> Iterator[None]:
    """Print each field's message (or, for a stale save, each field in the way with its
    stored value) before the summary that `posko` prints (exit code 2)."""
    try:
        yield
    except ValidationErrors as err:
        for e in err.errors:
            print("  {field}: {message}".format(field=_OPTION.get(e.field or "", e.field),
                                                message=e.text()), file=sys.stderr)
        raise
    except StaleEdit as err:
        for name in err.fields:
            value = err.current[name]
            print("  " + _("{option} is now: {value}").format(
                option=_OPTION.get(name, name),
                value=wib_text(value) if isinstance(value, datetime) else value), file=sys.stderr)
        raise


# service field name -> command-line option
_OPTION = {"regency_code": "--regency", "title": "--title", "category_code": "--category",
           "severity": "--severity", "occurred_at": "--occurred", "reported_at": "--reported",
           "source_type": "--source", "source_detail": "--source-detail",
           "description": "--description", "kecamatan": "--kecamatan", "desa": "--desa",
           "location": "--location", "people_involved": "--people",
           "victims_dead": "--dead", "victims_injured": "--injured",
           "material_loss": "--material-loss", "current_condition": "--condition",
           "source_contact": "--contact", "source_phone": "--phone",
           "kecamatan_code": "--kecamatan", "desa_code": "--desa", "latitude": "--lat",
           "longitude": "--lon", "contest_code": "--contest", "pair_number": "--pair",
           "tps_number": "--tps", "channel": "--channel", "legal_type": "--legal-type"}


def _emit_detail(args: argparse.Namespace, ctx: AppContext, d: IncidentDetail,
                 message: str) -> None:
    if args.format == "json":
        print_json(detail_json(d, ctx.now()))
    else:
        print(message)


def cmd_add(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    with _field_errors():
        d = svc.create_incident(ctx, IncidentInput(**_values_from_args(ctx, args)),
                                reporting_unit=args.unit)
    _emit_detail(args, ctx, d, _("Incident {number} recorded (id {id})").format(
        number=d.number, id=d.id))
    return 0


def _base_version(ctx: AppContext, incident_id: uuid.UUID, args: argparse.Namespace) -> str:
    """The version the command edits: --if-version, else the one it reads now."""
    return args.if_version or svc.get_incident(ctx, incident_id).version


def cmd_update(args: argparse.Namespace) -> int:
    """Sends only the fields given, so a change to other fields made meanwhile is kept."""
    ctx = open_context(args)
    incident_id = _resolve(ctx, args.ref)
    base = _base_version(ctx, incident_id, args)
    with _field_errors():
        d = svc.update_incident(ctx, incident_id, _values_from_args(ctx, args),
                                expected_version=base)
    _emit_detail(args, ctx, d, _("Incident {number} updated").format(number=d.number))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    incident_id = _resolve(ctx, args.ref)
    d = svc.change_status(ctx, incident_id, args.target, args.reason,
                          expected_version=_base_version(ctx, incident_id, args))
    _emit_detail(args, ctx, d, _("Incident {number} is now {status}").format(
        number=d.number, status=Status(d.status).label))
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    if (args.due or args.contact) and not args.agency:
        raise ValidationError(N_("A due time or a contact needs --agency (a referral)"),
                              field="due")
    incident_id = _resolve(ctx, args.ref)
    if args.agency:
        due = parse_time(args.due, "due") if args.due else None
        contact = directory.get_contact(ctx, args.contact).id if args.contact else None
        entry = svc.add_referral(ctx, incident_id, args.agency.strip().upper(), args.text, due,
                                 contact)
        message = _("Referral to {agency} added").format(agency=entry.agency_code)
    else:
        entry = svc.add_followup(ctx, incident_id, args.text)
        message = _("Follow-up note added")
    if args.format == "json":
        print_json(entry_json(entry))
    else:
        print(message)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    d = svc.get_incident(ctx, _resolve(ctx, args.ref))
    if args.format == "json":
        print_json(detail_json(d, ctx.now()))
    else:
        labels = {c.code: c.label for c in reference.list_categories(ctx, include_inactive=True)}
        _print_detail(d, ctx.now(), labels.get(d.category_code, ""))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= LIST_LIMIT_MAX:
        raise ValidationError(N_("--limit must be between 1 and {max}"), field="limit",
                              max=LIST_LIMIT_MAX)
    if args.offset < 0:
        raise ValidationError(N_("--offset cannot be negative"), field="offset")
    ctx = open_context(args)
    flt = filter_from_args(ctx, args)
    now = ctx.now()
    if args.overdue:
        flt = replace(flt, overdue_at=now)
    if args.deleted:
        flt = replace(flt, deleted_only=True)
    page = svc.query_incidents(ctx, flt, SORTS[args.sort], args.descending, args.offset,
                               args.limit, with_total=True)
    rows = [row_json(r, now) for r in page.rows]
    if args.format == "json":
        print_json({"total": page.total, "offset": args.offset, "limit": args.limit,
                    "rows": rows})
    elif args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(ROW_FIELDS)
        for r in rows:
            writer.writerow([neutralise_cell(r[f]) for f in ROW_FIELDS])
    else:
        headers = [_("Number"), _("Occurred (WIB)"), _("Regency"), _("Cat."), _("Severity"),
                   _("Status"), _("Title")]
        table = [[r.number, wib_text(r.occurred_at), "{code} {name}".format(
                      code=r.regency_code, name=reference.RegencyInfo(
                          r.regency_code, r.regency_kind, r.regency_name).full_name),
                  r.category_code,
                  Severity(r.severity).label, Status(r.status).label,
                  (("! " if r.overdue(now) else "") + r.title)[:60]] for r in page.rows]
        print_table(headers, table)
        shown_to = args.offset + len(page.rows)
        print(_("{first}–{last} of {total} incidents").format(
            first=format_int(args.offset + 1 if page.rows else 0), last=format_int(shown_to),
            total=format_int(page.total)))
    return 0


class StderrProgress:
    """Progress on stderr: one updating line on a terminal, a line per 10% otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last_decile = -1

    def __call__(self, done: int, total: int, message: str) -> None:
        pct = int(done * 100 / total) if total else 0
        if self.tty:
            sys.stderr.write("\r{message} {pct:3d}%".format(message=message, pct=pct))
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()
        elif pct // 10 != self.last_decile:
            self.last_decile = pct // 10
            print("{message} {pct}%".format(message=message, pct=pct), file=sys.stderr)


def cmd_demo(args: argparse.Namespace) -> int:
    from posko_desktop.core.services import demo  # the generator's word lists: on use

    end = parse_day(args.end_date, "end_date")
    ctx = open_context(args)
    live = training.allow_demo_data(ctx, allow_live_database=args.allow_live_database)
    written = demo.generate(ctx, incidents=args.incidents, days=args.days, end_date=end,
                            seed=args.seed, progress=Progress(StderrProgress()),
                            exclusive=True)  # a one-shot command: nothing else here uses the db
    if live:
        training.record_live_demo_data(ctx, written)
    print(_("{count} demo incidents added to {location}").format(
        count=format_int(written), location=ctx.db.display_location))
    return 0
