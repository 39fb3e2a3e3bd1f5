"""Case suggestions (same post, screenshot, similar text) and clusters of look-alikes."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image, ImageDraw, ImageFont

from posko_desktop.core.medsos.drafts import MedsosError, Platform, PostDraft
from posko_desktop.core.medsos.images import SAME_IMAGE, ImageFingerprint, fingerprint
from posko_desktop.core.medsos.matching import (
    KnownPost,
    MemoryIndex,
    cluster,
    suggest_cases,
    text_score,
)
from posko_desktop.core.medsos.normalize import normalise
from posko_desktop.core.medsos.urls import parse_url

CLAIMS = {
    "HOAKS-1": "Surat suara sudah tercoblos untuk paslon 2 di TPS 05 Kedungwuni, KPU curang",
    "HOAKS-2": "Serangan fajar di Kecamatan Juwana, warga dapat amplop 50 ribu per kepala",
    "HOAKS-3": "Kotak suara dibuka malam hari di gudang logistik KPU Kabupaten Demak",
}


def draft(text: str = "", url: str = "") -> PostDraft:
    d = PostDraft(platform=Platform.OTHER, text=text, text_normalised=normalise(text))
    if url:
        p = parse_url(url)
        d.platform, d.url, d.canonical_url, d.post_id = p.platform, url, p.canonical, p.post_id
    return d


@pytest.fixture
def index() -> MemoryIndex:
    idx = MemoryIndex()
    for n, (case, claim) in enumerate(CLAIMS.items()):
        idx.add(KnownPost(case, f"p{n}", normalise(claim)))
    idx.add(KnownPost("HOAKS-1", "p9", "", "https://www.tiktok.com/@a/video/1", "tiktok", "1"))
    rnd = random.Random(3)
    words = "warga desa jalan pasar hujan panen sekolah jembatan banjir lomba".split()
    for n in range(300):  # unrelated posts in other cases
        idx.add(KnownPost(f"LAIN-{n}", f"q{n}", " ".join(rnd.choice(words) for _ in range(8))))
    return idx


def test_a_rewritten_claim_suggests_its_case_first(index):
    new = draft("VIRAL!!! surat suara udh tercoblos utk paslon 2 di tps 05 kedungwuni, "
                "kpu curangg bgt 😡")
    found = suggest_cases(new, index)
    assert found[0].case_id == "HOAKS-1" and found[0].reason == "text"
    assert found[0].score >= 85
    assert all(s.case_id != "HOAKS-2" for s in found)


def test_the_same_post_pasted_again_is_an_exact_match(index):
    new = draft("", "https://m.tiktok.com/@A/video/1?is_from_webapp=1")
    new.post_id, new.platform = "1", Platform.TIKTOK
    found = suggest_cases(new, index)
    assert [(s.case_id, s.reason, s.score) for s in found] == [("HOAKS-1", "same_post", 100.0)]


def test_same_words_differently_written_match_by_hash(index):
    new = draft("SERANGAN FAJAR di Kecamatan Juwana!!! warga dapat amplop 50 ribu per kepala 😡")
    assert suggest_cases(new, index)[0].reason == "same_post"


def test_an_unrelated_post_gets_no_suggestion(index):
    assert suggest_cases(draft("Jadwal posyandu balita minggu depan di balai desa"),
                         index) == []


def test_short_texts_are_not_a_subset_of_everything():
    long = normalise(CLAIMS["HOAKS-1"])
    assert text_score("kpu curang", long) == 0  # a token-set ratio would say 100
    assert text_score("foto 1", "foto 2") == 0  # a character ratio would say 83
    assert text_score("kpu curang", "kpu curang") == text_score(long, long) == 100


# --- images -------------------------------------------------------------------------------

WORDS = ("kpu curang surat suara tercoblos tps serangan fajar amplop warga desa hoaks "
         "beredar video viral relawan paslon bawaslu kotak malam").split()


def screenshot(seed: int, w: int = 360, h: int = 640) -> Image.Image:
    """A phone screenshot of a chat or post: status bar, app bar, text lines, a photo."""
    rnd = random.Random(seed)
    img = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=15)
    d.rectangle([0, 0, w, 25], fill=(0, 0, 0))
    d.rectangle([0, 25, w, 70], fill=(18, 140, 126))
    y = 85
    while y < h - 60:
        if rnd.random() < 0.25:
            hh = rnd.randrange(100, 190)
            d.rectangle([15, y, w - 15, y + hh], fill=tuple(rnd.randrange(256) for _ in "rgb"))
            for _ in range(6):
                x0, y0 = rnd.randrange(15, w - 65), rnd.randrange(y, y + hh - 40)
                d.ellipse([x0, y0, x0 + 50, y0 + 40], fill=tuple(rnd.randrange(256) for _ in "rgb"))
            y += hh + 12
        else:
            for _ in range(rnd.randrange(2, 5)):
                d.text((15, y), " ".join(rnd.choice(WORDS) for _ in range(5)), fill=(30, 30, 30),
                       font=font)
                y += 19
            y += 12
    d.rectangle([0, h - 45, w, h], fill=(240, 240, 240))
    return img


def as_bytes(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def recropped(img: Image.Image, top: float, bottom: float, scale: float, quality: int) -> bytes:
    w, h = img.size
    part = img.crop((0, int(h * top), w, int(h * (1 - bottom))))
    part = part.resize((int(part.width * scale), int(part.height * scale)))
    return as_bytes(part, "JPEG", quality=quality)


@pytest.mark.parametrize("seed", range(4))
def test_a_recropped_screenshot_is_recognised_and_a_different_one_is_not(seed):
    original = fingerprint(as_bytes(screenshot(seed)))
    for top, bottom, scale, quality in [(0.04, 0.0, 1.0, 80), (0.0, 0.07, 0.8, 70),
                                        (0.05, 0.05, 0.6, 60), (0.1, 0.1, 0.5, 50)]:
        again = fingerprint(recropped(screenshot(seed), top, bottom, scale, quality))
        assert original.same_as(again), (top, bottom, original.distance(again))
    for other in range(100, 103):
        assert original.distance(fingerprint(as_bytes(screenshot(other)))) > SAME_IMAGE


def test_a_screenshot_suggests_the_case_holding_it():
    stored = fingerprint(as_bytes(screenshot(7)))
    idx = MemoryIndex([KnownPost("HOAKS-9", "e1", fingerprints=(stored,)),
                       KnownPost("HOAKS-8", "e2",
                                 fingerprints=(fingerprint(as_bytes(screenshot(8))),))])
    new = fingerprint(recropped(screenshot(7), 0.06, 0.02, 0.7, 60))
    found = suggest_cases(draft(""), idx, fingerprints=[new])
    assert [(s.case_id, s.reason) for s in found] == [("HOAKS-9", "image")]


def test_fingerprint_text_form_round_trips():
    fp = fingerprint(as_bytes(screenshot(1)))
    assert ImageFingerprint.from_text(fp.to_text()) == fp
    assert len(fp.hashes) == 9
    with pytest.raises(ValueError):
        ImageFingerprint.from_text("md5:abc")


@pytest.mark.parametrize("data", [b"", b"bukan gambar", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
                                  as_bytes(Image.new("RGB", (4, 4)))])
def test_not_a_picture_is_refused(data):
    with pytest.raises(MedsosError):
        fingerprint(data, "x.png")


# --- clusters -----------------------------------------------------------------------------

def test_cluster_groups_variants_and_leaves_the_rest_alone():
    texts = [
        "Surat suara sudah tercoblos untuk paslon 2 di TPS 05, KPU curang",      # 0 A
        "Jadwal posyandu balita minggu depan",                                  # 1
        "surat suara sdh tercoblos utk paslon 2 di tps 05!!! kpu curang bgt",   # 2 A
        "Serangan fajar di Juwana, amplop 50 ribu per kepala",                  # 3 B
        "VIRAL: surat suara udah tercoblos untuk paslon 2 di TPS 05 KPU curang",  # 4 A
        "serangan fajar di juwana amplop 50 ribu per kepala malam ini",         # 5 B
        "Lomba tujuhbelasan di RT 03",                                          # 6
    ]
    drafts = [draft(t) for t in texts]
    drafts.append(draft("", "https://youtu.be/dQw4w9WgXcQ"))                     # 7 C
    drafts.append(draft("", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=5"))  # 8 C
    assert cluster(drafts) == [[0, 2, 4], [3, 5], [7, 8]]


def test_cluster_uses_screenshots_too():
    fps = {0: [fingerprint(as_bytes(screenshot(5)))],
           1: [fingerprint(recropped(screenshot(5), 0.05, 0.0, 0.9, 70))],
           2: [fingerprint(as_bytes(screenshot(6)))]}
    drafts = [draft("foto 1"), draft("lihat ini"), draft("foto 2")]
    assert cluster(drafts, fingerprints=fps) == [[0, 1]]
