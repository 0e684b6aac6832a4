"""Notes kept from two officers ("Keep both"), each part saying who wrote it and when.

When two officers wrote different notes on the same item without seeing each other's, keeping both
must not read as one officer contradicting themselves. So the kept note is written as parts, each
under a line naming its author and the time they wrote it::

    [Priya Shah, 22 Nov 2026 10:05]
    Two hob rings do not light.

    [Tom Reed, 22 Nov 2026 10:07]
    Cooker checked: all rings light.

The text stays plain (it syncs, prints and exports as any note does), and the screen and the PDF
read the parts back (``split_attributed``) to show each author's name. A note that was already
kept this way keeps its parts when it is joined again: nobody's words are attributed twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

_HEADER = re.compile(r"^\[(?P<who>[^\]\n]+?), (?P<when>\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2})\]$")
_WHEN = "%d %b %Y %H:%M"


@dataclass(frozen=True)
class NotePart:
    """One officer's part of a kept note; ``who`` is None for text that names nobody."""

    who: str | None
    when: str | None
    text: str


def header(who: str, when: dt.datetime) -> str:
    return f"[{who.strip() or 'Unknown officer'}, {when:{_WHEN}}]"


def split_attributed(note: str) -> list[NotePart]:
    """The parts of a note: each under its author's line, and any text before the first line as
    a part of nobody's. A note with no author lines is one such part."""
    parts: list[NotePart] = []
    who: str | None = None
    when: str | None = None
    lines: list[str] = []

    def close() -> None:
        text = "\n".join(lines).strip()
        if text or who is not None:
            parts.append(NotePart(who, when, text))

    for line in note.splitlines():
        found = _HEADER.match(line.strip())
        if found:
            close()
            who, when, lines = found["who"], found["when"], []
        else:
            lines.append(line)
    close()
    return parts


def is_attributed(note: str) -> bool:
    return any(part.who is not None for part in split_attributed(note))


def join_attributed(notes: Iterable[tuple[str, str, dt.datetime]]) -> str:
    """Notes ``(text, who, when)`` kept together, each part under its author: what "Keep both"
    writes. A note already made of attributed parts keeps them as they are; the same part kept
    twice (the same words by the same person) appears once."""
    seen: set[tuple[str | None, str]] = set()
    blocks: list[str] = []
    for text, who, when in notes:
        parts = split_attributed(text)
        if not any(part.who for part in parts):
            parts = [NotePart(who, f"{when:{_WHEN}}", text.strip())]
        for part in parts:
            if (part.who, part.text) in seen or not (part.text or part.who):
                continue
            seen.add((part.who, part.text))
            blocks.append(part.text if part.who is None else f"[{part.who}, {part.when}]\n{part.text}")
    return "\n\n".join(blocks)


def attributed_text(note: str) -> str:
    """A note for print: each officer's part on its own lines, opening with their name and time
    ("Priya Shah (22 Nov 2026 10:05): Two hob rings do not light."); a note of nobody's as it is."""
    parts = split_attributed(note)
    if not any(part.who for part in parts):
        return note
    return "\n".join(f"{part.who} ({part.when}): {part.text}" if part.who else part.text for part in parts)
