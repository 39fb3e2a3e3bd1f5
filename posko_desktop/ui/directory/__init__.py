"""Direktori tab (issue 18): the agencies and their contact persons."""

from __future__ import annotations

from posko_desktop.ui.directory.tab import DirectoryTab
from posko_desktop.ui.tabs import TabHost


def make_tab(host: TabHost) -> DirectoryTab:
    return DirectoryTab(host)


__all__ = ["DirectoryTab", "make_tab"]
