"""The agencies every database starts with (migration 0024; issue 18): the referral
targets the app shipped with (codes kept, names corrected: the regency-level supervisor is
*Bawaslu Kabupaten/Kota*; *Panwaslu* exists only at kecamatan level and below) and the
agencies the reference review found missing, each with its level and parent. Identical on
every site: the id is derived from the code, every stamp is `seed_units.SEED_STAMP`, so sync
finds them equal and sends only what was changed since. No contact person is shipped (the
office enters its own; no number is guessed)."""

from __future__ import annotations

import uuid
from typing import Any

from posko_desktop.core.db.seed_units import SEED_AT, SEED_BY, SEED_STAMP

_NAMESPACE = uuid.UUID("2b7e4c1a-93d5-5f60-8c1e-33a9e1b2d4f8")
AGENCY_FIELDS = ("name", "level", "parent_code", "address", "answer_hours", "active",
                 "deleted")
CONTACT_FIELDS = ("agency_code", "name", "function", "phone", "whatsapp", "email", "note",
                  "active", "deleted")

# code, name, level, parent code: parents before their children
SEED_AGENCIES: tuple[tuple[str, str, str, str | None], ...] = (
    # national
    ("KEMENDAGRI", "Kementerian Dalam Negeri", "pusat", None),
    ("DESK-PILKADA", "Desk Pilkada Pusat (Kemendagri)", "pusat", "KEMENDAGRI"),
    ("DITJEN-OTDA", "Ditjen Otonomi Daerah (Kemendagri)", "pusat", "KEMENDAGRI"),
    ("BAWASLU-RI", "Bawaslu Republik Indonesia", "pusat", None),
    ("KPU-RI", "KPU Republik Indonesia", "pusat", None),
    ("DKPP", "DKPP (Dewan Kehormatan Penyelenggara Pemilu)", "pusat", None),
    ("BKN", "BKN (Badan Kepegawaian Negara)", "pusat", None),
    ("KOMDIGI", "Komdigi (Kementerian Komunikasi dan Digital)", "pusat", None),
    ("DEWAN-PERS", "Dewan Pers", "pusat", None),
    # province
    ("BAWASLU-PROV", "Bawaslu Provinsi Jawa Tengah", "provinsi", "BAWASLU-RI"),
    ("KPU-PROV", "KPU Provinsi Jawa Tengah", "provinsi", "KPU-RI"),
    ("GAKKUMDU", "Sentra Gakkumdu", "provinsi", None),
    ("POLDA", "Polda Jawa Tengah", "provinsi", None),
    ("PROPAM", "Bidang Propam Polda Jawa Tengah", "provinsi", "POLDA"),
    ("KODAM4", "Kodam IV/Diponegoro", "provinsi", None),
    ("POMDAM", "Pomdam IV/Diponegoro", "provinsi", "KODAM4"),
    ("KEJATI", "Kejaksaan Tinggi Jawa Tengah", "provinsi", None),
    ("DISKOMINFO", "Diskominfo Provinsi Jawa Tengah", "provinsi", None),
    ("KESBANGPOL", "Badan Kesbangpol Provinsi Jawa Tengah", "provinsi", None),
    ("FKUB", "FKUB Provinsi Jawa Tengah", "provinsi", None),
    ("FKDM", "FKDM Provinsi Jawa Tengah", "provinsi", "KESBANGPOL"),
    ("KOMINDA", "Kominda Provinsi Jawa Tengah", "provinsi", "KESBANGPOL"),
    ("KPID", "KPID Jawa Tengah", "provinsi", None),
    ("INSPEKTORAT", "Inspektorat Provinsi Jawa Tengah", "provinsi", None),
    ("BKD", "BKD Provinsi Jawa Tengah", "provinsi", None),
    ("SATPOLPP", "Satpol PP", "provinsi", None),
    ("BPBD", "BPBD", "provinsi", None),
    ("OPD", "OPD terkait", "provinsi", None),
    ("PLN", "PLN UID Jawa Tengah dan DIY", "provinsi", None),
    ("TELKOM", "Telkom Indonesia", "provinsi", None),
    ("TELKOMSEL", "Telkomsel", "provinsi", None),
    ("INDOSAT", "Indosat Ooredoo Hutchison", "provinsi", None),
    ("XL", "XL Axiata", "provinsi", None),
    # regency and city level
    ("BAWASLU", "Bawaslu Kabupaten/Kota", "kabkota", "BAWASLU-PROV"),
    ("KPU", "KPU Kabupaten/Kota", "kabkota", "KPU-PROV"),
    ("POLRI", "Polres/Polresta", "kabkota", "POLDA"),
    ("KODIM", "Korem/Kodim", "kabkota", "KODAM4"),
    ("KEJARI", "Kejaksaan Negeri", "kabkota", "KEJATI"),
    ("DISKOMINFO-KAB", "Diskominfo Kabupaten/Kota", "kabkota", "DISKOMINFO"),
    ("KESBANGPOL-KAB", "Kesbangpol Kabupaten/Kota", "kabkota", "KESBANGPOL"),
)


def agency_id(code: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, "agency:" + code)


def agency_row(code: str, name: str, level: str, parent: str | None,
               active: bool = True) -> dict[str, Any]:
    return {
        "id": agency_id(code), "number": code, "name": name, "level": level,
        "parent_code": parent, "address": "", "answer_hours": None, "active": active,
        "deleted": False, "origin_site": "33", "recorded_by": SEED_BY, "created_at": SEED_AT,
        "updated_at": SEED_AT, "updated_by": SEED_BY, "mod_stamp": SEED_STAMP,
        "field_stamps": dict.fromkeys(AGENCY_FIELDS, SEED_STAMP), "synced_stamps": None,
        "synced_bases": None, "sync_mark": None, "via_package": None,
    }


def seed_rows(held: dict[str, tuple[str, bool]]) -> list[dict[str, Any]]:
    """The directory's rows given the agencies a database `held` before (code -> name,
    active): every seeded agency (a held one keeps its `active`), then every held code the
    seed does not know (kept as it was, at the province level)."""
    rows = [agency_row(code, name, level, parent, held.get(code, ("", True))[1])
            for code, name, level, parent in SEED_AGENCIES]
    known = {code for code, *_rest in SEED_AGENCIES}
    rows += [agency_row(code, name, "provinsi", None, active)
             for code, (name, active) in sorted(held.items()) if code not in known]
    return rows
