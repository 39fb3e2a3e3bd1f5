"""The memo of files imported (docs/decisions.md, "re-import of the same file"): after an
import, the SHA-256 of the file's bytes and a digest of the options that decide how it is
read are kept (a local settings row) with the report and the number of the post each
draft is held as, in file order. The same bytes read with the same options give the same
drafts, so when every one of those posts is still here the file adds nothing: the
report is returned without parsing. Anything else (other bytes, other options, a post
missing, e.g. after a restore) takes the full path."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.db.models import Setting
from posko_desktop.core.db.models_medsos import SocialPost
from posko_desktop.core.medsos.intake.mapping import ColumnMapping

PREFIX = "medsos.import_memo."  # + 48 hex of the file's SHA-256 (keys hold 80 characters)
KEEP = 20  # memos kept (the newest)
CHECK_BATCH = 900  # numbers per IN (…) when checking they are still held


@dataclass(frozen=True)
class Memo:
    numbers: list[str]  # the post each draft is held as, in file order
    report: dict[str, Any]  # format, preset, duplicates, ignored, problems


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def options_digest(tz: tzinfo, mapping: ColumnMapping | None,
                   saved: Sequence[ColumnMapping], day_first: bool | None,
                   keep_numbers: bool, pseudonym: bytes | None) -> str:
    """What decides the drafts besides the bytes (not the lexicon: a held post is not
    flagged again; not the read time: it only dates the counts)."""
    key = {"tz": str(tz), "day_first": day_first, "keep_numbers": keep_numbers,
           "mapping": None if mapping is None else [mapping.name, mapping.to_dict()],
           "saved": sorted(json.dumps([m.name, m.to_dict()], sort_keys=True) for m in saved),
           "pseudonym": hashlib.sha256(pseudonym).hexdigest() if pseudonym else None}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def _pack(numbers: Sequence[str]) -> str:
    return base64.b64encode(zlib.compress("\n".join(numbers).encode(), 6)).decode("ascii")


def _unpack(text: str) -> list[str]:
    raw = zlib.decompress(base64.b64decode(text)).decode()
    return raw.split("\n") if raw else []


def recall(s: Session, file_sha: str, options: str) -> Memo | None:
    """The memo of this file read with these options, if every post it names is held."""
    row = s.get(Setting, PREFIX + file_sha[:48])
    if (row is None or not isinstance(row.value, dict) or row.value.get("sha256") != file_sha
            or row.value.get("options") != options):
        return None
    numbers = _unpack(row.value["numbers"])
    distinct = sorted(set(numbers))
    held = 0
    for start in range(0, len(distinct), CHECK_BATCH):
        chunk = distinct[start:start + CHECK_BATCH]
        held += s.scalar(select(func.count()).select_from(SocialPost)
                         .where(SocialPost.number.in_(chunk))) or 0
    if held != len(distinct):
        return None
    return Memo(numbers, dict(row.value["report"]))


def remember(s: Session, file_sha: str, options: str, numbers: Sequence[str],
             report: dict[str, Any], user: str, now: datetime) -> None:
    """Keep the memo of an import (the caller's transaction); the oldest beyond `KEEP`
    are dropped."""
    value = {"sha256": file_sha, "options": options, "numbers": _pack(numbers), "report": report}
    key = PREFIX + file_sha[:48]
    row = s.get(Setting, key)
    if row is None:
        s.add(Setting(key=key, value=value, updated_at=now, updated_by=user))
    else:
        row.value, row.updated_at, row.updated_by = value, now, user
    s.flush()
    old = list(s.scalars(select(Setting).where(Setting.key.like(PREFIX + "%"))
                         .order_by(Setting.updated_at.desc(), Setting.key).offset(KEEP)))
    for r in old:
        s.delete(r)
