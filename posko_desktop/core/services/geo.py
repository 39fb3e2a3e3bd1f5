"""Incidents with coordinates as GeoJSON (RFC 7946) for QGIS and other GIS programs:
`posko export-geo --format geojson` with the incident list's filters (issue 17).

One FeatureCollection; each incident of the filter that has coordinates is a Feature with
a Point geometry `[longitude, latitude]` (WGS 84, the only datum RFC 7946 allows, so no
`crs` member) and its main fields as properties (`"kind": "incident"`). With `with_tps`,
the TPS of the register with coordinates follow (`"kind": "tps"`; of the filter's
regencies, if it names any), with the current baseline's Bawaslu variables and Polda class.
Written to a temporary sibling and renamed when complete.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Incident, Regency
from posko_desktop.core.db.models_kerawanan import BaselineImport, Tps, TpsMark
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.incident_log import IncidentFilter, apply_filter
from posko_desktop.core.services.reference import RegencyInfo, normalize_regency_code
from posko_desktop.core.spreadsheets.files import write_atomically
from posko_desktop.core.timeutil import to_wib

logger = logging.getLogger(__name__)

BATCH = 2000
PROPERTIES = ("id", "number", "title", "regency_code", "regency_name", "kecamatan",
              "kecamatan_code", "desa", "desa_code", "location", "category_code",
              "severity", "status", "occurred_at", "victims_dead", "victims_injured")


@dataclass(frozen=True)
class GeoExport:
    path: Path
    features: int  # incidents written (those of the filter with coordinates)
    without_coordinates: int  # incidents of the filter left out
    tps: int = 0  # TPS written (with_tps)


def export_geojson(ctx: AppContext, flt: IncidentFilter, out: str | Path,
                   with_tps: bool = False) -> GeoExport:
    require(ctx.actor, Permission.EXPORT)
    out = Path(out)
    counts = {"features": 0, "without": 0, "tps": 0}

    def write(tmp: Path) -> None:
        with ctx.db.read() as s, tmp.open("wb") as fh:
            stmt = (select(Incident.id, Incident.number, Incident.title, Incident.regency_code,
                           Regency.kind, Regency.name, Incident.kecamatan,
                           Incident.kecamatan_code, Incident.desa, Incident.desa_code,
                           Incident.location, Incident.category_code, Incident.severity,
                           Incident.status, Incident.occurred_at, Incident.victims_dead,
                           Incident.victims_injured, Incident.latitude, Incident.longitude,
                           Incident.contest_code, Incident.pair_number, Incident.tps_number)
                    .join(Regency, Regency.code == Incident.regency_code)
                    .order_by(Incident.occurred_at.desc(), Incident.seq.desc()))
            stmt = apply_filter(stmt, flt, s.get_bind().dialect.name)
            fh.write(b'{"type":"FeatureCollection","features":[')
            for r in s.execute(stmt.execution_options(yield_per=BATCH)):
                if r.latitude is None or r.longitude is None:
                    counts["without"] += 1
                    continue
                fh.write(b"," if counts["features"] else b"\n")
                fh.write(orjson.dumps(_feature(r)))
                fh.write(b"\n")
                counts["features"] += 1
            if with_tps:
                for feature in _tps_features(s, flt):
                    fh.write(b"," if counts["features"] + counts["tps"] else b"\n")
                    fh.write(orjson.dumps(feature))
                    fh.write(b"\n")
                    counts["tps"] += 1
            fh.write(b"]}\n")

    write_atomically(out, write)
    logger.info("GeoJSON: %d incidents with coordinates written to %s (%d without left out)",
                counts["features"], out, counts["without"])
    return GeoExport(out, counts["features"], counts["without"], counts["tps"])


def _tps_features(s: Session, flt: IncidentFilter) -> Iterator[dict[str, Any]]:
    marks: dict[tuple[str, int], dict[str, Any]] = {}
    current = {b.kind: b.id for b in s.scalars(select(BaselineImport).where(
        BaselineImport.current.is_(True)))}
    for kind, key in (("tps_rawan", "rawan_variables"), ("polda", "polda_class")):
        if kind in current:
            for m in s.scalars(select(TpsMark).where(TpsMark.import_id == current[kind])):
                marks.setdefault((m.desa_code, m.tps_number), {})[key] = (
                    m.variables if kind == "tps_rawan" else m.level)
    stmt = (select(Tps).where(Tps.latitude.is_not(None), Tps.longitude.is_not(None))
            .order_by(Tps.desa_code, Tps.number))
    if flt.regencies:
        stmt = stmt.where(Tps.regency_code.in_(
            [normalize_regency_code(c) or c for c in flt.regencies]))
    for t in s.scalars(stmt.execution_options(yield_per=BATCH)):
        props = {"kind": "tps", "desa_code": t.desa_code, "tps_number": t.number,
                 "kecamatan_code": t.kecamatan_code, "regency_code": t.regency_code,
                 "dpt": t.dpt, "address": t.address, "rawan_variables": [],
                 "polda_class": None, **marks.get((t.desa_code, t.number), {})}
        yield {"type": "Feature", "id": "tps-{d}-{n}".format(d=t.desa_code, n=t.number),
               "geometry": {"type": "Point", "coordinates": [t.longitude, t.latitude]},
               "properties": props}


def _feature(r: Any) -> dict[str, Any]:
    props = {
        "kind": "incident", "id": str(r.id), "number": r.number, "title": r.title, "regency_code": r.regency_code,
        "regency_name": RegencyInfo(r.regency_code, r.kind, r.name).full_name,
        "kecamatan": r.kecamatan, "kecamatan_code": r.kecamatan_code, "desa": r.desa,
        "desa_code": r.desa_code, "location": r.location, "category_code": r.category_code,
        "severity": r.severity, "status": r.status,
        "occurred_at": to_wib(r.occurred_at).isoformat(), "victims_dead": r.victims_dead,
        "victims_injured": r.victims_injured, "contest_code": r.contest_code,
        "pair_number": r.pair_number, "tps_number": r.tps_number,
    }
    return {"type": "Feature", "id": str(r.id),
            "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
            "properties": props}
