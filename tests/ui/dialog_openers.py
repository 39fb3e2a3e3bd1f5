"""Every dialog class of the window, opened as a user would meet it (on the demo window of
tests/ui/conftest.py), for the language walk and the fit check (test_language_walk.py).

The classes are found by rule: every QDialog subclass defined under posko_desktop/ui.
A class must either have an opener here or a reason in NOT_WALKED;
`test_every_dialog_class_is_walked_or_listed_with_a_reason` fails on a new one.
"""

from __future__ import annotations

import base64
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog

import posko_desktop.ui
from posko_desktop.core.domain import Actor
from posko_desktop.core.i18n import _
from posko_desktop.core.services import backup, shifts, sitrep
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.authz import Role
from posko_desktop.core.services.medsos import case_links, cases, lexicon, posts
from posko_desktop.core.services.value_texts import role_label
from posko_desktop.core.sync.keys import PublicKeyInfo
from posko_desktop.ui.accounts.dialogs import (
    AddUserDialog,
    ChangePasswordDialog,
    ChoiceDialog,
    LoginDialog,
)
from posko_desktop.ui.accounts.wizard import SetupWizard
from posko_desktop.ui.activities.dialog import ActivityDialog
from posko_desktop.ui.backup.restore import BackupPicker
from posko_desktop.ui.dashboard.tab import NihilDialog
from posko_desktop.ui.dialogs.about import AboutDialog
from posko_desktop.ui.dialogs.demo_data import DemoDataDialog
from posko_desktop.ui.dialogs.first_run import FirstRunDialog
from posko_desktop.ui.dialogs.incident_form import IncidentFormDialog
from posko_desktop.ui.dialogs.merge_dialog import MergeDialog
from posko_desktop.ui.dialogs.reason import ReasonDialog
from posko_desktop.ui.directory.dialogs import AgencyDialog, ContactDialog
from posko_desktop.ui.directory.tab import DirectoryTab
from posko_desktop.ui.kerawanan.dialog import PairDialog
from posko_desktop.ui.medsos import MedsosTab
from posko_desktop.ui.medsos.case_dialogs import (
    FactCheckDialog,
    LinkIncidentDialog,
    OpenIncidentDialog,
)
from posko_desktop.ui.medsos.dialogs import (
    CaseDialog,
    ContestDialog,
    LinksDialog,
    PickCaseDialog,
    PlaceDialog,
    PublishDialog,
    TakedownDialog,
    VerdictDialog,
)
from posko_desktop.ui.medsos.lexicon_window import LexiconWindow, TermDialog, category_labels
from posko_desktop.ui.medsos.mapping_dialog import MappingDialog
from posko_desktop.ui.shifts.dialog import HandoverDialog
from posko_desktop.ui.shifts.roster_editor import RosterEditor
from posko_desktop.ui.sitrep.flash_dialog import FlashDialog
from posko_desktop.ui.sitrep.issue_dialog import IssueDialog
from posko_desktop.ui.sitrep.tab import SitrepTab
from posko_desktop.ui.spreadsheets import open_import_dialog
from posko_desktop.ui.spreadsheets.dialog import ImportDialog
from posko_desktop.ui.sync.tab import KeyConfirmDialog
from posko_desktop.ui.units.tab import UnitDialog
from tests.spreadsheets.helpers import fill_template, row

Opener = Callable[[Any, Path], QDialog]

NOT_WALKED: dict[str, str] = {
    "posko_desktop.ui.medsos.dialogs._Form": "a base class: walked through its subclasses",
    "posko_desktop.ui.directory.dialogs._Editor": "a base class: walked through its subclasses",
}

MEDSOS_EXPORT_HEADERS = ["Tanggal", "Akun", "Isi", "Tautan posting", "Jumlah tayang"]


def dialog_classes() -> dict[str, type[QDialog]]:
    """Every QDialog subclass defined in a module under posko_desktop/ui, by full name."""
    found: dict[str, type[QDialog]] = {}
    for info in pkgutil.walk_packages(posko_desktop.ui.__path__, "posko_desktop.ui."):
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, QDialog) and cls.__module__ == module.__name__:
                found[cls.__module__ + "." + cls.__qualname__] = cls
    return found


def _tab(window: Any, kind: type) -> Any:
    return next(w for w in window.feature_tabs if isinstance(w, kind))


def _posts(window: Any) -> list[posts.PostInfo]:
    return list(posts.list_posts(window.ctx, limit=3).rows)


def _case(window: Any) -> cases.CaseInfo:
    return cases.list_cases(window.ctx)[0]


def _merge(window: Any, _folder: Path) -> QDialog:
    """A save refused because another user changed the same field: the merge dialog."""
    ctx = window.ctx
    form = window.edit_current()
    detail = window.log.detail.detail
    other = ctx.as_actor(Actor("ani", "admin", "Ani"))
    inc.update_incident(other, detail.id, {"title": detail.title + " (diubah Ani)"},
                        expected_version=detail.version)
    form.title.setText(detail.title + " (diubah di sini)")
    form.save()
    dialog = form.merge_dialog
    assert isinstance(dialog, MergeDialog)
    dialog.finished.connect(form.reject)  # the walk closes the form with it
    return dialog


def _handover(window: Any, _folder: Path) -> QDialog:
    ctx = window.ctx
    written = shifts.create_handover(ctx, "Pantau TPS 05 Tembalang")
    return HandoverDialog(ctx, shifts.get_handover(ctx, written.id), window)


def _issue(window: Any, _folder: Path) -> QDialog:
    tab = _tab(window, SitrepTab)
    tab.show_checklist(sitrep.issue_checklist(window.ctx, tab.options(), tab.texts()))
    return tab.issue_dialog


def _backups(window: Any, folder: Path) -> QDialog:
    backup.create_backup(window.ctx, folder=folder / "cadangan")
    return BackupPicker(folder / "cadangan", None, window)


def _term(window: Any, _folder: Path) -> QDialog:
    view = lexicon.view(window.ctx)
    return TermDialog(view.terms[0], category_labels(view), window)


def _mapping(window: Any, folder: Path) -> QDialog:
    path = folder / "ekspor.csv"
    path.write_text(",".join(MEDSOS_EXPORT_HEADERS) + "\n", "utf-8")
    return MappingDialog(_tab(window, MedsosTab).queue, str(path), MEDSOS_EXPORT_HEADERS,
                         window)


def _import(window: Any, folder: Path) -> QDialog:
    workbook = fill_template(window.ctx, folder / "laporan.xlsx",
                             [row(), row(regency="Semarang")])
    return open_import_dialog(window, workbook)  # one row refused


OPENERS: dict[type[QDialog], Opener] = {
    IncidentFormDialog: lambda w, _f: w.edit_current(),
    MergeDialog: _merge,
    AboutDialog: lambda w, _f: w.show_about(),
    DemoDataDialog: lambda w, _f: w.load_demo_data(),
    FlashDialog: lambda w, _f: w.log.detail.open_flash_report(),
    LoginDialog: lambda w, _f: LoginDialog(w.ctx, w),
    ChangePasswordDialog: lambda w, _f: ChangePasswordDialog(w.ctx, w),
    AddUserDialog: lambda w, _f: AddUserDialog(w.ctx, w),
    ChoiceDialog: lambda w, _f: ChoiceDialog(  # as the users panel asks for a role
        _("Change role"), _("New role of {user}:").format(user="budi"),
        [(role_label(r.value), r.value) for r in Role], "operator", w),
    SetupWizard: lambda w, _f: SetupWizard(w.ctx, w),
    FirstRunDialog: lambda w, _f: FirstRunDialog(w.ctx, w),
    ReasonDialog: lambda w, _f: ReasonDialog(  # as the detail pane asks before "Delete"
        _("Delete incident"), _("Why does incident {number} go to {status}?").format(
            number=w.log.detail.detail.number, status=_("Rejected")), True, w),
    ActivityDialog: lambda w, _f: ActivityDialog(w.ctx, None, w),
    UnitDialog: lambda w, _f: UnitDialog(w.ctx, None, w),
    ImportDialog: _import,
    NihilDialog: lambda w, _f: NihilDialog(w.ctx, w.runner, "33.01", "Kab. Cilacap", w),
    IssueDialog: _issue,
    KeyConfirmDialog: lambda w, _f: KeyConfirmDialog(PublicKeyInfo(
        "33.02", "Posko Kabupaten Banyumas", base64.b64encode(bytes(range(32))).decode()), w),
    BackupPicker: _backups,
    PairDialog: lambda w, _f: PairDialog(w.ctx, None, w),
    AgencyDialog: lambda w, _f: AgencyDialog(w.ctx, None, _tab(w, DirectoryTab).rows, w),
    ContactDialog: lambda w, _f: ContactDialog(w.ctx, _tab(w, DirectoryTab).rows[0].code,
                                               None, w),
    HandoverDialog: _handover,
    RosterEditor: lambda w, _f: RosterEditor(w.ctx, date(2024, 11, 27), w),
    CaseDialog: lambda w, _f: CaseDialog(w.ctx, _posts(w), w),
    PickCaseDialog: lambda w, _f: PickCaseDialog(cases.list_cases(w.ctx), w),
    PlaceDialog: lambda w, _f: PlaceDialog(w.ctx, _posts(w)[0], w),
    ContestDialog: lambda w, _f: ContestDialog(w.ctx, _posts(w)[0], w),
    VerdictDialog: lambda w, _f: VerdictDialog(_case(w).number, w),
    PublishDialog: lambda w, _f: PublishDialog(_case(w).number, w),
    TakedownDialog: lambda w, _f: TakedownDialog(_case(w).number, _posts(w), w),
    LinksDialog: lambda w, _f: LinksDialog(w),
    OpenIncidentDialog: lambda w, _f: OpenIncidentDialog(w.ctx, _case(w).number,
                                                         ["33.74"], w),
    LinkIncidentDialog: lambda w, _f: LinkIncidentDialog(
        _case(w).number, case_links.incident_choices(w.ctx), w),
    FactCheckDialog: lambda w, _f: FactCheckDialog(_case(w).number, w),
    LexiconWindow: lambda w, _f: LexiconWindow(w, w),
    TermDialog: _term,
    MappingDialog: _mapping,
}
