"""The vulnerability baseline (issue 17, docs/kerawanan.md): Bawaslu's IKP per regency,
Bawaslu's TPS-rawan mapping (8 variables per TPS) and Polda's TPS classes, imported from
our templates. Each import is a version (`baseline_import`): the newest of a kind is
current, the older ones stay for history; importing the rows of the current version again
changes nothing. Every row is checked first (row and column named); any bad row refuses the
file with the database unchanged. One audit entry per import.
"""

from __future__ import annotations

import enum
import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from posko_desktop.core.baseline_codes import IKP_DIMENSION_CODES, TPS_VARIABLE_CODES, PoldaLevel
from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import (
    BaselineView,
    IkpLevel,
    KecamatanRawan,
    Level,
    RegencyBaselineView,
    RegencyLevel,
    worse_than_predicted,
)
from posko_desktop.core.db.models import Kecamatan, Regency
from posko_desktop.core.db.models_kerawanan import BaselineImport, IkpScore, Tps, TpsMark
from posko_desktop.core.domain import NotFoundError, ValidationError, check_text
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.reports.data import KerawananRow, KerawananSummary
from posko_desktop.core.services import audit, baseline_sync
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.reference import normalize_regency_code
from posko_desktop.core.services.tps_register import RowChecker, check_tps_key, desa_parents
from posko_desktop.core.spreadsheets.tables import (
    TableColumn,
    TableRowsError,
    float_cell,
    read_table,
    text_cell,
)

logger = logging.getLogger(__name__)

BATCH = 5000
LABEL_MAX = 120


class BaselineKind(enum.StrEnum):
    IKP = "ikp"
    TPS_RAWAN = "tps_rawan"
    POLDA = "polda"

    @property
    def label(self) -> str:
        return _(_KIND_LABELS[self])


_KIND_LABELS = {
    BaselineKind.IKP: N_("Bawaslu vulnerability index (IKP)"),
    BaselineKind.TPS_RAWAN: N_("Bawaslu TPS-rawan mapping"),
    BaselineKind.POLDA: N_("Polda TPS classes"),
}


# Bawaslu's IKP dimensions (template columns) and the TPS-rawan mapping's 8 variables
IKP_DIMENSIONS = {"sosial_politik": N_("Social and political context"),
                  "penyelenggaraan": N_("Election administration"),
                  "kontestasi": N_("Contestation"), "partisipasi": N_("Participation")}
TPS_VARIABLES = {"hak_pilih": N_("Use of the right to vote"), "keamanan": N_("Security and order"),
                 "politik_uang": N_("Money politics"), "sara": N_("Ethnicity, religion, race"),
                 "netralitas": N_("Neutrality"), "logistik": N_("Logistics"),
                 "lokasi_tps": N_("TPS location"),
                 "listrik_internet": N_("Electricity and internet")}
assert tuple(IKP_DIMENSIONS) == IKP_DIMENSION_CODES and tuple(TPS_VARIABLES) == TPS_VARIABLE_CODES
_YES = frozenset({"1", "x", "v", "ya", "y", "yes", "true", "✓", "√"})
_NO = frozenset({"", "0", "tidak", "t", "no", "n", "false", "-"})

IKP_COLUMNS = (
    TableColumn("regency_code", N_("Regency code"), True, N_("e.g. 33.01 or 3301.")),
    TableColumn("score", N_("IKP score"), True, N_("0 to 100.")),
    TableColumn("level", N_("IKP class"), True, N_("rendah, sedang or tinggi.")),
    *(TableColumn(k, v, False, N_("Score of the dimension, 0 to 100 (optional)."))
      for k, v in IKP_DIMENSIONS.items()),
)
TPS_KEY_COLUMNS = (
    TableColumn("desa_code", N_("Desa code"), True,
                N_("The Kemendagri code of the desa/kelurahan, e.g. 33.74.01.1001.")),
    TableColumn("tps_number", N_("TPS number"), True, N_("1, 2, 3 … within the desa.")),
)
TPS_RAWAN_COLUMNS = (
    *TPS_KEY_COLUMNS,
    *(TableColumn(k, v, False, N_("1, x or ya when the variable applies; empty or 0 when not."))
      for k, v in TPS_VARIABLES.items()),
)
POLDA_COLUMNS = (
    *TPS_KEY_COLUMNS,
    TableColumn("level", N_("Polda class"), True, N_("kurang rawan, rawan or sangat rawan.")),
)
COLUMNS_OF = {BaselineKind.IKP: IKP_COLUMNS, BaselineKind.TPS_RAWAN: TPS_RAWAN_COLUMNS,
              BaselineKind.POLDA: POLDA_COLUMNS}


@dataclass(frozen=True)
class ImportInfo:
    id: int
    kind: str
    label: str
    sha256: str
    rows: int
    current: bool
    imported_at: datetime
    imported_by: str


@dataclass(frozen=True)
class BaselineImportResult:
    version: ImportInfo
    new: bool  # False: the rows equal the current version's, nothing written


def _info(b: BaselineImport) -> ImportInfo:
    return ImportInfo(b.id, b.kind, b.label, b.sha256, b.rows, b.current, b.imported_at,
                      b.imported_by)


# --- reading the files -------------------------------------------------------------------


def _flag(check: RowChecker, number: int, key: str, value: Any) -> bool:
    text = text_cell(value).lower()
    if text in _YES:
        return True
    if text not in _NO:
        check.add(number, key, N_("{value} is neither yes (1, x, ya) nor no (empty, 0)"),
                  value=text_cell(value))
    return False


def _enum_cell(check: RowChecker, number: int, key: str, value: Any,
               kind: type[enum.StrEnum]) -> str | None:
    text = "_".join(text_cell(value).lower().replace("-", " ").split())
    try:
        return kind(text).value
    except ValueError:
        check.add(number, key, N_("{value} is not one of: {allowed}"), value=text_cell(value),
                  allowed=", ".join(k.value.replace("_", " ") for k in kind))
        return None


def _ikp_rows(s: Session, path: str | Path) -> tuple[str, list[dict[str, Any]]]:
    table = read_table(path, IKP_COLUMNS)
    check = RowChecker(IKP_COLUMNS)
    known = set(s.scalars(select(Regency.code)))
    seen: dict[str, int] = {}
    out = []
    for number, raw in table.rows:
        code = normalize_regency_code(text_cell(raw.get("regency_code")))
        if code is None or code not in known:
            check.add(number, "regency_code", N_("Unknown regency code {code}"),
                      code=text_cell(raw.get("regency_code")))
        elif code in seen:
            check.add(number, "regency_code", N_("The same regency as row {row}"),
                      row=seen[code])
            code = None
        score = check.cell(number, "score", float_cell, raw.get("score"), 0.0, 100.0)
        level = _enum_cell(check, number, "level", raw.get("level"), IkpLevel)
        dims = {}
        for dim in IKP_DIMENSIONS:
            value = check.cell(number, dim, float_cell, raw.get(dim), 0.0, 100.0, False)
            if value is not None:
                dims[dim] = value
        if code is None or score is None or level is None:
            continue
        seen[code] = number
        out.append({"regency_code": code, "score": score, "level": level, "dimensions": dims})
    if check.problems:
        raise TableRowsError(table.name, check.problems)
    return table.name, sorted(out, key=lambda r: r["regency_code"])


def _tps_rows(s: Session, path: str | Path, kind: BaselineKind) -> tuple[str, list[dict[str, Any]]]:
    columns = COLUMNS_OF[kind]
    table = read_table(path, columns)
    check = RowChecker(columns)
    parents = desa_parents(s)
    registered: dict[str, set[int]] = {}
    for desa, number_ in s.execute(select(Tps.desa_code, Tps.number)):
        registered.setdefault(desa, set()).add(number_)
    seen: dict[tuple[str, int], int] = {}
    out = []
    for number, raw in table.rows:
        key = check_tps_key(check, number, raw, parents)
        variables: list[str] = []
        level: str | None = None
        if kind is BaselineKind.TPS_RAWAN:
            variables = [v for v in TPS_VARIABLES if _flag(check, number, v, raw.get(v))]
        else:
            level = _enum_cell(check, number, "level", raw.get("level"), PoldaLevel)
            if level is None:
                continue
        if key is None:
            continue
        held = registered.get(key[0])
        if held and key[1] not in held:
            check.add(number, "tps_number", N_("Desa {desa} has no TPS {number} in the TPS "
                                               "register (it has {count})"),
                      desa=key[0], number=key[1], count=len(held))
            continue
        if key in seen:
            check.add(number, "tps_number", N_("The same TPS as row {row}"), row=seen[key])
            continue
        seen[key] = number
        kec = parents[key[0]]
        out.append({"desa_code": key[0], "tps_number": key[1], "kecamatan_code": kec,
                    "regency_code": kec[:5], "variables": variables, "level": level})
    if check.problems:
        raise TableRowsError(table.name, check.problems)
    return table.name, sorted(out, key=lambda r: (r["desa_code"], r["tps_number"]))


# --- import ------------------------------------------------------------------------------


def import_baseline(ctx: AppContext, kind: str, path: str | Path,
                    label: str = "") -> BaselineImportResult:
    """Import a baseline file of `kind` (ikp, tps_rawan, polda) as a new version: its rows
    replace those of the regencies it names (the others stay as they were); the same rows
    again change nothing. The sheets of those regencies' areas go out by sync
    (`baseline_sync`); a regency site imports only its own regency, never the IKP."""
    require(ctx.actor, Permission.REFERENCE_MANAGE)
    try:
        kind_ = BaselineKind(kind)
    except ValueError:
        raise ValidationError(N_("Unknown baseline kind {value}"), field="kind",
                              value=kind) from None
    label = check_text(" ".join(label.split()), "label")[:LABEL_MAX]
    now = ctx.now()
    with ctx.db.write() as s:
        name, rows = (_ikp_rows(s, path) if kind_ is BaselineKind.IKP
                      else _tps_rows(s, path, kind_))
        regencies = {r["regency_code"] for r in rows}
        baseline_sync.check_author(s, kind_.value, regencies)
        areas = (regencies if kind_ is BaselineKind.IKP
                 else set(baseline_sync.kecamatan_of(s, regencies)))
        version, current = replace_areas(s, ctx, kind_.value, areas, rows,
                                         label or name[:LABEL_MAX], now, via=name)
        # also when the version is unchanged: rows imported before the sheets existed
        baseline_sync.publish_marks(s, ctx, kind_.value, regencies, rows, name, now)
        if version is None:
            assert current is not None
            logger.info("Baseline %s from %s equals version %s: nothing imported", kind_, name,
                        current.id)
            return BaselineImportResult(_info(current), False)
        info = _info(version)
    logger.info("Baseline %s imported from %s: version %s, %d rows", kind_, name, info.id,
                info.rows)
    ctx.bus.publish(Change(ChangeKind.BASELINE, (str(info.id),)))
    return BaselineImportResult(info, True)


def _area_of(kind: str, row: dict[str, Any]) -> str:
    return str(row["regency_code"] if kind == BaselineKind.IKP else row["kecamatan_code"])


def _sort_key(kind: str) -> Any:
    if kind == BaselineKind.IKP:
        return lambda r: r["regency_code"]
    return lambda r: (r["desa_code"], r["tps_number"])


def replace_areas(s: Session, ctx: AppContext, kind: str, areas: set[str],
                  rows: list[dict[str, Any]], label: str, now: datetime,
                  via: str) -> tuple[BaselineImport | None, BaselineImport | None]:
    """A new current version of `kind` in which `rows` replace the current version's rows
    of `areas` (regency codes for the IKP, kecamatan codes else); (None, current) when it
    equals the current version. Audited; inside the caller's transaction."""
    current = s.scalar(select(BaselineImport).where(BaselineImport.kind == kind,
                                                    BaselineImport.current.is_(True)))
    kept = [] if current is None else [
        r for r in version_rows_in(s, current) if _area_of(kind, r) not in areas]
    merged = sorted([*kept, *rows], key=_sort_key(kind))
    digest = hashlib.sha256(orjson.dumps(merged, option=orjson.OPT_SORT_KEYS)).hexdigest()
    if current is not None and current.sha256 == digest:
        return None, current
    s.execute(update(BaselineImport).where(BaselineImport.kind == kind).values(current=False))
    version = BaselineImport(kind=kind, label=label[:LABEL_MAX], sha256=digest,
                             rows=len(merged), current=True, imported_at=now,
                             imported_by=ctx.actor.username)
    s.add(version)
    s.flush()
    model = IkpScore if kind == BaselineKind.IKP else TpsMark
    for i in range(0, len(merged), BATCH):
        s.execute(insert(model), [{"import_id": version.id, **r} for r in merged[i:i + BATCH]])
    audit.record(s, ctx.actor, "baseline.import", "baseline_import", str(version.id),
                 before={"current": current.id} if current is not None else None,
                 after={"kind": kind, "file": via, "label": version.label,
                        "rows": len(merged), "areas": len(areas), "sha256": digest}, at=now)
    return version, current


def list_imports(ctx: AppContext, kind: str | None = None) -> list[ImportInfo]:
    """Every version, newest first."""
    stmt = select(BaselineImport).order_by(BaselineImport.id.desc())
    if kind is not None:
        stmt = stmt.where(BaselineImport.kind == kind)
    with ctx.db.read() as s:
        return [_info(b) for b in s.scalars(stmt)]


# --- what the baseline says ----------------------------------------------------------------


@dataclass(frozen=True)
class RegencyBaseline:
    code: str
    ikp_score: float | None
    ikp_level: str | None  # IkpLevel
    tps: int  # TPS in the register
    tps_rawan: int  # Bawaslu: TPS with at least one variable
    polda_rawan: int  # Polda: rawan
    polda_sangat_rawan: int  # Polda: sangat rawan
    variables: dict[str, int]  # Bawaslu variable -> TPS


@dataclass(frozen=True)
class KecamatanBaseline:
    code: str
    regency_code: str
    tps_rawan: int
    polda_rawan: int
    polda_sangat_rawan: int


@dataclass(frozen=True)
class BaselineSummary:
    versions: dict[str, ImportInfo]  # kind -> current version
    regencies: dict[str, RegencyBaseline]  # all 35 codes
    kecamatan: list[KecamatanBaseline]  # those with a rawan TPS (either source)


def _current(s: Session) -> dict[str, BaselineImport]:
    return {b.kind: b for b in s.scalars(select(BaselineImport)
                                         .where(BaselineImport.current.is_(True)))}


# The marks of a version never change after its import, and its sha256 covers every row
# (desa, TPS, kecamatan, regency, variables, class): their counts are kept per content, so
# a dashboard refresh does not count 58,000 marks again (~45 ms; docs/decisions.md).
_MARK_COUNTS: dict[tuple[str, str, int], Counter[tuple[str, str, str | None]]] = {}
MARK_COUNTS_KEPT = 8


def _mark_counts(s: Session, version: BaselineImport) -> Counter[tuple[str, str, str | None]]:
    """(kecamatan, regency, Polda class or None) -> TPS of a TPS-rawan version with at
    least one variable, or of a Polda version per class."""
    key = (version.kind, version.sha256, version.rows)
    held = _MARK_COUNTS.get(key)
    if held is not None:
        return held
    stmt = (select(TpsMark.kecamatan_code, TpsMark.regency_code, TpsMark.level, func.count())
            .where(TpsMark.import_id == version.id)
            .group_by(TpsMark.regency_code, TpsMark.kecamatan_code, TpsMark.level))
    if version.kind == BaselineKind.TPS_RAWAN:  # no class; rawan: at least one variable
        stmt = stmt.where(func.json_array_length(TpsMark.variables) > 0)
    held = Counter({(kec, regency, level): n for kec, regency, level, n in s.execute(stmt)})
    if len(_MARK_COUNTS) >= MARK_COUNTS_KEPT:
        _MARK_COUNTS.clear()
    _MARK_COUNTS[key] = held
    return held


def summary_in(s: Session, with_variables: bool = True) -> BaselineSummary:
    """The current versions' counts per regency and per kecamatan (inside a session),
    counted by the database; `with_variables`: also the TPS per Bawaslu variable (the
    dashboard does without: reading every mark's variables costs ~0.3 s at 58,000 TPS)."""
    current = _current(s)
    ikp: dict[str, IkpScore] = {}
    if BaselineKind.IKP in current:
        ikp = {r.regency_code: r for r in s.scalars(
            select(IkpScore).where(IkpScore.import_id == current[BaselineKind.IKP].id))}
    tps: Counter[str] = Counter(dict(s.execute(
        select(Tps.regency_code, func.count()).group_by(Tps.regency_code)).all()))
    rawan: Counter[str] = Counter()
    kec_rawan: Counter[tuple[str, str]] = Counter()
    variables: dict[str, Counter[str]] = {}
    if BaselineKind.TPS_RAWAN in current:
        version = current[BaselineKind.TPS_RAWAN]
        for (kec, regency, _level), n in _mark_counts(s, version).items():
            rawan[regency] += n
            kec_rawan[(kec, regency)] += n
        if with_variables:
            for regency, vars_ in s.execute(
                    select(TpsMark.regency_code, TpsMark.variables)
                    .where(TpsMark.import_id == version.id,
                           func.json_array_length(TpsMark.variables) > 0)):
                variables.setdefault(regency, Counter()).update(vars_)
    polda: Counter[tuple[str, str | None]] = Counter()
    kec_polda: Counter[tuple[str, str, str | None]] = Counter()
    if BaselineKind.POLDA in current:
        for (kec, regency, level), n in _mark_counts(s, current[BaselineKind.POLDA]).items():
            polda[(regency, level)] += n
            kec_polda[(kec, regency, level)] += n
    regencies = {}
    for code in s.scalars(select(Regency.code).order_by(Regency.code)):
        row = ikp.get(code)
        regencies[code] = RegencyBaseline(
            code, row.score if row else None, row.level if row else None, tps[code],
            rawan[code], polda[(code, PoldaLevel.RAWAN.value)],
            polda[(code, PoldaLevel.SANGAT_RAWAN.value)], dict(variables.get(code, {})))
    kec_codes = sorted({k for k in kec_rawan} | {(k, r) for k, r, _l in kec_polda})
    kecamatan = [KecamatanBaseline(k, r, kec_rawan[(k, r)],
                                   kec_polda[(k, r, PoldaLevel.RAWAN.value)],
                                   kec_polda[(k, r, PoldaLevel.SANGAT_RAWAN.value)])
                 for k, r in kec_codes]
    return BaselineSummary({k: _info(v) for k, v in current.items()}, regencies, kecamatan)


def baseline_summary(ctx: AppContext) -> BaselineSummary:
    with ctx.db.read() as s:
        return summary_in(s)


def ikp_levels(s: Session) -> dict[str, str]:
    """regency code -> IKP class of the current IKP version (none imported: empty)."""
    current = _current(s).get(BaselineKind.IKP)
    if current is None:
        return {}
    return {code: level for code, level in s.execute(
        select(IkpScore.regency_code, IkpScore.level).where(IkpScore.import_id == current.id))}


def version_rows_in(s: Session, b: BaselineImport) -> list[dict[str, Any]]:
    """The rows of one version as stored (with their kecamatan and regency)."""
    if b.kind == BaselineKind.IKP:
        return [{"regency_code": r.regency_code, "score": r.score, "level": r.level,
                 "dimensions": r.dimensions} for r in s.scalars(
            select(IkpScore).where(IkpScore.import_id == b.id)
            .order_by(IkpScore.regency_code))]
    return [{"desa_code": r.desa_code, "tps_number": r.tps_number,
             "kecamatan_code": r.kecamatan_code, "regency_code": r.regency_code,
             "variables": r.variables, "level": r.level} for r in s.scalars(
        select(TpsMark).where(TpsMark.import_id == b.id)
        .order_by(TpsMark.desa_code, TpsMark.tps_number))]


def version_rows(ctx: AppContext, version_id: int) -> list[dict[str, Any]]:
    """The rows of one version (history), as imported."""
    with ctx.db.read() as s:
        b = s.get(BaselineImport, version_id)
        if b is None:
            raise NotFoundError(N_("Baseline version {id} not found"), id=version_id)
        rows = version_rows_in(s, b)
    if b.kind == BaselineKind.IKP:
        return rows
    return [{k: r[k] for k in ("desa_code", "tps_number", "variables", "level")} for r in rows]


def view_in(s: Session, levels: dict[str, Level], kecamatan_top: int = 20) -> BaselineView:
    """The baseline beside the current situation levels (regency code -> level)."""
    b = summary_in(s, with_variables=False)
    regencies = {}
    for code, r in b.regencies.items():
        ikp = IkpLevel(r.ikp_level) if r.ikp_level else None
        level = levels.get(code)
        regencies[code] = RegencyBaselineView(
            code, ikp, r.ikp_score, r.tps, r.tps_rawan, r.polda_rawan + r.polda_sangat_rawan,
            level is not None and worse_than_predicted(level, ikp))
    names = {k: n for k, n in s.execute(select(Kecamatan.code, Kecamatan.name))}
    kec = sorted(b.kecamatan, key=lambda k: (-(k.tps_rawan + k.polda_rawan
                                               + k.polda_sangat_rawan), k.code))
    return BaselineView(regencies, [
        KecamatanRawan(k.code, names.get(k.code, k.code), k.regency_code, k.tps_rawan,
                       k.polda_rawan + k.polda_sangat_rawan) for k in kec[:kecamatan_top]],
        bool(b.versions))


def kerawanan_of(ctx: AppContext, levels: dict[str, RegencyLevel], regency: str | None,
                 names: dict[str, str], limit: int = 12) -> KerawananSummary:
    """The reports' Kerawanan paragraph and table for the scope (a regency, or the
    province) beside the situation `levels` of the report."""
    with ctx.db.read() as s:
        view = view_in(s, {c: v.level for c, v in levels.items()})
        b = summary_in(s)
    scope = [c for c in view.regencies if regency is None or c == regency]
    regs = [view.regencies[c] for c in scope]
    by_class = Counter(r.ikp for r in regs)
    rows = sorted((r for r in regs if r.worse or r.ikp is IkpLevel.TINGGI),
                  key=lambda r: (not r.worse, -r.tps_rawan, r.code))[:limit]
    return KerawananSummary(
        view.imported,
        (by_class[IkpLevel.RENDAH], by_class[IkpLevel.SEDANG], by_class[IkpLevel.TINGGI]),
        sum(r.tps for r in regs), sum(r.tps_rawan for r in regs),
        sum(b.regencies[c].polda_rawan for c in scope),
        sum(b.regencies[c].polda_sangat_rawan for c in scope),
        tuple(names.get(r.code, r.code) for r in regs if r.worse),
        tuple(KerawananRow(names.get(r.code, r.code), r.ikp.value if r.ikp else None,
                           r.tps_rawan, r.polda_rawan, levels[r.code].level.value
                           if r.code in levels else Level.KONDUSIF.value, r.worse)
              for r in rows))
