"""One case in detail: the claim and what its posts add up to, then pages for the posts,
the evidence gallery, the verdict (decided by one supervisor, approved by another), the
clarification (draft, publish, the card and the ClaimReview), its take-down requests and
its timeline. Every action calls the case service off the GUI thread."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.evidence import IMAGE_TYPES
from posko_desktop.core.i18n import _
from posko_desktop.core.medsos.claimreview import to_json_ld
from posko_desktop.core.medsos.vocab import (
    Addressee,
    CaseCategory,
    CaseStatus,
    Priority,
    RecheckResult,
    TakedownStatus,
    Verdict,
)
from posko_desktop.core.services import incidents, reference
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.services.evidence_store import describe
from posko_desktop.core.services.medsos import case_links, cases, outputs, posts, takedowns
from posko_desktop.core.services.medsos.case_links import IncidentChoice
from posko_desktop.core.services.medsos.cases import CaseDetail
from posko_desktop.core.services.medsos.common import Evidence
from posko_desktop.core.services.medsos.outputs import TimelineEntry, platform_name
from posko_desktop.core.services.medsos.takedowns import TakedownFilter, TakedownInfo
from posko_desktop.core.textrules import (
    format_datetime,
    format_datetime_wib,
    format_int,
    format_size,
)
from posko_desktop.ui.medsos.case_dialogs import (
    FactCheckDialog,
    LinkIncidentDialog,
    OpenIncidentDialog,
)
from posko_desktop.ui.medsos.common import (
    MedsosPage,
    contest_cell,
    fill_table,
    make_table,
    one_line,
    saved_message,
    selected_rows,
    write_file,
)
from posko_desktop.ui.medsos.dialogs import (
    ContestDialog,
    PublishDialog,
    TakedownDialog,
    VerdictDialog,
)
from posko_desktop.ui.tabs import TabHost

logger = logging.getLogger(__name__)

THUMB = 120
GALLERY_MAX = 60


@dataclass(frozen=True)
class CaseView:
    """What the pane shows of a case (read off the GUI thread in one call)."""

    detail: CaseDetail
    takedowns: list[TakedownInfo]
    timeline: list[TimelineEntry]
    # the case's and its posts' evidence, each content once, at most GALLERY_MAX: the
    # content of an image (its thumbnail), None for other files (listed by name)
    gallery: list[tuple[Evidence, bytes | None]]
    incidents: list[IncidentChoice]  # the linked incidents held here


def load_case(ctx: AppContext, case_id: uuid.UUID) -> CaseView:
    detail = cases.case_detail(ctx, case_id)
    requests = takedowns.list_takedowns(ctx, TakedownFilter(case_id=case_id))
    files = [*detail.case.evidence, *(e for p in detail.posts for e in p.evidence)]
    seen: set[str] = set()
    gallery: list[tuple[Evidence, bytes | None]] = []
    for e in files:
        if e.sha256 not in seen and len(gallery) < GALLERY_MAX:
            seen.add(e.sha256)
            image = e.mime in IMAGE_TYPES
            gallery.append((e, posts.evidence_data(ctx, e.sha256) if image else None))
    return CaseView(detail, requests, outputs.case_timeline(detail, requests), gallery,
                    case_links.linked_incidents(ctx, detail.case.incidents))


class CaseDetailPane(MedsosPage):
    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.setObjectName("medsos_case_detail")
        self.view: CaseView | None = None
        self.case_id: uuid.UUID | None = None
        self._generation = 0
        self.regency_names = {r.code: r.full_name for r in reference.list_regencies(self.ctx)}
        self.title = QLabel(self)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.claim = QLabel(self)
        self.claim.setWordWrap(True)
        self.claim.setStyleSheet("font-weight: bold; font-size: 11pt")
        self.meta = QLabel(self)
        self.meta.setWordWrap(True)
        self.links = QLabel(self)  # incidents and fact-checks
        self.links.setWordWrap(True)
        self.links.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_incident_button = QPushButton(self)
        self.link_incident_button = QPushButton(self)
        self.fact_check_button = QPushButton(self)
        self.open_incident_button.clicked.connect(self.open_incident)
        self.link_incident_button.clicked.connect(self.link_incident)
        self.fact_check_button.clicked.connect(self.add_fact_check)
        self.pages = QTabWidget(self)
        # posts
        self.posts_table = make_table(self, 7, stretch=4)
        for column, width in ((0, 160), (1, 80), (2, 110), (3, 115), (5, 75), (6, 80)):
            self.posts_table.setColumnWidth(column, width)
        self.post_contest_button = QPushButton(self)  # the chosen post's contest and pair
        self.post_contest_button.clicked.connect(self.set_post_contest)
        # evidence
        self.gallery = QListWidget(self)
        self.gallery.setViewMode(QListView.ViewMode.IconMode)
        self.gallery.setIconSize(QSize(THUMB, THUMB))
        self.gallery.setResizeMode(QListView.ResizeMode.Adjust)
        self.gallery.setSpacing(6)
        self.gallery.setWordWrap(True)
        self.add_evidence_button = QPushButton(self)
        self.add_evidence_button.clicked.connect(self.add_evidence)
        # verdict
        self.verdict_text = QLabel(self)
        self.verdict_text.setWordWrap(True)
        self.verdict_text.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.decide_button = QPushButton(self)
        self.approve_button = QPushButton(self)
        self.decide_button.clicked.connect(self.decide)
        self.approve_button.clicked.connect(self.approve)
        # clarification
        self.clarification = QPlainTextEdit(self)
        self.published = QLabel(self)
        self.published.setWordWrap(True)
        self.save_text_button = QPushButton(self)
        self.publish_button = QPushButton(self)
        self.card_button = QPushButton(self)
        self.claimreview_button = QPushButton(self)
        self.save_text_button.clicked.connect(self.save_clarification)
        self.publish_button.clicked.connect(self.publish)
        self.card_button.clicked.connect(self.save_card)
        self.claimreview_button.clicked.connect(self.save_claimreview)
        # take-downs
        self.takedown_table = make_table(self, 6, stretch=5)
        self.new_takedown_button = QPushButton(self)
        self.new_takedown_button.clicked.connect(self.new_takedown)
        # timeline
        self.timeline_table = make_table(self, 3, stretch=1)
        self.timeline_table.setColumnWidth(0, 140)

        def page(*widgets: QWidget, buttons: tuple[QPushButton, ...] = ()) -> QWidget:
            w = QWidget(self)
            box = QVBoxLayout(w)
            for x in widgets:
                box.addWidget(x, 1 if not isinstance(x, QLabel) else 0)
            row = QHBoxLayout()
            for b in buttons:
                row.addWidget(b)
            row.addStretch(1)
            box.addLayout(row)
            return w

        self.pages.addTab(page(self.posts_table, buttons=(self.post_contest_button,)), "")
        self.pages.addTab(page(self.gallery, buttons=(self.add_evidence_button,)), "")
        verdict_page = page(self.verdict_text, buttons=(self.decide_button, self.approve_button))
        verdict_page.layout().addStretch(1)  # type: ignore[union-attr]
        self.pages.addTab(verdict_page, "")
        self.pages.addTab(page(self.clarification, self.published, buttons=(
            self.save_text_button, self.publish_button, self.card_button,
            self.claimreview_button)), "")
        self.pages.addTab(page(self.takedown_table, buttons=(self.new_takedown_button,)), "")
        self.pages.addTab(page(self.timeline_table), "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.claim)
        layout.addWidget(self.meta)
        link_row = QHBoxLayout()
        link_row.addWidget(self.links, 1)
        for b in (self.open_incident_button, self.link_incident_button, self.fact_check_button):
            link_row.addWidget(b)
        layout.addLayout(link_row)
        layout.addWidget(self.pages, 1)
        self.retranslate_ui()
        self._show()

    def retranslate_ui(self) -> None:
        for i, text in enumerate((_("Posts"), _("Evidence"), _("Verdict"), _("Clarification"),
                                  _("Take-downs"), _("Timeline"))):
            self.pages.setTabText(i, text)
        self.posts_table.setHorizontalHeaderLabels([
            _("Number"), _("Platform"), _("Account"), _("Posted (WIB)"), _("Text"), _("Reach"),
            _("Contest")])
        self.post_contest_button.setText(_("Contest…"))
        self.takedown_table.setHorizontalHeaderLabels([
            _("Request"), _("Addressee"), _("Status"), _("Submitted (WIB)"),
            _("Ticket or letter number"), _("Last result")])
        self.timeline_table.setHorizontalHeaderLabels([_("Time (WIB)"), _("What happened"),
                                                       _("By")])
        self.decide_button.setText(_("Decide verdict…"))
        self.approve_button.setText(_("Approve verdict"))
        self.save_text_button.setText(_("Save draft"))
        self.publish_button.setText(_("Record publication…"))
        self.card_button.setText(_("Save card (PNG)…"))
        self.claimreview_button.setText(_("Save ClaimReview (JSON-LD)…"))
        self.new_takedown_button.setText(_("New take-down request…"))
        self.add_evidence_button.setText(_("Add evidence…"))
        self.open_incident_button.setText(_("Open incident…"))
        self.link_incident_button.setText(_("Attach to incident…"))
        self.fact_check_button.setText(_("Add fact-check…"))
        self._show()

    # --- loading ---------------------------------------------------------------------------

    def show_case(self, case_id: uuid.UUID | None) -> None:
        self.case_id = case_id
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        if self.case_id is None:
            self.view = None
            self._show()
            self.loads += 1
            return
        self.call(load_case, self.ctx, self.case_id,
                  done=lambda view: self._loaded(view, generation))

    def _loaded(self, view: CaseView, generation: int) -> None:
        if generation != self._generation:
            return
        self.view = view
        self._show()
        self.loads += 1

    def _show(self) -> None:
        view = self.view
        decide = can(self.ctx.actor, Permission.MEDSOS_DECIDE)
        for w in (self.decide_button, self.approve_button, self.publish_button):
            w.setVisible(decide)
        self.pages.setEnabled(view is not None)
        open_case = view is not None and view.detail.case.status not in ("selesai", "ditolak")
        for b in (self.open_incident_button, self.link_incident_button, self.fact_check_button,
                  self.add_evidence_button):
            b.setEnabled(open_case)
        if view is None:
            self.title.setText(_("Choose a case in the list"))
            for label in (self.claim, self.meta, self.links, self.verdict_text, self.published):
                label.setText("")
            self.clarification.setPlainText("")
            for t in (self.posts_table, self.takedown_table, self.timeline_table):
                t.setRowCount(0)
            self.gallery.clear()
            return
        c, reach = view.detail.case, view.detail.reach
        self.title.setText("{n} · {s}".format(n=c.number, s=CaseStatus(c.status).label))
        self.claim.setText(c.claim)
        seen = ""
        if reach.first_seen is not None and reach.last_seen is not None:
            seen = _("seen {first} – {last}").format(first=format_datetime(reach.first_seen),
                                                      last=format_datetime(reach.last_seen))
        self.meta.setText(" · ".join(x for x in (
            CaseCategory(c.category).label, _("priority {p}").format(
                p=Priority(c.priority).label.lower()),
            ", ".join(self.regency_names.get(x, x) for x in c.regencies), _("{n} posts, reach {reach}").format(
                n=format_int(reach.posts), reach=format_int(reach.reach)), seen) if x))
        fill_table(self.posts_table, [
            (p.number, platform_name(p.platform), p.account_handle or p.account_name,
             format_datetime(p.posted_at) if p.posted_at else "", one_line(p.text or p.url),
             format_int(p.reach), contest_cell(p))
            for p in view.detail.posts],
            [str(p.id) for p in view.detail.posts])
        self.links.setText(" · ".join(x for x in (
            _("Incidents: {numbers}").format(numbers=", ".join(i.number for i in view.incidents))
            if view.incidents else "",
            _("Fact-checks: {items}").format(items="; ".join(
                "{p} {u}".format(p=f.publisher, u=f.url).strip() for f in c.fact_checks))
            if c.fact_checks else "") if x))
        self._show_gallery(view)
        self._show_verdict(view)
        k = c.clarification
        self.clarification.setPlainText(k.text if k else "")
        published = bool(k and k.published)
        self.clarification.setReadOnly(published)
        self.save_text_button.setEnabled(not published)
        self.published.setText("\n".join(_("Published on {channel} {url} ({when})").format(
            channel=p.channel, url=p.url, when=format_datetime_wib(p.at))
            for p in (k.published if k else ())))
        approved = c.verdict is not None and c.verdict.approved_by is not None
        self.publish_button.setEnabled(approved and bool(k and k.text))
        self.card_button.setEnabled(approved and bool(k and k.text))
        self.claimreview_button.setEnabled(any(p.url for p in (k.published if k else ())))
        fill_table(self.takedown_table, [
            (t.number, Addressee(t.addressee).label, TakedownStatus(t.status).label,
             format_datetime(t.submitted_at) if t.submitted_at else "", t.reference,
             RecheckResult(t.rechecks[-1].result).label if t.rechecks else "")
            for t in view.takedowns],
            [str(t.id) for t in view.takedowns])
        fill_table(self.timeline_table, [(format_datetime(e.at), e.text, e.by)
                                         for e in view.timeline], [None] * len(view.timeline))

    def _show_gallery(self, view: CaseView) -> None:
        self.gallery.clear()
        file_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        for evidence, data in view.gallery:
            described = "{what} · {size}".format(what=describe(evidence.mime),
                                                 size=format_size(evidence.size))
            if data is not None:
                pixmap = QPixmap()
                pixmap.loadFromData(data)
                icon = QIcon(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))
                text = one_line(evidence.filename, 18)
            else:  # a recording, saved page or chat export: name, size and hash
                icon = file_icon
                text = "{name}\n{size}\nSHA-256 {h}…".format(
                    name=one_line(evidence.filename, 18), size=format_size(evidence.size),
                    h=evidence.sha256[:12])
            item = QListWidgetItem(icon, text, self.gallery)
            item.setData(Qt.ItemDataRole.UserRole, evidence.sha256)
            item.setToolTip("{f}\n{d}\nSHA-256 {h}\n{who} {when}".format(
                f=evidence.filename, d=described, h=evidence.sha256, who=evidence.captured_by,
                when=format_datetime_wib(evidence.captured_at)))

    def _show_verdict(self, view: CaseView) -> None:
        v = view.detail.case.verdict
        if v is None:
            self.verdict_text.setText(_("No verdict yet."))
        else:
            lines = [_("Verdict: {verdict}").format(verdict=Verdict(v.verdict).label),
                     _("Decided by {user} at {when}").format(
                         user=v.decided_by, when=format_datetime_wib(v.decided_at)),
                     _("Approved by {user} at {when}").format(
                         user=v.approved_by, when=format_datetime_wib(v.approved_at))
                     if v.approved_by else _("Waiting for a second supervisor's approval"),
                     "", v.reasoning]
            if v.sources:
                lines += ["", _("Sources:"), *v.sources]
            self.verdict_text.setText("\n".join(lines))
        status = view.detail.case.status
        self.decide_button.setEnabled(status in ("baru", "diverifikasi", "terverifikasi"))
        self.approve_button.setEnabled(
            status == "diverifikasi" and v is not None and v.decided_by != self.ctx.actor.username)

    # --- actions ---------------------------------------------------------------------------

    def _case(self) -> cases.CaseInfo | None:
        return self.view.detail.case if self.view else None

    def _refresh(self, _value: object = None) -> None:
        self.reload()

    def decide(self) -> VerdictDialog | None:
        c = self._case()
        if c is None:
            return None
        dialog = VerdictDialog(c.number, self)
        dialog.accepted.connect(lambda: self.call(
            cases.decide_verdict, self.ctx, c.id, dialog.verdict.currentData(),
            dialog.reasoning.toPlainText(), dialog.source_lines(),
            expected_version=c.version, done=self._refresh))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def approve(self) -> None:
        c = self._case()
        if c is not None:
            self.call(cases.approve_verdict, self.ctx, c.id, expected_version=c.version,
                      done=self._refresh)

    def save_clarification(self) -> None:
        c = self._case()
        if c is not None:
            self.call(cases.set_clarification, self.ctx, c.id,
                      self.clarification.toPlainText(), expected_version=c.version,
                      done=self._refresh)

    def publish(self) -> PublishDialog | None:
        c = self._case()
        if c is None:
            return None
        dialog = PublishDialog(c.number, self)
        dialog.accepted.connect(lambda: self.call(
            cases.publish_clarification, self.ctx, c.id, dialog.channel.text(),
            dialog.url.text(), expected_version=c.version, done=self._refresh))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def save_card(self) -> None:
        c = self._case()
        path = c and self.ask_save_path(_("Save card (PNG)…"),
                                        "klarifikasi-{n}.png".format(n=c.number.lower()),
                                        "PNG (*.png)")
        if c and path:
            self.call(lambda: write_file(path, outputs.card_png(self.ctx, c.id)),
                      done=lambda p: self.host.status_message(saved_message(p)))

    def save_claimreview(self) -> None:
        c = self._case()
        path = c and self.ask_save_path(_("Save ClaimReview (JSON-LD)…"),
                                        "claimreview-{n}.json".format(n=c.number.lower()),
                                        "JSON-LD (*.json *.jsonld)")
        if c and path:
            self.call(lambda: write_file(path, to_json_ld(
                outputs.claim_review(self.ctx, c.id)).encode("utf-8")),
                done=lambda p: self.host.status_message(saved_message(p)))

    def new_takedown(self) -> TakedownDialog | None:
        if self.view is None:
            return None
        c = self.view.detail.case
        dialog = TakedownDialog(c.number, self.view.detail.posts, self)
        dialog.accepted.connect(lambda: self.call(
            takedowns.new_takedown, self.ctx, dialog.value(c.id), done=self._refresh))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog


    def set_post_contest(self) -> ContestDialog | None:
        """The contest and pair of the post chosen in the posts page."""
        rows = selected_rows(self.posts_table)
        if self.view is None or not rows:
            return None
        post = self.view.detail.posts[rows[0]]
        return self.edit_post(ContestDialog(self.ctx, post, self), post,
                              lambda _p: self.reload())

    def add_evidence(self) -> None:
        c = self._case()
        paths = self.ask_open_paths(_("Add evidence…"), _(
            "Evidence (*.png *.jpg *.jpeg *.gif *.webp *.pdf *.mp4 *.mov *.webm *.html *.htm "
            "*.mhtml *.mht *.txt *.zip);;All files (*)")) if c else []
        if c and paths:
            self.call(_attach_files, self.ctx, c.id, paths, c.version, done=self._refresh)

    def open_incident(self) -> OpenIncidentDialog | None:
        c = self._case()
        if c is None:
            return None
        dialog = OpenIncidentDialog(self.ctx, c.number, c.regencies, self)
        dialog.accepted.connect(lambda: self.call(
            cases.open_incident, self.ctx, c.id, dialog.regency.currentData(),
            severity=dialog.severity.currentData(), done=self._refresh))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def link_incident(self) -> None:
        c = self._case()
        if c is not None:
            self.call(case_links.incident_choices, self.ctx,
                      done=lambda choices: self._ask_incident(c, choices))

    def _ask_incident(self, c: cases.CaseInfo, choices: list[IncidentChoice]) -> None:
        dialog = LinkIncidentDialog(c.number, choices, self)
        self.link_dialog = dialog
        dialog.accepted.connect(lambda: self.call(
            _link_by_number, self.ctx, c.id, dialog.number(), done=self._refresh))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def add_fact_check(self) -> FactCheckDialog | None:
        c = self._case()
        if c is None:
            return None
        dialog = FactCheckDialog(c.number, self)
        dialog.accepted.connect(lambda: self.call(
            cases.add_fact_check, self.ctx, c.id, dialog.url.text(), dialog.publisher.text(),
            expected_version=c.version, done=self._refresh))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog


def _attach_files(ctx: AppContext, case_id: uuid.UUID, paths: list[str],
                  version: str) -> cases.CaseInfo:
    """Keep the chosen files as evidence of the case (worker thread), one after another."""
    info = cases.get_case(ctx, case_id)
    for path in paths:
        info = cases.attach_evidence(ctx, case_id, Path(path).name, Path(path).read_bytes(),
                                     expected_version=version)
        version = info.version
    return info


def _link_by_number(ctx: AppContext, case_id: uuid.UUID, number: str) -> cases.CaseInfo:
    return cases.link_incident(ctx, case_id, incidents.resolve_ref(ctx, number))
