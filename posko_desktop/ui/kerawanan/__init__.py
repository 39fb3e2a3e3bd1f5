"""Kerawanan tab (issue 17): contests and candidate pairs, the TPS register and the
vulnerability baseline imports."""

from __future__ import annotations

from posko_desktop.ui.kerawanan.tab import KerawananTab
from posko_desktop.ui.tabs import TabHost


def make_tab(host: TabHost) -> KerawananTab:
    return KerawananTab(host)


__all__ = ["KerawananTab", "make_tab"]
