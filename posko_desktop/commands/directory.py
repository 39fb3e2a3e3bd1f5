"""posko agency list|show|add|update|contact add|update|remove|export|phone-list: the
directory of agencies and contact persons (issue 18). JSON output: docs/cli-json.md."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import iso, print_table
from posko_desktop.core.domain import AgencyLevel
from posko_desktop.core.i18n import _
from posko_desktop.core.services import directory as svc
from posko_desktop.core.services.directory import AgencyEntry, ContactInfo
from posko_desktop.core.services.directory_outputs import write_phone_list
from posko_desktop.core.spreadsheets.directory import export_directory

LEVELS = [level.value for level in AgencyLevel]


def register(sub: argparse._SubParsersAction) -> None:
    top = sub.add_parser("agency", help=_("the directory of agencies and contact persons"))
    asub = top.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = asub.add_parser("list", help=_("list the agencies"))
    p.add_argument("--all", action="store_true", help=_("include deactivated agencies"))
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("output format (default: table)"))
    p.set_defaults(handler=cmd_list)

    p = asub.add_parser("show", help=_("show an agency and its contact persons"))
    p.add_argument("code", metavar="CODE", help=_("agency code, e.g. BAWASLU"))
    p.add_argument("--all", action="store_true", help=_("include inactive contact persons"))
    _output(p)
    p.set_defaults(handler=cmd_show)

    p = asub.add_parser("add", help=_("add an agency (supervisor, at the province)"))
    p.add_argument("code", metavar="CODE", help=_("agency code: capitals, digits, hyphens"))
    _agency_options(p, required=True)
    _output(p)
    p.set_defaults(handler=cmd_add)

    p = asub.add_parser("update", help=_("change an agency (supervisor)"))
    p.add_argument("code", metavar="CODE", help=_("agency code, e.g. BAWASLU"))
    _agency_options(p, required=False)
    state = p.add_mutually_exclusive_group()
    state.add_argument("--deactivate", action="store_true",
                       help=_("the agency is no longer used (its code is never reused)"))
    state.add_argument("--activate", action="store_true", help=_("the agency is used again"))
    _if_version(p)
    _output(p)
    p.set_defaults(handler=cmd_update)

    p = asub.add_parser("contact", help=_("add, change or remove a contact person"))
    csub = p.add_subparsers(dest="contact_action", metavar="ACTION", required=True)
    c = csub.add_parser("add", help=_("add a contact person to an agency"))
    c.add_argument("agency", metavar="CODE", help=_("agency code, e.g. BAWASLU"))
    _contact_options(c, required=True)
    _output(c)
    c.set_defaults(handler=cmd_contact_add)
    c = csub.add_parser("update", help=_("change a contact person"))
    c.add_argument("contact", metavar="CONTACT", help=_("contact number (KON-…) or id"))
    _contact_options(c, required=False)
    state = c.add_mutually_exclusive_group()
    state.add_argument("--deactivate", action="store_true",
                       help=_("no longer in the post (kept for earlier referrals)"))
    state.add_argument("--activate", action="store_true", help=_("in the post again"))
    _if_version(c)
    _output(c)
    c.set_defaults(handler=cmd_contact_update)
    c = csub.add_parser("remove", help=_("remove a contact person"))
    c.add_argument("contact", metavar="CONTACT", help=_("contact number (KON-…) or id"))
    _if_version(c)
    _output(c)
    c.set_defaults(handler=cmd_contact_remove)

    p = asub.add_parser("export", help=_("write the directory to an XLSX file"))
    p.add_argument("out", metavar="FILE", help=_("the .xlsx file to write"))
    p.add_argument("--active", action="store_true", help=_("only active agencies and contacts"))
    _output(p)
    p.set_defaults(handler=cmd_export)

    p = asub.add_parser("phone-list", help=_("print the phone list (one A4 page, PDF)"))
    p.add_argument("out", metavar="FILE", help=_("the .pdf file to write"))
    _output(p)
    p.set_defaults(handler=cmd_phone_list)


def _output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("output format (default: text)"))


def _if_version(p: argparse.ArgumentParser) -> None:
    p.add_argument("--if-version", metavar="VERSION",
                   help=_("the version you read (show --format json: version); refused (exit "
                          "code 2) if it was changed since"))


def _agency_options(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--name", required=required, help=_("name of the agency"))
    p.add_argument("--level", choices=LEVELS, required=required,
                   help=_("pusat, provinsi or kabkota"))
    p.add_argument("--parent", metavar="CODE", help=_("the agency it belongs to ('' clears)"))
    p.add_argument("--address", help=_("address"))
    p.add_argument("--answer-hours", metavar="HOURS",
                   help=_("default answer time of a referral in hours ('' clears)"))


def _contact_options(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--name", required=required, help=_("name of the contact person"))
    p.add_argument("--function", help=_("function (jabatan)"))
    p.add_argument("--phone", help=_("phone number"))
    p.add_argument("--whatsapp", help=_("WhatsApp number"))
    p.add_argument("--email", help=_("e-mail address"))
    p.add_argument("--note", help=_("note"))


def contact_json(c: ContactInfo) -> dict[str, Any]:
    return {"id": str(c.id), "number": c.number, "agency_code": c.agency_code, "name": c.name,
            "function": c.function, "phone": c.phone, "whatsapp": c.whatsapp,
            "email": c.email, "note": c.note, "active": c.active,
            "origin_site": c.origin_site, "updated_at": iso(c.updated_at),
            "updated_by": c.updated_by, "version": c.version}


def agency_json(a: AgencyEntry, contacts: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": str(a.id), "code": a.code, "name": a.name, "level": a.level,
           "parent_code": a.parent_code, "address": a.address,
           "answer_hours": a.answer_hours, "active": a.active, "origin_site": a.origin_site,
           "updated_at": iso(a.updated_at), "updated_by": a.updated_by, "version": a.version}
    if contacts:
        out["contacts"] = [contact_json(c) for c in a.contacts]
    return out


_AGENCY_HEAD = ("Code", "Agency", "Level", "Under", "Answer time (hours)", "Active")
_CONTACT_HEAD = ("Number", "Name", "Function", "Phone", "WhatsApp", "E-mail", "Active")


def _agency_row(a: AgencyEntry) -> list[str]:
    return [a.code, a.name, a.level_label, a.parent_code or "",
            "" if a.answer_hours is None else str(a.answer_hours),
            _("yes") if a.active else _("no")]


def _contact_row(c: ContactInfo) -> list[str]:
    return [c.number, c.name, c.function, c.phone, c.whatsapp, c.email,
            _("yes") if c.active else _("no")]


def _emit_agency(args: argparse.Namespace, a: AgencyEntry, message: str | None = None) -> None:
    if args.format == "json":
        print_json(agency_json(a, contacts=True))
        return
    if message:
        print(message)
    print_table([_(h) for h in _AGENCY_HEAD], [_agency_row(a)])
    if a.address:
        print(a.address)
    if a.contacts:
        print_table([_(h) for h in _CONTACT_HEAD], [_contact_row(c) for c in a.contacts])


def _emit_contact(args: argparse.Namespace, c: ContactInfo, message: str) -> None:
    if args.format == "json":
        print_json(contact_json(c))
        return
    print(message)
    print_table([_(h) for h in _CONTACT_HEAD], [_contact_row(c)])


def _given(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    changes = {n: getattr(args, n) for n in names if getattr(args, n) is not None}
    if getattr(args, "deactivate", False) or getattr(args, "activate", False):
        changes["active"] = bool(args.activate)
    return changes


def cmd_list(args: argparse.Namespace) -> int:
    agencies = svc.list_agencies(open_context(args), include_inactive=args.all)
    if args.format == "json":
        print_json({"rows": [agency_json(a) for a in agencies]})
        return 0
    print_table([_(h) for h in _AGENCY_HEAD], [_agency_row(a) for a in agencies])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    _emit_agency(args, svc.get_agency(open_context(args), args.code, args.all))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    a = svc.add_agency(open_context(args), args.code, args.name, args.level, args.parent,
                       args.address or "", args.answer_hours or None)
    _emit_agency(args, a, _("Agency {code} added").format(code=a.code))
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    changes = _given(args, ("name", "level", "address", "answer_hours"))
    if args.parent is not None:
        changes["parent_code"] = args.parent
    version = args.if_version or svc.get_agency(ctx, args.code).version
    a = svc.update_agency(ctx, args.code, changes, expected_version=version)
    _emit_agency(args, svc.get_agency(ctx, a.code), _("Agency {code} saved").format(code=a.code))
    return 0


def cmd_contact_add(args: argparse.Namespace) -> int:
    c = svc.add_contact(open_context(args), args.agency, args.name, args.function or "",
                        args.phone or "", args.whatsapp or "", args.email or "",
                        args.note or "")
    _emit_contact(args, c, _("Contact {number} added").format(number=c.number))
    return 0


def cmd_contact_update(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    changes = _given(args, ("name", "function", "phone", "whatsapp", "email", "note"))
    version = args.if_version or svc.get_contact(ctx, args.contact).version
    c = svc.update_contact(ctx, args.contact, changes, expected_version=version)
    _emit_contact(args, c, _("Contact {number} saved").format(number=c.number))
    return 0


def cmd_contact_remove(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    version = args.if_version or svc.get_contact(ctx, args.contact).version
    c = svc.remove_contact(ctx, args.contact, expected_version=version)
    _emit_contact(args, c, _("Contact {number} removed").format(number=c.number))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    count = export_directory(open_context(args), Path(args.out),
                             include_inactive=not args.active)
    if args.format == "json":
        print_json({"path": str(args.out), "contacts": count})
    else:
        print(_("{count} contact persons written to {path}").format(count=count, path=args.out))
    return 0


def cmd_phone_list(args: argparse.Namespace) -> int:
    count = write_phone_list(open_context(args), Path(args.out))
    if args.format == "json":
        print_json({"path": str(args.out), "contacts": count})
    else:
        print(_("Phone list with {count} contact persons written to {path}").format(
            count=count, path=args.out))
    return 0
