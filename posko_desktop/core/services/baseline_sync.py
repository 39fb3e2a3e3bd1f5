"""The TPS register and the vulnerability baseline between sites (issue 17; docs/
kerawanan.md "Between sites"): the current rows of every area live in a *sheet* that syncs
(`db/models_baseline_sync.py`; a kecamatan for the TPS register, TPS-rawan and Polda, a
regency for the IKP). A file imported here writes the sheets of the areas it covers; a
sheet changed by a sync import (or a resolved conflict) is written back into the tables the
app reads: the `tps` rows of its kecamatan, or a new version of its baseline kind in which
the changed areas' rows replace the older ones (the older version stays for history).

Who may author what: the province every sheet; a regency site the TPS register, TPS-rawan
and Polda sheets of its own regency (its own TPS list, its Bawaslu's and Polres's
mapping); the IKP (Bawaslu RI's index of every regency) only the province. A local import
outside that is refused before anything is written; a package that carries such a change
is refused by `sync/baseline_checks.py`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext, local_site, new_stamps
from posko_desktop.core.db.models import Kecamatan
from posko_desktop.core.db.models_baseline_sync import IkpSheet, PoldaSheet, TpsRawanSheet, TpsSheet
from posko_desktop.core.db.models_kerawanan import Tps
from posko_desktop.core.domain import PROVINCE_CODE, PermissionDenied
from posko_desktop.core.i18n import N_

logger = logging.getLogger(__name__)

# baseline kind (services/baseline.BaselineKind values) -> sheet model
SHEET_OF = {"ikp": IkpSheet, "tps_rawan": TpsRawanSheet, "polda": PoldaSheet}
KIND_OF_SHEET = {IkpSheet: "ikp", TpsRawanSheet: "tps_rawan", PoldaSheet: "polda"}
LABEL_MAX = 120


def check_author(s: Session, kind: str, regencies: Iterable[str]) -> None:
    """Refuse a local import this site may not author (before anything is written)."""
    site = local_site(s).code
    if site == PROVINCE_CODE:
        return
    if kind == "ikp":
        raise PermissionDenied(N_("Only the province imports the IKP; a regency site "
                                  "receives it by sync"))
    others = sorted(set(regencies) - {site})
    if others:
        raise PermissionDenied(N_("Site {site} imports only the rows of its own regency; the "
                                  "file names {others}"), site=site,
                               others=", ".join(others[:5]))


def kecamatan_of(s: Session, regencies: Iterable[str]) -> list[str]:
    wanted = set(regencies)
    return [k for k, r in s.execute(select(Kecamatan.code, Kecamatan.regency_code)
                                     .order_by(Kecamatan.code)) if r in wanted]


def _write_sheets(s: Session, ctx: AppContext, model: Any, rows_of: dict[str, list[Any]],
                  label: str, now: datetime) -> int:
    """Stamp `rows` (and `label`) of the sheets whose rows differ; the number changed.
    Core statements: a province-wide file changes all 576 sheets of a kind at once."""
    table = model.__table__
    areas = sorted(rows_of)
    changes: list[dict[str, Any]] = []
    for i in range(0, len(areas), 500):
        for sid, area, rows, stamps in s.connection().execute(
                select(table.c.id, table.c.area, table.c.rows, table.c.field_stamps)
                .where(table.c.area.in_(areas[i:i + 500]))).all():
            if rows != rows_of[area]:
                changes.append({"b_id": sid, "rows": rows_of[area], "field_stamps": stamps})
    if not changes:
        return 0
    # a file name may hold characters a receiver refuses in a text: keep the printable ones
    label = "".join(ch for ch in label if ch.isprintable())[:LABEL_MAX]
    for change, stamp in zip(changes, new_stamps(s, now, len(changes)), strict=True):
        change.update(label=label, mod_stamp=stamp, updated_at=now,
                      updated_by=ctx.actor.username,
                      field_stamps={**change["field_stamps"], "rows": stamp, "label": stamp})
    s.connection().execute(update(table).where(table.c.id == bindparam("b_id")), changes)
    return len(changes)


# --- from local imports into the sheets ------------------------------------------------


def publish_tps(s: Session, ctx: AppContext, kecamatan: Iterable[str], label: str,
                now: datetime) -> int:
    """The sheets of `kecamatan` take the `tps` rows this site now holds for them."""
    wanted = sorted(set(kecamatan))
    rows_of: dict[str, list[Any]] = {k: [] for k in wanted}
    conn = s.connection()  # Core rows: 58,000 of them for the province's file
    for i in range(0, len(wanted), 500):
        for kec, desa, number, dpt, address, lat, lon in conn.execute(
                select(Tps.kecamatan_code, Tps.desa_code, Tps.number, Tps.dpt, Tps.address,
                       Tps.latitude, Tps.longitude)
                .where(Tps.kecamatan_code.in_(wanted[i:i + 500]))
                .order_by(Tps.desa_code, Tps.number)).all():
            rows_of[kec].append([desa, number, dpt, address, lat, lon])
    return _write_sheets(s, ctx, TpsSheet, rows_of, label, now)


def sheet_row(kind: str, row: dict[str, Any]) -> list[Any]:
    """A version row (services/baseline.py) as a sheet row."""
    if kind == "ikp":
        return [row["score"], row["level"], row["dimensions"]]
    return [row["desa_code"], row["tps_number"],
            row["variables"] if kind == "tps_rawan" else row["level"]]


def version_row(kind: str, area: str, row: list[Any]) -> dict[str, Any]:
    """A sheet row of `area` as a version row."""
    if kind == "ikp":
        return {"regency_code": area, "score": row[0], "level": row[1], "dimensions": row[2]}
    return {"desa_code": row[0], "tps_number": row[1], "kecamatan_code": area,
            "regency_code": area[:5], "variables": row[2] if kind == "tps_rawan" else [],
            "level": row[2] if kind == "polda" else None}


def publish_marks(s: Session, ctx: AppContext, kind: str, regencies: Iterable[str],
                  rows: list[dict[str, Any]], label: str, now: datetime) -> int:
    """The sheets of every area of `regencies` take the file's rows (none: emptied)."""
    areas = sorted(set(regencies)) if kind == "ikp" else kecamatan_of(s, regencies)
    rows_of: dict[str, list[Any]] = {a: [] for a in areas}
    for row in rows:
        area = row["regency_code"] if kind == "ikp" else row["kecamatan_code"]
        rows_of[area].append(sheet_row(kind, row))
    return _write_sheets(s, ctx, SHEET_OF[kind], rows_of, label, now)


# --- from changed sheets into the tables the app reads ---------------------------------


def tps_applied(s: Session, _ctx: AppContext, sheets: list[Any], _now: datetime) -> None:
    """The `tps` rows of each changed kecamatan become its sheet's rows."""
    by_area = {sheet.area: sheet.rows for sheet in sheets}
    areas = sorted(by_area)
    for i in range(0, len(areas), 500):
        s.execute(delete(Tps).where(Tps.kecamatan_code.in_(areas[i:i + 500])))
    fresh = [{"desa_code": r[0], "number": r[1], "kecamatan_code": area,
              "regency_code": area[:5], "dpt": r[2], "address": r[3], "latitude": r[4],
              "longitude": r[5]} for area, rows in by_area.items() for r in rows]
    conn, table = s.connection(), Tps.__table__  # Core: no ORM bookkeeping per row
    for i in range(0, len(fresh), 5000):
        conn.execute(insert(table), fresh[i:i + 5000])
    logger.info("TPS register: %d kecamatan taken from sync, %d TPS", len(areas), len(fresh))


def marks_applied(s: Session, ctx: AppContext, sheets: list[Any], now: datetime) -> None:
    """A new version of the sheets' baseline kind: the changed areas' rows replace the
    current version's rows of those areas."""
    from posko_desktop.core.services import baseline  # baseline imports this module

    by_kind: dict[str, dict[str, list[Any]]] = defaultdict(dict)
    for sheet in sheets:
        by_kind[KIND_OF_SHEET[type(sheet)]][sheet.area] = sheet.rows
    for kind, rows_of in by_kind.items():
        fresh = [version_row(kind, area, r) for area, rows in rows_of.items() for r in rows]
        labels = sorted({sheet.label for sheet in sheets if sheet.label})
        baseline.replace_areas(s, ctx, kind, set(rows_of), fresh,
                               "; ".join(labels) or "sync", now, via="sync")
