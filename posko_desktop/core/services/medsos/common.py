"""What the Pantau Medsos services share: the version check on update, stamping the fields
a change touched, numbers per site, regency codes, evidence files."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Regency
from posko_desktop.core.domain import (
    PROVINCE_CODE,
    AttachmentError,
    NotFoundError,
    StaleEdit,
    ValidationError,
    check_text,
)
from posko_desktop.core.evidence import IMAGE_TYPES, MEDSOS_TYPES, safe_filename
from posko_desktop.core.hlc import Stamp
from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import MedsosError
from posko_desktop.core.services import evidence_store
from posko_desktop.core.services.edit_versions import person, require_a_version
from posko_desktop.core.services.reference import normalize_regency_code

logger = logging.getLogger(__name__)

EVIDENCE_MAX = 50


def record_version(obj: Any) -> str:
    """The newest of the record's modification stamp and the mark of the last import that
    touched it (docs/contributing.md, "Optimistic version check on update")."""
    return max(obj.mod_stamp, obj.sync_mark or "")


def check_version(s: Session, obj: Any, expected: str | None, stale_message: str,
                  current: Mapping[str, Any]) -> None:
    """Refuse (StaleEdit, nothing written) when `obj` changed since `expected`;
    `stale_message` has {number}, {name}, {time}."""
    if expected is None:
        return
    version = record_version(obj)
    require_a_version(expected, version, obj.number)
    if expected == version:
        return
    by_import = version != obj.mod_stamp
    if by_import:
        who, at = "", datetime.fromtimestamp(Stamp.parse(version).millis / 1000, UTC)
    else:
        who, at = person(s, obj.updated_by), obj.updated_at
    logger.info("Stale save of %s %s refused (now version %s)", type(obj).__name__,
                obj.number, version)
    raise StaleEdit(stale_message, version=version, current=dict(current), changed_by=who,
                    changed_at=at, by_import=by_import, number=obj.number)


def stamp_fields(obj: Any, names: Sequence[str], stamp: str, ctx: AppContext,
                 now: datetime) -> None:
    obj.field_stamps = {**obj.field_stamps, **dict.fromkeys(names, stamp)}
    obj.mod_stamp, obj.updated_at, obj.updated_by = stamp, now, ctx.actor.username


def site_tag(site_code: str) -> str:
    """How numbers name a site: JTG for the province, 3374 for Kota Semarang."""
    return "JTG" if site_code == PROVINCE_CODE else site_code.replace(".", "")


def next_number(s: Session, model: Any, prefix: str, width: int) -> str:
    """`prefix` + the next counter of `width` digits (fixed width: the greatest is last)."""
    last = s.scalar(select(func.max(model.number)).where(model.number.like(prefix + "%")))
    n = int(last[len(prefix):]) + 1 if last else 1
    return "{p}{n:0{w}d}".format(p=prefix, n=n, w=width)


def get_row(s: Session, model: Any, record_id: uuid.UUID | str, what: str) -> Any:
    """`what` is an English msgid "... {id} not found"."""
    try:
        key = record_id if isinstance(record_id, uuid.UUID) else uuid.UUID(str(record_id))
    except ValueError:
        raise NotFoundError(what, id=str(record_id)) from None
    obj = s.get(model, key)
    if obj is None:
        raise NotFoundError(what, id=str(record_id))
    return obj


def resolve(s: Session, model: Any, ref: str, what: str) -> uuid.UUID:
    """A record given as UUID or number (CLI)."""
    try:
        return uuid.UUID(ref)
    except ValueError:
        pass
    found = s.scalar(select(model.id).where(model.number == ref.strip()))
    if found is None:
        raise NotFoundError(what, id=ref)
    return found


def regency_codes(s: Session, values: Sequence[str], field: str = "regencies") -> list[str]:
    known = set(s.scalars(select(Regency.code)))
    out: list[str] = []
    for text in values:
        code = normalize_regency_code(str(text))
        if code is None or code not in known:
            raise ValidationError(N_("Unknown regency code {code}"), field=field, code=text)
        if code not in out:
            out.append(code)
    return sorted(out)


def one_line(value: Any, field: str, maximum: int, *, required: bool = False) -> str:
    text = check_text(" ".join(str(value or "").split()), field)
    if required and not text:
        raise ValidationError(N_("Give a value for {name}"), field=field, name=field)
    if len(text) > maximum:
        raise ValidationError(N_("At most {max} characters"), field=field, max=maximum)
    return text


def long_text(value: Any, field: str, maximum: int = 20_000) -> str:
    text = check_text(str(value or "").strip(), field, multiline=True)
    if len(text) > maximum:
        raise ValidationError(N_("At most {max} characters"), field=field, max=maximum)
    return text


@dataclass(frozen=True)
class Evidence:
    """A file kept as evidence: content in the attachment store by SHA-256; `phash` the
    screenshot's fingerprint (`medsos.images`, "" for any other type)."""

    sha256: str
    filename: str
    mime: str
    size: int
    phash: str
    captured_by: str
    captured_at: datetime


def evidence_of(entries: Sequence[Mapping[str, Any]]) -> tuple[Evidence, ...]:
    return tuple(Evidence(e["sha256"], e["filename"], e["mime"], e["size"], e["phash"],
                          e["captured_by"], datetime.fromisoformat(e["captured_at"]))
                 for e in entries)


def store_evidence(s: Session, existing: Sequence[Mapping[str, Any]], filename: str,
                   data: bytes, captured_by: str, now: datetime) -> dict[str, Any] | None:
    """The evidence entry of a file (sniffed type, stored once by SHA-256), or None when
    the record holds that content already."""
    mime = evidence_store.check_file(s, filename, data, MEDSOS_TYPES)
    if len(existing) >= EVIDENCE_MAX:
        raise AttachmentError(N_("{name}: at most {max} evidence files per record"),
                              name=filename, max=EVIDENCE_MAX)
    phash = ""
    if mime in IMAGE_TYPES:
        from posko_desktop.core.medsos.images import fingerprint  # numpy, Pillow: on use

        try:
            phash = fingerprint(data, filename).to_text()
        except MedsosError as err:
            raise AttachmentError(err.message, **err.params) from None
    digest = evidence_store.store_blob(s, data)
    if any(e["sha256"] == digest for e in existing):
        return None
    return {"sha256": digest, "filename": safe_filename(filename, digest[:12]), "mime": mime,
            "size": len(data), "phash": phash, "captured_by": captured_by,
            "captured_at": now.astimezone(UTC).isoformat()}


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()
