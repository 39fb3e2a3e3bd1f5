"""The report tab: daily sitrep or weekly report; options, editable texts, live PDF
preview (QtPdf), print, save, issue (after a checklist), and the archive of issued
reports. PDF generation and printing run off the GUI thread (host.runner); the widgets
only show the results."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.periods import period_for_time
from posko_desktop.core.progress import Progress
from posko_desktop.core.reports.annex import save_pdf
from posko_desktop.core.reports.data import Paper, ReportKind, SitrepOptions, SitrepTexts
from posko_desktop.core.reports.weekly_data import WeeklyOptions, week_of
from posko_desktop.core.services import reference, report_archive, sitrep, weekly
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.textrules import format_date, format_datetime_wib
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.sitrep.date_field import DateField
from posko_desktop.ui.sitrep.issue_dialog import IssueDialog, missing_signer_fields
from posko_desktop.ui.tabs import TabHost
from posko_desktop.ui.widgets.combo_fit import fit_combo

logger = logging.getLogger(__name__)

PRINT_DPI = 300
AUTO_PREVIEW_MS = 800


def print_pdf(pdf: bytes, printer: QPrinter, progress: Progress | None = None) -> int:
    """Print every page of `pdf` on `printer` (worker thread: QPainter on a QPrinter and
    QPdfDocument rendering to QImage are allowed off the GUI thread). Returns pages."""
    doc = QPdfDocument()
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buffer)
    pages = doc.pageCount()
    painter = QPainter()
    if not painter.begin(printer):
        raise sitrep.SitrepError(_("The printer could not be started"))
    try:
        for page in range(pages):
            if progress is not None:
                progress.report(page, pages, _("Printing page {page} of {total}").format(
                    page=page + 1, total=pages))
            if page:
                printer.newPage()
            target: QRect = painter.viewport()
            size_pt = doc.pagePointSize(page)
            scale = PRINT_DPI / 72.0
            image = doc.render(page, QSize(int(size_pt.width() * scale),
                                           int(size_pt.height() * scale)))
            fitted = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(target.x(), target.y(), fitted.width(), fitted.height()),
                              image)
    finally:
        painter.end()
        doc.close()
        buffer.close()
    return pages


class SitrepTab(QWidget):
    preview_ready = Signal(object)  # bytes of the PDF now shown
    issued = Signal(object)  # sitrep.IssuedInfo
    archive_loaded = Signal(int)

    def __init__(self, host: TabHost) -> None:
        super().__init__()  # the main window's tab widget becomes the parent
        self.setObjectName("sitrep_tab")
        self.ctx: AppContext = host.ctx
        self.runner = host.runner
        self.pdf: bytes = b""
        self.shown_number: str | None = None  # an issued report is in the preview
        self.corrects: str | None = None
        self.issued_items: list[sitrep.IssuedInfo] = []
        self._auto_highlights = True
        self._filling = False
        self._task: Any = None
        self._buffer: QBuffer | None = None
        self._bytes = QByteArray()
        self._auto = QTimer(self)  # live preview: options changed -> regenerate (debounced)
        self._auto.setSingleShot(True)
        self._auto.setInterval(AUTO_PREVIEW_MS)
        self._auto.timeout.connect(self._auto_preview)

        # --- options ------------------------------------------------------------------
        self.options_box = QGroupBox(self)
        self.kind_label = QLabel(self)
        self.kind = QComboBox(self)
        self.kind.setObjectName("sitrep_kind")
        fit_combo(self.kind, 40)
        self.kind.addItem("", ReportKind.DAILY.value)
        self.kind.addItem("", ReportKind.WEEKLY.value)
        self.issue_dialog: IssueDialog | None = None
        self.date_label, self.scope_label = QLabel(self), QLabel(self)
        self.paper_label, self.lang_label = QLabel(self), QLabel(self)
        self.date = DateField(self)
        self.date.setObjectName("sitrep_date")
        self.scope = QComboBox(self)
        self.scope.setObjectName("sitrep_scope")
        self.paper = QComboBox(self)
        self.paper.setObjectName("sitrep_paper")
        self.paper.addItem("A4", Paper.A4.value)
        self.paper.addItem("F4 (215 × 330 mm)", Paper.F4.value)
        self.lang = QComboBox(self)
        self.lang.setObjectName("sitrep_lang")
        self.lang.addItem("Bahasa Indonesia", "id")
        self.lang.addItem("English", "en")
        form = QFormLayout(self.options_box)
        form.addRow(self.kind_label, self.kind)
        form.addRow(self.date_label, self.date)
        form.addRow(self.scope_label, self.scope)
        form.addRow(self.paper_label, self.paper)
        form.addRow(self.lang_label, self.lang)

        # --- texts --------------------------------------------------------------------
        self.texts_box = QGroupBox(self)
        self.highlights_label = QLabel(self)
        self.highlights = QPlainTextEdit(self)
        self.highlights.setObjectName("sitrep_highlights")
        self.regenerate_button = QPushButton(self)
        self.obstacles_label, self.outlook_label = QLabel(self), QLabel(self)
        self.conclusions_label = QLabel(self)
        self.obstacles = QPlainTextEdit(self)
        self.obstacles.setObjectName("sitrep_obstacles")
        self.outlook = QPlainTextEdit(self)
        self.outlook.setObjectName("sitrep_outlook")
        self.conclusions = QPlainTextEdit(self)
        self.conclusions.setObjectName("sitrep_conclusions")
        texts = QVBoxLayout(self.texts_box)
        for label, edit in ((self.highlights_label, self.highlights),
                            (self.obstacles_label, self.obstacles),
                            (self.outlook_label, self.outlook),
                            (self.conclusions_label, self.conclusions)):
            edit.setMinimumHeight(70)
            label.setWordWrap(True)
            texts.addWidget(label)
            texts.addWidget(edit)
            if edit is self.highlights:
                texts.addWidget(self.regenerate_button)
        self.correction_label = QLabel(self)
        self.correction_label.setWordWrap(True)
        self.correction_label.setObjectName("sitrep_correction")
        self.cancel_correction = QPushButton(self)

        # --- actions ------------------------------------------------------------------
        self.preview_button = QPushButton(self)
        self.preview_button.setObjectName("sitrep_preview")
        self.print_button = QPushButton(self)
        self.save_button = QPushButton(self)
        self.issue_button = QPushButton(self)
        self.issue_button.setObjectName("sitrep_issue")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setObjectName("sitrep_status")
        self.status.setWordWrap(True)
        actions = QHBoxLayout()
        for b in (self.preview_button, self.print_button, self.save_button, self.issue_button):
            actions.addWidget(b)

        left_inner = QWidget(self)
        left = QVBoxLayout(left_inner)
        left.addWidget(self.options_box)
        left.addWidget(self.texts_box, 1)
        left.addWidget(self.correction_label)
        left.addWidget(self.cancel_correction)
        scroll_area = QScrollArea(self)
        scroll_area.setWidgetResizable(True)
        scroll_area.setWidget(left_inner)
        scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll = QWidget(self)  # the actions stay visible below the scrolling fields
        column = QVBoxLayout(scroll)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(scroll_area, 1)
        column.addLayout(actions)
        column.addWidget(self.progress)
        column.addWidget(self.status)
        scroll.setMinimumWidth(400)

        # --- preview and archive ------------------------------------------------------
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("sitrep_view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.archive_box = QGroupBox(self)
        self.archive = QTableWidget(0, 9, self)
        self.archive.setObjectName("sitrep_archive")
        self.archive.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.archive.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.archive.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.archive.verticalHeader().setVisible(False)
        self.archive.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.archive.horizontalHeader().setStretchLastSection(True)
        self.open_button = QPushButton(self)
        self.reprint_button = QPushButton(self)
        self.export_button = QPushButton(self)
        self.correct_button = QPushButton(self)
        arch_buttons = QHBoxLayout()
        for b in (self.open_button, self.reprint_button, self.export_button, self.correct_button):
            arch_buttons.addWidget(b)
        arch_buttons.addStretch(1)
        arch = QVBoxLayout(self.archive_box)
        arch.addWidget(self.archive)
        arch.addLayout(arch_buttons)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.view)
        right.addWidget(self.archive_box)
        right.setStretchFactor(0, 4)
        right.setStretchFactor(1, 1)
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(scroll)
        main.addWidget(right)
        main.setStretchFactor(0, 2)
        main.setStretchFactor(1, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(main)

        # --- wiring -------------------------------------------------------------------
        self.preview_button.clicked.connect(self.refresh_preview)
        self.print_button.clicked.connect(self.print_current)
        self.save_button.clicked.connect(self.save_current)
        self.issue_button.clicked.connect(self.confirm_issue)
        self.regenerate_button.clicked.connect(self.regenerate_highlights)
        self.highlights.textChanged.connect(self._highlights_edited)
        self.open_button.clicked.connect(self.open_selected)
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.export_button.clicked.connect(self.export_selected)
        self.correct_button.clicked.connect(self.prepare_correction)
        self.cancel_correction.clicked.connect(lambda: self.set_correction(None))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for combo in (self.scope, self.paper, self.lang):
            combo.currentIndexChanged.connect(self._options_changed)
        self.date.dateChanged.connect(self._options_changed)
        host.events.changed.connect(self._on_change)

        self._load_scopes()
        self._set_defaults()
        self.retranslate_ui()
        self.set_correction(None)
        self._update_buttons()
        self.load_archive()

    # --- Tab contract ----------------------------------------------------------------
    def tab_title(self) -> str:
        return _("Situation report")

    def retranslate_ui(self) -> None:
        self.options_box.setTitle(_("Report"))
        self.kind_label.setText(_("Kind:"))
        self.date.retranslate_ui()
        self.kind.setItemText(0, _("Daily situation report"))
        self.kind.setItemText(1, _("Weekly report (Monday to Sunday)"))
        self.date_label.setText(_("Report date:") if not self.is_weekly()
                                else _("A day of the week:"))
        self.scope_label.setText(_("Scope:"))
        self.paper_label.setText(_("Paper:"))
        self.lang_label.setText(_("Language:"))
        if self.scope.count():
            self.scope.setItemText(0, _("Province (35 regencies and cities)"))
        self.texts_box.setTitle(_("Texts of the report"))
        self.highlights_label.setText(_("B.1 Highlights (one per line; generated from the data "
                                         "until you edit them):"))
        self.regenerate_button.setText(_("Generate the highlights again from the data"))
        self.obstacles_label.setText(_("F. Obstacles:"))
        self.outlook_label.setText(_("G. Outlook and agenda (after the calendar milestones):"))
        self.conclusions_label.setText(_("H. Conclusions and recommendations:"))
        self.preview_button.setText(_("Preview"))
        self.print_button.setText(_("Print…"))
        self.save_button.setText(_("Save as…"))
        self.issue_button.setText(_("Issue (Terbitkan)"))
        self.cancel_correction.setText(_("Not a correction"))
        self.archive_box.setTitle(_("Issued reports"))
        self.archive.setHorizontalHeaderLabels([
            _("Number"), _("Date"), _("Scope"), _("Paper"), _("Pages"), _("Issued by"),
            _("Issued at"), _("Corrects"), _("Kind")])
        self.open_button.setText(_("Open"))
        self.reprint_button.setText(_("Print again…"))
        self.export_button.setText(_("Save as…"))
        self.correct_button.setText(_("Make a correction"))
        self.set_correction(self.corrects)

    # --- options ---------------------------------------------------------------------
    def _load_scopes(self) -> None:
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem("", None)
        for r in reference.list_regencies(self.ctx):
            self.scope.addItem("{code} {name}".format(code=r.code, name=r.full_name), r.code)
        self.scope.blockSignals(False)

    def _set_defaults(self) -> None:
        today = period_for_time(self.ctx.now()).report_date
        try:
            opts = sitrep.default_options(self.ctx, today)
        except Exception:  # no site yet: the province defaults
            logger.info("No site yet; sitrep defaults to the province")
            opts = SitrepOptions(today)
        self._filling = True
        self.date.setDate(QDate(opts.report_date.year, opts.report_date.month,
                                opts.report_date.day))
        index = self.scope.findData(opts.regency)
        self.scope.setCurrentIndex(max(0, index))
        self.paper.setCurrentIndex(max(0, self.paper.findData(opts.paper)))
        self.lang.setCurrentIndex(max(0, self.lang.findData(opts.lang)))
        self._filling = False

    def is_weekly(self) -> bool:
        return self.kind.currentData() == ReportKind.WEEKLY.value

    def weekly_options(self) -> WeeklyOptions:
        o = self.options()
        return WeeklyOptions(week_of(o.report_date), o.regency, o.paper, o.lang)

    def _kind_changed(self, *_args: Any) -> None:
        weekly_kind = self.is_weekly()
        for w in (self.highlights_label, self.highlights, self.regenerate_button,
                  self.obstacles_label, self.obstacles):
            w.setVisible(not weekly_kind)
        self.date_label.setText(_("A day of the week:") if weekly_kind else _("Report date:"))
        self._options_changed()

    def options(self) -> SitrepOptions:
        qd = self.date.date()
        return SitrepOptions(date(qd.year(), qd.month(), qd.day()), self.scope.currentData(),
                             self.paper.currentData(), self.lang.currentData())

    def set_options(self, opts: SitrepOptions) -> None:
        self._filling = True
        self.date.setDate(QDate(opts.report_date.year, opts.report_date.month,
                                opts.report_date.day))
        self.scope.setCurrentIndex(max(0, self.scope.findData(opts.regency)))
        self.paper.setCurrentIndex(max(0, self.paper.findData(opts.paper)))
        self.lang.setCurrentIndex(max(0, self.lang.findData(opts.lang)))
        self._filling = False

    def texts(self) -> SitrepTexts:
        lines = [ln.strip() for ln in self.highlights.toPlainText().splitlines() if ln.strip()]
        return SitrepTexts(
            highlights=None if self._auto_highlights else lines,
            obstacles=self.obstacles.toPlainText().strip(),
            outlook=self.outlook.toPlainText().strip(),
            conclusions=self.conclusions.toPlainText().strip(),
        )

    def set_texts(self, texts: SitrepTexts) -> None:
        self._filling = True
        self.highlights.setPlainText("\n".join(texts.highlights or []))
        self._auto_highlights = texts.highlights is None
        self.obstacles.setPlainText(texts.obstacles)
        self.outlook.setPlainText(texts.outlook)
        self.conclusions.setPlainText(texts.conclusions)
        self._filling = False

    def _highlights_edited(self) -> None:
        if not self._filling:
            self._auto_highlights = False

    def regenerate_highlights(self) -> None:
        self._auto_highlights = True
        self.refresh_preview()

    def _options_changed(self, *_args: Any) -> None:
        if self._filling:
            return
        self.status.setText(_("Options changed: press Preview to see the report."))
        if self.pdf:  # a preview is shown: keep it live
            self._auto.start()

    def showEvent(self, event: Any) -> None:
        """The first time the tab is opened, the report of the chosen day appears by itself."""
        super().showEvent(event)
        if not self.pdf and self._task is None and not self._auto.isActive():
            self._auto.start()

    def _auto_preview(self) -> None:
        if self._task is not None:
            self._auto.start()  # still busy: try again shortly
            return
        if self.isVisible():
            self.refresh_preview()

    def set_correction(self, number: str | None) -> None:
        self.corrects = number
        self.correction_label.setVisible(number is not None)
        self.cancel_correction.setVisible(number is not None)
        if number:
            self.correction_label.setText(_("The next issued report corrects number {number}.")
                                          .format(number=number))

    def _update_buttons(self) -> None:
        busy = self._task is not None
        has_pdf = bool(self.pdf)
        self.preview_button.setEnabled(not busy)
        self.print_button.setEnabled(has_pdf and not busy)
        self.save_button.setEnabled(has_pdf and not busy)
        allowed = can(self.ctx.actor, Permission.SITREP_ISSUE)
        self.issue_button.setEnabled(allowed and not busy)
        if not allowed:
            self.issue_button.setToolTip(_("Only a supervisor or an administrator may issue"))
        selected = self._selected() is not None
        for b in (self.open_button, self.reprint_button, self.export_button):
            b.setEnabled(selected and not busy)
        self.correct_button.setEnabled(selected and allowed and not busy)

    # --- background work -------------------------------------------------------------
    def _run(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], object],
             message: str, progress: bool = True, **kwargs: Any) -> None:
        """Run `fn` on the worker pool; it gets `progress=` when `progress` is True. Any job
        asked for replaces a pending automatic preview (which would otherwise replace an
        issued report shown meanwhile with a draft)."""
        self._auto.stop()
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(message)

        def done(result: Any) -> None:
            self._task = None
            self.progress.setVisible(False)
            self._update_buttons()
            on_done(result)

        def failed(err: BaseException) -> None:
            self._task = None
            self.progress.setVisible(False)
            self.status.setText(_("Not done: {error}").format(
                error=err.text() if hasattr(err, "text") else err))
            self._update_buttons()
            show_error(self, err)

        self._task = self.runner.run(fn, *args, on_done=done, on_error=failed,
                                     on_progress=self._on_progress if progress else None,
                                     **kwargs)
        self._update_buttons()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if total:
            self.progress.setValue(int(100 * done / total))
        if message:
            self.status.setText(message)

    def refresh_preview(self) -> None:
        """Generate a draft with the current options and texts (worker thread)."""
        if self.is_weekly():
            self._run(weekly.generate, self.ctx, self.weekly_options(), self.texts(),
                      on_done=self._preview_done, message=_("Generating the report…"))
            return
        self._run(sitrep.generate, self.ctx, self.options(), self.texts(),
                  on_done=self._preview_done, message=_("Generating the report…"))

    def _preview_done(self, result: tuple[bytes, Any, int]) -> None:
        pdf, data, pages = result
        if self._auto_highlights and not self.is_weekly():
            self._filling = True
            self.highlights.setPlainText("\n".join(data.texts.highlights or []))
            self._filling = False
        self.show_pdf(pdf, None)
        self.status.setText(_("Draft: {pages} pages. Issue it to give it a number.").format(
            pages=pages))

    def show_pdf(self, pdf: bytes, number: str | None) -> None:
        self.pdf = pdf
        self.shown_number = number
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self._update_buttons()
        self.preview_ready.emit(pdf)

    def print_current(self) -> None:
        if self.pdf:
            self._print(self.pdf)

    def _print(self, pdf: bytes) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        self.start_print(pdf, printer)

    def start_print(self, pdf: bytes, printer: QPrinter) -> None:
        self._printer = printer  # kept alive until the worker is done
        self._run(print_pdf, pdf, printer,
                  on_done=lambda pages: self.status.setText(
                      _("Sent {pages} pages to the printer.").format(pages=pages)),
                  message=_("Printing…"))

    def save_current(self) -> None:
        if not self.pdf:
            return
        opts = self.options()
        default = ("weekly-{w}.pdf".format(w=week_of(opts.report_date)) if self.is_weekly()
                   else "sitrep-{d}.pdf".format(d=opts.report_date.isoformat()))
        if self.shown_number:
            default = "sitrep-{n}.pdf".format(n=self.shown_number.replace("/", "-"))
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the report as"), default,
                                                    _("PDF files (*.pdf)"))
        if path:
            self.save_to(path, self.pdf)

    def save_to(self, path: str, pdf: bytes) -> bool:
        """The PDF, and beside it the files attached to it (the electronic Lampiran)."""
        target = Path(path)
        try:
            save_pdf(target, pdf)
        except OSError as err:
            logger.warning("Cannot save sitrep to %s: %s", target, err)
            show_error(self, sitrep.SitrepError(_("Cannot write {path}: {error}"),
                                                path=str(target), error=err.strerror or str(err)))
            return False
        self.status.setText(_("Saved to {path}").format(path=target))
        return True

    # --- issuing and the archive -----------------------------------------------------
    def confirm_issue(self) -> None:
        """Read the checklist (worker thread), then show it; "Terbitkan" issues."""
        if self.is_weekly():
            self._run(weekly.issue_checklist, self.ctx, self.weekly_options(), self.texts(),
                      on_done=self.show_checklist, message=_("Checking the report…"),
                      progress=False)
            return
        self._run(sitrep.issue_checklist, self.ctx, self.options(), self.texts(),
                  on_done=self.show_checklist, message=_("Checking the report…"),
                  progress=False)

    def show_checklist(self, check: report_archive.Checklist) -> None:
        opts = self.options()
        title = (_("Weekly report, week {week}").format(week=week_of(opts.report_date))
                 if self.is_weekly() else
                 _("Daily situation report of {date}").format(date=format_date(opts.report_date)))
        self.status.setText("" if check.signer_ok else _(
            "Not issued: fill in the signer ({fields}) in the settings.").format(
            fields=missing_signer_fields(check)))
        dialog = IssueDialog(check, title, self)
        dialog.accepted.connect(lambda: self.issue_now(confirm_nihil=dialog.confirmed_nihil()))
        self.issue_dialog = dialog
        dialog.open()

    def issue_now(self, confirm_nihil: bool = False) -> None:
        if self.is_weekly():
            self._run(weekly.issue, self.ctx, self.weekly_options(), self.texts(),
                      corrects=self.corrects, on_done=self._issued,
                      message=_("Issuing the report…"))
            return
        self._run(sitrep.issue, self.ctx, self.options(), self.texts(), corrects=self.corrects,
                  confirm_nihil=confirm_nihil, on_done=self._issued,
                  message=_("Issuing the report…"))

    def _issued(self, info: sitrep.IssuedInfo) -> None:
        self.set_correction(None)
        self.status.setText(_("Issued as number {number}.").format(number=info.number))
        self.issued.emit(info)
        self.load_archive()
        self._run(sitrep.issued_pdf, self.ctx, info.number,
                  on_done=lambda r: self.show_pdf(r[1], r[0].number),
                  message=_("Opening {number}…").format(number=info.number), progress=False)

    def load_archive(self) -> None:
        self.runner.run(sitrep.list_issued, self.ctx, on_done=self._archive_loaded,
                        on_error=lambda err: show_error(self, err))

    def _archive_loaded(self, items: list[sitrep.IssuedInfo]) -> None:
        self.issued_items = items
        self.archive.setRowCount(len(items))
        for row, i in enumerate(items):
            scope = _("Province") if i.scope == "33" else i.scope
            kind = {ReportKind.WEEKLY.value: _("Weekly"),
                    ReportKind.FLASH.value: _("Flash report")}.get(i.kind, _("Daily"))
            values = (i.number, format_date(i.report_date), scope, i.paper.upper(), str(i.pages),
                      i.issued_by, format_datetime_wib(i.issued_at), i.corrects or "", kind)
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, i.number)
                self.archive.setItem(row, col, item)
        self.archive.itemSelectionChanged.connect(self._update_buttons,
                                                  Qt.ConnectionType.UniqueConnection)
        self._update_buttons()
        self.archive_loaded.emit(len(items))

    def _selected(self) -> str | None:
        rows = self.archive.selectionModel().selectedRows() if self.archive.selectionModel() else []
        if not rows:
            return None
        item = self.archive.item(rows[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def open_selected(self) -> None:
        number = self._selected()
        if number:
            self._run(sitrep.issued_pdf, self.ctx, number,
                      on_done=lambda r: self.show_pdf(r[1], r[0].number),
                      message=_("Opening {number}…").format(number=number), progress=False)

    def reprint_selected(self) -> None:
        number = self._selected()
        if number:
            self._run(sitrep.issued_pdf, self.ctx, number,
                      on_done=lambda r: self._print(r[1]),
                      message=_("Opening {number}…").format(number=number), progress=False)

    def export_selected(self) -> None:
        number = self._selected()
        if not number:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the report as"), "sitrep-{n}.pdf".format(n=number.replace("/", "-")),
            _("PDF files (*.pdf)"))
        if path:
            self._run(sitrep.issued_pdf, self.ctx, number,
                      on_done=lambda r: self.save_to(path, r[1]),
                      message=_("Opening {number}…").format(number=number), progress=False)

    def prepare_correction(self) -> None:
        """Load the options and texts of the selected issued report; the next issue
        corrects it (a new number referring to the old one)."""
        number = self._selected()
        if not number:
            return
        try:
            kind, raw_options, raw_texts = report_archive.issued_raw_inputs(self.ctx, number)
            if kind == ReportKind.FLASH.value:
                raise sitrep.SitrepError(N_("A flash report is corrected from the incident: "
                                            "`posko flash INCIDENT --issue --corrects {number}`"),
                                         number=number)
            if kind == ReportKind.WEEKLY.value:
                w = WeeklyOptions.from_json(raw_options)
                opts = SitrepOptions(w.monday, w.regency, w.paper, w.lang)
            else:
                opts = SitrepOptions.from_json(raw_options)
            texts = SitrepTexts.from_json(raw_texts)
        except Exception as err:  # shown to the user
            show_error(self, err)
            return
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.set_options(opts)
        self.set_texts(texts)
        self.set_correction(number)
        self.refresh_preview()

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.SITREP:
            self.load_archive()
        elif change.kind is ChangeKind.INCIDENT and self.pdf and self.shown_number is None:
            self.status.setText(_("Incidents changed: press Preview to update the draft."))
