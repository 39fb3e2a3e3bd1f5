"""What the Pantau Medsos pages share: service calls off the GUI thread, read-only tables,
the file-save question (one method the tests replace)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from posko_desktop.core.i18n import _
from posko_desktop.core.services.medsos import posts
from posko_desktop.core.services.medsos.posts import PostInfo
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.medsos.dialogs import ContestDialog, PlaceDialog
from posko_desktop.ui.tabs import TabHost

logger = logging.getLogger(__name__)
PostEditDialog = TypeVar("PostEditDialog", PlaceDialog, ContestDialog)

ID_ROLE = Qt.ItemDataRole.UserRole
OVERDUE = QColor("#fce4e4")


class MedsosPage(QWidget):
    """A page of the Pantau Medsos tab: the host's context and runner; every service call
    goes through `call` (a worker thread, errors shown in a message box)."""

    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.ctx = host.ctx
        self.loads = 0  # loads shown (tests wait on it)
        self.busy = 0  # calls under way (tests wait on it)

    def call(self, fn: Callable[..., Any], *args: Any,
             done: Callable[[Any], object] | None = None,
             failed: Callable[[BaseException], bool] | None = None, **kwargs: Any) -> None:
        """`failed` may handle an error itself (returns True); else it is shown."""
        self.busy += 1

        def finished(value: Any) -> None:
            self.busy -= 1
            if done is not None:
                done(value)

        def on_error(err: BaseException) -> None:
            self.busy -= 1
            if failed is None or not failed(err):
                show_error(self, err)

        self.host.runner.run(fn, *args, on_done=finished, on_error=on_error, **kwargs)

    def edit_post(self, dialog: PostEditDialog, post: PostInfo,
                  done: Callable[[PostInfo], object]) -> PostEditDialog:
        """Open `dialog` (a form with `changes()` of the post); when accepted, save the
        changes with the version read (`posts.update_post`) and call `done`."""
        dialog.accepted.connect(lambda: self.call(
            posts.update_post, self.ctx, post.id, dialog.changes(),
            expected_version=post.version, done=done))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def ask_save_path(self, title: str, suggested: str, pattern: str) -> str:
        """The file the user chooses to write ("" cancelled)."""
        name, _filter = QFileDialog.getSaveFileName(self, title, suggested, pattern)
        return name

    def ask_open_paths(self, title: str, pattern: str) -> list[str]:
        names, _filter = QFileDialog.getOpenFileNames(self, title, "", pattern)
        return names


def refill_choices(box: QComboBox, everything: str, items: Iterable[tuple[str, Any]]) -> None:
    """A filter's choices in the current language ("all" first, data None), keeping the
    chosen one and without announcing a change."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(everything, None)
    for label, value in items:
        box.addItem(label, value)
    box.setCurrentIndex(max(0, box.findData(current)))
    box.blockSignals(False)


def make_table(parent: QWidget, columns: int, stretch: int | None = None,
               multi: bool = False) -> QTableWidget:
    table = QTableWidget(0, columns, parent)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fill_table(table: QTableWidget, rows: Sequence[Sequence[str]], ids: Sequence[Any],
               tints: Sequence[QColor | None] = ()) -> None:
    """Rows of texts; `ids[i]` kept on each cell of row i; `tints[i]` its background."""
    table.setRowCount(len(rows))
    for i, cells in enumerate(rows):
        tint = tints[i] if i < len(tints) else None
        for j, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(ID_ROLE, ids[i])
            if len(text) > 60:
                item.setToolTip(text)
            if tint is not None:
                item.setBackground(tint)
            table.setItem(i, j, item)


def selected_rows(table: QTableWidget) -> list[int]:
    return sorted({index.row() for index in table.selectionModel().selectedRows()})


def write_file(path: str, data: bytes) -> str:
    """Write an output the user asked for (worker thread); the path back."""
    Path(path).write_bytes(data)
    return path


def one_line(text: str, limit: int = 140) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def contest_cell(post: PostInfo) -> str:
    """A post's contest and pair as a cell: "33.74/2", "33" (no pair), "" (none)."""
    return "/".join(str(x) for x in (post.contest_code, post.pair_number) if x)


def saved_message(path: str) -> str:
    return _("Saved to {file}").format(file=path)
