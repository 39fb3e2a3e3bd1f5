"""Evidence files (attachments): the accepted types, recognised by their first bytes (the
extension or a declared type proves nothing), and safe names. Used by the local attach,
the sync import (content from a peer is sniffed the same way) and the window's *Open*."""

from __future__ import annotations

import unicodedata

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
              "image/webp": ".webp", "application/pdf": ".pdf"}
SNIFF_BYTES = 16  # enough of the head for `sniff_mime`
MAX_NAME = 120  # characters of a stored file name


def sniff_mime(data: bytes) -> str | None:
    """The type of evidence content (PNG, JPEG, GIF, WebP, PDF), or None: not accepted."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def safe_filename(name: str, fallback: str) -> str:
    """A file name to store and show: no folder part, no control or format characters (a
    right-to-left override can disguise an extension), no leading dots or spaces, at most
    `MAX_NAME` characters (the extension kept); `fallback` when nothing is left."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp"))
    base = base.strip().lstrip(".").strip()
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        ext = ext[:16] if dot and stem else ""
        base = base[:MAX_NAME - len(ext) - 1].rstrip() + "." + ext if ext else base[:MAX_NAME]
    return base or fallback


def open_name(filename: str, sha256: str, mime: str) -> str:
    """The name under which *Open* writes evidence for the system viewer: the safe stem and
    the extension of the sniffed type (never the stored extension)."""
    safe = safe_filename(filename, sha256[:12])
    stem = safe.rsplit(".", 1)[0] if "." in safe else safe
    return "{sha}-{stem}{ext}".format(sha=sha256[:8], stem=stem[:80] or sha256[:12],
                                      ext=EXTENSIONS.get(mime, ".bin"))
