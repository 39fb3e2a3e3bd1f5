"""The Pantau Medsos outputs without a database: ClaimReview JSON-LD against the schema
written from schema.org, the klarifikasi card (PNG), the take-down letter (PDF) and the
take-down register (XLSX)."""

from __future__ import annotations

import copy
import hashlib
import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from posko_desktop.core.i18n import language
from posko_desktop.core.medsos import claimreview
from posko_desktop.core.medsos.drafts import MedsosError
from posko_desktop.core.medsos.outputs import (
    VERDICT_LOOKS,
    Appearance,
    Clarification,
    EvidenceRef,
    RegisterRow,
    Source,
    TakedownItem,
)
from posko_desktop.core.reports import medsos_card, takedown_pdf
from posko_desktop.core.reports.data import Identity, Letterhead, Signer
from posko_desktop.core.reports.takedown_pdf import TakedownLetterData, TakedownLetterOptions
from posko_desktop.core.spreadsheets.takedown_register import COLUMNS, write_register

PUBLISHED = datetime(2024, 11, 27, 3, 30, tzinfo=UTC)  # 10.30 WIB

CLAIM = ("Surat suara di TPS 05 Kelurahan Pedurungan Kidul sudah tercoblos untuk pasangan "
         "calon nomor urut 2 sebelum pemungutan suara dimulai")
EXPLANATION = ("KPU Kota Semarang dan Bawaslu telah memeriksa TPS 05 pada Rabu pagi bersama "
               "saksi dari kedua pasangan calon. Seluruh surat suara masih tersegel dan belum "
               "tercoblos. Video yang beredar adalah rekaman simulasi pemungutan suara tahun "
               "2019 di kabupaten lain.")


def clarification(**changes: object) -> Clarification:
    doc = Clarification(
        case_number="HOAKS-JTG-2024-0001", claim=CLAIM, verdict="salah",
        verdict_label="Salah / hoaks", explanation=EXPLANATION, published_at=PUBLISHED,
        publisher="Biro Pemerintahan, Otonomi dan Kerja Sama Setda Provinsi Jawa Tengah",
        published_url="https://jatengprov.go.id/klarifikasi/hoaks-jtg-2024-0001",
        publisher_url="https://jatengprov.go.id",
        sources=(Source("KPU Kota Semarang", "https://kota-semarang.kpu.go.id"),
                 Source("Bawaslu Provinsi Jawa Tengah")),
        appearances=(
            Appearance("https://www.tiktok.com/@jateng.viral/video/7394881234567800002",
                       "tiktok", "@jateng.viral", PUBLISHED - timedelta(hours=5)),
            Appearance("https://x.com/akun_a/status/1861234567890", "x", "@akun_a",
                       PUBLISHED - timedelta(hours=9)),
            Appearance("wa-3f2a91", "whatsapp", "tel-0a1b2c3d4e5f6789", None)))
    return replace(doc, **changes)  # type: ignore[arg-type]


def validator() -> jsonschema.Draft202012Validator:
    schema = claimreview.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


# --- ClaimReview -------------------------------------------------------------------------


@pytest.mark.parametrize("verdict", sorted(VERDICT_LOOKS))
def test_claimreview_of_every_verdict_validates_against_the_schema(verdict: str) -> None:
    """Each verdict gives a ClaimReview the schema accepts; the rating is on 1..5 when the
    verdict has a place on the scale, and names the verdict in words always."""
    doc = claimreview.claim_review(clarification(verdict=verdict, verdict_label="X"))
    assert list(validator().iter_errors(doc)) == []
    rating = doc["reviewRating"]
    assert rating["alternateName"] == "X"
    look = VERDICT_LOOKS[verdict]
    assert rating.get("ratingValue") == look.rating
    if look.rating is not None:
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]


def test_claimreview_holds_the_case_and_its_public_appearances() -> None:
    """What a reader of the page gets: the claim, the verdict, the date in WIB, the
    publisher, the posts with a web address (oldest first appearance) and no account."""
    doc = claimreview.claim_review(clarification())
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "ClaimReview"
    assert doc["claimReviewed"] == CLAIM and doc["identifier"] == "HOAKS-JTG-2024-0001"
    assert doc["datePublished"] == "2024-11-27T10:30:00+07:00"
    assert doc["author"]["name"].startswith("Biro Pemerintahan")
    item = doc["itemReviewed"]
    assert [a["url"] for a in item["appearance"]] == [
        "https://www.tiktok.com/@jateng.viral/video/7394881234567800002",
        "https://x.com/akun_a/status/1861234567890"]  # the chat message has no address
    assert item["firstAppearance"]["url"] == "https://x.com/akun_a/status/1861234567890"
    assert item["datePublished"] == "2024-11-27T01:30:00+07:00"
    assert [c["name"] for c in doc["citation"]] == ["KPU Kota Semarang",
                                                    "Bawaslu Provinsi Jawa Tengah"]
    text = claimreview.to_json_ld(doc)
    assert "@akun_a" not in text and "tel-" not in text and "jateng.viral\"" not in text
    assert json.loads(text) == doc and "Pedurungan" in text  # UTF-8, not escaped


def test_schema_refuses_what_schema_org_does_not_allow() -> None:
    """The schema is not a rubber stamp: a missing claim, a rating as text where a number
    belongs, a misspelt property, a date that is no date and an address that is no
    address are each refused."""
    good = claimreview.claim_review(clarification())
    v = validator()
    bad: list[dict[str, object]] = []
    for change in (lambda d: d.pop("claimReviewed"),
                   lambda d: d["reviewRating"].update(ratingValue="1"),
                   lambda d: d.update(claimReviewd="x"),
                   lambda d: d.update(datePublished="27/11/2024"),
                   lambda d: d.update(url="jatengprov.go.id/klarifikasi"),
                   lambda d: d["reviewRating"].pop("alternateName"),
                   lambda d: d["itemReviewed"].update({"@type": "Thing"})):
        doc = copy.deepcopy(good)
        change(doc)
        bad.append(doc)
    for doc in bad:
        assert list(v.iter_errors(doc)), doc
        with pytest.raises(MedsosError):
            claimreview.check(doc)


def test_claimreview_needs_a_web_address_and_a_verdict() -> None:
    with pytest.raises(MedsosError, match="web address"):
        claimreview.claim_review(clarification(published_url=""))
    with pytest.raises(MedsosError, match="verdict"):
        claimreview.claim_review(clarification(verdict="ragu"))


def test_script_tag_cannot_be_closed_by_a_claim() -> None:
    tag = claimreview.script_tag(claimreview.claim_review(
        clarification(claim="Klaim </script><script>alert(1)</script>")))
    assert tag.count("</script>") == 1 and tag.endswith("</script>\n")


# --- the card ----------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return text.split()


def test_card_is_a_square_png_with_the_verdict_colour() -> None:
    png = medsos_card.render_card(clarification())
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1080, 1080)
    red = VERDICT_LOOKS["salah"].colour
    rgb = tuple(int(red[i:i + 2], 16) for i in (1, 3, 5))
    assert image.convert("RGB").getcolors(1080 * 1080) is not None
    assert any(c == rgb for _n, c in image.convert("RGB").getcolors(1080 * 1080))


@pytest.mark.parametrize("lang, stamp", [("id", "HOAKS"), ("en", "HOAX")])
def test_card_says_everything_in_its_language(lang: str, stamp: str) -> None:
    """Every word of the claim, the explanation and the sources is on the card (wrapped,
    not cut), with the date in the card's language and the stamp translated."""
    plan = medsos_card.plan_card(clarification(lang=lang))
    assert plan.stamp == stamp
    assert words(" ".join(plan.block("claim").lines)) == words("“" + CLAIM + "”")
    assert words(" ".join(plan.block("explanation").lines)) == words(EXPLANATION)
    assert "Bawaslu Provinsi Jawa Tengah" in " ".join(plan.block("sources").lines)
    day = "Rabu, 27 November 2024" if lang == "id" else "Wednesday, 27 November 2024"
    assert plan.block("footer").lines == (f"{day} · HOAKS-JTG-2024-0001",)


def test_long_texts_shrink_to_fit_and_nothing_is_cut() -> None:
    """A long explanation and an address wider than the card: the card is laid out
    smaller, every character stays, every line is inside the card and no block overlaps
    the next."""
    long_url = "https://www.facebook.com/groups/" + "relawan" * 20 + "/posts/1234567890"
    text = (EXPLANATION + " ") * 3 + long_url
    plan = medsos_card.plan_card(clarification(explanation=text))
    assert plan.scale < 1.0
    assert "".join(" ".join(plan.block("explanation").lines).split()) == "".join(text.split())
    blocks = sorted((b for b in plan.blocks if b.lines), key=lambda b: b.top)
    for block in blocks:
        font = medsos_card._font(block.bold, block.size)
        assert all(font.getlength(line) <= 1080 - 2 * medsos_card.MARGIN
                   for line in block.lines)
    for upper, lower in zip(blocks, blocks[1:], strict=False):
        assert upper.bottom <= lower.top, (upper.name, lower.name)
    assert blocks[-1].bottom <= 1080
    Image.open(io.BytesIO(medsos_card.render_card(clarification(explanation=text)))).verify()


def test_explanation_too_long_even_small_is_refused() -> None:
    with pytest.raises(medsos_card.CardTooLong):
        medsos_card.plan_card(clarification(explanation=EXPLANATION * 12))


def test_training_card_is_marked() -> None:
    plain = Image.open(io.BytesIO(medsos_card.render_card(clarification())))
    marked = Image.open(io.BytesIO(medsos_card.render_card(clarification(training=True))))
    band = (0, 0, 1080, 30)
    assert plain.crop(band).getcolors() != marked.crop(band).getcolors()


# --- the take-down letter ----------------------------------------------------------------


def letter_data(n_items: int = 3, number: str | None = None, lang: str = "id"
                ) -> TakedownLetterData:
    items = tuple(
        TakedownItem(
            url=f"https://www.tiktok.com/@akun{i}/video/73948812345678{i:05d}",
            platform="TikTok", account=f"@akun{i}", posted_at=PUBLISHED - timedelta(hours=i),
            evidence=tuple(EvidenceRef(hashlib.sha256(f"{i}-{j}".encode()).hexdigest(),
                                       f"tangkapan-{i}-{j}.png") for j in range(i % 3)))
        for i in range(1, n_items + 1))
    return TakedownLetterData(
        TakedownLetterOptions("TD-33-2024-0001", lang=lang), "TD-33-2024-0001",
        "HOAKS-JTG-2024-0001", CLAIM, "Hoaks / disinformasi", "Salah / hoaks",
        "UU 1/2024 (perubahan kedua UU ITE) Pasal 28 ayat (3)", "ADK-2024-112233", items,
        Letterhead(("PEMERINTAH PROVINSI JAWA TENGAH",), "SEKRETARIAT DAERAH",
                   "Jl. Pahlawan No. 9 Semarang", None),
        Signer("Semarang", "Kepala Biro Pemerintahan", "Drs. Budi Santoso, M.Si.",
               "Pembina Utama Muda (IV/c)", "197001011990031001"),
        Identity("segera", "", "Menteri Komunikasi dan Digital RI", "Jakarta", "000.1"),
        ("Gubernur Jawa Tengah",), prepared_at=PUBLISHED, number=number)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_letter_lists_every_post_with_its_evidence_hashes_numbered() -> None:
    data = letter_data(3, number="000.1/TD/001/2024")
    pdf, pages = takedown_pdf.render_bytes(data)
    text = pdf_text(pdf)
    assert pages == len(PdfReader(io.BytesIO(pdf)).pages) == 1
    flat = "".join(text.split())
    for i, item in enumerate(data.items, start=1):
        assert f"{i}." in text
        assert "".join(item.url.split()) in flat
        for ev in item.evidence:
            assert ev.sha256 in flat
    assert "(tanpa berkas bukti)" in text  # item 3 has none
    assert "000.1/TD/001/2024" in text and "ADK-2024-112233" in text
    assert "Drs. Budi Santoso, M.Si." in text and "NIP. 197001011990031001" in text
    assert "MenteriKomunikasidanDigitalRI" in flat and "Salah/hoaks" in flat
    assert "DRAF" not in text


def test_long_letter_repeats_the_header_and_numbers_pages() -> None:
    data = letter_data(40)
    pdf, pages = takedown_pdf.render_bytes(data)
    assert pages >= 3
    text = pdf_text(pdf)
    assert "Halaman 1 dari {n}".format(n=pages) in text
    assert "40." in text and "DRAF" in text  # no number: a draft
    for page in PdfReader(io.BytesIO(pdf)).pages[1:-1]:
        assert "Alamat (URL) dan bukti (SHA-256)" in " ".join(page.extract_text().split())


def test_letter_in_english() -> None:
    with language("id"):
        text = pdf_text(takedown_pdf.render_bytes(letter_data(1, lang="en"))[0])
    assert "Address (URL) and evidence (SHA-256)" in " ".join(text.split())
    assert "Page 1 of 1" in text


# --- the register ------------------------------------------------------------------------

NOW = datetime(2024, 11, 28, 2, 0, tzinfo=UTC)


def register_rows() -> list[RegisterRow]:
    return [
        RegisterRow("TD-33-2024-0001", "HOAKS-JTG-2024-0001", "Komdigi (aduankonten)",
                    "tiktok", "aduankonten.id", "ADK-112233", "Diajukan",
                    NOW - timedelta(days=3, hours=1), NOW - timedelta(hours=30), "masih tayang",
                    ("=HYPERLINK(\"http://x\")", "https://www.tiktok.com/@a/video/1"), True),
        RegisterRow("TD-33-2024-0002", "HOAKS-JTG-2024-0002", "Bawaslu", "facebook", "surat",
                    "", "Diturunkan", NOW - timedelta(days=1), NOW - timedelta(hours=2),
                    "turun", ("https://www.facebook.com/1",), False),
        RegisterRow("TD-33-2024-0003", "HOAKS-JTG-2024-0002", "Platform", "x", "", "",
                    "Disiapkan", None, None, "", ("https://x.com/a/status/9",), True),
    ]


def test_register_rows_ages_and_recheck_due(tmp_path: Path) -> None:
    """Ages in whole days, the re-check due a day after the last look (open requests
    only), times in WIB, formulas neutralised, overdue rows shaded."""
    out = tmp_path / "register.xlsx"
    assert write_register(register_rows(), out, NOW) == 3
    ws = load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert len(header) == len(COLUMNS)
    age, due, urls = header.index("Umur (hari)"), header.index("Jadwal cek ulang (WIB)"), \
        header.index("Unggahan (alamat)")
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[age] for r in rows] == [3, 1, None]
    # last re-check 30 h before 09.00 WIB on the 28th (03.00 WIB on the 27th): due a day
    # later, 03.00 WIB on the 28th, already past
    assert rows[0][due] == datetime(2024, 11, 28, 3, 0)
    assert rows[1][due] is None and rows[2][due] is None
    assert rows[0][urls].splitlines() == ["'=HYPERLINK(\"http://x\")",
                                          "https://www.tiktok.com/@a/video/1"]
    assert ws.cell(2, 1).fill.fgColor.rgb.endswith("FCE4E4")  # overdue
    assert ws.cell(3, 1).fill.fgColor.rgb != ws.cell(2, 1).fill.fgColor.rgb


def test_register_prints_landscape_fitted_with_the_header_repeated(tmp_path: Path) -> None:
    out = tmp_path / "register.xlsx"
    write_register(register_rows() * 40, out, NOW, marking="LATIHAN")
    ws = load_workbook(out).active
    assert ws is not None
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$2:$2"  # the LATIHAN line stands above the header
    assert ws.cell(1, 1).value == "LATIHAN" and ws.title.startswith("LATIHAN")
    assert ws.max_row == 2 + 120
