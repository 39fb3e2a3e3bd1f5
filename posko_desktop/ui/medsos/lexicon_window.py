"""The lexicon editor (admins): the terms in effect by category, the version, the desk's
changes; add a term, remove one (a shipped term is switched off, an added one withdrawn),
replace one (its words or category). Every change goes through the lexicon service
(`lexicon.edit`, audited, synced); for anyone else the window only shows the lexicon."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import _
from posko_desktop.core.medsos.lexicon import category_label
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.services.medsos import lexicon
from posko_desktop.core.services.medsos.lexicon import LexiconTerm, LexiconView
from posko_desktop.core.textrules import format_int
from posko_desktop.ui.medsos.common import (
    MedsosPage,
    fill_table,
    make_table,
    refill_choices,
    selected_rows,
)
from posko_desktop.ui.medsos.dialogs import _combo, _Form
from posko_desktop.ui.tabs import TabHost
from posko_desktop.ui.widgets.combo_fit import fit_combo


def category_labels(view: LexiconView) -> dict[str, str]:
    """Key -> label in the UI language: a built-in category translated, an admin's own
    one as the file has it."""
    return {key: category_label(key, label) for key, label in view.categories.items()}


class LexiconWindow(QDialog):
    """Modeless; `page` runs the service calls (the host's runner, errors shown)."""

    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("medsos_lexicon")
        self.resize(760, 560)
        self.page = MedsosPage(host, self)
        self.ctx = host.ctx
        self.may_edit = can(self.ctx.actor, Permission.LEXICON_EDIT)
        self.view: LexiconView | None = None
        self.shown: list[LexiconTerm] = []
        self.version = QLabel(self)
        self.category = fit_combo(QComboBox(self))
        self.category.currentIndexChanged.connect(self._fill)
        self.table = make_table(self, 3, stretch=0)
        self.table.setColumnWidth(1, 260)
        self.new_term = QLineEdit(self)
        self.new_category = fit_combo(QComboBox(self))
        self.add_button = QPushButton(self)
        self.edit_button = QPushButton(self)
        self.remove_button = QPushButton(self)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.version, 1)
        top.addWidget(self.category)
        adding = QHBoxLayout()
        adding.addWidget(self.new_term, 2)
        adding.addWidget(self.new_category, 1)
        adding.addWidget(self.add_button)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.edit_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addLayout(adding)
        for w in (self.new_term, self.new_category, self.add_button, self.edit_button,
                  self.remove_button):
            w.setEnabled(self.may_edit)
        self.retranslate_ui()
        host.events.changed.connect(self._on_change)
        self.reload()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Lexicon"))
        self.table.setHorizontalHeaderLabels([_("Term"), _("Category"), _("Source")])
        self.new_term.setPlaceholderText(_("Word or phrase to flag"))
        self.add_button.setText(_("Add"))
        self.edit_button.setText(_("Edit…"))
        self.remove_button.setText(_("Remove"))
        self.note.setText("" if self.may_edit else
                          _("Only an administrator changes the lexicon."))
        self._show()

    # --- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        self.page.call(lexicon.view, self.ctx, done=self._loaded)

    def _loaded(self, view: LexiconView) -> None:
        self.view = view
        self._show()
        self.page.loads += 1

    def _show(self) -> None:
        view = self.view
        if view is None:
            return
        self.version.setText(_("Lexicon version {version}: {count} terms").format(
            version=view.version, count=format_int(len(view.terms))))
        labels = category_labels(view)
        refill_choices(self.category, _("All categories"),
                       ((label, key) for key, label in labels.items()))
        current = self.new_category.currentData()
        self.new_category.clear()
        for key, label in labels.items():
            self.new_category.addItem(label, key)
        self.new_category.setCurrentIndex(max(0, self.new_category.findData(current)))
        self._fill()

    def _fill(self) -> None:
        if self.view is None:
            return
        chosen = self.category.currentData()
        labels = category_labels(self.view)
        self.shown = [t for t in self.view.terms if chosen is None or t.category == chosen]
        fill_table(self.table, [(t.term, labels.get(t.category, t.category),
                                 _("shipped") if t.source == "shipped" else _("added"))
                                for t in self.shown], list(range(len(self.shown))))

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.LEXICON:
            self.reload()

    # --- changes -----------------------------------------------------------------------------

    def _selected(self) -> LexiconTerm | None:
        rows = selected_rows(self.table)
        return self.shown[rows[0]] if rows and rows[0] < len(self.shown) else None

    def add(self) -> None:
        self.page.call(lexicon.add_term, self.ctx, self.new_term.text(),
                       self.new_category.currentData() or "", done=self._added)

    def _added(self, view: LexiconView) -> None:
        self.new_term.clear()
        self._loaded(view)

    def remove_selected(self) -> None:
        term = self._selected()
        if term is not None:
            self.page.call(lexicon.remove_term, self.ctx, term.term, term.category,
                           done=self._loaded)

    def edit_selected(self) -> TermDialog | None:
        term = self._selected()
        if term is None or self.view is None:
            return None
        dialog = TermDialog(term, category_labels(self.view), self)
        dialog.accepted.connect(lambda: self.page.call(
            lexicon.edit_term, self.ctx, term.term, term.category, dialog.term.text(),
            dialog.category.currentData(), done=self._loaded))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog


class TermDialog(_Form):
    def __init__(self, term: LexiconTerm, categories: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Edit lexicon term"), parent)
        self.term = QLineEdit(term.term, self)
        self.category = _combo(self, ((label, key) for key, label in categories.items()))
        self.category.setCurrentIndex(max(0, self.category.findData(term.category)))
        self.form.addRow(_("Term"), self.term)
        self.form.addRow(_("Category"), self.category)
        self.finish()
