"""The "Accounts" tab: my account for everyone, users and settings for admins, audit trail
for supervisors and admins (panels the role may not use are not even built)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import _
from posko_desktop.ui.accounts.audit_panel import AuditPanel
from posko_desktop.ui.accounts.panels import (
    MyAccountPanel,
    UsersPanel,
    visible_panels,
)
from posko_desktop.ui.accounts.settings_form import SettingsEditor

if TYPE_CHECKING:
    from posko_desktop.ui.tabs import TabHost


class AccountsTab(QWidget):
    def __init__(self, host: TabHost) -> None:
        super().__init__()  # the main window's tab widget becomes the parent
        self.setObjectName("accounts_tab")
        ctx = host.ctx
        self.inner = QTabWidget(self)
        self.inner.setObjectName("accounts_inner_tabs")
        self.me = MyAccountPanel(ctx, self)
        self.inner.addTab(self.me, "")
        shown = visible_panels(ctx)
        self.users: UsersPanel | None = UsersPanel(ctx, self) if shown["users"] else None
        self.audit: AuditPanel | None = (AuditPanel(ctx, host.runner, self)
                                         if shown["audit"] else None)
        self.settings: SettingsEditor | None = (SettingsEditor(ctx, self)
                                                if shown["settings"] else None)
        for panel in (self.users, self.audit, self.settings):
            if panel is not None:
                self.inner.addTab(panel, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.inner)
        host.events.changed.connect(self._on_change)
        self.retranslate_ui()

    def tab_title(self) -> str:
        title = _("Accounts & audit") if self.audit is not None else _("My account")
        return title.replace("&", "&&")  # a tab text "&" would be a mnemonic

    def retranslate_ui(self) -> None:
        self.me.retranslate_ui()
        self.inner.setTabText(self.inner.indexOf(self.me), _("My account"))
        if self.users is not None:
            self.users.retranslate_ui()
            self.inner.setTabText(self.inner.indexOf(self.users), _("Users"))
        if self.audit is not None:
            self.audit.retranslate_ui()
            self.inner.setTabText(self.inner.indexOf(self.audit), _("Audit trail"))
        if self.settings is not None:
            self.settings.retranslate_ui()
            self.inner.setTabText(self.inner.indexOf(self.settings), _("Settings"))

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.USER and self.users is not None:
            self.users.refresh()
        if change.kind is ChangeKind.SETTINGS and self.settings is not None:
            self.settings.refresh()
        if self.audit is not None:
            self.audit.on_change(change)
