"""The content-addressed attachment store shared by every record type with attachments
(incident evidence, activity documents): the checks of a file a person attaches and the
blob written once per SHA-256."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from posko_desktop.core import settings
from posko_desktop.core.db.models import Blob
from posko_desktop.core.domain import AttachmentError
from posko_desktop.core.evidence import sniff_mime
from posko_desktop.core.i18n import N_


def check_file(s: Session, filename: str, data: bytes) -> str:
    """The sniffed type of an attached file (PNG, JPEG, GIF, WebP, PDF), or AttachmentError
    for one that is too large (setting), empty or of another type."""
    limit_mb = settings.get(s, settings.ATTACHMENT_MAX_MB)
    if len(data) > limit_mb * 1024 * 1024:
        raise AttachmentError(
            N_("{name} is too large ({size:.1f} MB); the limit is {limit:.0f} MB"),
            name=filename, size=len(data) / 1048576, limit=limit_mb)
    if not data:
        raise AttachmentError(N_("{name} is empty"), name=filename)
    mime = sniff_mime(data)
    if mime is None:
        raise AttachmentError(
            N_("{name} is not an image (PNG, JPEG, GIF, WebP) or a PDF"), name=filename)
    return mime


def store_blob(s: Session, data: bytes) -> str:
    """Keep `data` once (by SHA-256) in the caller's transaction; returns the hash."""
    digest = hashlib.sha256(data).hexdigest()
    if s.get(Blob, digest) is None:
        s.add(Blob(sha256=digest, size=len(data), data=data))
    return digest
