"""posko keys / export / import / conflicts / sync-status: file-based sync between sites."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from posko_desktop.commands.common import CliError, open_context, print_json
from posko_desktop.commands.incidents import iso
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import _
from posko_desktop.core.services import site_key
from posko_desktop.core.services import sync as svc
from posko_desktop.paths import AppPaths


def _keys_dir() -> Path:
    return AppPaths.default().ensure().keys_dir


def register(sub: argparse._SubParsersAction) -> None:
    k = sub.add_parser("keys", help=_("this site's key and the trusted keys of other sites"))
    ks = k.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    p = ks.add_parser("export", help=_("write this site's public key to a file"))
    p.add_argument("--out", help=_("file to write (default: site-CODE.poskokey)"))
    p.set_defaults(handler=cmd_keys_export)
    p = ks.add_parser("import", help=_("trust another site's public key after checking its "
                                       "fingerprint"))
    p.add_argument("file")
    p.add_argument("--fingerprint", help=_("the fingerprint read out by the other office "
                                           "(asked interactively when missing)"))
    p.set_defaults(handler=cmd_keys_import)
    p = ks.add_parser("list", help=_("list trusted and revoked keys"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_keys_list)
    p = ks.add_parser("revoke", help=_("stop trusting a key"))
    p.add_argument("fingerprint")
    p.set_defaults(handler=cmd_keys_revoke)
    p = ks.add_parser("status", help=_("this site's signing key: who holds it, who waits for "
                                       "it, other keys found on workstations"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_keys_status)
    p = ks.add_parser("new", help=_("make a new signing key for a site whose old key file is "
                                    "lost (partners must trust the new key)"))
    p.set_defaults(handler=cmd_keys_new)

    p = sub.add_parser("export", help=_("write a signed sync package for another site"))
    p.add_argument("--to", required=True, help=_("recipient: a site code (33, 33.xx) or all"))
    p.add_argument("--full", action="store_true", help=_("everything, not only what changed "
                                                         "since the last package to it"))
    p.add_argument("--out", required=True, help=_("package file (.posko)"))
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("import", help=_("import sync packages from other sites"))
    p.add_argument("files", nargs="+")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_import)

    c = sub.add_parser("conflicts", help=_("values that lost against a concurrent edit"))
    cs = c.add_subparsers(dest="conflicts_command", metavar="ACTION", required=True)
    p = cs.add_parser("list", help=_("list open conflicts"))
    p.add_argument("--all", action="store_true", help=_("include resolved conflicts"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_conflicts_list)
    p = cs.add_parser("resolve", help=_("resolve a conflict"))
    p.add_argument("id", type=int)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--keep", action="store_true", help=_("keep the current value"))
    group.add_argument("--take", action="store_true", help=_("take the value that lost"))
    p.set_defaults(handler=cmd_conflicts_resolve)

    p = sub.add_parser("sync-status", help=_("per site: last package received and sent, "
                                             "pending records, key status"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_status)


def cmd_keys_export(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    info = svc.ensure_site_key(ctx, _keys_dir())
    out = Path(args.out or "site-{code}.poskokey".format(code=info.site_code.replace(".", "")))
    info = svc.export_public_key(ctx, _keys_dir(), out)
    print(_("Public key of site {code} written to {file}").format(code=info.site_code, file=out))
    print(_("Fingerprint: {fingerprint}").format(fingerprint=info.short_fingerprint))
    return 0


def cmd_keys_import(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    path = Path(args.file)
    info = svc.inspect_key_file(path)
    print(_("Key of site {code} ({name})").format(code=info.site_code, name=info.site_name))
    print(_("Fingerprint: {fingerprint}").format(fingerprint=info.short_fingerprint))
    confirmed = args.fingerprint
    if not confirmed:
        if not sys.stdin.isatty():
            raise CliError(_("Give --fingerprint as read out by the other office"))
        confirmed = input(_("Type the fingerprint read out by the other office: "))
    status = svc.trust_key(ctx, path, confirmed)
    print(_("Key of site {code} is now trusted").format(code=status.site_code))
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    rows = svc.list_keys(ctx)
    if args.format == "json":
        print_json([{"site": k.site_code, "name": k.site_name, "fingerprint": k.fingerprint,
                     "short_fingerprint": k.short_fingerprint, "trusted": k.trusted,
                     "added_at": k.added_at.isoformat(), "added_by": k.added_by,
                     "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None}
                    for k in rows])
        return 0
    if not rows:
        print(_("No trusted keys yet"))
    for k in rows:
        state = _("trusted") if k.trusted else _("revoked")
        print("{site:6} {fp}  {state:10} {name}".format(site=k.site_code, fp=k.short_fingerprint,
                                                        state=state, name=k.site_name))
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    k = svc.revoke_key(ctx, args.fingerprint)
    print(_("Key {fingerprint} of site {code} is revoked").format(
        fingerprint=k.short_fingerprint, code=k.site_code))
    return 0


def cmd_keys_status(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    st = site_key.status(ctx)
    if args.format == "json":
        print_json({
            "state": st.state, "fingerprint": st.fingerprint,
            "short_fingerprint": st.short_fingerprint, "origin": st.origin,
            "origin_detail": st.origin_detail,
            "created_at": iso(st.created_at),
            "created_by": st.created_by, "session_can_sign": st.session_can_sign,
            "users": [{"username": u.username, "role": u.role, "state": u.state}
                      for u in st.users],
            "other_keys": [{"fingerprint": o.fingerprint, "short_fingerprint": o.short_fingerprint,
                            "site": o.site_code, "found_at": iso(o.found_at),
                            "found_by": o.found_by, "host": o.host, "os_user": o.os_user,
                            "path": o.path} for o in st.others],
            "local_file": st.local_file or None,
            "local_file_fingerprint": st.local_file_fingerprint or None})
        return 0
    states = {"active": _("in the database"), "awaiting_import": _("waiting for the old key "
                                                                   "file to be imported"),
              "none": _("none yet")}
    print(_("Site signing key: {state}").format(state=states.get(st.state, st.state)))
    if st.fingerprint:
        print(_("Fingerprint: {fingerprint}").format(fingerprint=st.short_fingerprint))
    holds = {"holds": _("holds the key"), "waiting": _("waits for a user who holds it"),
             "must_log_in": _("must log in once")}
    for u in st.users:
        print("  {user:20} {role:11} {state}".format(user=u.username, role=u.role,
                                                      state=holds.get(u.state, u.state)))
    for o in st.others:
        print(_("Other key {fingerprint} found {when} on {host} ({os_user}) in {path}: not "
                "used; partners who trusted it must import this site's key and revoke it"
                ).format(fingerprint=o.short_fingerprint, when=iso(o.found_at), host=o.host,
                         os_user=o.os_user, path=o.path))
    if st.local_file and st.local_file_fingerprint != st.fingerprint:
        print(_("This computer still has another key file of this site: {path}").format(
            path=st.local_file))
    return 0


def cmd_keys_new(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    info = site_key.create_new(ctx)
    print(_("New signing key of site {code}; fingerprint: {fingerprint}").format(
        code=info.site_code, fingerprint=info.short_fingerprint))
    print(_("Send it to the partners with: posko keys export"))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    r = svc.export_package(ctx, _keys_dir(), args.to, Path(args.out), full=args.full)
    print(_("Package {file} for {to} ({mode}, number {seq}): {incidents} incidents, {tombstones} "
            "deleted, {followups} follow-ups, {attachments} attachments").format(
        file=r.path, to=r.recipient, mode=r.mode, seq=r.sequence, **{
            k: r.counts[k] for k in ("incidents", "tombstones", "followups", "attachments")}))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    rejected = 0
    results = []
    for name in args.files:
        try:
            # a one-shot command: nothing else in this process uses the database
            r = svc.import_package(ctx, Path(name), exclusive=True)
        except PoskoError as err:
            rejected += 1
            print(_("Refused: {message}").format(message=err.text()), file=sys.stderr)
            results.append({"file": name, "ok": False, "error": err.text()})
            continue
        results.append({"file": name, "ok": True, "already_imported": r.already_imported,
                        "package_id": r.package_id, "source_site": r.source_site, **r.summary()})
        if args.format == "json":
            continue
        if r.already_imported:
            print(_("{file} was already imported; nothing changed").format(
                file=Path(name).name))
            continue
        t = r.totals()
        print(_("{file} from {site}: {new} new, {updated} updated, {unchanged} unchanged, "
                "{conflicts} conflicts").format(file=Path(name).name, site=r.source_site,
                                                new=t.new, updated=t.updated,
                                                unchanged=t.unchanged, conflicts=t.conflicts))
        for code, c in sorted(r.per_regency.items()):
            print("  {code}: {new} / {updated} / {unchanged} / {conflicts}".format(
                code=code, **c.as_dict()))
        for kind, c in sorted(r.records.items()):  # activities and later record types
            print("  {kind}: {new} / {updated} / {unchanged} / {conflicts}".format(
                kind=kind, **c.as_dict()))
    if args.format == "json":
        print_json(results)
    return 2 if rejected else 0


def cmd_conflicts_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    rows = svc.list_conflicts(ctx, include_resolved=args.all)
    if args.format == "json":
        print_json([{"id": c.id, "incident_id": str(c.incident_id), "number": c.number,
                     "regency_code": c.regency_code, "field": c.field,
                     "kept_value": c.kept_value, "kept_stamp": c.kept_stamp,
                     "lost_value": c.lost_value, "lost_stamp": c.lost_stamp,
                     "lost_site": c.lost_site, "package_id": c.package_id,
                     "resolved": c.resolved, "resolution": c.resolution} for c in rows])
        return 0
    if not rows:
        print(_("No open conflicts"))
    for c in rows:
        print(_("#{id} {number} {field}: kept {kept!r}, lost {lost!r} (from site {site})").format(
            id=c.id, number=c.number, field=c.field, kept=c.kept_value, lost=c.lost_value,
            site=c.lost_site))
    return 0


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    c = svc.resolve_conflict(ctx, args.id, "take" if args.take else "keep")
    print(_("Conflict #{id} on {number} resolved").format(id=c.id, number=c.number))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    rows = svc.overview(ctx)
    digest = hashlib.sha256(json.dumps(svc.canonical_dump(ctx), sort_keys=True,
                                       default=str).encode()).hexdigest()
    if args.format == "json":
        print_json({"digest": digest, "sites": [
            {"site": r.site_code, "name": r.name, "key": r.key, "pending": r.pending,
             "last_received": r.last_received.isoformat() if r.last_received else None,
             "last_sent": r.last_sent.isoformat() if r.last_sent else None} for r in rows]})
        return 0
    for r in rows:
        print("{site:6} {name:24} {key:8} {pending:>8}  {recv:16}  {sent:16}".format(
            site=r.site_code, name=r.name[:24], key=r.key, pending=r.pending,
            recv=r.last_received.strftime("%Y-%m-%d %H:%M") if r.last_received else "-",
            sent=r.last_sent.strftime("%Y-%m-%d %H:%M") if r.last_sent else "-"))
    print(_("Data digest (equal on sites that are in sync): {digest}").format(digest=digest[:16]))
    return 0
