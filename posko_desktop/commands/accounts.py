"""posko user … | posko passwd | posko audit … | posko settings …: accounts, the audit
trail and the (audited) settings."""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import os
import sys
from datetime import date
from typing import Any

from posko_desktop.commands import audit_trail
from posko_desktop.commands.common import (
    CliError,
    identify,
    open_context,
    print_json,
    read_password,
)
from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.i18n import _
from posko_desktop.core.progress import Progress
from posko_desktop.core.services import accounts, audit, audit_text, settings_service
from posko_desktop.core.services.audit import AuditFilter
from posko_desktop.core.services.authz import Role
from posko_desktop.core.textrules import format_datetime_wib, format_int, neutralise_cell

NEW_PASSWORD_ENV = "POSKO_NEW_PASSWORD"


def register(sub: argparse._SubParsersAction) -> None:
    user = sub.add_parser("user", help=_("user accounts (admin)"))
    usub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    p = usub.add_parser("add", help=_("add a user"))
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--name", default="", help=_("full name shown in the app"))
    p.add_argument("--password", help=_("initial password (default: asked on a terminal, "
                                        "otherwise generated and printed)"))
    p.add_argument("--no-forced-change", action="store_true",
                   help=_("do not require a password change at the first login"))
    p.set_defaults(handler=cmd_user_add)

    p = usub.add_parser("list", help=_("list users"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_user_list)

    for name, helptext, handler in (
        ("disable", _("disable a user (they can no longer log in)"), cmd_user_disable),
        ("enable", _("enable a disabled user"), cmd_user_enable),
        ("unlock", _("lift the lock after too many failed logins"), cmd_user_unlock),
    ):
        p = usub.add_parser(name, help=helptext)
        p.add_argument("username")
        p.set_defaults(handler=handler)

    p = usub.add_parser("set-role", help=_("change a user's role"))
    p.add_argument("username")
    p.add_argument("role", choices=[r.value for r in Role])
    p.set_defaults(handler=cmd_user_role)

    p = usub.add_parser("reset-password",
                        help=_("set a temporary password; the user must change it at login"))
    p.add_argument("username")
    p.add_argument("--password", help=_("the temporary password (default: asked on a terminal, "
                                        "otherwise generated and printed)"))
    p.set_defaults(handler=cmd_user_reset)

    p = sub.add_parser("passwd", help=_("change your own password (POSKO_NEW_PASSWORD or a prompt)"))
    p.set_defaults(handler=cmd_passwd)

    aud = sub.add_parser("audit", help=_("the audit trail: verify, list, export"))
    asub = aud.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit_trail.register(asub)  # verify, anchors

    p = asub.add_parser("anchor", help=_("print the newest entry's id and hash"))
    p.set_defaults(handler=cmd_audit_anchor)

    p = asub.add_parser("list", help=_("list audit entries, newest first"))
    _filter_args(p)
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(handler=cmd_audit_list)

    st = sub.add_parser("settings", help=_("show or change settings (changes: admin, audited)"))
    ssub = st.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    p = ssub.add_parser("list", help=_("every setting with its value and description"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_settings_list)
    p = ssub.add_parser("set", help=_("change a setting (lists as JSON, e.g. '[\"a\", \"b\"]')"))
    p.add_argument("key")
    p.add_argument("value")
    p.set_defaults(handler=cmd_settings_set)
    p = ssub.add_parser("reset", help=_("put a setting back to its default"))
    p.add_argument("key")
    p.set_defaults(handler=cmd_settings_reset)

    p = asub.add_parser("export", help=_("export audit entries to CSV or XLSX"))
    p.add_argument("file", help=_("the .csv or .xlsx file to write"))
    p.add_argument("--format", choices=("csv", "xlsx"), help=_("default: from the file name"))
    _filter_args(p)
    p.set_defaults(handler=cmd_audit_export)


def _filter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", dest="by_user", metavar="USER", help=_("entries of this user"))
    p.add_argument("--record", help=_("record id (or its beginning)"))
    p.add_argument("--record-type", help=_("incident, user, setting, …"))
    p.add_argument("--action", dest="action_filter",
                   help=_("exact action, or a prefix ending in a dot (incident.)"))
    p.add_argument("--from", dest="first_day", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="last_day", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--no-sessions", action="store_true",
                   help=_("leave out successful logins and command-line sessions (failed "
                          "logins and lockouts stay)"))


def _filter(args: argparse.Namespace) -> AuditFilter:
    return AuditFilter(username=args.by_user, record_type=args.record_type,
                       record_id=args.record, action=args.action_filter,
                       first_day=args.first_day, last_day=args.last_day,
                       hide_sessions=args.no_sessions)


def _table(headers: list[str], rows: list[list[Any]]) -> None:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _new_password(explicit: str | None, username: str) -> tuple[str, bool]:
    """(password, generated?) for add/reset: --password, a terminal prompt, or generated."""
    if explicit:
        return explicit, False
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(_("Password for {user}: ").format(user=username))
        again = getpass.getpass(_("Repeat the password: "))
        if first != again:
            raise CliError(_("The two passwords differ"))
        return first, False
    return accounts.generate_password(), True


def _user_dict(u: accounts.UserInfo) -> dict[str, Any]:
    return {"username": u.username, "display_name": u.display_name, "role": u.role,
            "active": u.active, "locked": u.locked,
            "must_change_password": u.must_change_password,
            "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
            "version": u.version}


def cmd_user_add(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    password, generated = _new_password(args.password, args.username)
    info = accounts.add_user(ctx, args.username, password, args.role, args.name,
                             must_change_password=not args.no_forced_change)
    print(_("User {user} ({role}) added").format(user=info.username, role=info.role))
    if generated:
        print(_("Temporary password (give it to the user; it must be changed at the first "
                "login): {password}").format(password=password))
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    if not accounts.has_accounts(ctx):
        note = _("No user accounts yet: set-up is not finished, so every command runs as the "
                 "operating-system user with the admin role. Create the first administrator "
                 "with: posko init --site CODE --site-name NAME --admin-user NAME")
        if args.format == "json":
            print_json({"setup_finished": False, "users": [], "note": note})
        else:
            print(note)
        return 0
    users = accounts.list_users(ctx)
    if args.format == "json":
        print_json({"setup_finished": True, "users": [_user_dict(u) for u in users]})
        return 0
    yes, no = _("yes"), _("no")
    _table([_("User"), _("Name"), _("Role"), _("Active"), _("Locked"), _("Must change"),
            _("Last login")],
           [[u.username, u.display_name, u.role, yes if u.active else no,
             yes if u.locked else no, yes if u.must_change_password else no,
             format_datetime_wib(u.last_login_at)] for u in users])
    return 0


def _seen(ctx: AppContext, username: str) -> str:
    """The account's version as this command reads it (its change is checked against it)."""
    return accounts.get_user(ctx, username).version


def cmd_user_disable(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    info = accounts.disable_user(ctx, args.username, expected_version=_seen(ctx, args.username))
    print(_("User {user} disabled").format(user=info.username))
    return 0


def cmd_user_enable(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    info = accounts.enable_user(ctx, args.username, expected_version=_seen(ctx, args.username))
    print(_("User {user} enabled").format(user=info.username))
    return 0


def cmd_user_unlock(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    info = accounts.unlock_user(ctx, args.username, expected_version=_seen(ctx, args.username))
    print(_("User {user} unlocked").format(user=info.username))
    return 0


def cmd_user_role(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    info = accounts.set_role(ctx, args.username, args.role,
                             expected_version=_seen(ctx, args.username))
    print(_("User {user} is now {role}").format(user=info.username, role=info.role))
    return 0


def cmd_user_reset(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    password, generated = _new_password(args.password, args.username)
    info = accounts.reset_password(ctx, args.username, password,
                                   expected_version=_seen(ctx, args.username))
    print(_("Password of {user} reset; it must be changed at the next login").format(
        user=info.username))
    if generated:
        print(_("Temporary password: {password}").format(password=password))
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    ctx = open_context(args, login=False)
    if not accounts.has_accounts(ctx):
        raise CliError(_("No user accounts yet; create the first administrator with posko init "
                         "--admin-user NAME"))
    actor, old = identify(ctx, args, allow_password_change=True)
    assert old is not None
    new = read_password(_("New password: "), env=NEW_PASSWORD_ENV)
    if NEW_PASSWORD_ENV not in os.environ:
        if read_password(_("Repeat the new password: "), env=NEW_PASSWORD_ENV) != new:
            raise CliError(_("The two passwords differ"))
    accounts.change_password(ctx.as_actor(actor), old, new)
    print(_("Password of {user} changed").format(user=actor.username))
    return 0


def cmd_audit_anchor(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    anchor = audit.latest_anchor(ctx)
    print(anchor.text)
    return 0


def cmd_audit_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    page = audit_text.readable_page(ctx, _filter(args), limit=max(1, args.limit))
    lines: list[audit_text.AuditLine] = list(page.rows)
    if args.format == "json":
        print_json({"total": page.total, "entries": [
            {"id": r.id, "at": r.at.isoformat(), "username": r.username, "role": r.role,
             "site": r.site_code, "action": r.action, "record_type": r.record_type,
             "record_id": r.record_id, "before": r.before, "after": r.after,
             "detail": r.detail, "hash": r.hash, "action_text": line.action,
             "record_text": line.record, "changes_text": line.changes,
             "detail_text": line.detail}
            for line in lines for r in (line.entry,)]})
        return 0
    headers = [_("No."), _("Time (WIB)"), _("User"), _("Action"), _("Record"), _("Changes"),
               _("Detail")]
    rows = [[line.entry.id, line.when, line.user, line.action, line.record,
             _clip(line.changes, 120), line.detail] for line in lines]
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(headers)
        writer.writerows([[neutralise_cell(c) for c in row] for row in rows])
        return 0
    _table(headers, rows)
    print(_("{shown} of {total} entries").format(shown=format_int(len(lines)),
                                                   total=format_int(page.total)))
    return 0


def cmd_audit_export(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    count = audit.export(ctx, _filter(args), args.file, args.format,
                         progress=Progress(_stderr_progress))
    print(_("{count} entries written to {path}").format(count=format_int(count), path=args.file))
    return 0


def cmd_settings_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    values = settings_service.get_all(ctx)
    if args.format == "json":
        print_json(values)
        return 0
    _table([_("Setting"), _("Value"), _("Description")],
           [[key, _clip(json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict)
                        else str(value)),
             _(settings.REGISTRY[key].description) if settings.REGISTRY[key].description else ""]
            for key, value in sorted(values.items())])
    return 0


def _clip(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _setting_seen(ctx: AppContext, key: str) -> str:
    settings.lookup(key)  # an unknown key is refused by name first
    return settings_service.get_versioned(ctx)[key].version


def cmd_settings_set(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    var = settings.lookup(args.key)
    value: Any = args.value
    if var.type in (list, dict):
        try:
            value = json.loads(args.value)
        except ValueError:
            raise CliError(_("The value of {key} must be JSON, e.g. [\"a\", \"b\"]").format(
                key=args.key)) from None
    stored = settings_service.set(ctx, args.key, value,
                                  expected_version=_setting_seen(ctx, args.key))
    print(_("{key} = {value}").format(key=args.key, value=json.dumps(stored, ensure_ascii=False)))
    return 0


def cmd_settings_reset(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    stored = settings_service.reset(ctx, args.key, expected_version=_setting_seen(ctx, args.key))
    print(_("{key} = {value}").format(key=args.key, value=json.dumps(stored, ensure_ascii=False)))
    return 0


def _stderr_progress(done: int, total: int, message: str) -> None:
    if total:
        sys.stderr.write("\r{m} {d}/{t}".format(m=message, d=done, t=total))
        if done >= total:
            sys.stderr.write("\n")
