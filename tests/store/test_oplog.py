"""The field state of the op log: the winner is always a head, and a new edit is always stamped
later than every op in the local log, whichever program wrote it."""

from __future__ import annotations

import datetime as dt

from qa_desktop.clock import Clock
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services.register import add_provider
from qa_desktop.store.database import Store
from qa_desktop.store.hlc import Hlc
from qa_desktop.store.oplog import OpRecord, field_state, state_of


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
