"""Places by code (issue 17): an incident's kecamatan and desa checked against the
Kemendagri list, name completion for the form, and the report of how the free-text names
of existing incidents matched (migration 0011, `posko places match-report`)."""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from posko_desktop.core import places
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Incident
from posko_desktop.core.domain import ValidationError
from posko_desktop.core.i18n import N_
from posko_desktop.core.places import AMBIGUOUS, MATCHED, UNKNOWN, Place

logger = logging.getLogger(__name__)

def check_place(regency_code: str, regency_name: str, kecamatan: str, desa: str,
                kecamatan_code: str | None, desa_code: str | None,
                errors: list[ValidationError]) -> dict[str, Any]:
    """The place of an incident as stored: codes (given, or found by the names when they
    leave no doubt) and the list's names for a coded place. A code or name that does not
    fit is a ValidationError in `errors`, naming the candidates."""
    index = places.shipped_index()
    out: dict[str, Any] = {"kecamatan": kecamatan, "desa": desa, "kecamatan_code": None,
                           "desa_code": None}
    kec_code = (kecamatan_code or "").strip() or None
    d_code = (desa_code or "").strip() or None
    d = index.desa.get(d_code) if d_code else None
    if d_code and d is None:
        errors.append(ValidationError(N_("Unknown desa/kelurahan code {code}"),
                                      field="desa_code", code=d_code))
        return out
    # the kecamatan: by code, else by name, else the coded desa's
    k: Place | None = None
    if kec_code:
        k = index.kecamatan.get(kec_code)
        if k is None:
            errors.append(ValidationError(N_("Unknown kecamatan code {code}"),
                                          field="kecamatan_code", code=kec_code))
            return out
    elif places.norm(kecamatan):
        found = index.kec_by_name.get((regency_code, places.norm(kecamatan)), [])
        if len(found) != 1:
            errors.append(ValidationError(
                N_("No kecamatan {name} in {regency}; kecamatan there: {candidates}"),
                field="kecamatan", name=kecamatan, regency=regency_name,
                candidates=places.names(index.near(kecamatan, index.kec_of_regency.get(
                    regency_code, [])))))
            return out
        k = found[0]
    elif d is not None:
        k = index.kecamatan[d.parent]
    if k is not None and k.parent != regency_code:
        errors.append(ValidationError(
            N_("Kecamatan {name} ({code}) is not in {regency}; kecamatan there: {candidates}"),
            field="kecamatan", name=k.name, code=k.code, regency=regency_name,
            candidates=places.names(index.near(k.name, index.kec_of_regency.get(
                regency_code, [])))))
        return out
    # the desa: by code, else by name in the kecamatan (or in the regency without one)
    if d is None and places.norm(desa):
        scope = ((k.code, places.norm(desa)) if k is not None
                 else (regency_code, places.norm(desa)))
        found = (index.desa_by_name if k is not None else index.desa_in_regency).get(scope, [])
        if len(found) == 1:
            d = found[0]
        elif found:
            errors.append(ValidationError(
                N_("Desa/kelurahan {name} is in several kecamatan of {regency}: {candidates}; "
                   "choose the kecamatan"), field="desa", name=desa, regency=regency_name,
                candidates=places.names(index.kecamatan[x.parent] for x in found)))
            return out
        elif k is not None:
            errors.append(_not_in_kecamatan(index, desa, k))
            return out
        else:
            errors.append(ValidationError(N_("No desa/kelurahan {name} in {regency}"),
                                          field="desa", name=desa, regency=regency_name))
            return out
        if k is None:
            k = index.kecamatan[d.parent]
    if d is not None and k is not None and d.parent != k.code:
        errors.append(_not_in_kecamatan(index, d.name, k))
        return out
    if k is not None:
        out.update(kecamatan=k.name, kecamatan_code=k.code)
    if d is not None:
        out.update(desa=d.name, desa_code=d.code)
    return out


_OUTSIDE_ACTIVITY = N_("Kecamatan {name} ({code}) is in regency {regency}, which the "
                      "activity does not name")


def check_activity_place(regencies: list[str], kecamatan_code: str | None,
                         desa_code: str | None, outside: str = _OUTSIDE_ACTIVITY,
                         ) -> tuple[str | None, str | None]:
    """An activity's place by code (issue 17): a kecamatan of one of the activity's
    regencies, a desa of that kecamatan (a desa alone names its kecamatan); else a
    ValidationError naming the field and the candidates. `outside`: the message when the
    kecamatan lies in a regency the record does not name (a post's, for posts)."""
    index = places.shipped_index()
    kec = (kecamatan_code or "").strip() or None
    desa = (desa_code or "").strip() or None
    d = index.desa.get(desa) if desa else None
    if desa and d is None:
        raise ValidationError(N_("Unknown desa/kelurahan code {code}"), field="desa_code",
                              code=desa)
    if kec is None and d is not None:
        kec = d.parent
    if kec is None:
        return None, None
    k = index.kecamatan.get(kec)
    if k is None:
        raise ValidationError(N_("Unknown kecamatan code {code}"), field="kecamatan_code",
                              code=kec)
    if k.parent not in regencies:
        raise ValidationError(outside, field="kecamatan_code", name=k.name, code=k.code,
                              regency=k.parent)
    if d is not None and d.parent != k.code:
        err = _not_in_kecamatan(index, d.name, k)
        err.field = "desa_code"
        raise err
    return k.code, d.code if d is not None else None


def _not_in_kecamatan(index: places.PlaceIndex, desa_name: str, k: Place) -> ValidationError:
    """"Lerep is not in Kecamatan Bergas; …": the kecamatan that have it, or similar names."""
    elsewhere = [index.kecamatan[d.parent] for d in index.desa_in_regency.get(
        (k.parent, places.norm(desa_name)), [])]
    if elsewhere:
        return ValidationError(
            N_("Desa/kelurahan {name} is not in Kecamatan {kecamatan}; it is in Kecamatan "
               "{candidates}"), field="desa", name=desa_name, kecamatan=k.name,
            candidates=places.names(elsewhere))
    return ValidationError(
        N_("Desa/kelurahan {name} is not in Kecamatan {kecamatan}; desa/kelurahan there: "
           "{candidates}"), field="desa", name=desa_name, kecamatan=k.name,
        candidates=places.names(index.near(desa_name, index.desa_of_kec.get(k.code, []))))


def check_coordinates(latitude: Any, longitude: Any,
                      errors: list[ValidationError]) -> tuple[float | None, float | None]:
    """WGS 84 degrees, both or neither."""
    if latitude is None and longitude is None:
        return None, None
    ok = True
    for name, value, limit, message in (
            ("latitude", latitude, 90,
             N_("{value} is not a latitude in degrees (WGS 84) between -90 and 90")),
            ("longitude", longitude, 180,
             N_("{value} is not a longitude in degrees (WGS 84) between -180 and 180"))):
        if value is None:
            errors.append(ValidationError(N_("Give both latitude and longitude, or neither"),
                                          field=name))
            ok = False
        elif (type(value) not in (int, float) or not math.isfinite(value)
              or not -limit <= value <= limit):
            errors.append(ValidationError(message, field=name, value=value))
            ok = False
    return (float(latitude), float(longitude)) if ok else (None, None)


# --- completion (the form) -------------------------------------------------------------


def kecamatan_names(regency_code: str) -> list[Place]:
    return list(places.shipped_index().kec_of_regency.get(regency_code, []))


def desa_names(kecamatan_code: str) -> list[Place]:
    return list(places.shipped_index().desa_of_kec.get(kecamatan_code, []))


# --- the match report ----------------------------------------------------------------


@dataclass
class MatchReport:
    """How the incidents' kecamatan/desa names relate to the list: `coded` have codes,
    the others by outcome of matching their names (`places.Match`)."""

    incidents: int = 0
    without_place: int = 0
    kecamatan: Counter[str] = field(default_factory=Counter)
    desa: Counter[str] = field(default_factory=Counter)
    unmatched: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)


def match_report(ctx: AppContext, top: int = 20) -> MatchReport:
    """Counts per outcome over every incident (deleted ones too); a name counts as
    `matched` only when it has its code. The most frequent names left without a code
    (regency, kecamatan, desa, reason) in `unmatched`."""
    report = MatchReport()
    index = places.shipped_index()
    with ctx.db.read() as s:
        rows = s.execute(select(Incident.regency_code, Incident.kecamatan, Incident.desa,
                                Incident.kecamatan_code, Incident.desa_code)
                         .execution_options(yield_per=5000))
        for regency, kec, desa, kec_code, desa_code in rows:
            report.incidents += 1
            if not places.norm(kec) and not places.norm(desa):
                report.without_place += 1
                continue
            again = index.match(regency, kec, desa)
            k_state = MATCHED if kec_code else _unmatched(again.kecamatan)
            d_state = MATCHED if desa_code else _unmatched(again.desa)
            report.kecamatan[k_state] += 1
            report.desa[d_state] += 1
            open_states = (AMBIGUOUS, UNKNOWN, "not_coded")
            if k_state in open_states or d_state in open_states:
                reason = k_state if k_state in open_states else d_state
                report.unmatched[(regency, kec, desa, reason)] += 1
    report.unmatched = Counter(dict(report.unmatched.most_common(top)))
    return report


def _unmatched(state: str) -> str:
    """A name without a code whose match would succeed now (an incident synced from an
    older version, or edited before the codes) is reported as `not coded`."""
    return "not_coded" if state == MATCHED else state
