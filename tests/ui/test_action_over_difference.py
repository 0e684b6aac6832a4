"""An officer changes an action where the two officers' actions differ (user walk, session 7): the
dialog opens on the action shown, and an addition to its words keeps both officers' levels and due
dates in dispute, shown on the item, as the words are (they went, though no one chose)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.visit_window import ActionDialog
from qa_desktop.workspace import Workspace
from tests.services.test_action_differences import _disputed, _two_actions
from tests.ui.test_visit_screen_on_site import open_window


def test_adding_to_an_action_in_dispute_keeps_both_levels_and_due_dates_on_screen(qtbot, tmp_path):
    laptops, store, visit_id, _template, item = _two_actions(tmp_path)
    before = _disputed(store, visit_id)
    workspace = Workspace(store)
    hub = ChangeHub(workspace, poll_ms=0)
    window = open_window(qtbot, workspace, hub, visit_id)
    widget = next(w for w in window.items if w.item.key == item)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A)
    dialog = window.findChild(ActionDialog)
    assert dialog is not None and dialog.isVisible()
    words = dialog.text.toPlainText()
    assert words and words in widget.action_label.text()  # opened on the action shown, its level too
    assert f"Action ({dialog.level.currentText().upper()})" in widget.action_label.text()
    dialog.text.setFocus()
    qtbot.keyClicks(dialog.text, " this week")
    dialog.accept()
    QApplication.processEvents()
    after = _disputed(store, visit_id)
    assert after["level"] == before["level"] and after["due_at"] == before["due_at"]
    assert f"{words} this week" in after["text"] and len(after["text"]) == 2
    widget = next(w for w in window.items if w.item.key == item)
    assert {"text", "level", "due_at"} <= {d.field for d in widget.differences}  # both of each shown
    said = {card.difference.field: [window.visit.difference_words(card.difference, side.value)
                                     for side in card.difference.sides] for card in widget.difference_cards}
    assert sorted(said["level"]) == ["HIGH", "LOW"]  # in the words the item's action line uses
    assert all("T" not in words and words[:2].isdigit() for words in said["due_at"]), said["due_at"]
    hub.close()
    for laptop in laptops:
        laptop.close()
