"""Idle screen lock: after `ui.idle_lock_minutes` without keyboard or mouse input every
window of the app is covered and input to it is swallowed; only the logged-in user's
password unlocks (checked by accounts.login, so failures count toward the lockout).

Nothing is closed or hidden: an open incident form keeps its typed text (hiding a dialog
that runs its own event loop would end it), the covers are children laid over each window.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import _
from posko_desktop.core.services import accounts, settings_service
from posko_desktop.ui.accounts.dialogs import error_label, password_edit

logger = logging.getLogger(__name__)

_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin,
}
_BLOCKED = {
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel,
    QEvent.Type.Shortcut, QEvent.Type.ShortcutOverride, QEvent.Type.TouchBegin,
    QEvent.Type.ContextMenu, QEvent.Type.Drop,
}


class LockCover(QFrame):
    """Opaque cover over one window; the one over the active window asks the password."""

    unlock_requested = Signal(str)

    def __init__(self, host: QWidget, with_prompt: bool, user_text: str) -> None:
        super().__init__(host)
        self.setObjectName("lock_cover")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet("#lock_cover { background: #2b3a4a; } "
                           "#lock_cover QLabel { color: white; }")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title = QLabel(_("Screen locked"), self)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.password: QLineEdit | None = None
        self.message: QLabel | None = None
        if with_prompt:
            who = QLabel(_("{user}: enter your password to continue. Your work is kept.").format(
                user=user_text), self)
            who.setWordWrap(True)
            who.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(who)
            self.password = password_edit(self, "unlock_password")
            self.password.setMaximumWidth(320)
            self.password.returnPressed.connect(self._submit)
            layout.addWidget(self.password, 0, Qt.AlignmentFlag.AlignHCenter)
            self.button = QPushButton(_("Unlock"), self)
            self.button.setObjectName("unlock_button")
            self.button.clicked.connect(self._submit)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
            self.message = error_label(self, "unlock_message")
            self.message.setStyleSheet("color: #ffb3b3;")
            self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(self.message)
        layout.addStretch(2)
        self.setGeometry(host.rect())
        host.installEventFilter(self)
        self.show()
        self.raise_()

    def _submit(self) -> None:
        if self.password is not None:
            self.unlock_requested.emit(self.password.text())

    def show_error(self, err: PoskoError) -> None:
        if self.message is not None and self.password is not None:
            self.message.setText(err.text())
            self.message.show()
            self.password.clear()
            self.password.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if watched is parent and parent is not None and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
            self.raise_()
        return False


class IdleLock(QObject):
    """Install once per window: `IdleLock(ctx, window)`. `timeout_ms` overrides the setting."""

    locked_changed = Signal(bool)

    def __init__(self, ctx: AppContext, window: QWidget, timeout_ms: int | None = None) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.covers: list[LockCover] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self._fixed_timeout = timeout_ms
        self.apply_setting()
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        ctx.bus.subscribe(self._on_change)
        window.destroyed.connect(self._detach)

    # --- configuration -------------------------------------------------------------------

    def apply_setting(self) -> None:
        if self._fixed_timeout is not None:
            ms = self._fixed_timeout
        else:
            try:
                minutes = float(settings_service.get(self.ctx, settings.IDLE_LOCK_MINUTES.key))
            except PoskoError:
                minutes = settings.IDLE_LOCK_MINUTES.default
            ms = int(minutes * 60_000)
        self.timeout_ms = max(0, ms)
        if self.timeout_ms > 0 and not self.locked:
            self.timer.start(self.timeout_ms)
        elif self.timeout_ms == 0:
            self.timer.stop()

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.SETTINGS and settings.IDLE_LOCK_MINUTES.key in change.ids:
            QTimer.singleShot(0, self.apply_setting)  # the bus may call from a worker thread

    def _detach(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.ctx.bus.unsubscribe(self._on_change)

    # --- state ---------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return bool(self.covers)

    def lock(self) -> None:
        if self.locked:
            return
        actor = self.ctx.actor
        who = actor.display_name or actor.username
        if who != actor.username:
            who = "{name} ({user})".format(name=who, user=actor.username)
        host = QApplication.activeModalWidget() or QApplication.activeWindow() or self.window
        windows = [w for w in QApplication.topLevelWidgets()
                   if w.isVisible() and w.isWindow()
                   and w.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)
                   and w.objectName() != "lock_cover"]
        if host not in windows:
            host = self.window
        for w in windows:
            cover = LockCover(w, w is host, who)
            cover.unlock_requested.connect(lambda text, c=cover: self.try_unlock(text, c))
            self.covers.append(cover)
        prompt = self.prompt_cover
        if prompt is not None and prompt.password is not None:
            prompt.password.setFocus()
        logger.info("Screen locked for %s after %s ms idle", actor.username, self.timeout_ms)
        self.locked_changed.emit(True)

    @property
    def prompt_cover(self) -> LockCover | None:
        return next((c for c in self.covers if c.password is not None), None)

    def try_unlock(self, password: str, cover: LockCover | None = None) -> bool:
        cover = cover or self.prompt_cover
        try:
            accounts.login(self.ctx, self.ctx.actor.username, password, purpose="unlock")
        except PoskoError as err:
            if cover is not None:
                cover.show_error(err)
            return False
        for c in self.covers:
            parent = c.parentWidget()
            if parent is not None:
                parent.removeEventFilter(c)
            c.hide()
            c.deleteLater()
        self.covers = []
        if self.timeout_ms > 0:
            self.timer.start(self.timeout_ms)
        logger.info("Screen unlocked by %s", self.ctx.actor.username)
        self.locked_changed.emit(False)
        return True

    # --- input ---------------------------------------------------------------------------

    def _inside_cover(self, obj: QObject) -> bool:
        node: QObject | None = obj
        while node is not None:
            if isinstance(node, LockCover):
                return True
            node = node.parent()
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self.covers:
            if kind in _BLOCKED and not self._inside_cover(watched):
                return True  # swallowed: the covered windows get no input
            return False
        if kind in _ACTIVITY and self.timeout_ms > 0:
            self.timer.start(self.timeout_ms)
        return False


def install_idle_lock(ctx: AppContext, window: QWidget) -> IdleLock | None:
    """The lock is for logged-in users only (set-up mode has nobody to unlock)."""
    if not accounts.has_accounts(ctx):
        return None
    return IdleLock(ctx, window)
