"""The codes of the vulnerability baseline (issue 17) that the services, the sync checks
and the files share: Bawaslu's TPS-rawan variables, Polda's TPS classes, IKP classes and
dimensions. Their labels live with the services (`services/baseline.py`)."""

from __future__ import annotations

import enum

TPS_VARIABLE_CODES = ("hak_pilih", "keamanan", "politik_uang", "sara", "netralitas",
                      "logistik", "lokasi_tps", "listrik_internet")
IKP_DIMENSION_CODES = ("sosial_politik", "penyelenggaraan", "kontestasi", "partisipasi")
IKP_CLASSES = ("rendah", "sedang", "tinggi")  # = dashboard_data.IkpLevel


class PoldaLevel(enum.StrEnum):
    KURANG_RAWAN = "kurang_rawan"
    RAWAN = "rawan"
    SANGAT_RAWAN = "sangat_rawan"


TPS_MAX = 9999  # TPS numbers within a desa
DPT_MAX = 5000  # voters on a TPS's final list
ADDRESS_MAX = 200
