"""The Young Inspector's form stays on a 1280x720 screen at large text (walk6): with the laptop's text
at 150% and the Young Inspector's own size at 200%, its buttons in one line were about 1,500 pixels
wide and the reading settings (open) 2,450, so the full-screen form put "Next" and "I need a break"
past the screen's edge; and at 150% the open settings alone were 1,375."""

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from qa_desktop.services.demo import load_demo
from qa_desktop.ui.young_inspector_window import YoungInspectorWindow
from tests.conftest import TODAY


@pytest.fixture
def large_text():
    app = QApplication.instance()
    normal = app.font()
    bigger = QFont(normal)
    bigger.setPointSizeF(normal.pointSizeF() * 1.5)
    app.setFont(bigger)
    yield
    app.setFont(normal)


@pytest.mark.parametrize("size", [100, 200])
def test_the_form_with_its_reading_settings_open_fits_a_1280_by_720_screen(qtbot, store, workspace, large_text, size):
    load_demo(store, today=TODAY)
    (visit,) = workspace.visits.in_progress()
    workspace.visits.add_young_inspector_form(visit.id)
    young = YoungInspectorWindow(workspace.visits.young_inspector_form(visit.id))
    qtbot.addWidget(young)
    young.resize(1280, 720)
    young.show()
    young.settings_button.click()
    next(b for b in young.comfort_panel.groups["text_size"].buttons() if b.property("choice") == size).click()
    assert young.minimumSizeHint().width() <= 1280
    young.resize(1280, 720)
    qtbot.waitUntil(lambda: young.width() == 1280)
    for button in (young.next, young.break_button, young.settings_button, young.read_page):
        right = button.mapTo(young, QPoint(button.width(), button.height()))
        assert button.isVisible() and right.x() <= young.width() and right.y() <= young.height(), button.text()
