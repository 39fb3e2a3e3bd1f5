"""Reading and checking the records of a package: JSON, schema and every rule of
docs/sync-format.md (Import, step 8) that needs no database, and the rows the import
will write, in the form the database takes them.

`scan()` yields messages in file order, one per batch of records; the import
(`services/sync/importing.py`, `apply.py`) merges them and makes the checks that need the
database or the whole package (an id twice, the incident of a follow-up). A big package
is scanned in a helper process (`scan_in_helper`), so a second core decodes and checks
while this one writes; the messages are the same either way (plain tuples, sent as
marshal bytes).

Messages:
- `("batch", kind, items, error)`: the records of up to one batch, in order, all valid;
  `error` is None or `(msgid, params)` for the record right after the last item (the
  import raises it after its own checks of the items before it).
- `("lines", kind, first line number, lines)`: a batch the helper leaves unchecked for
  the receiving process to check itself (`scan_lines`), to share the work (`share`).
- `("done", kind)` after the last batch of a record file (its checksum verified).
- `("end", max_stamp, total_bytes)` at the very end.

Items. Incidents and tombstones: `(hex id, regency_code, field_stamps, row, field_bases,
via_package hex or None)`, the stamps as stored JSON text (packed, `db.stamps`), `row`
holding INCIDENT_ROW values. Follow-ups: `(line, row)`, `row` holding FOLLOWUP_COLUMNS
values. Attachments: `(line, record)` with the record as in the package. In rows, ids are 32 hex digits; with `Rules.sqlite` every
value is in SQLite's storage form (times `YYYY-MM-DD HH:MM:SS.ffffff` UTC, JSON as text,
booleans as 0/1), else Python values for SQLAlchemy (datetime, date, dict, bool).
"""

from __future__ import annotations

import collections
import marshal
import multiprocessing
import sys
import threading
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

import orjson

from posko_desktop.core.db.stamps import pack_text
from posko_desktop.core.domain import PROVINCE_CODE, Severity, is_agency_site
from posko_desktop.core.i18n import N_
from posko_desktop.core.sync import records
from posko_desktop.core.sync.package import RECORD_FILES, PackageError, PackageReader
from posko_desktop.core.timeutil import wib_date

INCIDENT_COLUMNS = (
    "id", "number", "origin_site", "regency_code", "kecamatan", "desa", "location",
    "occurred_at", "reported_at", "source_type", "source_detail", "title", "description",
    "category_code", "severity", "status", "people_involved", "recorded_by", "created_at",
    "updated_at", "updated_by", "respond_by", "responded_at", "next_referral_due", "mod_stamp",
    "deleted", *records.OPTIONAL_INCIDENT, "field_stamps",
)
INCIDENT_ROW = (*INCIDENT_COLUMNS, "occurred_date", "severity_rank")  # + derived columns
FOLLOWUP_COLUMNS = ("id", "incident_id", "created_at", "author", "origin_site", "kind", "text",
                    "status_from", "status_to", "agency_code", "due_at", "referral_id",
                    "referral_state", "mod_stamp", *records.OPTIONAL_FOLLOWUP)
INCIDENT_DT = ("occurred_at", "reported_at", "created_at", "updated_at", "respond_by",
               "responded_at", "next_referral_due")
_IN_RANGE = ("occurred_at", "reported_at", "created_at")
_FOLLOWUP_DT = ("created_at", "due_at")
_EARLIEST = datetime(2020, 1, 1, tzinfo=UTC)
_AHEAD = timedelta(days=2)
_RANK = {s.value: s.rank for s in Severity}
fromiso = datetime.fromisoformat
KINDS = ("incidents", "tombstones", "followups", "attachments")


@dataclass(frozen=True)
class Rules:
    """What the records are checked against (taken from the database before the scan)."""

    regencies: frozenset[str]
    categories: frozenset[str]
    now: datetime
    sqlite: bool
    batch: int = 1000
    # no stamp may be greater (`hlc.latest_text` of the receiver's clock + the tolerance)
    stamp_limit: str = "~"
    own_site: str = ""  # the receiving site: stamps naming it must be held here (apply.py)


class Refused(Exception):
    def __init__(self, message: str, params: dict[str, Any]) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


def dashed(hex_id: str) -> str:
    return "-".join((hex_id[:8], hex_id[8:12], hex_id[12:16], hex_id[16:20], hex_id[20:]))


def _sqlite_time(text: str, value: datetime) -> str:
    """SQLite's storage form of a checked time. The exporter's form (`…T…ffffff+00:00`,
    32 characters) is only cut and joined; callers inline that case."""
    if len(text) == 32 and text[26:] == "+00:00":
        return text[:10] + " " + text[11:26]
    return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]


class Scanner:
    """Checks one record at a time (raising `_Refused`) and builds its item."""

    def __init__(self, rules: Rules, file: str) -> None:
        self.rules = rules
        self.file = file
        self.max_stamp = ""
        self.earliest = _EARLIEST
        self.latest = rules.now + _AHEAD
        self.check_incident = records.checker("incident")
        self.check_followup = records.checker("followup")
        self.check_attachment = records.checker("attachment")

    def bad(self, member: str, line: int, problem: str) -> Refused:
        return Refused(N_("{file}: line {line} of {member} is not valid: {problem}"),
                        {"file": self.file, "line": line, "member": member, "problem": problem})

    def unknown(self, what: str, member: str, line: int, code: str) -> Refused:
        if what == "category":
            msg = N_("{file}: line {line} of {member}: unknown category {code}")
        else:
            msg = N_("{file}: line {line} of {member}: unknown regency code {code}")
        return Refused(msg, {"file": self.file, "line": line, "member": member, "code": code})

    def ahead(self, member: str, line: int, stamp: str) -> Refused:
        return Refused(N_("{file}: line {line} of {member}: the change stamp {stamp} lies "
                          "too far ahead of this computer's clock (site {site} has a wrong "
                          "clock, or the package was forged)"),
                       {"file": self.file, "line": line, "member": member, "stamp": stamp,
                        "site": stamp.split("-", 2)[-1]})

    def incident(self, kind: str, line: int, rec: Any) -> tuple[Any, ...]:
        member = RECORD_FILES[kind]
        problem = self.check_incident(rec)
        if problem:
            raise self.bad(member, line, problem)
        if (len(rec) != _RECORD_SIZE or len(rec["field_stamps"]) != _STAMPS_SIZE
                or len(rec["field_bases"]) != _STAMPS_SIZE):  # optional fields absent
            rec = records.complete_incident(rec)
        rules = self.rules
        if rec["deleted"] != (kind == "tombstones"):
            raise self.bad(member, line, "deleted flag does not fit the file")
        if rec["regency_code"] not in rules.regencies:
            raise self.unknown("regency", member, line, rec["regency_code"])
        if rec["category_code"] not in rules.categories:
            raise self.unknown("category", member, line, rec["category_code"])
        origin = rec["origin_site"]
        if (origin != PROVINCE_CODE and origin not in rules.regencies
                and not is_agency_site(origin)):
            raise self.unknown("regency", member, line, origin)
        kec, desa = rec["kecamatan_code"], rec["desa_code"]
        if (kec is not None and kec[:5] != rec["regency_code"]) or (
                desa is not None and desa[:8] != kec):
            raise self.bad(member, line, "the kecamatan/desa code is not in the regency")
        # times stay text when they are in the exporter's form; each is parsed once to
        # check it (the schema pattern admits e.g. month 13)
        texts = _GET_DT(rec)
        try:
            parsed = [None if t is None else fromiso(t) for t in texts]
        except ValueError:
            raise self.bad(member, line, "bad date") from None
        earliest, latest = self.earliest, self.latest
        for name, value in zip(_IN_RANGE, parsed, strict=False):
            if not earliest <= value <= latest:  # type: ignore[operator]
                raise self.bad(member, line, "{name} is out of range".format(name=name))
        stamps = rec["field_stamps"]
        top = max(stamps.values())
        if rec["mod_stamp"] > top:
            top = rec["mod_stamp"]
        if top > self.max_stamp:
            if top > rules.stamp_limit:
                raise self.ahead(member, line, top)
            self.max_stamp = top
        hex_id = rec["id"].replace("-", "")
        via = rec["via_package"]
        via = via.replace("-", "") if via else None
        stamps_text = pack_text(stamps)
        bases_text = pack_text(rec["field_bases"])
        row = list(_GET_INCIDENT(rec))
        row[0] = hex_id
        if rules.sqlite:
            for i, t, value in zip(_DT_AT, texts, parsed, strict=True):
                if t is not None:
                    row[i] = (t[:10] + " " + t[11:26] if len(t) == 32 and t[26:] == "+00:00"
                              else _sqlite_time(t, value))  # type: ignore[arg-type]
            row[_DELETED_AT] = int(row[_DELETED_AT])
            row[_STAMPS_AT] = stamps_text
            row.append(wib_date(parsed[0]).isoformat())  # type: ignore[arg-type]
        else:
            for i, value in zip(_DT_AT, parsed, strict=True):
                row[i] = value
            row.append(wib_date(parsed[0]))  # type: ignore[arg-type]
        row.append(_RANK[rec["severity"]])
        return (hex_id, rec["regency_code"], stamps_text, tuple(row), bases_text, via)

    def _child(self, check: Any, member: str, line: int, rec: Any,
               dt_fields: tuple[str, ...]) -> list[datetime | None]:
        problem = check(rec)
        if problem:
            raise self.bad(member, line, problem)
        try:
            parsed = [None if rec[name] is None else datetime.fromisoformat(rec[name])
                      for name in dt_fields]
        except ValueError:
            raise self.bad(member, line, "bad date") from None
        first = parsed[0]
        if first is None or not self.earliest <= first <= self.latest:
            raise self.bad(member, line, "{name} is out of range".format(name=dt_fields[0]))
        origin = rec["origin_site"]
        if (origin != PROVINCE_CODE and origin not in self.rules.regencies
                and not is_agency_site(origin)):
            raise self.unknown("regency", member, line, origin)
        if rec["mod_stamp"] > self.max_stamp:
            if rec["mod_stamp"] > self.rules.stamp_limit:
                raise self.ahead(member, line, rec["mod_stamp"])
            self.max_stamp = rec["mod_stamp"]
        return parsed

    def followup(self, line: int, rec: Any) -> tuple[int, tuple[Any, ...]]:
        created, due = self._child(self.check_followup, RECORD_FILES["followups"], line, rec,
                                   _FOLLOWUP_DT)
        row = [*_GET_FOLLOWUP(rec), rec.get("contact_id")]  # optional (format 2, 0024)
        row[_F_ID] = row[_F_ID].replace("-", "")
        row[_F_INCIDENT] = row[_F_INCIDENT].replace("-", "")
        if row[_F_REFERRAL] is not None:
            row[_F_REFERRAL] = row[_F_REFERRAL].replace("-", "")
        if row[_F_CONTACT] is not None:
            row[_F_CONTACT] = row[_F_CONTACT].replace("-", "")
        if self.rules.sqlite:
            t = row[_F_CREATED]
            row[_F_CREATED] = (t[:10] + " " + t[11:26] if len(t) == 32 and t[26:] == "+00:00"
                               else _sqlite_time(t, created))  # type: ignore[arg-type]
            t = row[_F_DUE]
            if t is not None:
                row[_F_DUE] = (t[:10] + " " + t[11:26] if len(t) == 32 and t[26:] == "+00:00"
                               else _sqlite_time(t, due))  # type: ignore[arg-type]
        else:
            row[_F_CREATED], row[_F_DUE] = created, due
        return line, tuple(row)

    def attachment(self, line: int, rec: Any) -> tuple[int, dict[str, Any]]:
        self._child(self.check_attachment, RECORD_FILES["attachments"], line, rec, ("added_at",))
        return line, rec


_DT_AT = [INCIDENT_COLUMNS.index(n) for n in INCIDENT_DT]
_GET_DT = itemgetter(*INCIDENT_DT)
_GET_INCIDENT = itemgetter(*INCIDENT_COLUMNS)
_GET_FOLLOWUP = itemgetter(*FOLLOWUP_COLUMNS[:-len(records.OPTIONAL_FOLLOWUP)])
_DELETED_AT = INCIDENT_COLUMNS.index("deleted")
_RECORD_SIZE = len(records.schema("incident")["properties"])
_STAMPS_SIZE = len(records.SYNC_FIELDS)
_STAMPS_AT = INCIDENT_COLUMNS.index("field_stamps")
# a follow-up row's columns by name (FOLLOWUP_COLUMNS; contact_id is the optional last one)
_F_ID, _F_INCIDENT, _F_CREATED, _F_DUE, _F_REFERRAL, _F_CONTACT = (
    FOLLOWUP_COLUMNS.index(name) for name in ("id", "incident_id", "created_at", "due_at",
                                              "referral_id", "contact_id"))


def scan_lines(scanner: Scanner, kind: str, first: int,
               lines: list[bytes]) -> tuple[list[Any], tuple[str, dict[str, Any]] | None]:
    """The items of one batch of lines, and the refusal of the line after the last item
    (None when all are valid)."""
    items: list[Any] = []
    member = RECORD_FILES[kind]
    objs = []
    broken = None
    for lineno, text in enumerate(lines, first):
        try:
            objs.append(orjson.loads(text))
        except ValueError:  # orjson.JSONDecodeError is a ValueError
            broken = (N_("{file}: line {line} of {member} is not valid JSON"),
                      {"file": scanner.file, "line": lineno, "member": member})
            break
    try:
        if kind in ("incidents", "tombstones"):
            for lineno, rec in enumerate(objs, first):
                items.append(scanner.incident(kind, lineno, rec))
        elif kind == "followups":
            for lineno, rec in enumerate(objs, first):
                items.append(scanner.followup(lineno, rec))
        else:
            for lineno, rec in enumerate(objs, first):
                items.append(scanner.attachment(lineno, rec))
    except Refused as err:
        return items, (err.message, err.params)
    return items, broken


def scan(reader: PackageReader, rules: Rules, kinds: Iterable[str],
         share: dict[str, int] | None = None) -> Generator[tuple[Any, ...], None, None]:
    """The messages for the record files `kinds` (in this order; see the module doc).
    With `share` {kind: n}, every n-th batch of that kind comes unchecked as
    `("lines", kind, first line number, lines)` for the receiver to check itself
    (`scan_lines`), so that the two processes share the work."""
    scanner = Scanner(rules, reader.name)
    for kind in kinds:
        lines = reader.iter_lines(kind, rules.batch)
        every = (share or {}).get(kind, 0)
        n = 0
        while True:
            try:
                got = next(lines, None)
            except PackageError as err:  # from the reader: limits, checksum
                yield ("batch", kind, [], (err.message, err.params))
                return
            if got is None:
                break
            first, batch = got
            n += 1
            if every and n % every == 0:
                yield ("lines", kind, first, batch)
                continue
            items, error = scan_lines(scanner, kind, first, batch)
            yield ("batch", kind, items, error)
            if error is not None:
                return
        yield ("done", kind)
    yield ("end", scanner.max_stamp, reader.total)


# --- helper process ----------------------------------------------------------------------

def helper_allowed() -> bool:
    """Only with fork (Linux) and from a single-threaded process (the CLI): spawn would
    re-run the caller's main module (main.py, a frozen app) in the helper, and forking a
    process with other threads (the GUI) is unsafe. Otherwise the scan runs in-process."""
    return (multiprocessing.cpu_count() >= 2 and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods()
            and sys.platform.startswith("linux"))


def _helper(reader: PackageReader, rules: Rules, kinds: list[str], share: dict[str, int] | None,
            conn: Any) -> None:
    try:
        reader.reopen()  # the same file through a handle of its own (own read position)
        for msg in scan(reader, rules, kinds, share):
            conn.send_bytes(marshal.dumps(msg))
    except BaseException as err:  # reported to the parent, which raises it
        conn.send_bytes(marshal.dumps(("crash", repr(err))))
    finally:
        conn.close()


def scan_in_helper(reader: PackageReader, rules: Rules, kinds: list[str],
                   share: dict[str, int] | None = None) -> Generator[tuple[Any, ...], None, None]:
    """`scan` in a forked helper process; the caller must have checked `helper_allowed`.
    A thread takes the helper's messages off the pipe as they come (up to `AHEAD_BYTES`
    waiting), so the helper keeps checking while the caller is busy elsewhere (building
    indexes). Closing the iterator early (an error, a cancel) stops the helper."""
    mp = multiprocessing.get_context("fork")
    receiver, sender = mp.Pipe(duplex=False)
    proc = mp.Process(target=_helper, args=(reader, rules, kinds, share, sender), daemon=True)
    proc.start()
    sender.close()  # the helper holds the only sending end
    inbox = _Inbox()
    pump = threading.Thread(target=inbox.fill, args=(receiver,), daemon=True)
    pump.start()
    try:
        while True:
            data = inbox.get()
            if data is None:
                raise RuntimeError("package reader process stopped")
            msg = marshal.loads(data)
            if msg[0] == "crash":
                raise RuntimeError("package reader process failed: " + msg[1])
            yield msg
            if msg[0] == "end":
                break
        proc.join(timeout=10)
    finally:
        inbox.stop()
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout=5)
        pump.join()  # ends at the end of the pipe, or as soon as stopped
        receiver.close()


AHEAD_BYTES = 64 << 20  # messages read ahead of the caller, at most


class _Inbox:
    """The helper's messages, read off the pipe by a thread; None once the pipe closed."""

    def __init__(self) -> None:
        self.items: collections.deque[bytes | None] = collections.deque()
        self.size = 0
        self.stopped = False
        self.cond = threading.Condition()

    def fill(self, receiver: Any) -> None:
        while True:
            try:
                data: bytes | None = receiver.recv_bytes()
            except (EOFError, OSError):
                data = None
            n = len(data) if data else 0
            with self.cond:
                while self.size and self.size + n > AHEAD_BYTES and not self.stopped:
                    self.cond.wait()
                if self.stopped:
                    return
                self.items.append(data)
                self.size += n
                self.cond.notify_all()
            if data is None:
                return

    def get(self) -> bytes | None:
        with self.cond:
            while not self.items:
                self.cond.wait()
            data = self.items.popleft()
            self.size -= len(data) if data else 0
            self.cond.notify_all()
            return data

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            self.cond.notify_all()
