"""Figure 8: timescales for action plan completion, by concern level.

    LOW 2-4 Weeks | MEDIUM 1-2 Weeks | HIGH 24-48 Hours | SIGNIFICANT Immediately

The framework gives a window, not a date. The due date recorded on an action is the end of the
window (the latest the provider may take); ``ActionTimescale.earliest`` is the start, for an
officer who wants to set a tighter date inside the window. "Immediately" is due the moment the
action is raised.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # framework.py builds the built-in MEDWAY from FIGURE_8
    from qa_desktop.domain.framework import Framework


class ConcernLevel(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    SIGNIFICANT = "significant"

    @property
    def label(self) -> str:
        return self.value.upper()


@dataclass(frozen=True)
class ActionTimescale:
    shortest: dt.timedelta
    longest: dt.timedelta
    wording: str

    def earliest(self, raised_at: dt.datetime) -> dt.datetime:
        return raised_at + self.shortest

    def due(self, raised_at: dt.datetime) -> dt.datetime:
        return raised_at + self.longest


FIGURE_8: dict[ConcernLevel, ActionTimescale] = {
    ConcernLevel.LOW: ActionTimescale(dt.timedelta(weeks=2), dt.timedelta(weeks=4), "2-4 weeks"),
    ConcernLevel.MEDIUM: ActionTimescale(dt.timedelta(weeks=1), dt.timedelta(weeks=2), "1-2 weeks"),
    ConcernLevel.HIGH: ActionTimescale(dt.timedelta(hours=24), dt.timedelta(hours=48), "24-48 hours"),
    ConcernLevel.SIGNIFICANT: ActionTimescale(dt.timedelta(0), dt.timedelta(0), "immediately"),
}


def timescale(level: ConcernLevel, figures: Framework | None = None) -> ActionTimescale:
    """Figure 8's window for a concern level: the council's (``figures``), else Medway's built-in one."""
    return figures.timescale(level) if figures is not None else FIGURE_8[level]


def action_due(level: ConcernLevel, raised_at: dt.datetime, figures: Framework | None = None) -> dt.datetime:
    """The due date and time of an action raised at ``raised_at`` (end of Figure 8's window)."""
    return timescale(level, figures).due(raised_at)


def is_action_overdue(level: ConcernLevel, raised_at: dt.datetime, now: dt.datetime,
                      figures: Framework | None = None) -> bool:
    return now > action_due(level, raised_at, figures)
