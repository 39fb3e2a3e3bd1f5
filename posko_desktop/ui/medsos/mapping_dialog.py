"""The manual column mapping of a table no preset knows: for each of our fields the file's
column that holds it (or none), the platform of rows whose link does not tell it, a
preview of the first rows as the mapping reads them (each row's problems beside it), and a
name to keep the mapping under (recognised by its columns on the next import). Accepting
saves the mapping (when named) and imports the file with it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.i18n import _
from posko_desktop.core.medsos.drafts import Platform
from posko_desktop.core.medsos.intake import FIELDS, ColumnMapping
from posko_desktop.core.medsos.intake.mapping import TEMPLATE_HEADERS, header_key
from posko_desktop.core.services.medsos import mappings, posts
from posko_desktop.core.services.medsos.mappings import TablePreview
from posko_desktop.core.services.medsos.outputs import platform_name
from posko_desktop.core.textrules import format_datetime
from posko_desktop.ui.medsos.common import MedsosPage, fill_table, make_table, one_line

PREVIEW_ROWS = 20
PROBLEM = QColor("#fce4e4")


def guess(headers: Sequence[str]) -> dict[str, str]:
    """Field -> header where a header is one of our template's names for the field."""
    keys = {header_key(h): h for h in headers if h}
    out = {}
    for field, names in TEMPLATE_HEADERS.items():
        for name in names:
            if header_key(name) in keys:
                out[field] = keys[header_key(name)]
                break
    return out


class MappingDialog(QDialog):
    def __init__(self, page: MedsosPage, path: str, headers: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page, self.ctx, self.path = page, page.ctx, path
        self.setWindowTitle(_("Map the columns of {file}").format(file=Path(path).name))
        self.resize(980, 640)
        self.preview: TablePreview | None = None
        self.previews = 0  # previews shown (tests wait on it)
        self.boxes: dict[str, QComboBox] = {}
        form = QFormLayout()
        guessed = guess(headers)
        for field, label in FIELDS.items():
            box = QComboBox(self)
            box.setProperty("items_are_data", True)  # the file's own column names
            box.addItem(_("(not in the file)"), None)
            for h in headers:
                if h:
                    box.addItem(h, h)
            box.setCurrentIndex(max(0, box.findData(guessed.get(field))))
            box.currentIndexChanged.connect(self._changed)
            self.boxes[field] = box
            form.addRow(_(label), box)
        self.platform = QComboBox(self)
        self.platform.addItem(_("From the link"), None)
        for p in Platform:
            self.platform.addItem(platform_name(p.value), p.value)
        self.platform.currentIndexChanged.connect(self._changed)
        form.addRow(_("Platform when the link does not tell"), self.platform)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(_("e.g. brand24 (empty: use once, do not keep)"))
        form.addRow(_("Keep as"), self.name)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.table = make_table(self, 6, stretch=3)
        for column, width in ((0, 50), (1, 80), (2, 220), (4, 120)):
            self.table.setColumnWidth(column, width)
        self.table.setHorizontalHeaderLabels([_("Row"), _("Platform"), _("Link"), _("Text"),
                                              _("Posted (WIB)"), _("Problems")])
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Import"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        left = QWidget(self)
        left.setLayout(form)
        top.addWidget(left, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self._generation = 0
        self.refresh()

    def mapping(self) -> ColumnMapping | None:
        """The mapping chosen, or None when it has neither the link nor the text."""
        columns = {f: box.currentData() for f, box in self.boxes.items()
                   if box.currentData() is not None}
        if not any(f in columns for f in ("url", "text")):
            return None
        platform = self.platform.currentData()
        return ColumnMapping(columns, Platform(platform) if platform else None,
                             self.name.text().strip().lower() or "manual")

    def _changed(self) -> None:
        self._timer.start()

    def refresh(self) -> None:
        mapping = self.mapping()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(mapping is not None)
        if mapping is None:
            self.status.setText(_("Choose the column of the link or of the text."))
            self.table.setRowCount(0)
            return
        self._generation += 1
        generation = self._generation
        self.page.call(mappings.preview, self.ctx, self.path, mapping, PREVIEW_ROWS,
                       done=lambda found: self._shown(found, generation))

    def _shown(self, found: TablePreview, generation: int) -> None:
        if generation != self._generation:
            return
        self.preview = found
        rows, tints = [], []
        for r in found.rows:
            d = r.draft
            rows.append((str(r.number), platform_name(d.platform.value) if d else "",
                         (d.canonical_url or d.url) if d else "", one_line(d.text) if d else "",
                         format_datetime(d.posted_at) if d and d.posted_at else "",
                         "; ".join(p.text() for p in r.problems)))
            tints.append(PROBLEM if r.problems else None)
        fill_table(self.table, rows, [r.number for r in found.rows], tints)
        bad = sum(1 for r in found.rows if r.problems)
        self.status.setText(_("The first {rows} rows as this mapping reads them; {bad} with "
                              "problems.").format(rows=len(found.rows), bad=bad))
        self.previews += 1


def save_and_import(ctx: AppContext, path: str, mapping: ColumnMapping, name: str
                    ) -> posts.PostImportResult:
    """Keep the mapping under `name` (when given), then import the file with it (worker)."""
    if name:
        mapping = mappings.save_mapping(ctx, name, mapping).mapping
    return posts.import_file(ctx, path, mapping=mapping)
