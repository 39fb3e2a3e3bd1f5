"""Social-media intake: files and pasted links -> `PostDraft`s with a row-level report.

`read_posts(path, options)` recognises the format by the content (not the name):
an .xlsx workbook or a CSV table (`table`), Telegram Desktop `result.json`
(`telegram`), an X API v2 response (`x_api`), a WhatsApp chat export (`whatsapp`).
A file that is none of them, broken or cut off is refused with a `MedsosError` and
nothing is returned; a bad row is reported (`IntakeResult.problems`) and the others kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import IntakeResult, MedsosError, PostDraft
from posko_desktop.core.medsos.intake.common import (
    Pseudonymiser,
    finish,
    read_limited,
    truncated,
)
from posko_desktop.core.medsos.intake.jsonfile import parse_json
from posko_desktop.core.medsos.intake.mapping import (
    FIELDS,
    PRESETS,
    TEMPLATE_COLUMNS,
    ColumnMapping,
    recognise,
)
from posko_desktop.core.medsos.intake.options import IntakeOptions
from posko_desktop.core.medsos.intake.table import (
    PreviewRow,
    UnmappedColumns,
    preview_table,
    read_table,
    table_headers,
)
from posko_desktop.core.medsos.intake.telegram import is_telegram, parse_telegram
from posko_desktop.core.medsos.intake.whatsapp import looks_like_whatsapp, parse_whatsapp
from posko_desktop.core.medsos.intake.xapi import is_x_api, parse_x_api
from posko_desktop.core.medsos.urls import TRAILING_PUNCTUATION, parse_url

__all__ = [
    "FIELDS", "PRESETS", "TEMPLATE_COLUMNS", "ColumnMapping", "IntakeOptions", "PreviewRow",
    "Pseudonymiser", "UnmappedColumns", "preview_table", "read_links", "read_posts",
    "recognise", "table_headers",
]

logger = logging.getLogger(__name__)


def read_posts(path: str | Path, options: IntakeOptions) -> IntakeResult:
    path = Path(path)
    raw = read_limited(path)
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return read_table(path, options)
    text = _utf8_or_none(raw, path.name)
    if text is not None and looks_like_whatsapp(text):
        return parse_whatsapp(text, path.name, options)
    if text is not None and text.lstrip()[:1] in ("{", "["):
        data = parse_json(text, path.name)
        if is_telegram(data):
            return parse_telegram(data, path.name, options)
        if is_x_api(data):
            return parse_x_api(data, path.name, options)
        logger.warning("JSON file %s is neither a Telegram export nor an X API response",
                       path.name)
        raise MedsosError(N_("{name} is JSON but neither a Telegram Desktop export nor an X API "
                             "response"), name=path.name)
    if path.suffix.lower() == ".txt":
        return parse_whatsapp(text or "", path.name, options)  # refused: not a chat export
    return read_table(path, options)


def _utf8_or_none(raw: bytes, name: str) -> str | None:
    """The text if it is UTF-8; None for other encodings (a CSV may be UTF-16 or
    Windows-1252: the table reader decides); a file cut inside a character is refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data":
            raise truncated(name) from err
        return None


def read_links(texts: Iterable[str], options: IntakeOptions) -> IntakeResult:
    """Links pasted by an operator (one or many per text, e.g. a whole message): one
    draft per link, bad ones reported by their line number."""
    result = IntakeResult("links", "")
    drafts = []
    for number, line in enumerate(texts, start=1):
        for word in (w.strip(TRAILING_PUNCTUATION + "(<[") for w in line.split()):
            try:
                parsed = parse_url(word)
            except MedsosError:
                if "." in word and "/" in word:
                    result.problem(number, N_("Line {line}: \"{value}\" is not a link"),
                                   line=number, value=word[:80])
                continue
            drafts.append(PostDraft(platform=parsed.platform, url=parsed.url,
                                    canonical_url=parsed.canonical, post_id=parsed.post_id,
                                    account_handle=parsed.handle, source_line=number))
    finish(result, drafts, options.lexicon)
    return result
