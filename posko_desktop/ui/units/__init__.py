"""Reporting units tab (issue 18): the regency offices and agencies/OPD that report."""

from __future__ import annotations

from posko_desktop.ui.tabs import TabHost
from posko_desktop.ui.units.tab import UnitsTab


def make_tab(host: TabHost) -> UnitsTab:
    return UnitsTab(host)


__all__ = ["UnitsTab", "make_tab"]
