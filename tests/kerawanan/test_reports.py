"""The daily and weekly reports' "Kerawanan" paragraph and table: the numbers of the
imported sample files, the regencies worse than predicted, and a plain sentence when no
baseline was imported."""

from __future__ import annotations

import io
from datetime import date, datetime

from pypdf import PdfReader

from posko_desktop.core.reports import sitrep_pdf
from posko_desktop.core.reports.data import SitrepOptions
from posko_desktop.core.reports.weekly_data import WeeklyOptions
from posko_desktop.core.services import baseline, incidents, sitrep, weekly
from posko_desktop.core.services.incidents import IncidentInput

from .samples import REGENCIES, independent_counts, write_samples
from .test_baseline import import_all


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_sitrep_and_the_weekly_report_print_the_baseline(ctx, tmp_path):
    paths = write_samples(tmp_path)
    data = sitrep.gather(ctx, SitrepOptions(date(2024, 11, 28)))
    assert data.kerawanan is not None and not data.kerawanan.imported
    assert "IKP Bawaslu, pemetaan TPS rawan" in text_of(sitrep_pdf.render_bytes(data)[0])
    import_all(ctx, paths)
    want = independent_counts(paths)
    before = sitrep.gather(ctx, SitrepOptions(date(2024, 11, 28))).kerawanan
    assert sum(before.ikp_counts) == len(REGENCIES) and before.ikp_counts[2] == len(want["ikp_tinggi"])
    low = next(c for c, r in baseline.baseline_summary(ctx).regencies.items()
                  if r.ikp_level == "rendah")  # 3 high incidents make it Waspada: worse
    for hour in (8, 9, 10):
        incidents.create_incident(ctx, IncidentInput(
            regency_code=low, title="Bentrok massa", category_code="D3", severity="tinggi",
            occurred_at=datetime(2024, 11, 27, hour, 0), reported_at=datetime(2024, 11, 27, 11)))
    data = sitrep.gather(ctx, SitrepOptions(date(2024, 11, 28)))
    k = data.kerawanan
    assert k.tps_rawan == sum(want["rawan_regency"].values())
    assert k.tps == sum(want["tps"].values())
    assert (k.polda_rawan, k.polda_sangat_rawan) == (sum(want["polda_rawan"].values()),
                                                     sum(want["polda_sangat"].values()))
    text = text_of(sitrep_pdf.render_bytes(data)[0])
    assert "4. Kerawanan" in text and len(k.worse) >= 1 and k.worse[0] in text
    assert k.rows[0].worse and k.rows[0].name == k.worse[0]
    pdf, weekly_data, _pages = weekly.generate(ctx, WeeklyOptions("2024-W48"))
    assert weekly_data.kerawanan is not None and weekly_data.kerawanan.tps_rawan == k.tps_rawan
    assert "Kerawanan" in text_of(pdf)
    one = sitrep.gather(ctx, SitrepOptions(date(2024, 11, 28), low)).kerawanan
    assert one.tps_rawan == want["rawan_regency"][low]
