"""Accounts and audit in the window: login, set-up wizard, idle lock, the accounts tab.

Other tabs hide or disable what the current role cannot do with `can()`:

    from posko_desktop.ui.accounts import can, Permission
    button.setEnabled(can(host.ctx.actor, Permission.INCIDENT_VERIFY))
    # or: apply_permission(button, host.ctx.actor, Permission.SITREP_ISSUE, hide=True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from posko_desktop.core.domain import Actor
from posko_desktop.core.i18n import _
from posko_desktop.core.services.authz import Permission, can

if TYPE_CHECKING:
    from posko_desktop.ui.accounts.tab import AccountsTab
    from posko_desktop.ui.tabs import TabHost

__all__ = ["Permission", "apply_permission", "can", "make_tab"]


def apply_permission(widget: QWidget, actor: Actor, permission: Permission,
                     hide: bool = False) -> bool:
    """Disable (or hide) `widget` when `actor` lacks `permission`; returns whether allowed."""
    allowed = can(actor, permission)
    if hide:
        widget.setVisible(allowed)
    else:
        widget.setEnabled(allowed)
        if not allowed:
            widget.setToolTip(_("Your role ({role}) may not do this").format(role=actor.role))
    return allowed


def make_tab(host: TabHost) -> AccountsTab:
    from posko_desktop.ui.accounts.tab import AccountsTab  # keeps the panels' imports lazy

    return AccountsTab(host)
