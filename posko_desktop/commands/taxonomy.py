"""posko categories: the incident taxonomy as this database holds it (docs/taxonomy.md)."""

from __future__ import annotations

import argparse

from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import print_table
from posko_desktop.core.db.categories import successors
from posko_desktop.core.i18n import _
from posko_desktop.core.services import reference
from posko_desktop.core.taxonomy import Channel, LegalType, suggested_agencies


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("categories", help=_("incident categories, channels and legal types"))
    p.add_argument("--all", action="store_true", help=_("include retired categories"))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("output format (default: text)"))
    p.set_defaults(handler=cmd_categories)


def cmd_categories(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    cats = reference.list_categories(ctx, include_inactive=args.all)
    later = successors()
    if args.format == "json":
        print_json({
            "categories": [{"code": c.code, "group": c.parent_code, "label_id": c.label_id,
                            "label_en": c.label_en, "active": c.active,
                            "replaced_by": later.get(c.code)} for c in cats],
            "channels": [{"code": ch.value, "label": ch.label} for ch in Channel],
            "legal_types": [{"code": t.value, "label": t.label,
                             "suggested_agencies": list(suggested_agencies(t.value, ""))}
                            for t in LegalType],
        })
        return 0
    rows = []
    for c in cats:
        note = "" if c.active else _("retired, now {code}").format(code=later.get(c.code, "—"))
        rows.append([c.code if c.is_group else "  " + c.code, c.label, note])
    print_table([_("Code"), _("Category"), ""], rows)
    print()
    print_table([_("Legal type"), _("Suggested referral")],
                [["{code} ({label})".format(code=t.value, label=t.label),
                  ", ".join(suggested_agencies(t.value, "")) or "—"] for t in LegalType])
    return 0
