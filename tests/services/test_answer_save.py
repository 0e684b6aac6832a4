"""What one answer's save writes, op by op: the row, its ops and their bases, the laptop's chain, the
heads of a field two edits wrote without seeing each other, and whose screens the change signal
names. The save's small statements run by the driver itself (``store.driver``, issue 22): these hold
them to what the write path wrote through SQLAlchemy."""

from sqlalchemy import literal_column, select

from qa_desktop.forms.checklist import MET, NOT_APPLICABLE, NOT_MET
from qa_desktop.store.chain import verify
from qa_desktop.store.changes import derived_id
from qa_desktop.store.models import Answer, FieldHeads, Op, Setting
from qa_desktop.workspace import Workspace
from tests.services.test_visits import library, setting_id, start  # noqa: F401 (fixtures)


def ops_since(store, rowid: int) -> list[tuple[int, Op]]:
    place = literal_column("ops.rowid")
    with store.read() as session:
        return [(n, op) for n, op in session.execute(select(place, Op).where(place > rowid).order_by(place)).all()]


def test_an_answer_then_another_write_the_row_ops_chain_and_signal_as_before(store, library, setting_id):  # noqa: F811
    workspace = Workspace(store)
    visit_id = start(store, library, setting_id)
    editor = workspace.visits.open(visit_id)
    item = next(i for i in editor.checklists["compliance_areas"].visible_items() if i.response.name == "MET_NOT_MET")
    answer_id = derived_id("answer", visit_id, "compliance_areas", item.key)
    with store.read() as session:
        provider_id = session.get(Setting, setting_id).provider_id
    mark = store.last_op_position()

    done = editor.set_answer("compliance_areas", item.key, MET)  # the item's first answer: a new row
    first = ops_since(store, mark)
    assert {op.entity for _, op in first} == {"answers"} and {op.entity_id for _, op in first} == {answer_id}
    by_field = {op.field: op for _, op in first}
    assert len(by_field) == len(first)  # one op per field of the new row
    assert by_field["value"].value == MET and by_field["visit_id"].value == visit_id
    assert by_field["template_key"].value == "compliance_areas" and by_field["item_key"].value == item.key
    assert sorted(by_field) == ["deleted", "evidence", "item_key", "template_key", "value", "visit_id"]
    assert all(op.base == [] and op.received_from is None for _, op in first)  # over nothing, made here
    places = [op.dseq for _, op in first]
    assert places == list(range(places[0], places[0] + len(first)))  # the laptop's chain, in order
    assert done.changes.records == {"answers": frozenset({answer_id})}
    assert done.changes.visits == {visit_id} and done.changes.providers == {provider_id}

    stale = workspace.visits.open(visit_id)  # another screen, open now: it sees MET
    done = editor.set_answer("compliance_areas", item.key, NOT_MET)  # again: one op, over the first
    second = ops_since(store, first[-1][0])
    assert [(op.field, op.value, op.base, op.dseq) for _, op in second] == [
        ("value", NOT_MET, [by_field["value"].op_id], places[-1] + 1)]
    assert done.changes.visits == {visit_id} and done.changes.providers == {provider_id}

    # the other screen, which never saw NOT_MET, answers over what it saw: both kept, as heads of the field
    stale.set_answer("compliance_areas", item.key, NOT_APPLICABLE)
    third = ops_since(store, second[-1][0])
    assert [(op.field, op.value, op.base) for _, op in third] == [("value", NOT_APPLICABLE, [by_field["value"].op_id])]
    with store.read() as session:
        heads = session.scalars(select(FieldHeads).where(FieldHeads.entity_id == answer_id)).all()
        assert [(h.field, sorted(h.heads), h.conflict) for h in heads] == [
            ("value", sorted([second[0][1].op_id, third[0][1].op_id]), True)]
        assert session.get(Answer, answer_id).value in (NOT_MET, NOT_APPLICABLE)
        checked = verify(session, store.device_id, lambda op: False)
        assert checked.findings == () and checked.checked >= len(first) + 2

    # chosen: one head again, the heads row gone
    editor = workspace.visits.open(visit_id)
    difference = next(d for d in editor.differences() if d.item_key == item.key)
    editor.resolve_difference(difference, NOT_MET)
    with store.read() as session:
        assert session.scalars(select(FieldHeads).where(FieldHeads.entity_id == answer_id)).all() == []
        assert session.get(Answer, answer_id).value == NOT_MET
        assert verify(session, store.device_id, lambda op: False).findings == ()


def test_a_first_answer_over_the_other_officer_s_answer_arrived_in_part_is_kept_beside_it(
        store, library, setting_id):  # noqa: F811
    """A row this laptop makes (an item's first answer here) has its heads left alone only when the
    log holds no op of it before (``Changes.fresh``): the other officer's answer to the same item,
    arrived without the row's other fields (a pending row, ``sync.merge``), is in the log though not
    in the table, and the answer given here over nothing is a conflict with it, kept beside it."""
    from qa_desktop.store.hlc import Hlc
    from qa_desktop.store.oplog import OpRecord
    from qa_desktop.sync.merge import apply_ops

    workspace = Workspace(store)
    visit_id = start(store, library, setting_id)
    editor = workspace.visits.open(visit_id)
    items = [i for i in editor.checklists["compliance_areas"].visible_items() if i.response.name == "MET_NOT_MET"]
    theirs_id = derived_id("answer", visit_id, "compliance_areas", items[0].key)
    now_ms = int(store.clock.now().timestamp() * 1000)
    arrived = OpRecord("0" * 8 + "-other-laptop-op", "answers", theirs_id, "value", NOT_MET,
                       Hlc(now_ms - 1000, 0).encode(), "other-laptop", "their.officer", (), wall=now_ms - 1000)
    with store.transaction() as session:
        apply_ops(session, [arrived], "folder:test", now_ms=now_ms)
    with store.read() as session:
        assert session.get(Answer, theirs_id) is None  # in the log, not in the table: the row waits

    editor.set_answer("compliance_areas", items[0].key, MET)  # this laptop's first answer to that item
    editor.set_answer("compliance_areas", items[1].key, MET)  # and one to an item no one else answered
    fresh_id = derived_id("answer", visit_id, "compliance_areas", items[1].key)
    with store.read() as session:
        heads = {(h.entity_id, h.field): (sorted(h.heads), h.conflict)
                 for h in session.scalars(select(FieldHeads).where(FieldHeads.entity_id.in_([theirs_id, fresh_id])))}
        mine = session.scalars(select(Op.op_id).where(Op.entity_id == theirs_id, Op.field == "value",
                                                      Op.device_id == store.device_id)).one()
    assert heads == {(theirs_id, "value"): (sorted([arrived.op_id, mine]), True)}
