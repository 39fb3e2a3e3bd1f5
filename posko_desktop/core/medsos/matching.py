"""Which case a new post probably belongs to, and which unassigned posts look alike.

`suggest_cases`: (1) the same post (platform + post id, canonical URL, or the same
normalised text: `text_hash`) already in a case, score 100; (2) a screenshot whose
fingerprint is within `images.SAME_IMAGE` bits of a case's evidence; (3) candidates the
caller's index gives for the text (the service: the full-text index), re-ranked with
rapidfuzz's token-set ratio on normalised text. Texts of fewer than `MIN_TOKENS` words
match only when equal after normalisation: a token-set ratio gives 100 whenever one text's
words are a subset of the other's (a two-word post is a subset of almost anything), and
a character ratio finds "foto 1" and "foto 2" 83 % alike.
Nothing is merged: the operator confirms a suggestion.

`MemoryIndex` is an in-memory `CaseIndex` (tests, the bench, `cluster`): an inverted
index over words, candidates = posts sharing the query's rarest words.
"""

from __future__ import annotations

import hashlib
import math
from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz

from posko_desktop.core.medsos.drafts import PostDraft
from posko_desktop.core.medsos.images import SAME_IMAGE, ImageFingerprint

MIN_TOKENS = 4
MIN_SCORE = 70.0  # re-ranked text suggestions below this are not shown
CLUSTER_SCORE = 80.0
CANDIDATES = 200  # texts the index hands over for re-ranking
RARE_WORDS = 4  # the query's rarest words that pick candidates


@dataclass(frozen=True, slots=True)
class KnownPost:
    """A post already linked to a case, as the service hands it over."""

    case_id: str
    ref: str  # the post's id in the database
    text_normalised: str = ""
    canonical_url: str = ""
    platform: str = ""
    post_id: str = ""
    fingerprints: tuple[ImageFingerprint, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    case_id: str
    score: float  # 0..100
    reason: str  # "same_post", "image", "text"
    post_ref: str  # the case's post that matched best


class CaseIndex(Protocol):
    def same_post(self, platform: str, post_id: str, canonical_url: str,
                  text_hash: str) -> Sequence[KnownPost]: ...

    def image_candidates(self, fingerprint: ImageFingerprint) -> Sequence[KnownPost]: ...

    def text_candidates(self, text_normalised: str, limit: int) -> Sequence[KnownPost]: ...


def text_hash(text_normalised: str) -> str:
    """SHA-256 of the normalised text: the same words (case, emoji, slang aside) are equal."""
    return hashlib.sha256(text_normalised.encode("utf-8")).hexdigest()


def text_score(a: str, b: str) -> float:
    """Similarity 0..100 of two normalised texts (module docstring)."""
    if not a or not b:
        return 0.0
    if min(a.count(" "), b.count(" ")) + 1 < MIN_TOKENS:
        return 100.0 if a == b else 0.0
    return float(fuzz.token_set_ratio(a, b))


_RANK = {"same_post": 0, "image": 1, "text": 2}


def suggest_cases(draft: PostDraft, index: CaseIndex, *,
                  fingerprints: Sequence[ImageFingerprint] = (), limit: int = 5,
                  min_score: float = MIN_SCORE) -> list[Suggestion]:
    best: dict[str, Suggestion] = {}

    def offer(s: Suggestion) -> None:
        old = best.get(s.case_id)
        if old is None or (_RANK[s.reason], -s.score) < (_RANK[old.reason], -old.score):
            best[s.case_id] = s

    digest = text_hash(draft.text_normalised) if draft.text_normalised else ""
    for known in index.same_post(draft.platform.value, draft.post_id, draft.canonical_url,
                                 digest):
        offer(Suggestion(known.case_id, 100.0, "same_post", known.ref))
    for fp in fingerprints:
        for known in index.image_candidates(fp):
            distance = min((fp.distance(k) for k in known.fingerprints), default=64)
            if distance <= SAME_IMAGE:
                offer(Suggestion(known.case_id, 100.0 * (1 - distance / 64), "image",
                                 known.ref))
    if draft.text_normalised:
        for known in index.text_candidates(draft.text_normalised, CANDIDATES):
            score = text_score(draft.text_normalised, known.text_normalised)
            if score >= min_score:
                offer(Suggestion(known.case_id, score, "text", known.ref))
    ranked = sorted(best.values(), key=lambda s: (_RANK[s.reason], -s.score, s.case_id))
    return ranked[:limit]


class MemoryIndex:
    """`CaseIndex` over posts held in memory (1,000,000 posts: bench/bench_medsos.py)."""

    def __init__(self, posts: Iterable[KnownPost] = ()) -> None:
        self.posts: list[KnownPost] = []
        self._by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._by_text: dict[int, array[int]] = {}  # first 8 bytes of the text hash
        self._postings: dict[str, array[int]] = {}
        self._with_images: list[int] = []
        for post in posts:
            self.add(post)

    def add(self, post: KnownPost) -> None:
        i = len(self.posts)
        self.posts.append(post)
        if post.post_id:
            self._by_key[(post.platform, post.post_id)].append(i)
        if post.canonical_url:
            self._by_key[("url", post.canonical_url)].append(i)
        if post.text_normalised:
            short = int(text_hash(post.text_normalised)[:16], 16)
            self._by_text.setdefault(short, array("I")).append(i)
            for word in set(post.text_normalised.split()):
                postings = self._postings.get(word)
                if postings is None:
                    postings = self._postings[word] = array("I")
                postings.append(i)
        if post.fingerprints:
            self._with_images.append(i)

    def same_post(self, platform: str, post_id: str, canonical_url: str,
                  text_hash_: str) -> list[KnownPost]:
        keys = [(platform, post_id), ("url", canonical_url)]
        found = {i for key in keys if key[1] for i in self._by_key.get(key, ())}
        if text_hash_:
            found |= {i for i in self._by_text.get(int(text_hash_[:16], 16), ())
                      if text_hash(self.posts[i].text_normalised) == text_hash_}
        return [self.posts[i] for i in sorted(found)]

    def image_candidates(self, fingerprint: ImageFingerprint) -> list[KnownPost]:
        return [self.posts[i] for i in self._with_images
                if any(fingerprint.same_as(k) for k in self.posts[i].fingerprints)]

    def text_candidates(self, text_normalised: str, limit: int) -> list[KnownPost]:
        """Posts sharing the query's `RARE_WORDS` rarest words, most shared (weighted by
        rarity: log N/df) first; counted with numpy over the posting arrays."""
        words = sorted((w for w in set(text_normalised.split()) if w in self._postings),
                       key=lambda w: (len(self._postings[w]), w))[:RARE_WORDS]
        if not words:
            return []
        total = len(self.posts)
        ids = np.concatenate([np.frombuffer(self._postings[w], dtype=np.uint32) for w in words])
        weights = np.concatenate([np.full(len(self._postings[w]),
                                          math.log(total / len(self._postings[w])) + 1.0)
                                  for w in words])
        unique, inverse = np.unique(ids, return_inverse=True)
        scores = np.bincount(inverse, weights=weights)
        if len(unique) > limit:
            top = np.argpartition(-scores, limit)[:limit]
            top = top[np.argsort(-scores[top], kind="stable")]
        else:
            top = np.argsort(-scores, kind="stable")
        return [self.posts[int(unique[i])] for i in top]


def cluster(drafts: Sequence[PostDraft], *, min_score: float = CLUSTER_SCORE,
            fingerprints: Mapping[int, Sequence[ImageFingerprint]] | None = None,
            ) -> list[list[int]]:
    """Groups (indexes into `drafts`, two or more each, largest group first) of drafts
    that are the same post, share a screenshot, or whose texts score >= `min_score`."""
    parent = list(range(len(drafts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    fps = fingerprints or {}
    index = MemoryIndex(
        KnownPost(str(i), str(i), d.text_normalised, d.canonical_url, d.platform.value,
                  d.post_id, tuple(fps.get(i, ()))) for i, d in enumerate(drafts))
    for i, draft in enumerate(drafts):
        for s in suggest_cases(draft, index, fingerprints=fps.get(i, ()), limit=CANDIDATES,
                               min_score=min_score):
            j = int(s.case_id)
            if j != i:
                join(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(drafts)):
        groups[root(i)].append(i)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g[0]))
