"""Tentang (About): version, publisher, where the data lives, and the licences of what ships.
Also the application icon every window uses (resources/icons, installer/make_icons.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core import appinfo
from posko_desktop.core.context import AppContext
from posko_desktop.core.i18n import _
from posko_desktop.core.resources import resource_path
from posko_desktop.paths import AppPaths
from posko_desktop.ui.widgets.screen import resize_within_screen

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """The application icon at every rendered size (Qt picks the nearest for each use)."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(resource_path("icons", f"posko-desk-{size}.png")))
    return icon


class AboutDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        info = appinfo.app_info()
        paths = AppPaths.default()
        self.setWindowTitle(_("About Posko Desk"))
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(64, 64))
        title = QLabel("<b>{product}</b><br>{version}".format(
            product=info.product, version=_("Version {version}").format(version=info.version)),
            self)
        title.setObjectName("about_title")
        head = QHBoxLayout()
        head.addWidget(logo)
        head.addWidget(title, 1)

        self.facts: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label, value in (
            ("description", _("Description"), info.description),
            ("publisher", _("Publisher"), info.publisher),
            ("database", _("Database"), ctx.db.display_location),
            ("data_folder", _("Data folder"), str(paths.data_dir)),
            ("log_file", _("Log file"), str(paths.log_file)),
        ):
            value_label = QLabel(value, self)
            value_label.setObjectName(f"about_{key}")
            value_label.setWordWrap(True)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, value_label)
            self.facts[key] = value_label

        data, libraries = appinfo.third_party()
        self.licences = QTableWidget(len(data) + len(libraries), 3, self)
        self.licences.setObjectName("about_licences")
        self.licences.setHorizontalHeaderLabels([_("Component"), _("Licence"), _("Source")])
        self.licences.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.licences.verticalHeader().hide()
        for row, entry in enumerate([*data, *libraries]):
            for col, text in enumerate((entry.name, entry.licence, entry.source)):
                self.licences.setItem(row, col, QTableWidgetItem(text))
        self.licences.resizeColumnsToContents()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Third-party data and libraries shipped with the app:"), self))
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)
        resize_within_screen(self, 760, 560)
