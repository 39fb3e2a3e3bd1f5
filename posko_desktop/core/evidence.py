"""Evidence files (attachments): the accepted types, recognised by their content (the
extension or a declared type proves nothing), and safe names. Used by the local attach,
the sync import (content from a peer is sniffed the same way) and the window's *Open*.

Incidents and activities accept images and PDF (`DOCUMENT_TYPES`); Pantau Medsos evidence
also accepts screen recordings (MP4, QuickTime, WebM), saved pages (HTML, MHTML) and
WhatsApp chat exports (the .txt, or the .zip the phone makes) (`MEDSOS_TYPES`). A file
whose name claims another kind of content than it holds is refused (`claimed_kind`)."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
MP4, QUICKTIME, WEBM = "video/mp4", "video/quicktime", "video/webm"
HTML, MHTML = "text/html", "multipart/related"
CHAT_TEXT, CHAT_ZIP = "text/plain", "application/zip"  # WhatsApp chat exports only
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
DOCUMENT_TYPES = IMAGE_TYPES | {"application/pdf"}
VIDEO_TYPES = frozenset({MP4, QUICKTIME, WEBM})
MEDSOS_TYPES = DOCUMENT_TYPES | VIDEO_TYPES | {HTML, MHTML, CHAT_TEXT, CHAT_ZIP}
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
              "image/webp": ".webp", "application/pdf": ".pdf", MP4: ".mp4",
              QUICKTIME: ".mov", WEBM: ".webm", HTML: ".html", MHTML: ".mhtml",
              CHAT_TEXT: ".txt", CHAT_ZIP: ".zip"}
# What a file name's extension claims: a kind, each kind a set of sniffed types. Image
# extensions are one kind (a PNG screenshot saved as .jpg is common and harmless).
_KIND_OF_EXTENSION = {
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".gif", ".webp"), "image"),
    ".pdf": "pdf", **dict.fromkeys((".mp4", ".m4v", ".mov", ".qt", ".webm"), "video"),
    **dict.fromkeys((".html", ".htm"), "html"), **dict.fromkeys((".mhtml", ".mht"), "mhtml"),
    ".txt": "chat text", ".zip": "chat archive",
}
KIND_TYPES = {"image": IMAGE_TYPES, "pdf": frozenset({"application/pdf"}),
              "video": VIDEO_TYPES, "html": frozenset({HTML}), "mhtml": frozenset({MHTML}),
              "chat text": frozenset({CHAT_TEXT}), "chat archive": frozenset({CHAT_ZIP})}
SNIFF_BYTES = 8192  # the head `sniff_mime` needs, except for a ZIP (read whole)
MAX_NAME = 120  # characters of a stored file name
ZIP_MAX_MEMBERS = 5000  # a chat export holds the chat and its media files
_NOT_VIDEO_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis", b"crx ")
_MHTML_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:")


def sniff_mime(data: bytes) -> str | None:
    """The type of evidence content (one of `MEDSOS_TYPES`), or None: not accepted. `data`
    is the whole file, or at least its first `SNIFF_BYTES` for all but a ZIP."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return _video(data) or _page(data) or _chat(data)


def _video(data: bytes) -> str | None:
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in _NOT_VIDEO_BRANDS:
            return None
        return QUICKTIME if brand == b"qt  " else MP4
    if data[4:8] in (b"moov", b"mdat", b"wide") and int.from_bytes(data[:4], "big") >= 8:
        return QUICKTIME  # an old QuickTime movie without an ftyp box
    if data.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in data[:64]:
        return WEBM
    return None


def _page(data: bytes) -> str | None:
    head = data[:SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf").lstrip()
    low = head.lower()
    if low.startswith((b"<!doctype html", b"<html")) or (
            low.startswith(b"<!--") and b"<html" in low):
        return HTML
    if (_MHTML_HEADER.match(head) and b"mime-version:" in low
            and re.search(rb"content-type:\s*multipart/related", low)):
        return MHTML
    return None


def _chat(data: bytes) -> str | None:
    if data.startswith(b"PK\x03\x04"):
        return CHAT_ZIP if _is_chat_zip(data) else None
    return CHAT_TEXT if _is_chat_text(data[:SNIFF_BYTES]) else None


def _is_chat_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="ignore")
    # here, not at the top: the intake package brings openpyxl (the log needs none of it)
    from posko_desktop.core.medsos.intake.whatsapp import looks_like_whatsapp

    return looks_like_whatsapp(text)


def _is_chat_zip(data: bytes) -> bool:
    """A WhatsApp "Export chat" archive: one chat text at the top level (the media files
    beside it); only the names and the first bytes of that text are read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                return False
            texts = [m for m in members if "/" not in m.filename.strip("/")
                     and m.filename.lower().endswith(".txt") and not m.is_dir()]
            if len(texts) != 1:
                return False
            with archive.open(texts[0]) as chat:
                return _is_chat_text(chat.read(SNIFF_BYTES))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            OSError, ValueError, EOFError):
        return False


def claimed_kind(filename: str) -> str | None:
    """The kind of content the file name's extension claims (a key of `KIND_TYPES`), or
    None when the name claims nothing this app knows."""
    stem, dot, ext = filename.rpartition(".")
    return _KIND_OF_EXTENSION.get("." + ext.lower()) if dot and stem else None


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
