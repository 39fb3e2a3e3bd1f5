"""Stage progress on voting day and after, per regency (issue 17): logistics at the TPS,
voting (TPS reporting of all), PSU/PSL/PSS held of needed, the tally (rekapitulasi) at the
kecamatan, the regency/city and the province, disputes at the Constitutional Court.

Each report is a record that syncs (`sync.kinds.STAGE_REPORTS`; the activity service's
shape): "done of total" for one regency and stage as of a time. Reports are kept, never
overwritten, so two sites that report the same stage never clash and the day's history
stays (the sitrep shows the board as of its period's end); the board takes, per regency
and stage, the newest report by `as_of` (then by id: the same on every site).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.db.models import Kecamatan, Regency
from posko_desktop.core.db.models_records import StageReport
from posko_desktop.core.domain import (
    NotFoundError,
    PermissionDenied,
    PoskoError,
    ProgressStage,
    TransitionError,
    ValidationError,
    check_text,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.reports.stage_table import stage_cell_text
from posko_desktop.core.services import audit, synced_records
from posko_desktop.core.services.authz import Permission, can, require
from posko_desktop.core.services.edit_versions import check_synced_version, synced_version
from posko_desktop.core.services.reference import RegencyInfo, normalize_regency_code, regencies
from posko_desktop.core.services.synced_records import next_number
from posko_desktop.core.sync.kinds import STAGE_REPORTS
from posko_desktop.core.timeutil import ensure_utc

logger = logging.getLogger(__name__)

NOTE_MAX = 2000
COUNT_MAX = 100_000  # the largest regency has ~5,000 TPS
AHEAD = timedelta(days=1)
EDITABLE_FIELDS = ("as_of", "done", "total", "note")
assert set(STAGE_REPORTS.fields) == {"regency", "stage", "as_of", "counts", "note", "deleted"}


@dataclass
class StageReportInput:
    """What a person reports. `as_of`: aware, or naive meaning WIB wall time. `total`
    None: 1 for a yes/no stage, the regency's kecamatan for the kecamatan tally, else the
    total of the newest earlier report of the same regency and stage."""

    regency: str
    stage: str
    as_of: datetime
    done: int
    total: int | None = None
    note: str = ""


@dataclass(frozen=True)
class StageReportInfo:
    id: uuid.UUID
    number: str
    origin_site: str
    regency: str
    stage: str
    as_of: datetime  # UTC
    done: int
    total: int
    note: str
    recorded_by: str
    created_at: datetime
    updated_at: datetime
    updated_by: str
    deleted: bool
    version: str  # docs/contributing.md, "Optimistic version check on update"

    @property
    def complete(self) -> bool:
        """Nothing left to do: all done (a stage with nothing needed, 0 of 0, too)."""
        return self.done >= self.total


_STALE = N_("Stage report {number} was changed by {name} at {time} since you opened it; "
            "your change was not saved.")


def _info(r: StageReport) -> StageReportInfo:
    return StageReportInfo(r.id, r.number, r.origin_site, r.regency, r.stage, r.as_of,
                           r.counts[0], r.counts[1], r.note, r.recorded_by, r.created_at,
                           r.updated_at, r.updated_by, r.deleted, synced_version(r))


def _snapshot(r: StageReport) -> dict[str, Any]:
    return {"as_of": r.as_of, "done": r.counts[0], "total": r.counts[1], "note": r.note,
            "deleted": r.deleted}


# --- validation ----------------------------------------------------------------------------


def _regency(s: Session, text: str) -> str:
    code = normalize_regency_code(str(text))
    if code is None or s.get(Regency, code) is None:
        raise ValidationError(N_("Unknown regency code {code}"), field="regency", code=text)
    return code


def _stage(text: str) -> ProgressStage:
    try:
        return ProgressStage(str(text).strip().lower())
    except ValueError:
        raise ValidationError(N_("Unknown stage {value}; choose one of {choices}"),
                              field="stage", value=text,
                              choices=", ".join(st.value for st in ProgressStage)) from None


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= COUNT_MAX:
        raise ValidationError(N_("{name} must be a whole number from 0 to {max}"), field=name,
                              name=name, max=COUNT_MAX)
    return value


def _default_total(s: Session, regency: str, stage: ProgressStage, before: datetime) -> int:
    if stage.yes_no:
        return 1
    if stage is ProgressStage.REKAP_KECAMATAN:
        n = s.scalar(select(func.count()).select_from(Kecamatan)
                     .where(Kecamatan.regency_code == regency))
        if n:
            return int(n)
    earlier = s.scalars(select(StageReport).where(
        StageReport.regency == regency, StageReport.stage == stage.value,
        StageReport.deleted.is_(False), StageReport.as_of <= before)
        .order_by(StageReport.as_of.desc(), StageReport.id.desc()).limit(1)).first()
    if earlier is None:
        raise ValidationError(N_("Give the total for the first report of {stage}"),
                              field="total", stage=stage.label)
    return int(earlier.counts[1])


def _validate(s: Session, stage: ProgressStage, values: Mapping[str, Any], now: datetime,
              regency: str) -> dict[str, Any]:
    """`as_of`, `counts` and `note` in their stored form, or ValidationError naming the
    field. The time lies between 2020 and a day from now."""
    as_of = ensure_utc(values["as_of"])
    if as_of > now + AHEAD:
        raise ValidationError(N_("The time lies more than a day ahead"), field="as_of")
    if as_of.year < 2020:
        raise ValidationError(N_("The time lies before 2020"), field="as_of")
    done = _count(values["done"], "done")
    total = values["total"]
    total = _default_total(s, regency, stage, as_of) if total is None else _count(total, "total")
    if stage.yes_no and total != 1:
        raise ValidationError(N_("{stage} is yes or no: done 1 or 0 of 1"), field="total",
                              stage=stage.label)
    if done > total:
        raise ValidationError(N_("Done ({done}) is more than the total ({total})"),
                              field="done", done=done, total=total)
    note = check_text(str(values["note"] or "").strip(), "note", multiline=True)
    if len(note) > NOTE_MAX:
        raise ValidationError(N_("At most {max} characters"), field="note", max=NOTE_MAX)
    return {"as_of": as_of, "counts": [done, total], "note": note}


def _get(s: Session, report_id: uuid.UUID) -> StageReport:
    r = s.get(StageReport, report_id)
    if r is None:
        raise NotFoundError(N_("Stage report {id} not found"), id=str(report_id))
    return r


def _audit_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def _stamp(r: StageReport, names: list[str], ctx: AppContext, s: Session, now: datetime) -> None:
    stamp = new_stamp(s, now)
    r.field_stamps = {**r.field_stamps, **dict.fromkeys(names, stamp)}
    r.mod_stamp, r.updated_at, r.updated_by = stamp, now, ctx.actor.username


# --- commands ------------------------------------------------------------------------------


def _insert(ctx: AppContext, s: Session, regency: str, stage: ProgressStage,
            values: dict[str, Any], now: datetime, **audit_extra: Any) -> StageReportInfo:
    site = local_site(s)
    stamp = new_stamp(s, now)
    r = StageReport(id=uuid7(), number=next_number(s, StageReport, "TAH", site.code, now.year),
                    origin_site=site.code, recorded_by=ctx.actor.username, created_at=now,
                    updated_at=now, updated_by=ctx.actor.username, mod_stamp=stamp,
                    field_stamps=dict.fromkeys(STAGE_REPORTS.fields, stamp), deleted=False,
                    regency=regency, stage=stage.value, **values)
    s.add(r)
    s.flush()
    audit.record(s, ctx.actor, "progress.report", "stage_report", str(r.id), before=None,
                 after={"number": r.number, "regency": regency, "stage": stage.value,
                        **audit_extra, **_audit_values(values)}, at=now)
    return _info(r)


def _checked(s: Session, data: StageReportInput,
             now: datetime) -> tuple[str, ProgressStage, dict[str, Any]]:
    stage = _stage(data.stage)
    regency = _regency(s, data.regency)
    values = _validate(s, stage, {"as_of": data.as_of, "done": data.done, "total": data.total,
                                  "note": data.note}, now, regency)
    return regency, stage, values


def report_stage(ctx: AppContext, data: StageReportInput) -> StageReportInfo:
    """Record where a regency's stage stands (`posko progress set`)."""
    require(ctx.actor, Permission.PROGRESS_RECORD)
    now = ctx.now()
    with ctx.db.write() as s:
        info = _insert(ctx, s, *_checked(s, data, now), now)
    logger.info("Stage report %s: %s %s %d/%d", info.number, info.regency, info.stage,
                info.done, info.total)
    ctx.bus.publish(Change(ChangeKind.STAGE_PROGRESS, (str(info.id),)))
    return info


def update_report(ctx: AppContext, report_id: uuid.UUID, changes: Mapping[str, Any], *,
                  expected_version: str | None = None) -> StageReportInfo:
    """Correct a report: only the fields given (`as_of`, `done`, `total`, `note`); a
    change since `expected_version` refuses the save (StaleEdit, nothing written)."""
    require(ctx.actor, Permission.PROGRESS_RECORD)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(N_("{name} is not an editable field"), field=unknown[0],
                              name=unknown[0])
    now = ctx.now()
    with ctx.db.write() as s:
        r = _get(s, report_id)
        check_synced_version(s, r, expected_version, r.number, _STALE, _snapshot(r),
                             number=r.number)
        if r.origin_site != local_site(s).code and not can(ctx.actor, Permission.PROGRESS_MANAGE):
            raise PermissionDenied(N_("Stage report {number} was recorded at site {site}; "
                                      "only a supervisor may change it here"),
                                   number=r.number, site=r.origin_site)
        if r.deleted:
            raise TransitionError(N_("Stage report {number} is deleted; restore it first"),
                                  number=r.number)
        current = {"as_of": r.as_of, "done": r.counts[0], "total": r.counts[1], "note": r.note}
        values = _validate(s, ProgressStage(r.stage), {**current, **changes}, now, r.regency)
        changed = {k: v for k, v in values.items() if getattr(r, k) != v}
        if not changed:
            return _info(r)
        before = {k: getattr(r, k) for k in changed}
        for name, value in changed.items():
            setattr(r, name, value)
        _stamp(r, list(changed), ctx, s, now)
        audit.record(s, ctx.actor, "progress.update", "stage_report", str(r.id),
                     before=_audit_values(before), after=_audit_values(changed), at=now,
                     detail="base {v}".format(v=expected_version) if expected_version else "")
        info = _info(r)
    ctx.bus.publish(Change(ChangeKind.STAGE_PROGRESS, (str(report_id),)))
    return info


def set_deleted(ctx: AppContext, report_id: uuid.UUID, deleted: bool, reason: str = "", *,
                expected_version: str | None = None) -> StageReportInfo:
    """Delete (a tombstone that syncs like any edit) or restore; supervisors only."""
    require(ctx.actor, Permission.PROGRESS_MANAGE)
    reason = check_text((reason or "").strip(), "reason", multiline=True)
    now = ctx.now()
    with ctx.db.write() as s:
        r = _get(s, report_id)
        check_synced_version(s, r, expected_version, r.number, _STALE, _snapshot(r),
                             number=r.number)
        if r.deleted == deleted:
            return _info(r)
        r.deleted = deleted
        _stamp(r, ["deleted"], ctx, s, now)
        audit.record(s, ctx.actor, "progress.delete" if deleted else "progress.restore",
                     "stage_report", str(r.id), before={"deleted": not deleted},
                     after={"deleted": deleted, "reason": reason}, at=now)
        info = _info(r)
    ctx.bus.publish(Change(ChangeKind.STAGE_PROGRESS, (str(report_id),)))
    return info


@dataclass(frozen=True)
class RowError:
    """A refused row of a batch (the XLSX import): its number in the file and why."""

    row: int
    error: PoskoError


@dataclass(frozen=True)
class BatchResult:
    recorded: tuple[StageReportInfo, ...]
    known_rows: tuple[int, ...]  # rows equal to a report held already: skipped
    errors: tuple[RowError, ...]  # not empty: nothing was written


def _held(s: Session, regency: str, stage: ProgressStage, values: dict[str, Any]) -> bool:
    """A live report with the same time and counts is held already."""
    return any(counts == values["counts"] for counts in s.scalars(
        select(StageReport.counts).where(
            StageReport.regency == regency, StageReport.stage == stage.value,
            StageReport.as_of == values["as_of"], StageReport.deleted.is_(False))))


class _Refused(Exception):
    """Rolls the batch's transaction back."""


def report_many(ctx: AppContext, rows: Sequence[tuple[int, StageReportInput]], *,
                dry_run: bool = False) -> BatchResult:
    """Record many reports at once, all or nothing (one transaction): every row is checked
    and each refused row listed; a row equal to a live report held already (regency, stage,
    time, done and total) is skipped, so the same file may be imported again."""
    require(ctx.actor, Permission.PROGRESS_RECORD)
    now = ctx.now()
    errors: list[RowError] = []
    recorded: list[StageReportInfo] = []
    known: list[int] = []
    try:
        with ctx.db.write() as s:
            for row, data in rows:
                try:
                    regency, stage, values = _checked(s, data, now)
                except PoskoError as err:
                    errors.append(RowError(row, err))
                    continue
                if errors:
                    continue
                if _held(s, regency, stage, values):
                    known.append(row)
                    continue
                recorded.append(_insert(ctx, s, regency, stage, values, now, row=row))
            if errors or dry_run:
                raise _Refused
    except _Refused:
        if errors:
            logger.info("Stage report batch refused: %d row(s) not valid", len(errors))
            return BatchResult((), tuple(known), tuple(errors))
        return BatchResult(tuple(recorded), tuple(known), ())
    logger.info("Stage report batch: %d recorded, %d known", len(recorded), len(known))
    if recorded:
        ctx.bus.publish(Change(ChangeKind.STAGE_PROGRESS, tuple(str(r.id) for r in recorded)))
    return BatchResult(tuple(recorded), tuple(known), ())


# --- queries -------------------------------------------------------------------------------


def list_reports(ctx: AppContext, regency: str | None = None, stage: str | None = None,
                 until: datetime | None = None,
                 include_deleted: bool = False) -> list[StageReportInfo]:
    """Reports newest first (by `as_of`), of one regency and/or stage, as of `until`."""
    stmt = select(StageReport).order_by(StageReport.as_of.desc(), StageReport.id.desc())
    if regency is not None:
        stmt = stmt.where(StageReport.regency == regency)
    if stage is not None:
        stmt = stmt.where(StageReport.stage == _stage(stage).value)
    if until is not None:
        stmt = stmt.where(StageReport.as_of <= ensure_utc(until))
    if not include_deleted:
        stmt = stmt.where(StageReport.deleted.is_(False))
    with ctx.db.read() as s:
        return [_info(r) for r in s.scalars(stmt)]


def get_report(ctx: AppContext, report_id: uuid.UUID) -> StageReportInfo:
    with ctx.db.read() as s:
        return _info(_get(s, report_id))


def resolve_ref(ctx: AppContext, ref: str) -> uuid.UUID:
    """A report given as UUID or number (CLI)."""
    return synced_records.resolve_ref(ctx, StageReport, ref, N_("Stage report {id} not found"))


@dataclass(frozen=True)
class ProgressBoard:
    """Every regency (code order) × stage: the newest report as of `at` (None: none yet)."""

    at: datetime | None
    regencies: tuple[RegencyInfo, ...]
    cells: Mapping[tuple[str, str], StageReportInfo]

    def cell(self, regency: str, stage: ProgressStage) -> StageReportInfo | None:
        return self.cells.get((regency, stage.value))

    def complete_count(self, stage: ProgressStage) -> int:
        """Regencies whose newest report of `stage` is complete."""
        return sum(1 for (_g, st), r in self.cells.items() if st == stage.value and r.complete)

    def reported_count(self, stage: ProgressStage) -> int:
        return sum(1 for (_g, st) in self.cells if st == stage.value)


def board(ctx: AppContext, at: datetime | None = None) -> ProgressBoard:
    """The board (`posko progress show`, the window's board, the sitrep's table)."""
    newest: dict[tuple[str, str], StageReportInfo] = {}
    for r in reversed(list_reports(ctx, until=at)):  # oldest first: the newest stays
        newest[(r.regency, r.stage)] = r
    with ctx.db.read() as s:
        listed = tuple(regencies(s))
    return ProgressBoard(ensure_utc(at) if at is not None else None, listed, newest)


def cell_text(r: StageReportInfo | None, stage: ProgressStage, lang: str) -> str:
    """How the board (window, `posko progress show`) writes a cell; '–' not reported."""
    if r is None:
        return "–"
    return stage_cell_text(stage, r.done, r.total, r.as_of, lang)
