"""Daily situation report: the PDF's numbers equal the database, layout rules hold."""

from __future__ import annotations

import gc
import hashlib
import io
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Setting
from posko_desktop.core.domain import Actor, PermissionDenied, ValidationError
from posko_desktop.core.reports import sitrep_pdf
from posko_desktop.core.reports.data import SitrepOptions, SitrepTexts
from posko_desktop.core.services import demo, incidents, reference, sitrep
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.timeutil import WIB

VOTING_DAY = date(2024, 11, 27)
GROUPS = "ABCDEFHG"
GENERATED = datetime(2024, 11, 27, 1, 30, tzinfo=UTC)


def wib(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=WIB)


def add(ctx: AppContext, regency: str, category: str, severity: str, when: datetime,
        title: str = "Kejadian uji", **extra) -> incidents.IncidentDetail:
    return incidents.create_incident(ctx, IncidentInput(
        regency_code=regency, title=title, category_code=category, severity=severity,
        occurred_at=when, reported_at=when + timedelta(minutes=10), **extra))


@pytest.fixture
def sample(ctx: AppContext) -> AppContext:
    """Incidents around the voting-day period (26 Nov 07.00 – 27 Nov 07.00 WIB)."""
    spec = [
        ("33.74", "A1", "rendah", wib(2024, 11, 26, 8)),
        ("33.74", "A5", "tinggi", wib(2024, 11, 26, 9, 30)),
        ("33.74", "B2", "kritis", wib(2024, 11, 27, 6, 59)),
        ("33.22", "C1", "sedang", wib(2024, 11, 26, 7, 0)),   # first second of the period
        ("33.22", "D3", "tinggi", wib(2024, 11, 26, 23)),
        ("33.01", "E1", "rendah", wib(2024, 11, 26, 12)),
        ("33.01", "F3", "sedang", wib(2024, 11, 27, 2)),
        ("33.76", "G1", "rendah", wib(2024, 11, 26, 15)),
        ("33.29", "A5", "sedang", wib(2024, 11, 26, 16)),
        ("33.29", "A5", "sedang", wib(2024, 11, 26, 17)),
        # outside the period
        ("33.74", "A1", "rendah", wib(2024, 11, 27, 7, 0)),   # next period
        ("33.74", "A1", "tinggi", wib(2024, 11, 26, 6, 59)),  # previous period
        ("33.02", "B1", "sedang", wib(2024, 11, 25, 10)),     # previous period
        ("33.02", "B1", "sedang", wib(2024, 10, 1, 10)),      # campaign, earlier
    ]
    for regency, cat, sev, when in spec:
        add(ctx, regency, cat, sev, when)
    gone = add(ctx, "33.74", "A1", "kritis", wib(2024, 11, 26, 10), title="Dihapus")
    incidents.set_deleted(ctx, gone.id, True, "duplikat")
    return ctx


def render(ctx: AppContext, **kw) -> tuple[bytes, PdfReader]:
    opts = SitrepOptions(kw.pop("report_date", VOTING_DAY), kw.pop("regency", None),
                         kw.pop("paper", "a4"), kw.pop("lang", "id"))
    data = sitrep.gather(ctx, opts, kw.pop("texts", None))
    data.generated_at = kw.pop("generated_at", GENERATED)
    pdf, pages = sitrep_pdf.render_bytes(data)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == pages
    return pdf, reader


def text_of(reader: PdfReader) -> str:
    return "\n".join(p.extract_text() for p in reader.pages)


def sql_counts(db_file, start: datetime, end: datetime) -> dict[str, dict[str, int]]:
    """Independent count: incidents per regency and category group in [start, end)."""
    con = sqlite3.connect(db_file)
    rows = con.execute(
        "SELECT regency_code, substr(category_code, 1, 1), count(*) FROM incident "
        "WHERE deleted = 0 AND occurred_at >= ? AND occurred_at < ? GROUP BY 1, 2",
        (start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
         end.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"))).fetchall()
    con.close()
    out: dict[str, dict[str, int]] = {}
    for code, group, n in rows:
        out.setdefault(code, dict.fromkeys(GROUPS, 0))[group] = n
    return out


def sign(ctx: AppContext) -> AppContext:
    """The signer's name and NIP filled in (issuing is refused without them)."""
    with ctx.db.write() as s:
        settings.put(s, settings.SITREP_SIGNER_NAME, "Dr. Siti Aminah, M.Si.", "admin", ctx.now())
        settings.put(s, settings.SITREP_SIGNER_NIP, "19700101 199503 2 001", "admin", ctx.now())
    return ctx


def d_table_rows(text: str) -> dict[str, list[str]]:
    """The recap (B.4) as {regency name: [A..H, total, report, level]} from the text."""
    start = text.index("Rekapitulasi per kabupaten/kota")
    end = text.index("Keterangan", start)
    tokens = [t.strip() for t in text[start:end].split("\n") if t.strip()]
    rows: dict[str, list[str]] = {}
    for i, tok in enumerate(tokens):
        if tok.startswith(("Kab. ", "Kota ")) or tok == "JUMLAH":
            rows[tok] = tokens[i + 1:i + 4 + len(GROUPS)]
    return rows


def test_every_regency_row_equals_an_independent_sql_count(sample, db_path):
    """35 rows in code order, each group count and total equal to SQL; the total row too."""
    _pdf, reader = render(sample)
    text = text_of(reader)
    rows = d_table_rows(text)
    regs = reference.list_regencies(sample)
    assert [r.full_name for r in regs] == [k for k in rows if k != "JUMLAH"]
    expected = sql_counts(db_path, wib(2024, 11, 26, 7), wib(2024, 11, 27, 7))
    grand = dict.fromkeys(GROUPS, 0)
    for reg in regs:
        want = expected.get(reg.code, dict.fromkeys(GROUPS, 0))
        got = rows[reg.full_name]
        assert [int(x) for x in got[:len(GROUPS)]] == [want[g] for g in GROUPS], reg.code
        assert int(got[len(GROUPS)]) == sum(want.values())
        for g in GROUPS:
            grand[g] += want[g]
    assert [int(x) for x in rows["JUMLAH"][:len(GROUPS) + 1]] == [grand[g] for g in GROUPS] + [10]
    assert sum(grand.values()) == 10


def test_key_figures_equal_the_database(sample, db_path):
    data = sitrep.gather(sample, SitrepOptions(VOTING_DAY))
    con = sqlite3.connect(db_path)

    def count(where: str, *params) -> int:
        return con.execute("SELECT count(*) FROM incident WHERE deleted = 0 AND " + where,
                           params).fetchone()[0]

    f = data.figures
    assert f.period.new == count("occurred_at >= ? AND occurred_at < ?",
                                 "2024-11-26 00:00:00", "2024-11-27 00:00:00") == 10
    assert f.previous.new == count("occurred_at >= ? AND occurred_at < ?",
                                   "2024-11-25 00:00:00", "2024-11-26 00:00:00") == 2
    assert f.cumulative.new == count("occurred_at >= ? AND occurred_at < ?",
                                     "2024-09-24 17:00:00", "2024-11-27 00:00:00") == 13
    assert f.period.by_severity == {"rendah": 3, "sedang": 4, "tinggi": 2, "kritis": 1}
    assert f.period.by_severity["sedang"] == count(
        "severity = 'sedang' AND occurred_at >= ? AND occurred_at < ?",
        "2024-11-26 00:00:00", "2024-11-27 00:00:00")
    assert f.period.by_group == {"A": 4, "B": 1, "C": 1, "D": 1, "E": 1, "F": 1, "G": 1, "H": 0}
    assert f.period.open == 10 and f.period.resolved == 0
    con.close()


def test_period_and_countdown_are_printed(sample):
    _pdf, reader = render(sample)
    text = " ".join(text_of(reader).split())
    assert "Rabu, 27 November 2024" in text
    assert ("Selasa, 26 November 2024 pukul 07.00 WIB sampai dengan Rabu, 27 November 2024 "
            "pukul 07.00 WIB") in text
    assert "H-0" in text
    _pdf, reader = render(sample, report_date=date(2024, 11, 24))
    assert "H-3" in text_of(reader)
    _pdf, reader = render(sample, report_date=date(2024, 11, 28))
    assert "H+1" in text_of(reader)


def test_cutoff_hour_setting_moves_the_period(sample):
    with sample.db.write() as s:
        settings.put(s, settings.REPORT_CUTOFF_HOUR, 6, "admin", sample.now())
    data = sitrep.gather(sample, SitrepOptions(VOTING_DAY))
    assert data.period.start == wib(2024, 11, 26, 6) and data.period.end == wib(2024, 11, 27, 6)
    # 27 Nov 06.59 (kritis) moves to the next period, 26 Nov 06.59 (tinggi) into this one
    assert data.figures.period.new == 10
    assert data.figures.period.by_severity["kritis"] == 0
    assert data.figures.period.by_severity["tinggi"] == 3


def test_every_page_says_halaman_x_dari_y(sample):
    _pdf, reader = render(sample)
    total = len(reader.pages)
    assert total >= 3
    for i, page in enumerate(reader.pages, start=1):
        assert "Halaman {} dari {}".format(i, total) in page.extract_text()


def test_all_fonts_are_embedded(sample):
    _pdf, reader = render(sample)
    seen = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            seen.add(str(font["/BaseFont"]))
            assert font["/Subtype"] == "/TrueType", font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
    assert any("DejaVuSans" in f for f in seen) and any("DejaVuSerif" in f for f in seen)


def test_an_empty_day_gives_a_valid_report_with_nihil(ctx):
    _pdf, reader = render(ctx, report_date=date(2024, 6, 15))
    text = text_of(reader)
    headings = ["C. KEJADIAN MENONJOL", "D. KEGIATAN POSKO", "E. TINDAK LANJUT",
                "F. KENDALA", "G. PRAKIRAAN", "H. SIMPULAN", "Demikian"]
    for here, nxt in zip(headings, headings[1:], strict=False):
        block = text[text.index(here):text.index(nxt)]
        assert "Nihil" in block, here
    rows = d_table_rows(text)
    assert len(rows) == 36 and all(r[len(GROUPS)] == "0" for r in rows.values())
    appendix = text[text.index("LAMPIRAN"):]
    assert "Nihil" in appendix


def test_500_notable_incidents_keep_the_body_short_and_all_are_in_the_appendix(ctx):
    """Section C describes the 10 that matter most; every one of the 500 is in the
    Lampiran (never dropped), and the body before it stays short."""
    codes = [r.code for r in reference.list_regencies(ctx)]
    long_text = ("Kronologi panjang dengan nama Désa Ngémplak dan saksi Siti Nur'aini. " * 40)
    for i in range(500):
        add(ctx, codes[i % 35], "D1", "tinggi" if i % 3 else "kritis",
            wib(2024, 11, 26, 7) + timedelta(minutes=2 * i), title=f"Intimidasi saksi nomor {i}",
            description=long_text, kecamatan="", desa="")
    pdf, reader = render(ctx)
    text = text_of(reader)
    data = sitrep.gather(ctx, SitrepOptions(VOTING_DAY))
    assert len(data.notable) == 10 and data.notable_total == 500
    assert all(inc.severity == "kritis" for inc in data.notable)  # the most severe first
    appendix = text[text.index("LAMPIRAN I"):]
    for row in data.appendix:
        assert row.number in appendix
    assert len(data.appendix) == 500
    body_pages = next(i for i, p in enumerate(reader.pages) if "LAMPIRAN I" in p.extract_text())
    assert body_pages <= 8
    assert "Ngémplak" in text


def test_f4_page_size(sample):
    _pdf, reader = render(sample, paper="f4")
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(609.45, abs=0.01)
        assert float(box.height) == pytest.approx(935.43, abs=0.01)
    _pdf, reader = render(sample, paper="a4")
    assert float(reader.pages[0].mediabox.height) == pytest.approx(841.89, abs=0.01)


def test_english_report(sample):
    _pdf, reader = render(sample, lang="en")
    text = text_of(reader)
    assert "DAILY SITUATION REPORT" in text
    assert "Wednesday, 27 November 2024" in text
    assert "Page 1 of {}".format(len(reader.pages)) in text
    assert "Halaman" not in text


def test_thousands_follow_the_report_language(ctx):
    """English writes 1,234 and Indonesian 1.234 (the cumulative count of 1,500 demo
    incidents since the campaign started, gathered by the sitrep service)."""
    demo.generate(ctx, incidents=1500, days=60, end_date=VOTING_DAY, seed=7)
    cumulative = sitrep.gather(ctx, SitrepOptions(VOTING_DAY)).figures.cumulative.new
    assert cumulative >= 1000
    english, indonesian = f"{cumulative:,}", f"{cumulative:,}".replace(",", ".")
    text = text_of(render(ctx, lang="en")[1])
    assert english in text and indonesian not in text
    text = text_of(render(ctx, lang="id")[1])
    assert indonesian in text and english not in text


def test_one_regency_scope(sample, db_path):
    _pdf, reader = render(sample, regency="3374")
    text = text_of(reader)
    rows = d_table_rows(text)
    assert list(rows) == ["Kota Semarang", "JUMLAH"]
    want = sql_counts(db_path, wib(2024, 11, 26, 7), wib(2024, 11, 27, 7))["33.74"]
    assert [int(x) for x in rows["Kota Semarang"][:len(GROUPS)]] == [want[g] for g in GROUPS]
    assert "KOTA SEMARANG" in text


def test_same_state_same_content_only_generation_time_differs(sample):
    a, _r = render(sample)
    b, _r = render(sample)
    assert a == b
    c, reader_c = render(sample, generated_at=GENERATED + timedelta(hours=5))
    _a, reader_a = render(sample)
    strip = re.compile(r"Dibuat \S+ \S+ WIB")
    assert strip.sub("", text_of(reader_a)) == strip.sub("", text_of(reader_c))
    assert a != c


def test_user_text_is_escaped_and_kept(sample):
    add(sample, "33.74", "A1", "kritis", wib(2024, 11, 26, 11),
        title="Spanduk <b>provokatif</b> & \"fitnah\"", description="Baris 1\nBaris <2>")
    texts = SitrepTexts(highlights=["Situasi <aman> & terkendali"], obstacles="Jaringan & listrik",
                        outlook="", conclusions="Perkuat patroli <siber>")
    _pdf, reader = render(sample, texts=texts)
    text = " ".join(text_of(reader).split())
    assert "Spanduk <b>provokatif</b> & \"fitnah\"" in text
    assert "Situasi <aman> & terkendali" in text
    assert "Perkuat patroli <siber>" in text


def test_highlights_are_generated_from_the_data(sample):
    data = sitrep.gather(sample, SitrepOptions(VOTING_DAY))
    assert 3 <= len(data.texts.highlights) <= 5
    assert "10" in data.texts.highlights[0]
    assert any("Kota Semarang (3)" in line for line in data.texts.highlights)
    assert any("kritis" in line for line in data.texts.highlights[:2])  # attention first


def test_notable_includes_severe_and_verified_in_the_period(sample):
    low = add(sample, "33.01", "E2", "rendah", wib(2024, 11, 20, 9), title="APK di jembatan")
    in_period = AppContext(sample.db, sample.actor, sample.bus,
                           clock=lambda: wib(2024, 11, 26, 20).astimezone(UTC))
    incidents.change_status(in_period, low.id, "diverifikasi")
    data = sitrep.gather(sample, SitrepOptions(VOTING_DAY))
    numbers = {n.number: n for n in data.notable}
    assert low.number in numbers and numbers[low.number].moved_to == "diverifikasi"
    severe = [n for n in data.notable if n.severity in ("tinggi", "kritis")]
    assert len(severe) == 3  # A5 tinggi, B2 kritis, D3 tinggi; the deleted one never counts
    assert "Dihapus" not in {n.title for n in data.notable}


def test_bad_options_are_refused(ctx):
    with pytest.raises(ValidationError):
        sitrep.gather(ctx, SitrepOptions(VOTING_DAY, regency="99.99"))
    with pytest.raises(ValidationError):
        sitrep.gather(ctx, SitrepOptions(VOTING_DAY, paper="a3"))
    with pytest.raises(ValidationError):
        sitrep.gather(ctx, SitrepOptions(VOTING_DAY, lang="fr"))
    with pytest.raises(ValidationError):  # refused inside the collector's pause …
        sitrep.generate(ctx, SitrepOptions(VOTING_DAY, regency="99.99"))
    assert gc.isenabled()  # … which ends with it


def test_issuing_twice_gives_two_numbers_and_keeps_both(sample, db_path):
    sign(sample)
    first = sitrep.issue(sample, SitrepOptions(VOTING_DAY), confirm_nihil=True)
    second = sitrep.issue(sample, SitrepOptions(VOTING_DAY, paper="f4"),
                          corrects=first.number, confirm_nihil=True)
    assert first.number == "100.1.4.1/001/LAPSIT/2024"
    assert second.number == "100.1.4.1/002/LAPSIT/2024"
    assert second.corrects == first.number
    listed = sitrep.list_issued(sample)
    assert {i.number for i in listed} == {first.number, second.number}
    for info in (first, second):
        stored, pdf = sitrep.issued_pdf(sample, info.number)
        assert hashlib.sha256(pdf).hexdigest() == info.sha256 == stored.sha256
        text = text_of(PdfReader(io.BytesIO(pdf)))
        assert info.number in text
    assert first.number in text_of(PdfReader(io.BytesIO(sitrep.issued_pdf(sample, second.number)[1])))
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT count(*) FROM sitrep_issued").fetchone()[0] == 2
    con.close()


def test_issued_sitrep_footer_prints_the_audit_anchor(sample):
    """The chain anchor on paper matches the audit trail entry before the issue, and
    `verify_chain` accepts it as long as the trail is intact."""
    from posko_desktop.core.services import audit

    sign(sample)
    anchor = audit.latest_anchor(sample).text
    info = sitrep.issue(sample, SitrepOptions(VOTING_DAY), confirm_nihil=True)
    text = text_of(PdfReader(io.BytesIO(sitrep.issued_pdf(sample, info.number)[1])))
    entry_id, digest = anchor.split(":")
    assert digest[:16] in text.replace("\n", "")
    assert audit.verify_chain(sample, anchors=[anchor]).ok


def test_operator_may_not_issue_and_nothing_is_stored(sample, db_path):
    operator = sample.as_actor(Actor("op", "operator", "Operator"))
    with pytest.raises(PermissionDenied):
        sitrep.issue(operator, SitrepOptions(VOTING_DAY))
    assert sitrep.list_issued(sample) == []


def test_correction_of_an_unknown_number_is_refused(sample):
    with pytest.raises(Exception) as err:
        sitrep.issue(sample, SitrepOptions(VOTING_DAY), corrects="999/NOPE")
    assert "999/NOPE" in str(err.value)
    assert sitrep.list_issued(sample) == []


def test_bad_number_format_is_refused_and_nothing_stored(sample):
    with pytest.raises(ValidationError), sample.db.write() as s:  # refused as a setting …
        settings.put(s, settings.SITREP_NUMBER_FORMAT, "{nomor}/SITREP", "admin", sample.now())
    with sample.db.write() as s:  # … and, stored by an older version, refused at issue
        s.merge(Setting(key=settings.SITREP_NUMBER_FORMAT.key, value="{nomor}/SITREP",
                        updated_at=sample.now(), updated_by="admin"))
    sign(sample)
    with pytest.raises(ValidationError):
        sitrep.issue(sample, SitrepOptions(VOTING_DAY), confirm_nihil=True)
    assert sitrep.list_issued(sample) == []


def test_audit_anchor_is_printed_when_set(sample):
    data = sitrep.gather(sample, SitrepOptions(VOTING_DAY))
    data.audit_anchor = "audit#42 9f86d081884c7d65"
    pdf, _pages = sitrep_pdf.render_bytes(data)
    assert "audit#42 9f86d081884c7d65" in text_of(PdfReader(io.BytesIO(pdf)))


def test_notable_beyond_the_limit_are_marked_in_the_appendix(sample):
    with sample.db.write() as s:
        settings.put(s, settings.SITREP_NOTABLE_DETAIL_MAX, 2, "admin", sample.now())
    data = sitrep.gather(sample, SitrepOptions(VOTING_DAY))
    assert data.notable_total == 3 and len(data.notable) == 2
    assert data.notable[0].severity == "kritis"  # the most severe first
    marked = {r.number for r in data.appendix if r.notable}
    assert len(marked) == 3 and {n.number for n in data.notable} <= marked
    _pdf, reader = render(sample)
    appendix = text_of(reader).split("LAMPIRAN")[-1]
    for number in marked:
        assert "● " + number in appendix


def test_referrals_per_agency_equal_the_database(sample, db_path):
    first = incidents.find_by_number(sample, sample_number(db_path))
    in_period = AppContext(sample.db, sample.actor, sample.bus,
                           clock=lambda: wib(2024, 11, 26, 12).astimezone(UTC))
    ref = incidents.add_referral(in_period, first.id, "BAWASLU", "Mohon klarifikasi",
                                 due_at=wib(2024, 11, 26, 18))
    incidents.add_referral(in_period, first.id, "GAKKUMDU", "Dugaan politik uang",
                           due_at=wib(2024, 11, 28, 18))
    later = AppContext(sample.db, sample.actor, sample.bus,
                       clock=lambda: wib(2024, 11, 26, 20).astimezone(UTC))
    incidents.update_referral(later, ref.id, "selesai", "Sudah diklarifikasi")
    data = sitrep.gather(sample, SitrepOptions(VOTING_DAY))
    con = sqlite3.connect(db_path)
    sent = con.execute("SELECT count(*) FROM followup WHERE kind = 'referral' AND "
                       "created_at >= '2024-11-26 00:00:00' AND created_at < '2024-11-27 00:00:00'"
                       ).fetchone()[0]
    con.close()
    assert sum(a.sent for a in data.agency_rows) == sent == data.actions.referrals_sent == 2
    assert sum(a.done for a in data.agency_rows) == 1
    assert sum(a.open for a in data.agency_rows) == 1
    assert sum(a.overdue for a in data.agency_rows) == 0  # the open one is due 28 Nov
    assert data.referrals_total == 2 and len(data.referrals) == 2


def sample_number(db_path) -> str:
    con = sqlite3.connect(db_path)
    number = con.execute("SELECT number FROM incident WHERE deleted = 0 AND title = "
                         "'Kejadian uji' ORDER BY seq LIMIT 1").fetchone()[0]
    con.close()
    return number


def test_a_tampered_stored_pdf_is_refused(sample, db_path):
    info = sitrep.issue(sign(sample), SitrepOptions(VOTING_DAY), confirm_nihil=True)
    con = sqlite3.connect(db_path)
    con.execute("UPDATE sitrep_issued SET pdf = ? WHERE number = ?", (b"%PDF-1.4 forged", info.number))
    con.commit()
    con.close()
    with pytest.raises(sitrep.SitrepError) as err:
        sitrep.issued_pdf(sample, info.number)
    assert info.number in err.value.text()


def test_a_missing_logo_falls_back_to_the_default(sample, tmp_path):
    with sample.db.write() as s:
        settings.put(s, settings.SITREP_LOGO_PATH, str(tmp_path / "no-such-logo.png"), "admin", sample.now())
        settings.put(s, settings.SITREP_SIGNER_NAME, "Dr. Siti Nur'aini Ngémplak, M.Si.", "admin", sample.now())
        settings.put(s, settings.SITREP_SIGNER_NIP, "19700101 199503 2 001", "admin", sample.now())
    _pdf, reader = render(sample)
    text = text_of(reader)
    assert "Dr. Siti Nur'aini Ngémplak, M.Si." in text
    assert "NIP. 19700101 199503 2 001" in text
    assert any("/XObject" in p["/Resources"] for p in reader.pages[:1])  # a logo is drawn
