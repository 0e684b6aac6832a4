"""Hybrid logical clock (Kulkarni et al., 2014): wall-clock time where clocks agree, a counter
where they do not, so every op has a timestamp later than every op its device has seen.

Encoded as fixed-width text ("0001764000000000:00000"), so the database and the shared stores
order ops by plain string comparison. Ties between devices are broken by ``device_id`` by the
caller (DESIGN.md: last writer wins per field by ``(hlc, device_id)``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from qa_desktop.clock import Clock

_WALL_DIGITS = 16
_COUNTER_DIGITS = 5


@dataclass(frozen=True, order=True)
class Hlc:
    wall_ms: int
    counter: int

    def encode(self) -> str:
        return f"{self.wall_ms:0{_WALL_DIGITS}d}:{self.counter:0{_COUNTER_DIGITS}d}"

    @classmethod
    def parse(cls, text: str) -> Hlc:
        wall, _, counter = text.partition(":")
        if len(wall) != _WALL_DIGITS or len(counter) != _COUNTER_DIGITS or not (wall + counter).isdigit():
            raise ValueError(f"not a hybrid logical clock timestamp: {text!r}")
        return cls(int(wall), int(counter))


class HybridClock:
    """One per open store. ``now()`` for a local change, ``observe()`` when ops arrive from elsewhere."""

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

    def observe(self, remote: Hlc) -> Hlc:
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
