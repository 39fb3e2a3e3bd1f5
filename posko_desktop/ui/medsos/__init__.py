"""Pantau Medsos tab (issue 16): the triage queue (Antrean), the hoax cases (Kasus) and the
take-down register, as pages of one feature tab."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from posko_desktop.core.i18n import _
from posko_desktop.ui.medsos.cases import CasesPage
from posko_desktop.ui.medsos.queue import QueuePage
from posko_desktop.ui.medsos.takedowns import TakedownPage
from posko_desktop.ui.tabs import TabHost


class MedsosTab(QTabWidget):
    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("medsos_tab")
        self.setDocumentMode(True)
        self.queue = QueuePage(host, self)
        self.cases = CasesPage(host, self)
        self.takedowns = TakedownPage(host, self)
        for page in (self.queue, self.cases, self.takedowns):
            self.addTab(page, "")
        self.retranslate_ui()

    def tab_title(self) -> str:
        return _("Social media")

    def retranslate_ui(self) -> None:
        for i, text in enumerate((_("Queue"), _("Cases"), _("Take-down register"))):
            self.setTabText(i, text)
        for page in (self.queue, self.cases, self.takedowns):
            page.retranslate_ui()


def make_tab(host: TabHost) -> MedsosTab:
    return MedsosTab(host)


__all__ = ["MedsosTab", "make_tab"]
