"""The last handover, the first thing shown after login (issue 18): read it, and
edit its note until it is acknowledged; acknowledge it as the incoming officer."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
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
        # the free text stays editable until the handover is acknowledged (version checked,
        # audited shift.handover_note); the items stay as generated
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("handover_note")
        self.note.setMaximumHeight(110)
        self.save_button = QPushButton(_("&Save the note"), self)
        self.save_button.clicked.connect(self.save_note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.ack_button = QPushButton(_("&Acknowledge"), self)
        self.buttons.addButton(self.ack_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.ack_button.clicked.connect(self.acknowledge)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.note)
        layout.addWidget(self.save_button)
        layout.addWidget(self.buttons)
        self._show()

    def _show(self) -> None:
        self.text.setHtml(handover_html(self.info))
        may = can(self.ctx.actor, Permission.SHIFT_HANDOVER)
        self.ack_button.setVisible(self.info.acknowledged_by is None
                                   and self.info.created_by != self.ctx.actor.username and may)
        editable = self.info.acknowledged_by is None and may
        self.note.setPlainText(self.info.note)
        self.note.setReadOnly(not editable)
        self.note.setVisible(editable)
        self.save_button.setVisible(editable)

    def save_note(self) -> None:
        """Refused (StaleEdit) when the handover changed since it was shown: reloaded then."""
        try:
            self.info = shifts.update_note(self.ctx, self.info.id, self.note.toPlainText(),
                                           expected_version=self.info.version)
        except PoskoError as err:
            show_error(self, err)
            self.info = shifts.get_handover(self.ctx, self.info.id)
        self._show()

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
