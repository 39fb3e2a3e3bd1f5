"""posko post add|import|list|show|place|contest|contest-report|dismiss|evidence|suggest
and posko lexicon list|add|remove|edit: Pantau Medsos posts and the lexicon (issue 16).

JSON output: docs/cli-json.md ("post", "lexicon"); times in ISO 8601 with the WIB offset.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import iso, parse_day, print_table, wib_text
from posko_desktop.core.domain import ValidationError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.medsos.drafts import Platform
from posko_desktop.core.medsos.intake import ColumnMapping
from posko_desktop.core.services.medsos import cases, mappings, post_contests, suggest
from posko_desktop.core.services.medsos import lexicon as lex
from posko_desktop.core.services.medsos import posts as svc
from posko_desktop.core.services.medsos.common import Evidence
from posko_desktop.core.services.medsos.posts import PostFilter, PostImportResult, PostInfo
from posko_desktop.core.timeutil import wib_range

PLATFORMS = [p.value for p in Platform]


def add_output(p: argparse.ArgumentParser, table: bool = False) -> None:
    first = "table" if table else "text"
    p.add_argument("--format", choices=(first, "json"), default=first,
                   help=_("output format (default: {first})").format(first=first))


def register(sub: argparse._SubParsersAction) -> None:
    top = sub.add_parser("post", help=_("collect, list and triage social-media posts"))
    psub = top.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = psub.add_parser("add", help=_("add posts by their links (one or many; a post held "
                                      "already is not added again)"))
    p.add_argument("links", nargs="+", metavar="URL", help=_("link of a post"))
    _contest_arguments(p)
    p.add_argument("--dry-run", action="store_true", help=_("report only, write nothing"))
    add_output(p)
    p.set_defaults(handler=cmd_add)

    p = psub.add_parser("import", help=_("import posts from a WhatsApp chat export, a Telegram "
                                         "result.json, an X API response or a CSV/XLSX table"))
    p.add_argument("file", type=Path, metavar="FILE", help=_("file to import"))
    p.add_argument("--month-first", action="store_true",
                   help=_("WhatsApp dates are month first (US phones)"))
    p.add_argument("--keep-numbers", action="store_true",
                   help=_("keep phone numbers instead of pseudonymising them"))
    p.add_argument("--mapping", metavar="NAME|FILE.json",
                   help=_("a table's columns mapped by a saved mapping or a JSON file"))
    p.add_argument("--dry-run", action="store_true", help=_("report only, write nothing"))
    add_output(p)
    p.set_defaults(handler=cmd_import)

    p = psub.add_parser("mapping", help=_("column mappings of monitoring-tool exports"))
    msub = p.add_subparsers(dest="mapping_action", metavar="ACTION", required=True)
    m = msub.add_parser("list", help=_("the saved column mappings"))
    add_output(m)
    m.set_defaults(handler=cmd_mapping_list)
    m = msub.add_parser("save", help=_("save a column mapping (JSON file) under a name"))
    m.add_argument("name", help=_("name, e.g. brand24"))
    m.add_argument("file", type=Path, metavar="FILE.json",
                   help=_("{\"columns\": {field: column header}, \"platform\": null}"))
    add_output(m)
    m.set_defaults(handler=cmd_mapping_save)
    m = msub.add_parser("delete", help=_("delete a saved column mapping"))
    m.add_argument("name", help=_("name"))
    m.set_defaults(handler=cmd_mapping_delete)
    m = msub.add_parser("preview", help=_("the first rows of a table as a mapping reads them"))
    m.add_argument("file", type=Path, metavar="FILE", help=_("CSV or XLSX table"))
    m.add_argument("--mapping", metavar="NAME|FILE.json",
                   help=_("a saved mapping or a JSON file (default: what is recognised)"))
    m.add_argument("--rows", type=int, default=20, help=_("rows to show (default 20)"))
    add_output(m)
    m.set_defaults(handler=cmd_mapping_preview)

    p = psub.add_parser("list", help=_("list posts (--queue: the triage queue)"))
    p.add_argument("--queue", action="store_true",
                   help=_("only unassigned posts not dismissed, highest reach x flags first"))
    p.add_argument("--platform", choices=PLATFORMS, help=_("only this platform"))
    p.add_argument("--regency", metavar="CODE", help=_("only posts naming this regency"))
    p.add_argument("--flag", metavar="CATEGORY", help=_("only posts with this lexicon category"))
    p.add_argument("--case", metavar="CASE", help=_("only the posts of this case"))
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                   help=_("first day (WIB) the posts were collected"))
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD",
                   help=_("last day (WIB) the posts were collected"))
    p.add_argument("--limit", type=int, default=50, help=_("rows per page (default 50)"))
    p.add_argument("--offset", type=int, default=0, help=_("rows to skip"))
    add_output(p, table=True)
    p.set_defaults(handler=cmd_list)

    p = psub.add_parser("show", help=_("show one post"))
    p.add_argument("ref", metavar="NUMBER_OR_ID", help=_("post number or id"))
    add_output(p)
    p.set_defaults(handler=cmd_show)

    p = psub.add_parser("place", help=_("the kecamatan and desa a post is about (by code)"))
    p.add_argument("ref", metavar="POST", help=_("post number or id"))
    p.add_argument("--kecamatan", metavar="CODE", help=_("kecamatan code, e.g. 33.74.10"))
    p.add_argument("--desa", metavar="CODE", help=_("desa/kelurahan code, e.g. 33.74.10.1001"))
    p.add_argument("--regency", action="append", metavar="CODE",
                   help=_("the post's regencies (repeat; default: as they are)"))
    p.add_argument("--if-version", metavar="VERSION", help=_("the version you read"))
    add_output(p)
    p.set_defaults(handler=cmd_place)

    p = psub.add_parser("contest", help=_("the contest and candidate pair a post is about "
                                          "(by code; an option left out clears it)"))
    p.add_argument("ref", metavar="POST", help=_("post number or id"))
    _contest_arguments(p)
    p.add_argument("--if-version", metavar="VERSION", help=_("the version you read"))
    add_output(p)
    p.set_defaults(handler=cmd_contest)

    p = psub.add_parser("contest-report", help=_("the old free-text contest notes not "
                                                 "matched to codes, and why"))
    add_output(p, table=True)
    p.set_defaults(handler=cmd_contest_report)

    p = psub.add_parser("dismiss", help=_("triage: nothing to do about these posts"))
    p.add_argument("refs", nargs="+", metavar="POST", help=_("post number or id"))
    p.add_argument("--undo", action="store_true", help=_("put them back into the queue"))
    p.set_defaults(handler=cmd_dismiss)

    p = psub.add_parser("evidence", help=_("keep a screenshot or saved page as evidence"))
    p.add_argument("ref", metavar="POST", help=_("post number or id"))
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help=_(EVIDENCE_FILES))
    add_output(p)
    p.set_defaults(handler=cmd_evidence)

    p = psub.add_parser("suggest", help=_("the cases a post probably belongs to"))
    p.add_argument("ref", metavar="POST", help=_("post number or id"))
    add_output(p, table=True)
    p.set_defaults(handler=cmd_suggest)

    top = sub.add_parser("lexicon", help=_("the lexicon that flags posts (admins edit it)"))
    lsub = top.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = lsub.add_parser("list", help=_("list the terms in effect and the desk's changes"))
    p.add_argument("--category", help=_("only this category"))
    add_output(p, table=True)
    p.set_defaults(handler=cmd_lexicon_list)
    for name, help_text in (("add", _("flag a term from now on")),
                            ("remove", _("stop flagging a term"))):
        p = lsub.add_parser(name, help=help_text)
        p.add_argument("term", help=_("word or phrase"))
        p.add_argument("--category", required=True, help=_("category, e.g. politik_uang"))
        add_output(p, table=True)
        p.set_defaults(handler=cmd_lexicon_change, change=name)
    p = lsub.add_parser("edit", help=_("replace a term (its words or its category)"))
    p.add_argument("term", help=_("word or phrase"))
    p.add_argument("--category", required=True, help=_("category, e.g. politik_uang"))
    p.add_argument("--to", dest="new_term", help=_("the new words (default: the same)"))
    p.add_argument("--to-category", help=_("the new category (default: the same)"))
    add_output(p, table=True)
    p.set_defaults(handler=cmd_lexicon_edit)


# --- JSON ------------------------------------------------------------------------------


def evidence_json(items: tuple[Evidence, ...]) -> list[dict[str, Any]]:
    return [{"sha256": e.sha256, "filename": e.filename, "mime": e.mime, "size": e.size,
             "phash": e.phash, "captured_by": e.captured_by, "captured_at": iso(e.captured_at)}
            for e in items]


def post_json(p: PostInfo) -> dict[str, Any]:
    e = p.engagement
    return {
        "id": str(p.id), "number": p.number, "origin_site": p.origin_site,
        "platform": p.platform, "url": p.url, "canonical_url": p.canonical_url,
        "post_id": p.post_id, "account_name": p.account_name,
        "account_handle": p.account_handle, "account_id": p.account_id,
        "posted_at": iso(p.posted_at), "text": p.text,
        "engagement": {"views": e.views, "likes": e.likes, "shares": e.shares,
                       "comments": e.comments, "read_at": iso(e.read_at)},
        "reach": p.reach, "regencies": list(p.regencies), "contest": p.contest,
        "kecamatan_code": p.kecamatan_code, "desa_code": p.desa_code,
        "contest_code": p.contest_code, "pair_number": p.pair_number,
        "flags": [{"term": f.term, "category": f.category} for f in p.flags],
        "lexicon_version": p.lexicon_version,
        "case_id": str(p.case_id) if p.case_id else None, "dismissed": p.dismissed,
        "evidence": evidence_json(p.evidence), "collected_by": p.collected_by,
        "collected_at": iso(p.collected_at), "updated_at": iso(p.updated_at),
        "updated_by": p.updated_by, "deleted": p.deleted, "queue_rank": p.queue_rank,
        "version": p.version,
    }


def import_json(r: PostImportResult) -> dict[str, Any]:
    return {"format": r.format, "file": r.file_name, "preset": r.preset,
            "added": r.added, "already": r.already, "duplicates": r.duplicates,
            "ignored": r.ignored, "lexicon_version": r.lexicon_version, "dry_run": r.dry_run,
            "problems": [{"line": x.line, "message": _(x.message).format(**x.params),
                          "skipped": x.skipped} for x in r.problems]}


# --- commands --------------------------------------------------------------------------


def _report(args: argparse.Namespace, r: PostImportResult) -> int:
    if args.format == "json":
        print_json(import_json(r))
        return 0
    for x in r.problems:
        print(_("Line {line}: {message}").format(line=x.line,
                                                  message=_(x.message).format(**x.params)))
    message = (_("{added} post(s) would be added, {already} held already (nothing written)")
               if r.dry_run else _("{added} post(s) added, {already} held already"))
    print(message.format(added=len(r.added), already=len(r.already)))
    return 0


def _contest_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--contest", metavar="CODE",
                   help=_("contest: 33 (governor election) or a regency code, e.g. 33.74"))
    p.add_argument("--pair", type=int, metavar="N", help=_("the pair's ballot number"))


def cmd_add(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    return _report(args, svc.add_links(ctx, args.links, dry_run=args.dry_run,
                                       contest_code=args.contest, pair_number=args.pair))


def cmd_contest(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    p = svc.update_post(ctx, svc.resolve_ref(ctx, args.ref),
                        {"contest_code": args.contest, "pair_number": args.pair},
                        expected_version=args.if_version)
    if args.format == "json":
        print_json(post_json(p))
    else:
        print(_("Post {number}: contest {contest}, pair {pair}").format(
            number=p.number, contest=p.contest_code or "-", pair=p.pair_number or "-"))
    return 0


def cmd_contest_report(args: argparse.Namespace) -> int:
    report = post_contests.contest_report(open_context(args))
    if args.format == "json":
        print_json({"notes": report.notes, "matched": report.matched, "rows": [
            {"number": r.number, "note": r.note, "contest_code": r.contest_code,
             "pair_number": r.pair_number, "reason": _(r.reason)} for r in report.rows]})
        return 0
    print_table([_("Post"), _("Note"), _("Contest"), _("Candidate pair"), _("Why")], [
        [r.number, r.note, r.contest_code or "-", str(r.pair_number or "-"), _(r.reason)]
        for r in report.rows])
    print(_("{matched} of {notes} contest notes matched to codes").format(
        matched=report.matched, notes=report.notes))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    mapping = mappings.resolve_mapping(ctx, args.mapping) if args.mapping else None
    result = svc.import_file(ctx, args.file, day_first=False if args.month_first else None,
                             keep_numbers=args.keep_numbers, dry_run=args.dry_run,
                             mapping=mapping)
    return _report(args, result)


def _mapping_json(name: str, m: ColumnMapping) -> dict[str, Any]:
    return {"name": name, **m.to_dict()}


def cmd_place(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    changes: dict[str, Any] = {"kecamatan_code": args.kecamatan, "desa_code": args.desa}
    if args.regency:
        changes["regencies"] = args.regency
    p = svc.update_post(ctx, svc.resolve_ref(ctx, args.ref), changes,
                        expected_version=args.if_version)
    if args.format == "json":
        print_json(post_json(p))
    else:
        print(_("Post {number}: place {place}").format(
            number=p.number, place=" / ".join(x for x in (p.kecamatan_code, p.desa_code) if x)
            or "-"))
    return 0


def cmd_mapping_list(args: argparse.Namespace) -> int:
    saved = mappings.list_mappings(open_context(args))
    if args.format == "json":
        print_json({"mappings": [{**_mapping_json(m.name, m.mapping), "updated_by": m.updated_by,
                                  "updated_at": iso(m.updated_at)} for m in saved]})
        return 0
    print_table([_("Name"), _("Columns")], [
        [m.name, ", ".join("{f}={h}".format(f=f, h=h) for f, h in m.mapping.columns.items())]
        for m in saved])
    return 0


def cmd_mapping_save(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    saved = mappings.save_mapping(ctx, args.name, mappings.mapping_from_file(args.file))
    if args.format == "json":
        print_json(_mapping_json(saved.name, saved.mapping))
    else:
        print(_("Column mapping {name} saved").format(name=saved.name))
    return 0


def cmd_mapping_delete(args: argparse.Namespace) -> int:
    mappings.delete_mapping(open_context(args), args.name)
    print(_("Column mapping {name} deleted").format(name=args.name))
    return 0


def cmd_mapping_preview(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    mapping = mappings.resolve_mapping(ctx, args.mapping) if args.mapping else None
    found = mappings.preview(ctx, args.file, mapping, max(1, min(args.rows, 200)))
    if args.format == "json":
        print_json({"headers": found.headers, "rows": [
            {"row": r.number, "post": None if r.draft is None else {
                "platform": r.draft.platform.value, "url": r.draft.canonical_url,
                "text": r.draft.text, "posted_at": iso(r.draft.posted_at)},
             "problems": [{"message": p.text(), "skipped": p.skipped} for p in r.problems]}
            for r in found.rows]})
        return 0
    print_table([_("Row"), _("Platform"), _("Link"), _("Text"), _("Problems")], [
        [str(r.number), r.draft.platform.value if r.draft else "",
         r.draft.canonical_url if r.draft else "",
         " ".join(r.draft.text.split())[:40] if r.draft else "",
         "; ".join(p.text() for p in r.problems)] for r in found.rows])
    return 0


def post_filter(ctx: Any, args: argparse.Namespace) -> PostFilter:
    first = parse_day(args.date_from, "from") if args.date_from else None
    last = parse_day(args.date_to, "to") if args.date_to else None
    if first and last and last < first:
        raise ValidationError(N_("The last day lies before the first"), field="to")
    start, end = wib_range(first, last)
    case_id = cases.resolve_ref(ctx, args.case) if args.case else None
    return PostFilter(queue=args.queue, platform=args.platform, regency=args.regency,
                      flag=args.flag, start=start, end=end, case_id=case_id)


def cmd_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    page = svc.list_posts(ctx, post_filter(ctx, args), offset=max(args.offset, 0),
                          limit=min(max(args.limit, 1), 1000))
    if args.format == "json":
        print_json({"total": page.total, "offset": page.offset,
                    "posts": [post_json(p) for p in page.rows]})
        return 0
    print_table([_("Number"), _("Platform"), _("Reach"), _("Flags"), _("Text")],
                [[p.number, p.platform, str(p.reach),
                  ",".join(sorted({f.category for f in p.flags})),
                  " ".join((p.text or p.canonical_url).split())[:60]] for p in page.rows])
    print(_("{shown} of {total}").format(shown=len(page.rows), total=page.total))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    p = svc.get_post(ctx, svc.resolve_ref(ctx, args.ref))
    if args.format == "json":
        print_json(post_json(p))
        return 0
    lines = [
        "{n}  {p}  {u}".format(n=p.number, p=p.platform, u=p.canonical_url or "—"),
        "{k}: {v}".format(k=_("Account"), v=" ".join(
            x for x in (p.account_name, p.account_handle) if x) or "—"),
        "{k}: {v}".format(k=_("Posted (WIB)"), v=wib_text(p.posted_at) or "—"),
        "{k}: {v} ({c})".format(k=_("Collected (WIB)"), v=wib_text(p.collected_at),
                                c=p.collected_by),
        "{k}: {v}".format(k=_("Reach"), v=p.reach),
        "{k}: {v}".format(k=_("Regencies"), v=", ".join(p.regencies) or "—"),
        "{k}: {v}".format(k=_("Flags"), v=", ".join(
            "{t} ({c})".format(t=f.term, c=f.category) for f in p.flags) or "—"),
        "",
        p.text,
    ]
    lines += ["{k}: {f} ({m}) {h}".format(k=_("Evidence"), f=e.filename, m=e.mime,
                                           h=e.sha256[:12]) for e in p.evidence]
    print("\n".join(lines))
    return 0


def cmd_dismiss(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    ids = [svc.resolve_ref(ctx, r) for r in args.refs]
    svc.set_dismissed(ctx, ids, not args.undo)
    print(_("{count} post(s) updated").format(count=len(ids)))
    return 0


EVIDENCE_FILES = N_("image (PNG, JPEG, GIF, WebP), PDF, screen recording (MP4, MOV, WebM), "
                    "saved page (HTML, MHTML) or WhatsApp chat export (.txt, .zip)")


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise ValidationError(N_("{file} cannot be read: {error}"), field="file",
                              file=str(path), error=err.strerror or str(err)) from None


def cmd_evidence(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    post_id = svc.resolve_ref(ctx, args.ref)
    files = [(f.name, read_file(f)) for f in args.files]
    p = svc.get_post(ctx, post_id)
    for name, data in files:
        p = svc.attach_evidence(ctx, post_id, name, data, expected_version=p.version)
    if args.format == "json":
        print_json(post_json(p))
    else:
        print(_("Post {number}: {count} evidence file(s)").format(number=p.number,
                                                                  count=len(p.evidence)))
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    found = suggest.suggest_for_post(ctx, svc.resolve_ref(ctx, args.ref))
    if args.format == "json":
        print_json({"suggestions": [{"case_id": str(x.case_id), "case_number": x.case_number,
                                     "claim": x.claim, "status": x.status, "score": x.score,
                                     "reason": x.reason, "post_number": x.post_number}
                                    for x in found]})
        return 0
    print_table([_("Case"), _("Score"), _("Why"), _("Claim")],
                [[x.case_number, "{s:.0f}".format(s=x.score), x.reason, x.claim[:60]]
                 for x in found])
    return 0


def _lexicon_out(args: argparse.Namespace, view: lex.LexiconView) -> int:
    terms = [t for t in view.terms if not args.category or t.category == args.category]
    if args.format == "json":
        print_json({"version": view.version, "categories": view.categories,
                    "terms": [{"term": t.term, "category": t.category, "source": t.source}
                              for t in terms],
                    "changes": [{"number": e.number, "term": e.term, "category": e.category,
                                 "action": e.action, "by": e.recorded_by,
                                 "at": iso(e.created_at), "withdrawn": e.deleted}
                                for e in view.entries]})
        return 0
    print_table([_("Category"), _("Term"), _("Source")],
                [[t.category, t.term, t.source] for t in terms])
    print(_("Lexicon version {version}: {count} terms").format(version=view.version,
                                                               count=len(terms)))
    return 0


def cmd_lexicon_list(args: argparse.Namespace) -> int:
    return _lexicon_out(args, lex.view(open_context(args)))


def cmd_lexicon_edit(args: argparse.Namespace) -> int:
    view = lex.edit_term(open_context(args), args.term, args.category,
                         args.new_term or args.term, args.to_category or args.category)
    args.category = (args.to_category or args.category).strip().lower()
    return _lexicon_out(args, view)


def cmd_lexicon_change(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    change = lex.add_term if args.change == "add" else lex.remove_term
    view = change(ctx, args.term, args.category)
    args.category = args.category.strip().lower()
    return _lexicon_out(args, view)

