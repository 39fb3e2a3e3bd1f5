"""The registry of record types that sync through the generic path (docs/sync-format.md,
"Record types"). Incidents, their follow-ups and attachments keep their tuned path
(`scan.py`, `services/sync/apply.py`); every later record type (activities, social posts,
hoax cases, take-down requests, TPS ...) is one `SyncedKind` here, one schema file in
resources/schemas/ and one `services/sync/records.SyncedTable`.

A record of such a type is one JSON line in `records/<name>.jsonl`: its id, number,
origin, authorship columns, every synced field, the tombstone `deleted` (a synced field
like the others, so a deleted record stays in the same file), `field_stamps` and
`field_bases` (one stamp per synced field) and `via_package` for a relayed record.
`check_record` makes every check that needs no database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from posko_desktop.core import places
from posko_desktop.core.domain import PROVINCE_CODE, ProgressStage, is_agency_site
from posko_desktop.core.sync import baseline_checks, medsos_checks, records
from posko_desktop.core.textrules import control_character

if TYPE_CHECKING:  # imported when a package is checked: the window and the CLI start without
    import jsonschema

# travel with every record besides the synced fields (not merged: set by the origin site,
# `mod_stamp`/`updated_*` follow the newest change)
HEADER_COLUMNS = ("id", "number", "origin_site", "recorded_by", "created_at", "updated_at",
                  "updated_by", "mod_stamp")
EARLIEST = datetime(2020, 1, 1, tzinfo=UTC)
AHEAD = timedelta(days=2)  # a time in a record may lie this far ahead of the receiver's clock


@dataclass(frozen=True)
class SyncedKind:
    """A record type that syncs. `fields` are the synced fields, each with a stamp of its
    own, ending with the tombstone `deleted`; `datetime_fields` of them travel as ISO text
    (UTC); `in_range` (and `created_at`) must lie between 2020 and the receiver's clock +
    2 days; `regency_lists` are lists of regency codes known here, `regency_fields` one
    such code or None; `attachments` names a
    field holding [{sha256, filename, mime, size}] whose content travels in `blobs/`."""

    name: str  # manifest count, record file records/<name>.jsonl, record_conflict.record_kind
    record_type: str  # audit entries; schema resources/schemas/sync-<type>.schema.json
    fields: tuple[str, ...]
    datetime_fields: tuple[str, ...] = ()
    in_range: tuple[str, ...] = ()
    regency_lists: tuple[str, ...] = ()
    regency_fields: tuple[str, ...] = ()
    attachments: str | None = None
    texts: tuple[str, ...] = ()  # one-line text fields (or lists of them): no control characters
    multiline_texts: tuple[str, ...] = ()
    check: Callable[[dict[str, Any]], str | None] | None = None  # the type's own rules

    def __post_init__(self) -> None:
        assert self.fields[-1] == "deleted", "the tombstone is the last synced field"

    @property
    def record_file(self) -> str:
        return "records/{name}.jsonl".format(name=self.name)

    @property
    def columns(self) -> tuple[str, ...]:
        """The keys of a record line, in the order the exporter writes them."""
        return (*HEADER_COLUMNS, *self.fields, "field_stamps", "field_bases", "via_package")


KINDS: dict[str, SyncedKind] = {}


def register(kind: SyncedKind) -> SyncedKind:
    assert kind.name not in KINDS and kind.name not in ("incidents", "tombstones",
                                                        "followups", "attachments")
    KINDS[kind.name] = kind
    return kind


def _place_problem(rec: dict[str, Any]) -> str | None:
    """Place codes of the shipped Kemendagri list (`core/places.py`). Not how they relate to
    each other and to the regencies: the services check that at entry, and a field merge of
    two concurrent edits (regencies here, the desa there) may join values that no one
    entered together; refusing such a record would block every later package."""
    index = places.shipped_index()
    if rec["kecamatan_code"] is not None and rec["kecamatan_code"] not in index.kecamatan:
        return "unknown kecamatan code {code}".format(code=rec["kecamatan_code"])
    if rec["desa_code"] is not None and rec["desa_code"] not in index.desa:
        return "unknown desa code {code}".format(code=rec["desa_code"])
    return None


def _contest_problem(rec: dict[str, Any]) -> str | None:
    """A contest of the shipped regency list (or 33); a pair only with its contest (the
    service writes the two together, so a merge keeps them together). Whether the pair is
    held here is checked where a person names it: the pair may arrive in a later package."""
    code = rec["contest_code"]
    if code is not None and code != PROVINCE_CODE and (
            code not in places.shipped_index().kec_of_regency):
        return "unknown contest code {code}".format(code=code)
    if rec["pair_number"] is not None and code is None:
        return "a pair number without its contest"
    return None


ACTIVITIES = register(SyncedKind(
    name="activities", record_type="activity",
    fields=("started_at", "ended_at", "kind", "title", "regencies", "partners", "result",
            "kecamatan_code", "desa_code", "reporting_unit", "attachments", "deleted"),
    datetime_fields=("started_at", "ended_at"), in_range=("started_at",),
    regency_lists=("regencies",), attachments="attachments",
    texts=("number", "title", "partners", "recorded_by", "updated_by"),
    multiline_texts=("result",),
    check=_place_problem,
))


def _counts_problem(rec: dict[str, Any]) -> str | None:
    done, total = rec["counts"]
    if done > total:
        return "counts: done is greater than total"
    if ProgressStage(rec["stage"]).yes_no and total != 1:
        return "counts: a yes/no stage counts of 1"
    return None


STAGE_REPORTS = register(SyncedKind(
    name="stage_reports", record_type="stage_report",
    fields=("regency", "stage", "as_of", "counts", "note", "deleted"),
    datetime_fields=("as_of",), in_range=("as_of",), regency_fields=("regency",),
    texts=("number", "recorded_by", "updated_by"), multiline_texts=("note",),
    check=_counts_problem,
))

CANDIDATE_PAIRS = register(SyncedKind(
    name="candidate_pairs", record_type="candidate_pair",
    fields=("contest_code", "ballot_number", "head", "deputy", "parties", "deleted"),
    texts=("number", "head", "deputy", "parties", "recorded_by", "updated_by"),
))


def _unit_rule(rec: dict[str, Any]) -> str | None:
    """A regency office's unit is coded as its regency; an agency's has no regency and a
    code of capitals (the schema's pattern allows either)."""
    if rec["unit_type"] == "regency":
        if rec["regency_code"] is None or rec["number"] != rec["regency_code"]:
            return "a regency unit's code is its regency code"
    elif rec["regency_code"] is not None or rec["number"].startswith("33."):
        return "an agency unit has no regency code"
    if rec["site_code"] is not None and rec["unit_type"] != "agency":
        return "only an agency unit has a site of its own"
    return None


UNITS = register(SyncedKind(
    name="units", record_type="reporting_unit",
    fields=("name", "unit_type", "regency_code", "cadence", "agency_code", "active",
            "site_code", "deleted"),
    regency_fields=("regency_code",), check=_unit_rule,
    texts=("number", "name", "agency_code", "recorded_by", "updated_by"),
))


# The baseline sheets (issue 17; every database holds them from the start, sync/
# baseline_checks.py says who may author which)
_SHEET = ("area", "rows", "label", "deleted")
TPS_SHEETS = register(SyncedKind(
    name="tps_sheets", record_type="tps_sheet", fields=_SHEET,
    texts=("number", "label", "recorded_by", "updated_by"),
    check=baseline_checks.check_tps_sheet,
))
TPS_RAWAN_SHEETS = register(SyncedKind(
    name="tps_rawan_sheets", record_type="tps_rawan_sheet", fields=_SHEET,
    texts=("number", "label", "recorded_by", "updated_by"),
    check=baseline_checks.check_rawan_sheet,
))
POLDA_SHEETS = register(SyncedKind(
    name="polda_sheets", record_type="polda_sheet", fields=_SHEET,
    texts=("number", "label", "recorded_by", "updated_by"),
    check=baseline_checks.check_polda_sheet,
))
IKP_SHEETS = register(SyncedKind(
    name="ikp_sheets", record_type="ikp_sheet", fields=_SHEET, regency_fields=("area",),
    texts=("number", "label", "recorded_by", "updated_by"),
    check=baseline_checks.check_ikp_sheet,
))


def _agency_rule(rec: dict[str, Any]) -> str | None:
    if rec["parent_code"] == rec["number"]:
        return "an agency is not its own parent"
    return None


# the directory of agencies and contact persons (issue 18, services/directory.py)
AGENCIES = register(SyncedKind(
    name="agencies", record_type="agency",
    fields=("name", "level", "parent_code", "address", "answer_hours", "active", "deleted"),
    texts=("number", "name", "parent_code", "recorded_by", "updated_by"),
    multiline_texts=("address",), check=_agency_rule,
))
AGENCY_CONTACTS = register(SyncedKind(
    name="agency_contacts", record_type="agency_contact",
    fields=("agency_code", "name", "function", "phone", "whatsapp", "email", "note", "active",
            "deleted"),
    texts=("number", "agency_code", "name", "function", "email", "recorded_by", "updated_by"),
    multiline_texts=("note",),
))


# Pantau Medsos (issue 16; the nested texts and values: sync/medsos_checks.py)
SOCIAL_POSTS = register(SyncedKind(
    name="social_posts", record_type="social-post",
    fields=("platform", "url", "canonical_url", "post_id", "account_name", "account_handle",
            "account_id", "posted_at", "text", "engagement", "regencies", "contest",
            "kecamatan_code", "desa_code", "contest_code", "pair_number", "flags",
            "lexicon_version", "case_id", "dismissed", "evidence", "deleted"),
    datetime_fields=("posted_at",), regency_lists=("regencies",), attachments="evidence",
    texts=("number", "url", "canonical_url", "post_id", "account_name", "account_handle",
           "account_id", "contest", "lexicon_version", "recorded_by", "updated_by"),
    multiline_texts=("text",), check=lambda rec: (_place_problem(rec) or _contest_problem(rec)
                                                  or medsos_checks.check_post(rec)),
))
HOAX_CASES = register(SyncedKind(
    name="hoax_cases", record_type="hoax-case",
    fields=("claim", "category", "priority", "status", "regencies", "verdict", "fact_checks",
            "clarification", "incidents", "evidence", "note", "deleted"),
    regency_lists=("regencies",), attachments="evidence",
    texts=("number", "claim", "recorded_by", "updated_by"), multiline_texts=("note",),
    check=medsos_checks.check_case,
))
TAKEDOWNS = register(SyncedKind(
    name="takedowns", record_type="takedown",
    fields=("case_id", "addressee", "platform", "posts", "channel", "reference", "legal_basis",
            "status", "submitted_at", "closed_at", "rechecks", "note", "deleted"),
    datetime_fields=("submitted_at", "closed_at"),
    texts=("number", "channel", "reference", "legal_basis", "recorded_by", "updated_by"),
    multiline_texts=("note",), check=medsos_checks.check_takedown,
))
LEXICON_ENTRIES = register(SyncedKind(
    name="lexicon_entries", record_type="lexicon-entry",
    fields=("term", "category", "action", "deleted"),
    texts=("number", "term", "category", "recorded_by", "updated_by"),
))


@cache
def _validator(record_type: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(records.schema(record_type))


def _schema_problem(kind: SyncedKind, rec: Any) -> str | None:
    """The full JSON Schema (arrays and their items too; these record types are few per
    package, so the generic validator's cost does not matter, unlike `records.checker`)."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator(kind.record_type).iter_errors(rec))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path)
    return "{w}{m}".format(w=where + ": " if where else "", m=error.message[:160])


def _text_problem(kind: SyncedKind, rec: dict[str, Any]) -> str | None:
    for names, multiline in ((kind.texts, False), (kind.multiline_texts, True)):
        for name in names:
            values = rec[name] if isinstance(rec[name], list) else [rec[name]]
            for value in (v for v in values if v is not None):  # a nullable text
                bad = control_character(value, multiline=multiline)
                if bad is not None:
                    return "{name}: control character {ch}".format(name=name, ch=bad)
    if kind.attachments:
        for att in rec[kind.attachments]:
            if control_character(att["filename"]) is not None:
                return "{name}: control character in a file name".format(name=kind.attachments)
    return None


@dataclass(frozen=True)
class KindRules:
    """What the records are checked against (taken from the database before reading)."""

    regencies: frozenset[str]
    now: datetime
    stamp_limit: str  # no stamp may be greater (receiver's clock + tolerance)


def check_record(kind: SyncedKind, rec: Any, rules: KindRules) -> str | None:
    """None when `rec` passes every check that needs no database, else a short English
    reason (the import names file and line): the schema, control characters in texts,
    the times, the regency codes, the origin and the stamps ("ahead": a stamp beyond
    `stamp_limit`, for which the import has a message of its own)."""
    problem = _schema_problem(kind, rec) or _text_problem(kind, rec)
    if problem:
        return problem
    try:
        times = {name: datetime.fromisoformat(rec[name]) for name in
                 (*kind.datetime_fields, "created_at", "updated_at") if rec[name] is not None}
    except ValueError:
        return "bad date"
    latest = rules.now + AHEAD
    for name in (*kind.in_range, "created_at"):
        value = times.get(name)
        if value is None or not EARLIEST <= value <= latest:
            return "{name} is out of range".format(name=name)
    origin = rec["origin_site"]
    if (origin != PROVINCE_CODE and origin not in rules.regencies
            and not is_agency_site(origin)):
        return "unknown regency code {code}".format(code=origin)
    for name in kind.regency_lists:
        unknown = [c for c in rec[name] if c not in rules.regencies]
        if unknown:
            return "unknown regency code {code}".format(code=unknown[0])
        if len(set(rec[name])) != len(rec[name]):
            return "{name} names a regency twice".format(name=name)
    for name in kind.regency_fields:
        if rec[name] is not None and rec[name] not in rules.regencies:
            return "unknown regency code {code}".format(code=rec[name])
    problem = kind.check(rec) if kind.check is not None else None
    if problem:
        return problem
    if set(rec["field_stamps"]) != set(kind.fields) or set(rec["field_bases"]) != set(kind.fields):
        return "field_stamps and field_bases must name every synced field"
    if rec["mod_stamp"] != max(rec["field_stamps"].values()):
        return "mod_stamp is not the newest field stamp"
    if rec["mod_stamp"] > rules.stamp_limit:
        return "ahead"
    return None


def python_values(kind: SyncedKind, rec: dict[str, Any]) -> dict[str, Any]:
    """The synced fields of a checked record as Python values (datetimes aware UTC)."""
    out = {name: rec[name] for name in kind.fields}
    for name in kind.datetime_fields:
        if out[name] is not None:
            out[name] = datetime.fromisoformat(out[name]).astimezone(UTC)
    return out
