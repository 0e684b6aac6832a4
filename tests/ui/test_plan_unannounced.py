"""Plan a visit and Start a visit, unannounced (user walk, session 7; Start a visit: session 7's
closing note): choosing Unannounced left the reason "Routine" and the level as it was, while the
provider page's path to an unannounced visit (a concern raised) presets "Concern raised" and
Assurance/Monitoring. Section 11: unannounced visits "will be triggered when significant concerns
have been identified and raised about a provider"."""

import pytest
from PySide6.QtCore import QPoint, Qt

from qa_desktop.domain.visits import VisitLevel, VisitReason
from qa_desktop.services.demo import load_demo
from qa_desktop.ui.caseload_dialogs import PlanVisitDialog
from qa_desktop.ui.start_visit_dialog import StartVisitDialog
from tests.conftest import TODAY


def _click(qtbot, radio):
    """On its round button (a radio button stretched by its row takes a click on its words or button only)."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))


def _plan(qtbot, workspace, kind="plan"):
    dialog = PlanVisitDialog(workspace) if kind == "plan" else StartVisitDialog(workspace, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.setting.setCurrentIndex(0)
    return dialog


@pytest.mark.parametrize("kind", ["plan", "start"])
def test_choosing_unannounced_sets_the_reason_and_level_as_the_provider_pages_path_does(qtbot, store, workspace,
                                                                                        kind):
    load_demo(store, today=TODAY)
    dialog = _plan(qtbot, workspace, kind)
    assert dialog.reason.currentText() == "Routine"
    _click(qtbot, dialog.unannounced)
    assert dialog.unannounced.isChecked()
    assert dialog.reason.currentData() == VisitReason.CONCERN_RAISED.value
    assert dialog.level.currentData() == VisitLevel.ASSURANCE_MONITORING.value
    _click(qtbot, dialog.announced)  # back: as it was
    assert dialog.reason.currentText() == "Routine" and dialog.level.currentData() == VisitLevel.FULL.value
    _click(qtbot, dialog.unannounced)
    qtbot.keyClicks(dialog.officer_two, "Jo Morgan")
    dialog.accept()
    assert not dialog.isVisible(), dialog.error.text()
    assert dialog.visit_id is not None
    planned = workspace.planning.summary(dialog.visit_id)
    assert not planned.announced and planned.reason is VisitReason.CONCERN_RAISED
    assert planned.level is VisitLevel.ASSURANCE_MONITORING


@pytest.mark.parametrize("kind", ["plan", "start"])
def test_a_reason_and_level_the_officer_chose_are_kept(qtbot, store, workspace, kind):
    load_demo(store, today=TODAY)
    dialog = _plan(qtbot, workspace, kind)
    for box, words in ((dialog.reason, "Pre-placement"), (dialog.level, "Property Only")):
        box.setFocus()
        at = box.findText(words, Qt.MatchFlag.MatchStartsWith)
        assert at >= 0, words
        while box.currentIndex() != at:  # chosen by the keyboard, as an officer does
            qtbot.keyClick(box, Qt.Key.Key_Down if box.currentIndex() < at else Qt.Key.Key_Up)
    _click(qtbot, dialog.unannounced)
    assert dialog.reason.currentText() == "Pre-placement"
    assert dialog.level.currentText().startswith("Property Only")
