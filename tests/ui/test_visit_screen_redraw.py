"""What an answer redraws on the visit screen: its own section's row and the overall progress, right,
and nothing else; an answer arriving from elsewhere redraws the row of the section it is in; an
answer that shows or hides items (``show_when``) adds or removes just those, keeping the rest.

The section list's words are counted when the visit changes, not at every paint (``SectionListModel``):
these tests hold the counts to what the visit, read again from the store, says."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from qa_desktop.forms.checklist import MET
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.forms.template import ResponseType
from qa_desktop.services.demo import load_demo
from qa_desktop.services.visits import open_visit
from qa_desktop.ui.item_widget import ItemWidget
from qa_desktop.ui.visit_window import VisitWindow
from tests.conftest import TODAY
from tests.sync.conftest import make_visit


@pytest.fixture
def window(qtbot, store, workspace, hub):
    load_demo(store, today=TODAY)
    visit_id = workspace.visits.in_progress()[0].id
    opened = VisitWindow(workspace, hub, visit_id)
    qtbot.addWidget(opened)
    opened.show()
    qtbot.waitExposed(opened)
    return opened


def redrawn_rows(window) -> list[int]:
    """Rows of the section list the view is told to redraw from now on."""
    rows: list[int] = []
    window.sections.dataChanged.connect(
        lambda first, last, *_: rows.extend(range(first.row(), last.row() + 1)))
    return rows


def counted_again(store, window) -> tuple[list[tuple[int, int]], int, int]:
    """Per section row (answered, total), and overall, from the visit read again from the store."""
    visit = open_visit(store, window.visit.visit_id)
    rows = [(p.answered, p.total) for p in (visit.checklists[key].progress(section)
                                             for key, section in window.sections.rows)]
    return rows, sum(a for a, _ in rows), sum(t for _, t in rows)


def shown(window) -> list[tuple[int, int]]:
    words = [window.sections.index(row).data() for row in range(window.sections.rowCount())]
    return [tuple(int(n) for n in text.rsplit(" ", 1)[-1].split("/")) for text in words]


def met_item(window, *, unanswered: bool = True):
    _, checklist = window.current_checklist()
    return next(w for w in window.items if w.options and w.options[0][0] == MET
                and not (unanswered and checklist.is_answered(w.item)))


def test_an_answer_redraws_its_own_section_row_and_the_progress_right(qtbot, store, window):
    rows_before, answered_before, _ = counted_again(store, window)
    assert shown(window) == rows_before
    row = window.section_list.currentIndex().row()
    item = met_item(window)
    redrawn = redrawn_rows(window)
    item.setFocus()
    qtbot.keyClick(item, Qt.Key.Key_1)
    assert window.state.text().startswith("All changes saved")
    rows_after, answered_after, total_after = counted_again(store, window)
    assert answered_after == answered_before + 1  # saved: read back from the store
    assert redrawn == [row]                       # only the section answered in
    assert shown(window) == rows_after
    assert rows_after[row][0] == rows_before[row][0] + 1
    assert window.progress.value() == answered_after and window.progress.maximum() == total_after
    assert window.progress_words.text().startswith(f"{answered_after} of {total_after} answered")


def test_an_answer_from_elsewhere_redraws_the_row_of_its_section(qtbot, store, window, hub):
    on_screen = window.section_list.currentIndex().row()
    other = next(r for r, (key, section) in enumerate(window.sections.rows)
                 if r != on_screen and any(i.response is ResponseType.MET_NOT_MET and
                                           not window.visit.checklists[key].is_answered(i)
                                           for i in window.visit.checklists[key].visible_items(section)))
    key, section = window.sections.rows[other]
    item = next(i for i in window.visit.checklists[key].visible_items(section)
                if i.response is ResponseType.MET_NOT_MET and not window.visit.checklists[key].is_answered(i))
    redrawn = redrawn_rows(window)
    open_visit(store, window.visit.visit_id).set_answer(key, item.key, MET)  # another program, same data
    hub.catch_up()
    rows, answered, total = counted_again(store, window)
    assert redrawn == [other]
    assert shown(window) == rows
    assert window.progress.value() == answered and window.progress.maximum() == total


def test_an_answer_that_shows_or_hides_items_adds_or_removes_only_those(qtbot, store, workspace, hub):
    visit_id = make_visit(store, TemplateLibrary.load())
    window = VisitWindow(workspace, hub, visit_id)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    row = next(r for r, (_, section) in enumerate(window.sections.rows)
               if any(i.key == "staffing_agency_use" for i in section.items))
    window.section_list.setCurrentIndex(window.sections.index(row))
    before = list(window.items)
    used = next(w for w in window.items if w.item.key == "staffing_agency_use")
    assert "staffing_agency_checks" not in [w.item.key for w in window.items]
    used.setFocus()
    qtbot.waitUntil(used.hasFocus)
    qtbot.keyClick(used, Qt.Key.Key_1)  # Yes: agency staff were used, so their checks are asked
    keys = [w.item.key for w in window.items]
    assert keys[keys.index("staffing_agency_use") + 1] == "staffing_agency_checks"
    assert [w for w in window.items if w.item.key != "staffing_agency_checks"] == before  # the rest kept as they were
    layout = [window.items_layout.itemAt(n).widget() for n in range(window.items_layout.count())]
    assert [w for w in layout if w in window.items] == window.items  # in the screen's order
    assert used.hasFocus() and window.state.text().startswith("All changes saved")
    qtbot.keyClick(used, Qt.Key.Key_2)  # No: the checks go again
    assert [w.item.key for w in window.items] == [w.item.key for w in before]
    assert window.items == before and used.hasFocus()
    rows, answered, total = counted_again(store, window)
    assert shown(window) == rows and window.progress.value() == answered and window.progress.maximum() == total


def item_holding_focus(window):
    focus = window.focusWidget()
    return next((w for w in window.findChildren(ItemWidget) if w is focus or w.isAncestorOf(focus)), None)


def tab_to_next_item(qtbot, window, start):
    """Tab from ``start`` until the focus is in another item (None: it left the items)."""
    for _ in range(12):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        holder = item_holding_focus(window)
        if holder is None or holder is not start:
            return holder
    return None


def _visit_on_section(qtbot, store, workspace, hub, section_key: str) -> tuple[str, VisitWindow]:
    """A new visit's screen, shown and active, on the section ``section_key``: the visit's id and the window."""
    visit_id = make_visit(store, TemplateLibrary.load())
    window = VisitWindow(workspace, hub, visit_id)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    row = next(r for r, (_, section) in enumerate(window.sections.rows) if section.key == section_key)
    window.section_list.setCurrentIndex(window.sections.index(row))
    return visit_id, window


def test_an_item_an_answer_shows_is_in_the_keyboards_order_and_saves_what_is_typed(qtbot, store, workspace, hub):
    """The items a ``show_when`` shows are made with their section, hidden: the answer that shows one
    must put it where the template has it, for the eye, Up/Down and Tab alike (here between two
    items); what is typed in it saves; hidden again, it keeps what it holds and Tab skips it."""
    visit_id, window = _visit_on_section(qtbot, store, workspace, hub, "incidents")
    lado = next(w for w in window.items if w.item.key == "incidents_lado")
    after = window.items[window.items.index(lado) + 1]
    assert "incidents_lado_followed" not in [w.item.key for w in window.items]
    lado.setFocus()
    qtbot.waitUntil(lado.hasFocus)
    qtbot.keyClick(lado, Qt.Key.Key_1)  # Yes: whether the referrals were followed up is asked
    followed = window.items[window.items.index(lado) + 1]
    assert followed.item.key == "incidents_lado_followed" and window.items[window.items.index(followed) + 1] is after
    layout = [window.items_layout.itemAt(n).widget() for n in range(window.items_layout.count())]
    assert [w for w in layout if w in window.items] == window.items  # on screen in the template's order
    assert followed.isVisible() and followed.isEnabled() and followed.accessibleName() == followed.item.label
    assert tab_to_next_item(qtbot, window, lado) is followed  # Tab goes to it, then on to the next
    assert tab_to_next_item(qtbot, window, followed) is after
    qtbot.keyClick(after, Qt.Key.Key_Up)  # Up and Down pass through it too
    assert followed.hasFocus()
    qtbot.keyClick(followed, Qt.Key.Key_1)  # Met
    qtbot.keyClick(followed, Qt.Key.Key_N)
    qtbot.keyClicks(followed.note, "Both referrals closed; outcomes on file")
    qtbot.keyClick(followed.note, Qt.Key.Key_Escape)
    key = window.current_checklist()[0]
    saved = open_visit(store, visit_id).checklists[key].record("incidents_lado_followed")
    assert (saved.answer, saved.note) == (MET, "Both referrals closed; outcomes on file")

    lado.setFocus()
    qtbot.keyClick(lado, Qt.Key.Key_2)  # No: it goes from the screen and from Tab
    assert "incidents_lado_followed" not in [w.item.key for w in window.items] and not followed.isVisible()
    assert tab_to_next_item(qtbot, window, lado) is after
    saved = open_visit(store, visit_id).checklists[key].record("incidents_lado_followed")
    assert (saved.answer, saved.note) == (MET, "Both referrals closed; outcomes on file")  # kept, hidden
    lado.setFocus()
    qtbot.keyClick(lado, Qt.Key.Key_1)  # Yes again: shown as saved
    again = window.items[window.items.index(lado) + 1]
    assert again.item.key == "incidents_lado_followed" and again.isVisible()
    assert again.buttons[0].isChecked() and again.note_button.text() == "Note ✓"


def test_words_typed_in_an_item_an_answer_then_hides_are_saved(qtbot, store, workspace, hub):
    """The officer types in a shown item's field and, without leaving it, clicks the answer that
    hides it: what was typed is saved under that item (it loses the focus as it goes), and shows
    again with it."""
    visit_id, window = _visit_on_section(qtbot, store, workspace, hub, "concerns")
    raised = window.items[0]
    raised.setFocus()
    qtbot.keyClick(raised, Qt.Key.Key_1)  # Yes: what was raised is asked
    detail = next(w for w in window.items if w.item.key == "concerns_detail")
    assert detail.text_answer is not None
    detail.text_answer.setFocus()
    qtbot.waitUntil(detail.text_answer.hasFocus)
    qtbot.keyClicks(detail.text_answer, "Complaint about noise at night")
    qtbot.mouseClick(raised.buttons[1], Qt.MouseButton.LeftButton)  # No, clicked: the field is still focused
    assert detail not in window.items and not detail.isVisible()
    saved = open_visit(store, visit_id).checklists[window.current_checklist()[0]]
    assert saved.answer("concerns_any") == "no"
    assert saved.answer("concerns_detail") == "Complaint about noise at night"
    qtbot.mouseClick(raised.buttons[0], Qt.MouseButton.LeftButton)
    shown_again = next(w for w in window.items if w.item.key == "concerns_detail")
    assert shown_again.text_answer.text() == "Complaint about noise at night"


def test_a_note_being_written_when_its_item_hides_is_saved_and_closed(qtbot, store, workspace, hub):
    """A note open in an item that an answer then hides is saved under that item, and the item shown
    again has it closed and in its detail line once, as a row made afresh has it (the row is kept
    hidden now, no longer made again: review5 found its note came back open, shown twice)."""
    visit_id, window = _visit_on_section(qtbot, store, workspace, hub, "incidents")
    lado = next(w for w in window.items if w.item.key == "incidents_lado")
    lado.setFocus()
    qtbot.keyClick(lado, Qt.Key.Key_1)  # Yes: whether it was followed up is asked
    followed = window.items[window.items.index(lado) + 1]
    followed.setFocus()
    qtbot.keyClick(followed, Qt.Key.Key_N)
    qtbot.keyClicks(followed.note, "LADO called on the day")
    qtbot.mouseClick(lado.buttons[1], Qt.MouseButton.LeftButton)  # No, clicked while the note is open
    assert followed not in window.items and not followed.isVisible()
    saved = open_visit(store, visit_id).checklists[window.current_checklist()[0]]
    assert saved.record("incidents_lado_followed").note == "LADO called on the day"
    qtbot.mouseClick(lado.buttons[0], Qt.MouseButton.LeftButton)
    again = window.items[window.items.index(lado) + 1]
    assert again.item.key == "incidents_lado_followed"
    assert not again.note.isVisible()
    assert again.detail.text().count("LADO called on the day") == 1


def test_an_answer_made_over_the_other_officer_s_note_arrived_in_part_shows_their_note(qtbot, store, window, hub):
    """The other officer's note reached this laptop before the rest of their answer (a pending row);
    answering the item here makes the row with their note in it (``Changes.create``, review 8), and the
    screen, which had no row to show, reads the visit again and shows it."""
    from qa_desktop.store.changes import derived_id
    from qa_desktop.store.hlc import Hlc
    from qa_desktop.store.oplog import OpRecord
    from qa_desktop.sync.merge import apply_ops

    key, _ = window.current_checklist()
    item = met_item(window)
    answer_id = derived_id("answer", window.visit.visit_id, key, item.item.key)
    now_ms = int(store.clock.now().timestamp() * 1000)
    theirs = OpRecord("0" * 8 + "-other-laptop-op", "answers", answer_id, "note", "Smoke alarm hanging off the wall",
                      Hlc(now_ms - 1000, 0).encode(), "other-laptop", "their.officer", (), wall=now_ms - 1000)
    with store.transaction() as session:
        apply_ops(session, [theirs], "folder:test", now_ms=now_ms)
    hub.catch_up()  # heard before the answer: nothing else arrives with the save
    item.setFocus()
    qtbot.keyClick(item, Qt.Key.Key_1)
    assert window.state.text().startswith("All changes saved")
    assert window.visit.checklists[key].record(item.item.key).note == theirs.value
    shown_now = next(w for w in window.items if w.item.key == item.item.key)
    assert shown_now.note.toPlainText() == theirs.value
