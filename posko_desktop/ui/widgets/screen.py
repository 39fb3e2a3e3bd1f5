"""Sizes that never exceed the screen's available area (an office laptop: 1366×728 once the
taskbar is taken off)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def available_size(widget: QWidget) -> QSize:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry().size()


def resize_within_screen(widget: QWidget, width: int, height: int) -> None:
    """`widget.resize(width, height)`, bounded by the screen's available area."""
    widget.resize(QSize(width, height).boundedTo(available_size(widget)))
