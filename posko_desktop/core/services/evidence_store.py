"""The content-addressed attachment store shared by every record type with attachments
(incident evidence, activity documents): the checks of a file a person attaches and the
blob written once per SHA-256."""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy.orm import Session

from posko_desktop.core import settings
from posko_desktop.core.db.models import Blob
from posko_desktop.core.domain import AttachmentError
from posko_desktop.core.evidence import (
    CHAT_TEXT,
    CHAT_ZIP,
    DOCUMENT_TYPES,
    HTML,
    KIND_TYPES,
    MHTML,
    MP4,
    QUICKTIME,
    WEBM,
    claimed_kind,
    sniff_mime,
)
from posko_desktop.core.i18n import N_, _

logger = logging.getLogger(__name__)


def check_file(s: Session, filename: str, data: bytes,
               accepted: frozenset[str] = DOCUMENT_TYPES) -> str:
    """The sniffed type of an attached file, or AttachmentError for one that is too large
    (setting), empty or of another type. `accepted`: `DOCUMENT_TYPES` (images and PDF:
    incidents, activities) or `MEDSOS_TYPES` (also recordings, saved pages, chat exports;
    the content must then be of the kind the file name claims)."""
    limit_mb = settings.get(s, settings.ATTACHMENT_MAX_MB)
    if len(data) > limit_mb * 1024 * 1024:
        raise AttachmentError(
            N_("{name} is too large ({size:.1f} MB); the limit is {limit:.0f} MB"),
            name=filename, size=len(data) / 1048576, limit=limit_mb)
    if not data:
        raise AttachmentError(N_("{name} is empty"), name=filename)
    mime = sniff_mime(data)
    if accepted == DOCUMENT_TYPES:
        if mime not in DOCUMENT_TYPES:
            raise AttachmentError(
                N_("{name} is not an image (PNG, JPEG, GIF, WebP) or a PDF"), name=filename)
        return mime
    kind = claimed_kind(filename)
    if mime is None or mime not in accepted:
        raise AttachmentError(N_(
            "{name} is not evidence this app keeps: an image (PNG, JPEG, GIF, WebP), a PDF, "
            "a screen recording (MP4, MOV, WebM), a saved page (HTML, MHTML) or a WhatsApp "
            "chat export (.txt or .zip)"), name=filename)
    if kind is not None and mime not in KIND_TYPES[kind]:
        logger.info("Evidence %s refused: content %s, name claims %s", filename, mime, kind)
        raise AttachmentError(N_("{name}: the content ({found}) is not what the file name "
                                 "says; rename the file or choose the right one"),
                              name=filename, found=mime)
    return mime


def describe(mime: str) -> str:
    """What a person calls content of type `mime` (translated)."""
    return _(_DESCRIPTIONS.get(mime, N_("a file")))


_DESCRIPTIONS = {
    "image/png": N_("a PNG image"), "image/jpeg": N_("a JPEG image"),
    "image/gif": N_("a GIF image"), "image/webp": N_("a WebP image"),
    "application/pdf": N_("a PDF document"), MP4: N_("an MP4 video"),
    QUICKTIME: N_("a QuickTime video"), WEBM: N_("a WebM video"),
    HTML: N_("a saved web page (HTML)"), MHTML: N_("a saved web page (MHTML)"),
    CHAT_TEXT: N_("a WhatsApp chat export"), CHAT_ZIP: N_("a WhatsApp chat export (ZIP)"),
}


def store_blob(s: Session, data: bytes) -> str:
    """Keep `data` once (by SHA-256) in the caller's transaction; returns the hash."""
    digest = hashlib.sha256(data).hexdigest()
    if s.get(Blob, digest) is None:
        s.add(Blob(sha256=digest, size=len(data), data=data))
    return digest
