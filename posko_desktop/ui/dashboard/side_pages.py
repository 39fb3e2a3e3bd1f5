"""The dashboard's side pages (reporting watch, silent regencies, kerawanan, rawan
kecamatan, contests) chosen from a drop-down list: the side column is about 330 px wide at
1366 and about 470 px at 1920, where a tab bar showed two or four of the five titles and
hid the rest behind scroll arrows."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QTabWidget, QVBoxLayout, QWidget


class SidePages(QTabWidget):
    """A tab widget whose tab bar is replaced by `picker`, a combo box listing every page;
    the two follow each other (a page chosen in code shows in the list too)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabBar().hide()
        self.picker = QComboBox()
        self.picker.setObjectName("dash_side_picker")
        self.picker.currentIndexChanged.connect(self.setCurrentIndex)
        self.currentChanged.connect(self.picker.setCurrentIndex)
        self.box = QWidget(parent)
        layout = QVBoxLayout(self.box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picker)
        layout.addWidget(self, 1)

    def add_page(self, page: QWidget) -> None:
        self.addTab(page, "")
        self.picker.addItem("")

    def set_titles(self, titles: tuple[str, ...]) -> None:
        for i, text in enumerate(titles):
            self.setTabText(i, text)
            self.picker.setItemText(i, text)
