"""The tracker's annual figures as plain data: what the window draws, the committee's PDF prints
and the workbook's Figures sheet holds, from one computation (``services.annual_figures``).

Section 11: "The tracker is refreshed yearly ... The previous years data is also inputted into the
new tracker so we can compare activity and inform senior management of any changes to the
landscape." So every count comes with the previous year's beside it, and the change.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa_desktop.domain.reporting_year import ReportingYear, Span
from qa_desktop.domain.timescales import ConcernLevel


@dataclass(frozen=True)
class Count:
    """One figure: this year's, the previous year's, and the change between them."""

    label: str
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def change_words(self) -> str:
        """"+12 (+8%)", "-3 (-50%)", "no change", or "+4 (none the year before)"."""
        if self.change == 0:
            return "no change"
        sign = "+" if self.change > 0 else "-"
        if self.previous == 0:
            return f"{sign}{abs(self.change)} (none the year before)"
        return f"{sign}{abs(self.change)} ({sign}{abs(self.change) * 100 / self.previous:.0f}%)"


@dataclass(frozen=True)
class Breakdown:
    """A figure broken down (QA cases by source, meetings by kind ...), with its total."""

    key: str
    title: str
    rows: tuple[Count, ...]
    total: Count | None = None
    note: str = ""


@dataclass(frozen=True)
class LevelActions:
    """Actions raised in the year at one Figure 8 level, and how they were completed.

    On time means completed by the due date in force (an extension agreed by the QA team moves it,
    Section 12); ``overdue`` are those still open past it now."""

    level: ConcernLevel
    raised: int
    completed: int
    on_time: int
    overdue: int

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.completed if self.completed else None


@dataclass(frozen=True)
class ActionFigures:
    """Figure 8, per level, for the year and the previous one."""

    current: tuple[LevelActions, ...]
    previous: tuple[LevelActions, ...]

    def count(self, what: str) -> Count:
        """The total of one column (``raised``, ``completed``, ``on_time``, ``overdue``) across levels."""
        return Count(what, sum(getattr(a, what) for a in self.current), sum(getattr(a, what) for a in self.previous))


@dataclass(frozen=True)
class AnnualFigures:
    """Everything the tracker counts for one year, beside the year before."""

    year: ReportingYear
    span: Span
    previous_span: Span
    to_date: bool
    headline: tuple[Count, ...]
    breakdowns: tuple[Breakdown, ...]
    actions: ActionFigures

    def breakdown(self, key: str) -> Breakdown:
        for found in self.breakdowns:
            if found.key == key:
                return found
        raise KeyError(key)

    def headline_count(self, label: str) -> Count:
        for found in self.headline:
            if found.label == label:
                return found
        raise KeyError(label)
