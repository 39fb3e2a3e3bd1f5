"""Small evidence files of every kind Pantau Medsos keeps, built in memory (the head of
each format as the real tools write it)."""

from __future__ import annotations

import io
import zipfile

from .conftest import DATA, PNG

MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00\x00\x00\x08free" * 8
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00\x00\x00\x08wide" * 8
WEBM = (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
        b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02" + b"\x00" * 64)
HTML = ("\ufeff\n<!DOCTYPE html>\n<html lang=\"id\"><head><title>Surat suara tercoblos"
        "</title></head><body><p>Viralkan!</p></body></html>\n").encode()
MHTML = (b"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://www.facebook.com/x\r\n"
         b"Subject: Surat suara\r\nDate: Sun, 21 Jul 2024 03:15:42 +0700\r\n"
         b"MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n"
         b"\tboundary=\"----MultipartBoundary--x\"\r\n\r\n------MultipartBoundary--x\r\n"
         b"Content-Type: text/html\r\n\r\n<html><body>Hoaks</body></html>\r\n")
CHAT = (DATA / "wa-android-id.txt").read_bytes()


def chat_zip(chat: bytes = CHAT, name: str = "WhatsApp Chat with Relawan Jateng.txt") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, chat)
        archive.writestr("IMG-20240721-WA0003.jpg", PNG)
    return buf.getvalue()


def workbook_zip() -> bytes:
    """A ZIP that is no chat export (an XLSX's members)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


def screenshot() -> bytes:
    """A real PNG picture (the fingerprint reads it)."""
    from PIL import Image

    img = Image.new("RGB", (120, 240), "white")
    for x in range(0, 120, 10):
        img.putpixel((x, x * 2), (200, 30, 30))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()
