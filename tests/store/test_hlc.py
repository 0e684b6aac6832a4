"""The hybrid logical clock: monotonic, survives skewed clocks, encodes to sortable text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_desktop.store.hlc import Hlc, HybridClock


def test_now_follows_the_wall_clock_when_it_moves_forward():
    walls = iter([1_000, 2_000])
    clock = HybridClock(wall=lambda: next(walls))
    assert clock.now() == Hlc(1_000, 0)
    assert clock.now() == Hlc(2_000, 0)


def test_observe_moves_past_a_remote_clock_that_runs_ahead():
    clock = HybridClock(wall=lambda: 1_000)
    after = clock.observe(Hlc(9_000, 3))
    assert after == Hlc(9_000, 4)
    assert clock.now() == Hlc(9_000, 5)


@given(st.lists(st.one_of(st.tuples(st.just("now"), st.integers(0, 10_000)),
                          st.tuples(st.just("observe"), st.integers(0, 10_000), st.integers(0, 50))),
                min_size=1, max_size=60))
def test_every_timestamp_is_later_than_the_last_whatever_the_clocks_do(events):
    clock = HybridClock(wall=lambda: 0)
    previous = clock.last
    for event in events:
        clock._wall = lambda wall=event[1]: wall
        stamp = clock.now() if event[0] == "now" else clock.observe(Hlc(event[1], event[2]))
        assert stamp > previous
        if event[0] == "observe":
            assert stamp > Hlc(event[1], event[2])
        assert Hlc.parse(stamp.encode()) == stamp
        assert (stamp.encode() > previous.encode()) == (stamp > previous)
        previous = stamp


@pytest.mark.parametrize("bad", ["", "12:3", "000000000000000a:00000", "0000000000001000-00000"])
def test_parse_refuses_what_is_not_a_timestamp(bad):
    with pytest.raises(ValueError):
        Hlc.parse(bad)
