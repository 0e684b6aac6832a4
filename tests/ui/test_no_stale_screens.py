"""No screen shows stale data, and nothing an officer sees or types is lost to it.

Driven in the real visit window (pytest-qt), with real stores on two laptops:
- the other officer's findings arrive by a bundle imported in this window: the open visit screen
  shows them at once, keeping a note still being typed;
- they arrive through another program on the same data folder and the screen has not shown them
  yet: an answer given over them is kept beside them as a conflict, never written over silently;
- a sync run by another process, from a laptop whose clock is fast, while the window is open:
  every laptop converges on the later human edit, or on a conflict that keeps both;
- a save against a data file another program is writing to says "Not saved", keeps the text,
  and saves once the lock goes.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings, Qt

from qa_desktop.clock import Clock
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.forms.checklist import MET, NOT_MET
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.sync.bundle import export_bundle, import_bundle
from qa_desktop.sync.conflicts import list_conflicts
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.visit_window import VisitWindow
from qa_desktop.ui.young_inspector_window import YoungInspectorWindow
from qa_desktop.workspace import Workspace
from tests.sync.conftest import make_visit, snapshot


@pytest.fixture
def two_laptops(tmp_path):
    """Alex's laptop with a visit, and Jo's with the same visit (brought over by bundle)."""
    library = TemplateLibrary.load()
    alex, jo = Store(tmp_path / "alex", actor="alex"), Store(tmp_path / "jo", actor="jo")
    visit_id = make_visit(alex, library)
    out = export_bundle(alex, tmp_path / "to-jo.qabundle", visit_id=visit_id)
    import_bundle(jo, out.path, code=out.code)
    yield alex, jo, visit_id
    alex.close()
    jo.close()


def open_visit_window(qtbot, workspace, hub, visit_id):
    window = VisitWindow(workspace, hub, visit_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def bed_item(window):
    """The visit's first met/not-met item on the screen (the bed, say)."""
    return next(w for w in window.items if w.options and w.options[0][0] == MET)


def jo_finds_fault(jo, visit_id, template, item_key, note, tmp_path, name):
    jo_visit = open_visit(jo, visit_id)
    jo_visit.set_answer(template, item_key, NOT_MET)
    jo_visit.set_note(template, item_key, note)
    return export_bundle(jo, tmp_path / name, visit_id=visit_id)


def test_a_bundle_imported_in_the_window_shows_at_once_on_the_open_visit_keeping_a_note_being_typed(
        qtbot, two_laptops, tmp_path, messages):
    alex, jo, visit_id = two_laptops
    workspace = Workspace(alex)
    hub = ChangeHub(workspace, poll_ms=0)
    window = open_visit_window(qtbot, workspace, hub, visit_id)
    template = window.sections.rows[0][0]
    bed = bed_item(window)
    other = next(w for w in window.items if w is not bed)
    other.note.setFocus()
    qtbot.keyClicks(other.note, "Fire door wedged open")  # typing, not yet saved
    assert other.has_pending_note()

    out = jo_finds_fault(jo, visit_id, template, bed.item.key, "Bed frame broken", tmp_path, "to-alex.qabundle")
    main = MainWindow(workspace, hub, QSettings(str(tmp_path / "alex.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.import_bundle(str(out.path), code=out.code).finished, timeout=30000):
        pass

    assert "✓ 2 Not met" in [b.text() for b in bed.buttons]  # shown without reopening the visit
    assert bed.note.toPlainText() == "Bed frame broken"
    assert other.note.toPlainText() == "Fire door wedged open"  # what Alex was typing is untouched
    other.flush_note()
    stored = open_visit(alex, visit_id).checklists[template]
    assert stored.record(other.item.key).note == "Fire door wedged open"
    assert stored.answer(bed.item.key) == NOT_MET and stored.record(bed.item.key).note == "Bed frame broken"

    # Alex saw Jo's finding and changes it deliberately: a later edit, not a conflict
    bed.setFocus()
    qtbot.keyClick(bed, Qt.Key.Key_1)
    assert open_visit(alex, visit_id).checklists[template].answer(bed.item.key) == MET
    assert list_conflicts(alex) == []


def test_an_answer_over_a_value_the_screen_never_showed_is_kept_as_a_conflict(qtbot, two_laptops, tmp_path):
    alex, jo, visit_id = two_laptops
    workspace = Workspace(alex)
    hub = ChangeHub(workspace, poll_ms=0)
    window = open_visit_window(qtbot, workspace, hub, visit_id)
    template = window.sections.rows[0][0]
    bed = bed_item(window)
    out = jo_finds_fault(jo, visit_id, template, bed.item.key, "Bed frame broken", tmp_path, "to-alex.qabundle")

    # another program on Alex's data folder (``qa-desktop import-bundle`` in a terminal) brings it in;
    # the window has not looked yet
    other_program = Store(alex.data_dir, key=alex.key)
    import_bundle(other_program, out.path, code=out.code)
    other_program.close()
    assert "✓ 2 Not met" not in [b.text() for b in bed.buttons]

    bed.setFocus()
    qtbot.keyClick(bed, Qt.Key.Key_1)                 # Met, over a value Alex never saw: both kept
    conflicts = {c.field: sorted(str(v.value) for v in c.values) for c in list_conflicts(alex)}
    assert conflicts == {"value": sorted([MET, NOT_MET])}
    stored = open_visit(alex, visit_id).checklists[template]
    assert stored.answer(bed.item.key) == MET and "✓ 1 Met" in [b.text() for b in bed.buttons]
    # the save heard the other program's change with it, so the screen caught up at once: Jo's note
    # is shown now, and what Alex writes next is written over it knowingly (no conflict)
    assert bed.note.toPlainText() == "Bed frame broken"
    bed.note.setFocus()
    qtbot.keyClick(bed.note, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(bed.note, ", fixed today")
    bed.flush_note()
    assert open_visit(alex, visit_id).checklists[template].record(bed.item.key).note == "Bed frame broken, fixed today"
    assert {c.field for c in list_conflicts(alex)} == {"value"}


def test_a_second_program_on_the_same_data_folder_never_writes_over_the_screen_unseen(qtbot, two_laptops):
    """Two programs on one data folder share a device id: an edit made in one over a value the other
    wrote, unseen, is kept beside it (the op says what it was written over; nothing is assumed)."""
    alex, _, visit_id = two_laptops
    workspace = Workspace(alex)
    hub = ChangeHub(workspace, poll_ms=0)
    window = open_visit_window(qtbot, workspace, hub, visit_id)
    template = window.sections.rows[0][0]
    bed = bed_item(window)
    terminal = Store(alex.data_dir, actor=alex.actor, key=alex.key)
    open_visit(terminal, visit_id).set_note(template, bed.item.key, "Bed broken")
    terminal.close()
    bed.note.setFocus()
    qtbot.keyClicks(bed.note, "Bed fine")
    bed.flush_note()
    (conflict,) = list_conflicts(alex)
    assert conflict.field == "note" and sorted(v.value for v in conflict.values) == ["Bed broken", "Bed fine"]


def _sync_in_another_process(store: Store, shared) -> None:
    """``qa-desktop sync`` run in a terminal on the same data folder while the window is open."""
    script = ("import sys\nfrom pathlib import Path\n"
              "from qa_desktop.store.database import Store\nfrom qa_desktop.sync.engine import sync\n"
              "from qa_desktop.sync.folder import FolderStore\n"
              "from qa_desktop.sync.sealing import TeamKey\n"
              "from qa_desktop.sync.team import MemoryTeamKeyring\n"
              "store = Store(Path(sys.argv[1]), key=bytes.fromhex(sys.argv[3]))\n"
              "team = MemoryTeamKeyring(TeamKey(bytes.fromhex(sys.argv[4]), sys.argv[5]))\n"
              "print(sync(store, FolderStore(Path(sys.argv[2]), team)).summary())\n")
    team = FolderStore(shared).team  # the child has no keyring: it is handed the keys, as the app has them
    subprocess.run([sys.executable, "-c", script, str(store.data_dir), str(shared), store.key.hex(),
                    team.secret.hex(), team.store_id], check=True, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("window_looked", [True, False], ids=["screen-refreshed", "screen-stale"])
def test_a_sync_by_another_process_from_a_fast_clock_never_loses_the_later_edit(
        qtbot, tmp_path, window_looked):
    library = TemplateLibrary.load()
    shared = tmp_path / "shared"
    alex = Store(tmp_path / "alex", actor="alex")
    fast = Clock.starting_at(Clock.from_environment().now() + dt.timedelta(minutes=5))
    jo = Store(tmp_path / "jo", actor="jo", clock=fast)  # Jo's laptop clock runs five minutes fast
    visit_id = make_visit(alex, library)
    sync(alex, FolderStore(shared))
    sync(jo, FolderStore(shared))
    workspace = Workspace(alex)
    hub = ChangeHub(workspace, poll_ms=0)
    window = open_visit_window(qtbot, workspace, hub, visit_id)
    template = window.sections.rows[0][0]
    bed = bed_item(window)

    open_visit(jo, visit_id).set_answer(template, bed.item.key, NOT_MET)
    sync(jo, FolderStore(shared))
    _sync_in_another_process(alex, shared)            # the window's process did not do this sync
    if window_looked:
        hub.catch_up()
        assert "✓ 2 Not met" in [b.text() for b in bed.buttons]
    bed.setFocus()
    qtbot.keyClick(bed, Qt.Key.Key_1)                 # Alex's later edit: Met

    for _ in range(2):
        for laptop in (alex, jo):
            sync(laptop, FolderStore(shared))
    assert snapshot(alex) == snapshot(jo)             # every laptop equal
    for laptop in (alex, jo):
        answer = open_visit(laptop, visit_id).checklists[template].answer(bed.item.key)
        conflicts = list_conflicts(laptop)
        if window_looked:   # Alex saw Jo's answer and replaced it: the later human edit wins everywhere
            assert answer == MET and conflicts == []
        else:               # Alex never saw it: both are kept, for an officer to choose
            (conflict,) = conflicts
            assert sorted(v.value for v in conflict.values) == sorted([MET, NOT_MET])
    jo.close()
    alex.close()


def test_a_save_against_a_locked_data_file_says_not_saved_keeps_the_text_and_saves_when_it_can(
        qtbot, two_laptops):
    alex, _, visit_id = two_laptops
    workspace = Workspace(alex)
    hub = ChangeHub(workspace, poll_ms=0)
    window = open_visit_window(qtbot, workspace, hub, visit_id)
    template = window.sections.rows[0][0]
    item = window.items[1]

    other_program = Store(alex.data_dir, key=alex.key)
    blocker = other_program.engine.raw_connection()
    blocker.cursor().execute("BEGIN IMMEDIATE")        # another program is in the middle of a write
    try:
        item.note.setFocus()
        qtbot.keyClicks(item.note, "Radiator cover missing")
        item.flush_note()
        assert window.state.text().startswith("Not saved: the data file is busy")
        assert item.note.toPlainText() == "Radiator cover missing"
        assert window.unsaved                         # and it never claimed it saved
        assert open_visit(alex, visit_id).checklists[template].record(item.item.key).note == ""
    finally:
        blocker.rollback()
        blocker.close()
        other_program.close()
    qtbot.waitUntil(lambda: window.state.text().startswith("All changes saved"), timeout=10000)
    assert not window.unsaved
    assert open_visit(alex, visit_id).checklists[template].record(item.item.key).note == "Radiator cover missing"


class WriteLock:
    """Another program in the middle of a write to the data file."""

    def __init__(self, store: Store) -> None:
        self.other = Store(store.data_dir, key=store.key)
        self.connection = self.other.engine.raw_connection()
        self.connection.cursor().execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.connection.rollback()
        self.connection.close()
        self.other.close()


def test_a_held_up_note_survives_a_redraw_and_more_typing(qtbot, two_laptops):
    alex, _, visit_id = two_laptops
    workspace = Workspace(alex)
    window = open_visit_window(qtbot, workspace, ChangeHub(workspace, poll_ms=0), visit_id)
    template, item_key = window.sections.rows[0][0], window.items[1].item.key
    lock = WriteLock(alex)
    try:
        item = window.items[1]
        item.note.setFocus()
        qtbot.keyClicks(item.note, "Radiator cover missing")
        item.flush_note()
        assert window.unsaved
        window._retry.stop()  # (the test says when it retries)
        window.section_list.setCurrentIndex(window.sections.index(1))  # the officer looks elsewhere, comes back
        window.section_list.setCurrentIndex(window.sections.index(0))
        item = next(w for w in window.items if w.item.key == item_key)
        assert item.note.toPlainText() == "Radiator cover missing"  # still shown, not yet saved
        item.note.setFocus()
        qtbot.keyClick(item.note, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(item.note, " and window latch")
        item.flush_note()
    finally:
        lock.release()
    window.retry_unsaved()
    assert not window.unsaved and window.state.text().startswith("All changes saved")
    stored = open_visit(alex, visit_id).checklists[template].record(item_key).note
    assert stored == "Radiator cover missing and window latch"


def test_a_held_up_action_saved_after_the_other_officers_arrived_keeps_both(qtbot, two_laptops, tmp_path,
                                                                              messages):
    alex, jo, visit_id = two_laptops
    workspace = Workspace(alex)
    hub = ChangeHub(workspace, poll_ms=0)
    window = open_visit_window(qtbot, workspace, hub, visit_id)
    template, item_key = window.sections.rows[0][0], window.items[1].item.key
    lock = WriteLock(alex)
    try:
        dialog = window.raise_action(item_key)
        dialog.text.setPlainText("Replace the bed")
        dialog.accept()
        assert window.unsaved
        window._retry.stop()
    finally:
        lock.release()
    open_visit(jo, visit_id).raise_action(template, item_key, "Fix the fire door", ConcernLevel.HIGH, jo.clock.now())
    out = export_bundle(jo, tmp_path / "jo.qabundle", visit_id=visit_id)
    other_program = Store(alex.data_dir, key=alex.key)
    import_bundle(other_program, out.path, code=out.code)
    other_program.close()
    hub.catch_up()                  # the window hears of Jo's action while Alex's is still waiting
    assert "Replace the bed" in window.items[1].action_label.text()  # what Alex entered stays on screen
    window.retry_unsaved()
    texts = {c.field: sorted(v.value for v in c.values) for c in list_conflicts(alex)}
    assert texts["text"] == ["Fix the fire door", "Replace the bed"]  # both kept, for an officer to choose


def test_a_young_inspectors_answer_held_up_by_a_busy_data_file_is_kept_and_saved(qtbot, two_laptops):
    alex, _, visit_id = two_laptops
    workspace = Workspace(alex)
    workspace.visits.add_young_inspector_form(visit_id)
    young = YoungInspectorWindow(workspace.visits.young_inspector_form(visit_id))
    qtbot.addWidget(young)
    young.show()
    first = young.questions[0][0]
    lock = WriteLock(alex)
    try:
        first.setFocus()
        qtbot.keyClick(first, Qt.Key.Key_4)            # a face, while another program writes
        assert "kept" in young.message.text() and young.unsaved
        assert young.form.checklist.answer(first.item.key) == 4  # still shown as chosen
        young._retry.stop()
    finally:
        lock.release()
    young.retry_unsaved()
    assert not young.unsaved and young.message.text() == "Saved"
    stored = workspace.visits.young_inspector_form(visit_id).checklist.answer(first.item.key)
    assert stored == 4
