"""X (Twitter) API v2 responses saved as JSON: `{"data": [...], "includes": {"users":
[...]}, "meta": {...}}`, one tweet as `data` (an object), or a list of such responses
(pages saved one after another).

A tweet's long text (`note_tweet.text`) is preferred over the 280-character `text`;
`public_metrics` become the engagement (impressions = views, likes, retweets + quotes =
shares, replies = comments) as read at `IntakeOptions.read_at`; the author's name and
username come from `includes.users`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import Engagement, IntakeResult, Platform, PostDraft
from posko_desktop.core.medsos.intake.common import as_utc, finish, wrong_format
from posko_desktop.core.medsos.intake.jsonfile import as_int, as_str, load_json
from posko_desktop.core.medsos.intake.options import IntakeOptions
from posko_desktop.core.medsos.urls import parse_url

logger = logging.getLogger(__name__)

FORMAT = "x-api"


def _pages(data: Any) -> list[dict[str, Any]] | None:
    pages = data if isinstance(data, list) else [data]
    if not pages or not all(isinstance(p, dict) and ("data" in p or "includes" in p)
                            for p in pages):
        return None
    return pages


def is_x_api(data: Any) -> bool:
    return _pages(data) is not None


def read_x_api(path: Path, options: IntakeOptions) -> IntakeResult:
    return parse_x_api(load_json(path), path.name, options)


def parse_x_api(data: Any, name: str, options: IntakeOptions) -> IntakeResult:
    pages = _pages(data)
    if pages is None:
        raise wrong_format(name, FORMAT)
    result = IntakeResult(FORMAT, name)
    users: dict[str, dict[str, Any]] = {}
    for page in pages:
        includes = page.get("includes")
        if isinstance(includes, dict) and isinstance(includes.get("users"), list):
            users.update({as_str(u.get("id")): u for u in includes["users"]
                          if isinstance(u, dict)})
    drafts: list[PostDraft] = []
    number = 0
    for page in pages:
        tweets = page.get("data", [])
        for tweet in tweets if isinstance(tweets, list) else [tweets]:
            number += 1
            draft = _draft(tweet, number, users, options, result)
            if draft is not None:
                drafts.append(draft)
    finish(result, drafts, options.lexicon)
    logger.info("X API file %s: %s tweets, %s posts, %s problems", name, number,
                len(result.drafts), len(result.problems))
    return result


def _draft(tweet: Any, number: int, users: dict[str, dict[str, Any]],
           options: IntakeOptions, result: IntakeResult) -> PostDraft | None:
    if not isinstance(tweet, dict):
        result.problem(number, N_("Post {number} is not an object; it is left out"),
                       number=number)
        return None
    tweet_id = as_str(tweet.get("id"))
    if not tweet_id.isdigit():
        result.problem(number, N_("Post {number} has no valid id; it is left out"),
                       number=number)
        return None
    note = tweet.get("note_tweet")
    text = as_str(note.get("text")) if isinstance(note, dict) else ""
    text = text or as_str(tweet.get("text"))
    author_id = as_str(tweet.get("author_id"))
    user = users.get(author_id, {})
    username = as_str(user.get("username"))
    url = f"https://x.com/{username or 'i/web'}/status/{tweet_id}"
    posted = _created(tweet.get("created_at"))
    if posted is None:
        result.problem(number, N_("Post {number} (id {id}) has no valid creation time; it is "
                                  "kept without one"), number=number, id=tweet_id,
                       skipped=False)
    metrics = tweet.get("public_metrics")
    metrics = metrics if isinstance(metrics, dict) else {}
    shares = [as_int(metrics.get(k)) for k in ("retweet_count", "quote_count")]
    links = []
    entities = tweet.get("entities")
    if isinstance(entities, dict) and isinstance(entities.get("urls"), list):
        links = [as_str(u.get("expanded_url")) for u in entities["urls"]
                 if isinstance(u, dict) and u.get("expanded_url")]
    return PostDraft(
        platform=Platform.X, url=url, canonical_url=parse_url(url).canonical,
        post_id=tweet_id, account_name=as_str(user.get("name")), account_handle=username,
        account_id=author_id, posted_at=posted, text=text,
        engagement=Engagement(
            views=as_int(metrics.get("impression_count")),
            likes=as_int(metrics.get("like_count")),
            shares=None if all(s is None for s in shares) else sum(s or 0 for s in shares),
            comments=as_int(metrics.get("reply_count")), read_at=options.read_at),
        links=tuple(links), source_line=number)


def _created(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return as_utc(moment) if moment.tzinfo else None
