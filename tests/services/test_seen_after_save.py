"""What the visit screen has seen of a field after its own save (``OpenVisit.seen``).

A save is written over what the screen showed. When the other officer's identical words had arrived
meanwhile (the same words typed on both laptops, say), the two are one value with two heads, and no
difference; but the screen then counted only its own as seen, and its next edit, written over its own
alone, reopened a "difference" against the other's identical words (review, session 7)."""

from __future__ import annotations

from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.differences import visit_differences
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from tests.sync.conftest import first_items, make_visit


def _differences(store, visit_id):
    with store.read() as session:
        return visit_differences(session, visit_id)


def test_a_head_with_the_words_just_saved_is_seen_with_them(tmp_path):
    alex, jo = Store(tmp_path / "alex", actor="Alex Patel"), Store(tmp_path / "jo", actor="Jo Morgan")
    shared = FolderStore(tmp_path / "shared")
    visit_id = make_visit(alex, TemplateLibrary.load())
    (template, item), = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).set_note(template, item, "Bed frame broken.")
    sync(alex, shared), sync(jo, shared)
    screen = open_visit(alex, visit_id)  # Alex's visit screen, open on the note
    open_visit(jo, visit_id).set_note(template, item, "Bed frame broken. Manager told.")
    sync(jo, shared)
    other_program = Store(alex.data_dir, key=alex.key)  # a sync brings Jo's words in; the screen has not looked
    sync(other_program, shared)
    other_program.close()

    screen.set_note(template, item, "Bed frame broken. Manager told.")  # the same words, typed by Alex
    assert _differences(alex, visit_id) == []
    screen.set_note(template, item, "Bed frame broken. Manager told. Bed replaced today.")
    assert _differences(alex, visit_id) == []  # an edit of the one value both hold: no difference
    assert open_visit(alex, visit_id).checklists[template].record(item).note == \
        "Bed frame broken. Manager told. Bed replaced today."
    alex.close(), jo.close()
