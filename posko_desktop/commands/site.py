"""posko init: make this database a site (the province or a regency office)."""

from __future__ import annotations

import argparse

from posko_desktop.commands.common import open_context
from posko_desktop.core.i18n import _
from posko_desktop.core.services import reference


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help=_("create or open the database and set this site"))
    p.add_argument("--site", required=True, help=_("33 for the province, 33.xx for a regency office"))
    p.add_argument("--site-name", required=True, help=_("name of this command post"))
    p.set_defaults(handler=cmd_init)


def cmd_init(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    site = reference.init_site(ctx, args.site, args.site_name)
    print(_("Site {code} ({name}) ready in {location}").format(
        code=site.code, name=site.name, location=ctx.db.display_location))
    return 0
