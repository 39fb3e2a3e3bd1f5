"""WhatsApp "Export chat" (.txt, without media or with media file names).

Layouts (Android and iOS, Indonesian and English phone settings):

    21/07/24 03.15 - Budi: teks                       Android, id
    21/07/2024, 03:15 - Budi: text                    Android, en-GB
    7/21/24, 3:15 AM - Budi: text                     Android, en-US
    [21/07/24 03.15.42] Budi: teks                    iOS, id
    [7/21/24, 3:15:42 AM] Budi: text                  iOS, en-US

A line that does not start with a date continues the message before it. System lines
(encryption notice, members added, subject changed, deleted messages) are not posts.
Every message with text or media becomes a draft on platform `whatsapp` (the desk's
tip-line groups receive forwarded chain messages); times are the phone's local time,
converted to UTC with `IntakeOptions.tz`. Senders written as phone numbers, and numbers
inside the text, are pseudonymised (`Pseudonymiser`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import IntakeResult, Platform, PostDraft
from posko_desktop.core.medsos.intake.common import (
    Pseudonymiser,
    as_utc,
    content_id,
    decode_utf8,
    finish,
    read_limited,
    wrong_format,
)
from posko_desktop.core.medsos.intake.options import IntakeOptions

logger = logging.getLogger(__name__)

FORMAT = "whatsapp"
_DIRECTION = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DATE = r"(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4})"
_TIME = r"(?P<time>\d{1,2}[.:]\d{2}(?:[.:]\d{2})?)(?:\s?(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?"
ANDROID = re.compile(rf"^{_DATE},?\s+{_TIME}\s+[-–]\s+(?P<rest>.*)$")
IOS = re.compile(rf"^\[{_DATE},?\s+{_TIME}\]\s+(?P<rest>.*)$")
SNIFF_LINES = 200  # a file without a message line among its first lines is no chat export

MEDIA = re.compile(
    r"^(?:<Media tidak disertakan>|<Media omitted>|"
    r"(?:gambar|video|audio|stiker|dokumen|GIF) tidak disertakan|"
    r"(?:image|video|audio|sticker|document|GIF) omitted|"
    r"<(?:attached|terlampir|lampiran): [^>]+>|"
    r".+\.(?:jpe?g|png|webp|mp4|3gp|opus|pdf|docx?|vcf) \((?:file terlampir|file attached)\))$",
    re.IGNORECASE)
DELETED = re.compile(r"^(?:pesan ini (?:telah )?dihapus|this message was deleted|"
                     r"anda menghapus pesan ini|you deleted this message|"
                     r"pesan ini dihapus oleh admin|this message was deleted by admin)\.?$",
                     re.IGNORECASE)
EDITED = re.compile(r"\s*<(?:Pesan ini diedit|This message was edited)>$", re.IGNORECASE)


@dataclass
class _Message:
    line: int
    stamp: datetime | None
    sender: str
    lines: list[str] = field(default_factory=list)
    system: bool = False


def read_whatsapp(path: Path, options: IntakeOptions) -> IntakeResult:
    text = decode_utf8(read_limited(path), path.name)
    return parse_whatsapp(text, path.name, options)


def looks_like_whatsapp(text: str) -> bool:
    lines = [ln for ln in text.splitlines()[:SNIFF_LINES] if ln.strip()]
    return any(_header(_strip(ln)) is not None for ln in lines)


def parse_whatsapp(text: str, name: str, options: IntakeOptions) -> IntakeResult:
    if "\x00" in text[:4096] or not looks_like_whatsapp(text):
        raise wrong_format(name, FORMAT)
    result = IntakeResult(FORMAT, name)
    lines = text.splitlines()
    day_first = options.day_first
    if day_first is None:
        day_first = _day_first(lines)
    pseudo = Pseudonymiser(options.pseudonym_key)
    messages: list[_Message] = []
    current: _Message | None = None
    skipping = False  # inside a message left out for its date
    for number, raw in enumerate(lines, start=1):
        line = _strip(raw)
        m = _header(line)
        if m is None:
            if current is not None:
                current.lines.append(raw.rstrip())
            elif line.strip() and not skipping:
                result.problem(number, N_("Line {line} comes before the first message and is "
                                          "not read"), line=number)
            continue
        stamp = _stamp(m, day_first, options)
        if stamp is None:
            result.problem(number, N_("Line {line}: the date or time \"{value}\" is not valid; "
                                      "the message is left out"),
                           line=number, value=f"{m.group('date')} {m.group('time')}")
            current, skipping = None, True
            continue
        current = _start(number, stamp, m.group("rest"))
        messages.append(current)
    drafts = []
    for msg in messages:
        draft = _draft(msg, pseudo)
        if draft is None:
            result.ignored += 1
        else:
            drafts.append(draft)
    finish(result, drafts, options.lexicon)
    logger.info("WhatsApp export %s: %s messages, %s posts, %s ignored, %s problems", name,
                len(messages), len(result.drafts), result.ignored, len(result.problems))
    return result


def _strip(line: str) -> str:
    return line.lstrip("\ufeff").lstrip(_DIRECTION).rstrip()


def _header(line: str) -> re.Match[str] | None:
    return IOS.match(line) or ANDROID.match(line)


def _start(number: int, stamp: datetime, rest: str) -> _Message:
    sender, sep, body = rest.partition(": ")
    if not sep:
        if rest.endswith(":"):  # "Budi:" followed by an empty first line
            return _Message(number, stamp, rest[:-1].strip(), [""])
        return _Message(number, stamp, "", [rest], system=True)  # Android system line
    body_clean = body.lstrip(_DIRECTION)
    # iOS writes system lines as "Group: \u200e...", media as "Name: \u200eimage omitted"
    system = body != body_clean and MEDIA.match(body_clean.strip()) is None
    return _Message(number, stamp, sender.strip().strip(_DIRECTION), [body_clean],
                    system=system)


def _day_first(lines: list[str]) -> bool:
    """Day before month unless a date in the file proves otherwise (a second field above
    12), or the times carry AM/PM and no first field above 12 was seen (en-US phones)."""
    ampm = False
    for line in lines:
        m = _header(_strip(line))
        if m is None:
            continue
        a, b, _c = re.split(r"[./-]", m.group("date"))
        if len(a) == 4:
            continue
        if int(a) > 12:
            return True
        if int(b) > 12:
            return False
        ampm = ampm or bool(m.group("ampm"))
    return not ampm


def _stamp(m: re.Match[str], day_first: bool, options: IntakeOptions) -> datetime | None:
    try:
        fields = re.split(r"[./-]", m.group("date"))
        a, b, c = (int(x) for x in fields)
        if len(fields[0]) == 4:
            year, month, day = a, b, c
        elif day_first:
            day, month, year = a, b, c
        else:
            month, day, year = a, b, c
        if year < 100:
            year += 2000
        parts = [int(x) for x in re.split(r"[.:]", m.group("time"))]
        hour, minute, second = parts[0], parts[1], parts[2] if len(parts) > 2 else 0
        ampm = (m.group("ampm") or "").lower().replace(".", "").replace(" ", "")
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        local = datetime(year, month, day, hour, minute, second, tzinfo=options.tz)
    except ValueError:
        return None
    return as_utc(local)


def _draft(msg: _Message, pseudo: Pseudonymiser) -> PostDraft | None:
    if msg.system or msg.stamp is None:
        return None
    body = "\n".join(msg.lines).strip()
    body = EDITED.sub("", body)
    if not body or DELETED.match(body):
        return None
    media: tuple[str, ...] = ()
    first, _sep, rest = body.partition("\n")
    if MEDIA.match(first.strip()):
        media = (first.strip(),)
        body = rest.strip()
    sender = msg.sender
    account_id = ""
    if pseudo.is_number(sender):
        sender = account_id = pseudo.number(sender)
    text = pseudo.text(body)
    return PostDraft(
        platform=Platform.WHATSAPP,
        post_id=content_id("wa", sender, msg.stamp.isoformat(), text, "|".join(media)),
        account_name=sender, account_id=account_id, posted_at=msg.stamp, text=text,
        media=media, source_line=msg.line)
