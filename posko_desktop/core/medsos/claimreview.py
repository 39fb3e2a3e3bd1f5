"""A clarification as schema.org ClaimReview in JSON-LD: what a web page that publishes the
clarification embeds so search engines and fact-check tools show the verdict.

The document validates against `resources/schemas/claimreview.schema.json` (written from
schema.org's ClaimReview, Claim and Rating; `check` runs it before anything is written).
The posts that carried the claim appear by address and date only: no account is named
(the desk publishes this; accounts may be private persons, UU PDP 27/2022).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

import jsonschema

from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import MedsosError
from posko_desktop.core.medsos.outputs import BEST_RATING, WORST_RATING, Clarification, verdict_look
from posko_desktop.core.resources import load_json
from posko_desktop.core.timeutil import to_wib

logger = logging.getLogger(__name__)

SCHEMA = "schemas/claimreview.schema.json"


def _web(url: str) -> bool:
    return url.startswith(("https://", "http://")) and " " not in url


def _when(moment: datetime) -> str:
    return to_wib(moment).replace(microsecond=0).isoformat()


def claim_review(doc: Clarification) -> dict[str, Any]:
    """The ClaimReview of a published clarification (checked against the schema).
    MedsosError when it has no web address or its verdict is unknown."""
    if not _web(doc.published_url):
        raise MedsosError(N_("Case {number}: a ClaimReview needs the web address where the "
                             "clarification is published"), number=doc.case_number)
    try:
        look = verdict_look(doc.verdict)
    except ValueError:
        raise MedsosError(N_("Case {number} has no verdict that can be published"),
                          number=doc.case_number) from None
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": doc.verdict_label}
    if look.rating is not None:
        rating.update(ratingValue=look.rating, bestRating=BEST_RATING,
                      worstRating=WORST_RATING)
    author: dict[str, Any] = {"@type": "GovernmentOrganization", "name": doc.publisher}
    if _web(doc.publisher_url):
        author["url"] = doc.publisher_url
    seen = [a for a in doc.appearances if _web(a.url)]
    claim: dict[str, Any] = {"@type": "Claim"}
    if seen:
        works = [_work(a.url, a.posted_at) for a in seen]
        claim["appearance"] = works
        first = min(seen, key=lambda a: (a.posted_at is None, a.posted_at or doc.published_at))
        claim["firstAppearance"] = _work(first.url, first.posted_at)
        if first.posted_at is not None:
            claim["datePublished"] = _when(first.posted_at)
    out: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": doc.published_url,
        "identifier": doc.case_number,
        "claimReviewed": doc.claim,
        "reviewBody": doc.explanation,
        "inLanguage": doc.lang,
        "datePublished": _when(doc.published_at),
        "author": author,
        "reviewRating": rating,
        "itemReviewed": claim,
    }
    citations = [{"@type": "CreativeWork", "name": s.name, **({"url": s.url} if _web(s.url)
                                                               else {})}
                 for s in doc.sources if s.name.strip()]
    if citations:
        out["citation"] = citations
    check(out)
    return out


def _work(url: str, posted_at: datetime | None) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "SocialMediaPosting", "url": url}
    if posted_at is not None:
        work["datePublished"] = _when(posted_at)
    return work


def schema() -> dict[str, Any]:
    schema: dict[str, Any] = load_json(SCHEMA)
    return schema


def check(doc: dict[str, Any]) -> None:
    """MedsosError when `doc` does not validate against the ClaimReview schema."""
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema()).iter_errors(doc))
    if error is not None:
        logger.error("ClaimReview does not validate: %s at %s", error.message,
                     list(error.absolute_path))
        raise MedsosError(N_("The ClaimReview does not validate: {problem}"),
                          problem=error.message)


def to_json_ld(doc: dict[str, Any]) -> str:
    """The document as a JSON text (UTF-8, non-ASCII kept, keys in the order built)."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def script_tag(doc: dict[str, Any]) -> str:
    """The `<script type="application/ld+json">` element a web page embeds ("</" escaped
    so a claim cannot close the element)."""
    body = json.dumps(doc, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return '<script type="application/ld+json">\n' + body + "\n</script>\n"
