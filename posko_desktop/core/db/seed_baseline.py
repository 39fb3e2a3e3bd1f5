"""The baseline sheets every database starts with (migration 0023): one per kecamatan for
the TPS register, the TPS-rawan mapping and Polda's classes, one per regency for the IKP,
all empty. Identical on every site (id from kind and area, every stamp `SEED_STAMP`), so
sync sends a sheet only once it was changed, and every site holds every sheet."""

from __future__ import annotations

import uuid
from typing import Any

from posko_desktop.core.db.seed_units import SEED_AT, SEED_BY, SEED_STAMP

_NAMESPACE = uuid.UUID("0b5e7a1c-3d2f-5e84-9a6b-33b45e1eed17")
SHEET_FIELDS = ("area", "rows", "label", "deleted")
# sheet kind -> table; the kinds' names are also the record files' names
KECAMATAN_SHEETS = {"tps_sheets": "tps_sheet", "tps_rawan_sheets": "tps_rawan_sheet",
                    "polda_sheets": "polda_sheet"}
REGENCY_SHEETS = {"ikp_sheets": "ikp_sheet"}


def sheet_id(kind: str, area: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, "{k}:{a}".format(k=kind, a=area))


def seed_rows(kind: str, areas: list[str]) -> list[dict[str, Any]]:
    return [{
        "id": sheet_id(kind, area), "number": area, "area": area, "rows": [], "label": "",
        "deleted": False, "origin_site": "33", "recorded_by": SEED_BY, "created_at": SEED_AT,
        "updated_at": SEED_AT, "updated_by": SEED_BY, "mod_stamp": SEED_STAMP,
        "field_stamps": dict.fromkeys(SHEET_FIELDS, SEED_STAMP), "synced_stamps": None,
        "synced_bases": None, "sync_mark": None, "via_package": None,
    } for area in areas]
