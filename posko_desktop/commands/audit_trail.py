"""posko audit verify | posko audit anchors …: the audit trail checked, also against the
anchors partner sites hold (docs/roles.md, "Anchors")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import iso
from posko_desktop.core.i18n import _
from posko_desktop.core.services import audit_anchors, audit_verify
from posko_desktop.core.textrules import format_datetime_wib, format_int


def register(asub: argparse._SubParsersAction) -> None:
    """Adds `verify` and `anchors` to `posko audit`."""
    p = asub.add_parser("verify", help=_("check the whole hash chain; exit code 1 when broken"))
    p.add_argument("--anchor", action="append", default=[],
                   help=_("an anchor printed on a sitrep (ID:HASH); must be in the trail"))
    p.add_argument("--anchors", action="append", default=[], metavar="FILE",
                   help=_("a file of anchors a partner site holds for this site (posko audit "
                          "anchors export there)"))
    p.add_argument("--deep", action="store_true",
                   help=_("also compare the values the trail recorded with the current records"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_verify)

    anchors = asub.add_parser("anchors", help=_("audit anchors partner sites sent here"))
    nsub = anchors.add_subparsers(dest="anchors_command", metavar="ACTION", required=True)
    p = nsub.add_parser("export", help=_("write the anchors held for a site, signed by this site"))
    p.add_argument("--site", required=True, help=_("the site whose anchors (33 or 33.xx)"))
    p.add_argument("--out", required=True, help=_("the file to write"))
    p.set_defaults(handler=cmd_anchors_export)
    p = nsub.add_parser("list", help=_("list the anchors held here"))
    p.add_argument("--site", help=_("only this site (33 or 33.xx)"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_anchors_list)


def cmd_verify(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    report = audit_verify.verify(ctx, anchors=args.anchor,
                                 anchor_files=[Path(f) for f in args.anchors], deep=args.deep)
    chain = report.chain
    if args.format == "json":
        print_json({"ok": report.ok, "checked": chain.checked,
                    "first_bad_id": chain.first_bad_id, "message": chain.message(),
                    "last_hash": chain.last_hash if chain.ok else None,
                    "anchors_checked": report.anchors_checked,
                    "deep_checked": report.deep_checked,
                    "findings": [{"kind": f.kind, "entry_id": f.entry_id,
                                  "record": f.difference.record if f.difference else None,
                                  "field": f.difference.field if f.difference else None,
                                  "message": f.text()} for f in report.findings]})
        return 0 if report.ok else 1
    lines = report.lines()
    if report.ok:
        print("\n".join(lines))
        return 0
    print("\n".join(lines), file=sys.stderr)
    if not chain.ok:
        print(_("{count} entries before it are intact").format(count=format_int(chain.checked)),
              file=sys.stderr)
    return 1


def cmd_anchors_export(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    count = audit_anchors.export_anchors(ctx, args.site, Path(args.out))
    print(_("{count} anchors of site {site} written to {path}").format(
        count=format_int(count), site=args.site, path=args.out))
    return 0


def cmd_anchors_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    held = audit_anchors.held_anchors(ctx, args.site)
    if args.format == "json":
        print_json([{"site": a.site_code, "entry_id": a.entry_id, "hash": a.hash,
                     "entry_at": iso(a.entry_at), "package_id": a.package_id,
                     "received_at": iso(a.received_at)} for a in held])
        return 0
    for a in held:
        print("{site:<6} #{id:<8} {hash}  {when}".format(
            site=a.site_code, id=a.entry_id, hash=a.hash, when=format_datetime_wib(a.received_at)))
    print(_("{count} anchors").format(count=format_int(len(held))))
    return 0
