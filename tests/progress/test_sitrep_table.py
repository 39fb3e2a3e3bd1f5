"""The daily report's stage table (section B.4): its numbers equal an independent count
over the stage_report table (the newest live report per regency and stage made before the
period's end), on SQLite and PostgreSQL; the PDF prints it; a day without reports prints
no table."""

from __future__ import annotations

import io
from datetime import date, datetime

from pypdf import PdfReader
from sqlalchemy import text

from posko_desktop.core.reports import sitrep_pdf
from posko_desktop.core.reports.data import SitrepOptions
from posko_desktop.core.reports.stage_table import complete_counts
from posko_desktop.core.services import sitrep
from posko_desktop.core.services import stage_progress as prog
from posko_desktop.core.services.stage_progress import StageReportInput

DAY = date(2024, 11, 28)  # period 27-11 07.00 – 28-11 07.00 WIB


def put(ctx, regency: str, stage: str, at: datetime, done: int, total: int | None = None):
    return prog.report_stage(ctx, StageReportInput(regency, stage, at, done, total))


def independent(ctx, end: datetime) -> dict[tuple[str, str], tuple[int, int]]:
    """Raw SQL, not the service: per regency and stage, the counts of the newest live
    report before `end` (ties by id, as the board)."""
    with ctx.db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT regency, stage, as_of, id, counts FROM stage_report WHERE deleted = :f "
            "AND as_of < :end"), {"f": False, "end": end.replace(tzinfo=None)}).all()
    newest: dict[tuple[str, str], tuple] = {}
    for regency, stage, as_of, rid, counts in rows:
        key = (regency, stage)
        if key not in newest or (as_of, str(rid)) > newest[key][:2]:
            newest[key] = (as_of, str(rid), counts)
    out = {}
    for key, (_a, _i, counts) in newest.items():
        counts = counts if isinstance(counts, list) else __import__("json").loads(counts)
        out[key] = (counts[0], counts[1])
    return out


def seed(ctx) -> None:
    put(ctx, "33.22", "logistik", datetime(2024, 11, 26, 21, 0), 1, 1)
    put(ctx, "33.22", "pemungutan", datetime(2024, 11, 27, 13, 0), 1800, 2640)
    put(ctx, "33.22", "pemungutan", datetime(2024, 11, 27, 22, 0), 2640)
    late = put(ctx, "33.22", "pemungutan", datetime(2024, 11, 28, 7, 0), 1)  # next period
    assert late.total == 2640
    put(ctx, "33.74", "logistik", datetime(2024, 11, 26, 23, 0), 0, 1)
    put(ctx, "33.74", "psu", datetime(2024, 11, 27, 20, 0), 0, 2)
    wrong = put(ctx, "33.74", "pemungutan", datetime(2024, 11, 27, 23, 0), 3000, 3012)
    prog.set_deleted(ctx, wrong.id, True, "salah kabupaten")
    put(ctx, "33.01", "rekap_kecamatan", datetime(2024, 11, 28, 6, 0), 3)


def test_the_stage_table_equals_an_independent_count(any_ctx):
    seed(any_ctx)
    data = sitrep.gather(any_ctx, SitrepOptions(DAY))
    got = {(line.regency_code, c.stage): (c.done, c.total)
           for line in data.stage_progress for c in line.cells}
    expected = independent(any_ctx, data.period.end)
    assert got == expected
    assert got[("33.22", "pemungutan")] == (2640, 2640)  # not the 07.00 report
    assert ("33.74", "pemungutan") not in got  # deleted
    assert [line.regency_name for line in data.stage_progress] == [
        "Kab. Cilacap", "Kab. Semarang", "Kota Semarang"]
    counted = complete_counts(data.stage_progress)
    assert counted["logistik"] == sum(1 for (_g, st), (d, t) in expected.items()
                                      if st == "logistik" and d >= t) == 1
    assert counted["pemungutan"] == 1 and counted["psu"] == 0
    assert data.regency_count == 35


def test_the_pdf_prints_the_table_and_a_regency_sees_its_own_row(ctx):
    seed(ctx)
    data = sitrep.gather(ctx, SitrepOptions(DAY))
    data.generated_at = datetime(2024, 11, 28, 7, 30)
    pdf, _pages = sitrep_pdf.render_bytes(data)
    words = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
                     .split())
    assert "5. Pemungutan, rekapitulasi dan sengketa" in words
    assert "Logistik 1/35; Pemungutan 1/35; PSU 0/35; Rekap kec. 0/35" in words
    appendix = words[words.index("LAMPIRAN III"):]
    assert "2.640/2.640" in appendix and "0/2" in appendix and "Lengkap (dari 35)" in appendix
    own = sitrep.gather(ctx, SitrepOptions(DAY, regency="33.74"))
    assert [line.regency_code for line in own.stage_progress] == ["33.74"]
    assert own.regency_count == 1


def test_a_day_without_reports_has_no_table(ctx):
    data = sitrep.gather(ctx, SitrepOptions(DAY))
    assert data.stage_progress == ()
