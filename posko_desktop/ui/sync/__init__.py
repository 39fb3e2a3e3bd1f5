"""Sync tab (issue 5): per-site status, export/import of packages, conflicts, keys."""

from __future__ import annotations

from typing import Any

from posko_desktop.ui.sync.tab import SyncTab


def make_tab(window: Any) -> SyncTab:
    return SyncTab(window)


__all__ = ["SyncTab", "make_tab"]
