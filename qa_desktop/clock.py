"""The one clock: every "now" and "today" in QA Desktop comes from here.

What is due, overdue or past retention, the dates a form offers, the time an edit is stamped with
and the hybrid logical clock of sync all read a ``Clock``, held by the workspace (and its store),
never ``datetime.now()`` or ``date.today()`` directly. So tests can set the day (a visit due in
2030 is tested in 2030, not whenever the suite happens to run), and nothing depends on the
calendar of the machine that runs them.

A clock is the machine's wall clock moved by a fixed offset: ``Clock()`` is the machine's own time;
``Clock.starting_at(when)`` reads ``when`` now and moves on from there at the real pace, so ops
stamped one after another are still ordered, as they are on a laptop.

``QA_DESKTOP_CLOCK_START`` (an ISO date-time with a zone, or a date) starts every clock of a
process there: the tests set it once, so a command run in a subprocess agrees with the test
that runs it; a trainer can also rehearse "what will be due on 1 April" with it. It is a
starting point, not a frozen time.

"today" is the laptop's local calendar day (an officer in Kent at 00:30 BST is on the new day
although UTC is not), "now" is aware UTC.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import threading
import time
from pathlib import Path

ENVIRONMENT_VARIABLE = "QA_DESKTOP_CLOCK_START"


def _parse_start(text: str) -> dt.datetime:
    """An ISO date-time with a zone, or a date (taken as 10:00 UTC that day)."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time(10, 0), dt.UTC)
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{ENVIRONMENT_VARIABLE}={text!r} is not a date (YYYY-MM-DD) or an ISO date-time") from None
    if when.tzinfo is None:
        raise ValueError(f"{ENVIRONMENT_VARIABLE}={text!r} needs a time zone (e.g. +00:00)")
    return when.astimezone(dt.UTC)


class Clock:
    """The time as QA Desktop sees it. Safe to read from any thread."""

    def __init__(self, offset: dt.timedelta = dt.timedelta(0)) -> None:
        self._offset = offset
        self._lock = threading.Lock()

    @classmethod
    def starting_at(cls, when: dt.datetime) -> Clock:
        """A clock that reads ``when`` now and runs on from there."""
        if when.tzinfo is None:
            raise ValueError("a clock's start needs a time zone")
        return cls(when - dt.datetime.now(dt.UTC))

    @classmethod
    def from_environment(cls) -> Clock:
        """The machine's clock, or one started at ``QA_DESKTOP_CLOCK_START`` where that is set."""
        start = os.environ.get(ENVIRONMENT_VARIABLE)
        return cls.starting_at(_parse_start(start)) if start else cls()

    def now(self) -> dt.datetime:
        """Now, as an aware UTC date-time."""
        with self._lock:
            offset = self._offset
        return dt.datetime.now(dt.UTC) + offset

    def local_now(self) -> dt.datetime:
        """Now in the laptop's own time zone (for what is shown to people and file names)."""
        return self.now().astimezone()

    def today(self) -> dt.date:
        """The laptop's local calendar day."""
        return self.local_now().date()

    def wall_ms(self) -> int:
        """Milliseconds since the epoch: the physical part of the hybrid logical clock."""
        return int(self.now().timestamp() * 1000)

    def set(self, when: dt.datetime) -> None:
        """Move this clock so that it reads ``when`` now (tests; a rehearsal of another day)."""
        if when.tzinfo is None:
            raise ValueError("a clock's time needs a time zone")
        with self._lock:
            self._offset = when - dt.datetime.now(dt.UTC)

    def advance(self, by: dt.timedelta) -> None:
        with self._lock:
            self._offset += by


def file_system_now(folder: Path) -> float:
    """The time as the file system holding ``folder`` stamps a file written now: the modification
    time of an empty file made there and removed at once.

    Why not ``time.time()``: a file's modification time is stamped by whatever keeps the file (a
    network drive's server, a sync client, this machine), and a process's idea of the time can be
    off from it (a shared W: drive whose server's clock differs from the laptop's; a process whose
    clock is moved, as CI does with faketime). Ages are only meaningful on one clock. When the
    folder cannot be written to, the machine's time is the best there is.
    """
    try:
        handle, name = tempfile.mkstemp(prefix=".now-", dir=folder)
    except OSError:
        return time.time()
    try:
        os.close(handle)
        return os.stat(name).st_mtime
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


def file_age_seconds(path: Path, now: float | None = None) -> float:
    """How long ago a file was last written, by the file system's own clock (which stamped it).

    Deliberately not ``Clock``: a file's modification time comes from the file system, so its age
    is measured against that file system's time now (``file_system_now``, or ``now`` read from it
    once for many files), whatever day the workspace's clock or the process's clock says it is.
    """
    stamped_now = file_system_now(path.parent) if now is None else now
    return stamped_now - path.stat().st_mtime
