"""What an officer is typing on the visit screen survives a change arriving from elsewhere (a sync,
the other laptop) that touches the same item, and what arrived is not lost either.

The note had this guard; a document's dates had none (user walk, session 7): a sync touching the item
while a date was half typed drew the item again and the date went back to what arrived."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

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
    # shared folder; Jo, on the other laptop, sees it and records the document's dates and a note over it;
    # the next sync brings them in, and the window looks
    other_program = Store(alex.data_dir, key=alex.key)
    sync(other_program, shared), sync(jo, shared)
    theirs = open_visit(jo, visit_id)
    assert theirs.checklists[template].record(item).answer.dated == dt.date(2026, 3, 15)
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
    held = document.document_expires.date()  # the field's last real date (typing began from the visit's day)
    assert stored.expires == dt.date(held.year(), held.month(), held.day()) != dt.date(2027, 11, 30)  # not cut
    assert document.document_expires.text() == "31/11/2027"  # as typed
    assert "November 2027 has 30 days" in window.state.text()
    hub.catch_up()  # a redraw keeps it as typed
    assert document.document_expires.text() == "31/11/2027"
    document.document_expires.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(document.document_expires, "30/11/2027")
    qtbot.keyClick(document.document_expires, Qt.Key.Key_Tab)
    stored = open_visit(store, visit_id).checklists[template].record(item).answer
    assert stored == DocumentSeen(True, dt.date(2026, 1, 5), dt.date(2027, 11, 30))
