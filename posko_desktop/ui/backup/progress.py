"""Long backup work off the GUI thread with a progress dialog (TaskRunner), and the same
as a blocking call for start-up, when no window and no event loop exist yet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from posko_desktop.core.i18n import _
from posko_desktop.core.progress import Cancelled
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.tasks import Task, TaskRunner


def progress_dialog(parent: QWidget | None, title: str, label: str,
                    cancellable: bool = True, min_duration_ms: int = 0) -> QProgressDialog:
    dialog = QProgressDialog(label, _("Cancel") if cancellable else "", 0, 100, parent)
    dialog.setObjectName("backup_progress")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal if parent is not None
                             else Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(min_duration_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    return dialog


def run_with_progress(parent: QWidget | None, runner: TaskRunner, title: str, label: str,
                      fn: Callable[..., Any], *args: Any,
                      on_done: Callable[[Any], object],
                      on_error: Callable[[BaseException], object] | None = None,
                      cancellable: bool = True, min_duration_ms: int = 0,
                      **kwargs: Any) -> Task:
    """Run `fn(*args, progress=…, **kwargs)` on the runner; the dialog follows its progress
    and closes when it ends. Errors other than Cancelled go to `on_error` (default: the
    bilingual error box)."""
    dialog = progress_dialog(parent, title, label, cancellable, min_duration_ms)

    def progress(done: int, total: int, message: str) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        if message:
            dialog.setLabelText(message)

    def done(result: Any) -> None:
        dialog.close()
        on_done(result)

    def failed(err: BaseException) -> None:
        dialog.close()
        if on_error is not None:
            on_error(err)
        elif not isinstance(err, Cancelled):
            show_error(parent, err)

    task = runner.run(fn, *args, on_progress=progress, on_done=done, on_error=failed, **kwargs)
    dialog.canceled.connect(task.cancel)
    task.dialog = dialog  # type: ignore[attr-defined]  # kept alive with the task; tests look
    if min_duration_ms == 0:
        dialog.show()
    return task


def run_blocking(parent: QWidget | None, title: str, label: str, fn: Callable[..., Any],
                 *args: Any, **kwargs: Any) -> Any:
    """The same, waiting in a local event loop: returns the result or raises the error."""
    runner = TaskRunner()
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(err: BaseException) -> None:
        outcome["error"] = err
        loop.quit()

    run_with_progress(parent, runner, title, label, fn, *args, on_done=done, on_error=failed,
                      **kwargs)
    if not outcome:
        loop.exec()
    runner.wait(60_000)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
