"""Issue 15 on paper: the daily sitrep in reader order, short before the Lampiran, with
nothing cut, and readable in a black-and-white print (A4 and F4, Indonesian and English)."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from posko_desktop.core import palette
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.reports import sitrep_pdf
from posko_desktop.core.reports.data import SitrepData, SitrepOptions
from posko_desktop.core.reports.pdf_common import severity_label, status_label
from posko_desktop.core.services import activities, demo, incidents, reference, sitrep
from posko_desktop.core.services.activities import ActivityInput
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.timeutil import WIB

ADMIN = Actor("admin", "admin", "Admin Posko")
VOTING_DAY = date(2024, 11, 27)
GENERATED = datetime(2024, 11, 27, 1, 30, tzinfo=UTC)
READER_ORDER = {
    "id": ["A. PENDAHULUAN", "B. RINGKASAN SITUASI", "Rekapitulasi per kabupaten/kota",
           "Gambar 1.", "Gambar 2.", "C. KEJADIAN MENONJOL", "D. KEGIATAN POSKO",
           "E. TINDAK LANJUT", "F. KENDALA", "G. PRAKIRAAN", "H. SIMPULAN", "Demikian",
           "Tembusan", "LAMPIRAN I"],
    "en": ["A. INTRODUCTION", "B. SITUATION SUMMARY", "Recapitulation by regency and city",
           "Figure 1.", "Figure 2.", "C. NOTABLE INCIDENTS", "D. ACTIVITIES OF THE POSKO",
           "E. FOLLOW-UP", "F. OBSTACLES", "G. OUTLOOK", "H. CONCLUSIONS", "Thus this report",
           "Copies to", "APPENDIX I"],
}


def render(ctx: AppContext, paper: str = "a4", lang: str = "id") -> tuple[SitrepData, PdfReader]:
    data = sitrep.gather(ctx, SitrepOptions(VOTING_DAY, None, paper, lang))
    data.generated_at = GENERATED
    pdf, _pages = sitrep_pdf.render_bytes(data)
    return data, PdfReader(io.BytesIO(pdf))


def page_texts(reader: PdfReader) -> list[str]:
    return [p.extract_text() for p in reader.pages]


def first_page_with(texts: list[str], needle: str) -> int:
    """1-based number of the first page whose text holds `needle`."""
    return next(i for i, t in enumerate(texts, start=1) if needle in t)


@pytest.fixture(scope="module")
def voting_day_db(tmp_path_factory, template_db) -> Path:
    """A voting day shaped like the 1M demo database's: every regency reports, about 800
    incidents in the period, hundreds of them notable, and referrals."""
    path = tmp_path_factory.mktemp("voting") / "demo.sqlite3"
    shutil.copy(template_db, path)
    db = open_database(path)
    try:
        ctx = AppContext(db, ADMIN)
        reference.init_site(ctx, "33", "Posko Desk Pilkada Provinsi Jawa Tengah")
        demo.generate(ctx, incidents=12000, days=60, end_date=date(2024, 11, 28), seed=5)
    finally:
        db.dispose()
    return path


@pytest.fixture
def voting_day(voting_day_db, tmp_path) -> Iterator[AppContext]:
    """A copy per test (nothing writes, but a test must not depend on another's leftovers)."""
    path = tmp_path / "copy.sqlite3"
    shutil.copy(voting_day_db, path)
    db = open_database(path)
    yield AppContext(db, ADMIN)
    db.dispose()


@pytest.mark.parametrize(("paper", "lang"), [("a4", "id"), ("f4", "en")])
def test_reader_order_recap_early_and_a_short_body(voting_day, paper, lang):
    data, reader = render(voting_day, paper, lang)
    assert data.notable_total > 100 and len(data.appendix) > 500  # the shape of voting day
    texts = page_texts(reader)
    whole = "\n".join(texts)
    positions = [whole.index(h) for h in READER_ORDER[lang]]
    assert positions == sorted(positions)
    recap = READER_ORDER[lang][2]
    assert first_page_with(texts, recap) <= 3
    appendix = first_page_with(texts, READER_ORDER[lang][-1])
    assert appendix - 1 <= 8  # the body before the Lampiran
    assert len(data.notable) == 10  # the setting's default


@pytest.mark.parametrize(("paper", "lang"), [("f4", "id"), ("a4", "en")])
def test_the_other_paper_and_language_keep_the_limits(voting_day, paper, lang):
    _data, reader = render(voting_day, paper, lang)
    texts = page_texts(reader)
    assert first_page_with(texts, READER_ORDER[lang][2]) <= 3
    assert first_page_with(texts, READER_ORDER[lang][-1]) - 1 <= 8


def test_every_incident_of_the_period_is_in_the_lampiran_whole(voting_day):
    """Nothing on paper is cut: every cell of the Lampiran and of the recap is found whole
    in the extracted text (line breaks aside), and no text ends in an ellipsis."""
    data, reader = render(voting_day)
    texts = page_texts(reader)
    start = first_page_with(texts, "LAMPIRAN I") - 1
    appendix = "".join("".join(t.split()) for t in texts[start:])
    body = "".join("".join(t.split()) for t in texts[:start])
    assert "…" not in appendix and "…" not in body
    for row in data.appendix:
        for cell in (row.number, row.regency_name, row.category_code,
                     severity_label(row.severity), status_label(row.status), row.title):
            assert "".join(cell.split()) in appendix, (row.number, cell)
    for row in data.regency_rows:
        assert "".join(row.name.split()) in body


def test_long_titles_and_chronologies_wrap_instead_of_being_cut(ctx):
    title = ("Pengerusakan alat peraga kampanye pasangan calon nomor urut dua di simpang "
             "tiga Desa Karangmangu oleh orang tak dikenal pada malam hari menjelang subuh")
    chronology = "Warga melapor ke posko kecamatan. " * 30
    when = datetime(2024, 11, 26, 9, tzinfo=WIB)
    for i in range(12):
        incidents.create_incident(ctx, IncidentInput(
            regency_code="33.11", title=f"{title} {i}", category_code="E1", severity="kritis",
            occurred_at=when + timedelta(minutes=i), reported_at=when + timedelta(minutes=i),
            description=chronology, kecamatan="Tawangsari"))
    data, reader = render(ctx)
    text = "".join("".join(page_texts(reader)).split())
    assert "…" not in text
    for i in range(12):
        assert "".join(f"{title} {i}".split()) in text
    # a shortened chronology in section C says so and where the whole text is
    assert "".join("(dipersingkat; teks lengkap ada di log kejadian)".split()) in text
    assert len(data.notable) == 10 and data.notable_total == 12


def _pixels(pdf: bytes, page: int, gray: bool, tmp: Path) -> Image.Image:
    source = tmp / "page.pdf"
    source.write_bytes(pdf)
    prefix = tmp / ("g" if gray else "c")
    args = ["pdftoppm", "-png", "-r", "150", "-f", str(page), "-l", str(page), "-singlefile"]
    subprocess.run([*args, *(["-gray"] if gray else []), str(source), str(prefix)], check=True)
    return Image.open(f"{prefix}.png")


def test_the_four_level_swatches_differ_clearly_in_greyscale(sample_levels, tmp_path):
    """The tile map's page printed in black and white: the four level colours (legend and
    tiles) come out as four clearly different greys (at least 30 of 255 apart, lightest
    Kondusif to darkest Awas)."""
    data = sitrep.gather(sample_levels, SitrepOptions(VOTING_DAY))
    data.generated_at = GENERATED
    pdf, _n = sitrep_pdf.render_bytes(data)
    texts = page_texts(PdfReader(io.BytesIO(pdf)))
    page = first_page_with(texts, "Gambar 2.")
    colour = _pixels(pdf, page, False, tmp_path).convert("RGB")
    grey = _pixels(pdf, page, True, tmp_path).convert("L")
    levels: dict[str, float] = {}
    for code, fill in palette.LEVEL_FILL.items():
        want = tuple(int(fill[i:i + 2], 16) for i in (1, 3, 5))
        found = [xy for xy, px in _scan(colour) if max(abs(a - b) for a, b in zip(px, want,
                                                                                 strict=True)) <= 4]
        assert len(found) > 20, code  # the swatch (and tiles) of every level are on the page
        values = sorted(grey.getpixel(xy) for xy in found)
        levels[code] = values[len(values) // 2]
    order = ["kondusif", "waspada", "siaga", "awas"]
    greys = [levels[c] for c in order]
    assert all(a - b >= 30 for a, b in zip(greys, greys[1:], strict=False)), greys
    assert "(K, W, S, A: huruf status pada setiap" in texts[page - 1]  # the letters' key
    assert "Siaga" in "".join(texts) and "Awas" in "".join(texts)  # names in the recap


def _scan(image: Image.Image, step: int = 2):
    width, height = image.size
    pixels = image.load()
    for y in range(0, height, step):
        for x in range(0, width, step):
            yield (x, y), pixels[x, y]


@pytest.fixture
def sample_levels(ctx: AppContext) -> AppContext:
    """Regencies at all four levels at the end of the period (dashboard rules)."""
    codes = [r.code for r in reference.list_regencies(ctx)]
    when = datetime(2024, 11, 26, 9, tzinfo=WIB)
    plan = {codes[0]: ("kritis", 3), codes[1]: ("tinggi", 2), codes[2]: ("sedang", 1)}
    for code, (severity, n) in plan.items():
        for i in range(n):
            incidents.create_incident(ctx, IncidentInput(
                regency_code=code, title="Kejadian uji", category_code="D1",
                severity=severity, occurred_at=when + timedelta(minutes=i),
                reported_at=when + timedelta(minutes=i)))
    return ctx


def test_english_reads_right_one_incident_and_translated_level_names(ctx):
    when = datetime(2024, 11, 26, 9, tzinfo=WIB)
    incidents.create_incident(ctx, IncidentInput(
        regency_code="33.74", title="Kejadian uji", category_code="A1", severity="kritis",
        occurred_at=when, reported_at=when))
    _data, reader = render(ctx, "a4", "en")
    text = " ".join(" ".join(page_texts(reader)).split())
    assert "1 incident was recorded in the period" in text
    assert "Needs attention: 1 critical incident in the period" in text
    assert "1 incidents" not in text
    assert "Calm (Kondusif)" in text and "Situation level: 0 Warning (Awas)" in text
    _data, reader = render(ctx, "a4", "id")
    text = " ".join(" ".join(page_texts(reader)).split())
    assert "Status situasi: 0 Awas" in text


def test_section_d_prints_the_activities_of_the_period(ctx):
    """Section D holds the activities recorded for the period (activity service): the one
    of the period with its kind, regencies, partners and result; not the one of the day
    before nor a deleted one; and "Nihil" before any was recorded."""
    data = sitrep.gather(ctx, SitrepOptions(VOTING_DAY))
    assert data.activities == ()
    in_period = datetime(2024, 11, 26, 10, tzinfo=WIB)
    activities.add_activity(ctx, ActivityInput(
        "rakor", "Rakor Forkopimda", in_period, regencies=["33.74", "33.21"],
        partners=["FKUB", "Bawaslu"], result="Sepakat patroli gabungan di 12 TPS rawan."))
    activities.add_activity(ctx, ActivityInput(
        "imbauan", "Imbauan hari kemarin", in_period - timedelta(days=1)))
    gone = activities.add_activity(ctx, ActivityInput(
        "patroli_siber", "Patroli yang dihapus", in_period))
    activities.set_deleted(ctx, gone.id, True, "salah input")
    data = sitrep.gather(ctx, SitrepOptions(VOTING_DAY))
    assert [a.result for a in data.activities] == [
        "Rakor Forkopimda: Sepakat patroli gabungan di 12 TPS rawan."]
    data.generated_at = GENERATED
    pdf, _pages = sitrep_pdf.render_bytes(data)
    text = " ".join(" ".join(page_texts(PdfReader(io.BytesIO(pdf)))).split())
    section = text[text.index("D. KEGIATAN POSKO"):text.index("E. TINDAK LANJUT")]
    for part in ("26-11-2024 10.00 Rakor Kab. Demak, Kota Semarang FKUB, BAWASLU",
                 "Rakor Forkopimda: Sepakat patroli gabungan di 12 TPS rawan."):
        assert part in section, part
    assert "Nihil" not in section and "kemarin" not in section and "dihapus" not in section
