"""Everything about one incident: fields, status buttons (allowed transitions only),
timeline with an "add follow-up" box, referrals, attachments, delete/restore."""

from __future__ import annotations

import html
import logging
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import (
    AttachmentError,
    FollowUpKind,
    PoskoError,
    ReferralState,
    Severity,
    SourceType,
    Status,
    Transition,
    victims_text,
)
from posko_desktop.core.evidence import open_name, sniff_mime
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import incidents, reference
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.services.incidents import FollowUpEntry, IncidentDetail
from posko_desktop.core.taxonomy import channel_label, legal_type_label
from posko_desktop.core.textrules import format_datetime_wib, format_size
from posko_desktop.ui.dialogs.reason import ReasonDialog
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.models.incident_table import SEVERITY_COLOURS
from posko_desktop.ui.tasks import TaskRunner
from posko_desktop.ui.widgets.combo_fit import fit_combo
from posko_desktop.ui.widgets.incident_printing import IncidentPrinting
from posko_desktop.ui.widgets.referral_form import ReferralForm

if TYPE_CHECKING:  # opened on demand: the sitrep package brings the PDF makers
    from posko_desktop.ui.sitrep.flash_dialog import FlashDialog

logger = logging.getLogger(__name__)

VERSION_ROLE = Qt.ItemDataRole.UserRole + 1  # a referral's version, as shown
STATUS_BUTTONS_PER_ROW = 2
CONTACT_ROLE = Qt.ItemDataRole.UserRole + 2  # whom to call for a referral (its contact)



def _coded(name: str, code: str | None) -> str:
    """"Lerep (33.22.18.2004)"; a name without a code as it was entered."""
    return "{name} ({code})".format(name=name, code=code) if code else name

class FieldsScroll(QScrollArea):
    """The fields of the incident: as tall as they are (the timeline below takes the rest),
    scrolling only when the window is too low for them."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        inner = self.widget()
        width = self.viewport().width() or 360
        height = inner.heightForWidth(width) if inner is not None else -1
        return QSize(width, max(self.minimumHeight(), height + 2))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.updateGeometry()


class DetailPane(QWidget):
    edit_requested = Signal(object)  # IncidentDetail
    action_done = Signal(str)  # a short message for the status bar

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.detail: IncidentDetail | None = None
        self.reason_dialog: ReasonDialog | None = None
        self._categories = {c.code: c for c in reference.list_categories(ctx, include_inactive=True)}
        self._temp_dir: Path | None = None
        # Hooks for the file dialogs (tests replace them; the product asks the user).
        self.pick_files: Callable[[], list[str]] = self._ask_files
        self.pick_save_path: Callable[[str], str] = self._ask_save_path
        self.pick_report_path: Callable[[str], str] = self._ask_report_path
        self.flash_dialog: FlashDialog | None = None
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl

        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.header = QLabel(self)
        self.header.setObjectName("detail_header")
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields = QLabel(self)
        self.fields.setObjectName("detail_fields")
        self.fields.setWordWrap(True)
        self.fields.setTextFormat(Qt.TextFormat.RichText)
        self.fields.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_row = QGridLayout()  # STATUS_BUTTONS_PER_ROW, so a 400 px pane shows them whole
        self.status_label = QLabel(self)
        self.status_buttons: dict[str, QPushButton] = {}
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(self._edit)
        self.delete_button = QPushButton(self)
        self.delete_button.clicked.connect(self._delete_or_restore)
        self.flash_button = QPushButton(self)
        self.flash_button.setObjectName("flash_report_button")
        self.flash_button.clicked.connect(self.open_flash_report)
        self.print_button = QPushButton(self)
        self.print_button.setObjectName("print_incident_button")
        self.printing = IncidentPrinting(ctx, runner, self, lambda where: self.action_done.emit(
            _("Incident printed: {where}").format(where=where)))
        self.print_button.clicked.connect(self.print_incident)

        # timeline
        self.timeline = QListWidget(self)
        self.timeline.setObjectName("timeline")
        self.timeline.setWordWrap(True)
        self.followup_text = QPlainTextEdit(self)
        self.followup_text.setObjectName("followup_text")
        self.followup_text.setTabChangesFocus(True)
        self.followup_text.setMaximumHeight(70)
        self.followup_text.setMinimumHeight(self.followup_text.fontMetrics().lineSpacing() * 2 + 12)
        self.followup_button = QPushButton(self)
        self.followup_button.clicked.connect(self.add_followup)
        timeline_page = QWidget(self)
        tl = QVBoxLayout(timeline_page)
        tl.addWidget(self.timeline, 1)
        tl.addWidget(self.followup_text)
        tl.addWidget(self.followup_button, 0, Qt.AlignmentFlag.AlignRight)

        # referrals
        self.referrals = QTreeWidget(self)
        self.referrals.setObjectName("referrals")
        self.referrals.setRootIsDecorated(False)
        self.referral_state = QComboBox(self)
        self.referral_update_button = QPushButton(self)
        self.referral_update_button.clicked.connect(self.update_referral)
        self.referral_contact = QLabel(self)  # whom to call for the selected referral
        self.referral_contact.setObjectName("referral_contact_line")
        self.referral_contact.setWordWrap(True)
        self.referral_contact.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.referrals.currentItemChanged.connect(lambda *_a: self._show_referral_contact())
        self.referral_form = ReferralForm(ctx, self)
        self._agencies = self.referral_form.names
        form = self.referral_form
        self.agency, self.suggestion, self.due_at = form.agency, form.suggestion, form.due_at
        self.referral_text, self.refer_button = form.referral_text, form.refer_button
        fit_combo(self.agency, 18)
        fit_combo(self.referral_state, 20)
        self.refer_button.clicked.connect(self.add_referral)
        referral_page = QWidget(self)
        rl = QVBoxLayout(referral_page)
        rl.addWidget(self.referrals, 1)
        rl.addWidget(self.referral_contact)
        upd = QHBoxLayout()
        upd.addWidget(self.referral_state, 1)
        upd.addWidget(self.referral_update_button)
        rl.addLayout(upd)
        rl.addWidget(self.referral_form)

        # attachments
        self.attachments = QListWidget(self)
        self.attachments.setObjectName("attachments")
        self.attach_button = QPushButton(self)
        self.attach_button.clicked.connect(self.add_attachments)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self.open_attachment)
        self.save_as_button = QPushButton(self)
        self.save_as_button.clicked.connect(self.save_attachment)
        self.attachments.itemDoubleClicked.connect(lambda _item: self.open_attachment())
        attach_page = QWidget(self)
        al = QVBoxLayout(attach_page)
        al.addWidget(self.attachments, 1)
        ab = QHBoxLayout()
        ab.addWidget(self.attach_button)
        ab.addWidget(self.open_button)
        ab.addWidget(self.save_as_button)
        ab.addStretch(1)
        al.addLayout(ab)

        self.sections = QTabWidget(self)
        self.sections.addTab(timeline_page, "")
        self.sections.addTab(referral_page, "")
        self.sections.addTab(attach_page, "")

        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.header)
        self.fields_scroll = FieldsScroll(self)
        self.fields_scroll.setWidget(self.fields)
        body.addWidget(self.fields_scroll)
        body.addLayout(self.status_row)
        actions = QHBoxLayout()
        actions.addWidget(self.edit_button)
        actions.addWidget(self.delete_button)
        actions.addWidget(self.flash_button)
        actions.addWidget(self.print_button)
        actions.addStretch(1)
        body.addLayout(actions)
        # the fields first (their whole height when the window allows); the timeline, referrals
        # and attachments take what is left, down to their minimum
        self.sections.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        body.addWidget(self.sections, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.body)
        self.body.hide()
        self.retranslate_ui()

    # --- showing -----------------------------------------------------------------------

    @property
    def incident_id(self) -> uuid.UUID | None:
        return self.detail.id if self.detail else None

    def show_incident(self, incident_id: uuid.UUID | None) -> None:
        if incident_id is None:
            self.detail = None
            self.body.hide()
            self.placeholder.show()
            return
        try:
            self.detail = incidents.get_incident(self.ctx, incident_id)
        except PoskoError as err:
            logger.warning("Cannot show incident %s: %s", incident_id, err.text_in("en"))
            self.show_incident(None)
            return
        self._render()

    def show_hidden_by_filter(self) -> None:
        """The log's filter no longer lists the incident shown: clear the pane (so no
        action can reach it) and say why."""
        number = self.detail.number if self.detail is not None else ""
        self.show_incident(None)
        self.placeholder.setText(_("Incident {number} is not in the current filter. Choose an "
                                   "incident in the log to see its details.").format(
                                       number=number))

    def print_incident(self) -> None:
        """The print dialog, then the A4 sheet (`posko incident print`)."""
        if self.detail is not None:
            self.printing.ask(self.detail.id, self.detail.number)

    def reload(self) -> None:
        if self.detail is not None:
            self.show_incident(self.detail.id)

    def retranslate_ui(self) -> None:
        self.placeholder.setText(_("Choose an incident in the log to see its details."))
        self.status_label.setText(_("Status:"))
        self.edit_button.setText(_("&Edit…"))
        self.flash_button.setText(_("Flash report…"))
        self.print_button.setText(_("&Print…"))
        self.followup_text.setPlaceholderText(_("What was done, who was contacted, what is next…"))
        self.followup_button.setText(_("Add follow-up"))
        self.referral_update_button.setText(_("Update referral"))
        self.referral_form.retranslate_ui()
        self.attach_button.setText(_("Add file…"))
        self.open_button.setText(_("Open"))
        self.save_as_button.setText(_("Save as…"))
        self.referrals.setHeaderLabels([_("Agency"), _("State"), _("Due"), _("Note"),
                                        _("Contact")])
        current = self.referral_state.currentData()
        self.referral_state.clear()
        for state in ReferralState:
            self.referral_state.addItem(state.label, state.value)
        if current:
            self.referral_state.setCurrentIndex(self.referral_state.findData(current))
        self._categories = {c.code: c for c in reference.list_categories(self.ctx, include_inactive=True)}
        if self.detail is not None:
            self._render()
        else:
            self._retranslate_sections(None)

    def _retranslate_sections(self, d: IncidentDetail | None) -> None:
        n_t = len(d.timeline) if d else 0
        n_r = len(d.referrals) if d else 0
        n_a = len(d.attachments) if d else 0
        self.sections.setTabText(0, _("Timeline ({n})").format(n=n_t))
        self.sections.setTabText(1, _("Referrals ({n})").format(n=n_r))
        self.sections.setTabText(2, _("Attachments ({n})").format(n=n_a))
        self.delete_button.setText(_("Restore") if d and d.deleted else _("Delete…"))

    def _render(self) -> None:
        d = self.detail
        assert d is not None
        self.placeholder.hide()
        self.body.show()
        regency = reference.RegencyInfo(d.regency_code, d.regency_kind, d.regency_name)
        deleted = " — " + _("DELETED") if d.deleted else ""
        self.header.setText("<b>{number}</b>{deleted}<br><span style='font-size:13pt'>{title}</span>".format(
            number=html.escape(d.number), deleted=html.escape(deleted), title=html.escape(d.title)))
        cat = self._categories.get(d.category_code)
        now = self.ctx.now()
        overdue_text = ""
        if d.status in {s.value for s in Status if s.is_open} and not d.deleted:
            if d.responded_at is None and now > d.respond_by:
                overdue_text = _("overdue")
        bg, fg = SEVERITY_COLOURS[d.severity]
        rows: list[tuple[str, str]] = [
            (_("Status"), html.escape(Status(d.status).label)),
            (_("Severity"), "<span style='background:{bg};color:{fg}'>&nbsp;{s}&nbsp;</span>".format(
                bg=bg, fg=fg, s=html.escape(Severity(d.severity).label))),
            (_("Category"), html.escape("{code} {label}".format(
                code=d.category_code, label=cat.label if cat else ""))),
            (_("Channel"), html.escape(channel_label(d.channel))),
            (_("Legal type"), html.escape(legal_type_label(d.legal_type))),
            (_("Regency/city"), html.escape("{code} {name}".format(code=d.regency_code,
                                                                    name=regency.full_name))),
            (_("Reporting unit"), html.escape(d.reporting_unit or regency.full_name)),
            (_("Sub-district"), html.escape(_coded(d.kecamatan, d.kecamatan_code))),
            (_("Village"), html.escape(_coded(d.desa, d.desa_code))),
            (_("Location"), html.escape(d.location)),
            (_("Coordinates"), "" if d.latitude is None or d.longitude is None else
             "{lat:.6f}, {lon:.6f}".format(lat=d.latitude, lon=d.longitude)),
            (_("TPS"), "" if d.tps_number is None else str(d.tps_number)),
            (_("Contest"), "" if d.contest_code is None else html.escape(d.contest_code + (
                "" if d.pair_number is None else " " + _("pair {number}").format(
                    number=d.pair_number)))),
            (_("Occurred"), html.escape(format_datetime_wib(d.occurred_at))),
            (_("Reported"), html.escape(format_datetime_wib(d.reported_at))),
            (_("Respond by"), html.escape(format_datetime_wib(d.respond_by)) + (
                " <b style='color:#b35806'>({t})</b>".format(t=html.escape(overdue_text))
                if overdue_text else "")),
            (_("Source"), html.escape(SourceType(d.source_type).label)),
            (_("Source detail"), html.escape(d.source_detail)),
            (_("People involved"), "" if d.people_involved is None else str(d.people_involved)),
            (_("Victims"), html.escape(victims_text(d.victims_dead, d.victims_injured))),
            (_("Material loss"), html.escape(d.material_loss).replace("\n", "<br>")),
            (_("Current condition"), html.escape(d.current_condition).replace("\n", "<br>")),
            (_("Source contact"), html.escape(" · ".join(
                x for x in (d.source_contact, d.source_phone) if x))),
            (_("Recorded by"), html.escape("{who}, {when}".format(
                who=d.recorded_by, when=format_datetime_wib(d.created_at)))),
            (_("Last change"), html.escape("{who}, {when}".format(
                who=d.updated_by, when=format_datetime_wib(d.updated_at)))),
            (_("Site"), html.escape(d.origin_site)),
            (_("Description"), html.escape(d.description).replace("\n", "<br>")),
        ]
        self.referral_form.prepare(d, now)
        self._agencies = self.referral_form.names
        # empty fields are left out: the common ones then fit without scrolling (issue 19)
        self.fields.setText("<table cellspacing='1'>" + "".join(
            "<tr><td style='color:#555;padding-right:8px' valign='top'>{k}</td><td>{v}</td></tr>".format(
                k=html.escape(k), v=v) for k, v in rows if v) + "</table>")
        self.fields_scroll.updateGeometry()
        self._render_status_buttons(d)
        self._render_timeline(d)
        self._render_referrals(d)
        self.attachments.clear()
        for a in d.attachments:
            item = QListWidgetItem("{name}  ({size}, {when})".format(
                name=a.filename, size=format_size(a.size), when=format_datetime_wib(a.added_at)))
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            self.attachments.addItem(item)
        editable = not d.deleted
        for w in (self.edit_button, self.followup_button, self.refer_button,
                  self.referral_update_button, self.attach_button, self.flash_button):
            w.setEnabled(editable)
        self.delete_button.setVisible(can(self.ctx.actor, Permission.INCIDENT_DELETE))
        self._retranslate_sections(d)

    def _render_status_buttons(self, d: IncidentDetail) -> None:
        while self.status_row.count():
            item = self.status_row.takeAt(self.status_row.count() - 1)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.status_label:
                widget.deleteLater()
        self.status_buttons.clear()
        self.status_row.addWidget(self.status_label, 0, 0)
        allowed = [t for t in d.transitions if incidents.may_transition(self.ctx.actor, t)]
        for t in allowed:
            button = QPushButton(_(t.label), self)
            button.setObjectName("status_" + t.target.value)
            button.setToolTip(_("Change the status to {status}").format(status=t.target.label))
            button.clicked.connect(lambda _checked=False, tr=t: self.request_transition(tr))
            self.status_buttons[t.target.value] = button
            row, column = divmod(len(self.status_buttons) - 1, STATUS_BUTTONS_PER_ROW)
            self.status_row.addWidget(button, row, column + 1)
        if not allowed:
            none = QLabel(_("no further status change") if not d.deleted
                          else _("restore the incident first"), self)
            none.setStyleSheet("color:#777")
            self.status_row.addWidget(none, 0, 1)
        self.status_row.setColumnStretch(STATUS_BUTTONS_PER_ROW + 1, 1)

    def _entry_text(self, e: FollowUpEntry) -> str:
        head = "{when} · {who}".format(when=format_datetime_wib(e.created_at), who=e.author)
        if e.kind == FollowUpKind.STATUS and e.status_to:
            what = _("Status: {old} → {new}").format(
                old=Status(e.status_from).label if e.status_from else "",
                new=Status(e.status_to).label)
        elif e.kind == FollowUpKind.REFERRAL:
            what = _("Referred to {agency}").format(agency=self._agencies.get(e.agency_code or "", e.agency_code))
            if e.due_at:
                what += " · " + _("due {time}").format(time=format_datetime_wib(e.due_at))
        elif e.kind == FollowUpKind.REFERRAL_UPDATE:
            what = _("Referral to {agency}: {state}").format(
                agency=self._agencies.get(e.agency_code or "", e.agency_code),
                state=ReferralState(e.referral_state).label if e.referral_state else "")
        else:
            what = ""
        body = " — ".join(p for p in (what, e.text) if p)
        return "{head}\n{body}".format(head=head, body=body)

    def _render_timeline(self, d: IncidentDetail) -> None:
        self.timeline.clear()
        for e in reversed(d.timeline):  # newest first
            item = QListWidgetItem(self._entry_text(e))
            item.setData(Qt.ItemDataRole.UserRole, e.id)
            self.timeline.addItem(item)

    def _render_referrals(self, d: IncidentDetail) -> None:
        self.referrals.clear()
        now = self.ctx.now()
        for r in d.referrals:
            item = QTreeWidgetItem([
                self._agencies.get(r.agency_code, r.agency_code),
                ReferralState(r.state).label,
                format_datetime_wib(r.due_at),
                r.text,
                r.contact,
            ])
            item.setData(0, Qt.ItemDataRole.UserRole, r.id)
            item.setData(0, VERSION_ROLE, r.version)
            item.setData(0, CONTACT_ROLE, r.contact)
            if r.overdue(now):
                for col in range(4):
                    item.setForeground(col, QBrush(QColor("#b35806")))
                item.setToolTip(0, _("Overdue: the answer was due at {time}").format(
                    time=format_datetime_wib(r.due_at)))
            self.referrals.addTopLevelItem(item)
        first = self.referrals.topLevelItem(0)
        if first is not None:
            self.referrals.setCurrentItem(first)
        for col in range(3):
            self.referrals.resizeColumnToContents(col)
        self._show_referral_contact()

    def _show_referral_contact(self) -> None:
        """The phone number to call for the selected referral (its contact person)."""
        item = self.referrals.currentItem()
        contact = item.data(0, CONTACT_ROLE) if item is not None else ""
        self.referral_contact.setText(_("Call: {contact}").format(contact=contact)
                                      if contact else "")
        self.referral_contact.setVisible(bool(contact))

    # --- actions -----------------------------------------------------------------------

    def _act(self, fn: Callable[[], Any], done_message: str) -> bool:
        try:
            fn()
        except PoskoError as err:
            logger.info("Action refused: %s", err.text_in("en"))
            show_error(self, err)
            self.reload()
            return False
        self.reload()
        self.action_done.emit(done_message)
        return True

    def request_transition(self, transition: Transition) -> None:
        d = self.detail
        if d is None:
            return
        if transition.needs_reason:
            dialog = ReasonDialog(
                _(transition.label),
                _("Why does incident {number} go to {status}?").format(
                    number=d.number, status=transition.target.label),
                required=True, parent=self)
            version = d.version  # the decision is about the incident as shown now
            dialog.accepted.connect(lambda: self.change_status(
                transition.target.value, dialog.reason(), version))
            dialog.finished.connect(dialog.deleteLater)
            self.reason_dialog = dialog
            dialog.open()
        else:
            self.change_status(transition.target.value)

    def change_status(self, target: str, reason: str = "", version: str | None = None) -> bool:
        """Refused (and reloaded) when the incident changed since it was shown."""
        d = self.detail
        if d is None:
            return False
        seen = version or d.version
        return self._act(lambda: incidents.change_status(self.ctx, d.id, target, reason,
                                                         expected_version=seen),
                         _("{number}: status is now {status}").format(
                             number=d.number, status=Status(target).label))

    def add_followup(self) -> None:
        d = self.detail
        if d is None:
            return
        text = self.followup_text.toPlainText()
        if self._act(lambda: incidents.add_followup(self.ctx, d.id, text),
                     _("Follow-up added to {number}").format(number=d.number)):
            self.followup_text.clear()

    def add_referral(self) -> None:
        d = self.detail
        code = self.agency.currentData()
        if d is None or not code:
            return
        due = self.due_at.value()
        text = self.referral_text.text()
        contact = self.referral_form.contact_id()
        if self._act(lambda: incidents.add_referral(self.ctx, d.id, code, text, due, contact),
                     _("{number} referred to {agency}").format(number=d.number,
                                                                agency=self.agency.currentText())):
            self.referral_text.clear()
            self.sections.setCurrentIndex(1)

    def update_referral(self) -> None:
        item = self.referrals.currentItem()
        state = self.referral_state.currentData()
        if self.detail is None or item is None or not state:
            return
        referral_id = item.data(0, Qt.ItemDataRole.UserRole)
        seen = item.data(0, VERSION_ROLE)
        self._act(lambda: incidents.update_referral(self.ctx, referral_id, state,
                                                    expected_version=seen),
                  _("Referral updated"))

    def _edit(self) -> None:
        if self.detail is not None:
            self.edit_requested.emit(self.detail)

    def _delete_or_restore(self) -> None:
        d = self.detail
        if d is None:
            return
        if d.deleted:
            self._act(lambda: incidents.set_deleted(self.ctx, d.id, False,
                                                    expected_version=d.version),
                      _("{number} restored").format(number=d.number))
            return
        dialog = ReasonDialog(_("Delete incident"),
                              _("Incident {number} will be marked as deleted (it can be "
                                "restored). Reason:").format(number=d.number),
                              required=False, parent=self)
        dialog.accepted.connect(lambda: self._act(
            lambda: incidents.set_deleted(self.ctx, d.id, True, dialog.reason(),
                                          expected_version=d.version),
            _("{number} deleted").format(number=d.number)))
        dialog.finished.connect(dialog.deleteLater)
        self.reason_dialog = dialog
        dialog.open()

    # attachments

    def _ask_files(self) -> list[str]:
        files, _filter = QFileDialog.getOpenFileNames(
            self, _("Add evidence"), "",
            _("Images and PDF (*.png *.jpg *.jpeg *.gif *.webp *.pdf);;All files (*)"))
        return files

    def _ask_save_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(self, _("Save attachment as"), suggested)
        return path

    def add_attachments(self) -> None:
        d = self.detail
        if d is None:
            return
        files = self.pick_files()
        if not files:
            return

        def work() -> list[str]:  # worker thread: read, hash and store
            names = []
            for f in files:
                path = Path(f)
                incidents.attach(self.ctx, d.id, path.name, path.read_bytes())
                names.append(path.name)
            return names

        def done(names: list[str]) -> None:
            if not isValid(self):
                return
            self.reload()
            self.sections.setCurrentIndex(2)
            self.action_done.emit(_("{n} file(s) attached").format(n=len(names)))

        def failed(err: BaseException) -> None:
            if not isValid(self):
                return
            self.reload()
            if isinstance(err, PoskoError | OSError):
                show_error(self, err if isinstance(err, PoskoError) else _os_error(err))
            else:
                show_error(self, err)

        self.runner.run(work, on_done=done, on_error=failed)

    def _selected_attachment(self) -> tuple[incidents.AttachmentInfo, bytes] | None:
        """The selected evidence file and its content; a refusal is shown and gives None."""
        item = self.attachments.currentItem()
        if item is None:
            return None
        try:
            return incidents.attachment_data(self.ctx, item.data(Qt.ItemDataRole.UserRole))
        except PoskoError as err:
            show_error(self, err)
            return None

    def open_attachment(self) -> Path | None:
        selected = self._selected_attachment()
        if selected is None:
            return None
        info, data = selected
        if self._temp_dir is None:  # mkdtemp: readable by this OS user only
            self._temp_dir = Path(tempfile.mkdtemp(prefix="posko-"))
        # the extension of the type the content really is, never the stored name's
        mime = sniff_mime(data)
        if mime is None:  # never handed to the system (content from before such checks)
            show_error(self, AttachmentError(N_("{name} is not an image (PNG, JPEG, GIF, "
                                                "WebP) or a PDF"), name=info.filename))
            return None
        path = self._temp_dir / open_name(info.filename, info.sha256, mime)
        path.write_bytes(data)
        self.open_url(QUrl.fromLocalFile(str(path)))
        return path

    def _ask_report_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the flash report as"),
                                                    suggested, _("PDF files (*.pdf)"))
        return path

    def open_flash_report(self) -> FlashDialog | None:
        """"Laporan cepat…": the draft of the shown incident's flash report in a dialog that
        saves it and issues it (ui/sitrep/flash_dialog.py)."""
        from posko_desktop.ui.sitrep.flash_dialog import FlashDialog

        d = self.detail
        if d is None:
            return None
        dialog = FlashDialog(self.ctx, self.runner, d.number, d.title, self)
        dialog.pick_path = self.pick_report_path
        dialog.saved.connect(lambda path: self.action_done.emit(
            _("Saved {path}").format(path=path)))
        self.flash_dialog = dialog
        dialog.show()
        return dialog

    def save_attachment(self) -> Path | None:
        selected = self._selected_attachment()
        if selected is None:
            return None
        info, data = selected
        target = self.pick_save_path(info.filename)
        if not target:
            return None
        try:
            Path(target).write_bytes(data)
        except OSError as err:
            show_error(self, _os_error(err))
            return None
        self.action_done.emit(_("Saved {path}").format(path=target))
        return Path(target)


def _os_error(err: OSError) -> PoskoError:
    return AttachmentError(N_("The file could not be read or written: {detail}"), detail=str(err))
