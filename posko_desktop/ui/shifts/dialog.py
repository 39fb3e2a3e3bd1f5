"""The last handover, the first thing shown after login (issue 18): read it, and
acknowledge it as the incoming officer."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import _
from posko_desktop.core.services import shifts
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.services.shifts import HandoverInfo
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.shifts.view import handover_html


class HandoverDialog(QDialog):
    def __init__(self, ctx: AppContext, info: HandoverInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handover_dialog")
        self.ctx = ctx
        self.info = info
        self.setWindowTitle(_("Last shift handover"))
        self.setMinimumSize(560, 480)
        self.text = QTextBrowser(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.ack_button = QPushButton(_("&Acknowledge"), self)
        self.buttons.addButton(self.ack_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.ack_button.clicked.connect(self.acknowledge)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)
        self._show()

    def _show(self) -> None:
        self.text.setHtml(handover_html(self.info))
        self.ack_button.setVisible(self.info.acknowledged_by is None
                                   and self.info.created_by != self.ctx.actor.username
                                   and can(self.ctx.actor, Permission.SHIFT_HANDOVER))

    def acknowledge(self) -> None:
        try:
            self.info = shifts.acknowledge(self.ctx, self.info.id,
                                           expected_version=self.info.version)
        except PoskoError as err:
            show_error(self, err)
            self.info = shifts.get_handover(self.ctx, self.info.id)
        self._show()


def show_after_login(ctx: AppContext, parent: QWidget) -> HandoverDialog | None:
    """Open the last handover (modeless), if there is one: what the officer reads first."""
    info = shifts.latest_handover(ctx)
    if info is None:
        return None
    dialog = HandoverDialog(ctx, info, parent)
    dialog.show()
    return dialog
