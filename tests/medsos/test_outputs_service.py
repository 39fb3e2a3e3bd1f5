"""The Pantau Medsos outputs over stored records, on SQLite and PostgreSQL: the
clarification (ClaimReview, card) of an approved case, the take-down letter (draft; issued
only with a signer), the register, the sitrep's and weekly report's figures and the
dashboard's counts against independent counts."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime, timedelta

import jsonschema
import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import text

from posko_desktop.core.domain import Actor, PermissionDenied, TransitionError
from posko_desktop.core.medsos import claimreview
from posko_desktop.core.reports.data import SitrepOptions
from posko_desktop.core.reports.takedown_pdf import TakedownLetterOptions
from posko_desktop.core.services import report_archive, settings_service, sitrep
from posko_desktop.core.services.medsos import cases, outputs, posts, reporting, takedowns
from posko_desktop.core.services.medsos.cases import CaseInput
from posko_desktop.core.services.medsos.posts import PostInput
from posko_desktop.core.services.medsos.takedowns import TakedownFilter, TakedownInput
from posko_desktop.core.services.weekly import takedowns_of
from posko_desktop.core.timeutil import wib_date, wib_range
from tests.core.test_search_literal import dump


def screenshot() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (360, 640), "#f4f4f4")
    for i in range(0, 640, 40):
        image.paste((30 + i % 200, 60, 120), (20, i + 8, 340, i + 28))
    image.save(out, format="PNG")
    return out.getvalue()


PNG = screenshot()
NOW = datetime(2024, 11, 27, 3, 0, tzinfo=UTC)  # Rabu 27 November 2024, 10.00 WIB
CLAIM = "Surat suara sudah tercoblos sebelum hari pemungutan di TPS 05 Tembalang"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def desk(any_ctx):
    clock = Clock()
    any_ctx.clock = clock
    op = any_ctx.as_actor(Actor("op", "operator", "Operator"))
    ani = any_ctx.as_actor(Actor("ani", "supervisor", "Ani"))
    budi = any_ctx.as_actor(Actor("budi", "supervisor", "Budi"))
    return any_ctx, op, ani, budi, clock


def published_case(desk):
    ctx, op, ani, budi, clock = desk
    a = posts.add_post(op, PostInput(
        "tiktok", "https://www.tiktok.com/@jateng.viral/video/7394000000000000001",
        "surat suara sdh tercoblos di tps 05 kec tembalang", views=12000,
        regencies=["33.74"], posted_at=datetime(2024, 11, 26, 21, 0)))
    b = posts.add_post(op, PostInput(
        "facebook", "https://www.facebook.com/100012345/posts/99",
        "Surat suara tercoblos TPS 05 Tembalang, viralkan!", shares=300, regencies=["33.74"],
        posted_at=datetime(2024, 11, 26, 22, 30)))
    posts.attach_evidence(op, a.id, "tangkapan.png", PNG)
    c = cases.new_case(op, CaseInput(CLAIM, "hoaks", "tinggi", ["33.74"]), [a.id, b.id])
    cases.decide_verdict(ani, c.id, "salah", "KPU Kota Semarang: surat suara masih di gudang.",
                         ["https://kota-semarang.kpu.go.id/berita/1", "Bawaslu Kota Semarang"])
    cases.approve_verdict(budi, c.id)
    cases.set_clarification(op, c.id, "Tidak benar. Surat suara baru didistribusikan H-1 dan "
                            "disegel di gudang KPU.")
    cases.publish_clarification(ani, c.id, "Situs Pemprov",
                                "https://jatengprov.go.id/klarifikasi/hoaks-1")
    return c, a, b


def test_clarification_outputs_of_a_published_case(desk):
    ctx, op, ani, budi, clock = desk
    c, a, b = published_case(desk)
    doc = outputs.claim_review(op, c.id)
    jsonschema.Draft202012Validator(claimreview.schema()).validate(doc)
    assert doc["claimReviewed"] == CLAIM and doc["url"].startswith("https://jatengprov.go.id")
    assert doc["reviewRating"]["alternateName"] == "Salah / hoaks"
    assert doc["itemReviewed"]["firstAppearance"]["url"] == a.canonical_url or a.url
    assert [x["name"] for x in doc["citation"]] == ["kota-semarang.kpu.go.id",
                                                    "Bawaslu Kota Semarang"]
    png = outputs.card_png(op, c.id)
    assert Image.open(io.BytesIO(png)).size == (1080, 1080)


def test_no_card_before_the_verdict_is_approved(desk):
    ctx, op, ani, budi, clock = desk
    p = posts.add_post(op, PostInput("x", "https://x.com/a/status/1", "KPU curang"))
    c = cases.new_case(op, CaseInput("KPU curang di Tegal", "hoaks"), [p.id])
    cases.decide_verdict(ani, c.id, "salah", "Tidak ada bukti.")
    with pytest.raises(TransitionError):
        outputs.card_png(op, c.id)
    with pytest.raises(TransitionError):
        outputs.claim_review(op, c.id)


def _request(desk, c, *post_ids):
    ctx, op, ani, budi, clock = desk
    return takedowns.new_takedown(op, TakedownInput(
        "komdigi", list(post_ids), c.id, "aduankonten.id", "",
        "UU ITE Pasal 28 ayat (3)"))


def test_letter_draft_lists_the_posts_with_their_evidence(desk):
    ctx, op, ani, budi, clock = desk
    c, a, b = published_case(desk)
    t = _request(desk, c, a.id, b.id)
    pdf, data, pages = outputs.letter_draft(op, TakedownLetterOptions(t.number))
    flat = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert [i.url for i in data.items] == [a.url, b.url]
    assert hashlib.sha256(PNG).hexdigest() in flat
    assert "".join(a.url.split()) in flat and "".join(b.url.split()) in flat
    assert "MenteriKomunikasidanDigital" in flat and "DRAF" in flat
    assert data.verdict_label == "Salah / hoaks"


def test_issuing_the_letter_needs_a_signer_and_a_supervisor(desk):
    ctx, op, ani, budi, clock = desk
    c, a, b = published_case(desk)
    t = _request(desk, c, a.id)
    options = TakedownLetterOptions(t.number)
    with pytest.raises(PermissionDenied):
        outputs.issue_letter(op, options)
    before = dump(ctx.db)
    with pytest.raises(report_archive.IssueRefused):
        outputs.issue_letter(ani, options)  # no signer in the settings yet
    assert dump(ctx.db) == before
    for key, value in (("sitrep.signer_name", "Drs. Budi Santoso, M.Si."),
                       ("sitrep.signer_position", "Kepala Biro Pemerintahan"),
                       ("sitrep.signer_nip", "197001011990031001")):
        settings_service.set(ctx, key, value)
    info = outputs.issue_letter(ani, options)
    assert info.kind == outputs.LETTER_KIND and info.number.endswith("/PPK/2024")
    _info, pdf = report_archive.issued_pdf(ctx, info.number)
    text_ = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert info.number in text_ and "NIP. 197001011990031001" in text_ and "DRAF" not in text_


def test_register_rows_follow_the_requests(desk):
    ctx, op, ani, budi, clock = desk
    c, a, b = published_case(desk)
    t1 = _request(desk, c, a.id)
    t2 = _request(desk, c, b.id)
    takedowns.update_takedown(ani, t1.id, {}, status="diajukan")
    clock.now = NOW + timedelta(days=2, hours=1)
    takedowns.add_recheck(op, t1.id, "up")
    rows = outputs.register_rows(op, TakedownFilter(), lang="id")
    assert [r.number for r in rows] == [t1.number, t2.number]
    assert rows[0].age_days(clock.now) == 2 and rows[0].last_result == "masih tayang"
    assert rows[0].recheck_due() == clock.now + timedelta(hours=24)
    assert rows[1].submitted_at is None and rows[1].recheck_due() is None
    assert rows[0].urls == (a.url,) and rows[0].case_number == c.number


# --- reports and dashboard against independent counts ---------------------------------------


def _sql_count(ctx, query: str, **params) -> int:
    with ctx.db.read() as s:
        return int(s.execute(text(query), params).scalar() or 0)


def test_sitrep_and_weekly_figures_match_independent_counts(desk):
    ctx, op, ani, budi, clock = desk
    clock.now = NOW - timedelta(days=3)  # an older case: outside the period
    p0 = posts.add_post(op, PostInput("x", "https://x.com/a/status/5", "DPT siluman"))
    cases.new_case(op, CaseInput("DPT siluman di Brebes", "hoaks"), [p0.id])
    clock.now = NOW
    c, a, b = published_case(desk)
    t = _request(desk, c, a.id, b.id)
    takedowns.update_takedown(ani, t.id, {}, status="diajukan")
    t2 = _request(desk, c, b.id)
    takedowns.update_takedown(ani, t2.id, {}, status="diajukan")
    clock.now = NOW + timedelta(hours=2)
    takedowns.add_recheck(op, t2.id, "down")
    start, end = wib_range(date(2024, 11, 27), date(2024, 11, 27))
    m = reporting.summary(op, start, end)
    assert m.new_cases == _sql_count(
        ctx, "select count(*) from hoax_case where created_at >= :s and created_at < :e",
        s=start, e=end) == 1
    assert m.posts == _sql_count(
        ctx, "select count(*) from social_post where created_at >= :s and created_at < :e",
        s=start, e=end) == 2
    assert (m.verdicts, m.clarifications) == (1, 1)
    assert (m.takedowns_sent, m.takedowns_down, m.takedowns_up) == (2, 1, 1)
    assert [x.number for x in m.cases] == [c.number] and m.cases[0].verdict_id
    assert reporting.summary(op, start, end, "33.01").new_cases == 0
    lines = takedowns_of(op, start, end, None, "id")
    assert [(x.platform, x.url) for x in lines] == [("TikTok", a.url), ("Facebook", b.url),
                                                    ("Facebook", b.url)]
    assert {x.state for x in lines} == {"Diajukan", "Diturunkan"}


def test_posts_and_cases_per_platform_and_day(desk):
    ctx, op, ani, budi, clock = desk
    c, a, b = published_case(desk)
    clock.now = NOW + timedelta(days=1)
    posts.add_post(op, PostInput("tiktok", "https://www.tiktok.com/@b/video/7394000000000000002",
                                 "serangan fajar"))
    per_post, per_case = reporting.per_platform_and_day(op, date(2024, 11, 26),
                                                        date(2024, 11, 29))
    day = wib_date(NOW)
    assert per_post == {"tiktok": {day: 1, day + timedelta(days=1): 1},
                        "facebook": {day: 1}}
    assert sum(n for d in per_post.values() for n in d.values()) == _sql_count(
        ctx, "select count(*) from social_post")
    assert per_case == {"facebook": {day: 1}} or per_case == {"tiktok": {day: 1}}


def test_daily_sitrep_prints_the_social_media_section(desk):
    ctx, op, ani, budi, clock = desk
    c, a, b = published_case(desk)
    clock.now = datetime(2024, 11, 28, 0, 30, tzinfo=UTC)  # 07.30 WIB: the report of the 28th
    pdf, data, _pages = sitrep.generate(ctx, SitrepOptions(date(2024, 11, 28)))
    assert data.medsos is not None and data.medsos.new_cases == 1
    flat = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Pemantauan media sosial" in flat and "Kasus hoaks baru" in flat
    assert c.number in flat.replace(" ", "")


def test_dashboard_chart_shows_every_post_of_the_period(desk):
    """The dashboard's series has every day of the range; the chart's bars add up to the
    posts collected in it (counted in SQL), its diamonds to the cases opened."""
    from matplotlib.patches import Rectangle

    from posko_desktop.core.charts import medsos_figure

    ctx, op, ani, budi, clock = desk
    published_case(desk)
    clock.now = NOW + timedelta(days=2)
    posts.add_post(op, PostInput("youtube", "https://youtu.be/dQw4w9WgXcQ", "KPU curang"))
    first, last = date(2024, 11, 25), date(2024, 11, 30)
    daily = reporting.medsos_daily(op, first, last)
    assert daily.days[0] == first and daily.days[-1] == last and len(daily.days) == 6
    assert list(daily.posts) == ["tiktok", "facebook", "youtube"]  # the platforms' order
    start, end = wib_range(first, last)
    fig = medsos_figure(daily)
    ax = fig.axes[0]
    bars = sum(p.get_height() for p in ax.patches if isinstance(p, Rectangle))
    assert bars == _sql_count(ctx, "select count(*) from social_post where created_at >= :s "
                              "and created_at < :e", s=start, e=end) == 3
    diamonds = [line for line in ax.get_lines() if line.get_marker() == "D"]
    assert sum(diamonds[0].get_ydata()) == _sql_count(
        ctx, "select count(*) from hoax_case where created_at >= :s and created_at < :e",
        s=start, e=end) == 1
    assert daily.csv_rows()[0][:2] == ["Tanggal", "Unggahan TikTok"]
