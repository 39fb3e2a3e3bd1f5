"""Stored field names and values as a person reads them: labels in the UI language, names
beside codes, times in WIB. Used by the merge dialog, the audit view and `posko audit list`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import ReferralState, Severity, SourceType, Status
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import reference
from posko_desktop.core.services.authz import Role
from posko_desktop.core.taxonomy import channel_label, legal_type_label
from posko_desktop.core.textrules import format_datetime_wib, format_int, format_number

# Plain field labels (the same words as the detail pane).
FIELD_LABELS = {
    "regency_code": N_("Regency/city"), "kecamatan": N_("Sub-district"),
    "desa": N_("Village"), "location": N_("Location"), "occurred_at": N_("Occurred"),
    "reported_at": N_("Reported"), "source_type": N_("Source"),
    "source_detail": N_("Source detail"), "title": N_("Title"),
    "description": N_("Description"), "category_code": N_("Category"),
    "severity": N_("Severity"), "people_involved": N_("People involved"),
    "victims_dead": N_("Victims dead"), "victims_injured": N_("Victims injured"),
    "material_loss": N_("Material loss"), "current_condition": N_("Current condition"),
    "source_contact": N_("Contact person"), "source_phone": N_("Contact phone"),
    "kecamatan_code": N_("Kecamatan code"), "desa_code": N_("Desa/kelurahan code"),
    "latitude": N_("Latitude"), "longitude": N_("Longitude"),
    "contest_code": N_("Contest"), "pair_number": N_("Candidate pair"),
    "tps_number": N_("TPS number"), "reporting_unit": N_("Reporting unit"),
    "channel": N_("Channel"), "legal_type": N_("Legal type"),
    # fields of other records the audit trail names
    "status": N_("Status"), "number": N_("Number"), "deleted": N_("Deleted"),
    "reason": N_("Reason"), "text": N_("Text"), "agency": N_("Agency"), "state": N_("State"),
    "filename": N_("File"), "file": N_("File"), "size": N_("Size"), "role": N_("Role"),
    "active": N_("Active"), "locked": N_("Locked"), "display_name": N_("Name"),
    "username": N_("User"), "must_change_password": N_("Must change"), "rows": N_("Rows"),
    "kind": N_("Kind"), "report_date": N_("Report date"), "recorded_by": N_("Recorded by"),
    "created_at": N_("Created"), "updated_at": N_("Changed"), "respond_by": N_("Respond by"),
    "fingerprint": N_("Fingerprint"), "sha256": N_("SHA-256"),
}
ROLE_LABELS = {
    Role.OPERATOR.value: N_("Operator"),
    Role.SUPERVISOR.value: N_("Supervisor"),
    Role.ADMIN.value: N_("Administrator"),
}
TEXT_PREVIEW = 400
_FIELD_ORDER = {name: i for i, name in enumerate(FIELD_LABELS)}
# stored as ISO text in the audit trail's JSON
_TIME_FIELDS = frozenset({"occurred_at", "reported_at", "created_at", "updated_at",
                          "respond_by", "responded_at", "last_login_at", "starts_at", "ends_at"})


def field_label(name: str) -> str:
    return _(FIELD_LABELS.get(name, name))


def field_order(name: str) -> tuple[int, str]:
    """Sort key: the order of the form (FIELD_LABELS), then the others by name."""
    return (_FIELD_ORDER.get(name, len(_FIELD_ORDER)), name)


def role_label(role: str) -> str:
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


class ValueTexts:
    """Stored values as a person reads them (names for codes, WIB for times)."""

    def __init__(self, ctx: AppContext) -> None:
        self.regencies = {r.code: r.full_name for r in reference.list_regencies(ctx)}
        self.categories = {c.code: c for c in reference.list_categories(ctx, include_inactive=True)}

    def text(self, name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, str) and name in _TIME_FIELDS:
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                pass
        if isinstance(value, datetime):
            return format_datetime_wib(value)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, int):
            return format_int(value)
        if isinstance(value, float) and name not in ("latitude", "longitude"):
            return format_number(value)
        if name == "role":
            return role_label(str(value))
        if name == "channel":
            return channel_label(value) or str(value)
        if name == "legal_type":
            return legal_type_label(value) or str(value)
        enum_text = self._enum_text(name, value)
        if enum_text is not None:
            return enum_text
        if name == "regency_code":
            return "{code} {name}".format(code=value, name=self.regencies.get(value, ""))
        if name == "category_code":
            cat = self.categories.get(value)
            return "{code} {label}".format(code=value, label=cat.label if cat else "")
        if isinstance(value, list):
            text = ", ".join(map(str, value))
        else:
            text = str(value)
        return text if len(text) <= TEXT_PREVIEW else text[:TEXT_PREVIEW - 1] + "…"

    @staticmethod
    def _enum_text(name: str, value: Any) -> str | None:
        kinds: dict[str, Any] = {"severity": Severity, "source_type": SourceType,
                                 "status": Status, "state": ReferralState}
        kind = kinds.get(name)
        if kind is None:
            return None
        try:
            return str(kind(value).label)
        except ValueError:
            return str(value)
