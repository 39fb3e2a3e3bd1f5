"""Telegram Desktop "Export chat history" in machine-readable JSON (`result.json`).

One chat (`{"name", "type", "id", "messages": [...]}`) or a full export
(`{"chats": {"list": [chat, ...]}}`). Each message of type "message" with text or media
becomes a draft on platform `telegram`; service messages (pins, joins) are not posts.
Times: `date_unixtime` (UTC) when present, else `date` in `IntakeOptions.tz`. Posts of
channels and supergroups get their `t.me/c/<chat>/<message>` link (it opens for members);
reactions count as likes.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import Engagement, IntakeResult, Platform, PostDraft
from posko_desktop.core.medsos.intake.common import (
    Pseudonymiser,
    as_utc,
    finish,
    wrong_format,
)
from posko_desktop.core.medsos.intake.jsonfile import as_int, as_str, load_json
from posko_desktop.core.medsos.intake.options import IntakeOptions
from posko_desktop.core.medsos.urls import parse_url

logger = logging.getLogger(__name__)

FORMAT = "telegram"
_LINKED_TYPES = {"public_channel", "private_channel", "public_supergroup", "private_supergroup"}
_MEDIA_KEYS = ("photo", "file", "thumbnail", "sticker_emoji")


def is_telegram(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    chats = data.get("chats")
    return isinstance(data.get("messages"), list) or (
        isinstance(chats, dict) and isinstance(chats.get("list"), list))


def read_telegram(path: Path, options: IntakeOptions) -> IntakeResult:
    return parse_telegram(load_json(path), path.name, options)


def parse_telegram(data: Any, name: str, options: IntakeOptions) -> IntakeResult:
    if not is_telegram(data):
        raise wrong_format(name, FORMAT)
    chats = [data] if "messages" in data else data["chats"]["list"]
    result = IntakeResult(FORMAT, name)
    pseudo = Pseudonymiser(options.pseudonym_key)
    drafts: list[PostDraft] = []
    number = 0
    for chat_number, chat in enumerate(chats, start=1):
        if not isinstance(chat, dict) or not isinstance(chat.get("messages"), list):
            result.problem(chat_number, N_("Chat {number}: no message list; it is left out"),
                           number=chat_number)
            continue
        for message in chat["messages"]:
            number += 1
            draft = _draft(chat, message, number, options, pseudo, result)
            if draft is not None:
                drafts.append(draft)
    finish(result, drafts, options.lexicon)
    logger.info("Telegram export %s: %s messages, %s posts, %s problems", name, number,
                len(result.drafts), len(result.problems))
    return result


def flat_text(value: Any) -> tuple[str, list[str]]:
    """Telegram's text (a string, or a list of strings and entity objects) and the links
    in its entities."""
    if isinstance(value, str):
        return value, []
    if not isinstance(value, list):
        return "", []
    parts, links = [], []
    for item in value:
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, dict):
            text = as_str(item.get("text"))
            parts.append(text)
            if item.get("type") == "link":
                links.append(text)
            elif item.get("type") == "text_link" and isinstance(item.get("href"), str):
                links.append(item["href"])
    return "".join(parts), links


def _draft(chat: dict[str, Any], message: Any, number: int, options: IntakeOptions,
           pseudo: Pseudonymiser, result: IntakeResult) -> PostDraft | None:
    if not isinstance(message, dict):
        result.problem(number, N_("Message {number} is not an object; it is left out"),
                       number=number)
        return None
    if message.get("type") != "message":
        result.ignored += 1
        return None
    msg_id = as_int(message.get("id"))
    if msg_id is None:
        result.problem(number, N_("Message {number} has no id; it is left out"), number=number)
        return None
    posted = _posted(message, options)
    if posted is None:
        result.problem(number, N_("Message {number} (id {id}) has no valid date; it is kept "
                                  "without one"), number=number, id=msg_id, skipped=False)
    text, links = flat_text(message.get("text"))
    media = tuple(as_str(message.get(k)) for k in _MEDIA_KEYS if message.get(k))
    if not text.strip() and not media:
        result.ignored += 1
        return None
    chat_id = as_int(chat.get("id"))
    url = ""
    if chat_id is not None and chat.get("type") in _LINKED_TYPES:
        url = f"https://t.me/c/{chat_id}/{msg_id}"
    sender = as_str(message.get("from")) or as_str(chat.get("name"))
    forwarded = as_str(message.get("forwarded_from"))
    likes = sum(as_int(r.get("count")) or 0 for r in message.get("reactions") or []
                if isinstance(r, dict)) or None
    parsed = parse_url(url) if url else None
    return PostDraft(
        platform=Platform.TELEGRAM, url=url,
        canonical_url=parsed.canonical if parsed else "",
        post_id=parsed.post_id if parsed else f"chat{chat_id or 0}/{msg_id}",
        account_name=pseudo.text(forwarded or sender),
        account_id=as_str(message.get("from_id")) if not forwarded else "",
        posted_at=posted, text=pseudo.text(text),
        engagement=Engagement(views=as_int(message.get("views")), likes=likes,
                              read_at=options.read_at),
        media=media, links=tuple(links), source_line=number)


def _posted(message: dict[str, Any], options: IntakeOptions) -> datetime | None:
    unix = as_int(message.get("date_unixtime"))
    if unix is not None and unix < 10**11:
        return datetime.fromtimestamp(unix, UTC)
    raw = message.get("date")
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return None
        return as_utc(moment if moment.tzinfo else moment.replace(tzinfo=options.tz))
    return None
