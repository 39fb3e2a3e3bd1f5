"""Completion of kecamatan and desa/kelurahan names in the incident form (issue 17), and
typed search in the place lists of the activity form and the post's place dialog.

The kecamatan editor offers the regency's kecamatan, the desa editor the chosen
kecamatan's desa/kelurahan (or the regency's, while no kecamatan is chosen): the names that
contain what was typed, in any case (bench/bench_places.py: well under 50 ms a keystroke).
The service finds the codes by the names and refuses a name that does not fit, naming the
candidates; a stored name left as it was keeps its code.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QStringListModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit

from posko_desktop.core import places
from posko_desktop.core.services import places as place_service
from posko_desktop.ui.widgets.pickers import type_to_search


class PlaceCompletion(QObject):
    def __init__(self, kecamatan: QLineEdit, desa: QLineEdit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editors = {"kecamatan": kecamatan, "desa": desa}
        self.regency = ""
        self.options: dict[str, list[places.Place]] = {"kecamatan": [], "desa": []}
        self.models = {name: QStringListModel(self) for name in self.editors}
        self.known: dict[str, tuple[str, str | None]] = {}  # name -> (text filled, its code)
        for name, editor in self.editors.items():
            completer = QCompleter(self.models[name], editor)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setMaxVisibleItems(12)
            editor.setCompleter(completer)
        kecamatan.textChanged.connect(lambda _t: self._fill_desa())

    def set_regency(self, regency_code: str) -> None:
        if regency_code == self.regency:
            return
        self.regency = regency_code
        self.options["kecamatan"] = place_service.kecamatan_names(regency_code)
        self.models["kecamatan"].setStringList([p.name for p in self.options["kecamatan"]])
        self._fill_desa()

    def _fill_desa(self) -> None:
        kec = self._find("kecamatan", self.editors["kecamatan"].text())
        if kec is not None:
            options = place_service.desa_names(kec.code)
        else:
            options = [d for k in self.options["kecamatan"]
                       for d in place_service.desa_names(k.code)]
        self.options["desa"] = options
        self.models["desa"].setStringList(sorted({p.name for p in options}))

    def _find(self, name: str, text: str) -> places.Place | None:
        key = places.norm(text)
        found = [p for p in self.options[name] if places.norm(p.name) == key] if key else []
        return found[0] if len(found) == 1 else None

    def set_codes(self, kecamatan: str, kecamatan_code: str | None, desa: str,
                  desa_code: str | None) -> None:
        """The stored place: its texts keep their codes while they are not edited."""
        self.known = {"kecamatan": (kecamatan.strip(), kecamatan_code),
                      "desa": (desa.strip(), desa_code)}

    def code(self, name: str) -> str | None:
        """The code of the text in the editor when it is the stored one; else None (the
        service finds the code by the name, or refuses it naming candidates)."""
        text, code = self.known.get(name, ("", None))
        return code if self.editors[name].text().strip() == text else None


def make_searchable(combo: QComboBox) -> None:
    """Let the user type part of a name in a place list (activity form, post place dialog):
    a completer offers the items containing the typed text, in any case; leaving the box
    picks the one item the text fits (its whole text, or the only item containing it) and
    otherwise puts the current item's text back. The items stay the only values."""
    type_to_search(combo, visible=12)
    edit = combo.lineEdit()
    assert edit is not None

    def resolve() -> None:
        typed = edit.text().strip().casefold()
        texts = [combo.itemText(i).casefold() for i in range(combo.count())]
        fits = [i for i, t in enumerate(texts) if t == typed] or (
            [i for i, t in enumerate(texts) if typed in t] if typed else [])
        if len(fits) == 1 and fits[0] != combo.currentIndex():
            combo.setCurrentIndex(fits[0])
        elif combo.currentIndex() >= 0:
            edit.setText(combo.itemText(combo.currentIndex()))

    edit.editingFinished.connect(resolve)
