"""The hybrid logical clock: monotonic, survives skewed clocks, encodes to sortable text, never adopts a
value far ahead of this laptop's clock, and turns into a date without raising."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_desktop.store.hlc import (
    EARLIEST_MS,
    LATEST_MS,
    Hlc,
    HybridClock,
    adoptable_ceiling,
    beyond_bound,
)
from qa_desktop.store.oplog import OpRecord


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


@given(st.integers(0, 10**16 - 1), st.integers(0, 10**5 - 1))
def test_any_clock_value_turns_into_a_date_without_raising(wall_ms, counter):
    """Was: a change file with the largest clock value stopped sync ("year 318857 is out of range")."""
    stamp = Hlc.parse(Hlc(wall_ms, counter).encode())
    at = stamp.at  # never raises, even for the year 318857 (clamped)
    assert at.tzinfo is not None
    assert stamp.is_date == (EARLIEST_MS <= wall_ms <= LATEST_MS)
    if stamp.is_date:  # what ``sync.wire`` lets in: exact, and an op carrying it has a date too
        assert (at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(milliseconds=1) == wall_ms
        op = OpRecord("o", "visits", "v", "notes", None, stamp.encode(), "d", "a")
        assert abs(op.at - at) < dt.timedelta(milliseconds=1)


def test_the_dates_a_clock_value_may_have():
    assert Hlc(EARLIEST_MS, 0).at == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert Hlc(LATEST_MS, 0).at == dt.datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=dt.UTC)
    assert not Hlc(EARLIEST_MS - 1, 0).is_date and not Hlc(LATEST_MS + 1, 0).is_date
    assert Hlc(10**16 - 1, 0).at == dt.datetime.max.replace(tzinfo=dt.UTC, microsecond=999000)


@given(st.integers(EARLIEST_MS, LATEST_MS), st.integers(0, 10**16 - 1), st.integers(0, 10**5 - 1))
def test_the_adoptable_ceiling_is_the_bound_as_text(wall_ms, remote_ms, counter):
    """``Op.hlc <= adoptable_ceiling(wall)`` in SQL picks exactly the values the bound lets the clock adopt."""
    remote = Hlc(remote_ms, counter)
    assert (remote.encode() <= adoptable_ceiling(wall_ms)) == (not beyond_bound(remote, wall_ms))
