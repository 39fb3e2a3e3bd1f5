"""The small forms of Pantau Medsos: a new case, the case to attach posts to, a verdict,
where a clarification was published, a take-down request, links to add, a post's place
and contest. Each collects
values only; the page calls the service (off the GUI thread) when the form is accepted."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.i18n import _
from posko_desktop.core.medsos.vocab import Addressee, CaseCategory, Priority, Verdict
from posko_desktop.core.services import contests, places, reference
from posko_desktop.core.services.medsos.cases import CaseInfo, CaseInput
from posko_desktop.core.services.medsos.posts import PostInfo
from posko_desktop.core.services.medsos.takedowns import TakedownInput
from posko_desktop.ui.widgets.combo_fit import fit_combo
from posko_desktop.ui.widgets.place_completion import make_searchable

COMBO_CHARS = 48  # longer items (a case's claim) elided in the field, whole in the list

DEFAULT_LEGAL_BASIS = ("UU 11/2008 tentang ITE sebagaimana diubah terakhir dengan UU 1/2024, "
                       "Pasal 28 ayat (2) dan (3); PP 71/2019 tentang Penyelenggaraan Sistem "
                       "dan Transaksi Elektronik")


class _Form(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.form = QFormLayout(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> None:
        self.form.addRow(self.buttons)


def _combo(parent: QWidget, items: Iterable[tuple[str, str | None]]) -> QComboBox:
    box = fit_combo(QComboBox(parent), COMBO_CHARS)
    for label, value in items:
        box.addItem(label, value)
    return box


def _checklist(parent: QWidget, items: Iterable[tuple[str, object]],
               checked: Collection[object]) -> QListWidget:
    box = QListWidget(parent)
    for label, value in items:
        item = QListWidgetItem(label, box)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if value in checked
                           else Qt.CheckState.Unchecked)
    return box


def checked_values(box: QListWidget) -> list[object]:
    return [box.item(i).data(Qt.ItemDataRole.UserRole) for i in range(box.count())
            if box.item(i).checkState() == Qt.CheckState.Checked]


class CaseDialog(_Form):
    """A new case for the chosen posts; the regencies they name are ticked already."""

    def __init__(self, ctx: AppContext, posts: Sequence[PostInfo], parent: QWidget | None = None
                 ) -> None:
        super().__init__(_("New case from {n} posts").format(n=len(posts)), parent)
        self.claim = QLineEdit(self)
        self.claim.setPlaceholderText(_("The claim in one sentence"))
        if posts:
            self.claim.setText(" ".join(posts[0].text.split())[:300])
        self.category = _combo(self, ((c.label, c.value) for c in CaseCategory))
        self.priority = _combo(self, ((p.label, p.value) for p in Priority))
        self.priority.setCurrentIndex(self.priority.findData(Priority.SEDANG.value))
        named = {code for p in posts for code in p.regencies}
        self.regencies = _checklist(self, (("{c} {n}".format(c=r.code, n=r.full_name), r.code)
                                           for r in reference.list_regencies(ctx)), named)
        self.regencies.setMaximumHeight(150)
        self.form.addRow(_("Claim"), self.claim)
        self.form.addRow(_("Category"), self.category)
        self.form.addRow(_("Priority"), self.priority)
        self.form.addRow(_("Regencies"), self.regencies)
        self.finish()

    def value(self) -> CaseInput:
        return CaseInput(self.claim.text(), self.category.currentData(),
                         self.priority.currentData(),
                         [str(x) for x in checked_values(self.regencies)])


class PickCaseDialog(_Form):
    def __init__(self, cases: Sequence[CaseInfo], parent: QWidget | None = None) -> None:
        super().__init__(_("Attach to case"), parent)
        self.case = _combo(self, ((f"{c.number} – {c.claim[:80]}", str(c.id)) for c in cases))
        self.form.addRow(_("Case"), self.case)
        self.finish()


class VerdictDialog(_Form):
    def __init__(self, number: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Verdict of case {number}").format(number=number), parent)
        self.verdict = _combo(self, ((v.label, v.value) for v in Verdict))
        self.reasoning = QPlainTextEdit(self)
        self.sources = QPlainTextEdit(self)
        self.sources.setPlaceholderText(_("One per line: an address or the name of a source"))
        self.sources.setMaximumHeight(90)
        self.form.addRow(_("Verdict"), self.verdict)
        self.form.addRow(_("Reasoning"), self.reasoning)
        self.form.addRow(_("Sources"), self.sources)
        self.finish()

    def source_lines(self) -> list[str]:
        return [x.strip() for x in self.sources.toPlainText().splitlines() if x.strip()]


class PublishDialog(_Form):
    def __init__(self, number: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Clarification of case {number} published").format(number=number),
                         parent)
        self.channel = QLineEdit(self)
        self.channel.setPlaceholderText(_("Website, Instagram of the desk, press release …"))
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("https://")
        self.form.addRow(_("Channel"), self.channel)
        self.form.addRow(_("Address (URL)"), self.url)
        self.finish()


class TakedownDialog(_Form):
    """A take-down request for posts of a case (all ticked)."""

    def __init__(self, number: str, posts: Sequence[PostInfo], parent: QWidget | None = None
                 ) -> None:
        super().__init__(_("Take-down request for case {number}").format(number=number), parent)
        self.addressee = _combo(self, ((a.label, a.value) for a in Addressee))
        self.channel = QLineEdit(self)
        self.channel.setPlaceholderText(_("aduankonten.id, the platform's report form, a letter"))
        self.reference = QLineEdit(self)
        self.legal_basis = QLineEdit(DEFAULT_LEGAL_BASIS, self)
        self.posts = _checklist(self, ((f"{p.number} {p.url or p.canonical_url}", p.id)
                                       for p in posts), {p.id for p in posts})
        self.posts.setMaximumHeight(150)
        self.form.addRow(_("Addressee"), self.addressee)
        self.form.addRow(_("Channel"), self.channel)
        self.form.addRow(_("Ticket or letter number"), self.reference)
        self.form.addRow(_("Legal basis"), self.legal_basis)
        self.form.addRow(_("Posts"), self.posts)
        self.finish()

    def value(self, case_id: object) -> TakedownInput:
        return TakedownInput(self.addressee.currentData(), checked_values(self.posts),  # type: ignore[arg-type]
                             case_id,  # type: ignore[arg-type]
                             self.channel.text(), self.reference.text(),
                             self.legal_basis.text())


class LinksDialog(_Form):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Add links"), parent)
        self.links = QPlainTextEdit(self)
        self.links.setPlaceholderText(_("Paste one or many links, one per line"))
        self.form.addRow(_("Links"), self.links)
        self.finish()

    def lines(self) -> list[str]:
        return [x for x in self.links.toPlainText().splitlines() if x.strip()]


class PlaceDialog(_Form):
    """The kecamatan and desa a post is about: its regency (those it names first), then a
    kecamatan of it and a desa of that kecamatan. A regency chosen that the post does not
    name yet is added to its regencies."""

    def __init__(self, ctx: AppContext, post: PostInfo, parent: QWidget | None = None) -> None:
        super().__init__(_("Place of post {number}").format(number=post.number), parent)
        self.post = post
        names = {r.code: r.full_name for r in reference.list_regencies(ctx)}
        order = [*post.regencies, *(c for c in names if c not in post.regencies)]
        self.regency = _combo(self, (("{c} {n}".format(c=c, n=names.get(c, c)), c)
                                     for c in order))
        self.kecamatan = QComboBox(self)
        self.desa = QComboBox(self)
        for box in (self.kecamatan, self.desa):
            make_searchable(box)
        kec = post.kecamatan_code
        if kec:
            self.regency.setCurrentIndex(max(0, self.regency.findData(kec[:5])))
        self.regency.currentIndexChanged.connect(lambda: self._fill_kecamatan(None))
        self.kecamatan.currentIndexChanged.connect(lambda: self._fill_desa(None))
        self._fill_kecamatan(kec, post.desa_code)
        self.form.addRow(_("Regency"), self.regency)
        self.form.addRow(_("Kecamatan"), self.kecamatan)
        self.form.addRow(_("Desa/kelurahan"), self.desa)
        self.finish()

    def _fill_kecamatan(self, keep: str | None, desa: str | None = None) -> None:
        self.kecamatan.blockSignals(True)
        self.kecamatan.clear()
        self.kecamatan.addItem(_("(no kecamatan)"), None)
        for k in places.kecamatan_names(self.regency.currentData()):
            self.kecamatan.addItem("{n} ({c})".format(n=k.name, c=k.code), k.code)
        self.kecamatan.setCurrentIndex(max(0, self.kecamatan.findData(keep)))
        self.kecamatan.blockSignals(False)
        self._fill_desa(desa)

    def _fill_desa(self, keep: str | None) -> None:
        self.desa.clear()
        self.desa.addItem(_("(no desa/kelurahan)"), None)
        code = self.kecamatan.currentData()
        for d in places.desa_names(code) if code else ():
            self.desa.addItem("{n} ({c})".format(n=d.name, c=d.code), d.code)
        self.desa.setCurrentIndex(max(0, self.desa.findData(keep)))

    def changes(self) -> dict[str, object]:
        regency = self.regency.currentData()
        kec = self.kecamatan.currentData()
        out: dict[str, object] = {"kecamatan_code": kec, "desa_code": self.desa.currentData()}
        if kec is not None and regency not in self.post.regencies:
            out["regencies"] = [*self.post.regencies, regency]
        return out


class ContestDialog(_Form):
    """The contest and candidate pair a post is about, by code (the pairs held for the
    contest chosen); the post's old free-text note, if any, is shown above and is cleared
    when a contest is named."""

    def __init__(self, ctx: AppContext, post: PostInfo, parent: QWidget | None = None) -> None:
        super().__init__(_("Contest of post {number}").format(number=post.number), parent)
        self.ctx = ctx
        if post.contest:
            note = QLabel(post.contest, self)
            note.setWordWrap(True)
            self.form.addRow(_("Old note"), note)
        self.contest = _combo(self, (("—", None), *(
            ("{code} {name}".format(code=c.code, name=c.name), c.code)
            for c in contests.list_contests(ctx))))
        self.contest.setCurrentIndex(max(0, self.contest.findData(post.contest_code)))
        self.pair = _combo(self, ())
        self.contest.currentIndexChanged.connect(lambda: self._fill_pairs(None))
        self._fill_pairs(post.pair_number)
        self.form.addRow(_("Contest:"), self.contest)
        self.form.addRow(_("Candidate pair (ballot number):"), self.pair)
        self.finish()

    def _fill_pairs(self, keep: int | None) -> None:
        self.pair.clear()
        self.pair.addItem("—", None)
        code = self.contest.currentData()
        for p in contests.list_pairs(self.ctx, code) if code else ():
            self.pair.addItem("{n}. {names}".format(n=p.ballot_number, names=p.names),
                              p.ballot_number)
        self.pair.setCurrentIndex(max(0, self.pair.findData(keep)))

    def changes(self) -> dict[str, object]:
        return {"contest_code": self.contest.currentData(),
                "pair_number": self.pair.currentData()}
