"""How the commands of ``qa-desktop`` lay out text, and read the dates typed to them: one module
every command file imports, so ``cli`` and the command groups it registers (``cli_sync``,
``cli_oversight``) never import each other."""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any, TextIO

from qa_desktop.safe_text import terminal_text


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns as wide as their widest cell, a rule under the headings, no trailing spaces."""
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=False)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() for row in rows]
    return "\n".join(lines)


class TerminalSafe(io.TextIOBase):
    """A stream that prints data safely: control characters in what is written (a provider named
    ``\\x1b[2J…`` in an imported file) come out as visible escapes, never as commands to the terminal
    (``safe_text.terminal_text``). A write that begins with a carriage return (a progress line that
    rewrites itself) keeps it. ``qa-desktop`` writes through one for stdout and one for stderr."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        lead = "\r" if text.startswith("\r") else ""
        self._stream.write(lead + terminal_text(text[len(lead):]))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")


# -- dates typed ------------------------------------------------------------------------------------

#: A day as written in England (day, month, year, one separator throughout: 5/1/2027, 05.01.2027,
#: 5-1-2027; a two-digit year after "/" or "." only, as "27-01-05" reads as ISO's 2027-01-05 to some)
#: or as ISO 8601 (2027-01-05).
_ENGLISH = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})|(\d{1,2})(-)(\d{1,2})-(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")
DAY_FORMS = "DD/MM/YYYY (e.g. 05/01/2027) or YYYY-MM-DD"
MOMENT_FORMS = "'DD/MM/YYYY HH:MM' or 'YYYY-MM-DD HH:MM'"


def _day_of(text: str, what: str) -> dt.date:
    english, iso = _ENGLISH.fullmatch(text), _ISO.fullmatch(text)
    if english:
        parts = english.groups()
        day_text, month_text, year_text = (parts[0], parts[2], parts[3]) if parts[0] else (parts[4], parts[6], parts[7])
        day, month, year = int(day_text), int(month_text), int(year_text)
        year += 2000 if len(year_text) == 2 else 0  # 5/1/27: this century's, as the window has it
    elif iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        raise ValueError(f"{what}: {text!r} is not a date; type it as {DAY_FORMS}.")
    if not 1 <= year <= 9999:
        raise ValueError(f"{what}: {text!r} is not a date: there is no year {year}; type it as {DAY_FORMS}.")
    if not 1 <= month <= 12:
        raise ValueError(f"{what}: {text!r} is not a date: there is no month {month}; type it as {DAY_FORMS}.")
    length = calendar.monthrange(year, month)[1]
    if not 1 <= day <= length:  # 31/11 is refused in words, never cut to the 30th
        raise ValueError(f"{what}: {text!r} is not a date: {calendar.month_name[month]} {year} has {length} days.")
    return dt.date(year, month, day)


def parse_day(text: str, what: str = "Date") -> dt.date:
    """The day typed to a command, as an officer writes it (day first) or as ISO 8601. A day its month
    cannot have, or a month that is not one, is refused in one sentence saying so (``ValueError``),
    as the window's date fields refuse it (``ui.typed_dates``); nothing is guessed."""
    return _day_of(text.strip(), what)


def parse_time(text: str, what: str = "Time") -> dt.time:
    """A time of day typed to a command (14:30, 9.05)."""
    clock = _TIME.fullmatch(text.strip())
    if clock is None or not (0 <= int(clock.group(1)) <= 23 and 0 <= int(clock.group(2)) <= 59):
        raise ValueError(f"{what}: {text!r} is not a time of day; type it as HH:MM (e.g. 09:30).")
    return dt.time(int(clock.group(1)), int(clock.group(2)))


def parse_moment(text: str, what: str = "Date and time") -> dt.datetime:
    """A local day and time of day typed to a command ("15/12/2026 14:30", "2026-12-15 14:30",
    "2026-12-15T14:30"), as an aware datetime in this laptop's time zone; an offset typed is kept.
    A day alone is refused (taken as midnight, a placement's start or end would be hours out)."""
    typed = text.strip()
    day_text, _, time_text = typed.replace("T", " ", 1).partition(" ")
    if not time_text.strip():
        _day_of(day_text, what)  # a day its month cannot have is said first
        raise ValueError(f"{what}: {text!r} has no time of day; type it as {MOMENT_FORMS}.")
    if _ENGLISH.fullmatch(day_text) or not _ISO.fullmatch(day_text):
        try:
            clock = parse_time(time_text, what)
        except ValueError:
            _day_of(day_text, what)
            raise ValueError(f"{what}: {text!r} is not a date and time; type it as {MOMENT_FORMS}.") from None
        return dt.datetime.combine(_day_of(day_text, what), clock).astimezone()
    _day_of(day_text, what)
    try:
        moment = dt.datetime.fromisoformat(typed.replace(" ", "T", 1))  # seconds, an offset, "Z"
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not a date and time; type it as {MOMENT_FORMS}.") from None
    return moment if moment.tzinfo else moment.astimezone()
