"""A row this laptop creates over the other officer's record that arrived in part (review 8, A).

The other officer's ops for an answer or a visit action can arrive without the row's other fields
(a pending row, ``store.rows``). When this laptop then answers the item or raises the action, the row
it makes is made again from all its ops (``Changes.create``), as sync makes a row: the other
officer's note and photos are in it, a conflict between the two officers' words is in
``field_heads`` (so the visit shows the difference and cannot be completed over it), and the row
waits no more. Before, the row held this laptop's values alone until a later sync happened to make
the pending row again."""

from sqlalchemy import select

from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.forms.checklist import MET
from qa_desktop.services.differences import count_differences
from qa_desktop.services.visits import open_visit
from qa_desktop.store.changes import derived_id
from qa_desktop.store.hlc import Hlc
from qa_desktop.store.models import Answer, FieldHeads, PendingRow, VisitAction
from qa_desktop.store.oplog import OpRecord, state_of
from qa_desktop.sync.merge import apply_ops
from qa_desktop.workspace import Workspace
from tests.services.test_visits import library, setting_id, start  # noqa: F401 (fixtures)


def arrived_in_part(store, entity: str, row_id: str, field: str, value) -> OpRecord:
    """One op of the other officer's row, applied as a sync applies it: the row waits for the rest."""
    now_ms = int(store.clock.now().timestamp() * 1000)
    theirs = OpRecord("0" * 8 + "-other-laptop-op", entity, row_id, field, value, Hlc(now_ms - 1000, 0).encode(),
                      "other-laptop", "their.officer", (), wall=now_ms - 1000)
    with store.transaction() as session:
        apply_ops(session, [theirs], "folder:test", now_ms=now_ms)
    with store.read() as session:
        assert session.get(PendingRow, (entity, row_id)) is not None  # in the log, not in the table
    return theirs


def first_item(editor) -> str:
    return next(i for i in editor.checklists["compliance_areas"].visible_items()
                if i.response.name == "MET_NOT_MET").key


def test_a_first_action_raised_over_one_arrived_in_part_is_a_difference(store, library, setting_id):  # noqa: F811
    workspace = Workspace(store)
    visit_id = start(store, library, setting_id)
    editor = workspace.visits.open(visit_id)
    item = first_item(editor)
    action_id = derived_id("visit_action", visit_id, "compliance_areas", item)
    arrived_in_part(store, "visit_actions", action_id, "text", "Fix the fire door")

    editor.raise_action("compliance_areas", item, "Replace the bed", ConcernLevel.LOW)
    with store.read() as session:
        state = state_of(session, "visit_actions", action_id, "text")
        assert state is not None and state.conflict  # the log holds both officers' words ...
        heads = session.scalars(select(FieldHeads).where(FieldHeads.entity_id == action_id)).all()
        differ = count_differences(session, visit_id)
        assert session.get(PendingRow, ("visit_actions", action_id)) is None  # made: it waits no more
        assert session.get(VisitAction, action_id).text == state.value  # the row holds the field's winner
    assert [h.field for h in heads if h.conflict] == ["text"] and differ == 1  # ... and the visit says so
    assert [d.field for d in editor.differences() if d.item_key == item] == ["text"]
    problems = open_visit(store, visit_id).problems_before_completion()
    assert any("differ" in p.lower() or "difference" in p.lower() for p in problems), problems


def test_the_same_words_raised_over_theirs_are_one_value_seen_by_the_screen(store, library, setting_id):  # noqa: F811
    """Identical words are no difference, and the screen has seen both officers' ops of them
    (``OpenVisit._alike``, which reads ``field_heads`` for a row that is not fresh): its next edit is
    written over both, so it does not reopen a difference between identical words."""
    workspace = Workspace(store)
    visit_id = start(store, library, setting_id)
    visit = open_visit(store, visit_id)
    item = first_item(visit)
    action_id = derived_id("visit_action", visit_id, "compliance_areas", item)
    theirs = arrived_in_part(store, "visit_actions", action_id, "text", "Fix the fire door")

    visit.raise_action("compliance_areas", item, "Fix the fire door", ConcernLevel.LOW, workspace.clock.now())
    assert theirs.op_id in visit.seen[("compliance_areas", item, "text")]
    with store.read() as session:
        assert count_differences(session, visit_id) == 0
    visit.raise_action("compliance_areas", item, "Fix the fire door today", ConcernLevel.LOW, workspace.clock.now())
    with store.read() as session:
        state = state_of(session, "visit_actions", action_id, "text")
        assert state is not None and len(state.heads) == 1 and state.value == "Fix the fire door today"
        assert count_differences(session, visit_id) == 0


def test_a_note_arrived_in_part_shows_once_the_item_is_answered_here(store, library, setting_id):  # noqa: F811
    workspace = Workspace(store)
    visit_id = start(store, library, setting_id)
    editor = workspace.visits.open(visit_id)
    item = first_item(editor)
    answer_id = derived_id("answer", visit_id, "compliance_areas", item)
    note = arrived_in_part(store, "answers", answer_id, "note", "Smoke alarm hanging off the wall")

    editor.set_answer("compliance_areas", item, MET)
    with store.read() as session:
        assert state_of(session, "answers", answer_id, "note").value == note.value  # in the log ...
        row = session.get(Answer, answer_id)
        assert (row.note, row.value) == (note.value, "met")  # ... and in the row, beside this laptop's answer
        assert session.get(PendingRow, ("answers", answer_id)) is None
        assert session.scalars(select(FieldHeads).where(FieldHeads.entity_id == answer_id)).all() == []
    assert open_visit(store, visit_id).checklists["compliance_areas"].record(item).note == note.value
    editor.reload()
    assert editor.checklists["compliance_areas"].record(item).note == note.value


def test_a_photo_added_over_photos_arrived_in_part_keeps_theirs(store, library, setting_id):  # noqa: F811
    """The first photo added here over the other officer's photos that arrived in part: the row made
    here held no photo of theirs, and the photo list written over what the log held (their list)
    left theirs out for good. Made again from its ops, the row holds theirs, so the list written
    holds both."""
    visit_id = start(store, library, setting_id)
    visit = open_visit(store, visit_id)
    item = first_item(visit)
    answer_id = derived_id("answer", visit_id, "compliance_areas", item)
    arrived_in_part(store, "answers", answer_id, "evidence", [{"blob": "a" * 64, "caption": "Their photo"}])

    visit.add_evidence("compliance_areas", item, "b" * 64, "My photo")
    with store.read() as session:
        assert [e["blob"] for e in session.get(Answer, answer_id).evidence] == ["a" * 64, "b" * 64]
        assert [e["blob"] for e in state_of(session, "answers", answer_id, "evidence").value] == ["a" * 64, "b" * 64]
    assert [p.blob for p in open_visit(store, visit_id).checklists["compliance_areas"].record(item).evidence] \
        == ["a" * 64, "b" * 64]
