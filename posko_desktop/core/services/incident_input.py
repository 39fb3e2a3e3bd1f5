"""What a person enters for an incident, and its checks: the input type, the editable
fields and `validate_input` (the one place a field's rule lives; the form, the CLI, the
XLSX import and the sync edit path all go through it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from posko_desktop.core import taxonomy
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Category, Regency
from posko_desktop.core.domain import (
    Severity,
    SourceType,
    ValidationError,
    ValidationErrors,
    text_problem,
)
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import contests
from posko_desktop.core.services import places as place_rules
from posko_desktop.core.services.reference import RegencyInfo, normalize_regency_code
from posko_desktop.core.taxonomy import Channel, LegalType
from posko_desktop.core.timeutil import ensure_utc

TITLE_MAX = 200
TEXT_MAX = 20_000
VICTIMS_MAX = 1_000_000
# the flash report's fields (laporan cepat): victims, loss, current condition, source contact
REPORT_FIELDS = ("victims_dead", "victims_injured", "material_loss", "current_condition",
                 "source_contact", "source_phone")
# the place by code (the names stay) and coordinates (issue 17)
PLACE_FIELDS = ("kecamatan_code", "desa_code", "latitude", "longitude")
# the contest, candidate pair (ballot number) and TPS concerned (issue 17, `contests`)
CONTEST_FIELDS = ("contest_code", "pair_number", "tps_number")
# the taxonomy's other axes (issue 18, core/taxonomy.py): "" = not stated
TAXONOMY_FIELDS = ("channel", "legal_type")
# text fields: (limit, multi-line)
_TEXT_LIMITS = {"kecamatan": (100, False), "desa": (100, False), "location": (200, False),
                "source_detail": (500, False), "description": (TEXT_MAX, True),
                "material_loss": (1000, True), "current_condition": (TEXT_MAX, True),
                "source_contact": (120, False), "source_phone": (30, False)}
_PHONE = re.compile(r"[0-9 +\-]*")
EDITABLE_FIELDS = (
    "regency_code", "kecamatan", "desa", "location", "occurred_at", "reported_at",
    "source_type", "source_detail", "title", "description", "category_code", "severity",
    "people_involved", *REPORT_FIELDS, *PLACE_FIELDS, *CONTEST_FIELDS, *TAXONOMY_FIELDS,
)
PLACE_INPUTS = frozenset({"regency_code", "kecamatan", "desa", "kecamatan_code", "desa_code"})
CONTEST_INPUTS = frozenset(CONTEST_FIELDS)


@dataclass
class IncidentInput:
    """What a person enters. Datetimes: aware, or naive meaning WIB wall time."""

    regency_code: str
    title: str
    category_code: str
    severity: str
    occurred_at: datetime
    source_type: str = SourceType.LAPANGAN.value
    source_detail: str = ""
    description: str = ""
    kecamatan: str = ""
    desa: str = ""
    location: str = ""
    reported_at: datetime | None = None
    people_involved: int | None = None
    victims_dead: int | None = None
    victims_injured: int | None = None
    material_loss: str = ""
    current_condition: str = ""
    source_contact: str = ""
    source_phone: str = ""
    kecamatan_code: str | None = None
    desa_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    contest_code: str | None = None
    pair_number: int | None = None
    tps_number: int | None = None
    channel: str = ""
    legal_type: str = ""


def editable_values(record: Any) -> dict[str, Any]:
    """The editable fields of an incident (row or DTO) by name."""
    return {name: getattr(record, name) for name in EDITABLE_FIELDS}


# --- validation ------------------------------------------------------------------------


def validate_input(session: Session, data: IncidentInput, now: datetime,
                   check_places: bool = True, check_contest: bool = True,
                   stored_category: str | None = None) -> dict[str, Any]:
    """Check every field; raise ValidationErrors with one message per bad field.
    `check_places` False keeps the kecamatan/desa names and codes as they are (an edit
    that does not touch them: names stored before the list keep their free text);
    `check_contest` False keeps contest, pair and TPS (a pair deleted since stays named).
    `stored_category`: the category of the incident edited; it stays valid when it has
    been retired since (docs/taxonomy.md). None: a new incident."""
    errors: list[ValidationError] = []
    values: dict[str, Any] = {}

    code = normalize_regency_code(data.regency_code or "")
    regency = session.get(Regency, code) if code else None
    if regency is None:
        errors.append(ValidationError(
            N_("Unknown regency code {code}"), field="regency_code", code=data.regency_code))
    values["regency_code"] = code

    title = (data.title or "").strip()
    control = text_problem(title, "title")
    if control is not None:
        errors.append(control)
    elif len(title) < 3:
        errors.append(ValidationError(N_("The title needs at least 3 characters"), field="title"))
    elif len(title) > TITLE_MAX:
        errors.append(ValidationError(
            N_("The title may have at most {max} characters"), field="title", max=TITLE_MAX))
    values["title"] = title

    cat = session.get(Category, (data.category_code or "").strip().upper())
    if cat is None or cat.parent_code is None:
        errors.append(ValidationError(
            N_("Choose a category (for example A1), not {code}"), field="category_code",
            code=data.category_code))
    elif not cat.active and cat.code != stored_category:
        errors.append(ValidationError(
            N_("Category {code} is no longer in use"), field="category_code", code=cat.code))
    values["category_code"] = cat.code if cat else None
    _check_taxonomy(data, values, errors, creating=stored_category is None)

    try:
        values["severity"] = Severity((data.severity or "").strip().lower()).value
    except ValueError:
        errors.append(ValidationError(
            N_("Unknown severity {value}"), field="severity", value=data.severity))
    try:
        values["source_type"] = SourceType((data.source_type or "").strip()).value
    except ValueError:
        errors.append(ValidationError(
            N_("Unknown source type {value}"), field="source_type", value=data.source_type))

    occurred = ensure_utc(data.occurred_at) if data.occurred_at else None
    reported = ensure_utc(data.reported_at) if data.reported_at else now
    if occurred is None:
        errors.append(ValidationError(N_("When did it happen?"), field="occurred_at"))
    elif occurred > now + timedelta(minutes=5):
        errors.append(ValidationError(
            N_("The time of the incident is in the future"), field="occurred_at"))
    elif occurred.year < 2020:
        errors.append(ValidationError(
            N_("The time of the incident is before 2020"), field="occurred_at"))
    elif occurred > reported + timedelta(minutes=1):
        errors.append(ValidationError(
            N_("The incident cannot happen after it was reported"), field="occurred_at"))
    values["occurred_at"] = occurred
    values["reported_at"] = reported

    for name, (limit, multiline) in _TEXT_LIMITS.items():
        text = (getattr(data, name) or "").strip()
        control = text_problem(text, name, multiline=multiline)
        if control is not None:
            errors.append(control)
        elif len(text) > limit:
            errors.append(ValidationError(
                N_("At most {max} characters"), field=name, max=limit))
        values[name] = text
    if values["source_phone"] and (not _PHONE.fullmatch(values["source_phone"])
                                   or not any(c.isdigit() for c in values["source_phone"])):
        errors.append(ValidationError(
            N_("A phone number has digits, spaces, + and - only, not {value}"),
            field="source_phone", value=values["source_phone"]))

    values["latitude"], values["longitude"] = place_rules.check_coordinates(
        data.latitude, data.longitude, errors)
    values["kecamatan_code"], values["desa_code"] = data.kecamatan_code, data.desa_code
    if check_places and regency is not None and not any(
            e.field in ("kecamatan", "desa") for e in errors):
        values.update(place_rules.check_place(
            regency.code, RegencyInfo(regency.code, regency.kind, regency.name).full_name,
            values["kecamatan"], values["desa"], data.kecamatan_code, data.desa_code, errors))

    contest = {"contest_code": data.contest_code, "pair_number": data.pair_number,
               "tps_number": data.tps_number}
    values.update(contests.check_incident_fields(
        session, values.get("regency_code"), {**contest, "desa_code": values["desa_code"]},
        errors) if check_contest else contest)

    people = data.people_involved
    if people is not None and (not isinstance(people, int) or people < 0 or people > 1_000_000):
        errors.append(ValidationError(
            N_("Number of people must be between 0 and 1,000,000"), field="people_involved"))
    values["people_involved"] = people
    for name in ("victims_dead", "victims_injured"):
        count = getattr(data, name)
        if count is not None and (type(count) is not int or not 0 <= count <= VICTIMS_MAX):
            errors.append(ValidationError(
                N_("Number of victims must be between 0 and 1,000,000"), field=name))
        values[name] = count

    if errors:
        raise ValidationErrors(errors)
    return values


def check_input(ctx: AppContext, data: IncidentInput) -> dict[str, str]:
    """The message per field that saving `data` now would give ({} when it would pass);
    the form uses it to take a message away as soon as its field is valid."""
    with ctx.db.read() as s:
        try:
            validate_input(s, data, ctx.now())
        except ValidationErrors as errs:
            return errs.by_field()
    return {}


def sent_fields(data: IncidentInput | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(data, IncidentInput):
        sent = {name: getattr(data, name) for name in EDITABLE_FIELDS}
        if sent["reported_at"] is None:  # the form's "keep the stored time"
            del sent["reported_at"]
        return sent
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(N_("{name} is not an editable field"), field=unknown[0],
                              name=unknown[0])
    sent = dict(data)
    for name in ("kecamatan", "desa"):  # a name sent alone is looked up, not the old code
        if name in sent:
            sent.setdefault(name + "_code", None)
    return sent


def _check_taxonomy(data: IncidentInput, values: dict[str, Any], errors: list[ValidationError],
                    creating: bool) -> None:
    """Channel and legal type: a code or "" (not stated). A new incident of a category
    digital by nature is online when no channel is given (`taxonomy.default_channel`); an
    edit never fills it by itself."""
    channel = (data.channel or "").strip().lower()
    if channel and channel not in Channel._value2member_map_:
        errors.append(ValidationError(N_("Unknown channel {value} (daring or luring)"),
                                      field="channel", value=data.channel))
    elif values["category_code"] and creating:
        channel = taxonomy.default_channel(values["category_code"], channel)
    values["channel"] = channel
    legal = (data.legal_type or "").strip().lower()
    if legal and legal not in LegalType._value2member_map_:
        errors.append(ValidationError(
            N_("Unknown legal type {value} (administrasi, pidana, kode_etik, hukum_lainnya)"),
            field="legal_type", value=data.legal_type))
    values["legal_type"] = legal
