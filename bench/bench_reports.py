"""Issue 15 report targets on the shared 1,000,000-incident demo database.

    .venv/bin/python bench/bench_reports.py [--db COPY.sqlite3] [--repeat 3]
    (or through bench/run.py, which lists this module)

Works on a *copy* of the shared demo database (`bench/.cache/demo-1000000.sqlite3`, 90
days, tens of thousands of incidents per voting-day period): `copy_db` makes
`reports-copy.sqlite3` once, and it migrates on first open. The original is never opened.

Rows, for the province sitrep of 27 and 28 November 2024 on A4 and F4, in Indonesian and
English (`--variants a4/id,f4/id,a4/en,f4/en`):
- the page of the 35-regency recap (target ≤ 3) and the pages of the body before the
  Lampiran (target ≤ 8), read from the PDF's own text;
- generation end to end (gather + PDF with charts and the whole Lampiran), median of 3
  wall and CPU (target ≤ 3 s), with the raw reportlab baseline beside it: the same recap
  and Lampiran rows as plain `Table`s of strings on the same paper (no wrapping, no
  letter, no charts);
- the weekly report of 2024-W48, beside a raw baseline of its tables (the 35 regencies,
  the 7 days, the top categories and the open critical incidents as plain `Table`s);
- the flash report of the most recent critical incident (target ≤ 2 s), beside a raw
  baseline (the same lines as plain Paragraphs in a SimpleDocTemplate).

The Lampiran of the daily sitrep holds at most `sitrep.appendix_pdf_max` (1,000) rows on
paper; every incident of the period is in the XLSX file attached to the PDF, which the
end-to-end time includes (docs/decisions.md, "The Lampiran beyond the paper").
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, Row, copy_db, last_cpu, measure, summary
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle
from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Incident
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.reports.data import SitrepData, SitrepOptions
from posko_desktop.core.reports.flash_pdf import FlashData, FlashOptions
from posko_desktop.core.reports.fonts import SANS, register_fonts
from posko_desktop.core.reports.pdf_common import PAGE_SIZES
from posko_desktop.core.reports.weekly_data import WeeklyData, WeeklyOptions
from posko_desktop.core.services import flash, sitrep, weekly

AREA = "reports"
DAYS = (date(2024, 11, 27), date(2024, 11, 28))
TARGET_S = 3.0
FLASH_TARGET_S = 2.0
RECAP_PAGE_MAX = 3
BODY_PAGES_MAX = 8
VARIANTS = "a4/id,f4/id,a4/en,f4/en"


def raw_tables(data: SitrepData, pagesize: tuple[float, float] = A4) -> int:
    """Baseline: the recap and the Lampiran rows on paper as plain reportlab tables of
    strings (the same rows the PDF lists: at most `appendix_pdf_max`)."""
    recap = [["No.", "Kabupaten/Kota", *"ABCDEFG", "Jumlah", "Laporan", "Situasi"]]
    recap += [[str(i), r.name, *(str(r.by_group.get(g, 0)) for g in "ABCDEFG"), str(r.total),
               r.report_status, r.level] for i, r in enumerate(data.regency_rows, start=1)]
    appendix = [["No.", "Nomor", "Waktu", "Kabupaten/Kota", "Kat.", "Keparahan", "Status",
                 "Judul"]]
    limit = data.appendix_pdf_max or len(data.appendix)
    paper = data.appendix[:limit]
    appendix += [[str(i), r.number, r.occurred_at.strftime("%d-%m %H.%M"), r.regency_name,
                  r.category_code, r.severity, r.status, r.title]
                 for i, r in enumerate(paper, start=1)]
    return _tables(recap, appendix, pagesize=pagesize)


def _tables(*tables: list[list[str]], pagesize: tuple[float, float] = A4) -> int:
    register_fonts()
    style = TableStyle([("FONT", (0, 0), (-1, -1), SANS, 6.8),
                        ("GRID", (0, 0), (-1, -1), 0.3, "#7a7a7a")])
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=pagesize, leftMargin=25 * mm, rightMargin=20 * mm)
    story = []
    for rows in tables:
        table = LongTable(rows, repeatRows=1)
        table.setStyle(style)
        story.append(table)
    doc.build(story)
    return len(buf.getvalue())


def raw_weekly(data: WeeklyData) -> int:
    """Baseline: the weekly report's tables as plain reportlab tables of strings."""
    regencies = [["No.", "Kabupaten/Kota", *"ABCDEFG", "Jumlah", "Situasi"]]
    regencies += [[str(i), r.name, *(str(r.by_group.get(g, 0)) for g in "ABCDEFG"),
                   str(r.total), r.level] for i, r in enumerate(data.regency_rows, start=1)]
    days = [["Hari", "Jumlah"]] + [[d.day.isoformat(), str(d.counts.new)] for d in data.days]
    top = [["Kategori", "Jumlah"]] + [[c.code, str(c.n)] for c in data.top_categories]
    critical = [["No.", "Nomor", "Waktu", "Kabupaten/Kota", "Kat.", "Status", "Judul"]]
    critical += [[str(i), r.number, r.occurred_at.strftime("%d-%m %H.%M"), r.regency_name,
                  r.category_code, r.status, r.title]
                 for i, r in enumerate(data.open_critical, start=1)]
    return _tables(regencies, days, top, critical)


def raw_flash(data: FlashData) -> int:
    """Baseline: the flash report's lines as plain Paragraphs (no letter, no escaping)."""
    register_fonts()
    style = ParagraphStyle("raw", fontName=SANS, fontSize=10, leading=13)
    lines = [data.title, data.incident_number, data.occurred_at.isoformat(),
             " – ".join((data.regency_name, data.kecamatan, data.desa)), data.category_code,
             data.severity, data.description, str(data.dead), str(data.injured),
             data.material_loss or "", data.current_condition or "", data.source_detail,
             *(a.text for a in data.actions)]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build([Paragraph(line, style) for line in lines])
    return len(buf.getvalue())


HEADINGS = {"id": ("Rekapitulasi per kabupaten/kota", "LAMPIRAN I"),
            "en": ("Recapitulation by regency and city", "APPENDIX I")}


def layout(pdf: bytes, lang: str = "id") -> tuple[int, int, int]:
    """(page of the recap, pages before the Lampiran, all pages) from the PDF's text."""
    reader = PdfReader(io.BytesIO(pdf))
    recap = body = 0
    recap_heading, appendix_heading = HEADINGS[lang]
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        if not recap and recap_heading in text:
            recap = number
        if appendix_heading in text:
            body = number - 1
            break
    return recap, body, len(reader.pages)


def sitrep_rows(ctx: AppContext, day: date, paper: str, lang: str, repeat: int) -> list[Row]:
    """Recap page, body pages and generation time of one day's province sitrep."""
    options = SitrepOptions(day, None, paper, lang)
    holder: dict[str, object] = {}

    def end_to_end() -> None:
        holder["pdf"], holder["data"], holder["pages"] = sitrep.generate(ctx, options)

    e_med, e_p95 = summary(measure(end_to_end, repeat, warmup=0))
    cpu = statistics.median(last_cpu) / 1000
    data: SitrepData = holder["data"]  # type: ignore[assignment]
    size = PAGE_SIZES[paper]
    raw_med, raw_p95 = summary(measure(lambda: raw_tables(data, size), repeat, warmup=0))
    raw_cpu = statistics.median(last_cpu) / 1000
    recap, body, pages = layout(holder["pdf"], lang)  # type: ignore[arg-type]
    label = f"sitrep {day:%d %b} {paper.upper()}/{lang}"
    what = (f"{len(data.appendix):,} incidents in the period, "
            f"{data.notable_total:,} notable, {pages} pages")
    return [
        Row(AREA, f"{label}: recap page", recap, unit="page", target=f"≤ {RECAP_PAGE_MAX}",
            ok=0 < recap <= RECAP_PAGE_MAX, note=what),
        Row(AREA, f"{label}: body before the Lampiran", body, unit="pages",
            target=f"≤ {BODY_PAGES_MAX}", ok=0 < body <= BODY_PAGES_MAX),
        Row(AREA, f"{label}: generation end to end", e_med / 1000, e_p95 / 1000, unit="s",
            raw_median=raw_med / 1000, raw_p95=raw_p95 / 1000, target=f"≤ {TARGET_S:.0f} s",
            ok=max(e_med / 1000, cpu) <= TARGET_S, cpu_median=cpu,
            note=f"CPU median {cpu:.2f} s (raw {raw_cpu:.2f} s); raw = reportlab Tables of "
                 f"the same rows; load average {os.getloadavg()[0]:.1f} on "
                 f"{os.cpu_count()} cores"),
    ]


def working_copy(db_path: Path | None, given: str | None) -> Path:
    if given:
        return Path(given)
    source = db_path or CACHE / "demo-1000000.sqlite3"
    target = CACHE / "reports-copy.sqlite3"
    if not target.exists():
        copy_db(source, target)
    return target


def run(db_path: Path | None, args: argparse.Namespace) -> list[Row]:
    repeat = max(3, min(getattr(args, "repeat", 3), 7))
    path = working_copy(db_path, getattr(args, "reports_db", None))
    db = open_database(path)  # migrates an older copy on first open
    ctx = AppContext(db, Actor("bench", "admin", "Bench"),
                     clock=lambda: datetime(2024, 11, 28, 2, tzinfo=UTC))
    rows: list[Row] = []
    variants = [tuple(v.split("/")) for v in getattr(args, "variants", VARIANTS).split(",")]
    try:
        for day in DAYS:
            for paper, lang in variants:
                rows += sitrep_rows(ctx, day, paper, lang, repeat)
                for row in rows[-3:]:  # as soon as measured: a long run keeps what it has
                    print(row, file=sys.stderr, flush=True)
        week = WeeklyOptions("2024-W48")
        held: dict[str, object] = {}

        def weekly_report() -> None:
            held["pdf"], held["data"], held["pages"] = weekly.generate(ctx, week)

        cpu0 = time.process_time()
        w_med, w_p95 = summary(measure(weekly_report, repeat, warmup=0))
        cpu = (time.process_time() - cpu0) / repeat
        wdata: WeeklyData = held["data"]  # type: ignore[assignment]
        raw_med, raw_p95 = summary(measure(lambda: raw_weekly(wdata), repeat, warmup=0))
        rows.append(Row(AREA, "weekly report 2024-W48: generation end to end", w_med / 1000,
                        w_p95 / 1000, unit="s", raw_median=raw_med / 1000,
                        raw_p95=raw_p95 / 1000,
                        note=f"CPU {cpu:.1f} s; {wdata.week.new:,} incidents in the week, "
                             f"{len(wdata.open_critical):,} open critical, "
                             f"{held['pages']} pages"))
        print(rows[-1], file=sys.stderr, flush=True)
        with ctx.db.read() as s:
            number = s.scalar(select(Incident.number).where(
                Incident.severity == "kritis", Incident.deleted.is_(False))
                .order_by(Incident.occurred_at.desc()).limit(1))
        options = FlashOptions(str(number))
        cpu0 = time.process_time()
        f_med, f_p95 = summary(measure(lambda: held.update(
            flash=flash.generate(ctx, options)), repeat, warmup=0))
        cpu = (time.process_time() - cpu0) / repeat
        fdata: FlashData = held["flash"][1]  # type: ignore[index]
        raw_med, raw_p95 = summary(measure(lambda: raw_flash(fdata), repeat, warmup=0))
        rows.append(Row(AREA, "flash report: generation end to end", f_med / 1000,
                        f_p95 / 1000, unit="s", raw_median=raw_med / 1000,
                        raw_p95=raw_p95 / 1000, target=f"≤ {FLASH_TARGET_S:.0f} s",
                        ok=f_med / 1000 <= FLASH_TARGET_S,
                        note=f"CPU {cpu:.2f} s; incident {number}, "
                             f"{held['flash'][2]} page(s)"))  # type: ignore[index]
        print(rows[-1], file=sys.stderr, flush=True)
    finally:
        db.dispose()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", dest="reports_db",
                        help="a copy of the 1M demo database (never the original)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--variants", default=VARIANTS,
                        help="paper/language pairs of the sitrep rows (a4/id,f4/en ...)")
    args = parser.parse_args()
    from run import print_table  # the shared table printer

    print_table(run(None, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
