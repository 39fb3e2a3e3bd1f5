"""The main window's tabs besides the incident log, in display order.

Each factory takes the `MainWindow` and returns a QWidget that has `tab_title() -> str`
(translated) and `retranslate_ui()` (called after a language switch). The window gives
tabs: `window.ctx` (AppContext), `window.runner` (TaskRunner), `window.events` (Qt signal
`changed(object)` carrying core `Change`s), `window.show_incident_log(filter)`.
Feature areas append their factory here (one line each).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from posko_desktop.ui.main_window import MainWindow

TabFactory = Callable[["MainWindow"], "QWidget"]


def tab_factories() -> list[TabFactory]:
    factories: list[TabFactory] = []
    # Feature areas: append `from posko_desktop.ui.<area> import make_tab` lines below.
    from posko_desktop.ui.dashboard import make_tab as dashboard_tab

    factories.append(dashboard_tab)
    from posko_desktop.ui.sitrep import make_tab as sitrep_tab

    factories.append(sitrep_tab)
    from posko_desktop.ui.accounts import make_tab as accounts_tab

    factories.append(accounts_tab)
    from posko_desktop.ui.sync import make_tab as sync_tab

    factories.append(sync_tab)
    return factories
