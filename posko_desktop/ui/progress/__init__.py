"""Stage progress tab (issue 17): the board of the 35 regencies × the stages of voting day
and after, and the form that reports a stage."""

from __future__ import annotations

from posko_desktop.ui.progress.board import ProgressTab
from posko_desktop.ui.tabs import TabHost


def make_tab(host: TabHost) -> ProgressTab:
    return ProgressTab(host)


__all__ = ["ProgressTab", "make_tab"]
