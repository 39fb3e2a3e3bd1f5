"""Which case a post probably belongs to (`medsos.matching.suggest_cases` over the posts
already in cases and the cases' own evidence). Nothing is merged: the operator confirms
with `cases.attach_posts`.

The index (`matching.MemoryIndex`) holds the posts linked to live cases; it is built once
and kept until a post or case changes (the newest stamps and the count of linked posts
are its key), so a run of suggestions over a queue reads the database once.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models_medsos import HoaxCase, SocialPost
from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import Platform, PostDraft
from posko_desktop.core.medsos.images import ImageFingerprint
from posko_desktop.core.medsos.matching import KnownPost, MemoryIndex, cluster, suggest_cases
from posko_desktop.core.medsos.normalize import normalise
from posko_desktop.core.services.medsos.common import get_row
from posko_desktop.core.services.medsos.posts import PostFilter, PostInfo, list_posts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseSuggestion:
    case_id: uuid.UUID
    case_number: str
    claim: str
    status: str
    score: float  # 0..100
    reason: str  # same_post, image, text
    post_number: str  # the case's post (or the case itself, for its evidence) that matched


def _fingerprints(evidence: list[dict[str, Any]]) -> tuple[ImageFingerprint, ...]:
    return tuple(ImageFingerprint.from_text(e["phash"]) for e in evidence if e["phash"])


def _state(s: Session) -> tuple[Any, ...]:
    """What changes when a post or case changes (one aggregate per query: SQLite reads the
    max of an indexed column from the index only when it is alone)."""
    linked = s.scalar(select(func.count()).select_from(SocialPost)
                      .where(SocialPost.case_id.is_not(None)))
    return (linked, *(s.scalar(select(func.max(column))) for column in (
        SocialPost.mod_stamp, SocialPost.sync_mark, HoaxCase.mod_stamp, HoaxCase.sync_mark)))


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple[Any, ...] | None = None
        self.db_id = 0
        self.index = MemoryIndex()
        self.numbers: dict[str, str] = {}  # post ref -> post number

    def get(self, s: Session, db_id: int) -> tuple[MemoryIndex, dict[str, str]]:
        key = _state(s)
        with self.lock:
            if key != self.key or db_id != self.db_id:
                self.index, self.numbers = _build(s)
                self.key, self.db_id = key, db_id
            return self.index, self.numbers


def _build(s: Session) -> tuple[MemoryIndex, dict[str, str]]:
    live = {str(i) for i in s.scalars(select(HoaxCase.id).where(HoaxCase.deleted.is_(False)))}
    index = MemoryIndex()
    numbers: dict[str, str] = {}
    m = SocialPost
    rows = s.execute(select(m.id, m.number, m.case_id, m.text_normalised, m.canonical_url,
                            m.platform, m.post_id, m.evidence)
                     .where(m.case_id.is_not(None), m.deleted.is_(False))
                     .execution_options(yield_per=5000))
    for pid, number, case_id, text, url, platform, post_id, evidence in rows:
        if case_id not in live:
            continue
        ref = str(pid)
        numbers[ref] = number
        index.add(KnownPost(case_id, ref, text, url, platform, post_id,
                            _fingerprints(evidence)))
    for cid, number, evidence in s.execute(select(HoaxCase.id, HoaxCase.number,
                                                  HoaxCase.evidence)
                                           .where(HoaxCase.deleted.is_(False))):
        if evidence:
            numbers[number] = number
            index.add(KnownPost(str(cid), number, fingerprints=_fingerprints(evidence)))
    logger.info("Case suggestion index built: %d posts in cases", len(index.posts))
    return index, numbers


_CACHE = _Cache()


def suggest_for_post(ctx: AppContext, post_id: uuid.UUID, *, limit: int = 5
                     ) -> list[CaseSuggestion]:
    """The cases a post probably belongs to, best first (its own case left out)."""
    with ctx.db.read() as s:
        p: SocialPost = get_row(s, SocialPost, post_id, N_("Post {id} not found"))
        draft = PostDraft(platform=Platform(p.platform), canonical_url=p.canonical_url,
                          post_id=p.post_id, text=p.text, text_normalised=p.text_normalised)
        index, numbers = _CACHE.get(s, id(ctx.db))
        found = suggest_cases(draft, index, fingerprints=_fingerprints(p.evidence),
                              limit=limit + 1)
        found = [f for f in found if f.case_id != p.case_id and f.post_ref != str(p.id)]
        return _described(s, found[:limit], numbers)


def _described(s: Session, found: list[Any], numbers: dict[str, str]) -> list[CaseSuggestion]:
    ids = [uuid.UUID(f.case_id) for f in found]
    cases = {c.id: c for c in s.scalars(select(HoaxCase).where(HoaxCase.id.in_(ids)))}
    out = []
    for f, cid in zip(found, ids, strict=True):
        c = cases.get(cid)
        if c is None:
            continue
        out.append(CaseSuggestion(cid, c.number, c.claim, c.status, round(f.score, 1),
                                  f.reason, numbers.get(f.post_ref, f.post_ref)))
    return out


@dataclass(frozen=True)
class PostCluster:
    """Unassigned posts that look alike (the same post, a shared screenshot, or texts
    scoring >= `matching.CLUSTER_SCORE`): candidates for one new case."""

    posts: tuple[PostInfo, ...]  # highest queue rank first

    @property
    def reach(self) -> int:
        return sum(p.reach for p in self.posts)


QUEUE = PostFilter(queue=True)


def clusters(ctx: AppContext, flt: PostFilter = QUEUE, *, limit: int = 1000
             ) -> list[PostCluster]:
    """Groups among the first `limit` posts of `flt` (the triage queue by default), largest
    first. Nothing is merged: the operator opens a case from a group."""
    rows = list_posts(ctx, flt, limit=limit, count=False).rows
    drafts = [PostDraft(platform=Platform(p.platform), canonical_url=p.canonical_url,
                        post_id=p.post_id, text=p.text, text_normalised=normalise(p.text))
              for p in rows]
    prints = {i: tuple(ImageFingerprint.from_text(e.phash) for e in p.evidence if e.phash)
              for i, p in enumerate(rows) if p.evidence}
    return [PostCluster(tuple(rows[i] for i in group))
            for group in cluster(drafts, fingerprints=prints)]
