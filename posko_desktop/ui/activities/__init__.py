"""Activities tab (issue 15, "Kegiatan Posko"): the desk's own activities."""

from __future__ import annotations

from posko_desktop.ui.activities.tab import ActivitiesTab
from posko_desktop.ui.tabs import TabHost


def make_tab(host: TabHost) -> ActivitiesTab:
    return ActivitiesTab(host)


__all__ = ["ActivitiesTab", "make_tab"]
