"""Antrean: the triage queue. Unassigned posts ranked by reach × flags × regency level
(`services.medsos.triage`), filtered by platform, regency, lexicon flag and collection
time; posts pasted as links or imported from a file; the chosen posts attached to a case,
made a new case, or dismissed."""

from __future__ import annotations

import functools
import logging
import uuid
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.medsos.drafts import Platform
from posko_desktop.core.medsos.intake import UnmappedColumns
from posko_desktop.core.medsos.lexicon import Lexicon, category_label
from posko_desktop.core.services import reference
from posko_desktop.core.services.activities import place_text
from posko_desktop.core.services.medsos import cases, mappings, posts, triage
from posko_desktop.core.services.medsos.cases import CaseFilter
from posko_desktop.core.services.medsos.outputs import platform_name
from posko_desktop.core.services.medsos.triage import QueueRow
from posko_desktop.core.textrules import format_datetime, format_int
from posko_desktop.core.timeutil import wib_date, wib_range
from posko_desktop.ui.medsos.common import (
    MedsosPage,
    contest_cell,
    fill_table,
    make_table,
    one_line,
    refill_choices,
    selected_rows,
)
from posko_desktop.ui.medsos.dialogs import (
    CaseDialog,
    ContestDialog,
    LinksDialog,
    PickCaseDialog,
    PlaceDialog,
)
from posko_desktop.ui.medsos.lexicon_window import LexiconWindow
from posko_desktop.ui.medsos.mapping_dialog import MappingDialog, save_and_import
from posko_desktop.ui.tabs import TabHost

logger = logging.getLogger(__name__)

COLUMNS = (N_("Number"), N_("Score"), N_("Platform"), N_("Account"), N_("Posted (WIB)"),
           N_("Text"), N_("Reach"), N_("Flags"), N_("Contest"), N_("Situation level"))
TEXT_COLUMN = 5


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class QueuePage(MedsosPage):
    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.setObjectName("medsos_queue")
        self.rows: list[QueueRow] = []
        self.total = 0
        self.capped = False
        self.levels_at: datetime | None = None
        self.mapping_dialog: MappingDialog | None = None
        self._generation = 0
        self.platform = QComboBox(self)
        self.regency = QComboBox(self)
        self.regency.addItem("", None)
        for r in reference.list_regencies(self.ctx):
            self.regency.addItem("{c} {n}".format(c=r.code, n=r.full_name), r.code)
        self.flag = QComboBox(self)
        self.flag.addItem("", None)
        self.flag_labels = dict(Lexicon.default().categories)
        for code, label in self.flag_labels.items():
            self.flag.addItem(label, code)
        self.use_dates = QCheckBox(self)
        today = wib_date(self.ctx.now())
        self.first = QDateEdit(_qdate(today - timedelta(days=6)), self)
        self.last = QDateEdit(_qdate(today), self)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd-MM-yyyy")
            edit.setEnabled(False)
            edit.dateChanged.connect(self.reload)
        self.use_dates.toggled.connect(self.first.setEnabled)
        self.use_dates.toggled.connect(self.last.setEnabled)
        self.use_dates.toggled.connect(self.reload)
        for box in (self.platform, self.regency, self.flag):
            box.currentIndexChanged.connect(self.reload)
        self.table = make_table(self, len(COLUMNS), stretch=TEXT_COLUMN, multi=True)
        for column, width in ((0, 160), (1, 70), (2, 80), (3, 120), (4, 115), (6, 75), (7, 170),
                              (8, 80), (9, 110)):
            self.table.setColumnWidth(column, width)
        self.count = QLabel(self)
        self.links_button = QPushButton(self)
        self.import_button = QPushButton(self)
        self.new_case_button = QPushButton(self)
        self.attach_button = QPushButton(self)
        self.dismiss_button = QPushButton(self)
        self.place_button = QPushButton(self)
        self.place_button.clicked.connect(self.set_place)
        self.contest_button = QPushButton(self)
        self.contest_button.clicked.connect(self.set_contest)
        self.lexicon_button = QPushButton(self)  # the lexicon editor (changes: admins)
        self.lexicon_button.clicked.connect(self.open_lexicon)
        self.lexicon_window: LexiconWindow | None = None
        self.links_button.clicked.connect(self.add_links)
        self.import_button.clicked.connect(self.import_file)
        self.new_case_button.clicked.connect(self.new_case)
        self.attach_button.clicked.connect(self.attach)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.labels = [QLabel(self) for _i in range(3)]

        filters = QHBoxLayout()
        for caption, combo in zip(self.labels, (self.platform, self.regency, self.flag),
                                  strict=True):
            filters.addWidget(caption)
            filters.addWidget(combo, 1)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.first)
        filters.addWidget(self.last)
        buttons = QHBoxLayout()
        for b in (self.links_button, self.import_button, self.lexicon_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.place_button, self.contest_button, self.new_case_button, self.attach_button,
                  self.dismiss_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addLayout(buttons)
        self.retranslate_ui()
        host.events.changed.connect(self._on_change)
        self.reload()

    def retranslate_ui(self) -> None:
        for label, text in zip(self.labels, (_("Platform"), _("Regency"), _("Flag")),
                               strict=True):
            label.setText(text)
        refill_choices(self.platform, _("All platforms"),
                       ((platform_name(p.value), p.value) for p in Platform))
        self.regency.setItemText(0, _("All regencies"))
        self.flag.setItemText(0, _("All flags"))
        for i in range(1, self.flag.count()):  # built-in categories in the UI language
            self.flag.setItemText(i, self._flag_label(self.flag.itemData(i)))
        self.use_dates.setText(_("Collected from"))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.links_button.setText(_("Add links…"))
        self.import_button.setText(_("Import file…"))
        self.new_case_button.setText(_("New case…"))
        self.attach_button.setText(_("Attach to case…"))
        self.dismiss_button.setText(_("Dismiss"))
        self.place_button.setText(_("Place…"))
        self.contest_button.setText(_("Contest…"))
        self.lexicon_button.setText(_("Lexicon…"))
        if self.lexicon_window is not None:
            self.lexicon_window.retranslate_ui()
        self._fill()

    def set_place(self) -> PlaceDialog | None:
        """The kecamatan and desa of the chosen post (the first one chosen)."""
        chosen = self.chosen()
        if not chosen:
            return None
        post = chosen[0].post
        return self.edit_post(PlaceDialog(self.ctx, post, self), post, self._placed)

    def _placed(self, post: posts.PostInfo) -> None:
        self.host.status_message(_("Post {number}: {place}").format(
            number=post.number,
            place=place_text(post.kecamatan_code, post.desa_code) or _("no place")))
        self.reload()

    def set_contest(self) -> ContestDialog | None:
        """The contest and pair of the chosen post (the first one chosen)."""
        chosen = self.chosen()
        if not chosen:
            return None
        post = chosen[0].post
        return self.edit_post(ContestDialog(self.ctx, post, self), post, self._contest_named)

    def _contest_named(self, post: posts.PostInfo) -> None:
        self.host.status_message(_("Post {number}: contest {contest}, pair {pair}").format(
            number=post.number, contest=post.contest_code or "-", pair=post.pair_number or "-"))
        self.reload()

    def open_lexicon(self) -> LexiconWindow:
        if self.lexicon_window is None:
            self.lexicon_window = LexiconWindow(self.host, self)
        self.lexicon_window.show()
        self.lexicon_window.raise_()
        return self.lexicon_window

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        start = end = None
        if self.use_dates.isChecked():
            start, end = wib_range(self.first.date().toPython(),  # type: ignore[arg-type]
                                   self.last.date().toPython())  # type: ignore[arg-type]
        self.call(triage.queue, self.ctx, self.platform.currentData(),
                  self.regency.currentData(), self.flag.currentData(), start, end,
                  done=lambda page: self._loaded(page, generation))

    def _loaded(self, page: triage.QueuePage, generation: int) -> None:
        if generation != self._generation:
            return
        self.rows, self.total, self.capped = page.rows, page.total, page.capped
        self.levels_at = page.levels_at
        self._fill()
        self.loads += 1

    def _flag_label(self, code: str) -> str:
        return category_label(code, self.flag_labels.get(code))

    def _fill(self) -> None:
        texts = []
        for r in self.rows:
            p = r.post
            texts.append((p.number, format_int(r.score), platform_name(p.platform),
                          p.account_handle or p.account_name,
                          format_datetime(p.posted_at) if p.posted_at else "",
                          one_line(p.text or p.url), format_int(p.reach),
                          ", ".join(sorted({self._flag_label(f.category)
                                            for f in p.flags})),
                          contest_cell(p), r.level.label if r.level else ""))
        fill_table(self.table, texts, [str(r.post.id) for r in self.rows])
        total = format_int(self.total) + ("+" if self.capped else "")
        if self.total > len(self.rows):
            text = (_("{total} posts in the queue; the first {shown} are shown")
                    .format(total=total, shown=format_int(len(self.rows))))
        else:
            text = _("{total} posts in the queue").format(total=total)
        if self.levels_at is not None:
            text += " · " + _("situation levels as of {time}").format(
                time=format_datetime(self.levels_at))
        self.count.setText(text)

    def _on_change(self, change: Change) -> None:
        if change.kind in (ChangeKind.SOCIAL_POST, ChangeKind.HOAX_CASE, ChangeKind.INCIDENT):
            self.reload()

    def chosen(self) -> list[QueueRow]:
        return [self.rows[i] for i in selected_rows(self.table) if i < len(self.rows)]

    # --- actions ---------------------------------------------------------------------------

    def add_links(self) -> LinksDialog:
        dialog = LinksDialog(self)
        dialog.accepted.connect(lambda: self.call(
            posts.add_links, self.ctx, dialog.lines(), done=self._imported))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def import_file(self) -> None:
        for path in self.ask_open_paths(_("Import posts"), _(
                "Chat exports and tables (*.txt *.json *.csv *.xlsx);;All files (*)")):
            self.call(posts.import_file, self.ctx, path, done=self._imported,
                      failed=functools.partial(self._unmapped, path=path))

    def _unmapped(self, err: BaseException, *, path: str) -> bool:
        """A table whose columns are not recognised: the mapping dialog opens on it."""
        if not isinstance(err, UnmappedColumns):
            return False
        self.call(mappings.headers_of, self.ctx, path,
                  done=lambda headers: self._ask_mapping(path, headers))
        return True

    def _ask_mapping(self, path: str, headers: list[str]) -> MappingDialog:
        dialog = MappingDialog(self, path, headers, self)
        self.mapping_dialog = dialog
        dialog.accepted.connect(lambda: self._map_accepted(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _map_accepted(self, dialog: MappingDialog) -> None:
        mapping = dialog.mapping()
        if mapping is not None:
            self.call(save_and_import, self.ctx, dialog.path, mapping,
                      dialog.name.text().strip(), done=self._imported)

    def _imported(self, result: posts.PostImportResult) -> None:
        self.host.status_message(_("{added} posts added, {already} already held, {problems} "
                                   "problems").format(added=len(result.added),
                                                      already=len(result.already),
                                                      problems=len(result.problems)))

    def new_case(self) -> CaseDialog | None:
        chosen = [r.post for r in self.chosen()]
        if not chosen:
            return None
        dialog = CaseDialog(self.ctx, chosen, self)
        dialog.accepted.connect(lambda: self.call(
            cases.new_case, self.ctx, dialog.value(), [p.id for p in chosen],
            done=lambda c: self.host.status_message(_("Case {number} opened").format(
                number=c.number))))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def attach(self) -> None:
        chosen = [r.post.id for r in self.chosen()]
        if chosen:
            self.call(cases.list_cases, self.ctx, CaseFilter(),
                      done=lambda found: self._pick_case(found, chosen))

    def _pick_case(self, found: list[cases.CaseInfo], chosen: list[uuid.UUID]) -> None:
        open_cases = [c for c in found if c.status not in ("selesai", "ditolak")]
        if not open_cases:
            self.host.status_message(_("No open case to attach to"))
            return
        dialog = PickCaseDialog(open_cases, self)
        self.pick_dialog = dialog

        def attach() -> None:
            case_id = next(c.id for c in open_cases if str(c.id) == dialog.case.currentData())
            self.call(cases.attach_posts, self.ctx, case_id, chosen)

        dialog.accepted.connect(attach)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def dismiss(self) -> None:
        chosen = [r.post.id for r in self.chosen()]
        if chosen:
            self.call(posts.set_dismissed, self.ctx, chosen, True)
