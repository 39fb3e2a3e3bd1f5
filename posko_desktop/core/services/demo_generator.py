"""The seeded generator behind `demo.generate`: incidents and their timelines as plain
tuples in stored column order, chunk by chunk, in this process or in a helper process
(see the module docstring of `demo` for the speed notes)."""

from __future__ import annotations

import bisect
import logging
import math
import operator
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from posko_desktop.core import places
from posko_desktop.core.domain import (
    OPEN_STATUSES,
    PROVINCE_CODE,
    FollowUpKind,
    ReferralState,
    Severity,
    SourceType,
    Status,
)
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

logger = logging.getLogger(__name__)

VOTING_DAY = date(2024, 11, 27)
CHUNK = 20_000

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


@dataclass(frozen=True)
class Plan:
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


# The first item: a follow-up's id (UUID hex text on SQLite, uuid.UUID elsewhere: both sort
# like the 128-bit number) or an event's time.
first_item = operator.itemgetter(0)


class Generator:
    def __init__(self, plan: Plan) -> None:
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
        events.sort(key=first_item)
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
