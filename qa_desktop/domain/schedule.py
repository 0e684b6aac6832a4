"""When a setting's next QA visit or a provider's next compliance review is due, and whether it is late.

Sources in the framework (Section 11):
- Figure 2, visit frequency per service type ("Yearly or, If a Quality Concern or Safeguarding
  Matter is raised"). Only the six service types Section 11 says QA visits are listed; others
  (fostering agencies, floating support, activity provisions, secure units, short breaks, bespoke)
  have no routine QA visit: "Medway Councils Quality Assurance Team do not visit Foster Carer Homes".
- Figure 1, review frequency (see ``compliance``).
- "A Quality Assurance Visit is required prior to a child or young person being placed" and, if
  there was no time, "complete a visit within 24-48 hours of the placement commencing"; the same
  for compliance reviews. The 24 hours is the aim, 48 hours the deadline we hold providers to.
- A concern or safeguarding matter raised since the last visit makes a visit due at once.

Everything takes ``today`` explicitly: the rules are tested on boundary dates, not on the clock.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from qa_desktop.domain.compliance import compliance_requirement
from qa_desktop.domain.periods import ONE_YEAR, THREE_MONTHS, THREE_YEARS, TWO_YEARS, Period
from qa_desktop.domain.service_types import ServiceType

#: Figure 2: Standard Visit Frequency.
FIGURE_2: dict[ServiceType, Period] = {
    ServiceType.SUPPORTED_ACCOMMODATION: ONE_YEAR,
    ServiceType.RESIDENTIAL: THREE_YEARS,
    ServiceType.INTERNAL_RESIDENTIAL: ONE_YEAR,
    ServiceType.RESIDENTIAL_SCHOOL: THREE_YEARS,
    ServiceType.PARENT_AND_CHILD: TWO_YEARS,
    ServiceType.UNREGULATED: THREE_MONTHS,
}

#: Section 11: the deadline after a placement starts before a visit or review could be done.
AFTER_PLACEMENT_AIM = dt.timedelta(hours=24)
AFTER_PLACEMENT_DEADLINE = dt.timedelta(hours=48)

#: How far ahead "due soon" looks, so officers can plan the month.
DUE_SOON_DAYS = 30


class DueStatus(enum.StrEnum):
    OVERDUE = "overdue"
    DUE = "due"  # due today, within DUE_SOON_DAYS, or needed before a child is placed
    SCHEDULED = "scheduled"
    NOT_REQUIRED = "not required"


class DueKind(enum.StrEnum):
    VISIT = "QA visit"
    REVIEW = "compliance review"


@dataclass(frozen=True)
class Due:
    """The answer to "when is it next due?".

    ``due_on`` is None when no date applies: not required for this service type, or required
    before the first child is placed (there is no date, only a condition).
    """

    kind: DueKind
    status: DueStatus
    due_on: dt.date | None
    reason: str

    @property
    def is_overdue(self) -> bool:
        return self.status is DueStatus.OVERDUE

    def days_overdue(self, today: dt.date) -> int:
        return max(0, (today - self.due_on).days) if self.due_on else 0


def visit_frequency(service_type: ServiceType) -> Period | None:
    return FIGURE_2.get(service_type)


def review_frequency(service_type: ServiceType) -> Period | None:
    requirement = compliance_requirement(service_type)
    return requirement.frequency if requirement else None


def next_visit_due(service_type: ServiceType, last_visit: dt.date | None, today: dt.date, *,
                   placement_starts: Iterable[dt.datetime] = (), concern_raised_on: dt.date | None = None) -> Due:
    """When the next QA visit to a setting is due (Figure 2 and Section 11)."""
    return _next_due(DueKind.VISIT, visit_frequency(service_type), "Figure 2", service_type,
                     last_visit, today, placement_starts, concern_raised_on)


def next_review_due(service_type: ServiceType, last_review: dt.date | None, today: dt.date, *,
                    placement_starts: Iterable[dt.datetime] = (), concern_raised_on: dt.date | None = None) -> Due:
    """When the next compliance review of a provider is due (Figure 1 and Section 11)."""
    return _next_due(DueKind.REVIEW, review_frequency(service_type), "Figure 1", service_type,
                     last_review, today, placement_starts, concern_raised_on)


def after_placement_deadline(placement_start: dt.datetime) -> dt.datetime:
    """Section 11: the latest moment a visit or review may follow a placement it could not precede."""
    return placement_start + AFTER_PLACEMENT_DEADLINE


def _next_due(kind: DueKind, frequency: Period | None, figure: str, service_type: ServiceType,
              last: dt.date | None, today: dt.date, placement_starts: Iterable[dt.datetime],
              concern_raised_on: dt.date | None) -> Due:
    if frequency is None:
        return Due(kind, DueStatus.NOT_REQUIRED, None,
                   f"{figure} sets no routine {kind} for {service_type.label}")
    candidates: list[tuple[dt.date, str]] = []
    if last is None:
        starts = sorted(placement_starts)
        if starts:
            deadline = after_placement_deadline(starts[0])
            candidates.append((deadline.date(),
                               (f"placement started {starts[0]:%d/%m/%Y %H:%M} with no {kind} first: "
                                f"due within 24-48 hours (Section 11)")))
    else:
        candidates.append((frequency.after(last),
                           f"last {kind} {last:%d/%m/%Y}; {figure}: {frequency} for {service_type.label}"))
    if concern_raised_on is not None and (last is None or concern_raised_on > last):
        candidates.append((concern_raised_on,
                           f"quality concern or safeguarding matter raised {concern_raised_on:%d/%m/%Y} ({figure})"))
    if not candidates:
        return Due(kind, DueStatus.DUE, None,
                   f"no {kind} on record: required before a child or young person is placed (Section 11)")
    due_on, reason = min(candidates)
    if today > due_on:
        status = DueStatus.OVERDUE
    elif (due_on - today).days <= DUE_SOON_DAYS:
        status = DueStatus.DUE
    else:
        status = DueStatus.SCHEDULED
    return Due(kind, status, due_on, reason)
