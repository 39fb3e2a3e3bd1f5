"""Who may do what. The table here is the single source (docs/roles.md mirrors it)."""

from __future__ import annotations

import enum

from posko_desktop.core.domain import Actor, PermissionDenied
from posko_desktop.core.i18n import N_


class Permission(enum.StrEnum):
    INCIDENT_CREATE = "incident.create"
    INCIDENT_EDIT = "incident.edit"
    INCIDENT_FOLLOWUP = "incident.followup"
    INCIDENT_ATTACH = "incident.attach"
    INCIDENT_VERIFY = "incident.verify"  # verify, resolve, reject, reopen
    INCIDENT_DELETE = "incident.delete"
    ACTIVITY_RECORD = "activity.record"  # add, and update this site's activities
    ACTIVITY_MANAGE = "activity.manage"  # update any site's, delete, restore
    REFERENCE_MANAGE = "reference.manage"  # candidate pairs, TPS register, baseline imports
    MEDSOS_COLLECT = "medsos.collect"  # posts in, evidence, triage, cases opened, re-checks
    MEDSOS_DECIDE = "medsos.decide"  # verdicts, approval, publishing, take-downs sent, delete
    LEXICON_EDIT = "lexicon.edit"  # the desk's additions to and removals from the lexicon

    PROGRESS_RECORD = "progress.record"  # report a stage, correct this site's reports
    PROGRESS_MANAGE = "progress.manage"  # correct any site's reports, delete, restore
    REPORT_NIHIL = "report.nihil"
    UNITS_MANAGE = "units.manage"  # add and change reporting units
    DIRECTORY_MANAGE = "directory.manage"  # agencies and contact persons of the directory
    SHIFT_HANDOVER = "shift.handover"  # write and acknowledge handover notes
    SHIFT_ROSTER = "shift.roster"  # edit the duty roster (a supervisor)
    EXPORT = "data.export"
    IMPORT = "data.import"
    CONFLICT_RESOLVE = "conflict.resolve"
    SITREP_ISSUE = "sitrep.issue"
    USERS_MANAGE = "users.manage"
    CATEGORIES_MANAGE = "categories.manage"
    KEYS_MANAGE = "keys.manage"
    SETTINGS_MANAGE = "settings.manage"
    BACKUP_RESTORE = "backup.restore"
    AUDIT_VIEW = "audit.view"


class Role(enum.StrEnum):
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


_OPERATOR = {
    Permission.INCIDENT_CREATE,
    Permission.INCIDENT_EDIT,
    Permission.INCIDENT_FOLLOWUP,
    Permission.INCIDENT_ATTACH,
    Permission.ACTIVITY_RECORD,
    Permission.MEDSOS_COLLECT,

    Permission.PROGRESS_RECORD,
    Permission.REPORT_NIHIL,
    Permission.SHIFT_HANDOVER,
    Permission.EXPORT,
    Permission.IMPORT,
}
_SUPERVISOR = _OPERATOR | {
    Permission.INCIDENT_VERIFY,
    Permission.INCIDENT_DELETE,
    Permission.ACTIVITY_MANAGE,
    Permission.MEDSOS_DECIDE,

    Permission.PROGRESS_MANAGE,
    Permission.CONFLICT_RESOLVE,
    Permission.SITREP_ISSUE,
    Permission.AUDIT_VIEW,
    Permission.SHIFT_ROSTER,
    Permission.DIRECTORY_MANAGE,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: frozenset(_OPERATOR),
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.ADMIN: frozenset(Permission),
}


def can(actor: Actor, permission: Permission) -> bool:
    try:
        role = Role(actor.role)
    except ValueError:
        return False
    return permission in ROLE_PERMISSIONS[role]


def require(actor: Actor, permission: Permission) -> None:
    if not can(actor, permission):
        raise PermissionDenied(
            N_("{user} ({role}) is not allowed to do this: {permission}"),
            user=actor.username, role=actor.role, permission=permission.value,
        )
