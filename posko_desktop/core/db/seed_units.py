"""The reporting units every database starts with (migration 0016): the 35 regency and city
offices and the agencies the Governor told to monitor the Pilkada (issue 18). Identical on
every site: the id is derived from the code and every stamp is `SEED_STAMP` (site 33,
1 January 2024), so sync finds them equal and sends only what was changed since."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

SEED_AT = datetime(2024, 1, 1, tzinfo=UTC)
SEED_STAMP = "{ms:013d}-00000-33".format(ms=int(SEED_AT.timestamp() * 1000))
SEED_BY = "posko"
_NAMESPACE = uuid.UUID("6f1d3c2e-8a51-5c7b-9d0e-33a9e1b2c4d6")

# code, name, cadence
AGENCY_UNITS = (
    ("POLDA", "Polda Jawa Tengah", "daily"),
    ("KODAM4", "Kodam IV/Diponegoro", "daily"),
    ("KEJATI", "Kejaksaan Tinggi Jawa Tengah", "daily"),
    ("BAWASLU-PROV", "Bawaslu Provinsi Jawa Tengah", "daily"),
    ("KPU-PROV", "KPU Provinsi Jawa Tengah", "daily"),
    ("DISKOMINFO", "Diskominfo Provinsi Jawa Tengah", "daily"),
    ("KESBANGPOL", "Badan Kesbangpol Provinsi Jawa Tengah", "daily"),
    ("SATPOLPP", "Satpol PP Provinsi Jawa Tengah", "on_event"),
    ("BPBD", "BPBD Provinsi Jawa Tengah", "on_event"),
)
UNIT_FIELDS = ("name", "unit_type", "regency_code", "cadence", "agency_code", "active",
               "deleted")


def unit_id(code: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, "unit:" + code)


def _row(code: str, name: str, unit_type: str, regency: str | None, cadence: str,
         agency: str | None) -> dict[str, Any]:
    return {
        "id": unit_id(code), "number": code, "name": name, "unit_type": unit_type,
        "regency_code": regency, "cadence": cadence, "agency_code": agency, "active": True,
        "deleted": False, "origin_site": "33", "recorded_by": SEED_BY, "created_at": SEED_AT,
        "updated_at": SEED_AT, "updated_by": SEED_BY, "mod_stamp": SEED_STAMP,
        "field_stamps": dict.fromkeys(UNIT_FIELDS, SEED_STAMP), "synced_stamps": None,
        "synced_bases": None, "sync_mark": None, "via_package": None,
    }


def seed_rows(regencies: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """The rows for `regencies` given as (code, kind, name), then the agency units."""
    rows = [_row(code, "{p} {n}".format(p="Kab." if kind == "kabupaten" else "Kota", n=name),
                 "regency", code, "daily", None) for code, kind, name in regencies]
    rows += [_row(code, name, "agency", None, cadence, None)
             for code, name, cadence in AGENCY_UNITS]
    return rows
