"""The main window's tabs besides the incident log, in display order, and the two contracts
between the window and the parts inside it.

`TabHost` is what the window gives a tab (and the window's menu parts, e.g. the spreadsheet
actions): the context, the task runner, core change events as a Qt signal, the incident log
and the status bar. `FeatureTab` is what a tab gives the window: its translated title and
a `retranslate_ui()` called after a language switch. A tab is a QWidget built by a factory
`make_tab(host: TabHost)`; the window checks the widget against `FeatureTab` when it mounts
it (a tab missing a method is logged and left out). Feature areas append their factory in
`tab_factories` (one line each).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from posko_desktop.core.context import AppContext
    from posko_desktop.core.services.incidents import IncidentFilter
    from posko_desktop.ui.events import QtEvents
    from posko_desktop.ui.tasks import TaskRunner


class TabHost(Protocol):
    """What the main window offers its tabs and menu parts."""

    @property
    def ctx(self) -> AppContext: ...

    @property
    def runner(self) -> TaskRunner: ...

    @property
    def events(self) -> QtEvents:
        """`changed(Change)`: core change events, delivered on the GUI thread."""
        ...

    def show_incident_log(self, flt: IncidentFilter) -> None:
        """Switch to the incident log, filtered."""
        ...

    def status_message(self, text: str) -> None:
        """A short message in the status bar."""
        ...


@runtime_checkable
class FeatureTab(Protocol):
    """What a feature tab offers the window (besides being a QWidget)."""

    def tab_title(self) -> str:
        """The tab's title in the current language."""
        ...

    def retranslate_ui(self) -> None:
        """Show every text in the current language again."""
        ...


@runtime_checkable
class PackageImporter(Protocol):
    """The feature tab that imports sync packages (a .posko opened with the app goes there)."""

    def import_paths(self, paths: list[Path]) -> None:
        """Import these packages in the background, showing the outcome."""
        ...


TabFactory = Callable[[TabHost], "QWidget"]


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
    from posko_desktop.ui.activities import make_tab as activities_tab

    factories.append(activities_tab)
    from posko_desktop.ui.units import make_tab as units_tab

    factories.append(units_tab)
    from posko_desktop.ui.directory import make_tab as directory_tab

    factories.append(directory_tab)

    from posko_desktop.ui.kerawanan import make_tab as kerawanan_tab

    factories.append(kerawanan_tab)

    from posko_desktop.ui.medsos import make_tab as medsos_tab

    factories.append(medsos_tab)

    from posko_desktop.ui.progress import make_tab as progress_tab
    factories.append(progress_tab)

    from posko_desktop.ui.shifts import make_tab as shifts_tab

    factories.append(shifts_tab)
    return factories
