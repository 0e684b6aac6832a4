"""What a placement check says (``services.placement_check`` works it out): each matter QA holds on
a provider, weighed as stopping a placement, a concern, or checked and in order; and the one
sentence a placing social worker reads first. Plain data, so the window, the command line and the
one-page PDF for the Access to Resources team (``reports.placement_check``) say the same.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

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


