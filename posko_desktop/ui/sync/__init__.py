"""Sync tab (issue 5): per-site status, export/import of packages, conflicts, keys."""

from __future__ import annotations

from posko_desktop.ui.sync.tab import SyncTab
from posko_desktop.ui.tabs import TabHost


def make_tab(host: TabHost) -> SyncTab:
    return SyncTab(host)


__all__ = ["SyncTab", "make_tab"]
