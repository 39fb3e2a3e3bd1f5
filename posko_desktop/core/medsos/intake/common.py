"""What every intake format shares: reading the file with limits, finishing drafts
(normalised text, lexicon flags, places, dedupe in the file), phone pseudonyms, counts."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import IntakeResult, MedsosError, PostDraft
from posko_desktop.core.medsos.lexicon import Lexicon
from posko_desktop.core.medsos.normalize import normalise
from posko_desktop.core.medsos.urls import links_in, parse_url
from posko_desktop.core.textrules import control_character

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_TEXT = 20_000  # characters of one post's text kept
MAX_NAME = 200  # account name, handle, id

# Indonesian mobile and landline numbers as people write them: +62 812-3456-7890,
# 0812 3456 7890, 62812345678, (024) 3546xxx; 9 to 13 digits after the prefix.
PHONE = re.compile(r"(?<![\w+/=.-])(?:\+62|62|0)[\s.-]?\(?\d{2,4}\)?(?:[\s.-]?\d{2,5}){2,4}(?!\w)")


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise MedsosError(
                N_("{name} is too large ({size:.1f} MB); the limit is {limit:.0f} MB"),
                name=path.name, size=size / 1048576, limit=limit / 1048576)
        return path.read_bytes()
    except OSError as err:
        raise MedsosError(N_("Cannot open {name}: {error}"), name=path.name,
                          error=err.strerror or str(err)) from err


def decode_utf8(raw: bytes, name: str) -> str:
    """Exports of WhatsApp, Telegram and the X API are UTF-8; a file cut in the middle of a
    character, or text in another encoding, is refused rather than read as mojibake."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data":
            raise truncated(name) from err
        raise MedsosError(
            N_("{name} is not UTF-8 text (undecodable byte at position {position}); export "
               "it again"), name=name, position=err.start) from err


def truncated(name: str) -> MedsosError:
    return MedsosError(N_("{name} is cut off (incomplete); export or copy it again"), name=name)


_NOT_FORMAT = {
    "whatsapp": N_("{name} is not a WhatsApp chat export (.txt)"),
    "telegram": N_("{name} is not a Telegram Desktop export (result.json)"),
    "x-api": N_("{name} is not an X API v2 response (JSON)"),
}


def wrong_format(name: str, expected: str) -> MedsosError:
    return MedsosError(_NOT_FORMAT[expected], name=name)


def clean_text(text: str) -> str:
    """Control characters (other than line breaks and tabs) removed, length bounded."""
    if control_character(text, multiline=True) is not None:
        text = "".join(c for c in text if c in "\n\t" or control_character(c) is None)
    return text[:MAX_TEXT].strip()


class Pseudonymiser:
    """Phone numbers replaced by a keyed hash (HMAC-SHA256 over the digits as +62...):
    the same number gives the same pseudonym with the same key, and nobody without the key
    can try all numbers to reverse it (UU PDP 27/2022; docs/decisions.md says where the
    key comes from). `key=None` keeps the numbers (an explicit choice of the caller)."""

    def __init__(self, key: bytes | None) -> None:
        if key is not None and len(key) < 16:
            raise ValueError("pseudonym key shorter than 16 bytes")
        self.key = key

    def number(self, raw: str) -> str:
        digits = re.sub(r"\D", "", raw)
        if digits.startswith("0"):
            digits = "62" + digits[1:]
        if self.key is None:
            return "+" + digits
        digest = hmac.new(self.key, ("+" + digits).encode("ascii"), hashlib.sha256).hexdigest()
        return "tel-" + digest[:16]

    def text(self, text: str) -> str:
        if self.key is None:
            return text
        return PHONE.sub(lambda m: self.number(m.group(0)), text)

    def is_number(self, text: str) -> bool:
        m = PHONE.fullmatch(text.strip().replace("\u202a", "").replace("\u202c", ""))
        return m is not None and len(re.sub(r"\D", "", text)) >= 9


def as_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def finish(result: IntakeResult, drafts: Iterable[PostDraft], lexicon: Lexicon | None) -> None:
    """Normalise, flag, collect links, and drop a draft that repeats an earlier one of the
    same file (same key): importing a file twice must add nothing, inside one file too."""
    seen: set[tuple[str, str]] = set()
    for draft in drafts:
        draft.text = clean_text(draft.text)
        draft.account_name = clean_text(draft.account_name)[:MAX_NAME]
        draft.account_handle = clean_text(draft.account_handle)[:MAX_NAME]
        draft.account_id = clean_text(draft.account_id)[:MAX_NAME]
        if not draft.text_normalised:
            draft.text_normalised = normalise(draft.text)
        if lexicon is not None and draft.text_normalised:
            scan = lexicon.scan(draft.text_normalised)
            draft.flags = scan.flags
            draft.regencies = scan.regencies
        if draft.kecamatan_code and draft.kecamatan_code[:5] not in draft.regencies:
            draft.regencies = (*draft.regencies, draft.kecamatan_code[:5])  # its regency
        draft.links = tuple(dict.fromkeys(_canonical(list(draft.links) + links_in(draft.text))))
        if not draft.post_id and not draft.canonical_url:
            draft.post_id = content_id(
                "txt", draft.platform.value, draft.account_handle or draft.account_name,
                draft.posted_at.isoformat() if draft.posted_at else "", draft.text_normalised)
        key = draft.key
        if key[1] and key in seen:
            result.duplicates += 1
            continue
        seen.add(key)
        result.drafts.append(draft)


def _canonical(links: list[str]) -> Iterable[str]:
    for link in links:
        try:
            yield parse_url(link).canonical
        except MedsosError:
            continue


def content_id(prefix: str, *parts: str) -> str:
    """A stable id for a post that has none of its own (a chat message): the same message
    read from the same export twice gets the same id."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:24]}"
