"""The audit trail as a supervisor reads it (the audit view and `posko audit list`).

Action codes become words through the catalogue, record ids become incident / activity /
report numbers, field names become the labels the window uses, values are formatted (times
in WIB, names beside codes), the login details ("wrong_password:1/5") are sentences, and a
command-line login is one "session" line naming the command it ran. The stored entries are
never changed: this is only how they are shown (CSV/XLSX exports keep the raw columns too).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Incident
from posko_desktop.core.db.models_records import Activity
from posko_desktop.core.db.models_sitrep import IssuedSitrep
from posko_desktop.core.domain import Page
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import audit
from posko_desktop.core.services.audit import AuditFilter, AuditRow
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.value_texts import ValueTexts, field_label, field_order
from posko_desktop.core.textrules import format_datetime_wib

logger = logging.getLogger(__name__)

# `auth.login` detail of a command-line run: "cli:incident list" (accounts.login channel)
CLI_CHANNEL = "cli:"
ALERT_ACTIONS = frozenset({"auth.login_failed", "auth.lockout", "audit.anchor_mismatch",
                           "audit.head_missing", "site_key.other_found"})

ACTION_LABELS = {
    "incident.create": N_("Incident recorded"),
    "incident.update": N_("Incident edited"),
    "incident.status": N_("Incident status changed"),
    "incident.delete": N_("Incident deleted"),
    "incident.restore": N_("Incident restored"),
    "incident.import": N_("Incident imported from a spreadsheet"),
    "followup.note": N_("Follow-up note added"),
    "followup.status": N_("Status note added"),
    "followup.referral": N_("Referral sent"),
    "followup.referral_update": N_("Referral updated"),
    "attachment.add": N_("Evidence attached"),
    "activity.create": N_("Activity recorded"),
    "activity.update": N_("Activity edited"),
    "activity.attach": N_("File attached to an activity"),
    "activity.delete": N_("Activity deleted"),
    "activity.restore": N_("Activity restored"),
    "user.create": N_("User added"),
    "user.disable": N_("User disabled"),
    "user.enable": N_("User enabled"),
    "user.role": N_("Role changed"),
    "user.rename": N_("Name changed"),
    "user.unlock": N_("User unlocked"),
    "user.password_reset": N_("Password reset"),
    "user.password_change": N_("Password changed"),
    "auth.login": N_("Logged in"),
    "auth.screen_unlock": N_("Screen unlocked"),
    "auth.logout": N_("Logged out"),
    "auth.login_failed": N_("Failed login"),
    "auth.lockout": N_("Account locked"),
    "setting.change": N_("Setting changed"),
    "sitrep.issue": N_("Sitrep issued"),
    "weekly.issue": N_("Weekly report issued"),
    "flash.issue": N_("Flash report issued"),
    "nihil.record": N_("Nil report recorded"),
    "backup.create": N_("Backup made"),
    "backup.restore": N_("Backup restored"),
    "sync.export": N_("Package exported"),
    "sync.import": N_("Package imported"),
    "sync.merge": N_("Record merged from a package"),
    "sync.conflict_resolve": N_("Conflict resolved"),
    "sync.key_trust": N_("Partner key trusted"),
    "sync.key_revoke": N_("Partner key revoked"),
    "site_key.create": N_("Site key made"),
    "site_key.import": N_("Site key imported"),
    "site_key.grant": N_("Site key granted to a user"),
    "site_key.grant_withdrawn": N_("Site key withdrawn from a user"),
    "site_key.other_found": N_("Another site key found"),
    "audit.export": N_("Audit trail exported"),
    "audit.anchors_export": N_("Audit anchors exported"),
    "audit.anchor_mismatch": N_("Audit anchor mismatch"),
    "audit.head_missing": N_("Audit head row rebuilt"),
    "demo.generate": N_("Demo data generated"),
    "demo.allow_live": N_("Demo data allowed on a live database"),
}
SESSION_LABEL = N_("Command-line session")

RECORD_LABELS = {
    "incident": N_("Incident {ref}"), "activity": N_("Activity {ref}"),
    "user": N_("User {ref}"), "setting": N_("Setting {ref}"), "sitrep": N_("Report {ref}"),
    "backup": N_("Backup {ref}"), "sync_package": N_("Package {ref}"),
    "sync_key": N_("Key {ref}"), "site": N_("Site {ref}"), "site_key": N_("Site key {ref}"),
    "nihil_report": N_("Nil report {ref}"), "audit": N_("Audit trail {ref}"),
}


@dataclass(frozen=True)
class AuditLine:
    """One entry in words; `entry` keeps the stored values (JSON output, tooltips)."""

    entry: AuditRow
    when: str
    user: str
    action: str
    record: str
    changes: str
    detail: str
    alert: bool  # failed login, lockout, tampering found
    session: bool  # a successful login or a command-line session


def action_label(action: str, detail: str = "") -> str:
    if action == "auth.login" and detail.startswith(CLI_CHANNEL):
        return _(SESSION_LABEL)
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def detail_text(detail: str) -> str:
    """The coded details the services write, as sentences; anything else as it is."""
    parts = [p for p in detail.split(";") if p]
    return "; ".join(_detail_part(p) for p in parts)


def _detail_part(part: str) -> str:
    head, _sep, rest = part.partition(":")
    try:
        if head == "wrong_password":
            attempt, limit = rest.split("/")
            return _("Wrong password (attempt {attempt} of {limit})").format(
                attempt=int(attempt), limit=int(limit))
        if head == "delay":
            return _("Too soon after a failed login (wait {seconds} s)").format(
                seconds=int(rest.rstrip("s")))
        if head == "failed_logins":
            return _("Locked after {count} failed logins").format(count=int(rest))
    except ValueError:
        return part
    if head == "cli":
        return _("Command: posko {command}").format(command=rest)
    fixed = {"unknown_user": N_("Unknown user name"), "locked": N_("The account is locked"),
             "disabled": N_("The account is disabled"),
             "must_change_password": N_("The password must be changed"),
             "first_admin": N_("The first administrator")}
    return _(fixed[part]) if part in fixed else part


def _record_numbers(ctx: AppContext, rows: Iterable[AuditRow]) -> dict[tuple[str, str], str]:
    """(record type, id) -> the number people use, for the incidents, activities and reports
    of a page (three queries at most)."""
    wanted: dict[str, set[uuid.UUID]] = {"incident": set(), "activity": set(), "sitrep": set()}
    for r in rows:
        if r.record_type in wanted:
            try:
                wanted[r.record_type].add(uuid.UUID(r.record_id))
            except ValueError:
                continue
    found: dict[tuple[str, str], str] = {}
    tables: dict[str, Any] = {"incident": Incident, "activity": Activity, "sitrep": IssuedSitrep}
    with ctx.db.read() as s:
        for kind, ids in wanted.items():
            if not ids:
                continue
            table = tables[kind]
            for rid, number in s.execute(select(table.id, table.number).where(table.id.in_(ids))):
                found[(kind, str(rid))] = number
    return found


class AuditReader:
    """Turns pages of entries into lines; holds the reference names for the whole view."""

    def __init__(self, ctx: AppContext) -> None:
        require(ctx.actor, Permission.AUDIT_VIEW)
        self.ctx = ctx
        self.values = ValueTexts(ctx)

    def lines(self, rows: list[AuditRow]) -> list[AuditLine]:
        numbers = _record_numbers(self.ctx, rows)
        return [self._line(r, numbers) for r in rows]

    def _line(self, r: AuditRow, numbers: dict[tuple[str, str], str]) -> AuditLine:
        session = r.action in audit.SESSION_ACTIONS
        user = r.username if not r.display_name or r.display_name == r.username else \
            "{name} ({user})".format(name=r.display_name, user=r.username)
        return AuditLine(entry=r, when=format_datetime_wib(r.at), user=user,
                         action=action_label(r.action, r.detail),
                         record=self.record_text(r, numbers), changes=self.changes_text(r),
                         detail=detail_text(r.detail), alert=r.action in ALERT_ACTIONS,
                         session=session)

    def record_text(self, r: AuditRow, numbers: dict[tuple[str, str], str]) -> str:
        if r.record_type == "user" and r.action.startswith("auth."):
            return ""  # the user column says it already
        ref = numbers.get((r.record_type, r.record_id), r.record_id)
        if r.record_type == "setting" and r.record_id in settings.REGISTRY:
            ref = r.record_id
        if r.record_id == "*":
            ref = _("(many)")
        elif len(ref) > 24:  # a key fingerprint or a package id: its beginning is enough
            ref = ref[:16] + "…"
        template = RECORD_LABELS.get(r.record_type)
        return _(template).format(ref=ref) if template else "{t} {i}".format(
            t=r.record_type, i=r.record_id)

    def _label(self, r: AuditRow, key: str) -> str:
        var = settings.REGISTRY.get(key) if r.record_type == "setting" else None
        if var is not None and var.description:
            return _(var.description)
        return field_label(key)

    def changes_text(self, r: AuditRow) -> str:
        """'Label: old → new; …' with the values as the window shows them."""
        before = r.before if isinstance(r.before, dict) else {}
        after = r.after if isinstance(r.after, dict) else {}
        parts = []
        created = not before
        for key in sorted(set(before) | set(after), key=lambda k: field_order(str(k))):
            if created and after.get(key) in (None, "", False, [], {}):
                continue  # a new record: only the values it was given
            label = self._label(r, key)
            if key in before and key in after:
                parts.append("{k}: {old} → {new}".format(
                    k=label, old=self.values.text(key, before[key]),
                    new=self.values.text(key, after[key])))
            elif key in after:
                parts.append("{k}: {new}".format(k=label, new=self.values.text(key, after[key])))
            else:
                parts.append("{k}: {old} → —".format(k=label,
                                                     old=self.values.text(key, before[key])))
        return "; ".join(parts)


def readable_page(ctx: AppContext, flt: AuditFilter, *, offset: int = 0,
                  limit: int = 200, reader: AuditReader | None = None) -> Page:
    """`audit.query` with every row as an `AuditLine` (run off the GUI thread)."""
    page = audit.query(ctx, flt, offset=offset, limit=limit)
    lines = (reader or AuditReader(ctx)).lines(list(page.rows))
    return Page(lines, page.total, page.offset)
