"""Shifts tab (issue 18, piket): the last handover, writing one, the duty roster."""

from __future__ import annotations

from posko_desktop.ui.shifts.tab import ShiftsTab
from posko_desktop.ui.tabs import TabHost


def make_tab(host: TabHost) -> ShiftsTab:
    return ShiftsTab(host)


__all__ = ["ShiftsTab", "make_tab"]
