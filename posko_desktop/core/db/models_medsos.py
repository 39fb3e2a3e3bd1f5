"""Pantau Medsos records (issue 16, migration 0013): social posts, hoax cases, take-down
requests and the desk's changes to the lexicon. Each is a record type that syncs through
the generic path (`sync/kinds.py`: SOCIAL_POSTS, HOAX_CASES, TAKEDOWNS, LEXICON_ENTRIES).

Lists and small structures are JSON; times are UTC. A post's `post_key`, `text_normalised`,
`text_hash`, `reach`, `flag_score`, `flag_categories` and `queue_rank` are derived here from its synced fields (they
never travel: `derive_post` fills them before every insert and update, whichever path wrote
the row), so a forged package cannot make them disagree with the post.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from posko_desktop.core.db.base import Base
from posko_desktop.core.db.models_records import SyncedColumns
from posko_desktop.core.medsos.normalize import normalise

POST_KEY_MAX = 300


def post_key(platform: str, post_id: str, canonical_url: str) -> str:
    """What makes two posts the same post: the platform's post id, else the canonical URL
    (the rule of `medsos.drafts.PostDraft.key`), cut to fit its column."""
    key = "{p}:{i}".format(p=platform, i=post_id) if post_id else "url:" + canonical_url
    if len(key) > POST_KEY_MAX:  # a very long URL: its hash keeps it unique
        key = key[:POST_KEY_MAX - 65] + "#" + hashlib.sha256(key.encode()).hexdigest()
    return key


def rank_of(reach: int, flag_score: int) -> int:
    """The triage queue's order: reach weighted by the lexicon categories found (a post
    nobody counted still ranks by its flags)."""
    return (max(reach, 0) + 1) * (1 + flag_score)


class SocialPost(SyncedColumns, Base):
    """A post seen on social media. `created_at`/`recorded_by` are when and by whom it was
    collected; `engagement` {views, likes, shares, comments, read_at}; `flags` [{term,
    category}] the lexicon found at collection (`lexicon_version`); `evidence` [{sha256,
    filename, mime, size, phash, captured_by, captured_at}] in `blob`; `case_id` the hoax
    case it belongs to (None: unassigned); `dismissed`: triaged as nothing to do."""

    __tablename__ = "social_post"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    platform: Mapped[str] = mapped_column(String(12))
    url: Mapped[str] = mapped_column(String(2048), default="")
    canonical_url: Mapped[str] = mapped_column(String(2048), default="")
    post_id: Mapped[str] = mapped_column(String(200), default="")
    account_name: Mapped[str] = mapped_column(String(200), default="")
    account_handle: Mapped[str] = mapped_column(String(200), default="")
    account_id: Mapped[str] = mapped_column(String(200), default="")
    posted_at: Mapped[datetime | None]
    text: Mapped[str] = mapped_column(Text, default="")
    engagement: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    regencies: Mapped[list[str]] = mapped_column(JSON, default=list)
    contest: Mapped[str] = mapped_column(String(200), default="")  # old free text (0027)
    contest_code: Mapped[str | None] = mapped_column(String(5))  # migration 0027
    pair_number: Mapped[int | None]
    kecamatan_code: Mapped[str | None] = mapped_column(String(8))  # migration 0022
    desa_code: Mapped[str | None] = mapped_column(String(13))
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    lexicon_version: Mapped[str] = mapped_column(String(40), default="")
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    dismissed: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # derived (derive_post), not synced
    post_key: Mapped[str] = mapped_column(String(POST_KEY_MAX))
    text_normalised: Mapped[str] = mapped_column(Text, default="")
    text_hash: Mapped[str] = mapped_column(String(64), default="")
    reach: Mapped[int] = mapped_column(BigInteger, default=0)
    flag_score: Mapped[int] = mapped_column(default=0)
    flag_categories: Mapped[str] = mapped_column(String(400), default="")  # " sara ancaman "
    queue_rank: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        UniqueConstraint("origin_site", "post_key", name="uq_social_post_site_key"),
        Index("ix_social_post_key", "post_key"),
        Index("ix_social_post_text_hash", "text_hash"),
        Index("ix_social_post_case", "case_id"),
        # the triage queue: unassigned, not dismissed, live, by rank (scanned backwards)
        Index("ix_social_post_queue", "case_id", "dismissed", "deleted", "queue_rank", "number"),
        Index("ix_social_post_platform_queue", "platform", "case_id", "dismissed", "deleted",
              "queue_rank", "number"),
        Index("ix_social_post_created", "created_at"),
    )


def derive_post(values: dict[str, Any], text_normalised: str | None = None) -> dict[str, Any]:
    """The derived columns of a post from its synced values (a dict of column values);
    `text_normalised`: `normalise(values["text"])` when the caller has it already."""
    if text_normalised is None:
        text_normalised = normalise(values.get("text") or "")
    categories = sorted({f["category"] for f in values.get("flags") or ()})
    flag_score = len(categories)
    counts = values.get("engagement") or {}
    reach = max((counts.get(k) or 0 for k in ("views", "likes", "shares", "comments")),
                default=0)
    return {
        "post_key": post_key(values["platform"], values.get("post_id") or "",
                             values.get("canonical_url") or ""),
        "text_normalised": text_normalised,
        "text_hash": hashlib.sha256(text_normalised.encode()).hexdigest()
        if text_normalised else "",
        "reach": reach,
        "flag_score": flag_score,
        "flag_categories": " {c} ".format(c=" ".join(categories)) if categories else "",
        "queue_rank": rank_of(reach, flag_score),
    }


@event.listens_for(SocialPost, "before_insert")
@event.listens_for(SocialPost, "before_update")
def _derive(_mapper: Any, _connection: Any, post: SocialPost) -> None:
    derived = derive_post({"platform": post.platform, "post_id": post.post_id,
                           "canonical_url": post.canonical_url, "text": post.text,
                           "flags": post.flags, "engagement": post.engagement})
    for name, value in derived.items():
        if getattr(post, name, None) != value:
            setattr(post, name, value)


class HoaxCase(SyncedColumns, Base):
    """A claim checked by the desk (HOAKS-JTG-2024-0001). Posts point to it
    (`SocialPost.case_id`). `verdict` {verdict, reasoning, sources, decided_by, decided_at,
    approved_by, approved_at} or None; `clarification` {text, published: [{channel, url,
    at}], published_by, published_at} or None; `fact_checks` [{url, publisher}];
    `incidents` ids of incidents the case opened or is attached to."""

    __tablename__ = "hoax_case"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    claim: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(30))
    priority: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    regencies: Mapped[list[str]] = mapped_column(JSON, default=list)
    verdict: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    fact_checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    clarification: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    incidents: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_hoax_case_status", "status"),
                      Index("ix_hoax_case_created", "created_at"))


class TakedownRequest(SyncedColumns, Base):
    """A request to take posts down, sent to `addressee` (komdigi, platform, bawaslu,
    polda_siber) through `channel`, with its ticket or letter number (`reference`);
    `posts` ids of social posts; `rechecks` [{at, result, by, note}] (result: up, down)."""

    __tablename__ = "takedown_request"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    addressee: Mapped[str] = mapped_column(String(20))
    platform: Mapped[str] = mapped_column(String(12), default="")
    posts: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str] = mapped_column(String(120), default="")
    legal_basis: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    rechecks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_takedown_request_case", "case_id"),
                      Index("ix_takedown_request_status", "status"))


class LexiconEntry(SyncedColumns, Base):
    """An admin's change to the shipped lexicon: `action` add (a term the desk adds) or
    remove (a shipped term the desk does not want flagged). Withdrawing a change is its
    tombstone (`deleted`)."""

    __tablename__ = "lexicon_entry"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    term: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(6))

