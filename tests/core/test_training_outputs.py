"""Training mode (issue 19): every output of a training database carries LATIHAN (the
sitrep PDF on every page, the XLSX/CSV exports), a live database's outputs do not."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, datetime

import openpyxl
import pytest
from pypdf import PdfReader

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.reports import sitrep_pdf
from posko_desktop.core.reports.data import SitrepOptions
from posko_desktop.core.services import incidents, reference, sitrep, training
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput
from posko_desktop.core.spreadsheets import export_log
from posko_desktop.core.spreadsheets.reader import read_sheet
from tests.conftest import ADMIN

MARK = {"id": "LATIHAN — bukan data resmi", "en": "LATIHAN (training) — not official data"}


@pytest.fixture
def training_ctx(template_db, tmp_path):
    path = tmp_path / training.TRAINING_FILE_NAME
    shutil.copy(template_db, path)
    database = open_database(path)
    ctx = AppContext(database, ADMIN)
    reference.init_site(ctx, "33", "Posko Latihan", training=True)
    yield ctx
    database.dispose()


def _add(ctx: AppContext) -> None:
    incidents.create_incident(ctx, IncidentInput(
        regency_code="33.22", title="Hoaks surat suara", category_code="A1", severity="tinggi",
        occurred_at=datetime(2024, 11, 26, 20, 30), reported_at=datetime(2024, 11, 26, 21, 0),
        source_type="media_sosial"))


def _pdf_pages(ctx: AppContext, lang: str) -> list[str]:
    data = sitrep.gather(ctx, SitrepOptions(date(2024, 11, 27), None, "a4", lang))
    pdf, _pages = sitrep_pdf.render_bytes(data)
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_sitrep_page_of_a_training_database_is_marked(training_ctx, lang):
    _add(training_ctx)
    pages = _pdf_pages(training_ctx, lang)
    assert len(pages) > 1
    assert all(MARK[lang] in text for text in pages)


def test_live_sitrep_has_no_marking(ctx):
    _add(ctx)
    assert not any("LATIHAN" in text for text in _pdf_pages(ctx, "id"))


def test_training_xlsx_and_csv_exports_are_marked_and_still_import(training_ctx, tmp_path):
    _add(training_ctx)
    export_log(training_ctx, IncidentFilter(), tmp_path / "log.xlsx", "xlsx")
    ws = openpyxl.load_workbook(tmp_path / "log.xlsx").active
    assert ws.title.startswith("LATIHAN")
    assert ws["A1"].value == MARK["id"]
    assert ws.freeze_panes == "A3"
    assert ws.max_row == 3  # marking, header, one incident
    assert read_sheet(tmp_path / "log.xlsx").header_row == 2  # the importer finds the header
    export_log(training_ctx, IncidentFilter(), tmp_path / "log.csv", "csv")
    with (tmp_path / "log.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == MARK["id"] and not any(rows[0][1:]) and len(rows) == 3
    assert read_sheet(tmp_path / "log.csv").header_row == 2


def test_live_exports_have_no_marking(ctx, tmp_path):
    _add(ctx)
    export_log(ctx, IncidentFilter(), tmp_path / "log.xlsx", "xlsx")
    ws = openpyxl.load_workbook(tmp_path / "log.xlsx").active
    assert "LATIHAN" not in ws.title and ws["A1"].value != MARK["id"]
    export_log(ctx, IncidentFilter(), tmp_path / "log.csv", "csv")
    assert "LATIHAN" not in (tmp_path / "log.csv").read_text(encoding="utf-8-sig")
