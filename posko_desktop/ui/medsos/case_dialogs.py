"""The forms of a case's links: open an incident of the log for it, attach it to an
existing incident (by number, with completion), add an external fact-check. Each collects
values only; the case pane calls the service when the form is accepted."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Severity
from posko_desktop.core.i18n import _
from posko_desktop.core.services import reference
from posko_desktop.core.services.medsos.case_links import IncidentChoice
from posko_desktop.ui.medsos.dialogs import _combo, _Form


class OpenIncidentDialog(_Form):
    """A new incident of the log for the case: its regency (the case's first one chosen)
    and severity; the title, time and source come from the case."""

    def __init__(self, ctx: AppContext, number: str, regencies: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Open an incident for case {number}").format(number=number), parent)
        self.regency = _combo(self, ((r.full_name, r.code) for r in reference.list_regencies(ctx)))
        if regencies:
            self.regency.setCurrentIndex(max(0, self.regency.findData(regencies[0])))
        self.severity = _combo(self, ((s.label, s.value) for s in Severity))
        self.severity.setCurrentIndex(max(0, self.severity.findData(Severity.SEDANG.value)))
        self.form.addRow(_("Regency"), self.regency)
        self.form.addRow(_("Severity"), self.severity)
        self.finish()


class LinkIncidentDialog(_Form):
    """The incident to attach the case to: its number, completed from the newest incidents
    (number or title typed)."""

    def __init__(self, number: str, choices: Sequence[IncidentChoice],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Attach case {number} to an incident").format(number=number), parent)
        self.incident = QLineEdit(self)
        self.incident.setPlaceholderText(_("Incident number"))
        self.labels = [c.label for c in choices]
        completer = QCompleter(QStringListModel(self.labels, self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.incident.setCompleter(completer)
        self.form.addRow(_("Incident"), self.incident)
        self.finish()

    def number(self) -> str:
        """The number typed or chosen ("JTG-2024-00012 — title" -> "JTG-2024-00012")."""
        return self.incident.text().split(" — ", 1)[0].strip()


class FactCheckDialog(_Form):
    def __init__(self, number: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Fact-check of case {number}").format(number=number), parent)
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("https://turnbackhoax.id/…")
        self.publisher = QLineEdit(self)
        self.publisher.setPlaceholderText(_("turnbackhoax.id, cekfakta.com, Komdigi …"))
        self.form.addRow(_("Address (URL)"), self.url)
        self.form.addRow(_("Publisher"), self.publisher)
        self.finish()
