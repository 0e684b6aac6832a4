"""Calendar periods ("every 2 years", "3 monthly") as the framework states them.

The framework counts in calendar months and years, not in days: a home visited on 31 January
with a 3-monthly cycle is next due on 30 April, not 91 days later. ``add_months`` clamps to the end
of a shorter month so that 29 February plus a year is 28 February.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by a whole number of calendar months, clamped to the target month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Period:
    """A repeat interval in whole months (years are 12 months), with the framework's wording."""

    months: int
    wording: str

    def after(self, day: dt.date) -> dt.date:
        return add_months(day, self.months)

    def __str__(self) -> str:
        return self.wording


THREE_MONTHS = Period(3, "3 monthly")
SIX_MONTHS = Period(6, "every 6 months")
ONE_YEAR = Period(12, "yearly")
TWO_YEARS = Period(24, "every 2 years")
THREE_YEARS = Period(36, "every 3 years")
