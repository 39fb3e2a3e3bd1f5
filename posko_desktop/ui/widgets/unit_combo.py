"""The reporting unit of a record (issue 18), shared by the incident and activity forms:
the first item (data None) is the regency's office or the desk, then the active agency
units; a unit deactivated since stays shown while the record carries it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QWidget

from posko_desktop.core.i18n import _
from posko_desktop.core.services.units import UnitInfo


class UnitCombo(QComboBox):
    def __init__(self, units: Sequence[UnitInfo], none_text: str,
                 parent: QWidget | None = None) -> None:
        """`units`: every unit, inactive ones too (their names label a kept unit)."""
        super().__init__(parent)
        self.names = {u.code: u.name for u in units}
        self.addItem(none_text, None)
        for u in units:
            if u.is_agency and u.active:
                self.addItem("{n} ({c})".format(n=u.name, c=u.code), u.code)

    def code(self) -> str | None:
        code: str | None = self.currentData()
        return code

    def set_code(self, code: str | None) -> None:
        if code is not None and self.findData(code) < 0:  # deactivated since: kept
            self.addItem(_("{name} ({code}, no longer active)").format(
                name=self.names.get(code, code), code=code), code)
        self.setCurrentIndex(max(0, self.findData(code)))
