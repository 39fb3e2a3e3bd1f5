"""posko shift list|roster|handover|ack|print: the duty roster and shift handovers
(issue 18, docs/shifts.md). Days are WIB dates (YYYY-MM-DD); JSON in docs/cli-json.md."""

from __future__ import annotations

import argparse
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import iso, parse_day, print_table, wib_text
from posko_desktop.core.domain import ValidationError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import shifts as svc
from posko_desktop.core.services.edit_versions import check_token
from posko_desktop.core.services.shifts import HandoverInfo, HandoverItem, RosterLine
from posko_desktop.core.shifts import Shift
from posko_desktop.core.timeutil import wib_date

SHIFTS = [s.value for s in Shift]
ITEM_LABELS = {
    svc.ItemKind.CRITICAL_OPEN: N_("Open critical incident"),
    svc.ItemKind.RESPONSE_OVERDUE: N_("Past its response time"),
    svc.ItemKind.REFERRAL_DUE: N_("Referral due"),
    svc.ItemKind.UNIT_NOT_REPORTED: N_("Not reported yet"),
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("shift", help=_("duty roster and shift handovers"))
    ssub = p.add_subparsers(dest="shift_command", metavar="ACTION", required=True)
    ls = ssub.add_parser("list", help=_("who is on which shift"))
    ls.add_argument("--from", dest="first", metavar="YYYY-MM-DD",
                    help=_("first day (WIB; default: today)"))
    ls.add_argument("--to", dest="last", metavar="YYYY-MM-DD",
                    help=_("last day (default: six days after the first)"))
    _output(ls)
    ls.set_defaults(handler=cmd_list)

    ro = ssub.add_parser("roster", help=_("set the officers of one shift (a supervisor)"))
    ro.add_argument("--day", required=True, metavar="YYYY-MM-DD", help=_("day (WIB)"))
    ro.add_argument("--shift", required=True, choices=SHIFTS, help=_("shift"))
    ro.add_argument("--officer", action="append", default=[], metavar="USER[:DUTY]",
                    help=_("user name, optionally with a duty such as Polda (repeatable; "
                           "none empties the shift)"))
    ro.add_argument("--if-version", metavar="VERSION",
                    help=_("the version you read (list --format json: versions); refused (exit "
                           "code 2) if the shift's roster was changed since"))
    _output(ro)
    ro.set_defaults(handler=cmd_roster)

    mv = ssub.add_parser("move", help=_("move an officer to another shift of the same day "
                                         "(a supervisor)"))
    mv.add_argument("--day", required=True, metavar="YYYY-MM-DD", help=_("day (WIB)"))
    mv.add_argument("--from", dest="from_shift", required=True, choices=SHIFTS,
                    help=_("the shift the officer is on"))
    mv.add_argument("--to", dest="to_shift", required=True, choices=SHIFTS,
                    help=_("the shift to move to"))
    mv.add_argument("--officer", required=True, metavar="USER", help=_("user name"))
    _output(mv)
    mv.set_defaults(handler=cmd_move)

    ho = ssub.add_parser("handover", help=_("write the handover of the shift running now, or "
                                            "show or edit one"))
    ho.add_argument("--note", help=_("free text for the next shift"))
    ho.add_argument("--last", action="store_true",
                    help=_("show the last handover instead of writing one"))
    ho.add_argument("--edit", metavar="ID", help=_("change the note of this handover"))
    ho.add_argument("--if-version", metavar="VERSION",
                    help=_("the version you read; refused (exit code 2) if it changed since"))
    _output(ho)
    ho.set_defaults(handler=cmd_handover)

    ack = ssub.add_parser("ack", help=_("acknowledge a handover as the incoming officer"))
    ack.add_argument("id", nargs="?", help=_("handover id (default: the last one)"))
    ack.add_argument("--if-version", metavar="VERSION",
                     help=_("the version you read; refused (exit code 2) if it changed since"))
    _output(ack)
    ack.set_defaults(handler=cmd_ack)

    pr = ssub.add_parser("print", help=_("the duty roster as a PDF to print"))
    pr.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    pr.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    pr.add_argument("--out", required=True, type=Path, metavar="FILE")
    pr.set_defaults(handler=cmd_print)


def _output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("output format (default: text)"))


def _days(ctx: Any, args: argparse.Namespace) -> tuple[Any, Any]:
    first = parse_day(args.first, "from") if args.first else wib_date(ctx.now())
    last = parse_day(args.last, "to") if args.last else first + timedelta(days=6)
    if last < first or (last - first).days > 62:
        raise ValidationError(N_("Choose a range of at most 62 days, the first day first"),
                              field="to")
    return first, last


def roster_json(r: RosterLine) -> dict[str, Any]:
    return {"day": r.day.isoformat(), "shift": r.shift, "username": r.username,
            "name": r.name, "duty": r.duty}


def _print_roster(lines: list[RosterLine]) -> None:
    print_table([_("Day"), _("Shift"), _("Officer"), _("Duty")],
                [[r.day.isoformat(), Shift(r.shift).label, r.name or r.username, r.duty]
                 for r in lines])


def cmd_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    first, last = _days(ctx, args)
    lines = svc.roster(ctx, first, last)
    if args.format == "json":
        print_json({"from": first.isoformat(), "to": last.isoformat(),
                    "roster": [roster_json(r) for r in lines],
                    "versions": {"{d} {s}".format(d=d.isoformat(), s=sh): v
                                 for (d, sh), v in svc.roster_versions(lines).items()}})
    else:
        _print_roster(lines)
    return 0


def cmd_roster(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    officers = [tuple((text.split(":", 1) + [""])[:2]) for text in args.officer]
    lines = svc.set_roster(ctx, parse_day(args.day, "day"), args.shift,
                           [(u, d) for u, d in officers], expected_version=(
                               None if args.if_version is None
                               else check_token(args.if_version, "roster")))
    if args.format == "json":
        print_json({"roster": [roster_json(r) for r in lines]})
    else:
        _print_roster(lines)
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    lines = svc.move_officer(ctx, parse_day(args.day, "day"), args.from_shift, args.to_shift,
                             args.officer)
    if args.format == "json":
        print_json({"roster": [roster_json(r) for r in lines]})
    else:
        _print_roster(lines)
    return 0


def item_json(item: HandoverItem) -> dict[str, Any]:
    return {"kind": item.kind, "ref": item.ref, "text": item.text, "due_at": iso(item.due_at)}


def handover_json(h: HandoverInfo) -> dict[str, Any]:
    return {"id": str(h.id), "day": h.day.isoformat(), "shift": h.shift,
            "created_at": iso(h.created_at), "created_by": h.created_by,
            "items": [item_json(i) for i in h.items], "note": h.note,
            "updated_at": iso(h.updated_at), "updated_by": h.updated_by,
            "acknowledged_by": h.acknowledged_by, "acknowledged_at": iso(h.acknowledged_at),
            "version": h.version}


def _print_handover(h: HandoverInfo) -> None:
    print(_("Handover of {day}, {shift}, by {user} at {time}").format(
        day=h.day.isoformat(), shift=Shift(h.shift).label, user=h.created_by,
        time=wib_text(h.created_at)))
    for kind, label in ITEM_LABELS.items():
        items = [i for i in h.items if i.kind == kind]
        print("\n{label} ({n})".format(label=_(label), n=len(items)))
        for i in items:
            due = " ({t})".format(t=wib_text(i.due_at)) if i.due_at else ""
            print("  {ref}  {text}{due}".format(ref=i.ref, text=i.text, due=due))
    other = [i for i in h.items if i.kind not in ITEM_LABELS]
    for i in other:
        print("  [{kind}] {ref}  {text}".format(kind=i.kind, ref=i.ref, text=i.text))
    if h.note:
        print("\n" + _("Note") + ":\n" + h.note)
    if h.acknowledged_by:
        print("\n" + _("Acknowledged by {user} at {time}").format(
            user=h.acknowledged_by, time=wib_text(h.acknowledged_at)))
    else:
        print("\n" + _("Not acknowledged yet"))


def _emit(args: argparse.Namespace, h: HandoverInfo | None) -> int:
    if args.format == "json":
        print_json(handover_json(h) if h is not None else None)
    elif h is None:
        print(_("No handover yet"))
    else:
        _print_handover(h)
    return 0


def _handover_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ValidationError(N_("{value} is not a handover id"), field="id",
                              value=text) from None


def cmd_handover(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    if args.last:
        return _emit(args, svc.latest_handover(ctx))
    if args.edit:
        handover_id = _handover_id(args.edit)
        version = args.if_version or svc.get_handover(ctx, handover_id).version
        return _emit(args, svc.update_note(ctx, handover_id, args.note or "",
                                           expected_version=version))
    return _emit(args, svc.create_handover(ctx, args.note or ""))


def cmd_ack(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    if args.id:
        h = svc.get_handover(ctx, _handover_id(args.id))
    else:
        latest = svc.latest_handover(ctx)
        if latest is None:
            raise ValidationError(N_("There is no handover to acknowledge"), field="id")
        h = latest
    return _emit(args, svc.acknowledge(ctx, h.id, expected_version=args.if_version or h.version))


def cmd_print(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    first, last = _days(ctx, args)
    path = svc.write_roster_pdf(ctx, first, last, args.out)
    print(_("Roster written to {path}").format(path=path))
    return 0
