"""Sitrep tab (issue 4): options, texts, live PDF preview, print, save, issue, archive."""

from __future__ import annotations

from typing import Any

from posko_desktop.ui.sitrep.tab import SitrepTab, print_pdf


def make_tab(window: Any) -> SitrepTab:
    return SitrepTab(window)


__all__ = ["SitrepTab", "make_tab", "print_pdf"]
