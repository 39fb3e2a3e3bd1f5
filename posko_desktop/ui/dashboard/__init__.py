"""Dashboard tab (issue 3). Importing this package does not import matplotlib."""

from __future__ import annotations

from typing import Any

from posko_desktop.ui.dashboard.tab import DashboardTab


def make_tab(window: Any) -> DashboardTab:
    return DashboardTab(window)


__all__ = ["DashboardTab", "make_tab"]
