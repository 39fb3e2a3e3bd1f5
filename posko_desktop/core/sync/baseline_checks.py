"""The rules of the baseline sheets' records (`sync/kinds.py`; docs/sync-format.md,
"Baseline sheets") that the JSON Schema cannot say: the record is the sheet of its area
(id and number follow from kind and area), its rows lie in that area and name each TPS
once, and **who may author it**: the province any sheet, a regency site only the sheets
of its own regency, and nobody but the province the IKP (every stamp names its site)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from posko_desktop.core import places
from posko_desktop.core.baseline_codes import (
    ADDRESS_MAX,
    DPT_MAX,
    IKP_CLASSES,
    IKP_DIMENSION_CODES,
    TPS_MAX,
    TPS_VARIABLE_CODES,
    PoldaLevel,
)
from posko_desktop.core.db.seed_baseline import sheet_id
from posko_desktop.core.domain import PROVINCE_CODE
from posko_desktop.core.textrules import control_character

Rule = Callable[[dict[str, Any]], str | None]
RowRule = Callable[[list[Any]], str | None]
_POLDA = frozenset(level.value for level in PoldaLevel)
_VARIABLES = frozenset(TPS_VARIABLE_CODES)


def _int(value: Any) -> bool:
    return type(value) is int  # JSON numbers without a fraction; not bool


def _number(value: Any) -> bool:
    return type(value) in (int, float)


def _site(stamp: str) -> str:
    return stamp.split("-", 2)[-1]


def _authors(rec: dict[str, Any], allowed: set[str]) -> str | None:
    for stamp in (rec["mod_stamp"], *rec["field_stamps"].values()):
        if _site(stamp) not in allowed:
            return "site {site} may not change the sheet of {area}".format(
                site=_site(stamp), area=rec["area"])
    return None


def _tps_key(area: str, row: list[Any], seen: set[tuple[str, int]]) -> str | None:
    desa, number = row[0], row[1]
    if type(desa) is not str or not _int(number):
        return "a row begins with a desa code and a TPS number"
    if desa not in places.shipped_index().desa or desa[:8] != area:
        return "desa {code} is not in kecamatan {area}".format(code=desa, area=area)
    if not 1 <= number <= TPS_MAX:
        return "TPS number {n} is out of range".format(n=number)
    if (desa, number) in seen:
        return "TPS {n} of desa {code} appears twice".format(n=number, code=desa)
    seen.add((desa, number))
    return None


def _tps_row(row: list[Any]) -> str | None:
    dpt, address, lat, lon = row[2:]
    if not _int(dpt) or type(address) is not str or not all(
            v is None or _number(v) for v in (lat, lon)):
        return "DPT, address, latitude, longitude: a whole number, a text, numbers or null"
    if not 0 <= dpt <= DPT_MAX:
        return "DPT {n} is out of range".format(n=dpt)
    if len(address) > ADDRESS_MAX or control_character(address) is not None:
        return "address is not a one-line text of at most {n} characters".format(n=ADDRESS_MAX)
    if (lat is None) != (lon is None):
        return "latitude and longitude come together"
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return "coordinates out of range"
    return None


def _rawan_row(row: list[Any]) -> str | None:
    variables = row[2]
    if type(variables) is not list or not all(type(v) is str for v in variables):
        return "the variables are a list of texts"
    if not set(variables) <= _VARIABLES or len(set(variables)) != len(variables):
        return "unknown or repeated TPS-rawan variable"
    return None


def _polda_row(row: list[Any]) -> str | None:
    if type(row[2]) is not str or row[2] not in _POLDA:
        return "unknown Polda class {c}".format(c=str(row[2])[:20])
    return None


def _shape(row: Any, width: int) -> str | None:
    if type(row) is not list or len(row) != width:
        return "a row is a list of {n} values".format(n=width)
    return None


def _kecamatan_sheet(kind: str, width: int, row_rule: RowRule) -> Rule:
    def check(rec: dict[str, Any]) -> str | None:
        area = rec["area"]
        if area not in places.shipped_index().kecamatan:
            return "unknown kecamatan code {code}".format(code=area)
        if rec["number"] != area or rec["id"] != str(sheet_id(kind, area)):
            return "not the sheet of kecamatan {area}".format(area=area)
        problem = _authors(rec, {PROVINCE_CODE, area[:5]})
        if problem:
            return problem
        seen: set[tuple[str, int]] = set()
        for row in rec["rows"]:
            problem = (_shape(row, width) or _tps_key(area, row, seen)
                       or row_rule(row))
            if problem:
                return "rows: " + problem
        return None
    return check


def _ikp_sheet(rec: dict[str, Any]) -> str | None:
    """The area is a regency code known here (`SyncedKind.regency_fields`)."""
    if rec["number"] != rec["area"] or rec["id"] != str(sheet_id("ikp_sheets", rec["area"])):
        return "not the sheet of regency {area}".format(area=rec["area"])
    problem = _authors(rec, {PROVINCE_CODE})
    if problem:
        return problem
    for row in rec["rows"]:
        problem = _shape(row, 3)
        if problem:
            return "rows: " + problem
        score, level, dimensions = row
        if not _number(score) or not 0 <= score <= 100 or level not in IKP_CLASSES:
            return "rows: IKP score or class out of range"
        if type(dimensions) is not dict or not set(dimensions) <= set(IKP_DIMENSION_CODES) \
                or not all(_number(v) and 0 <= v <= 100 for v in dimensions.values()):
            return "rows: unknown IKP dimension or score out of range"
    return None


check_tps_sheet = _kecamatan_sheet("tps_sheets", 6, _tps_row)
check_rawan_sheet = _kecamatan_sheet("tps_rawan_sheets", 3, _rawan_row)
check_polda_sheet = _kecamatan_sheet("polda_sheets", 3, _polda_row)
check_ikp_sheet = _ikp_sheet
