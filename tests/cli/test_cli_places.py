"""`posko incident add --kecamatan/--desa/--lat/--lon`, `posko export-geo` and `posko
places match-report` (issue 17)."""

from __future__ import annotations

import json

from tests.cli.test_cli import run, snapshot, sql
from tests.cli.test_cli_report_fields import ADD, site_db  # noqa: F401 - the fixture


def test_a_desa_outside_its_kecamatan_is_refused_naming_where_it_is(site_db, capsys):  # noqa: F811
    db = str(site_db)
    before = snapshot(site_db)
    code, _out, err = run(capsys, "--db", db, "--lang", "en", *ADD, "--kecamatan", "33.22.13",
                          "--desa", "Lerep")
    assert code == 2
    assert "--desa" in err and "Lerep is not in Kecamatan Bergas" in err
    assert "Ungaran Barat (33.22.18)" in err
    assert snapshot(site_db) == before
    code, out, err = run(capsys, "--db", db, *ADD, "--kecamatan", "33.22.18", "--desa", "lerep",
                         "--lat", "-7.1306", "--lon", "110.4012", "--format", "json")
    assert code == 0, err
    made = json.loads(out)
    assert (made["kecamatan"], made["kecamatan_code"], made["desa"], made["desa_code"]) == (
        "Ungaran Barat", "33.22.18", "Lerep", "33.22.18.2004")
    assert (made["latitude"], made["longitude"]) == (-7.1306, 110.4012)
    code, _out, err = run(capsys, "--db", db, "incident", "update", made["number"],
                          "--lat", "95", "--lon", "110")
    assert code == 2 and "--lat" in err
    assert sql(site_db, "SELECT latitude FROM incident") == [(-7.1306,)]


def test_export_geo_and_the_match_report(site_db, capsys, tmp_path):  # noqa: F811
    db = str(site_db)
    assert run(capsys, "--db", db, *ADD, "--kecamatan", "Bergas", "--lat", "-7.18",
               "--lon", "110.42")[0] == 0
    assert run(capsys, "--db", db, *ADD, "--kecamatan", "Bergas")[0] == 0
    assert run(capsys, "--db", db, *ADD, "--regency", "33.74", "--kecamatan", "Tembalang",
               "--lat", "-7.05", "--lon", "110.44")[0] == 0
    out_file = tmp_path / "jateng.geojson"
    code, out, err = run(capsys, "--db", db, "export-geo", "--format", "geojson",
                         "--regency", "33.22", "--out", str(out_file))
    assert code == 0, err
    doc = json.loads(out_file.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert [f["properties"]["kecamatan_code"] for f in doc["features"]] == ["33.22.13"]
    assert [f["geometry"]["coordinates"] for f in doc["features"]] == [[110.42, -7.18]]
    code, out, _err = run(capsys, "--db", db, "places", "match-report", "--format", "json")
    report = json.loads(out)
    assert report["incidents"] == 3 and report["kecamatan"]["matched"] == 3
    assert report["desa"]["empty"] == 3 and report["unmatched"] == []
