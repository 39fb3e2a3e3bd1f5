"""The TPS register and the vulnerability baseline: the sample files of our templates
import; the counts per regency and kecamatan equal counts read straight from the files;
imports are idempotent and versioned; a bad row is reported by row and column and leaves
the database unchanged (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import json
from typing import Any

import jsonschema
import openpyxl
import pytest
from sqlalchemy import select

from posko_desktop.core.db.base import Base
from posko_desktop.core.db.engine import Database
from posko_desktop.core.domain import Actor, PermissionDenied
from posko_desktop.core.services import baseline, geo, tps_register
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.spreadsheets.tables import TableRowsError, header_of, write_template
from tests.core.test_places import _feature_schema

from .samples import REGENCIES, independent_counts, write_samples


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.read() as s:
        return {t.name: sorted((tuple(r) for r in s.execute(select(t))), key=repr)
                for t in Base.metadata.sorted_tables if t.name not in ("kecamatan", "desa")}


@pytest.fixture
def samples(tmp_path):
    return write_samples(tmp_path)


def import_all(ctx, paths) -> None:
    tps_register.import_register(ctx, paths["tps"])
    for kind in ("ikp", "tps_rawan", "polda"):
        assert baseline.import_baseline(ctx, kind, paths[kind], "Contoh").new


def test_the_sample_files_import_and_the_counts_equal_the_files(any_ctx, samples):
    import_all(any_ctx, samples)
    want = independent_counts(samples)
    b = baseline.baseline_summary(any_ctx)
    assert set(b.regencies) == set(REGENCIES)
    assert {c: r.tps for c, r in b.regencies.items() if r.tps} == dict(want["tps"])
    assert {c: r.tps_rawan for c, r in b.regencies.items() if r.tps_rawan} == \
        dict(want["rawan_regency"])
    assert {c: r.polda_rawan for c, r in b.regencies.items() if r.polda_rawan} == \
        dict(want["polda_rawan"])
    assert {c: r.polda_sangat_rawan for c, r in b.regencies.items()
            if r.polda_sangat_rawan} == dict(want["polda_sangat"])
    assert {k.code: k.tps_rawan for k in b.kecamatan if k.tps_rawan} == \
        dict(want["rawan_kecamatan"])
    assert {k.code: k.polda_rawan for k in b.kecamatan if k.polda_rawan} == \
        dict(want["polda_rawan_kecamatan"])
    assert {c for c, r in b.regencies.items() if r.ikp_level == "tinggi"} == \
        set(want["ikp_tinggi"])
    assert all(r.ikp_score is not None for r in b.regencies.values())
    assert sum(tps_register.summary(any_ctx).by_regency[c][0] for c in want["tps"]) == \
        sum(want["tps"].values())


def test_imports_are_idempotent_and_versioned(any_ctx, samples, tmp_path):
    import_all(any_ctx, samples)
    before = dump(any_ctx.db)
    again = baseline.import_baseline(any_ctx, "ikp", samples["ikp"])
    assert not again.new and again.version.current
    r = tps_register.import_register(any_ctx, samples["tps"])
    assert (r.added, r.changed, r.removed) == (0, 0, 0)
    assert dump(any_ctx.db) == before
    newer = tmp_path / "ikp-baru.csv"
    rows = list(csv.reader(samples["ikp"].open(encoding="utf-8", newline="")))
    first_score = float(rows[1][1])
    rows[1][1], rows[1][2] = "90", "tinggi"
    with newer.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    v2 = baseline.import_baseline(any_ctx, "ikp", newer, "IKP pemutakhiran")
    versions = baseline.list_imports(any_ctx, "ikp")
    assert [(v.id, v.current) for v in versions] == [(v2.version.id, True),
                                                     (versions[1].id, False)]
    assert baseline.baseline_summary(any_ctx).regencies["33.01"].ikp_score == 90
    old = baseline.version_rows(any_ctx, versions[1].id)  # the older version, for history
    assert len(old) == 35 and (old[0]["regency_code"], old[0]["score"]) == ("33.01", first_score)


def _write(path, header, rows, delimiter=";") -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(any_ctx, samples,
                                                                        tmp_path):
    import_all(any_ctx, samples)
    before = dump(any_ctx.db)
    first_desa = next(csv.reader(samples["tps"].open(encoding="utf-8"), delimiter=";"))
    desa = list(csv.reader(samples["tps"].open(encoding="utf-8"), delimiter=";"))[1][0]
    assert first_desa[0] == "Kode desa"
    bad = tmp_path / "tps.csv"
    _write(bad, ["Kode desa", "Nomor TPS", "DPT", "Lintang", "Bujur"],
           [[desa, "1", "300", "", ""], ["33.99.01.2001", "2", "300", "", ""],
            [desa, "x", "300", "", ""], [desa, "3", "-5", "", ""], [desa, "1", "200", "", ""],
            [desa, "4", "250", "-7.1", ""]])
    with pytest.raises(TableRowsError) as err:
        tps_register.import_register(any_ctx, bad)
    assert [(p.row, p.column) for p in err.value.problems] == [
        (3, "Kode desa"), (4, "Nomor TPS"), (5, "DPT"), (6, "Nomor TPS"), (7, "Lintang")]
    polda = tmp_path / "polda.csv"
    _write(polda, ["Kode desa", "Nomor TPS", "Kelas Polda"],
           [[desa, "1", "agak rawan"], [desa, "999", "rawan"]])
    with pytest.raises(TableRowsError) as err:
        baseline.import_baseline(any_ctx, "polda", polda)
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "Kelas Polda"),
                                                               (3, "Nomor TPS")]
    ikp = tmp_path / "ikp.csv"
    _write(ikp, ["Kode kabupaten/kota", "Skor IKP", "Kategori IKP", "Kontestasi"],
           [["33.01", "101", "tinggi", ""], ["33.02", "50", "sedang", "abc"],
            ["3302", "50", "sedang", ""]], delimiter=",")
    with pytest.raises(TableRowsError) as err:
        baseline.import_baseline(any_ctx, "ikp", ikp)
    assert [(p.row, p.column) for p in err.value.problems] == [
        (2, "Skor IKP"), (3, "Kontestasi"), (4, "Kode kabupaten/kota")]
    rawan = tmp_path / "rawan.csv"
    _write(rawan, ["Kode desa", "Nomor TPS", "Politik uang"], [[desa, "1", "mungkin"]])
    with pytest.raises(TableRowsError) as err:
        baseline.import_baseline(any_ctx, "tps_rawan", rawan)
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "Politik uang")]
    assert dump(any_ctx.db) == before


def test_only_an_administrator_imports(any_ctx, samples):
    before = dump(any_ctx.db)
    supervisor = any_ctx.as_actor(Actor("sari", "supervisor"))
    with pytest.raises(PermissionDenied):
        tps_register.import_register(supervisor, samples["tps"])
    with pytest.raises(PermissionDenied):
        baseline.import_baseline(supervisor, "ikp", samples["ikp"])
    assert dump(any_ctx.db) == before


def test_export_geo_adds_the_tps_with_their_classes(any_ctx, samples, tmp_path):
    import_all(any_ctx, samples)
    want = independent_counts(samples)
    code = max(want["tps"], key=lambda c: want["tps"][c])
    result = geo.export_geojson(any_ctx, IncidentFilter(regencies=(code,)),
                                tmp_path / "tps.geojson", with_tps=True)
    doc = json.loads(result.path.read_text(encoding="utf-8"))
    jsonschema.validate(doc, _feature_schema())
    tps = [f for f in doc["features"] if f["properties"]["kind"] == "tps"]
    assert result.tps == len(tps) == want["tps"][code]  # every sample TPS has coordinates
    assert sum(bool(f["properties"]["rawan_variables"]) for f in tps) == \
        want["rawan_regency"][code]
    assert {f["properties"]["polda_class"] for f in tps} <= {None, "kurang_rawan", "rawan",
                                                             "sangat_rawan"}
    lon, lat = tps[0]["geometry"]["coordinates"]
    assert 110 <= lon <= 111 and -8 <= lat <= -7


def _sample_rows(path) -> tuple[list[str], list[list[Any]]]:
    if path.suffix == ".xlsx":
        rows = [list(r) for r in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]
    else:
        text = path.read_text(encoding="utf-8")
        rows = list(csv.reader(text.splitlines(), delimiter=";" if ";" in text[:200] else ","))
    return [str(h) for h in rows[0]], rows[1:]


def test_the_apps_own_xlsx_templates_filled_with_the_samples_import(ctx, samples, tmp_path):
    """The templates `posko tps template` / `posko baseline template KIND` write, filled
    with the sample rows under their own headers (as an office would), import; the counts
    equal those read straight from the sample files."""
    filled = {}
    for kind, title, columns in (
            ("tps", "TPS", tps_register.COLUMNS),
            *((k.value, k.value, baseline.COLUMNS_OF[k]) for k in baseline.BaselineKind)):
        path = write_template(tmp_path / "templat-{k}.xlsx".format(k=kind), title, columns)
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        headers = [c.value for c in ws[1]]
        assert headers == [header_of(c) for c in columns]
        sample_headers, rows = _sample_rows(samples[kind])
        assert set(sample_headers) <= set(headers), kind
        for row in rows:
            by_header = dict(zip(sample_headers, row, strict=True))
            ws.append([by_header.get(h) for h in headers])
        wb.save(path)
        filled[kind] = path
    import_all(ctx, filled)
    want = independent_counts(samples)
    b = baseline.baseline_summary(ctx)
    assert {c: r.tps for c, r in b.regencies.items() if r.tps} == dict(want["tps"])
    assert {c: r.tps_rawan for c, r in b.regencies.items() if r.tps_rawan} == \
        dict(want["rawan_regency"])
    assert {k.code: k.tps_rawan for k in b.kecamatan if k.tps_rawan} == \
        dict(want["rawan_kecamatan"])
    assert {c: r.polda_rawan for c, r in b.regencies.items() if r.polda_rawan} == \
        dict(want["polda_rawan"])
    assert {c: r.polda_sangat_rawan for c, r in b.regencies.items()
            if r.polda_sangat_rawan} == dict(want["polda_sangat"])
    assert {c for c, r in b.regencies.items() if r.ikp_level == "tinggi"} == \
        set(want["ikp_tinggi"])
