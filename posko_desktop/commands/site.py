"""posko init: make this database a site (the province or a regency office) and, on a new
database, create the first administrator (--admin-user/--admin-password, or prompts)."""

from __future__ import annotations

import argparse
import getpass
import sys

from posko_desktop.commands.common import CliError, identify, open_context
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PROVINCE_CODE
from posko_desktop.core.i18n import _
from posko_desktop.core.services import accounts, reference, site_key
from posko_desktop.core.services.authz import Permission, require


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help=_("create or open the database and set this site"))
    p.add_argument("--site", required=True, help=_("33 for the province, 33.xx for a regency office"))
    p.add_argument("--site-name", required=True, help=_("name of this command post"))
    p.add_argument("--admin-user", help=_("create the first administrator with this user name"))
    p.add_argument("--admin-password", help=_("password of the first administrator "
                                              "(default: asked on a terminal)"))
    p.add_argument("--admin-name", default="", help=_("full name of the first administrator"))
    p.add_argument("--training", action="store_true",
                   help=_("make a training database (Mode latihan): demo data allowed, every "
                          "output marked LATIHAN; set once, at creation"))
    p.set_defaults(handler=cmd_init)


def cmd_init(args: argparse.Namespace) -> int:
    ctx = open_context(args, login=False, create=True)
    if accounts.has_accounts(ctx):
        if args.admin_user:
            raise CliError(_("User accounts already exist; add users with: posko user add"))
        if not _unchanged(ctx, args):  # renaming the site is an administrator's change
            actor, _password = identify(ctx, args)
            require(actor, Permission.SETTINGS_MANAGE)
            ctx = ctx.as_actor(actor)
        site = reference.init_site(ctx, args.site, args.site_name, training=args.training)
        _print_site(ctx, site)
        _print_key(ctx)
        return 0
    admin_user, admin_password = _first_admin(args)
    site = reference.init_site(ctx, args.site, args.site_name, training=args.training)
    _print_site(ctx, site)
    if admin_user and admin_password is not None:
        info = accounts.create_first_admin(ctx, admin_user, admin_password, args.admin_name)
        print(_("Administrator {user} created; from now on give --user {user} to every "
                "command").format(user=info.username))
    _print_key(ctx)
    return 0


def _print_site(ctx: AppContext, site: reference.SiteInfo) -> None:
    print(_("Site {code} ({name}) ready in {location}").format(
        code=site.code, name=site.name, location=ctx.db.display_location))


def _print_key(ctx: AppContext) -> None:
    """The site's signing key (made with the first administrator), or how it gets one."""
    try:
        key = site_key.ensure_public(ctx)
    except site_key.SiteKeyError as err:
        print(err.text())
        return
    print(_("Signing key fingerprint: {fingerprint}").format(fingerprint=key.short_fingerprint))


def _unchanged(ctx: AppContext, args: argparse.Namespace) -> bool:
    existing = reference.site_or_none(ctx)
    code = args.site.strip()
    code = code if code == PROVINCE_CODE else (reference.normalize_regency_code(code) or code)
    return existing is not None and existing.code == code and existing.name == args.site_name.strip()


def _first_admin(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """User name and password of the first admin, checked before anything is written."""
    tty = sys.stdin is not None and sys.stdin.isatty()
    user = args.admin_user
    if not user and tty:
        user = input(_("User name of the first administrator (empty: later): ")).strip()
    if not user:
        return None, None
    password = args.admin_password
    if password is None:
        if not tty:
            raise CliError(_("Give --admin-password (or run posko init in a terminal to be asked)"))
        password = getpass.getpass(_("Password for {user}: ").format(user=user))
        if getpass.getpass(_("Repeat the password: ")) != password:
            raise CliError(_("The two passwords differ"))
    name = accounts.normalize_username(user)
    accounts.check_username(name)
    accounts.check_password_policy(password, name)
    return name, password
