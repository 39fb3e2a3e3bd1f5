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

import bisect
import logging
import marshal
import math
import multiprocessing
import operator
import os
import random
import sys
import threading
import time as time_module
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from posko_desktop.core import places, settings
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
    OPEN_STATUSES,
    PROVINCE_CODE,
    FollowUpKind,
    ReferralState,
    Severity,
    SourceType,
    Status,
    ValidationError,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.demo_activities import add_demo_activities
from posko_desktop.core.services.demo_kerawanan import add_demo_pairs
from posko_desktop.core.services.demo_medsos import add_demo_medsos
from posko_desktop.core.services.demo_progress import add_demo_stage_reports
from posko_desktop.core.services.demo_words import (
    ACCOUNTS,
    AGENCIES_BY_GROUP,
    ANSWER_TEXT,
    CANDIDATES,
    CATEGORY_WEIGHTS,
    CONDITIONS,
    CONTACTS,
    DESCRIPTIONS,
    DONE_TEXT,
    HOUR_WEIGHTS,
    LOSSES,
    MEDIA,
    NOTES,
    OPERATORS,
    PLACES,
    PLATFORM_URL,
    PLATFORMS,
    REFERRAL_TEXT,
    REGENCY_WEIGHTS,
    REJECT_REASONS,
    RESOLVE_TEXT,
    SEVERITY_WEIGHTS,
    SOURCE_WEIGHTS,
    SUPERVISORS,
    TITLES,
    UNVERIFIABLE_REASONS,
)
from posko_desktop.core.services.incidents import EDITABLE_FIELDS
from posko_desktop.core.taxonomy import Channel, LegalType
from posko_desktop.core.timeutil import WIB

logger = logging.getLogger(__name__)

VOTING_DAY = date(2024, 11, 27)
MAX_INCIDENTS = 5_000_000
MAX_DAYS = 3660
CHUNK = 20_000
# Above this many new rows the secondary indexes are dropped and re-created after the load.
REINDEX_THRESHOLD = 50_000
# Above this many, a helper process generates while this one writes.
PROCESS_THRESHOLD = 100_000

_EPOCH = datetime(1970, 1, 1)
_MS_HOUR = 3_600_000
_MS_DAY = 86_400_000

# Column order of the generated tuples (a test checks they cover the tables).
INCIDENT_COLUMNS = (
    "id", "number", "origin_site", "regency_code", "kecamatan", "desa", "location",
    "occurred_at", "occurred_date", "reported_at", "source_type", "source_detail", "title",
    "description", "category_code", "severity", "severity_rank", "status", "people_involved",
    "recorded_by", "created_at", "updated_at", "updated_by", "respond_by", "responded_at",
    "next_referral_due", "mod_stamp", "field_stamps", "deleted", "victims_dead",
    "victims_injured", "material_loss", "current_condition", "source_contact", "source_phone",
    "kecamatan_code", "desa_code", "latitude", "longitude", "reporting_unit", "contest_code",
    "pair_number", "tps_number", "channel", "legal_type",
)
DEMO_OPD_UNITS = {"Satpol PP": "SATPOLPP", "Kesbangpol": "KESBANGPOL",
                  "Diskominfo": "DISKOMINFO", "BPBD": "BPBD"}
FOLLOWUP_COLUMNS = (
    "id", "incident_id", "created_at", "author", "origin_site", "kind", "text", "status_from",
    "status_to", "agency_code", "due_at", "referral_id", "referral_state", "mod_stamp",
)


# --- helpers ---------------------------------------------------------------------------


class _Picker:
    """Weighted choice by bisection over cumulative weights (faster than random.choices)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum: list[float] = []
        acc = 0.0
        for w in weights:
            acc += max(0.0, w)
            self.cum.append(acc)
        self.total = acc

    def pick(self, rnd: Callable[[], float]) -> Any:
        return self.items[bisect.bisect_right(self.cum, rnd() * self.total)]


def _uuid7_int(ms: int, bits: int) -> int:
    """A UUIDv7 as an int from a millisecond timestamp and 74 random bits."""
    rand_a = bits >> 62
    rand_b = bits & ((1 << 62) - 1)
    return (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b


def _day_weight(day: date) -> float:
    """Activity rising toward voting day, peaking 26–28 November, then decaying."""
    t = (day - VOTING_DAY).days
    if t <= 0:
        w = 1.0 + 5.0 * math.exp(t / 10.0)
    else:
        w = 1.0 + 5.0 * math.exp(-t / 4.0)
    if -1 <= t <= 1:
        w *= 2.5 if t == 0 else 1.8
    if day.weekday() == 6:
        w *= 0.85
    return w


def _category_factor(code: str, day: date) -> float:
    t = (day - VOTING_DAY).days
    if code == "A6":  # campaign content in the quiet period (24–26 Nov)
        return 6.0 if -3 <= t <= -1 else 0.2
    if code == "B2":  # serangan fajar: the night before voting
        return 10.0 if t in (-1, 0) else 0.4
    if code in ("F3", "F6"):
        return 25.0 if t == 0 else (3.0 if t == 1 else 0.1)
    if code in ("F4", "F5"):
        return 10.0 if 1 <= t <= 6 else 0.1
    if code == "F2":
        return 4.0 if -4 <= t <= 0 else 0.6
    if code[0] == "E" and -3 <= t <= 0:  # no campaigning in the quiet period
        return 0.5 if code == "E1" else 0.3
    return 1.0


def _contest_fields(regency: str, category: str, bits: int) -> tuple[Any, ...]:
    """The contest and pair (ballot 1 or 2: every demo contest has them,
    `demo_kerawanan`) of a third of the incidents of groups A, B, E (hoaxes, money politics,
    campaign props); the TPS of those at a TPS (F3). From the incident id's random bits,
    so the seeded stream stays as it was."""
    pick = [(bits >> shift) & 0xFF for shift in range(48, 72, 8)]
    contest = pair = tps = None
    if category[0] in "ABE" and pick[0] % 3 == 0:
        contest = regency if pick[1] % 2 else "33"
        pair = 1 + pick[2] % 2
    if category == "F3":
        tps = 1 + pick[2] % 15
    return (contest, pair, tps)


# the legal type a demo incident gets by category group (docs/taxonomy.md)
_DEMO_LEGAL = {"B": LegalType.PIDANA, "C": LegalType.KODE_ETIK, "E": LegalType.ADMINISTRASI,
               "F": LegalType.ADMINISTRASI, "H": LegalType.PIDANA}


def _taxonomy_fields(category: str, source: str) -> tuple[str, str]:
    """Channel and legal type, from the category and the source (no random draw: the
    demo of a seed stays as it was)."""
    online = category[0] == "A" or source == SourceType.MEDIA_SOSIAL
    channel = Channel.DARING if online else Channel.LURING
    legal = _DEMO_LEGAL.get(category[0])
    return channel.value, legal.value if legal is not None else ""


def _report_fields(category: str, rank: int, bits: int) -> tuple[Any, ...]:
    """Victims, loss, condition and contact of a security incident (group D) or damage
    to props (E1), else nothing known. Taken from the incident id's random bits, so the
    seeded stream (every other value) stays as it was."""
    if category[0] != "D" and category != "E1":
        return (None, None, "", "", "", "")
    pick = [(bits >> shift) & 0xFF for shift in range(0, 48, 8)]
    violent = category in ("D2", "D3", "D6")
    dead = 1 if violent and rank == 3 and pick[0] < 20 else (0 if violent else None)
    injured = pick[1] % (3 + 4 * rank) if violent else None
    loss = LOSSES[pick[2] % len(LOSSES)] if category in ("D3", "D5", "E1") else ""
    phone = "+62 81{a}-{b:04d}-{c:04d}".format(a=pick[3] % 10, b=pick[4] * 37 % 10_000,
                                               c=pick[5] * 91 % 10_000)
    return (dead, injured, loss, CONDITIONS[pick[3] % len(CONDITIONS)],
            CONTACTS[pick[4] % len(CONTACTS)], phone)


class _Writer:
    """Turns generated values into the driver's form, per dialect."""

    def __init__(self, raw: bool) -> None:
        self.raw = raw
        self._minutes: dict[int, str] = {}

    def dt(self, ms: int | None) -> Any:
        if ms is None:
            return None
        if not self.raw:
            return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
        # SQLAlchemy's own SQLite storage form: 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC)
        minute, rest = divmod(ms, 60_000)
        prefix = self._minutes.get(minute)
        if prefix is None:
            prefix = (_EPOCH + timedelta(minutes=minute)).strftime("%Y-%m-%d %H:%M:")
            self._minutes[minute] = prefix
        return prefix + _SECONDS[rest]

    def day(self, value: date) -> Any:
        return value.isoformat() if self.raw else value

    def uid(self, value: int | None) -> Any:
        if value is None:
            return None
        return f"{value:032x}" if self.raw else uuid.UUID(int=value)

    def stamps(self, created: str, status: str, deleted: str) -> Any:
        if self.raw:  # `stamps.pack_text` of the full stamps (created is the shared one)
            text = '{"*":"' + created
            if status != created:
                text += '","status":"' + status
            if deleted != created:
                text += '","deleted":"' + deleted
            return text + '"}'
        values = {name: created for name in EDITABLE_FIELDS}
        values["status"] = status
        values["deleted"] = deleted
        return values

    def flag(self, value: bool) -> Any:
        return int(value) if self.raw else value


# "SS.mmm000" for every millisecond of a minute
_SECONDS = [f"{ms // 1000:02d}.{ms % 1000:03d}000" for ms in range(60_000)]


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


@dataclass(frozen=True)
class _Plan:
    """Everything the generator needs, as plain data (it may run in another process)."""

    incidents: int
    seed: int
    first_day: date
    days: int
    start_ms: int
    now_ms: int
    raw: bool
    site_code: str
    numbers: dict[int, int]
    response_hours: dict[str, float]
    regencies: list[str]
    categories: list[str]
    agencies: list[str]


def _load_plan(s: Session, **values: Any) -> _Plan:
    site = local_site(s)
    numbers = {seq.year: seq.last for seq in s.scalars(
        select(NumberSequence).where(NumberSequence.site == site.code))}
    return _Plan(
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


def _chunks(plan: _Plan) -> Iterator[tuple[Any, ...]]:
    """("rows", incident tuples, follow-up tuples sorted by id) per chunk, then ("end",
    numbers, stamp)."""
    gen = _Generator(plan)
    buf_inc: list[tuple[Any, ...]] = []
    buf_fol: list[tuple[Any, ...]] = []
    for day_index, n in enumerate(gen.day_counts(plan.incidents)):
        for inc_row, fol_rows in gen.day(day_index, n):
            buf_inc.append(inc_row)
            buf_fol.extend(fol_rows)
            if len(buf_inc) >= CHUNK:
                buf_fol.sort(key=_first)  # here: the helper process has time to spare
                yield ("rows", buf_inc, buf_fol)
                buf_inc, buf_fol = [], []
    if buf_inc:
        buf_fol.sort(key=_first)
        yield ("rows", buf_inc, buf_fol)
    yield ("end", gen.numbers, gen.max_stamp)


def _worker(plan: _Plan, conn: Any) -> None:
    """Helper process: send each chunk as marshal bytes (plain tuples of str/int/None;
    about 3x cheaper than pickle on both sides)."""
    try:
        for item in _chunks(plan):
            conn.send_bytes(marshal.dumps(item))
    except BaseException as err:  # reported to the parent, which raises it
        conn.send_bytes(marshal.dumps(("error", repr(err))))
    finally:
        conn.close()


def _produce(plan: _Plan, progress: Progress) -> Iterator[tuple[Any, ...]]:
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


# The first item: a follow-up's id (UUID hex text on SQLite, uuid.UUID elsewhere: both sort
# like the 128-bit number) or an event's time.
_first = operator.itemgetter(0)


class _Generator:
    def __init__(self, plan: _Plan) -> None:
        self.rng = random.Random(plan.seed)
        self.first_day = plan.first_day
        self.days = plan.days
        self.start_ms = plan.start_ms
        self.now_ms = plan.now_ms
        self.site_code = plan.site_code
        self.max_stamp = ""
        self.w = _Writer(plan.raw)
        self.prefix = plan.site_code.replace(".", "").ljust(4, "0")
        self.numbers = dict(plan.numbers)
        self.response_ms = {sev: int(h * _MS_HOUR) for sev, h in plan.response_hours.items()}
        regencies = plan.regencies
        self.regencies = _Picker(regencies, [REGENCY_WEIGHTS.get(c, 8) for c in regencies])
        index = places.shipped_index()  # real kecamatan and desa, with their codes
        self.places = {c: [(k, index.desa_of_kec[k.code]) for k in index.kec_of_regency[c]]
                       for c in regencies}
        self.categories = plan.categories
        agencies = set(plan.agencies)
        self.agencies = {g: tuple(a for a in codes if a in agencies) or tuple(sorted(agencies))
                         for g, codes in AGENCIES_BY_GROUP.items()}
        self.severities = {g: _Picker([(v.value, v.rank) for v in Severity], w)
                           for g, w in SEVERITY_WEIGHTS.items()}
        self.sources = {g: _Picker([s_.value for s_, _w in pairs], [w for _s, w in pairs])
                        for g, pairs in SOURCE_WEIGHTS.items()}
        self.hours = _Picker(range(24), HOUR_WEIGHTS)
        self.cat_pickers: dict[int, _Picker] = {}
        self._days: dict[int, Any] = {}
        self._years: dict[int, int] = {}

    # -- counts ---------------------------------------------------------------------

    def day_counts(self, total: int) -> list[int]:
        """Split `total` over the days by their weight (with some noise), exactly."""
        rng = self.rng
        weights = []
        for i in range(self.days):
            day = self.first_day + timedelta(days=i)
            weights.append(max(0.05, _day_weight(day) * (1 + 0.15 * rng.gauss(0, 1))))
        # the simulated "now" may cut the last days short
        for i in range(self.days):
            day_start = self.start_ms + i * _MS_DAY
            if day_start >= self.now_ms:
                weights[i] = 0.0
            elif day_start + _MS_DAY > self.now_ms:
                weights[i] *= (self.now_ms - day_start) / _MS_DAY
        scale = total / sum(weights)
        exact = [w * scale for w in weights]
        counts = [int(x) for x in exact]
        rest = total - sum(counts)
        order = sorted(range(self.days), key=lambda i: (counts[i] - exact[i], i))
        for i in order[:rest]:
            counts[i] += 1
        return counts

    def _category_picker(self, day_index: int) -> _Picker:
        picker = self.cat_pickers.get(day_index)
        if picker is None:
            day = self.first_day + timedelta(days=day_index)
            weights = [CATEGORY_WEIGHTS.get(c, 1.0) * _category_factor(c, day)
                       for c in self.categories]
            picker = _Picker(self.categories, weights)
            self.cat_pickers[day_index] = picker
        return picker

    # -- one day ----------------------------------------------------------------------

    def day(self, day_index: int, n: int) -> Any:
        if n <= 0:
            return
        rng = self.rng
        rnd = rng.random
        day_start = self.start_ms + day_index * _MS_DAY
        limit = min(day_start + _MS_DAY, self.now_ms)
        times = []
        for _i in range(n):
            hour = self.hours.pick(rnd)
            t = day_start + hour * _MS_HOUR + int(rnd() * _MS_HOUR)
            if t >= limit:
                t = day_start + int(rnd() * (limit - day_start))
            times.append(t)
        times.sort()
        cats = self._category_picker(day_index)
        for reported in times:
            yield self.incident(reported, cats)

    def _day_value(self, days: int) -> Any:
        """The stored form of the calendar day `days` after 1970-01-01 (cached)."""
        value = self._days.get(days)
        if value is None:
            value = self._days[days] = self.w.day((_EPOCH + timedelta(days=days)).date())
        return value

    def _year(self, days: int) -> int:
        """The (UTC) year of the day `days` after 1970-01-01 (cached)."""
        year = self._years.get(days)
        if year is None:
            year = self._years[days] = (_EPOCH + timedelta(days=days)).year
        return year

    def _stamp(self, ms: int) -> str:
        stamp = f"{ms:013d}-00000-{self.site_code}"
        if stamp > self.max_stamp:
            self.max_stamp = stamp
        return stamp

    def _number(self, year: int) -> str:
        last = self.numbers.get(year, 0) + 1
        self.numbers[year] = last
        return f"{self.prefix}-{year % 100:02d}-{last:06d}"

    def incident(self, reported: int, cats: _Picker) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        rng = self.rng
        rnd = rng.random
        w = self.w
        now = self.now_ms
        regency = self.regencies.pick(rnd)
        category = cats.pick(rnd)
        group = category[0]
        severity, rank = self.severities.get(group, self.severities["G"]).pick(rnd)
        source: str = self.sources.get(group, self.sources["G"]).pick(rnd)
        kec_place, desas = (kec_list := self.places[regency])[int(rnd() * len(kec_list))]
        desa_place = desas[int(rnd() * len(desas))]
        kec, desa = kec_place.name, desa_place.name
        tps = 1 + int(rnd() * 25)
        loc = PLACES[int(rnd() * len(PLACES))].format(desa=desa, kec=kec, tps=tps)
        platform = PLATFORMS[int(rnd() * len(PLATFORMS))]
        cand = CANDIDATES[int(rnd() * len(CANDIDATES))]
        titles = TITLES.get(category, TITLES["G9"])
        title = titles[int(rnd() * len(titles))].format(platform=platform, kec=kec, desa=desa,
                                                       cand=cand)
        detail = self._source_detail(source, platform, desa, kec)
        desc = DESCRIPTIONS[int(rnd() * len(DESCRIPTIONS))].format(
            source=_SOURCE_TEXT[source], kec=kec, loc=loc)
        # occurred before it was reported (minutes to a day), on whole minutes
        lag = int(rng.expovariate(1 / (90 * 60_000)))
        occurred = max(self.start_ms - 6 * _MS_HOUR, reported - min(lag, _MS_DAY))
        occurred -= occurred % 60_000
        occurred_day = self._day_value((occurred + 7 * _MS_HOUR) // _MS_DAY)  # WIB day
        people = None
        if group in "BCDEF" and rnd() < 0.6:
            people = 1 + int(rng.expovariate(1 / (40 if category == "D3" else 4)))
        recorder = OPERATORS[int(rnd() * len(OPERATORS))]
        respond_by = reported + self.response_ms[severity]

        inc_int = _uuid7_int(reported, rng.getrandbits(74))
        created_stamp = self._stamp(reported)
        followups, status, last_change, last_by, status_stamp, responded, next_due = \
            self._timeline(inc_int, reported, rank, group, kec, now)
        deleted = status == _DITOLAK and rnd() < 0.05
        status_stamp = status_stamp or created_stamp
        deleted_stamp = created_stamp
        mod_stamp = status_stamp
        updated_at = last_change if last_by else reported
        updated_by = last_by or recorder
        if deleted:
            t = min(now - 1, last_change + 10 * 60_000)
            deleted_stamp = mod_stamp = self._stamp(t)
            updated_at = t
            updated_by = SUPERVISORS[0]
            followups += self._followups(inc_int, [(t, _NOTE, updated_by,
                                                    "[dihapus] Laporan ganda", None, None, None,
                                                    None, None, None, None)])
        year = self._year(reported // _MS_DAY)
        reported_text = w.dt(reported)
        row = (
            w.uid(inc_int), self._number(year), self.site_code, regency, kec, desa, loc,
            w.dt(occurred), occurred_day, reported_text, source, detail, title,
            desc, category, severity, rank, status, people, recorder,
            reported_text, w.dt(updated_at), updated_by, w.dt(respond_by), w.dt(responded),
            w.dt(next_due), mod_stamp, w.stamps(created_stamp, status_stamp, deleted_stamp),
            w.flag(deleted), *_report_fields(category, rank, inc_int), kec_place.code,
            desa_place.code, None, None, self._unit(source, detail),
            *_contest_fields(regency, category, inc_int), *_taxonomy_fields(category, source),
        )
        return row, followups

    def _unit(self, source: str, detail: str) -> str | None:
        """At the province, what the police, the army and the OPD report comes through
        their agencies' reporting units (issue 18); a regency office's are its own."""
        if self.site_code != PROVINCE_CODE:
            return None
        if source == SourceType.POLRI_TNI:
            return "POLDA" if detail.startswith("Polsek") else "KODAM4"
        return DEMO_OPD_UNITS.get(detail) if source == SourceType.OPD else None

    def _source_detail(self, source: str, platform: str, desa: str, kec: str) -> str:
        rng = self.rng
        if source == SourceType.MEDIA_SOSIAL:
            acct = ACCOUNTS[int(rng.random() * len(ACCOUNTS))]
            return PLATFORM_URL[platform].format(acct=acct, n=rng.randrange(10**9, 10**10),
                                                  desa=desa)
        if source == SourceType.MEDIA_MASSA:
            return MEDIA[int(rng.random() * len(MEDIA))]
        if source == SourceType.BAWASLU:
            return "Panwascam " + kec
        if source == SourceType.POLRI_TNI:
            return ("Polsek ", "Koramil ")[rng.random() < 0.4] + kec
        if source == SourceType.OPD:
            return ("Satpol PP", "Kesbangpol", "Diskominfo", "BPBD")[int(rng.random() * 4)]
        if source == SourceType.LAPANGAN:
            return "Petugas posko " + kec
        return "Warga " + desa

    def _followups(self, inc_int: int, events: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Follow-up rows from events (at, kind, author, text, status_from, status_to, agency,
        due, referral_id, state, fid) in their order; ids drawn in that order when not set."""
        w = self.w
        dt = w.dt
        uid = w.uid
        bits = self.rng.getrandbits
        stamp = self._stamp
        site = self.site_code
        incident_id = uid(inc_int)
        rows = []
        for at, kind, author, text, s_from, s_to, agency, due, ref_id, state, fid in events:
            if fid is None:
                fid = _uuid7_int(at, bits(74))
            rows.append((uid(fid), incident_id, dt(at), author, site, kind, text, s_from, s_to,
                         agency, None if due is None else dt(due),
                         None if ref_id is None else uid(ref_id), state, stamp(at)))
        return rows

    def _timeline(self, inc_int: int, reported: int, rank: int, group: str, kec: str,
                  now: int) -> tuple[list[tuple[Any, ...]], str, int, str, str, int | None,
                                     int | None]:
        """Status changes (consistent with the final status), notes and referrals.

        Events are tuples (at, kind, author, text, status_from, status_to, agency, due,
        referral_id, state, fid); statuses and states are plain strings here."""
        rng = self.rng
        rnd = rng.random
        expo = rng.expovariate
        fast = (5.0, 2.5, 1.0, 0.4)[rank]  # hours scale: critical incidents move faster
        events: list[tuple[Any, ...]] = []
        status = _BARU
        t = reported
        last_change = reported
        last_by = ""
        # first decision: verify, reject or cannot verify
        t_decide = t + int(expo(1 / (fast * _MS_HOUR))) + 5 * 60_000
        outcome = rnd()
        if t_decide < now:
            sup = SUPERVISORS[int(rnd() * len(SUPERVISORS))]
            if outcome < 0.06:
                events.append((t_decide, _STATUS, sup,
                               REJECT_REASONS[int(rnd() * len(REJECT_REASONS))], status,
                               _DITOLAK, None, None, None, None, None))
                status, last_change, last_by = _DITOLAK, t_decide, sup
            elif outcome < 0.10:
                events.append((t_decide, _STATUS, sup,
                               UNVERIFIABLE_REASONS[int(rnd() * len(UNVERIFIABLE_REASONS))],
                               status, _UNVERIFIABLE, None, None, None, None, None))
                status, last_change, last_by = _UNVERIFIABLE, t_decide, sup
            else:
                events.append((t_decide, _STATUS, sup, "", status, _DIVERIFIKASI, None, None,
                               None, None, None))
                status, last_change, last_by = _DIVERIFIKASI, t_decide, sup
        referral: tuple[int, int, str] | None = None  # (id, due, agency)
        referral_state = _TERKIRIM
        if status == _DIVERIFIKASI:
            if rnd() < 0.3:  # follow-up with a referral to an agency
                t_follow = last_change + int(expo(1 / (fast * 2 * _MS_HOUR))) + 60_000
                if t_follow < now:
                    op = OPERATORS[int(rnd() * len(OPERATORS))]
                    events.append((t_follow, _STATUS, op, "", status, _DITINDAKLANJUTI, None,
                                   None, None, None, None))
                    status, last_change, last_by = _DITINDAKLANJUTI, t_follow, op
                    agencies = self.agencies.get(group) or self.agencies["G"]
                    agency = agencies[int(rnd() * len(agencies))]
                    t_ref = t_follow + 60_000
                    due = t_ref + (12 if rank >= 2 else 48) * _MS_HOUR
                    ref_id = _uuid7_int(t_ref, rng.getrandbits(74))
                    referral = (ref_id, due, agency)
                    events.append((t_ref, _REFERRAL, op, REFERRAL_TEXT.format(agency=agency),
                                   None, None, agency, due, None, _TERKIRIM, ref_id))
                    t_answer = t_ref + int(expo(1 / (fast * 6 * _MS_HOUR)))
                    if t_answer < now and rnd() < 0.7:
                        events.append((t_answer, _REFERRAL_UPDATE, op,
                                       ANSWER_TEXT[int(rnd() * len(ANSWER_TEXT))], None, None,
                                       agency, None, ref_id, _DIJAWAB, None))
                        referral_state = _DIJAWAB
                    t_done = t_ref + int(expo(1 / (fast * 16 * _MS_HOUR))) + _MS_HOUR
                    if referral_state == _DIJAWAB and t_done > t_answer and t_done < now:
                        events.append((t_done, _REFERRAL_UPDATE, op,
                                       DONE_TEXT[int(rnd() * len(DONE_TEXT))], None, None,
                                       agency, None, ref_id, _SELESAI_REF, None))
                        referral_state = _SELESAI_REF
                        t_res = t_done + int(expo(1 / (2 * _MS_HOUR))) + 60_000
                        if t_res < now:
                            sup = SUPERVISORS[int(rnd() * len(SUPERVISORS))]
                            events.append((t_res, _STATUS, sup,
                                           RESOLVE_TEXT[int(rnd() * len(RESOLVE_TEXT))],
                                           status, _SELESAI, None, None, None, None, None))
                            status, last_change, last_by = _SELESAI, t_res, sup
            else:  # resolved directly after verification
                t_res = last_change + int(expo(1 / (fast * 8 * _MS_HOUR))) + 60_000
                if t_res < now and rnd() < 0.9:
                    sup = SUPERVISORS[int(rnd() * len(SUPERVISORS))]
                    events.append((t_res, _STATUS, sup,
                                   RESOLVE_TEXT[int(rnd() * len(RESOLVE_TEXT))], status,
                                   _SELESAI, None, None, None, None, None))
                    status, last_change, last_by = _SELESAI, t_res, sup
        # notes between the report and the last change (or now, while open)
        end = last_change if status not in _OPEN else now
        n_notes = 0
        r = rnd()
        if r < 0.15:
            n_notes = 1
        elif r < 0.18:
            n_notes = 2
        for _i in range(n_notes):
            span = max(60_000, min(end, now - 1) - reported)
            at = reported + 60_000 + int(rnd() * span)
            if at >= now:
                continue
            text = NOTES[int(rnd() * len(NOTES))].format(kec=kec)
            events.append((at, _NOTE, OPERATORS[int(rnd() * len(OPERATORS))], text, None,
                           None, None, None, None, None, None))
        events.sort(key=_first)
        rows = self._followups(inc_int, events)
        responded = events[0][0] if events else None
        status_stamp = self._stamp(last_change) if last_by else ""
        next_due = None
        if referral is not None and referral_state != _SELESAI_REF:
            next_due = referral[1]
        return rows, status, last_change, last_by, status_stamp, responded, next_due


_NOTE = FollowUpKind.NOTE.value
_BARU = Status.BARU.value
_DIVERIFIKASI = Status.DIVERIFIKASI.value
_DITINDAKLANJUTI = Status.DITINDAKLANJUTI.value
_SELESAI = Status.SELESAI.value
_DITOLAK = Status.DITOLAK.value
_UNVERIFIABLE = Status.TIDAK_DAPAT_DIVERIFIKASI.value
_OPEN = frozenset(s.value for s in OPEN_STATUSES)
_TERKIRIM = ReferralState.TERKIRIM.value
_DIJAWAB = ReferralState.DIJAWAB.value
_SELESAI_REF = ReferralState.SELESAI.value
_STATUS = FollowUpKind.STATUS.value
_REFERRAL = FollowUpKind.REFERRAL.value
_REFERRAL_UPDATE = FollowUpKind.REFERRAL_UPDATE.value

_SOURCE_TEXT: dict[str, str] = {  # by SourceType (a str enum)
    SourceType.MEDIA_SOSIAL: "media sosial",
    SourceType.LAPANGAN: "petugas lapangan",
    SourceType.BAWASLU: "Panwascam",
    SourceType.POLRI_TNI: "Polsek/Koramil",
    SourceType.MEDIA_MASSA: "media massa",
    SourceType.MASYARAKAT: "masyarakat",
    SourceType.OPD: "OPD",
}
