"""Every setting declared once: key, type, default. Values live in the `setting` table,
so they travel with the database (and, on the server, are shared by workstations)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core.db.models import Setting
from posko_desktop.core.domain import ValidationError
from posko_desktop.core.i18n import N_
from posko_desktop.core.timeutil import utcnow


@dataclass(frozen=True)
class SettingVar:
    key: str
    type: type
    default: Any
    description: str = ""


REGISTRY: dict[str, SettingVar] = {}


def declare(key: str, type_: type, default: Any, description: str = "") -> SettingVar:
    var = SettingVar(key, type_, default, description)
    REGISTRY[key] = var
    return var


# Response deadline per severity, in hours (issue: foundation).
RESPONSE_HOURS = {
    "kritis": declare("response_hours.kritis", float, 1.0, N_("Respond-by hours for critical")),
    "tinggi": declare("response_hours.tinggi", float, 6.0, N_("Respond-by hours for high")),
    "sedang": declare("response_hours.sedang", float, 24.0, N_("Respond-by hours for medium")),
    "rendah": declare("response_hours.rendah", float, 72.0, N_("Respond-by hours for low")),
}
ATTACHMENT_MAX_MB = declare("attachments.max_mb", float, 20.0, N_("Largest evidence file, MB"))
UI_LANGUAGE = declare("ui.language", str, "id", N_("Interface language (id or en)"))
REPORT_CUTOFF_HOUR = declare(
    "report.cutoff_hour", int, 7, N_("Hour (WIB) at which the 24-hour reporting period starts")
)

# --- accounts and audit (issue 6) ---
MAX_FAILED_LOGINS = declare(
    "accounts.max_failed_logins", int, 5,
    N_("Failed logins in a row after which an account is locked until an admin unlocks it"),
)
IDLE_LOCK_MINUTES = declare(
    "ui.idle_lock_minutes", float, 10.0,
    N_("Lock the screen after this many minutes without input (0: never)"),
)


def _coerce(var: SettingVar, value: Any) -> Any:
    try:
        if var.type is bool and isinstance(value, str):
            return value.strip().lower() in {"1", "true", "ya", "yes", "on"}
        if var.type in (list, dict):
            if not isinstance(value, var.type):
                raise TypeError
            return value
        return var.type(value)
    except (TypeError, ValueError):
        raise ValidationError(
            N_("Setting {key} needs a value of type {type}"), field=var.key,
            key=var.key, type=var.type.__name__,
        ) from None


def get(session: Session, var: SettingVar) -> Any:
    row = session.get(Setting, var.key)
    return var.default if row is None else _coerce(var, row.value)


def get_all(session: Session) -> dict[str, Any]:
    stored = {s.key: s.value for s in session.scalars(select(Setting))}
    return {
        key: (_coerce(var, stored[key]) if key in stored else var.default)
        for key, var in REGISTRY.items()
    }


def put(session: Session, var: SettingVar, value: Any, actor_name: str) -> Any:
    value = _coerce(var, value)
    row = session.get(Setting, var.key)
    if row is None:
        session.add(Setting(key=var.key, value=value, updated_at=utcnow(), updated_by=actor_name))
    else:
        row.value = value
        row.updated_at = utcnow()
        row.updated_by = actor_name
    return value


def lookup(key: str) -> SettingVar:
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValidationError(N_("Unknown setting {key}"), field=key, key=key) from None
