"""posko case new|list|show|attach|verdict|approve|clarify|publish|status|incident|factcheck|
evidence|conflicts|resolve and
posko takedown new|list|show|update: hoax cases and take-down requests (issue 16).

`posko takedown letter` (the request letter as PDF) belongs to the outputs: it registers
itself on the `takedown` sub-commands through `TAKEDOWN_EXTRA` (a list of functions
taking the sub-parsers), so this module needs no change for it.
JSON output: docs/cli-json.md ("case", "takedown").
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from posko_desktop.commands.activities import conflict_json
from posko_desktop.commands.common import open_context, print_json
from posko_desktop.commands.incidents import iso, parse_time, print_table, wib_text
from posko_desktop.commands.medsos_posts import (
    EVIDENCE_FILES,
    add_output,
    evidence_json,
    post_json,
    read_file,
)
from posko_desktop.core.domain import NotFoundError, ValidationError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.medsos.vocab import (
    Addressee,
    CaseCategory,
    CaseStatus,
    Priority,
    RecheckResult,
    TakedownStatus,
    Verdict,
)
from posko_desktop.core.services import incidents
from posko_desktop.core.services.medsos import cases, posts, takedowns
from posko_desktop.core.services.medsos.cases import CaseDetail, CaseFilter, CaseInfo, CaseInput
from posko_desktop.core.services.medsos.takedowns import (
    TakedownFilter,
    TakedownInfo,
    TakedownInput,
)
from posko_desktop.core.services.sync import records as sync_records
from posko_desktop.core.sync.kinds import HOAX_CASES, LEXICON_ENTRIES, SOCIAL_POSTS, TAKEDOWNS

TAKEDOWN_EXTRA: list[Callable[[argparse._SubParsersAction], None]] = []
CASE_EXTRA: list[Callable[[argparse._SubParsersAction], None]] = []  # `case card|claimreview`


def _values(enum: Any) -> list[str]:
    return [x.value for x in enum]


def _if_version(p: argparse.ArgumentParser) -> None:
    p.add_argument("--if-version", metavar="VERSION",
                   help=_("the version you read (show --format json: version); refused (exit "
                          "code 2) if the record was changed since"))


def register(sub: argparse._SubParsersAction) -> None:
    top = sub.add_parser("case", help=_("hoax cases: claims, verdicts, clarifications"))
    csub = top.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = csub.add_parser("new", help=_("open a case"))
    p.add_argument("--claim", required=True, help=_("the claim in one sentence"))
    p.add_argument("--category", required=True, choices=_values(CaseCategory),
                   help=_("category"))
    p.add_argument("--priority", default="sedang", choices=_values(Priority),
                   help=_("priority"))
    p.add_argument("--regency", action="append", metavar="CODE",
                   help=_("regency code (repeatable; default: those of the posts)"))
    p.add_argument("--post", action="append", metavar="POST",
                   help=_("a post that carries the claim (repeatable)"))
    p.add_argument("--note", default="", help=_("note"))
    add_output(p)
    p.set_defaults(handler=cmd_new)

    p = csub.add_parser("list", help=_("list cases"))
    p.add_argument("--status", choices=_values(CaseStatus), help=_("only this status"))
    p.add_argument("--category", choices=_values(CaseCategory), help=_("only this category"))
    p.add_argument("--regency", metavar="CODE", help=_("only cases naming this regency"))
    add_output(p, table=True)
    p.set_defaults(handler=cmd_list)

    p = csub.add_parser("show", help=_("show a case with its posts and take-downs"))
    p.add_argument("ref", metavar="CASE", help=_("case number or id"))
    add_output(p)
    p.set_defaults(handler=cmd_show)

    p = csub.add_parser("attach", help=_("attach posts to a case"))
    p.add_argument("ref", metavar="CASE", help=_("case number or id"))
    p.add_argument("posts", nargs="+", metavar="POST", help=_("post number or id"))
    add_output(p)
    p.set_defaults(handler=cmd_attach)

    p = csub.add_parser("verdict", help=_("decide the verdict (supervisors; a second "
                                          "supervisor approves it)"))
    p.add_argument("ref", metavar="CASE", help=_("case number or id"))
    p.add_argument("--verdict", required=True, choices=_values(Verdict), help=_("verdict"))
    p.add_argument("--reasoning", required=True, help=_("why"))
    p.add_argument("--source", action="append", metavar="URL_OR_TEXT",
                   help=_("a source of the verdict (repeatable)"))
    _if_version(p)
    add_output(p)
    p.set_defaults(handler=cmd_verdict)

    p = csub.add_parser("approve", help=_("approve the verdict (another supervisor)"))
    p.add_argument("ref", metavar="CASE", help=_("case number or id"))
    _if_version(p)
    add_output(p)
    p.set_defaults(handler=cmd_approve)

    p = csub.add_parser("clarify", help=_("write the clarification text (before publishing)"))
    p.add_argument("ref", metavar="CASE", help=_("case number or id"))
    p.add_argument("text", help=_("clarification text"))
    _if_version(p)
    add_output(p)
    p.set_defaults(handler=cmd_clarify)

    p = csub.add_parser("publish", help=_("record where the clarification was published "
                                          "(supervisors; after approval)"))
    p.add_argument("ref", metavar="CASE", help=_("case number or id"))
    p.add_argument("--channel", required=True, help=_("where, e.g. Instagram @poskojateng"))
    p.add_argument("--url", default="", help=_("link of the publication"))
    p.add_argument("--text", help=_("the clarification text, if not written yet"))
    _if_version(p)
    add_output(p)
    p.set_defaults(handler=cmd_publish)

    p = csub.add_parser("status", help=_("reject, monitor, close or reopen a case "
                                         "(supervisors)"))
    p.add_argument("ref", metavar="CASE", help=_("case number or id"))
    p.add_argument("status", choices=_values(CaseStatus), help=_("new status"))
    p.add_argument("--reason", default="", help=_("reason"))
    _if_version(p)
    add_output(p)
    p.set_defaults(handler=cmd_status)

    p = csub.add_parser("incident", help=_("link a case to an incident (or --unlink), or "
                                           "--open one for it"))
    p.add_argument("ref", metavar="CASE", help=_("case number or id"))
    p.add_argument("incident", nargs="?", metavar="INCIDENT", help=_("incident number or id"))
    p.add_argument("--open", metavar="REGENCY", help=_("open an incident in this regency "
                                                       "for the case and link it"))
    p.add_argument("--unlink", action="store_true", help=_("remove the link"))
    add_output(p)
    p.set_defaults(handler=cmd_incident)

    p = csub.add_parser("factcheck", help=_("add an external fact-check of the claim"))
    p.add_argument("ref", metavar="CASE", help=_("case number or id"))
    p.add_argument("url", metavar="URL", help=_("link of the fact-check"))
    p.add_argument("--publisher", default="", help=_("who published it, e.g. turnbackhoax.id"))
    _if_version(p)
    add_output(p)
    p.set_defaults(handler=cmd_factcheck)

    p = csub.add_parser("evidence", help=_("keep files as evidence of the case"))
    p.add_argument("ref", metavar="CASE", help=_("case number or id"))
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help=_(EVIDENCE_FILES))
    add_output(p)
    p.set_defaults(handler=cmd_evidence)

    p = csub.add_parser("conflicts", help=_("list conflicts of posts, cases, take-downs and "
                                            "lexicon changes from sync"))
    p.add_argument("--all", action="store_true", help=_("include resolved conflicts"))
    add_output(p)
    p.set_defaults(handler=cmd_conflicts)

    p = csub.add_parser("resolve", help=_("resolve a conflict (supervisors): keep the value "
                                          "in effect, or take the one that lost"))
    p.add_argument("conflict", type=int, metavar="ID", help=_("conflict number"))
    p.add_argument("choice", choices=("keep", "take"), help=_("keep or take"))
    add_output(p)
    p.set_defaults(handler=cmd_resolve)

    for extra in CASE_EXTRA:  # `case card|claimreview` (outputs)
        extra(csub)

    top = sub.add_parser("takedown", help=_("take-down requests and their re-checks"))
    tsub = top.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = tsub.add_parser("new", help=_("prepare a take-down request"))
    p.add_argument("--to", required=True, dest="addressee", choices=_values(Addressee),
                   help=_("addressee"))
    p.add_argument("--post", action="append", required=True, metavar="POST",
                   help=_("a post to take down (repeatable)"))
    p.add_argument("--case", metavar="CASE", help=_("the case"))
    p.add_argument("--channel", default="", help=_("channel, e.g. aduankonten.id"))
    p.add_argument("--reference", default="", help=_("ticket or letter number"))
    p.add_argument("--legal-basis", default="", help=_("legal basis"))
    p.add_argument("--note", default="", help=_("note"))
    add_output(p)
    p.set_defaults(handler=cmd_td_new)

    p = tsub.add_parser("list", help=_("list take-down requests (oldest first)"))
    p.add_argument("--open", action="store_true", help=_("only requests not closed"))
    p.add_argument("--status", choices=_values(TakedownStatus), help=_("only this status"))
    p.add_argument("--case", metavar="CASE", help=_("only the requests of this case"))
    add_output(p, table=True)
    p.set_defaults(handler=cmd_td_list)

    p = tsub.add_parser("show", help=_("show a take-down request"))
    p.add_argument("ref", metavar="REQUEST", help=_("request number or id"))
    add_output(p)
    p.set_defaults(handler=cmd_td_show)

    p = tsub.add_parser("update", help=_("change a request, move its status (supervisors) or "
                                         "record a re-check"))
    p.add_argument("ref", metavar="REQUEST", help=_("request number or id"))
    p.add_argument("--status", choices=_values(TakedownStatus), help=_("new status"))
    p.add_argument("--reference", help=_("ticket or letter number"))
    p.add_argument("--channel", help=_("channel"))
    p.add_argument("--legal-basis", help=_("legal basis"))
    p.add_argument("--note", help=_("note"))
    p.add_argument("--recheck", choices=_values(RecheckResult),
                   help=_("record a re-check: the posts are still up, or down"))
    p.add_argument("--recheck-note", default="", help=_("what the re-check found"))
    p.add_argument("--recheck-at", metavar="'YYYY-MM-DD HH:MM'",
                   help=_("when the re-check was made (WIB; default now)"))
    _if_version(p)
    add_output(p)
    p.set_defaults(handler=cmd_td_update)
    for extra in TAKEDOWN_EXTRA:  # `takedown letter` (outputs)
        extra(tsub)


# --- JSON ------------------------------------------------------------------------------


def case_json(c: CaseInfo) -> dict[str, Any]:
    v, k = c.verdict, c.clarification
    return {
        "id": str(c.id), "number": c.number, "origin_site": c.origin_site, "claim": c.claim,
        "category": c.category, "priority": c.priority, "status": c.status,
        "status_label": c.status_label, "regencies": list(c.regencies),
        "verdict": None if v is None else {
            "verdict": v.verdict, "label": v.label, "reasoning": v.reasoning,
            "sources": list(v.sources), "decided_by": v.decided_by,
            "decided_at": iso(v.decided_at), "approved_by": v.approved_by,
            "approved_at": iso(v.approved_at)},
        "fact_checks": [{"url": f.url, "publisher": f.publisher} for f in c.fact_checks],
        "clarification": None if k is None else {
            "text": k.text, "published": [{"channel": p.channel, "url": p.url, "at": iso(p.at)}
                                          for p in k.published],
            "published_by": k.published_by, "published_at": iso(k.published_at)},
        "incidents": [str(i) for i in c.incidents], "evidence": evidence_json(c.evidence),
        "note": c.note, "recorded_by": c.recorded_by, "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at), "updated_by": c.updated_by, "deleted": c.deleted,
        "version": c.version,
    }


def detail_json(d: CaseDetail, requests: list[TakedownInfo]) -> dict[str, Any]:
    r = d.reach
    return {**case_json(d.case),
            "reach": {"posts": r.posts, "reach": r.reach, "first_seen": iso(r.first_seen),
                      "last_seen": iso(r.last_seen), "platforms": r.platforms},
            "posts": [post_json(p) for p in d.posts],
            "takedowns": [takedown_json(t) for t in requests]}


def takedown_json(t: TakedownInfo) -> dict[str, Any]:
    return {
        "id": str(t.id), "number": t.number, "origin_site": t.origin_site,
        "case_id": str(t.case_id) if t.case_id else None, "addressee": t.addressee,
        "platform": t.platform, "posts": [str(p) for p in t.posts], "channel": t.channel,
        "reference": t.reference, "legal_basis": t.legal_basis, "status": t.status,
        "status_label": t.status_label, "submitted_at": iso(t.submitted_at),
        "closed_at": iso(t.closed_at),
        "rechecks": [{"at": iso(x.at), "result": x.result, "by": x.by, "note": x.note}
                     for x in t.rechecks],
        "note": t.note, "recorded_by": t.recorded_by, "created_at": iso(t.created_at),
        "updated_at": iso(t.updated_at), "updated_by": t.updated_by, "deleted": t.deleted,
        "version": t.version,
    }


# --- cases -----------------------------------------------------------------------------


def _emit(args: argparse.Namespace, c: CaseInfo, message: str) -> int:
    if args.format == "json":
        print_json(case_json(c))
    else:
        print(message.format(number=c.number, status=c.status_label))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    ids = [posts.resolve_ref(ctx, r) for r in args.post or ()]
    c = cases.new_case(ctx, CaseInput(args.claim, args.category, args.priority,
                                      args.regency or [], args.note), ids)
    return _emit(args, c, _("Case {number} opened"))


def cmd_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    rows = cases.list_cases(ctx, CaseFilter(args.status, args.category, args.regency))
    reach = cases.reach_of(ctx, [c.id for c in rows])
    if args.format == "json":
        print_json({"count": len(rows), "cases": [
            {**case_json(c), "posts": reach[c.id].posts, "reach": reach[c.id].reach}
            for c in rows]})
        return 0
    print_table([_("Number"), _("Status"), _("Posts"), _("Reach"), _("Claim")],
                [[c.number, c.status_label, str(reach[c.id].posts), str(reach[c.id].reach),
                  c.claim[:60]] for c in rows])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    case_id = cases.resolve_ref(ctx, args.ref)
    d = cases.case_detail(ctx, case_id)
    requests = takedowns.list_takedowns(ctx, TakedownFilter(case_id=case_id))
    if args.format == "json":
        print_json(detail_json(d, requests))
        return 0
    c = d.case
    lines = ["{n}  {s}".format(n=c.number, s=c.status_label), c.claim,
             "{k}: {v}".format(k=_("Category"), v=c.category_label),
             "{k}: {p} / {r}".format(k=_("Posts / reach"), p=d.reach.posts, r=d.reach.reach)]
    if c.verdict is not None:
        lines.append("{k}: {v} ({by}{ok})".format(
            k=_("Verdict"), v=c.verdict.label, by=c.verdict.decided_by,
            ok=", " + _("approved by {user}").format(user=c.verdict.approved_by)
            if c.verdict.approved_by else ""))
    if c.clarification is not None:
        lines.append("{k}: {v}".format(k=_("Clarification"), v=c.clarification.text))
    lines += ["  {n} {p} {u}".format(n=p.number, p=p.platform, u=p.canonical_url)
              for p in d.posts]
    lines += ["{k}: {n} {s}".format(k=_("Take-down"), n=t.number, s=t.status_label)
              for t in requests]
    print("\n".join(lines))
    return 0


def cmd_attach(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    ids = [posts.resolve_ref(ctx, r) for r in args.posts]
    c = cases.attach_posts(ctx, cases.resolve_ref(ctx, args.ref), ids)
    return _emit(args, c, _("Case {number}: posts attached"))


def _case_and_version(ctx: Any, args: argparse.Namespace) -> tuple[Any, str]:
    case_id = cases.resolve_ref(ctx, args.ref)
    return case_id, args.if_version or cases.get_case(ctx, case_id).version


def cmd_verdict(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    case_id, version = _case_and_version(ctx, args)
    c = cases.decide_verdict(ctx, case_id, args.verdict, args.reasoning, args.source or (),
                             expected_version=version)
    return _emit(args, c, _("Case {number}: verdict recorded, waiting for approval"))


def cmd_approve(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    case_id, version = _case_and_version(ctx, args)
    c = cases.approve_verdict(ctx, case_id, expected_version=version)
    return _emit(args, c, _("Case {number}: verdict approved"))


def cmd_clarify(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    case_id, version = _case_and_version(ctx, args)
    c = cases.set_clarification(ctx, case_id, args.text, expected_version=version)
    return _emit(args, c, _("Case {number}: clarification saved"))


def cmd_publish(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    case_id, version = _case_and_version(ctx, args)
    if args.text is not None:
        version = cases.set_clarification(ctx, case_id, args.text,
                                          expected_version=version).version
    c = cases.publish_clarification(ctx, case_id, args.channel, args.url,
                                    expected_version=version)
    return _emit(args, c, _("Case {number}: clarification published ({status})"))


def cmd_status(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    case_id, version = _case_and_version(ctx, args)
    c = cases.set_status(ctx, case_id, args.status, args.reason, expected_version=version)
    return _emit(args, c, _("Case {number} is now {status}"))


def cmd_incident(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    case_id = cases.resolve_ref(ctx, args.ref)
    if args.open:
        c = cases.open_incident(ctx, case_id, args.open)
        return _emit(args, c, _("Case {number}: incident opened and linked"))
    if not args.incident:
        raise ValidationError(N_("Name the incident, or --open one"), field="incident")
    c = cases.link_incident(ctx, case_id, incidents.resolve_ref(ctx, args.incident),
                            linked=not args.unlink)
    return _emit(args, c, _("Case {number}: incidents updated"))


def cmd_factcheck(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    c = cases.add_fact_check(ctx, cases.resolve_ref(ctx, args.ref), args.url, args.publisher,
                             expected_version=args.if_version)
    return _emit(args, c, _("Case {number}: fact-check added"))


def cmd_evidence(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    case_id = cases.resolve_ref(ctx, args.ref)
    files = [(f.name, read_file(f)) for f in args.files]
    c = cases.get_case(ctx, case_id)
    for name, data in files:
        c = cases.attach_evidence(ctx, case_id, name, data, expected_version=c.version)
    return _emit(args, c, _("Case {number}: evidence kept"))


MEDSOS_KINDS = (SOCIAL_POSTS.name, HOAX_CASES.name, TAKEDOWNS.name, LEXICON_ENTRIES.name)


def cmd_conflicts(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    found = [c for kind in MEDSOS_KINDS
             for c in sync_records.list_conflicts(ctx, kind, include_resolved=args.all)]
    if args.format == "json":
        print_json({"count": len(found), "conflicts": [
            {**conflict_json(c), "kind": c.record_kind} for c in found]})
        return 0
    print_table(["#", _("Record"), _("Field"), _("Current value"), _("Other value")],
                [[str(c.id), c.label[:40], c.field, str(c.kept_value)[:30],
                  str(c.lost_value)[:30]] for c in found])
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    kinds = {c.id: c.record_kind for kind in MEDSOS_KINDS
             for c in sync_records.list_conflicts(ctx, kind, include_resolved=True)}
    if args.conflict not in kinds:
        raise NotFoundError(N_("Conflict {id} not found"), id=args.conflict)
    c = sync_records.resolve_conflict(ctx, args.conflict, args.choice)
    if args.format == "json":
        print_json({**conflict_json(c), "kind": c.record_kind})
    else:
        print(_("Conflict {id} resolved ({choice})").format(id=c.id, choice=args.choice))
    return 0


# --- take-downs ------------------------------------------------------------------------


def _td_emit(args: argparse.Namespace, t: TakedownInfo, message: str) -> int:
    if args.format == "json":
        print_json(takedown_json(t))
    else:
        print(message.format(number=t.number, status=t.status_label))
    return 0


def cmd_td_new(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    ids = [posts.resolve_ref(ctx, r) for r in args.post]
    case_id = cases.resolve_ref(ctx, args.case) if args.case else None
    t = takedowns.new_takedown(ctx, TakedownInput(args.addressee, ids, case_id, args.channel,
                                                  args.reference, args.legal_basis, args.note))
    return _td_emit(args, t, _("Take-down request {number} prepared"))


def cmd_td_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    case_id = cases.resolve_ref(ctx, args.case) if args.case else None
    rows = takedowns.list_takedowns(ctx, TakedownFilter(args.status, args.open, case_id))
    if args.format == "json":
        print_json({"count": len(rows), "takedowns": [takedown_json(t) for t in rows]})
        return 0
    print_table([_("Number"), _("Status"), _("To"), _("Posts"), _("Submitted (WIB)"),
                 _("Last check")],
                [[t.number, t.status_label, t.addressee, str(len(t.posts)),
                  wib_text(t.submitted_at),
                  "{w} {r}".format(w=wib_text(t.last_check.at), r=t.last_check.result)
                  if t.last_check else ""] for t in rows])
    return 0


def cmd_td_show(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    t = takedowns.get_takedown(ctx, takedowns.resolve_ref(ctx, args.ref))
    if args.format == "json":
        print_json(takedown_json(t))
        return 0
    lines = ["{n}  {s}  {a}".format(n=t.number, s=t.status_label, a=t.addressee),
             "{k}: {v}".format(k=_("Ticket or letter number"), v=t.reference or "—"),
             "{k}: {v}".format(k=_("Posts"), v=len(t.posts))]
    lines += ["{w}  {r}  {b}  {n}".format(w=wib_text(x.at), r=x.result, b=x.by, n=x.note)
              for x in t.rechecks]
    print("\n".join(lines))
    return 0


def cmd_td_update(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    takedown_id = takedowns.resolve_ref(ctx, args.ref)
    version = args.if_version or takedowns.get_takedown(ctx, takedown_id).version
    changes = {k: v for k, v in (("reference", args.reference), ("channel", args.channel),
                                 ("legal_basis", args.legal_basis), ("note", args.note))
               if v is not None}
    t = takedowns.get_takedown(ctx, takedown_id)
    if changes or args.status:
        t = takedowns.update_takedown(ctx, takedown_id, changes, status=args.status,
                                      expected_version=version)
    if args.recheck:
        at = parse_time(args.recheck_at, "recheck_at") if args.recheck_at else None
        t = takedowns.add_recheck(ctx, takedown_id, args.recheck, args.recheck_note, at=at)
    return _td_emit(args, t, _("Take-down request {number}: {status}"))
