"""What "fits" means, as a user sees it: walks the visible widgets of a window or a tab and
lists every defect in words (an empty list: nothing is cut).

- a widget narrower than its minimumSizeHint (labels and buttons show their whole text:
  their minimum hint is the text's width);
- a combo box whose field is narrower than its longest item, unless its list shows every
  item whole and the current item is whole or in the tooltip;
- a text field narrower than 8 average characters;
- a form (a scroll area that is not a list or table) that needs a horizontal scroll bar;
- a widget outside the window (not inside a scrolled view).
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QTabWidget,
    QWidget,
)

MIN_FIELD_CHARS = 8


def describe(widget: QWidget) -> str:
    name = widget.objectName() or type(widget).__name__
    text = ""
    if isinstance(widget, QLabel | QComboBox) or hasattr(widget, "text"):
        try:
            text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
        except (AttributeError, TypeError):
            text = ""
    parent = widget.parentWidget()
    owner = type(parent).__name__ if parent is not None else "-"
    return "{n} {t!r} in {o}".format(n=name, t=str(text)[:40], o=owner)


def _shown(widget: QWidget, top: QWidget) -> bool:
    return widget.isVisibleTo(top) and widget.width() > 0 and widget.isVisible()


def _inside_scrolled_view(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractItemView | QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _inside(widget: QWidget, kinds: tuple[type, ...], top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, kinds):
            return True
        parent = parent.parentWidget()
    return False


def combo_defect(combo: QComboBox) -> str | None:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    metrics = combo.fontMetrics()
    texts = [combo.itemText(i) for i in range(combo.count())]
    if not texts:
        return None
    longest = max(texts, key=metrics.horizontalAdvance)
    needed = metrics.horizontalAdvance(longest)
    if field.width() + 2 >= needed:
        return None
    current_whole = metrics.horizontalAdvance(combo.currentText()) <= field.width() + 2
    if combo.view().minimumWidth() >= needed and (
            current_whole or combo.toolTip() == combo.currentText()):
        return None  # elided on purpose: whole in the list and in the tooltip
    return "combo box {c}: field {w} px < longest item {l!r} {n} px".format(
        c=describe(combo), w=field.width(), l=longest, n=needed)


def defects(top: QWidget) -> list[str]:
    """Every cut or hidden widget under `top` (a window, dialog or tab), in words."""
    found: list[str] = []
    window_rect = QRect(0, 0, top.width(), top.height())
    for widget in top.findChildren(QWidget):
        if not _shown(widget, top) or _inside(widget, (QTabBar,), top):
            continue
        if isinstance(widget, QAbstractItemView) or _inside(widget, (QAbstractItemView,), top):
            if isinstance(widget, QAbstractItemView):
                pass  # item views scroll their own contents
            else:
                continue  # cell editors and delegates
        hint = widget.minimumSizeHint()
        part_of_control = _inside(widget, (QComboBox, QAbstractSpinBox), top)
        if (not part_of_control and hint.isValid() and widget.width() < hint.width()
                and not isinstance(widget, QScrollArea | QAbstractItemView)
                and not (isinstance(widget, QLabel) and widget.wordWrap())):
            found.append("cut: {d} is {w} px wide, needs {n}".format(
                d=describe(widget), w=widget.width(), n=hint.width()))
        if isinstance(widget, QComboBox):
            problem = combo_defect(widget)
            if problem:
                found.append(problem)
        if isinstance(widget, QLineEdit) and not part_of_control:
            least = widget.fontMetrics().averageCharWidth() * MIN_FIELD_CHARS
            if widget.width() < least:
                found.append("text field {d} is {w} px wide (< {n})".format(
                    d=describe(widget), w=widget.width(), n=least))
        if isinstance(widget, QScrollArea) and widget.widget() is not None:
            bar = widget.horizontalScrollBar()
            inner = widget.widget()
            if bar.maximum() > 0 or inner.minimumSizeHint().width() > widget.viewport().width():
                found.append("horizontal scroll bar in {d}: contents need {n} px, view {w}".format(
                    d=describe(inner), n=inner.minimumSizeHint().width(),
                    w=widget.viewport().width()))
        if not _inside_scrolled_view(widget, top):
            rect = QRect(widget.mapTo(top, widget.rect().topLeft()), widget.size())
            if not window_rect.contains(rect):
                found.append("outside the window: {d} at {r}".format(
                    d=describe(widget), r=(rect.x(), rect.y(), rect.width(), rect.height())))
    return found


def each_page(top: QWidget, skip: QWidget | None = None) -> Iterator[str]:
    """Show in turn every page of the tab widgets now visible under `top` (sub-tabs such
    as Accounts → Users, Audit, Settings, and the tabs those pages hold: the settings
    editor's pages, the detail pane's Referrals), yielding each page's title; the first
    page of each is shown again at the end. `skip`: a tab widget to leave alone (the main tabs)."""
    yield ""
    yield from _pages(top, skip, set(), "")


def _pages(top: QWidget, skip: QWidget | None, done: set[int], prefix: str) -> Iterator[str]:
    """Pages of the tab widgets visible now, and of those each page shows (the settings
    editor's pages inside Accounts → Settings), depth first."""
    for tabs in [t for t in top.findChildren(QTabWidget)
                 if t.isVisible() and t is not skip and id(t) not in done]:
        done.add(id(tabs))
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            title = prefix + tabs.tabText(index)
            if index:
                yield title
            yield from _pages(tabs.widget(index), skip, done, title + " → ")
        tabs.setCurrentIndex(0)
