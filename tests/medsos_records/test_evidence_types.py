"""Evidence beyond images and PDF: screen recordings, saved pages and WhatsApp chat
exports are recognised by their content, kept once by SHA-256 and refused when the content
is not what the file name claims (nothing written); incidents keep images and PDF only."""

from __future__ import annotations

import hashlib

import pytest

from posko_desktop.core.domain import AttachmentError
from posko_desktop.core.evidence import sniff_mime
from posko_desktop.core.services import incidents
from posko_desktop.core.services.medsos import cases, posts
from posko_desktop.core.services.medsos.cases import CaseInput
from posko_desktop.core.services.medsos.posts import PostInput

from . import evidence_samples as sample
from .conftest import PNG, as_role, dump

TIKTOK = "https://www.tiktok.com/@jateng.viral/video/7394123456789012345"

KEPT = [("rekaman-layar.mp4", sample.MP4, "video/mp4"),
        ("rekaman.MOV", sample.MOV, "video/quicktime"),
        ("rekaman.webm", sample.WEBM, "video/webm"),
        ("halaman.html", sample.HTML, "text/html"),
        ("halaman.mhtml", sample.MHTML, "multipart/related"),
        ("Chat WhatsApp dengan Relawan.txt", sample.CHAT, "text/plain"),
        ("WhatsApp Chat - Relawan.zip", sample.chat_zip(), "application/zip"),
        ("tanpa-ekstensi", sample.MP4 + b"\x00\x00\x00\x08free", "video/mp4")]


def test_every_kind_of_evidence_is_kept_by_its_content(any_ctx):
    op = as_role(any_ctx, "operator")
    p = posts.add_post(op, PostInput("tiktok", TIKTOK))
    for name, data, _mime in KEPT:
        p = posts.attach_evidence(op, p.id, name, data)
    assert [(e.filename, e.mime, e.size, e.sha256, e.phash) for e in p.evidence] == [
        (name, mime, len(data), hashlib.sha256(data).hexdigest(), "")
        for name, data, mime in KEPT]
    for (_name, data, _mime), e in zip(KEPT, p.evidence, strict=True):
        assert posts.evidence_data(op, e.sha256) == data
    again = posts.attach_evidence(op, p.id, "salinan.mp4", sample.MP4)  # same content
    assert again.evidence == p.evidence


@pytest.mark.parametrize(("name", "data", "says"), [
    ("rekaman.mp4", PNG, "image/png"),
    ("layar.png", sample.MP4, "video/mp4"),
    ("halaman.html", sample.MHTML, "multipart/related"),
    ("obrolan.zip", sample.chat_zip(), None),  # accepted: the control case
    ("obrolan.txt", sample.chat_zip(), "application/zip"),
    ("rekaman.webm", sample.HTML, "text/html"),
])
def test_content_that_is_not_what_the_name_claims_is_refused(ctx, name, data, says):
    op = as_role(ctx, "operator")
    c = cases.new_case(op, CaseInput("Surat suara sudah tercoblos", "hoaks", "tinggi"))
    before = dump(ctx)
    if says is None:
        assert cases.attach_evidence(op, c.id, name, data).evidence[0].mime == "application/zip"
        return
    with pytest.raises(AttachmentError) as err:
        cases.attach_evidence(op, c.id, name, data)
    assert err.value.text_in("en") == "{n}: the content ({s}) is not what the file name says; " \
        "rename the file or choose the right one".format(n=name, s=says)
    assert dump(ctx) == before


@pytest.mark.parametrize(("name", "data"), [
    ("catatan.txt", b"Rapat koordinasi jam 9\nsemua hadir\n"),
    ("chat.zip", sample.workbook_zip()),
    ("chat.zip", sample.chat_zip(b"bukan obrolan\n")),
    ("video.mp4", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"),  # an HEIC photo
    ("film.mkv", b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01matroska" + b"\x00" * 64),
    ("halaman.html", b"<?xml version='1.0'?><svg onload='x'/>"),
])
def test_content_of_no_kept_type_is_refused(any_ctx, name, data):
    op = as_role(any_ctx, "operator")
    p = posts.add_post(op, PostInput("tiktok", TIKTOK))
    before = dump(any_ctx)
    with pytest.raises(AttachmentError) as err:
        posts.attach_evidence(op, p.id, name, data)
    assert "is not evidence this app keeps" in err.value.text_in("en")
    assert name in err.value.text_in("en")
    assert dump(any_ctx) == before


def test_incidents_still_take_images_and_pdf_only(ctx):
    detail = incidents.create_incident(ctx, incidents.IncidentInput(
        regency_code="33.74", title="Uji bukti", category_code="A1", severity="sedang",
        occurred_at=ctx.now()))
    with pytest.raises(AttachmentError) as err:
        incidents.attach(ctx, detail.id, "rekaman.mp4", sample.MP4)
    assert "not an image" in err.value.text_in("en")
    assert incidents.attach(ctx, detail.id, "layar.png", PNG).mime == "image/png"


def test_the_sniffer_needs_only_the_head_except_for_an_archive():
    for _name, data, mime in KEPT:
        if mime != "application/zip":
            assert sniff_mime(data[:8192]) == mime
    assert sniff_mime(sample.chat_zip()[:100]) is None  # cut: no central directory
