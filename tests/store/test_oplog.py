"""The field state of the op log: the winner is always a head, and a new edit is always stamped
later than every op in the local log, whichever program wrote it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from qa_desktop.clock import Clock
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services.register import add_provider
from qa_desktop.store.database import Store
from qa_desktop.store.hlc import Hlc
from qa_desktop.store.models import Op
from qa_desktop.store.oplog import OpRecord, canonical, field_state, state_of, stored_json


def op(op_id: str, value: str, hlc: str, device: str, base: tuple[str, ...] = ()) -> OpRecord:
    return OpRecord(op_id, "providers", "p1", "notes", value, hlc, device, device, base)


def test_an_op_written_over_never_wins_even_with_a_later_clock() -> None:
    fast = op("jo-1", "from a fast clock", "0001800000300000:00000", "jo")
    # Alex saw Jo's value and replaced it, but Alex's clock had not caught up with Jo's
    later = op("alex-1", "replaced", "0001800000000000:00000", "alex", base=("jo-1",))
    state = field_state([fast, later])
    assert state.heads == (later,) and state.winner == later and state.value == "replaced"
    assert not state.conflict


def test_concurrent_edits_keep_both_and_agree_on_the_winner() -> None:
    a = op("a", "one", "0001800000000000:00000", "alex")
    b = op("b", "two", "0001800000000001:00000", "jo")
    for order in ([a, b], [b, a]):
        state = field_state(order)
        assert state.conflict and state.winner == b and {h.op_id for h in state.heads} == {"a", "b"}


def test_a_new_edit_is_later_than_every_op_another_program_wrote(tmp_path) -> None:
    window = Store(tmp_path / "data", actor="alex")
    ahead = Clock.starting_at(window.clock.now() + dt.timedelta(minutes=5))  # within the bound it adopts
    other_program = Store(tmp_path / "data", actor="alex", key=window.key, clock=ahead)
    with other_program.write() as changes:
        provider = add_provider(changes, name="Harbour View", service_type=ServiceType.RESIDENTIAL)
    with window.write() as changes:  # the window's clock never saw that op: it reads the log first
        changes.update(changes.session.get(type(provider), provider.id), notes="Checked")
    with window.read() as session:
        state = state_of(session, "providers", provider.id, "name")
        notes = state_of(session, "providers", provider.id, "notes")
    assert state is not None and notes is not None
    assert Hlc.parse(notes.winner.hlc) > Hlc.parse(state.winner.hlc)
    other_program.close()
    window.close()


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=8) | st.lists(st.text(), max_size=3))
def test_canonical_is_the_json_text_it_always_was(value) -> None:
    """Values' hashes and chain links (every laptop's, every release's) are taken over this text: its
    quick paths (text, flags, numbers, lists of text such as a base) must write what ``json.dumps`` writes."""
    assert canonical(value) == json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_canonical_of_awkward_text() -> None:
    for value in ["", "Zo\u00eb \u2028 \"quoted\" \\ \t\x7f", ["a", "\u00e9", ""], "\ud800", [], 10 ** 30, True]:
        assert canonical(value) == json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_edits_made_one_at_a_time_have_ids_in_the_order_they_were_made(tmp_path) -> None:
    """A laptop receiving these adds them at the end of its log's index on ``op_id`` (issue 22): within
    a unit of work in the order made, and each unit's after the millisecond of its first edit."""
    store = Store(tmp_path / "data", actor="alex")
    with store.write() as changes:
        provider = add_provider(changes, name="Harbour View", service_type=ServiceType.RESIDENTIAL)
    for number in range(3):
        with store.write() as changes:
            changes.update(changes.session.get(type(provider), provider.id), notes=f"Visit {number}", capacity=number)
    with store.read() as session:
        ops = session.execute(select(Op.op_id, Op.hlc).where(Op.device_id == store.device_id).order_by(Op.dseq)).all()
    store.close()
    ids = [op_id for op_id, _ in ops]
    assert len(ids) > 8 and len(set(ids)) == len(ids)
    assert all(uuid.UUID(op_id).version == 7 and str(uuid.UUID(op_id)) == op_id for op_id in ids)
    first_unit = ids[:-6]  # the provider's fields, then three units of two fields each
    assert first_unit == sorted(first_unit) and all(ids[-n - 2] < ids[-n - 1] for n in (0, 2, 4))
    for op_id, hlc in ops:  # the time in the id is the clock's when its unit began
        assert uuid.UUID(op_id).int >> 80 <= Hlc.parse(hlc).wall_ms


@settings(max_examples=80, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=8) | st.lists(st.text(), max_size=2))
def test_the_logs_json_is_read_as_the_decoder_reads_it(value) -> None:
    text = json.dumps(value)  # what the log's JSON columns hold (SQLAlchemy's serialiser)
    assert stored_json(text) == json.loads(text)
    assert type(stored_json(text)) is type(json.loads(text))


def test_the_logs_json_quick_cases() -> None:
    for text in ['"met"', '""', '[]', '[""]', '["a", "b"]', r'["a\\"]', r'"\u00e9"', r'"say \"hi\""', 'null', '3']:
        assert stored_json(text) == json.loads(text), text
    assert stored_json(3) == 3 and stored_json(None) is None  # a number kept as a number by the column


def _state_or_error(compute, ops):
    try:
        return compute(ops)
    except IndexError as error:  # no head at all (ops that name each other): the same either way
        return ("no head", str(error))


_IDS = ["a", "b", "c"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_IDS), st.sampled_from(["d1", "d2"]),
                          st.sampled_from(["0001763805600000:00001", "0001763805600000:00002"]),
                          st.none() | st.lists(st.sampled_from(_IDS), max_size=3).map(tuple),
                          st.sampled_from(["met", "not_met"])), min_size=2, max_size=2))
def test_a_field_of_two_ops_has_the_state_the_whole_reckoning_gives(made) -> None:
    """``field_state``'s quick way for two ops (a pull's older op and the one written over it) gives
    what the whole reckoning gives, for any ids, bases (none, naming each other or themselves), clocks
    and laptops."""
    from qa_desktop.store.oplog import _ORDER, _field_state
    ops = [OpRecord(op_id, "answers", "x", "value", value, hlc, device, "Alex", base)
           for op_id, device, hlc, base, value in made]
    for given_order in (ops, list(reversed(ops))):
        whole = _state_or_error(lambda o: _field_state(sorted(o, key=_ORDER, reverse=True)), given_order)
        assert _state_or_error(field_state, given_order) == whole


@settings(max_examples=100, deadline=None)
@given(st.none() | st.lists(st.text(max_size=40), max_size=4) | st.lists(st.text(max_size=40), max_size=4).map(tuple))
def test_a_base_is_stored_as_the_json_text_it_always_was(base) -> None:
    """``base_text`` (a pulled op's base as the log stores it) is ``json.dumps`` of the list, or null."""
    from qa_desktop.store.changes import base_text
    assert base_text(base) == (json.dumps(list(base)) if base is not None else "null")


def test_an_op_record_is_the_dataclass_it_always_was() -> None:
    """``OpRecord``'s own ``__init__`` (fields set in one step) gives what the dataclass's gave: every
    field, in order, from positions, keywords or defaults; still frozen, equal, hashable and replaceable."""
    names = [f.name for f in dataclasses.fields(OpRecord)]
    values = ["id-1", "answers", "a1", "value", {"x": [1, "é"]}, "0001800000000000:00000", "dev", "Jo", ("id-0",),
              1_800_000_000_000, 7, "c" * 64, "v" * 64, "u:k:sealed"]
    whole = OpRecord(*values)  # type: ignore[arg-type]
    assert list(vars(whole).items()) == list(zip(names, values, strict=True))
    assert OpRecord(**dict(zip(names, values, strict=True))) == whole
    short = OpRecord(*values[:8])  # type: ignore[arg-type]
    assert list(vars(short).items()) == list(zip(names, values[:8] + [None] * 6, strict=True))
    assert hash(OpRecord(*values[:4], "v", *values[5:8])) == hash(OpRecord(*values[:4], "v", *values[5:8]))  # type: ignore[arg-type]
    assert dataclasses.replace(whole, value=None) == OpRecord(*values[:4], None, *values[5:])  # type: ignore[arg-type]
    assert whole.with_value(3) == OpRecord(*values[:4], 3, *values[5:13])  # type: ignore[arg-type]
    assert repr(whole).startswith("OpRecord(op_id='id-1', entity='answers'")
    with pytest.raises(dataclasses.FrozenInstanceError):
        whole.value = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        OpRecord(*values[:7])  # type: ignore[call-arg]
