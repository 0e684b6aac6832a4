"""The years the tracker's figures are counted in: calendar years (the scrutiny report's "QA cases
dealt with annually (calendar year)") and the council's financial years (1 April to 31 March, as
in "4205.85 miles April 2024 - March 2025").

A year still in progress is counted *to date*, and its previous year over the same stretch (to the
same day and month a year earlier), so the change compares like with like: the scrutiny report's
"2025 (January - April)" set beside whole years reads as a fall that is not one.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass


class YearKind(enum.StrEnum):
    CALENDAR = "calendar"
    FINANCIAL = "financial"

    @property
    def label(self) -> str:
        return "Calendar year" if self is YearKind.CALENDAR else "Financial year (April to March)"


def _same_day(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


@dataclass(frozen=True)
class ReportingYear:
    """A calendar year, or the financial year starting 1 April of ``start_year``."""

    kind: YearKind
    start_year: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, 1 if self.kind is YearKind.CALENDAR else 4, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the year (inclusive)."""
        if self.kind is YearKind.CALENDAR:
            return dt.date(self.start_year, 12, 31)
        return dt.date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        if self.kind is YearKind.CALENDAR:
            return str(self.start_year)
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def previous(self) -> ReportingYear:
        return ReportingYear(self.kind, self.start_year - 1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def of(cls, kind: YearKind, day: dt.date) -> ReportingYear:
        """The year of ``kind`` that ``day`` falls in."""
        if kind is YearKind.CALENDAR or day.month >= 4:
            return cls(kind, day.year)
        return cls(kind, day.year - 1)

    @classmethod
    def parse(cls, text: str, kind: YearKind | None = None) -> ReportingYear:
        """``2025`` (calendar, unless ``kind`` says financial), ``2025-26`` or ``FY2025`` (financial)."""
        cleaned = text.strip().upper().replace("/", "-").replace("\u2013", "-")
        financial = re.fullmatch(r"(?:FY)?\s*(\d{4})-(\d{2}|\d{4})", cleaned)
        if financial:
            start, end = int(financial.group(1)), int(financial.group(2))
            if end % 100 != (start + 1) % 100:
                raise ValueError(f"{text!r} is not a financial year: the second year must follow the first "
                                 "(such as 2025-26).")
            return cls(YearKind.FINANCIAL, start)
        plain = re.fullmatch(r"(FY)?\s*(\d{4})", cleaned)
        if plain and 1990 <= int(plain.group(2)) <= 2200:
            chosen = YearKind.FINANCIAL if plain.group(1) else (kind or YearKind.CALENDAR)
            return cls(chosen, int(plain.group(2)))
        raise ValueError(f"{text!r} is not a year: write 2025 for a calendar year, or 2025-26 for a financial year.")


@dataclass(frozen=True)
class Span:
    """The days a figure counts: ``first`` to ``last`` inclusive, and how to name them."""

    first: dt.date
    last: dt.date
    label: str

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.first <= day <= self.last


def spans(year: ReportingYear, today: dt.date) -> tuple[Span, Span, bool]:
    """The span of ``year`` and of its previous year to compare it with, and whether ``year`` is
    counted to date (still in progress on ``today``): then both stop at the same day and month."""
    previous = year.previous
    if year.contains(today):
        last = _same_day(today, today.year - 1)
        return (Span(year.start, today, f"{year.label} to {today:%d %b}"),
                Span(previous.start, last, f"{previous.label} to {last:%d %b}"), True)
    return Span(year.start, year.end, year.label), Span(previous.start, previous.end, previous.label), False
