"""Accessibility of the screens, checked on real widgets: every control has a name a screen reader
can say and can be reached by keyboard; text follows the system font size; a high-contrast palette
keeps the warning colour readable (WCAG AA, 4.5:1)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from qa_desktop.services.demo import load_demo
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.palette import warning_colour
from qa_desktop.ui.start_visit_dialog import StartVisitDialog
from qa_desktop.ui.visit_window import VisitWindow
from qa_desktop.ui.young_inspector_window import YoungInspectorWindow
from tests.conftest import TODAY

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QPlainTextEdit, QAbstractItemView, QAbstractSpinBox)


def luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def labelled_by(widget: QWidget) -> bool:
    return any(label.buddy() is widget for label in widget.window().findChildren(QLabel))


def unnamed_controls(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(root) \
                or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:  # e.g. table headers: not stops
            continue
        if isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)):  # their inner line edit
            continue
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName() or text.strip() or labelled_by(widget)):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parentWidget()).__name__}")
    return missing


@pytest.fixture
def screens(qtbot, store, workspace, hub, tmp_path):
    load_demo(store, today=TODAY)
    main = MainWindow(workspace, hub, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    (in_progress,) = workspace.visits.in_progress()
    workspace.visits.add_young_inspector_form(in_progress.id)
    visit = VisitWindow(workspace, hub, in_progress.id)
    young = YoungInspectorWindow(workspace.visits.young_inspector_form(in_progress.id))
    start = StartVisitDialog(workspace, today=TODAY)
    shown = {"main": main, "visit": visit, "young inspector": young, "start a visit": start}
    for widget in shown.values():
        qtbot.addWidget(widget)
        widget.show()
    return shown


def test_every_control_has_a_name_a_screen_reader_can_say(screens):
    for name, screen in screens.items():
        assert unnamed_controls(screen) == [], name


def test_no_words_are_greyed_out_to_look_quiet(screens):
    """A label disabled to look quiet (the visit screen's keys, session 7) is drawn in the style's
    disabled grey, far under 4.5:1 against the window, and a screen reader says "unavailable"."""
    app = QApplication.instance()
    grey = app.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    assert contrast(grey, app.palette().window().color()) < 4.5  # why it matters
    for name, screen in screens.items():
        greyed = [label.text()[:40] for label in screen.findChildren(QLabel)
                  if label.isVisibleTo(screen) and label.text().strip() and not label.isEnabled()]
        assert greyed == [], name


def test_the_register_and_the_provider_page_are_reached_by_tab_alone(qtbot, screens):
    main = screens["main"]
    for other in screens.values():
        if other is not main:
            other.hide()
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    main.search.setFocus()
    reached = []
    for _ in range(32):
        reached.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    page = main.panel.tabs.currentWidget()
    table = page if page.focusPolicy() != Qt.FocusPolicy.NoFocus else page.findChild(QTableView)  # a page of
    for widget in (main.search, main.type_filter, main.judgement_filter, main.due_filter, main.table,  # buttons
                   main.panel.tabs.tabBar(), table):                                         # and a table
        assert widget in reached, widget.accessibleName()


def test_text_follows_the_system_font_size(qtbot, workspace, hub, screens):
    app = QApplication.instance()
    normal = app.font()
    try:
        bigger = QFont(normal)
        bigger.setPointSizeF(normal.pointSizeF() * 1.6)
        app.setFont(bigger)
        visit_id = screens["visit"].visit.visit_id
        visit = VisitWindow(workspace, hub, visit_id)
        young = YoungInspectorWindow(workspace.visits.young_inspector_form(visit_id))
        for widget in (visit, young):
            qtbot.addWidget(widget)
        assert visit.items[0].font().pointSizeF() == pytest.approx(bigger.pointSizeF())
        assert young.font().pointSizeF() > bigger.pointSizeF()  # the Young Inspector's text is larger still
        for screen in (visit, young):
            fixed = [w for w in screen.findChildren(QWidget) if w.font().pixelSize() > 0]
            assert fixed == []  # no text sized in pixels, which would not scale
    finally:
        app.setFont(normal)


def test_a_high_contrast_palette_keeps_warnings_readable(qtbot, screens):
    app = QApplication.instance()
    normal = app.palette()
    try:
        dark = QPalette()
        for role, colour in ((QPalette.ColorRole.Window, "black"), (QPalette.ColorRole.Base, "black"),
                             (QPalette.ColorRole.WindowText, "white"), (QPalette.ColorRole.Text, "white"),
                             (QPalette.ColorRole.Button, "black"), (QPalette.ColorRole.ButtonText, "white"),
                             (QPalette.ColorRole.Highlight, "yellow"), (QPalette.ColorRole.HighlightedText, "black")):
            dark.setColor(role, QColor(colour))
        app.setPalette(dark)
        assert contrast(warning_colour(), QColor("black")) >= 4.5
        main = screens["main"]
        main.due_filter.setCurrentIndex(main.due_filter.findText("Overdue"))
        brush = main.proxy.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
        assert contrast(brush.color(), QColor("black")) >= 4.5
    finally:
        app.setPalette(normal)
    assert contrast(warning_colour(), app.palette().base().color()) >= 4.5
