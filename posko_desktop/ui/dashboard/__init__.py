"""Dashboard tab (issue 3). Importing this package does not import matplotlib."""

from __future__ import annotations

from posko_desktop.ui.dashboard.tab import DashboardTab
from posko_desktop.ui.tabs import TabHost


def make_tab(host: TabHost) -> DashboardTab:
    return DashboardTab(host)


__all__ = ["DashboardTab", "make_tab"]
