"""Incidents with coordinates as GeoJSON (RFC 7946) for QGIS and other GIS programs:
`posko export-geo --format geojson` with the incident list's filters (issue 17).

One FeatureCollection; each incident of the filter that has coordinates is a Feature with
a Point geometry `[longitude, latitude]` (WGS 84, the only datum RFC 7946 allows, so no
`crs` member) and its main fields as properties. Written to a temporary sibling and
renamed when complete.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Incident, Regency
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.incident_log import IncidentFilter, apply_filter
from posko_desktop.core.services.reference import RegencyInfo
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


def export_geojson(ctx: AppContext, flt: IncidentFilter, out: str | Path) -> GeoExport:
    require(ctx.actor, Permission.EXPORT)
    out = Path(out)
    counts = {"features": 0, "without": 0}

    def write(tmp: Path) -> None:
        with ctx.db.read() as s, tmp.open("wb") as fh:
            stmt = (select(Incident.id, Incident.number, Incident.title, Incident.regency_code,
                           Regency.kind, Regency.name, Incident.kecamatan,
                           Incident.kecamatan_code, Incident.desa, Incident.desa_code,
                           Incident.location, Incident.category_code, Incident.severity,
                           Incident.status, Incident.occurred_at, Incident.victims_dead,
                           Incident.victims_injured, Incident.latitude, Incident.longitude)
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
            fh.write(b"]}\n")

    write_atomically(out, write)
    logger.info("GeoJSON: %d incidents with coordinates written to %s (%d without left out)",
                counts["features"], out, counts["without"])
    return GeoExport(out, counts["features"], counts["without"])


def _feature(r: Any) -> dict[str, Any]:
    props = {
        "id": str(r.id), "number": r.number, "title": r.title, "regency_code": r.regency_code,
        "regency_name": RegencyInfo(r.regency_code, r.kind, r.name).full_name,
        "kecamatan": r.kecamatan, "kecamatan_code": r.kecamatan_code, "desa": r.desa,
        "desa_code": r.desa_code, "location": r.location, "category_code": r.category_code,
        "severity": r.severity, "status": r.status,
        "occurred_at": to_wib(r.occurred_at).isoformat(), "victims_dead": r.victims_dead,
        "victims_injured": r.victims_injured,
    }
    return {"type": "Feature", "id": str(r.id),
            "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
            "properties": props}
