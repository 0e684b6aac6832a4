"""An officer adds to the note of an item where the two officers' notes differ (walk6, session 6).

The note editor opens on the value shown; on the laptop where that is the OTHER officer's note, the
addition was saved over both notes and the difference closed with the other officer's words and
the addition: this officer's own note was gone from the visit (only the audit trail had it), though
"Keep 1 / Keep 2 / Keep both" was never chosen, and the screen went on showing the old difference.
Now the edit is written over the note shown only: the officer's own note stays beside it, shown as
the difference it is."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from qa_desktop.forms.checklist import NOT_MET
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.workspace import Workspace
from tests.sync.conftest import first_items, make_visit
from tests.ui.test_visit_screen_on_site import open_window


def _two_notes(tmp_path):
    """Alex and Jo noted the same item differently; the laptop whose screen shows the other's note."""
    alex, jo = Store(tmp_path / "alex", actor="Alex Patel"), Store(tmp_path / "jo", actor="Jo Morgan")
    shared = FolderStore(tmp_path / "shared")
    visit_id = make_visit(alex, TemplateLibrary.load())
    sync(alex, shared), sync(jo, shared)
    (template, item), = first_items(alex, visit_id, 1)
    notes = {"Alex Patel": "Two hob rings do not light.", "Jo Morgan": "Cooker not in use."}
    for store, value in ((alex, NOT_MET), (jo, "not_applicable")):
        visit = open_visit(store, visit_id)
        visit.set_answer(template, item, value)
        visit.set_note(template, item, notes[store.user.name])
    sync(jo, shared), sync(alex, shared), sync(jo, shared)
    store = next(s for s in (alex, jo) if open_visit(s, visit_id).checklists[template].record(item).note
                 != notes[s.user.name])
    return (alex, jo), store, visit_id, template, item, notes


def test_a_change_from_elsewhere_arriving_with_the_save_still_shows_the_difference_as_it_is(qtbot, tmp_path):
    """review6: when another program's change arrived with the note's save, the screen was read again
    but its differences were not: the old words stayed on the difference."""
    laptops, store, visit_id, template, item, notes = _two_notes(tmp_path)
    workspace = Workspace(store)
    hub = ChangeHub(workspace, poll_ms=0)
    window = open_window(qtbot, workspace, hub, visit_id)
    widget = next(w for w in window.items if w.item.key == item)
    (_, other_item), = [k for k in first_items(store, visit_id, 2) if k[1] != item][:1]
    saving = window.visit.set_note

    def with_another_programs_answer(*args, **kwargs):  # another program on this data folder writes meanwhile
        open_visit(store, visit_id).set_answer(template, other_item, NOT_MET)
        return saving(*args, **kwargs)

    window.visit.set_note = with_another_programs_answer
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_N)
    note = QApplication.focusWidget()
    qtbot.keyClicks(note, " Manager called.")
    qtbot.keyClick(note, Qt.Key.Key_Escape)
    window.flush_typed()
    kept = open_visit(store, visit_id).checklists[template].record(item).note
    widget = next(w for w in window.items if w.item.key == item)
    shown = [d for d in widget.differences if d.field == "note"]
    assert [{side.value for side in d.sides} for d in shown] == [{kept, notes[store.user.name]}]
    hub.close()
    for laptop in laptops:
        laptop.close()


def test_adding_to_the_other_officers_note_where_the_notes_differ_keeps_both(qtbot, tmp_path):
    (alex, jo), store, visit_id, template, item, notes = _two_notes(tmp_path)
    workspace = Workspace(store)
    hub = ChangeHub(workspace, poll_ms=0)
    window = open_window(qtbot, workspace, hub, visit_id)
    widget = next(w for w in window.items if w.item.key == item)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_N)  # the note, as the officer writes it
    note = QApplication.focusWidget()
    qtbot.keyClick(note, Qt.Key.Key_End)
    qtbot.keyClicks(note, " Manager called.")
    qtbot.keyClick(note, Qt.Key.Key_Escape)
    window.flush_typed()
    kept = open_visit(store, visit_id).checklists[template].record(item).note
    still_differ = any(d.field == "note" for d in workspace.visits.differences(visit_id))
    assert all(words in kept for words in notes.values()) or still_differ, kept
    own = notes[store.user.name]
    other = next(words for name, words in notes.items() if name != store.user.name)
    assert kept == f"{other} Manager called."
    # both notes are in the visit, and the screen shows the difference as it is now, not as it was
    (difference,) = [d for d in workspace.visits.differences(visit_id) if d.field == "note"]
    assert {side.value for side in difference.sides} == {kept, own}
    shown = [d for d in widget.differences if d.field == "note"]
    assert [{side.value for side in d.sides} for d in shown] == [{kept, own}]
    hub.close()
    alex.close(), jo.close()
