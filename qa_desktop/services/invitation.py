"""A calendar invitation (iCalendar, RFC 5545) for a planned visit, written with the standard
library only, that Outlook (and any calendar) opens as an appointment.

What Outlook needs and what this does:
- ``METHOD:PUBLISH``: an appointment to put in one's own calendar. (A ``REQUEST`` needs an
  organiser and attendees with email addresses; officers are names here, and an unannounced visit
  must never be sent to anyone outside the team.)
- one ``VEVENT`` with a stable ``UID`` (the visit's id), so opening the file again after the visit
  is moved updates the appointment rather than adding a second; ``SEQUENCE`` grows with each change.
- times in UTC (``...Z``), so no time zone definition is needed and summer time cannot shift it.
- lines end CRLF and are folded at 75 octets (never inside a UTF-8 character); commas,
  semicolons, backslashes and line breaks in text are escaped.

The description says what the visit is, who goes and its reference; nothing about children.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

PRODUCT = "-//QA Desktop//Visit planning//EN"


@dataclass(frozen=True)
class Appointment:
    uid: str
    summary: str
    location: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    stamp: dt.datetime
    sequence: int = 0
    private: bool = True


def escape_text(text: str) -> str:
    """A TEXT value as RFC 5545 (3.3.11) writes it."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never splitting a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75  # a continuation line starts with one space
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_text(appointments: Sequence[Appointment]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for item in appointments:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.uid}",
            f"SEQUENCE:{item.sequence}",
            f"DTSTAMP:{_utc(item.stamp)}",
            f"DTSTART:{_utc(item.starts_at)}",
            f"DTEND:{_utc(item.ends_at)}",
            f"SUMMARY:{escape_text(item.summary)}",
            f"LOCATION:{escape_text(item.location)}",
            f"DESCRIPTION:{escape_text(item.description)}",
            f"CLASS:{'PRIVATE' if item.private else 'PUBLIC'}",
            "TRANSP:OPAQUE",
            "STATUS:CONFIRMED",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(item.summary)}",
            "TRIGGER:-PT1H",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
