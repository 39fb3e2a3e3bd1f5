"""The TaskRunner: work off the GUI thread, results, progress and errors on it."""

from __future__ import annotations

import threading
import time

from posko_desktop.core.domain import ValidationError
from posko_desktop.core.i18n import N_
from posko_desktop.core.progress import Cancelled, Progress


def test_work_runs_off_the_gui_thread_and_the_result_arrives_on_it(qtbot, runner):
    seen = []
    runner.run(lambda: threading.current_thread().name,
               on_done=lambda v: seen.append((v, threading.current_thread().name)))
    qtbot.waitUntil(lambda: bool(seen))
    worker, callback = seen[0]
    assert worker != "MainThread" and callback == "MainThread"


def test_progress_and_errors_arrive_on_the_gui_thread(qtbot, runner):
    progress, errors = [], []

    def work(progress: Progress) -> None:
        progress.report(1, 2, "half")
        raise ValidationError(N_("The site needs a name"), field="site_name")

    runner.run(work, on_progress=lambda d, t, m: progress.append((d, t, m, threading.current_thread().name)),
               on_error=lambda e: errors.append((e, threading.current_thread().name)))
    qtbot.waitUntil(lambda: bool(errors))
    assert progress == [(1, 2, "half", "MainThread")]
    assert isinstance(errors[0][0], ValidationError) and errors[0][1] == "MainThread"


def test_cancel_stops_the_work_with_cancelled(qtbot, runner):
    started, errors = threading.Event(), []

    def work(progress: Progress) -> int:
        started.set()
        for _ in range(100_000):  # ~10 s at most if cancel were ignored
            progress.check()
            time.sleep(0.0001)
        return 0

    task = runner.run(work, with_progress=True, on_error=errors.append)
    assert started.wait(10)
    task.cancel()
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], Cancelled)
    assert runner.active == 0


def test_a_result_for_a_closed_widget_is_dropped_with_a_log_line(qtbot, runner, caplog):
    """The window closed while its work ran: the late result must not raise in the event loop."""
    from PySide6.QtWidgets import QLabel
    from shiboken6 import delete

    label = QLabel()
    release, delivered = threading.Event(), []
    runner.run(lambda: release.wait(5) and "late",
               on_done=lambda v: (delivered.append(v), label.setText(v)))
    delete(label)  # the C++ widget is gone, the Python wrapper stays
    release.set()
    with caplog.at_level("INFO", logger="posko_desktop.ui.tasks"):
        qtbot.waitUntil(lambda: runner.active == 0, timeout=5_000)
    assert delivered == ["late"]
    assert any("dropped" in r.getMessage() for r in caplog.records)


def test_other_runtime_errors_in_a_callback_still_surface(qtbot, runner):
    def boom(_value: object) -> None:
        raise RuntimeError("a real bug")

    runner.run(lambda: 1, on_done=boom)
    with qtbot.capture_exceptions() as caught:
        qtbot.waitUntil(lambda: runner.active == 0, timeout=5_000)
    assert [str(e[1]) for e in caught] == ["a real bug"]


def test_a_runner_deleted_with_its_window_while_work_runs_raises_nothing(qtbot):
    """Log out while a page loads: the window and its runner are deleted, the work ends
    afterwards. Its result still reaches the callback and nothing raises in the event loop
    (the runner's busy signal raised "Signal source has been deleted")."""
    from PySide6.QtWidgets import QWidget
    from shiboken6 import delete

    from posko_desktop.ui.tasks import TaskRunner

    window = QWidget()
    runner = TaskRunner(window)
    release, delivered = threading.Event(), []
    runner.run(lambda: release.wait(5) and "late", on_done=delivered.append)
    threading.Timer(0.2, release.set).start()
    delete(window)  # its thread pool waits for the work; the result is queued
    with qtbot.capture_exceptions() as caught:
        qtbot.waitUntil(lambda: bool(delivered), timeout=5_000)
    assert delivered == ["late"] and caught == []
