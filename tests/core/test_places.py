"""Places as data (issue 17): the Kemendagri list in the database, incidents by kecamatan
and desa code with the names kept, refusals naming the candidates, coordinates, the
migration's matching of free-text names and its report, GeoJSON (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from alembic import command
from sqlalchemy import func, select, text

from posko_desktop.core import places
from posko_desktop.core.context import AppContext
from posko_desktop.core.db import models_all  # noqa: F401 - every table in the metadata
from posko_desktop.core.db.base import Base
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.migrate import alembic_config
from posko_desktop.core.db.models import Desa, Incident, Kecamatan
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor, ValidationErrors
from posko_desktop.core.services import demo, geo
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import places as place_service
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput

DATA = Path(__file__).resolve().parents[1] / "data"
WILAYAH = Path(__file__).resolve().parents[2] / "resources" / "data" / "wilayah-33.csv"


def sample(**overrides: Any) -> IncidentInput:
    values: dict[str, Any] = dict(
        regency_code="33.22", title="Bentrok pendukung di Lerep", category_code="D3",
        severity="tinggi", occurred_at=datetime(2024, 11, 26, 20, 30),
        reported_at=datetime(2024, 11, 26, 21, 0), kecamatan="Ungaran Barat", desa="Lerep")
    values.update(overrides)
    return IncidentInput(**values)


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.read() as s:
        return {t.name: sorted((tuple(r) for r in s.execute(select(t))), key=repr)
                for t in Base.metadata.sorted_tables if t.name not in ("kecamatan", "desa")}


def _csv_rows() -> list[dict[str, str]]:
    with WILAYAH.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_database_holds_the_shipped_list(any_ctx):
    rows = _csv_rows()
    with any_ctx.db.read() as s:
        kec = {(k.code, k.regency_code, k.name) for k in s.scalars(select(Kecamatan))}
        desa = {(d.code, d.kecamatan_code, d.name, d.kind) for d in s.scalars(select(Desa))}
    assert len(kec) == 576 and len(desa) == 8563
    assert kec == {(r["kode"], r["kode"][:5], r["nama"]) for r in rows
                   if r["tingkat"] == "kecamatan"}
    assert ("33.22.18.2004", "33.22.18", "Lerep", "desa") in desa


def test_names_get_their_codes_and_codes_their_names(any_ctx):
    by_name = inc.create_incident(any_ctx, sample(kecamatan="kec. ungaran  barat", desa="LEREP"))
    assert (by_name.kecamatan_code, by_name.desa_code) == ("33.22.18", "33.22.18.2004")
    assert (by_name.kecamatan, by_name.desa) == ("Ungaran Barat", "Lerep")  # the list's names
    by_code = inc.create_incident(any_ctx, sample(kecamatan="", desa="",
                                                  desa_code="33.22.18.2004"))
    assert (by_code.kecamatan, by_code.kecamatan_code, by_code.desa) == (
        "Ungaran Barat", "33.22.18", "Lerep")
    nowhere = inc.create_incident(any_ctx, sample(kecamatan="", desa=""))
    assert (nowhere.kecamatan_code, nowhere.desa_code) == (None, None)


@pytest.mark.parametrize(("overrides", "field", "words"), [
    # a desa of another kecamatan: the kecamatan that has it is named
    (dict(kecamatan="Bergas", desa="Lerep"), "desa",
     ["Lerep", "Bergas", "Ungaran Barat (33.22.18)"]),
    (dict(kecamatan="", desa="", kecamatan_code="33.22.11", desa_code="33.22.18.2004"), "desa",
     ["Lerep", "Bawen", "Ungaran Barat (33.22.18)"]),
    # a kecamatan of another regency: kecamatan of the chosen regency are named
    (dict(kecamatan="", desa="", kecamatan_code="33.74.01"), "kecamatan",
     ["Kab. Semarang", "33.22."]),
    (dict(kecamatan="Ungaran Barrat", desa=""), "kecamatan", ["Ungaran Barat (33.22.18)"]),
    # a desa name found in several kecamatan of the regency, no kecamatan given
    (dict(kecamatan="", desa="Susukan"), "desa", ["Susukan (33.22.03)", "(33.22."]),
    (dict(kecamatan="", desa="", desa_code="33.22.18.2999"), "desa_code", ["33.22.18.2999"]),
    (dict(latitude=-7.1, longitude=None), "longitude", []),
    (dict(latitude=91.0, longitude=110.4), "latitude", ["91"]),
    (dict(latitude=-7.1, longitude=float("nan")), "longitude", []),
])
def test_a_place_that_does_not_fit_is_refused_naming_the_candidates(any_ctx, overrides, field,
                                                                   words):
    inc.create_incident(any_ctx, sample())
    before = dump(any_ctx.db)
    with pytest.raises(ValidationErrors) as err:
        inc.create_incident(any_ctx, sample(**overrides))
    message = err.value.by_field()[field]
    for word in words:
        assert word in message
    assert err.value.text_in("id") != err.value.text_in("en")
    assert dump(any_ctx.db) == before


def test_coordinates_are_stored_and_an_edit_elsewhere_keeps_an_old_free_text(any_ctx):
    made = inc.create_incident(any_ctx, sample(latitude=-7.1306, longitude=110.4012))
    assert (made.latitude, made.longitude) == (-7.1306, 110.4012)
    with any_ctx.db.write() as s:  # as a database from before the list holds it
        s.execute(text("UPDATE incident SET kecamatan = 'Ungaran Kulon', kecamatan_code = NULL, "
                       "desa_code = NULL"))
    kept = inc.update_incident(any_ctx, made.id, {"title": "Bentrok pendukung (diperbarui)"})
    assert (kept.kecamatan, kept.kecamatan_code) == ("Ungaran Kulon", None)
    with pytest.raises(ValidationErrors):  # but changing the place checks it
        inc.update_incident(any_ctx, made.id, {"kecamatan": "Ungaran Kulonn"})
    moved = inc.update_incident(any_ctx, made.id, {"kecamatan": "Bawen", "desa": ""})
    assert (moved.kecamatan_code, moved.desa_code) == ("33.22.11", None)


def _feature_schema() -> dict[str, Any]:
    """The shape RFC 7946 gives a FeatureCollection of Points (sections 3.1.2, 3.2, 3.3;
    no `crs` member: WGS 84 is implied)."""
    point = {"type": "object", "required": ["type", "coordinates"],
             "properties": {"type": {"const": "Point"},
                            "coordinates": {"type": "array", "minItems": 2, "maxItems": 3,
                                            "prefixItems": [
                                                {"type": "number", "minimum": -180,
                                                 "maximum": 180},
                                                {"type": "number", "minimum": -90,
                                                 "maximum": 90}]}}}
    feature = {"type": "object", "required": ["type", "geometry", "properties"],
               "properties": {"type": {"const": "Feature"}, "geometry": point,
                              "properties": {"type": ["object", "null"]},
                              "id": {"type": ["string", "number"]}},
               "not": {"required": ["crs"]}}
    return {"type": "object", "required": ["type", "features"],
            "properties": {"type": {"const": "FeatureCollection"},
                           "features": {"type": "array", "items": feature}},
            "not": {"required": ["crs"]}}


def test_geojson_has_every_filtered_incident_with_coordinates(any_ctx, tmp_path):
    a = inc.create_incident(any_ctx, sample(latitude=-7.1306, longitude=110.4012))
    inc.create_incident(any_ctx, sample(title="Tanpa koordinat"))
    inc.create_incident(any_ctx, sample(regency_code="33.74", kecamatan="Tembalang", desa="",
                                        latitude=-7.05, longitude=110.44, title="Kota"))
    result = geo.export_geojson(any_ctx, IncidentFilter(regencies=("33.22",)),
                                tmp_path / "insiden.geojson")
    doc = json.loads(result.path.read_text(encoding="utf-8"))
    jsonschema.validate(doc, _feature_schema())
    assert (result.features, result.without_coordinates) == (1, 1)
    [feature] = doc["features"]
    assert feature["geometry"]["coordinates"] == [110.4012, -7.1306]  # lon, lat
    assert feature["properties"]["number"] == a.number
    assert feature["properties"]["desa_code"] == "33.22.18.2004"
    every = geo.export_geojson(any_ctx, IncidentFilter(), tmp_path / "semua.geojson")
    assert every.features == 2


def _independent_candidates() -> tuple[dict, dict, dict]:
    """From the CSV itself, without core/places.py: normalised kecamatan names per regency,
    desa names per kecamatan, desa names per regency -> the codes that carry them."""
    def n(name: str) -> str:
        return "".join(ch for ch in name.casefold() if ch.isalnum())
    kec, desa_k, desa_r = defaultdict(set), defaultdict(set), defaultdict(set)
    for r in _csv_rows():
        if r["tingkat"] == "kecamatan":
            kec[(r["kode"][:5], n(r["nama"]))].add(r["kode"])
        elif r["tingkat"] == "desa/kelurahan":
            desa_k[(r["kode"][:8], n(r["nama"]))].add(r["kode"])
            desa_r[(r["kode"][:5], n(r["nama"]))].add(r["kode"])
    return kec, desa_k, desa_r


def test_the_migration_codes_only_unambiguous_names_of_a_20000_incident_demo(tmp_path, ctx,
                                                                          db_path):
    """A 20,000-incident demo database as an older version would hold it (names only;
    a third without the kecamatan, so desa names that several kecamatan share are
    ambiguous; some misspelt), upgraded from 0009: an incident gets codes only where its
    names point at one place, checked against the CSV directly; the report lists the
    ambiguous and unknown ones and counts none of them as matched."""
    demo.generate(ctx, incidents=20_000, days=60, end_date=date(2024, 11, 30), seed=17)
    with ctx.db.write() as s:
        s.execute(text("UPDATE incident SET kecamatan = '' WHERE seq % 3 = 0"))
        s.execute(text("UPDATE incident SET desa = desa || 'x' WHERE seq % 11 = 0"))
        s.execute(text("UPDATE incident SET kecamatan = 'Kec. ' || upper(kecamatan) "
                       "WHERE seq % 7 = 1 AND kecamatan != ''"))
    cfg = alembic_config()
    with ctx.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    ctx.db.dispose()
    db = open_database(db_path)  # upgrades: 0011 matches the names
    try:
        kec, desa_k, desa_r = _independent_candidates()
        with db.read() as s:
            rows = s.execute(select(Incident.regency_code, Incident.kecamatan, Incident.desa,
                                    Incident.kecamatan_code, Incident.desa_code)).all()
            assert s.scalar(select(func.count()).select_from(Incident)) == 20_000
        coded = 0
        for regency, kec_name, desa_name, kec_code, desa_code in rows:
            k = places.norm(kec_name)
            if kec_code is not None and k:
                assert kec[(regency, k)] == {kec_code}
            if desa_code is not None:
                coded += 1
                key = places.norm(desa_name)
                found = desa_k[(kec_code, key)] if k else desa_r[(regency, key)]
                assert found == {desa_code}, (regency, kec_name, desa_name)
            elif k and kec_code is not None:  # the desa was left: it matched no one place
                assert len(desa_k[(kec_code, places.norm(desa_name))]) != 1
        assert coded > 10_000
        report = place_service.match_report(AppContext(db, Actor("admin", "admin", "A")))
        assert report.incidents == 20_000
        assert report.desa["ambiguous"] > 0 and report.desa["unknown"] > 0
        assert report.desa["matched"] == coded
        assert report.desa["matched"] + report.desa["ambiguous"] + report.desa["unknown"] \
            + report.desa["not_coded"] + report.desa["empty"] == 20_000
        assert all(why in ("ambiguous", "unknown") for *_n, why in report.unmatched)
    finally:
        db.dispose()


def test_migration_0011_codes_the_matching_names_of_a_real_0009_database(tmp_path):
    path = tmp_path / "posko-0009.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    db = open_database(path)
    try:
        kec, desa_k, _desa_r = _independent_candidates()
        with db.read() as s:
            rows = s.execute(select(Incident.regency_code, Incident.kecamatan,
                                    Incident.kecamatan_code)).all()
        assert len(rows) == 122
        for regency, name, code in rows:
            found = kec.get((regency, places.norm(name)), set())
            assert code == (next(iter(found)) if len(found) == 1 else None)
    finally:
        db.dispose()


def test_planted_ambiguous_names_get_no_code_and_count_as_ambiguous(ctx, db_path):
    """A small database with names planted where the list has two places of that name
    (Tambakreja and Sidanegara are desa of two kecamatan of Cilacap each), upgraded from
    0009: a desa named without its kecamatan gets no code and the report counts it
    ambiguous, never matched; named with its kecamatan it matches; a desa name unique in
    the regency brings its kecamatan; a misspelt kecamatan leaves the desa unplaced."""
    index = places.shipped_index()
    tambakreja = [index.desa[c] for c in ("33.01.01.2001", "33.01.21.1003")]
    assert {places.norm(d.name) for d in tambakreja} == {"tambakreja"}
    assert len(index.desa_in_regency[("33.01", "sidanegara")]) == 2
    unique = next(d for d in index.desa_of_kec["33.01.05"]
                  if len(index.desa_in_regency[("33.01", places.norm(d.name))]) == 1)
    home = index.kecamatan[tambakreja[1].parent].name
    planted = [  # kecamatan, desa -> kecamatan code, desa code after the upgrade
        ("", "Tambakreja", None, None),
        ("", "  TAMBAKREJA ", None, None),
        ("", "Desa Sidanegara", None, None),
        (home, "Tambakreja", tambakreja[1].parent, tambakreja[1].code),
        ("", unique.name, unique.parent, unique.code),
        (home + "x", "Tambakreja", None, None),
    ]
    for n in range(len(planted)):
        inc.create_incident(ctx, sample(regency_code="33.01", kecamatan="", desa="",
                                        title="Kejadian {n}".format(n=n)))
    with ctx.db.write() as s:
        for seq, (kec, desa, _k, _d) in enumerate(planted, start=1):
            s.execute(text("UPDATE incident SET kecamatan = :k, desa = :d WHERE seq = :s"),
                      {"k": kec, "d": desa, "s": seq})
    cfg = alembic_config()
    with ctx.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    ctx.db.dispose()
    db = open_database(db_path)  # upgrades: 0011 matches the names
    try:
        with db.read() as s:
            got = s.execute(select(Incident.kecamatan_code, Incident.desa_code)
                            .order_by(Incident.seq)).all()
        assert [tuple(r) for r in got] == [(k, d) for _kec, _desa, k, d in planted]
        report = place_service.match_report(AppContext(db, Actor("admin", "admin", "A")))
        assert (report.desa["matched"], report.desa["ambiguous"], report.desa["unknown"]) == (
            2, 3, 1)
        assert (report.kecamatan["matched"], report.kecamatan["empty"],
                report.kecamatan["unknown"]) == (2, 3, 1)
        assert sorted((d, why) for (_r, _k, d, why) in report.unmatched) == [
            ("  TAMBAKREJA ", "ambiguous"), ("Desa Sidanegara", "ambiguous"),
            ("Tambakreja", "ambiguous"), ("Tambakreja", "unknown")]
    finally:
        db.dispose()
