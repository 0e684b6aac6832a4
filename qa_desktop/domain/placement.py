"""What a placement check says (``services.placement_check`` works it out): each matter QA holds on
a provider, weighed as stopping a placement, a concern, or checked and in order; and the one
sentence a placing social worker reads first. Plain data, so the window, the command line and the
one-page PDF for the Access to Resources team (``reports.placement_check``) say the same.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from qa_desktop.domain.compliance import EXPIRY_NOTICE_DAYS, minimum_check_of

NOTHING_RECORDED = "Nothing recorded against this provider"


class Weight(enum.StrEnum):
    """How much a matter weighs: it stops a placement without the senior manager's agreement
    (an embargo, a suspended or ended registration), it is a concern to weigh and share, or it
    was checked and is in order."""

    STOP = "stop"
    CONCERN = "concern"
    CHECKED = "checked"

    @property
    def label(self) -> str:
        return {"stop": "STOP", "concern": "CONCERN", "checked": "Checked"}[self.value]


@dataclass(frozen=True)
class CheckLine:
    topic: str
    weight: Weight
    words: str


@dataclass(frozen=True)
class PlacementCheck:
    provider_id: str
    provider: str
    urn: str
    service_type: str
    regulator: str
    owner: str
    address: str
    checked_on: dt.date
    checked_by: str
    lines: tuple[CheckLine, ...]  # stops first, then concerns, then what was checked

    @property
    def stops(self) -> tuple[CheckLine, ...]:
        return tuple(line for line in self.lines if line.weight is Weight.STOP)

    @property
    def concerns(self) -> tuple[CheckLine, ...]:
        return tuple(line for line in self.lines if line.weight is Weight.CONCERN)

    @property
    def nothing_recorded(self) -> bool:
        return not self.stops and not self.concerns

    @property
    def headline(self) -> str:
        if self.nothing_recorded:
            return f"{NOTHING_RECORDED}."
        parts = []
        if self.stops:
            parts.append(f"{len(self.stops)} matter(s) that stop a placement without the senior manager's agreement")
        if self.concerns:
            parts.append(f"{len(self.concerns)} concern(s) to weigh and share with the social work team")
        return "; ".join(parts) + "."

    def as_text(self) -> str:
        """The check as plain text (the CLI prints it; the window and the PDF show the same)."""
        lines = [f"Placement check: {self.provider}" + (f" (URN {self.urn})" if self.urn else ""),
                 f"{self.service_type} · {self.regulator} · {self.owner}".strip(" ·"),
                 f"Checked {self.checked_on:%d/%m/%Y} by {self.checked_by}", "", self.headline, ""]
        for line in self.lines:
            lines.append(f"{line.weight.label:8s} {line.topic}: {line.words}")
        return "\n".join(lines)


def document_lines(expiries: Iterable[tuple[str, dt.date]], today: dt.date) -> list[CheckLine]:
    """The essential documents of the latest compliance reviews that run out, weighed (``expiries``:
    each document's label and expiry as the latest completed review recorded it).

    - Expired, and one of Section 11's minimum urgent checks (health and safety documents, staff
      training, insurance): STOP. The framework has QA "as a minimum" review these before a child
      or young person accesses a service; with one out of date that minimum is not met, so the
      placement waits for the renewed document (or the senior manager's agreement).
    - Expired, any other Figure 1 document: CONCERN (ask the provider for the renewed document).
    - Running out within ``EXPIRY_NOTICE_DAYS`` (today included): CONCERN, the renewal asked for first.
    - Otherwise one Checked line saying what was looked at.
    """
    found: list[CheckLine] = []
    later: list[tuple[dt.date, str]] = []
    for label, expires in sorted(expiries, key=lambda pair: (pair[1], pair[0].casefold())):
        minimum = minimum_check_of(label)
        if expires < today:
            if minimum:
                found.append(CheckLine("Documents", Weight.STOP,
                                       f"{label} expired {expires:%d/%m/%Y}: part of the minimum QA must review "
                                       f"before a placement ({minimum}, Section 11); do not place until the renewed "
                                       "document is seen."))
            else:
                found.append(CheckLine("Documents", Weight.CONCERN,
                                       f"{label} expired {expires:%d/%m/%Y} (Figure 1): ask the provider for the "
                                       "renewed document."))
        elif (expires - today).days <= EXPIRY_NOTICE_DAYS:
            days = (expires - today).days
            when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            found.append(CheckLine("Documents", Weight.CONCERN,
                                   f"{label} expires {expires:%d/%m/%Y} ({when}): ask the provider for the renewal "
                                   "before placing" + (f" ({minimum}, Section 11)." if minimum else ".")))
        else:
            later.append((expires, label))
    if not found:
        found.append(CheckLine("Documents", Weight.CHECKED,
                               f"None expired or running out within {EXPIRY_NOTICE_DAYS} days"
                               + (f"; the next to run out: {later[0][1]}, {later[0][0]:%d/%m/%Y}." if later
                                  else " (no expiry dates recorded at the reviews).")))
    return found
