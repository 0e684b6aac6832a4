"""What an officer is typing on the visit screen survives a change arriving from elsewhere (a sync,
the other laptop) that touches the same item, and what arrived is not lost either.

The note had this guard; a document's dates had none (user walk, session 7): a sync touching the item
while a date was half typed drew the item again and the date went back to what arrived."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QApplication

from qa_desktop.forms.checklist import DocumentSeen
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.workspace import Workspace
from tests.sync.conftest import make_visit
from tests.ui.test_visit_screen_on_site import _first_document, open_window


def _document_key(store, visit_id):
    visit = open_visit(store, visit_id)
    for template_key, checklist in visit.checklists.items():
        for item in checklist.template.items:
            if item.response.value == "document":
                return template_key, item.key
    raise AssertionError("no document item")


def test_a_date_half_typed_survives_a_sync_touching_its_item_and_what_arrived_is_shown_after(
        qtbot, tmp_path):
    alex, jo = Store(tmp_path / "alex", actor="Alex Patel"), Store(tmp_path / "jo", actor="Jo Morgan")
    shared = FolderStore(tmp_path / "shared")
    visit_id = make_visit(alex, TemplateLibrary.load())
    template, item = _document_key(alex, visit_id)
    open_visit(alex, visit_id).set_answer(template, item, DocumentSeen(True, dt.date(2026, 1, 5), None))
    sync(alex, shared), sync(jo, shared)
    workspace = Workspace(alex)
    hub = ChangeHub(workspace, poll_ms=0)
    window = open_window(qtbot, workspace, hub, visit_id)
    document = _first_document(window)
    assert document.item.key == item and document.document_dated.text() == "05/01/2026"

    document.document_dated.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(document.document_dated, "15/03/")  # half typed: the year is still to come

    # meanwhile a sync run by another program on Alex's data folder takes what Alex has saved so far to the
    # shared folder (the date as it was: the half-typed one is not saved, walk8); Jo, on the other laptop,
    # sees it and records the document's dates and a note over it; the next sync brings them in, and the
    # window looks
    other_program = Store(alex.data_dir, key=alex.key)
    sync(other_program, shared), sync(jo, shared)
    theirs = open_visit(jo, visit_id)
    assert theirs.checklists[template].record(item).answer.dated == dt.date(2026, 1, 5)
    theirs.set_answer(template, item, DocumentSeen(True, dt.date(2026, 2, 1), dt.date(2027, 2, 1)))
    theirs.set_note(template, item, "Certificate on the office wall.")
    sync(jo, shared), sync(other_program, shared)
    other_program.close()
    hub.catch_up()
    document = next(w for w in window.items if w.item.key == item)
    assert document.document_dated.hasFocus()
    assert document.document_dated.text() == "15/03/2026"  # what Alex typed so far, where Alex left it

    qtbot.keyClicks(document.document_dated, "2027")
    assert document.document_dated.text() == "15/03/2027"
    qtbot.keyClick(document.document_dated, Qt.Key.Key_Tab)  # the edit ends
    document = next(w for w in window.items if w.item.key == item)
    stored = open_visit(alex, visit_id).checklists[template].record(item)
    assert stored.note == "Certificate on the office wall."
    # both officers' dates are kept (neither saw the other's) and shown, for one to be kept by choice
    kept = [d for d in workspace.visits.differences(visit_id) if d.item_key == item and d.field == "value"]
    assert [sorted((side.value["dated"], side.value["expires"]) for side in d.sides) for d in kept] == [
        [("2026-02-01", "2027-02-01"), ("2027-03-15", None)]]
    assert [d.key for d in document.differences] == [d.key for d in kept]
    assert "Certificate on the office wall." in document.detail.text()
    hub.close()
    alex.close(), jo.close()


def test_a_document_date_its_month_cannot_have_is_refused_in_words_and_nothing_saved(qtbot, store, workspace, hub):
    """walk7: 31/11 typed into a document's date became 30/11 without a word, and was saved."""
    visit_id = make_visit(store, TemplateLibrary.load())
    template, item = _document_key(store, visit_id)
    open_visit(store, visit_id).set_answer(template, item, DocumentSeen(True, dt.date(2026, 1, 5), None))
    window = open_window(qtbot, workspace, hub, visit_id)
    document = _first_document(window)
    document.document_expires.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(document.document_expires, "31/11/2027")
    qtbot.keyClick(document.document_expires, Qt.Key.Key_Tab)
    stored = open_visit(store, visit_id).checklists[template].record(item).answer
    # nothing saved: not the date Qt cut it to (30/11/2027), nor the visit's day the typing began from
    # (walk8: "expires 22 Nov 2026" was saved on the way), nor a date typed on the way
    assert stored == DocumentSeen(True, dt.date(2026, 1, 5), None)
    assert document.document_expires.text() == "31/11/2027"  # as typed
    assert "November 2027 has 30 days" in window.state.text()
    hub.catch_up()  # a redraw keeps it as typed
    assert document.document_expires.text() == "31/11/2027"
    document.document_expires.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(document.document_expires, "30/11/2027")
    qtbot.keyClick(document.document_expires, Qt.Key.Key_Tab)
    stored = open_visit(store, visit_id).checklists[template].record(item).answer
    assert stored == DocumentSeen(True, dt.date(2026, 1, 5), dt.date(2027, 11, 30))


# -- a document's date is saved when the officer has finished typing it (walk8) --------------------------------
# Qt tells every date a section typed makes: "31/11/2027" typed over 05/01/2026 told 31/01/2026 on the way, and the
# screen saved each, an op to the audit trail and the other laptop; the date refused at the end left the last one
# stored (the summary said "expires 22 Nov 2026", a date the officer never meant).

SAVED = DocumentSeen(True, dt.date(2026, 1, 5), dt.date(2026, 1, 5))


def _document_on_screen(qtbot, store, workspace, hub):
    visit_id = make_visit(store, TemplateLibrary.load())
    template, item = _document_key(store, visit_id)
    open_visit(store, visit_id).set_answer(template, item, SAVED)
    window = open_window(qtbot, workspace, hub, visit_id)
    document = _first_document(window)
    assert document.item.key == item
    return window, document, lambda: open_visit(store, visit_id).checklists[template].record(item).answer


def _saves(workspace, window, document) -> int:
    """The answers to the document written to the store (its ops, as the audit trail lists them)."""
    return sum(line.field == "value" and line.what == f"Answer: {document.item.label}"
               for line in workspace.visits.audit(window.visit.visit_id))


def test_a_date_typed_key_by_key_and_refused_saves_nothing_on_the_way(qtbot, store, workspace, hub):
    window, document, stored = _document_on_screen(qtbot, store, workspace, hub)
    before = _saves(workspace, window, document)
    field = document.document_expires
    field.setFocus(Qt.FocusReason.TabFocusReason)
    for key in "31/11/2027":
        qtbot.keyClick(field, key)
    assert stored() == SAVED and field.problem  # nothing yet, and said
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert stored() == SAVED  # the last good date stays: none of the dates typed on the way
    assert _saves(workspace, window, document) == before
    assert field.text() == "31/11/2027" and "November 2027 has 30 days" in field.toolTip()
    assert "November 2027 has 30 days" in window.state.text()
    assert "expires 05 Jan 2026" in document.detail.text()


def test_a_date_typed_then_left_is_saved_once_as_typed(qtbot, store, workspace, hub):
    window, document, stored = _document_on_screen(qtbot, store, workspace, hub)
    before = _saves(workspace, window, document)
    field = document.document_expires
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, "15/03/2027")
    assert stored() == SAVED  # still being typed, and said so (not "All changes saved")
    assert window.state.text() == (f"{document.item.label} expires: being typed, saved when you leave the date "
                                   "or press Enter (or a moment after its year is typed)")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert stored() == DocumentSeen(True, dt.date(2026, 1, 5), dt.date(2027, 3, 15))
    assert window.state.text().startswith("All changes saved")
    assert _saves(workspace, window, document) == before + 1  # one save, not one per key
    assert "expires 15 Mar 2027" in document.detail.text()
    # Enter saves too (the field kept), and Esc back to the item
    document.document_dated.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(document.document_dated, "01/02/2026")
    qtbot.keyClick(document.document_dated, Qt.Key.Key_Return)
    assert stored().dated == dt.date(2026, 2, 1) and document.document_dated.hasFocus()
    qtbot.keyClicks(document.document_dated, "02/02/2026")  # typed again, from the day
    qtbot.keyClick(document.document_dated, Qt.Key.Key_Escape)
    assert stored().dated == dt.date(2026, 2, 2) and document.hasFocus()
    assert _saves(workspace, window, document) == before + 3


def test_a_date_typed_in_full_and_left_idle_is_saved_after_a_pause_and_part_way_is_not(qtbot, store, workspace, hub):
    """Nothing typed is lost to a crash: the officer puts the laptop down without leaving the field."""
    window, document, stored = _document_on_screen(qtbot, store, workspace, hub)
    before = _saves(workspace, window, document)
    field = document.document_expires
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, "15/03/")  # the year still to come: 15/03/2026 shows, and is not what is meant
    qtbot.waitUntil(lambda: not document._date_timer.isActive())  # the pause has passed
    assert stored() == SAVED and field.hasFocus() and field.text() == "15/03/2026"
    qtbot.keyClicks(field, "2027")
    qtbot.waitUntil(lambda: stored() == DocumentSeen(True, dt.date(2026, 1, 5), dt.date(2027, 3, 15)))
    assert field.hasFocus() and field.text() == "15/03/2027"  # still there to go on typing
    assert _saves(workspace, window, document) == before + 1
    qtbot.keyClick(field, Qt.Key.Key_Tab)  # left: nothing more to save
    assert _saves(workspace, window, document) == before + 1


def test_a_date_typed_and_not_left_is_saved_when_the_window_closes(qtbot, store, workspace, hub):
    window, document, stored = _document_on_screen(qtbot, store, workspace, hub)
    field = document.document_dated
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, "5/1/25")  # a two-digit year, still as typed (Qt has told no date yet)
    assert document.has_pending_date() and stored() == SAVED
    window.close()
    assert stored() == DocumentSeen(True, dt.date(2025, 1, 5), dt.date(2026, 1, 5))


def test_a_date_typed_and_not_left_is_saved_when_the_section_changes(qtbot, store, workspace, hub):
    window, document, stored = _document_on_screen(qtbot, store, workspace, hub)
    field = document.document_expires
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, "15/03/2027")
    qtbot.keyClick(field, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # the next section
    assert all(w.item.key != document.item.key for w in window.items)
    assert stored() == DocumentSeen(True, dt.date(2026, 1, 5), dt.date(2027, 3, 15))


def test_a_date_picked_in_the_calendar_is_saved_once_when_it_closes(qtbot, store, workspace, hub):
    window, document, stored = _document_on_screen(qtbot, store, workspace, hub)
    before = _saves(workspace, window, document)
    field = document.document_expires
    field.setFocus(Qt.FocusReason.TabFocusReason)

    qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(field.width() - 6, field.height() // 2))
    calendar = QApplication.activePopupWidget()
    assert calendar is not None
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # the field follows; nothing saved on the way
    assert field.date() == QDate(2026, 1, 8) and stored() == SAVED
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # picked
    qtbot.waitUntil(lambda: stored() == DocumentSeen(True, dt.date(2026, 1, 5), dt.date(2026, 1, 8)))
    assert _saves(workspace, window, document) == before + 1
    assert QApplication.activePopupWidget() is None


def test_a_date_typed_and_not_saved_yet_is_kept_as_typed_when_a_change_arrives(qtbot, store, workspace, hub):
    window, document, stored = _document_on_screen(qtbot, store, workspace, hub)
    template, item = window.current_checklist()[0], document.item.key
    field = document.document_expires
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, "15/03/2027")
    assert document.has_pending_date()
    # the other officer's dates arrive (another program writing Alex's data folder: a sync)
    other_program = Store(store.data_dir, key=store.key, actor="Jo Morgan")
    open_visit(other_program, window.visit.visit_id).set_answer(
        template, item, DocumentSeen(True, dt.date(2026, 2, 1), dt.date(2027, 2, 1)))
    other_program.close()
    hub.catch_up()
    document = next(w for w in window.items if w.item.key == item)
    assert document.document_expires.text() == "15/03/2027" and document.document_expires.hasFocus()
    qtbot.keyClick(document.document_expires, Qt.Key.Key_Tab)
    # saved as typed, over the dates the screen showed; what arrived meanwhile is shown too
    assert stored().expires == dt.date(2027, 3, 15)
    document = next(w for w in window.items if w.item.key == item)
    assert document.document_expires.text() == "15/03/2027"


def test_a_window_closed_with_a_date_refused_says_so_once_and_takes_the_officer_to_it(qtbot, store, workspace, hub):
    """date8: the window closed without a word, the date typed gone. Held once, said, the field given the
    keyboard; closed again, it goes, the date saved before kept."""
    window, document, stored = _document_on_screen(qtbot, store, workspace, hub)
    field = document.document_expires
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(field, "31/11/2027")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert field.problem and stored() == SAVED
    assert not window.close() and window.isVisible()
    assert "November 2027 has 30 days" in window.state.text() and "Close again" in window.state.text()
    qtbot.waitUntil(field.hasFocus)
    assert field.problem  # still said there, until a date is typed
    assert window.close() and not window.isVisible()
    assert stored() == SAVED
