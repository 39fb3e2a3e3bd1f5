"""The sync tab: per site the last package received and sent, records pending for it and
the trust status of its key; export a package for a recipient; import packages (buttons or
drag and drop); review and resolve conflicts; import a site key after confirming its
fingerprint. Export and import run off the GUI thread (host.runner) with progress."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import _
from posko_desktop.core.progress import Cancelled, Progress
from posko_desktop.core.services import reference
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.services.sync import records as sync_records
from posko_desktop.core.services.sync.results import RecordConflictInfo
from posko_desktop.core.sync.keys import PublicKeyInfo
from posko_desktop.core.textrules import format_datetime_wib
from posko_desktop.paths import AppPaths
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.tabs import TabHost

logger = logging.getLogger(__name__)


def import_files(ctx: AppContext, paths: list[Path], progress: Progress) -> list[
        tuple[Path, svc.ImportResult | None, PoskoError | None]]:
    """Import several packages one after the other (worker thread); a refused file does
    not stop the others."""
    out: list[tuple[Path, svc.ImportResult | None, PoskoError | None]] = []
    for path in paths:
        try:
            out.append((path, svc.import_package(ctx, path, progress=progress), None))
        except Cancelled:
            raise
        except PoskoError as err:
            out.append((path, None, err))
    return out


def describe_result(path: Path, result: svc.ImportResult | None, err: PoskoError | None) -> str:
    if err is not None:
        return _("Refused: {message}").format(message=err.text())
    assert result is not None
    if result.already_imported:
        return _("{file} was already imported; nothing changed").format(file=path.name)
    t = result.totals()
    return _("{file} from {site}: {new} new, {updated} updated, {unchanged} unchanged, "
             "{conflicts} conflicts").format(file=path.name, site=result.source_site, new=t.new,
                                             updated=t.updated, unchanged=t.unchanged,
                                             conflicts=t.conflicts)


def describe_log(e: svc.LogEntry) -> str:
    if e.action == "import":
        t = e.summary.get("totals", {})
        return _("{file} from {site}: {new} new, {updated} updated, {unchanged} unchanged, "
                 "{conflicts} conflicts").format(file=e.file_name, site=e.peer_site,
                                                 new=t.get("new", 0), updated=t.get("updated", 0),
                                                 unchanged=t.get("unchanged", 0),
                                                 conflicts=t.get("conflicts", 0))
    c = e.summary.get("counts", {})
    return _("Package {file} for {to} ({mode}, number {seq}): {incidents} incidents, {tombstones} "
             "deleted, {followups} follow-ups, {attachments} attachments").format(
        file=e.file_name, to=e.peer_site, mode=e.summary.get("mode", ""),
        seq=e.summary.get("sequence", ""), incidents=c.get("incidents", 0),
        tombstones=c.get("tombstones", 0), followups=c.get("followups", 0),
        attachments=c.get("attachments", 0))


class KeyConfirmDialog(QDialog):
    """Shows a key file's site and asks for the fingerprint read out over the phone."""

    def __init__(self, info: PublicKeyInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_key_confirm")
        self.setWindowTitle(_("Trust the key of site {code}").format(code=info.site_code))
        form = QFormLayout(self)
        form.addRow(_("Site"), QLabel("{code} — {name}".format(code=info.site_code,
                                                              name=info.site_name)))
        shown = QLabel(info.short_fingerprint)
        shown.setObjectName("sync_key_fingerprint")
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(_("Fingerprint in the file"), shown)
        form.addRow(QLabel(_("Phone the office and ask it to read out its fingerprint "
                             "(posko keys export shows it). Type what you hear:")))
        self.heard = QLineEdit(self)
        self.heard.setObjectName("sync_key_heard")
        self.heard.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX")
        form.addRow(_("Fingerprint read out"), self.heard)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class SyncTab(QWidget):
    COLUMNS = 6

    def __init__(self, host: TabHost, keys_dir: Path | None = None) -> None:
        super().__init__()  # the main window's tab widget becomes the parent
        self.setObjectName("sync_tab")
        self.ctx: AppContext = host.ctx
        self.runner = host.runner
        self.keys_dir = keys_dir or AppPaths.default().keys_dir
        self.task: Any = None
        self.last_results: list[str] = []
        self.setAcceptDrops(True)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.site_label = QLabel(self)
        self.site_label.setObjectName("sync_site_label")
        self.site_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.site_label, 1)
        self.export_key_btn = QPushButton(self)
        self.export_key_btn.clicked.connect(self.choose_key_export)
        self.import_key_btn = QPushButton(self)
        self.import_key_btn.clicked.connect(self.choose_key_import)
        top.addWidget(self.export_key_btn)
        top.addWidget(self.import_key_btn)
        layout.addLayout(top)

        actions = QHBoxLayout()
        self.recipient = QComboBox(self)
        self.recipient.setObjectName("sync_recipient")
        self.recipient.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.full = QCheckBox(self)
        self.export_btn = QPushButton(self)
        self.export_btn.setObjectName("sync_export")
        self.export_btn.clicked.connect(self.choose_export)
        self.import_btn = QPushButton(self)
        self.import_btn.setObjectName("sync_import")
        self.import_btn.clicked.connect(self.choose_import)
        self.recipient_label = QLabel(self)
        actions.addWidget(self.recipient_label)
        actions.addWidget(self.recipient)
        actions.addWidget(self.full)
        actions.addWidget(self.export_btn)
        actions.addStretch(1)
        actions.addWidget(self.import_btn)
        layout.addLayout(actions)
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.cancel_btn = QPushButton(self)
        self.cancel_btn.setVisible(False)
        self.cancel_btn.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_btn)
        layout.addLayout(row)

        split = QSplitter(Qt.Orientation.Vertical, self)
        self.sites = QTableWidget(0, self.COLUMNS, self)
        self.sites.setObjectName("sync_sites")
        self.sites.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sites.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sites.verticalHeader().setVisible(False)
        self.sites.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.sites.horizontalHeader().setStretchLastSection(True)
        split.addWidget(self.sites)

        self.conflict_box = QGroupBox(self)
        box = QVBoxLayout(self.conflict_box)
        self.conflicts = QTableWidget(0, 6, self)
        self.conflicts.setObjectName("sync_conflicts")
        self.conflicts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.conflicts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.conflicts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.conflicts.verticalHeader().setVisible(False)
        self.conflicts.horizontalHeader().setStretchLastSection(True)
        box.addWidget(self.conflicts)
        buttons = QHBoxLayout()
        self.keep_btn = QPushButton(self)
        self.keep_btn.setObjectName("sync_keep")
        self.keep_btn.clicked.connect(lambda: self.resolve_selected("keep"))
        self.take_btn = QPushButton(self)
        self.take_btn.setObjectName("sync_take")
        self.take_btn.clicked.connect(lambda: self.resolve_selected("take"))
        buttons.addStretch(1)
        buttons.addWidget(self.keep_btn)
        buttons.addWidget(self.take_btn)
        box.addLayout(buttons)
        split.addWidget(self.conflict_box)

        self.log = QPlainTextEdit(self)
        self.log.setObjectName("sync_log")
        self.log.setReadOnly(True)
        split.addWidget(self.log)
        layout.addWidget(split, 1)

        # incidents' conflicts, then those of the record types of sync.kinds (activities …)
        self.conflict_rows: list[svc.ConflictInfo | RecordConflictInfo] = []
        host.events.changed.connect(self._on_change)
        self.retranslate_ui()
        self.refresh()

    # -- texts --

    def tab_title(self) -> str:
        return _("Sync")

    def retranslate_ui(self) -> None:
        self.export_key_btn.setText(_("Export this site's key…"))
        self.import_key_btn.setText(_("Import a site key…"))
        self.recipient_label.setText(_("Package for"))
        self.full.setText(_("Everything (full)"))
        self.export_btn.setText(_("Export package…"))
        self.import_btn.setText(_("Import packages…"))
        self.cancel_btn.setText(_("Cancel"))
        self.conflict_box.setTitle(_("Conflicts to review (a value that lost against an edit "
                                     "made at the same time elsewhere)"))
        self.keep_btn.setText(_("Keep current value"))
        self.take_btn.setText(_("Take the other value"))
        self.sites.setHorizontalHeaderLabels([
            _("Site"), _("Name"), _("Key"), _("Last package received"), _("Last package sent"),
            _("Pending records")])
        self.conflicts.setHorizontalHeaderLabels([
            "#", _("Incident or activity"), _("Field"), _("Current value"), _("Other value"),
            _("From site")])
        self.log.setPlaceholderText(_("Drop .posko files here to import them"))
        allowed = can(self.ctx.actor, Permission.CONFLICT_RESOLVE)
        self.keep_btn.setEnabled(allowed)
        self.take_btn.setEnabled(allowed)
        self.import_key_btn.setEnabled(can(self.ctx.actor, Permission.KEYS_MANAGE))
        self.refresh()

    # -- data --

    def refresh(self) -> None:
        self.runner.run(self._load, on_done=self._show, on_error=self._failed)

    def _load(self) -> dict[str, Any]:
        site = reference.site_or_none(self.ctx)
        own, key_note = None, ""
        try:
            own = svc.ensure_site_key(self.ctx, self.keys_dir) if site else None
        except PoskoError as err:  # no key yet: say how the site gets one
            key_note = err.text()
        return {"site": site, "key": own, "key_note": key_note, "overview": svc.overview(self.ctx),
                "conflicts": [*svc.list_conflicts(self.ctx), *sync_records.list_conflicts(self.ctx)],
                "log": svc.sync_log(self.ctx, limit=50)}

    def _show(self, data: dict[str, Any]) -> None:
        site, key = data["site"], data["key"]
        if site is not None and key is not None:
            self.site_label.setText(_("This site: {code} ({name}). Key fingerprint: "
                                      "{fingerprint}").format(code=site.code, name=site.name,
                                                              fingerprint=key.short_fingerprint))
        elif site is not None:
            # the note on a line of its own: one line did not fit 1366 px (issue 19)
            self.site_label.setText(_("This site: {code} ({name}). {note}").format(
                code=site.code, name=site.name, note="\n" + data["key_note"]))
        rows: list[svc.PeerStatus] = sorted(data["overview"],
                                            key=lambda r: (r.key != "trusted", r.site_code))
        keys = {"trusted": _("trusted"), "revoked": _("revoked"), "none": _("no key")}
        self.sites.setRowCount(len(rows))
        current = self.recipient.currentData()
        self.recipient.clear()
        self.recipient.addItem(_("All sites"), "all")
        for i, r in enumerate(rows):
            values = [r.site_code, r.name, keys.get(r.key, r.key),
                      format_datetime_wib(r.last_received) if r.last_received else "–",
                      format_datetime_wib(r.last_sent) if r.last_sent else "–", str(r.pending)]
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col == 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.sites.setItem(i, col, item)
            self.recipient.addItem("{code} {name}".format(code=r.site_code, name=r.name), r.site_code)
        if current is not None:
            index = self.recipient.findData(current)
            if index >= 0:
                self.recipient.setCurrentIndex(index)
        self.conflict_rows = data["conflicts"]
        self.conflicts.setRowCount(len(self.conflict_rows))
        for i, c in enumerate(self.conflict_rows):
            record = c.label if isinstance(c, RecordConflictInfo) else c.number
            for col, value in enumerate([c.id, record, c.field, c.kept_value, c.lost_value,
                                         c.lost_site]):
                self.conflicts.setItem(i, col, QTableWidgetItem("" if value is None else str(value)))
        if not self.last_results and data["log"]:
            lines = []
            for e in data["log"][:20]:
                lines.append("{at}  {text}".format(at=format_datetime_wib(e.at),
                                                   text=describe_log(e)))
            self.log.setPlainText("\n".join(lines))

    def _failed(self, err: BaseException) -> None:
        self._busy(False)
        if not isinstance(err, Cancelled):
            show_error(self, err)

    def _on_change(self, change: Change) -> None:
        if change.kind in (ChangeKind.SYNC, ChangeKind.SYNC_KEY) and self.task is None:
            self.refresh()

    # -- export --

    def choose_export(self) -> None:
        code = self.recipient.currentData() or "all"
        name = "posko-{code}.posko".format(code=str(code).replace(".", ""))
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the package"), name,
                                                    _("Posko packages (*.posko)"))
        if path:
            if not path.endswith(".posko"):
                path += ".posko"
            self.export_to(Path(path), str(code), self.full.isChecked())

    def export_to(self, path: Path, recipient: str, full: bool) -> None:
        self._busy(True)
        self.task = self.runner.run(svc.export_package, self.ctx, self.keys_dir, recipient, path,
                                    full, on_done=self._exported, on_error=self._failed,
                                    on_progress=self._progress)

    def _exported(self, result: svc.ExportResult) -> None:
        self._busy(False)
        c = result.counts
        self._append(_("Package {file} for {to} ({mode}, number {seq}): {incidents} incidents, "
                       "{tombstones} deleted, {followups} follow-ups, {attachments} attachments")
                     .format(file=result.path, to=result.recipient, mode=result.mode,
                             seq=result.sequence, incidents=c["incidents"],
                             tombstones=c["tombstones"], followups=c["followups"],
                             attachments=c["attachments"]))
        self.refresh()

    # -- import --

    def choose_import(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, _("Import packages"), "",
                                                      _("Posko packages (*.posko)"))
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: list[Path]) -> None:
        self._busy(True)
        self.task = self.runner.run(import_files, self.ctx, paths, on_done=self._imported,
                                    on_error=self._failed, on_progress=self._progress)

    def _imported(self, results: list[tuple[Path, svc.ImportResult | None, PoskoError | None]]) -> None:
        self._busy(False)
        for path, result, err in results:
            self._append(describe_result(path, result, err))
        refused = [e for _p, _r, e in results if e is not None]
        if refused:
            show_error(self, refused[0], _("Package refused"))
        self.refresh()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(u.isLocalFile() and u.toLocalFile().endswith(".posko") for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls()
                 if u.isLocalFile() and u.toLocalFile().endswith(".posko")]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- conflicts --

    def resolve_selected(self, choice: str) -> None:
        row = self.conflicts.currentRow()
        if row < 0 or row >= len(self.conflict_rows):
            return
        conflict = self.conflict_rows[row]
        resolve = (sync_records.resolve_conflict if isinstance(conflict, RecordConflictInfo)
                   else svc.resolve_conflict)
        self.runner.run(resolve, self.ctx, conflict.id, choice,
                        on_done=lambda _c: self.refresh(), on_error=self._failed)

    # -- keys --

    def choose_key_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Save this site's public key"),
                                                    "site.poskokey",
                                                    _("Posko keys (*.poskokey)"))
        if path:
            self.runner.run(svc.export_public_key, self.ctx, self.keys_dir, Path(path),
                            on_done=lambda info: self._append(
                                _("Public key of site {code} written to {file}").format(
                                    code=info.site_code, file=path)),
                            on_error=self._failed)

    def choose_key_import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Import a site key"), "",
                                                    _("Posko keys (*.poskokey)"))
        if path:
            self.import_key(Path(path))

    def import_key(self, path: Path, heard: str | None = None) -> KeyConfirmDialog | None:
        """Show the key's fingerprint; trust it when the admin types the one read out.
        With `heard` given (tests, scripted set-up) no dialog is shown."""
        try:
            info = svc.inspect_key_file(path)
        except PoskoError as err:
            show_error(self, err)
            return None
        if heard is not None:
            self._trust(path, heard)
            return None
        dialog = KeyConfirmDialog(info, self)
        dialog.accepted.connect(lambda: self._trust(path, dialog.heard.text()))
        dialog.open()
        return dialog

    def _trust(self, path: Path, heard: str) -> None:
        self.runner.run(svc.trust_key, self.ctx, path, heard,
                        on_done=lambda k: self._append(
                            _("Key of site {code} is now trusted").format(code=k.site_code)),
                        on_error=self._failed)

    # -- helpers --

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_btn.setVisible(busy)
        self.export_btn.setEnabled(not busy)
        self.import_btn.setEnabled(not busy)
        if busy:
            self.progress.setRange(0, 0)
        else:
            self.task = None

    def _progress(self, done: int, total: int, _message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _append(self, line: str) -> None:
        if not self.last_results:
            self.log.clear()
        self.last_results.append(line)
        self.log.appendPlainText(line)
