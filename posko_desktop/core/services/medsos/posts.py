"""Social posts (issue 16): pasted links and imported files in (idempotent: a post already
held here, from any site, is not added again), evidence, triage, edits, the queue.

Operators collect and triage (`medsos.collect`); deleting needs `medsos.decide`.
Linking posts to cases is `cases.attach_posts`.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, false, func, insert, select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.db.models import Blob, Setting
from posko_desktop.core.db.models_medsos import SocialPost, derive_post, post_key
from posko_desktop.core.domain import NotFoundError, Page, ValidationError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import Engagement, IntakeResult, Platform, PostDraft
from posko_desktop.core.medsos.intake import IntakeOptions, read_links, read_posts
from posko_desktop.core.medsos.intake.common import content_id, read_limited
from posko_desktop.core.medsos.intake.mapping import ColumnMapping
from posko_desktop.core.medsos.normalize import normalise
from posko_desktop.core.medsos.urls import parse_url
from posko_desktop.core.services import audit, contests
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.medsos import import_memo
from posko_desktop.core.services.medsos.common import (
    Evidence,
    check_version,
    evidence_of,
    get_row,
    iso,
    long_text,
    next_number,
    one_line,
    record_version,
    regency_codes,
    resolve,
    site_tag,
    stamp_fields,
    store_evidence,
)
from posko_desktop.core.services.medsos.lexicon import lexicon_in
from posko_desktop.core.services.medsos.mappings import saved_in
from posko_desktop.core.services.places import check_activity_place
from posko_desktop.core.sync.kinds import SOCIAL_POSTS
from posko_desktop.core.timeutil import WIB, ensure_utc

logger = logging.getLogger(__name__)

BATCH = 500
COUNT_CAP = 10_000  # list_posts counts at most this many (Page.extra["total_capped"])
PSEUDONYM_SETTING = "medsos.pseudonym_key"  # not declared: never listed with the settings
EDITABLE_FIELDS = ("account_name", "account_handle", "text", "posted_at", "engagement",
                   "regencies", "kecamatan_code", "desa_code", "contest_code", "pair_number")
CONTEST_FIELDS = ("contest_code", "pair_number")  # written (stamped) together: 0027
_OUTSIDE = N_("Kecamatan {name} ({code}) is in regency {regency}, which the post does not "
              "name")
_NOT_FOUND = N_("Post {id} not found")
_STALE = N_("Post {number} was changed by {name} at {time} since you opened it; your change "
            "was not saved.")


@dataclass(frozen=True)
class FlagInfo:
    term: str
    category: str


@dataclass(frozen=True)
class PostInfo:
    id: uuid.UUID
    number: str
    origin_site: str
    platform: str
    url: str
    canonical_url: str
    post_id: str
    account_name: str
    account_handle: str
    account_id: str
    posted_at: datetime | None  # UTC
    text: str
    engagement: Engagement
    reach: int
    regencies: tuple[str, ...]
    contest: str  # the free-text note of issue 16 (kept from before 0027; not written now)
    flags: tuple[FlagInfo, ...]
    lexicon_version: str
    case_id: uuid.UUID | None
    dismissed: bool
    evidence: tuple[Evidence, ...]
    collected_by: str
    collected_at: datetime
    updated_at: datetime
    updated_by: str
    deleted: bool
    queue_rank: int
    version: str
    kecamatan_code: str | None = None  # the place named, by code (migration 0022)
    desa_code: str | None = None
    contest_code: str | None = None  # the contest and pair named, by code (migration 0027)
    pair_number: int | None = None


def _engagement(data: Mapping[str, Any]) -> Engagement:
    read = data.get("read_at")
    return Engagement(data.get("views"), data.get("likes"), data.get("shares"),
                      data.get("comments"), datetime.fromisoformat(read) if read else None)


def engagement_json(e: Engagement) -> dict[str, Any]:
    return {"views": e.views, "likes": e.likes, "shares": e.shares, "comments": e.comments,
            "read_at": iso(e.read_at)}


def _flags_json(flags: Iterable[Any]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for f in flags:
        item = {"term": f.term, "category": f.category}
        if item not in out:
            out.append(item)
    return out


def post_info(p: SocialPost) -> PostInfo:
    return PostInfo(
        p.id, p.number, p.origin_site, p.platform, p.url, p.canonical_url, p.post_id,
        p.account_name, p.account_handle, p.account_id, p.posted_at, p.text,
        _engagement(p.engagement), p.reach, tuple(p.regencies), p.contest,
        tuple(FlagInfo(f["term"], f["category"]) for f in p.flags), p.lexicon_version,
        uuid.UUID(p.case_id) if p.case_id else None, p.dismissed, evidence_of(p.evidence),
        p.recorded_by, p.created_at, p.updated_at, p.updated_by, p.deleted, p.queue_rank,
        record_version(p), p.kecamatan_code, p.desa_code, p.contest_code, p.pair_number)


def _snapshot(p: SocialPost) -> dict[str, Any]:
    return {**{f: getattr(p, f) for f in EDITABLE_FIELDS}, "case_id": p.case_id,
            "dismissed": p.dismissed, "deleted": p.deleted}


# --- intake ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    """One line of the row-level report: `line` in the file (0: the file as a whole)."""

    line: int
    message: str  # English msgid with .format() fields
    params: dict[str, Any] = field(default_factory=dict)
    skipped: bool = True


@dataclass
class PostImportResult:
    """What an intake did (or, with `dry_run`, would do)."""

    format: str
    file_name: str
    added: list[str] = field(default_factory=list)  # numbers of the posts added
    already: list[str] = field(default_factory=list)  # numbers of posts held before
    duplicates: int = 0  # the same post twice in the file
    ignored: int = 0
    problems: list[ReportRow] = field(default_factory=list)
    preset: str = ""
    lexicon_version: str = ""
    dry_run: bool = False


def _stored_key(s: Session) -> bytes | None:
    """The site's secret for phone-number pseudonyms (docs/decisions.md: created at the
    first import that needs it, kept in the database, never exported or shown)."""
    row = s.get(Setting, PSEUDONYM_SETTING)
    return None if row is None else bytes.fromhex(str(row.value))


def import_file(ctx: AppContext, path: str | Path, *, tz: tzinfo = WIB,
                mapping: ColumnMapping | None = None, day_first: bool | None = None,
                keep_numbers: bool = False, dry_run: bool = False) -> PostImportResult:
    """Posts from a WhatsApp chat export, a Telegram Desktop `result.json`, an X API v2
    response or a CSV/XLSX table (format recognised from the content). A file refused as a
    whole raises `MedsosError` and nothing is written; bad rows are in `problems`. The file
    is read before the write transaction (other writers wait only for the inserts). Tables
    may use a saved column mapping (`mappings`); the same file read the same way again,
    every post still held, is answered from the import memo without parsing."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    now = ctx.now()
    path = Path(path)
    file_sha = import_memo.file_digest(read_limited(path))
    with ctx.db.read() as s:
        lexicon, version = lexicon_in(s)
        key = None if keep_numbers else _stored_key(s)
        saved = tuple(m.mapping for m in saved_in(s))
        memo = None
        if key is not None or keep_numbers:
            memo = import_memo.recall(s, file_sha, import_memo.options_digest(
                tz, mapping, saved, day_first, keep_numbers, key))
    if memo is not None:
        logger.info("Posts from %s: the same file read the same way before, all %d posts "
                    "held (memo)", path.name, len(memo.numbers))
        return _recalled(memo, path.name, version, dry_run)
    new_key = secrets.token_bytes(32) if key is None and not keep_numbers else None

    def read(with_key: bytes | None) -> IntakeResult:
        return read_posts(path, IntakeOptions(read_at=now, tz=tz, pseudonym_key=with_key,
                                              lexicon=lexicon, day_first=day_first,
                                              mapping=mapping, saved_mappings=saved,
                                              keep_numbers=keep_numbers))

    intake = read(key or new_key)
    with ctx.db.write() as s:
        if new_key is not None:
            stored = _stored_key(s)
            if stored is not None:  # another import made the key meanwhile: use it
                intake = read(stored)
            elif not dry_run:
                s.add(Setting(key=PSEUDONYM_SETTING, value=new_key.hex(), updated_at=now,
                              updated_by=ctx.actor.username))
        order: list[str] = []
        result = _store(ctx, s, intake, version, now, dry_run, order)
        if not dry_run:
            import_memo.remember(s, file_sha, import_memo.options_digest(
                tz, mapping, saved, day_first, keep_numbers, key or new_key), order, {
                    "format": result.format, "preset": result.preset,
                    "duplicates": result.duplicates, "ignored": result.ignored,
                    "problems": [[p.line, p.message, p.params, p.skipped]
                                 for p in result.problems]}, ctx.actor.username, now)
    _published(ctx, result)
    return result


def _recalled(memo: import_memo.Memo, file_name: str, version: str,
              dry_run: bool) -> PostImportResult:
    """The report of a file every post of which is held (`import_memo.recall`)."""
    r = memo.report
    return PostImportResult(r["format"], file_name, already=memo.numbers,
                            duplicates=r["duplicates"], ignored=r["ignored"],
                            problems=[ReportRow(*p) for p in r["problems"]],
                            preset=r["preset"], lexicon_version=version, dry_run=dry_run)


def add_links(ctx: AppContext, texts: Sequence[str], *, dry_run: bool = False,
              contest_code: str | None = None, pair_number: int | None = None
              ) -> PostImportResult:
    """Posts from pasted links (one or many per text); a link already held adds nothing.
    The posts added name `contest_code`/`pair_number` (checked: refused, nothing written)."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    for i, text in enumerate(texts):
        long_text(text, "links[{i}]".format(i=i), 200_000)
    now = ctx.now()
    with ctx.db.write() as s:
        lexicon, version = lexicon_in(s)
        code, pair = contests.check_post_contest(s, contest_code, pair_number)
        options = IntakeOptions(read_at=now, lexicon=lexicon, keep_numbers=True)
        intake = read_links(texts, options)
        for d in intake.drafts:
            d.contest_code, d.pair_number = code, pair
        result = _store(ctx, s, intake, version, now, dry_run)
    _published(ctx, result)
    return result


@dataclass
class PostInput:
    """A post typed in by hand (a link, or a text seen without one)."""

    platform: str
    url: str = ""
    text: str = ""
    account_name: str = ""
    account_handle: str = ""
    posted_at: datetime | None = None  # aware, or naive meaning WIB
    regencies: list[str] = field(default_factory=list)
    views: int | None = None
    likes: int | None = None
    shares: int | None = None
    comments: int | None = None
    kecamatan_code: str | None = None  # a kecamatan of one of the post's regencies
    desa_code: str | None = None  # a desa of that kecamatan (alone: names its kecamatan)
    contest_code: str | None = None  # any of the 36 contests ("33", "33.74")
    pair_number: int | None = None  # a pair held in that contest (its ballot number)


def add_post(ctx: AppContext, data: PostInput) -> PostInfo:
    """One post by hand; refused (ValidationError naming the post held) when the same post
    (platform + post id, or canonical URL) is held here already."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    now = ctx.now()
    draft = _typed_draft(data, now)
    with ctx.db.write() as s:
        lexicon, version = lexicon_in(s)
        scan = lexicon.scan(draft.text_normalised)
        draft.flags = scan.flags
        regencies = regency_codes(s, data.regencies) if data.regencies else list(scan.regencies)
        draft.kecamatan_code, draft.desa_code = check_activity_place(
            regencies, data.kecamatan_code, data.desa_code, _OUTSIDE)
        draft.contest_code, draft.pair_number = contests.check_post_contest(
            s, data.contest_code, data.pair_number)
        key = post_key(draft.platform.value, draft.post_id, draft.canonical_url)
        held = s.scalar(select(SocialPost.number).where(SocialPost.post_key == key))
        if held is not None:
            raise ValidationError(N_("This post is held already as {number}"), field="url",
                                  number=held)
        site = local_site(s)
        row = post_row(draft, regencies, "", version, site.code, ctx.actor.username,
                   new_stamp(s, now), now,
                   next_number(s, SocialPost, _prefix(site.code, now), 7))
        s.execute(insert(SocialPost), [row])
        p = s.get(SocialPost, row["id"])
        assert p is not None
        audit.record(s, ctx.actor, "post.create", "social-post", str(p.id), before=None,
                     after={"number": p.number, "platform": p.platform, "url": p.url,
                            "text": p.text[:500], "flags": p.flags}, at=now)
        info = post_info(p)
    ctx.bus.publish(Change(ChangeKind.SOCIAL_POST, (str(info.id),)))
    return info


def _typed_draft(data: PostInput, now: datetime) -> PostDraft:
    try:
        platform = Platform(data.platform)
    except ValueError:
        raise ValidationError(N_("Unknown platform {value}"), field="platform",
                              value=data.platform) from None
    url = one_line(data.url, "url", 2048)
    text = long_text(data.text, "text")
    draft = PostDraft(platform=platform, text=text, text_normalised=normalise(text),
                      account_name=one_line(data.account_name, "account_name", 200),
                      account_handle=one_line(data.account_handle, "account_handle", 200))
    if url:
        parsed = parse_url(url)
        draft.url, draft.canonical_url, draft.post_id = parsed.url, parsed.canonical, \
            parsed.post_id
        draft.account_handle = draft.account_handle or parsed.handle
        if data.platform == Platform.OTHER.value:
            draft.platform = parsed.platform
    elif not text:
        raise ValidationError(N_("Give the post's link or its text"), field="url")
    else:
        draft.post_id = content_id("manual", platform.value, draft.account_name, text)
    if data.posted_at is not None:
        draft.posted_at = ensure_utc(data.posted_at)
        if draft.posted_at > now:
            raise ValidationError(N_("The time lies in the future"), field="posted_at")
    counts = [data.views, data.likes, data.shares, data.comments]
    if any(c is not None and c < 0 for c in counts):
        raise ValidationError(N_("Counts cannot be negative"), field="engagement")
    if any(c is not None for c in counts):
        draft.engagement = Engagement(data.views, data.likes, data.shares, data.comments,
                                      read_at=now)
    return draft


def _prefix(site_code: str, now: datetime) -> str:
    return "MDS-{tag}-{yy:02d}-".format(tag=site_tag(site_code), yy=now.year % 100)


def post_row(d: PostDraft, regencies: Sequence[str], contest: str, lexicon_version: str,
         site_code: str, who: str, stamp: str, now: datetime, number: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": uuid7(), "number": number, "origin_site": site_code, "recorded_by": who,
        "created_at": now, "updated_at": now, "updated_by": who, "mod_stamp": stamp,
        "field_stamps": dict.fromkeys(SOCIAL_POSTS.fields, stamp), "deleted": False,
        "platform": d.platform.value, "url": d.url[:2048], "canonical_url": d.canonical_url,
        "post_id": d.post_id[:200], "account_name": d.account_name[:200],
        "account_handle": d.account_handle[:200], "account_id": d.account_id[:200],
        "posted_at": d.posted_at, "text": d.text, "engagement": engagement_json(d.engagement),
        "regencies": list(regencies), "contest": contest,
        "kecamatan_code": d.kecamatan_code, "desa_code": d.desa_code,
        "contest_code": d.contest_code, "pair_number": d.pair_number,
        "flags": _flags_json(d.flags), "lexicon_version": lexicon_version, "case_id": None,
        "dismissed": False, "evidence": [],
    }
    values.update(derive_post(values, d.text_normalised if d.text else None))
    return values


def _store(ctx: AppContext, s: Session, intake: IntakeResult, lexicon_version: str,
           now: datetime, dry_run: bool, order: list[str] | None = None) -> PostImportResult:
    """Add the drafts not held yet (by post key, from any site), in batches (Core inserts:
    100,000 posts are one import). `order` collects the number each draft is held as."""
    result = PostImportResult(intake.format, intake.file_name, duplicates=intake.duplicates,
                              ignored=intake.ignored, preset=intake.preset,
                              lexicon_version=lexicon_version, dry_run=dry_run,
                              problems=[ReportRow(p.line, p.message, p.params, p.skipped)
                                        for p in intake.problems])
    site = local_site(s)
    stamp = new_stamp(s, now)  # one change: every post of the import carries its stamp
    prefix = _prefix(site.code, now)
    number = next_number(s, SocialPost, prefix, 7)
    counter = int(number[len(prefix):])
    for start in range(0, len(intake.drafts), BATCH):
        chunk = intake.drafts[start:start + BATCH]
        keys = [post_key(d.platform.value, d.post_id, d.canonical_url) for d in chunk]
        held: dict[str, str] = {k: n for k, n in s.execute(
            select(SocialPost.post_key, SocialPost.number)
            .where(SocialPost.post_key.in_(set(keys))))}
        rows = []
        for d, key in zip(chunk, keys, strict=True):
            if key in held:
                result.already.append(held[key])
                if order is not None:
                    order.append(held[key])
                continue
            number = "{p}{n:07d}".format(p=prefix, n=counter)
            counter += 1
            if d.contest_code is not None or d.pair_number is not None:
                _draft_contest(s, d, result)
            rows.append(post_row(d, list(d.regencies), "", lexicon_version, site.code,
                             ctx.actor.username, stamp, now, number))
            held[key] = number
            result.added.append(number)
            if order is not None:
                order.append(number)
        if rows and not dry_run:
            s.execute(insert(SocialPost), rows)
    if dry_run:
        s.rollback()
        return result
    if result.added:
        audit.record(s, ctx.actor, "post.import", "social-post", "", before=None,
                     after={"format": result.format, "file": result.file_name,
                            "added": len(result.added), "first": result.added[0],
                            "last": result.added[-1], "already": len(result.already),
                            "lexicon_version": lexicon_version}, at=now)
    logger.info("Posts from %s (%s): %d added, %d held already, %d problems",
                result.file_name or "links", result.format, len(result.added),
                len(result.already), len(result.problems))
    return result


def _draft_contest(s: Session, d: PostDraft, result: PostImportResult) -> None:
    """A row's contest and pair checked like a typed one; a problem is reported and the
    pair (an unknown contest: both) left empty, the row kept."""
    try:
        d.contest_code = contests.check_post_contest(s, d.contest_code, None)[0]
    except ValidationError:
        result.problems.append(ReportRow(d.source_line, N_(
            "Row {row}: the contest {code} is not known; the contest and pair are left "
            "empty"), {"row": d.source_line, "code": str(d.contest_code)[:20]}, False))
        d.contest_code = d.pair_number = None
        return
    try:
        contests.check_post_contest(s, d.contest_code, d.pair_number)
    except ValidationError as err:
        result.problems.append(ReportRow(d.source_line, N_(
            "Row {row}: {contest} has no candidate pair number {number}; the pair is left "
            "empty"), {"row": d.source_line, "contest": d.contest_code or "-",
                       "number": d.pair_number}, False))
        logger.info("Post row %d: %s", d.source_line, err)
        d.pair_number = None


def _published(ctx: AppContext, result: PostImportResult) -> None:
    if result.added and not result.dry_run:
        ctx.bus.publish(Change(ChangeKind.SOCIAL_POST, ()))


# --- edits -----------------------------------------------------------------------------


def _get(s: Session, post_id: uuid.UUID | str) -> SocialPost:
    post: SocialPost = get_row(s, SocialPost, post_id, _NOT_FOUND)
    return post


def update_post(ctx: AppContext, post_id: uuid.UUID, changes: Mapping[str, Any], *,
                expected_version: str | None = None) -> PostInfo:
    """Change `EDITABLE_FIELDS` (engagement: {views, likes, shares, comments}, read now);
    a new text is flagged again with the lexicon in effect."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(N_("{name} is not an editable field"), field=unknown[0],
                              name=unknown[0])
    now = ctx.now()
    with ctx.db.write() as s:
        p = _get(s, post_id)
        check_version(s, p, expected_version, _STALE, _snapshot(p))
        values = _validated(s, changes, now)
        if {"kecamatan_code", "desa_code", "regencies"} & set(changes):
            values["kecamatan_code"], values["desa_code"] = check_activity_place(
                values.get("regencies", list(p.regencies)),
                changes.get("kecamatan_code", p.kecamatan_code),
                changes.get("desa_code", p.desa_code), _OUTSIDE)
        if set(CONTEST_FIELDS) & set(changes):
            values.update(_contest_change(s, p, changes))
        if "text" in values:
            lexicon, version = lexicon_in(s)
            values["flags"] = _flags_json(lexicon.flags(normalise(values["text"])))
            values["lexicon_version"] = version
        changed = {k: v for k, v in values.items() if getattr(p, k) != v}
        if not changed:
            return post_info(p)
        if set(CONTEST_FIELDS) & set(changed):  # the two travel together (sync merge)
            changed.update({k: values[k] for k in CONTEST_FIELDS})
        before = {k: getattr(p, k) for k in changed}
        for name, value in changed.items():
            setattr(p, name, value)
        stamp_fields(p, list(changed), new_stamp(s, now), ctx, now)
        audit.record(s, ctx.actor, "post.update", "social-post", str(p.id),
                     before=_jsonable(before), after=_jsonable(changed), at=now)
        s.flush()
        info = post_info(p)
    ctx.bus.publish(Change(ChangeKind.SOCIAL_POST, (str(post_id),)))
    return info


def _contest_change(s: Session, p: SocialPost, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The contest and pair after `changes` (checked); naming a contest clears the old
    free-text note (the codes replace it; the audit entry keeps it)."""
    code, pair = contests.check_post_contest(
        s, changes.get("contest_code", p.contest_code), changes.get("pair_number", p.pair_number))
    return {"contest_code": code, "pair_number": pair, **({"contest": ""} if code else {})}


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in values.items()}


def _validated(s: Session, changes: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("account_name", "account_handle"):
        if name in changes:
            out[name] = one_line(changes[name], name, 200)
    if "text" in changes:
        out["text"] = long_text(changes["text"], "text")
    if "posted_at" in changes:
        value = changes["posted_at"]
        out["posted_at"] = ensure_utc(value) if value is not None else None
        if out["posted_at"] is not None and out["posted_at"] > now:
            raise ValidationError(N_("The time lies in the future"), field="posted_at")
    if "regencies" in changes:
        out["regencies"] = regency_codes(s, changes["regencies"])
    if "engagement" in changes:
        counts = {k: changes["engagement"].get(k) for k in ("views", "likes", "shares",
                                                             "comments")}
        if any(v is not None and (not isinstance(v, int) or v < 0) for v in counts.values()):
            raise ValidationError(N_("Counts cannot be negative"), field="engagement")
        out["engagement"] = {**counts, "read_at": iso(now)}
    return out


def attach_evidence(ctx: AppContext, post_id: uuid.UUID, filename: str, data: bytes, *,
                    expected_version: str | None = None) -> PostInfo:
    """A screenshot, PDF, screen recording, saved page or chat export (`MEDSOS_TYPES`,
    sniffed), stored once by SHA-256 (screenshots with their fingerprint); the same file
    twice adds nothing."""
    require(ctx.actor, Permission.MEDSOS_COLLECT)
    now = ctx.now()
    with ctx.db.write() as s:
        p = _get(s, post_id)
        check_version(s, p, expected_version, _STALE, _snapshot(p))
        entry = store_evidence(s, p.evidence, filename, data, ctx.actor.username, now)
        if entry is None:
            return post_info(p)
        p.evidence = [*p.evidence, entry]
        stamp_fields(p, ["evidence"], new_stamp(s, now), ctx, now)
        audit.record(s, ctx.actor, "post.evidence", "social-post", str(p.id), before=None,
                     after=entry, at=now)
        info = post_info(p)
    ctx.bus.publish(Change(ChangeKind.SOCIAL_POST, (str(post_id),)))
    return info


def evidence_data(ctx: AppContext, sha256: str) -> bytes:
    with ctx.db.read() as s:
        blob = s.get(Blob, sha256)
        if blob is None:
            raise NotFoundError(N_("Attachment {id} not found"), id=sha256[:12])
        return blob.data


def set_dismissed(ctx: AppContext, post_ids: Sequence[uuid.UUID], dismissed: bool = True
                  ) -> list[PostInfo]:
    """Triage: nothing to do about these posts (or back into the queue)."""
    return _set_field(ctx, post_ids, "dismissed", dismissed, Permission.MEDSOS_COLLECT,
                      "post.dismiss" if dismissed else "post.undismiss")


def set_deleted(ctx: AppContext, post_id: uuid.UUID, deleted: bool, *,
                expected_version: str | None = None) -> PostInfo:
    """Delete (a tombstone that syncs) or restore; supervisors."""
    return _set_field(ctx, [post_id], "deleted", deleted, Permission.MEDSOS_DECIDE,
                      "post.delete" if deleted else "post.restore",
                      expected_version=expected_version)[0]


def _set_field(ctx: AppContext, post_ids: Sequence[uuid.UUID], name: str, value: Any,
               permission: Permission, action: str, *,
               expected_version: str | None = None) -> list[PostInfo]:
    require(ctx.actor, permission)
    now = ctx.now()
    with ctx.db.write() as s:
        out = []
        for pid in post_ids:
            p = _get(s, pid)
            check_version(s, p, expected_version, _STALE, _snapshot(p))
            if getattr(p, name) != value:
                before = getattr(p, name)
                setattr(p, name, value)
                stamp_fields(p, [name], new_stamp(s, now), ctx, now)
                audit.record(s, ctx.actor, action, "social-post", str(p.id),
                             before={name: before}, after={name: value}, at=now)
            out.append(post_info(p))
    ctx.bus.publish(Change(ChangeKind.SOCIAL_POST, tuple(str(p) for p in post_ids)))
    return out


# --- queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PostFilter:
    """`queue`: unassigned and not dismissed (the triage queue), ranked by reach x flags;
    otherwise newest collected first. Times: collected in [start, end) (UTC)."""

    queue: bool = False
    platform: str | None = None
    regency: str | None = None
    flag: str | None = None  # a lexicon category
    start: datetime | None = None
    end: datetime | None = None
    case_id: uuid.UUID | None = None
    include_dismissed: bool = True
    include_deleted: bool = False


def list_posts(ctx: AppContext, flt: PostFilter = PostFilter(), *, offset: int = 0,
               limit: int = 100, count: bool = True) -> Page:
    """A page of `PostInfo` and the total matching, counted up to `COUNT_CAP` (a queue of a
    million posts is not counted on every page: `extra["total_capped"]` says "10,000+").
    `count=False`: no count at all (a filter that matches few of a million posts would read
    them all to count them); `total` is then what was seen, `extra["more"]` whether more
    rows follow — the queue's first page."""
    m = SocialPost
    conds: list[Any] = []  # "= false", not "IS false": PostgreSQL's index takes only "="
    if flt.queue:
        conds += [m.case_id.is_(None), m.dismissed == false()]
    elif not flt.include_dismissed:
        conds.append(m.dismissed == false())
    if not flt.include_deleted:
        conds.append(m.deleted == false())
    if flt.platform:
        conds.append(m.platform == flt.platform)
    if flt.regency:
        conds.append(cast(m.regencies, String).like('%"{c}"%'.format(c=flt.regency)))
    if flt.flag:
        conds.append(m.flag_categories.like("% {c} %".format(c=flt.flag)))
    if flt.start is not None:
        conds.append(m.created_at >= flt.start)
    if flt.end is not None:
        conds.append(m.created_at < flt.end)
    if flt.case_id is not None:
        conds.append(m.case_id == str(flt.case_id))
    order = ((m.queue_rank.desc(), m.number.desc()) if flt.queue
             else (m.created_at.desc(), m.number.desc()))
    with ctx.db.read() as s:
        rows = [post_info(p) for p in s.scalars(
            select(m).where(*conds).order_by(*order).offset(offset).limit(limit + 1))]
        more = len(rows) > limit
        del rows[limit:]
        if not count:
            return Page(rows, offset + len(rows) + int(more), offset,
                        {"total_capped": more, "more": more})
        counted = select(m.id).where(*conds).limit(COUNT_CAP + 1).subquery()
        total = s.scalar(select(func.count()).select_from(counted)) or 0
    return Page(rows, min(total, COUNT_CAP), offset,
                {"total_capped": total > COUNT_CAP, "more": more})


def get_post(ctx: AppContext, post_id: uuid.UUID) -> PostInfo:
    with ctx.db.read() as s:
        return post_info(_get(s, post_id))


def resolve_ref(ctx: AppContext, ref: str) -> uuid.UUID:
    with ctx.db.read() as s:
        return resolve(s, SocialPost, ref, _NOT_FOUND)
