"""Hybrid logical clock (Kulkarni et al., 2014): wall-clock time where clocks agree, a counter
where they do not, so every op has a timestamp later than every op its device has seen.

Encoded as fixed-width text ("0001764000000000:00000"), so the database and the shared stores
order ops by plain string comparison. Ties between devices are broken by ``device_id`` by the
caller (DESIGN.md: last writer wins per field by ``(hlc, device_id)``).

The hybrid clock only *orders*: when an edit was made is the editing device's own wall time,
recorded in the op (``OpRecord.wall``) and shown by the audit trail. A clock value is never shown
as the time of an edit: after a laptop has seen a value from a clock that ran fast, its own later
values carry that fast time.

**The bound.** A clock value from elsewhere is adopted only if it is at most ``MAX_AHEAD`` (24 hours)
ahead of this laptop's wall clock. One laptop whose clock is 2 days (or 80 years) fast would
otherwise move every laptop's clock there for good, since each adopts the largest value it has seen.
Ops beyond the bound are *held* by the merge (``sync.merge``, table ``held_ops``) and never reach
``observe``: they are applied when this laptop's clock has caught up (then adopted as usual), or
when an officer accepts them (``sync.held``: applied, never adopted). So ``observe`` must only be
handed this laptop's own values or values from elsewhere that are not beyond the bound: the merge's
``Applied.max_hlc`` is one; the newest op of the local log is one only among this laptop's own ops
and the ops at most ``adoptable_ceiling`` (an accepted op may be further ahead). ``observe`` does
not check the bound itself: a second program on the same data folder is this laptop, and its
values are always adopted.

**What a value may be.** A clock value read from outside must be a date between
``EARLIEST_MS`` (2000) and ``LATEST_MS`` (the end of 9999): the encoding allows up to the year
318857, which no date type can hold (``sync.wire`` refuses such a file by name; ``sync.merge``
refuses such an op from a store that does not check, naming the laptop). ``Hlc.at`` turns any
value into a date without raising (clamped to the range a date can hold).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.clock import Clock
from qa_desktop.store.driver import driver_rows
from qa_desktop.store.models import Op

_WALL_DIGITS = 16
_COUNTER_DIGITS = 5

#: How far ahead of this laptop's wall clock a clock value from elsewhere may be and still be
#: adopted (see the module docstring). A day: laptops set by hand to the wrong day, or with a
#: dead clock battery, are further out than that; time zones and drift are far inside it.
MAX_AHEAD = dt.timedelta(hours=24)
MAX_AHEAD_MS = MAX_AHEAD // dt.timedelta(milliseconds=1)

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _ms(when: dt.datetime) -> int:
    return (when - _EPOCH) // dt.timedelta(milliseconds=1)


#: The earliest and latest wall part a clock value from elsewhere may have: QA Desktop made no op
#: before 2000, and no date type goes past 9999.
EARLIEST_MS = _ms(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
LATEST_MS = _ms(dt.datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=dt.UTC))
_FIRST_MS = _ms(dt.datetime.min.replace(tzinfo=dt.UTC))
_LAST_MS = _ms(dt.datetime.max.replace(tzinfo=dt.UTC))


def datetime_of_ms(ms: int) -> dt.datetime:
    """Milliseconds since the epoch as an aware UTC date-time; never raises (a value no date can
    hold is clamped to the first or last date there is)."""
    return _EPOCH + dt.timedelta(milliseconds=min(max(ms, _FIRST_MS), _LAST_MS))


def ahead_ms(value: Hlc, wall_ms: int) -> int:
    """How far a clock value is ahead of a wall clock reading (negative: behind)."""
    return value.wall_ms - wall_ms


def beyond_bound(value: Hlc, wall_ms: int) -> bool:
    """Whether a clock value from elsewhere is too far ahead of this laptop's clock to be adopted."""
    return wall_beyond_bound(value.wall_ms, wall_ms)


def wall_beyond_bound(value_wall_ms: int, wall_ms: int) -> bool:
    """``beyond_bound`` of a clock value's wall part alone (``Hlc.wall_of``: a pull asks it of every op)."""
    return value_wall_ms - wall_ms > MAX_AHEAD_MS


def is_date_ms(wall_ms: int) -> bool:
    """Whether a wall part is a date an op can have been made on (2000 to the end of 9999)."""
    return EARLIEST_MS <= wall_ms <= LATEST_MS


def _parts(text: str) -> tuple[str, str]:
    """The wall and counter digits of an encoded clock value, or ``ValueError``."""
    wall, _, counter = text.partition(":")
    if len(wall) != _WALL_DIGITS or len(counter) != _COUNTER_DIGITS or not (wall + counter).isdigit():
        raise ValueError(f"not a hybrid logical clock timestamp: {text!r}")
    return wall, counter


def adoptable_ceiling(wall_ms: int) -> str:
    """The largest encoded clock value this laptop adopts when its wall clock reads ``wall_ms``:
    ``Op.hlc <= adoptable_ceiling(...)`` in SQL picks the ops that are not beyond the bound."""
    return Hlc(wall_ms + MAX_AHEAD_MS, 10 ** _COUNTER_DIGITS - 1).encode()


@dataclass(frozen=True, order=True)
class Hlc:
    wall_ms: int
    counter: int

    def encode(self) -> str:
        return f"{self.wall_ms:0{_WALL_DIGITS}d}:{self.counter:0{_COUNTER_DIGITS}d}"

    @classmethod
    def parse(cls, text: str) -> Hlc:
        wall, counter = _parts(text)
        return cls(int(wall), int(counter))

    @staticmethod
    def wall_of(text: str) -> int:
        """``parse(text).wall_ms``, checked as ``parse`` checks, without making the value: once per op
        of a pull, for its time (issue 22)."""
        return int(_parts(text)[0])

    @property
    def is_date(self) -> bool:
        """Whether the wall part is a date an op can have been made on (``is_date_ms``)."""
        return is_date_ms(self.wall_ms)

    @property
    def at(self) -> dt.datetime:
        """The wall part as a date-time; never raises (``datetime_of_ms``). Orders, but is not when
        an edit was made: that is the op's own ``wall``."""
        return datetime_of_ms(self.wall_ms)


#: Built once: read before every save (``store.oplog``'s statements say why).
#: Run by the driver (``store.driver``: a clock value is plain text), at every save.
_NEWEST = "SELECT max(hlc) FROM ops"


def newest_adoptable(session: Session, wall_ms: int) -> Hlc | None:
    """The newest clock value in the local log that this laptop's clock may adopt when its wall
    clock reads ``wall_ms``: what ``Store.write`` observes before stamping a local edit, and where a
    store's clock starts. That is this laptop's own ops (written by any program on this data
    folder) and every op not beyond the bound, never an op an officer accepted from a laptop whose
    clock is far ahead (``sync.held``). One indexed look-up when nothing is beyond the bound."""
    newest = driver_rows(session.connection(), _NEWEST)[0][0]
    if newest is None:
        return None
    ceiling = adoptable_ceiling(wall_ms)
    if newest <= ceiling:
        return Hlc.parse(newest)
    within = session.scalar(select(Op.hlc).where(Op.hlc <= ceiling).order_by(Op.hlc.desc()).limit(1))
    own = session.scalar(select(Op.hlc).where(Op.received_from.is_(None)).order_by(Op.hlc.desc()).limit(1))
    best = max((value for value in (within, own) if value), default=None)
    return Hlc.parse(best) if best else None


class HybridClock:
    """One per open store. ``now()`` for a local change, ``observe()`` when ops arrive from elsewhere.

    ``last`` (where the clock starts) is taken as it is: it must be this laptop's own newest value
    or one it may adopt, never an op an officer accepted from a laptop far ahead (read it from this
    laptop's own ops and the ops at most ``adoptable_ceiling``)."""

    def __init__(self, last: Hlc | None = None, wall: Callable[[], int] | None = None) -> None:
        self._last = last or Hlc(0, 0)
        self._wall = wall or Clock().wall_ms  # the workspace passes its clock's
        self._lock = threading.Lock()  # the window saves answers while a sync runs in a worker thread

    @property
    def last(self) -> Hlc:
        return self._last

    def now(self) -> Hlc:
        with self._lock:
            return self._now()

    def stamps(self, count: int) -> list[str]:
        """``count`` consecutive values, encoded: what ``count`` calls of ``now()`` would give, for
        a bulk write (one look at the wall clock, then the counter)."""
        if count <= 0:
            return []
        with self._lock:
            first = self._now()
            wall, counter = first.wall_ms, first.counter
            limit = 10 ** _COUNTER_DIGITS
            values: list[str] = []
            left = count
            while left:
                run = min(left, limit - counter)
                # each value as ``encode`` writes it: the wall clock's digits, then the counter's
                each = f"{wall:0{_WALL_DIGITS}d}:%0{_COUNTER_DIGITS}d"
                values.extend(map(each.__mod__, range(counter, counter + run)))
                left -= run
                counter += run
                if left:  # as ``_tick``: the counter is full, borrow a millisecond
                    wall, counter = wall + 1, 0
            self._last = Hlc(wall, counter - 1)
            return values

    def observe(self, remote: Hlc) -> Hlc:
        """Move past a value seen elsewhere (adopt it). Never hand it a value from another laptop
        that is beyond the bound (``beyond_bound``): the merge holds those ops and leaves them out
        of ``Applied.max_hlc``, and an op an officer accepted is applied without being adopted
        (module docstring)."""
        with self._lock:
            return self._observe(remote)

    def _now(self) -> Hlc:
        wall = self._wall()
        if wall > self._last.wall_ms:
            self._last = Hlc(wall, 0)
        else:
            self._last = self._tick(self._last.wall_ms, self._last.counter + 1)
        return self._last

    @staticmethod
    def _tick(wall_ms: int, counter: int) -> Hlc:
        """The counter has five digits in the encoding; past that, borrow a millisecond (still later
        than everything seen, so the order stays right)."""
        if counter >= 10 ** _COUNTER_DIGITS:
            return Hlc(wall_ms + 1, 0)
        return Hlc(wall_ms, counter)

    def _observe(self, remote: Hlc) -> Hlc:
        wall = self._wall()
        top = max(wall, self._last.wall_ms, remote.wall_ms)
        if top == self._last.wall_ms == remote.wall_ms:
            counter = max(self._last.counter, remote.counter) + 1
        elif top == self._last.wall_ms:
            counter = self._last.counter + 1
        elif top == remote.wall_ms:
            counter = remote.counter + 1
        else:
            counter = 0
        self._last = self._tick(top, counter)
        return self._last
