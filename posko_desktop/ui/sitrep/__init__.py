"""Sitrep tab (issue 4): options, texts, live PDF preview, print, save, issue, archive."""

from __future__ import annotations

from posko_desktop.ui.sitrep.tab import SitrepTab, print_pdf
from posko_desktop.ui.tabs import TabHost


def make_tab(host: TabHost) -> SitrepTab:
    return SitrepTab(host)


__all__ = ["SitrepTab", "make_tab", "print_pdf"]
