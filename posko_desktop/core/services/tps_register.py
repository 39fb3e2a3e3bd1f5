"""The TPS register (issue 17): ~58,000 polling stations of Jawa Tengah, imported from our
CSV/XLSX template (docs/spreadsheets.md, "TPS register"). A TPS is its number within its
desa/kelurahan; kecamatan and regency follow from the desa code.

An import replaces the TPS of the desa it names (a file may cover one regency or the whole
province), in one transaction with one audit entry (file, rows, digest; the register is
reference data, not a record people edit one by one). Every row is checked first; any bad
row (row and column named) refuses the whole file with the database unchanged. The rows go
in through Core `insert()` with lists of dicts (docs/decisions.md, "TPS register import").
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Desa
from posko_desktop.core.db.models_kerawanan import Tps
from posko_desktop.core.domain import text_problem
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.places import DESA_RE
from posko_desktop.core.services import audit, baseline_sync
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.spreadsheets.tables import (
    CellValueError,
    RowProblem,
    TableColumn,
    TableRowsError,
    float_cell,
    header_of,
    int_cell,
    read_table,
    text_cell,
)

logger = logging.getLogger(__name__)

TPS_MAX = 9999
DPT_MAX = 5000
ADDRESS_MAX = 200
BATCH = 5000

COLUMNS = (
    TableColumn("desa_code", N_("Desa code"), True,
                N_("The Kemendagri code of the desa/kelurahan, e.g. 33.74.01.1001.")),
    TableColumn("tps_number", N_("TPS number"), True, N_("1, 2, 3 … within the desa.")),
    TableColumn("dpt", N_("DPT"), True, N_("Voters on the final voter list (DPT).")),
    TableColumn("address", N_("Address"), False, N_("Where the TPS stands (optional).")),
    TableColumn("latitude", N_("Latitude"), False, N_("WGS 84 degrees (optional).")),
    TableColumn("longitude", N_("Longitude"), False, N_("WGS 84 degrees (optional).")),
)
_BY_KEY = {c.key: c for c in COLUMNS}


@dataclass(frozen=True)
class TpsImportResult:
    rows: int
    added: int
    changed: int
    removed: int  # TPS of the named desa that the file no longer lists
    unchanged: int


@dataclass(frozen=True)
class TpsInfo:
    desa_code: str
    number: int
    kecamatan_code: str
    regency_code: str
    dpt: int
    address: str
    latitude: float | None
    longitude: float | None


def desa_parents(s: Session) -> dict[str, str]:
    """desa code → kecamatan code, for every desa of the shipped list."""
    return {code: kec for code, kec in s.execute(select(Desa.code, Desa.kecamatan_code))}


class RowChecker:
    """Collects the problems of a table's rows (row and column named)."""

    def __init__(self, columns: tuple[TableColumn, ...]) -> None:
        self.by_key = {c.key: c for c in columns}
        self.problems: list[RowProblem] = []

    def add(self, number: int, key: str, message: str, /, **params: Any) -> None:
        self.problems.append(RowProblem(number, header_of(self.by_key[key]), message, params))

    def cell(self, number: int, key: str, fn: Any, /, *args: Any) -> Any:
        try:
            return fn(*args)
        except CellValueError as err:
            self.add(number, key, err.message, **err.params)
            return None


def check_tps_key(check: RowChecker, number: int, raw: dict[str, Any],
                  parents: dict[str, str]) -> tuple[str, int] | None:
    """The (desa code, TPS number) of a row, or None with its problem recorded."""
    desa = text_cell(raw.get("desa_code"))
    if not DESA_RE.match(desa) or desa not in parents:
        check.add(number, "desa_code", N_("{code} is not a desa/kelurahan code of Jawa Tengah "
                                          "(e.g. 33.74.01.1001)"), code=desa)
        return None
    tps = check.cell(number, "tps_number", int_cell, raw.get("tps_number"), 1, TPS_MAX)
    return None if tps is None else (desa, tps)


def _rows(ctx: AppContext, s: Session, path: str | Path) -> tuple[str, list[dict[str, Any]]]:
    table = read_table(path, COLUMNS)
    parents = desa_parents(s)
    check = RowChecker(COLUMNS)
    seen: dict[tuple[str, int], int] = {}
    out: list[dict[str, Any]] = []
    for number, raw in table.rows:
        key = check_tps_key(check, number, raw, parents)
        dpt = check.cell(number, "dpt", int_cell, raw.get("dpt"), 0, DPT_MAX)
        address = text_cell(raw.get("address"))
        control = text_problem(address, "address")
        if control is not None:
            check.add(number, "address", control.message, **control.params)
        elif len(address) > ADDRESS_MAX:
            check.add(number, "address", N_("At most {max} characters"), max=ADDRESS_MAX)
        lat = check.cell(number, "latitude", float_cell, raw.get("latitude"), -90.0, 90.0,
                         False)
        lon = check.cell(number, "longitude", float_cell, raw.get("longitude"), -180.0, 180.0,
                         False)
        if (lat is None) != (lon is None) and not any(
                p.row == number for p in check.problems):
            check.add(number, "latitude", N_("Give both latitude and longitude, or neither"))
        if key is None or dpt is None:
            continue
        if key in seen:
            check.add(number, "tps_number", N_("The same TPS as row {row}"), row=seen[key])
            continue
        seen[key] = number
        kec = parents[key[0]]
        out.append({"desa_code": key[0], "number": key[1], "kecamatan_code": kec,
                    "regency_code": kec[:5], "dpt": dpt, "address": address,
                    "latitude": lat, "longitude": lon})
    if check.problems:
        raise TableRowsError(table.name, check.problems)
    return table.name, out


def import_register(ctx: AppContext, path: str | Path) -> TpsImportResult:
    """Import the TPS of `path`; the TPS of every desa the file names become the file's."""
    require(ctx.actor, Permission.REFERENCE_MANAGE)
    now = ctx.now()
    with ctx.db.write() as s:
        name, rows = _rows(ctx, s, path)
        baseline_sync.check_author(s, "tps", {r["regency_code"] for r in rows})
        desas = sorted({r["desa_code"] for r in rows})
        held: dict[tuple[str, int], tuple[Any, ...]] = {}
        for i in range(0, len(desas), 900):
            for t in s.execute(select(Tps.desa_code, Tps.number, Tps.kecamatan_code,
                                      Tps.regency_code, Tps.dpt, Tps.address, Tps.latitude,
                                      Tps.longitude).where(Tps.desa_code.in_(desas[i:i + 900]))):
                held[(t[0], t[1])] = tuple(t)
        fresh = {(r["desa_code"], r["number"]): tuple(r.values()) for r in rows}
        added = sum(1 for k in fresh if k not in held)
        changed = sum(1 for k, v in fresh.items() if k in held and held[k] != v)
        removed = sum(1 for k in held if k not in fresh)
        unchanged = len(fresh) - added - changed
        if added or changed or removed:
            for i in range(0, len(desas), 900):
                s.execute(delete(Tps).where(Tps.desa_code.in_(desas[i:i + 900])))
            conn, table = s.connection(), Tps.__table__  # Core: no ORM bookkeeping per row
            for i in range(0, len(rows), BATCH):
                conn.execute(insert(table), rows[i:i + BATCH])
            digest = hashlib.sha256(orjson.dumps(sorted(fresh.values()))).hexdigest()
            audit.record(s, ctx.actor, "tps.import", "tps_register", name, before=None,
                         after={"file": name, "rows": len(rows), "added": added,
                                "changed": changed, "removed": removed, "sha256": digest},
                         at=now)
        # also when nothing changed here: rows imported before the sheets existed
        baseline_sync.publish_tps(s, ctx, {r["kecamatan_code"] for r in rows}, name, now)
    result = TpsImportResult(len(rows), added, changed, removed, unchanged)
    logger.info("TPS register %s: %s", name, result)
    if added or changed or removed:
        ctx.bus.publish(Change(ChangeKind.BASELINE, ()))
    return result


def list_tps(ctx: AppContext, regency: str | None = None, kecamatan: str | None = None,
             desa: str | None = None, limit: int | None = None) -> list[TpsInfo]:
    stmt = select(Tps).order_by(Tps.desa_code, Tps.number)
    if regency is not None:
        stmt = stmt.where(Tps.regency_code == regency)
    if kecamatan is not None:
        stmt = stmt.where(Tps.kecamatan_code == kecamatan)
    if desa is not None:
        stmt = stmt.where(Tps.desa_code == desa)
    if limit is not None:
        stmt = stmt.limit(limit)
    with ctx.db.read() as s:
        return [TpsInfo(t.desa_code, t.number, t.kecamatan_code, t.regency_code, t.dpt,
                        t.address, t.latitude, t.longitude) for t in s.scalars(stmt)]


@dataclass(frozen=True)
class RegisterSummary:
    tps: int
    dpt: int
    by_regency: dict[str, tuple[int, int]]  # regency code -> (TPS, DPT)


def summary(ctx: AppContext) -> RegisterSummary:
    with ctx.db.read() as s:
        rows = s.execute(select(Tps.regency_code, func.count(), func.sum(Tps.dpt))
                         .group_by(Tps.regency_code).order_by(Tps.regency_code)).all()
    by = {r: (int(n), int(d or 0)) for r, n, d in rows}
    return RegisterSummary(sum(n for n, _d in by.values()), sum(d for _n, d in by.values()), by)
