"""Demo data: realistic synthetic incidents for training, screenshots and the benchmark.

`generate()` appends `incidents` incidents over the `days` WIB days that end on `end_date`:
uneven across regencies (the big kabupaten and Kota Semarang get more) and categories (hoaxes
far more than terror), rising toward voting day (27 November 2024) with a spike around
26–28 November, severities weighted per category, statuses plausible for the incident's age,
and a timeline per incident (status changes consistent with the status, notes, referrals to
agencies with due times and their answers).

Same seed and same starting database → identical rows, ids included: ids are UUIDv7 built
from the simulated time and the seeded generator, stamps come from the simulated time.
The simulated "now" is the end of `end_date` (00:00 WIB the day after), or the real clock
when that is earlier (no incident is ever in the future).

Speed (1,000,000 incidents in about 50 s on two cores; README, docs/decisions.md): on
SQLite a helper process generates while this one writes; rows are plain tuples inserted in chunks inside one
write transaction (`Database.bulk_write`: bigger page cache, memory-mapped reads and, from
the CLI with nobody else on the file, a rollback journal instead of WAL so the pages are
written once). The full-text triggers are dropped and each chunk's rows are added to the
index by one INSERT ... SELECT; on SQLite the secondary indexes of `incident` and
`followup` are dropped and re-created around big loads (`db/bulk.py`: read from the
database, so later migrations' too; sorted in small runs on helper threads). On SQLite
the values are given in the exact text form SQLAlchemy itself stores (UTC
`YYYY-MM-DD HH:MM:SS.ffffff`, UUID hex, JSON text) so no per-value conversion runs; other
databases get ordinary Python values.
"""

from __future__ import annotations

import logging
import marshal
import multiprocessing
import os
import sys
import threading
import time as time_module
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext, local_site
from posko_desktop.core.db.bulk import DroppedIndexes
from posko_desktop.core.db.models import (
    Agency,
    Category,
    FollowUp,
    Incident,
    NumberSequence,
    Regency,
)
from posko_desktop.core.db.planner import refresh_statistics
from posko_desktop.core.db.search import BulkSearchIndex
from posko_desktop.core.domain import (
    ValidationError,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.demo_activities import add_demo_activities
from posko_desktop.core.services.demo_generator import (  # noqa: F401 - importable from here
    CHUNK,
    FOLLOWUP_COLUMNS,
    INCIDENT_COLUMNS,
    VOTING_DAY,
    Generator,
    Plan,
    first_item,
)
from posko_desktop.core.services.demo_kerawanan import add_demo_pairs
from posko_desktop.core.services.demo_medsos import add_demo_medsos
from posko_desktop.core.services.demo_progress import add_demo_stage_reports
from posko_desktop.core.timeutil import WIB

logger = logging.getLogger(__name__)

MAX_INCIDENTS = 5_000_000
MAX_DAYS = 3660
# Above this many new rows the secondary indexes are dropped and re-created after the load.
REINDEX_THRESHOLD = 50_000
# Above this many, a helper process generates while this one writes.
PROCESS_THRESHOLD = 100_000


def _insert_many(conn: Connection, table: Any, columns: tuple[str, ...], raw: bool,
                 rows: list[tuple[Any, ...]]) -> None:
    """Insert tuples in `columns` order: straight to the driver on SQLite (values already
    in stored form), through Core `insert()` with typed dicts elsewhere."""
    if not rows:
        return
    if raw:
        sql = "INSERT INTO {t} ({c}) VALUES ({q})".format(
            t=table.name, c=", ".join(columns), q=", ".join("?" * len(columns)))
        conn.exec_driver_sql(sql, rows)
    else:
        conn.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])


# --- the generator ---------------------------------------------------------------------


def generate(ctx: AppContext, *, incidents: int, days: int, end_date: date, seed: int,
             progress: Progress = NO_PROGRESS, exclusive: bool = False) -> int:
    """Append `incidents` synthetic incidents over `days` days ending `end_date` (WIB).

    Returns the number of incidents written. One write transaction: cancelling (through
    `progress`) or any error leaves the database exactly as it was. `exclusive`: the caller
    is a one-shot command (the CLI) and nothing else in this process uses the database, so
    on SQLite the load may run with a rollback journal (`Database.bulk_write`).
    """
    require(ctx.actor, Permission.INCIDENT_CREATE)
    if not 1 <= incidents <= MAX_INCIDENTS:
        raise ValidationError(N_("The number of incidents must be between 1 and {max}"),
                              field="incidents", max=MAX_INCIDENTS)
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(N_("The number of days must be between 1 and {max}"),
                              field="days", max=MAX_DAYS)
    if end_date.year < 2020 or end_date.year > 2100:
        raise ValidationError(N_("The end date must be between 2020 and 2100"), field="end_date")
    first_day = end_date - timedelta(days=days - 1)
    end_ms = _ms(datetime.combine(end_date + timedelta(days=1), time(0), tzinfo=WIB))
    now_ms = min(end_ms, _ms(ctx.now()))
    start_ms = _ms(datetime.combine(first_day, time(0), tzinfo=WIB))
    if now_ms <= start_ms:
        raise ValidationError(N_("The demo period lies in the future"), field="end_date")

    progress.report(0, incidents, _("Preparing demo data…"))
    written = 0
    times = [(time_module.perf_counter(), time_module.process_time())]
    with ctx.db.bulk_write(exclusive=exclusive) as s:
        plan = _load_plan(s, incidents=incidents, seed=seed, first_day=first_day, days=days,
                          start_ms=start_ms, now_ms=now_ms)
        conn = s.connection()
        search_index = BulkSearchIndex(conn)
        indexes = DroppedIndexes(conn, ("incident", "followup") if incidents >= REINDEX_THRESHOLD
                                 else ())
        numbers: dict[int, int] = {}
        max_stamp = ""
        for item in _produce(plan, progress):
            if item[0] == "rows":
                written += _flush(conn, plan.raw, item[1], item[2])
                search_index.add_new(conn)
                progress.report(written, incidents, _("Writing demo incidents…"))
            else:
                numbers, max_stamp = item[1], item[2]
        times.append((time_module.perf_counter(), time_module.process_time()))
        progress.report(written, incidents, _("Rebuilding indexes…"))
        indexes.rebuild()
        progress.check()
        times.append((time_module.perf_counter(), time_module.process_time()))
        search_index.finish(conn)
        refresh_statistics(conn)
        times.append((time_module.perf_counter(), time_module.process_time()))
        progress.check()
        _finish(s, plan.site_code, numbers, max_stamp)
        activities = add_demo_activities(s, site_code=plan.site_code,
                                         username=ctx.actor.username, first_day=first_day,
                                         days=days, seed=seed, now=ctx.now())
        pairs = add_demo_pairs(s, site_code=plan.site_code, username=ctx.actor.username,
                               seed=seed, now=ctx.now())
        medsos = add_demo_medsos(s, site_code=plan.site_code, username=ctx.actor.username,
                                 first_day=first_day, days=days, seed=seed, now=ctx.now())
        stage_reports = add_demo_stage_reports(s, site_code=plan.site_code,
                                               username=ctx.actor.username,
                                               first_day=first_day, days=days, seed=seed,
                                               now=ctx.now())
        audit.record(s, ctx.actor, "demo.generate", "incident", "*", before=None,
                     after={"incidents": written, "days": days, "end_date": end_date.isoformat(),
                            "seed": seed, "activities": activities, "candidate_pairs": pairs,
                            "medsos": medsos, "stage_reports": stage_reports}, at=ctx.now())
    times.append((time_module.perf_counter(), time_module.process_time()))
    logger.info("Demo data: %d incidents over %d days to %s (seed %d); wall (CPU of this "
                "process): rows %.1f s (%.1f s), indexes %.1f s (%.1f s), search index and "
                "statistics %.1f s (%.1f s), commit %.1f s (%.1f s)", written, days, end_date, seed,
                *(x for a, b in zip(times, times[1:], strict=False)
                  for x in (b[0] - a[0], b[1] - a[1])))
    progress.report(written, incidents, _("Done"))
    ctx.bus.publish(Change(ChangeKind.INCIDENT, ()))
    ctx.bus.publish(Change(ChangeKind.ACTIVITY, ()))
    ctx.bus.publish(Change(ChangeKind.CANDIDATE_PAIR, ()))
    for kind in (ChangeKind.SOCIAL_POST, ChangeKind.HOAX_CASE, ChangeKind.TAKEDOWN):
        ctx.bus.publish(Change(kind, ()))
    ctx.bus.publish(Change(ChangeKind.STAGE_PROGRESS, ()))
    return written


def _load_plan(s: Session, **values: Any) -> Plan:
    site = local_site(s)
    numbers = {seq.year: seq.last for seq in s.scalars(
        select(NumberSequence).where(NumberSequence.site == site.code))}
    return Plan(
        raw=s.get_bind().dialect.name == "sqlite",
        site_code=site.code,
        numbers=numbers,
        response_hours={sev: float(settings.get(s, var))
                        for sev, var in settings.RESPONSE_HOURS.items()},
        regencies=list(s.scalars(select(Regency.code).order_by(Regency.code))),
        categories=list(s.scalars(
            select(Category.code).where(Category.parent_code.is_not(None),
                                        Category.active.is_(True)).order_by(Category.code))),
        agencies=sorted(s.scalars(select(Agency.code).where(Agency.active.is_(True)))),
        **values,
    )


def _chunks(plan: Plan) -> Iterator[tuple[Any, ...]]:
    """("rows", incident tuples, follow-up tuples sorted by id) per chunk, then ("end",
    numbers, stamp)."""
    gen = Generator(plan)
    buf_inc: list[tuple[Any, ...]] = []
    buf_fol: list[tuple[Any, ...]] = []
    for day_index, n in enumerate(gen.day_counts(plan.incidents)):
        for inc_row, fol_rows in gen.day(day_index, n):
            buf_inc.append(inc_row)
            buf_fol.extend(fol_rows)
            if len(buf_inc) >= CHUNK:
                buf_fol.sort(key=first_item)  # here: the helper process has time to spare
                yield ("rows", buf_inc, buf_fol)
                buf_inc, buf_fol = [], []
    if buf_inc:
        buf_fol.sort(key=first_item)
        yield ("rows", buf_inc, buf_fol)
    yield ("end", gen.numbers, gen.max_stamp)


def _worker(plan: Plan, conn: Any) -> None:
    """Helper process: send each chunk as marshal bytes (plain tuples of str/int/None;
    about 3x cheaper than pickle on both sides)."""
    try:
        for item in _chunks(plan):
            conn.send_bytes(marshal.dumps(item))
    except BaseException as err:  # reported to the parent, which raises it
        conn.send_bytes(marshal.dumps(("error", repr(err))))
    finally:
        conn.close()


def _produce(plan: Plan, progress: Progress) -> Iterator[tuple[Any, ...]]:
    """The chunks, generated in a helper process for big loads on a multi-core machine
    (the database writes overlap the generation), in this process otherwise. Same data."""
    # Only with fork (Linux) and only from a single-threaded process (the CLI): spawn would
    # re-run the caller's main module (main.py, a frozen app) in the helper, and forking a
    # process with other threads (the GUI) is unsafe. Only on SQLite: the rows for other
    # databases hold UUID, datetime and dict values that marshal cannot carry, and with
    # pickle the helper made PostgreSQL loads slower (docs/decisions.md). Otherwise the
    # generation runs here; the data is the same either way.
    if (plan.incidents < PROCESS_THRESHOLD or not plan.raw or (os.cpu_count() or 1) < 2
            or not sys.platform.startswith("linux") or threading.active_count() > 1):
        logger.info("Demo data: generated in this process")
        yield from _chunks(plan)
        return
    logger.info("Demo data: generated in a helper process")
    mp = multiprocessing.get_context("fork")
    receiver, sender = mp.Pipe(duplex=False)
    proc = mp.Process(target=_worker, args=(plan, sender), daemon=True)
    proc.start()
    sender.close()  # the helper holds the only sending end
    waited = 0.0  # time this process spent waiting for the next chunk
    try:
        while True:
            progress.check()
            start = time_module.perf_counter()
            ready = receiver.poll(0.5)
            waited += time_module.perf_counter() - start
            if not ready:
                if not proc.is_alive() and not receiver.poll(0):
                    raise RuntimeError("demo data generator stopped")
                continue
            try:
                item = marshal.loads(receiver.recv_bytes())
            except EOFError:
                raise RuntimeError("demo data generator stopped") from None
            if item[0] == "error":
                raise RuntimeError("demo data generator failed: " + item[1])
            yield item
            if item[0] == "end":
                break
        proc.join(timeout=10)
        logger.info("Demo data: the writer waited %.1f s for the generator process", waited)
    finally:
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout=5)
        receiver.close()


def _finish(s: Session, site_code: str, numbers: dict[int, int], max_stamp: str) -> None:
    """Keep the human numbers and the site's clock consistent for later entries."""
    for year, last in numbers.items():
        seq = s.get(NumberSequence, (site_code, year))
        if seq is None:
            s.add(NumberSequence(site=site_code, year=year, last=last))
        else:
            seq.last = last
    site = local_site(s)
    if max_stamp > (site.last_stamp or ""):
        site.last_stamp = max_stamp
    s.flush()


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def _flush(conn: Connection, raw: bool, buf_inc: list[tuple[Any, ...]],
           buf_fol: list[tuple[Any, ...]]) -> int:
    n = len(buf_inc)
    _insert_many(conn, Incident.__table__, INCIDENT_COLUMNS, raw, buf_inc)
    # buf_fol comes sorted by id (time-ordered UUIDs), which keeps the primary-key index local
    _insert_many(conn, FollowUp.__table__, FOLLOWUP_COLUMNS, raw, buf_fol)
    buf_inc.clear()
    buf_fol.clear()
    return n

