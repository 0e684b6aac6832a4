"""When a setting's next QA visit or a provider's next compliance review is due, and whether it is late.

Sources in the framework (Section 11):
- Figure 2, visit frequency per service type ("Yearly or, If a Quality Concern or Safeguarding
  Matter is raised"). Only the service types Section 11 says QA visits have a routine visit:
  "conducting quality assurance visits to all commissioned services that accommodate any children
  or young people". Secure units, short breaks and activity provisions also accommodate children
  but have no routine visit in Figure 2: they are visited when a concern is raised or the team
  plans a visit (``ACCOMMODATES_CHILDREN``). Fostering agencies (and their parent and child
  placements), floating support and bespoke packages are never visited as such: "Medway Councils
  Quality Assurance Team do not visit Foster Carer Homes".
- Figure 1, review frequency (see ``compliance``), with the same "or, If a Quality Concern or
  Safeguarding Matter is raised".
- "A Quality Assurance Visit is required prior to a child or young person being placed", and a
  compliance review "prior to a child or young person accessing that service": a *planned*
  placement makes both due by the day it starts. If there was no time (an *emergency* placement),
  "complete a visit within 24-48 hours of the placement commencing"; the minimum urgent review may
  come first, and the full review must follow "within 24-48 hours of the placement/package
  commencing". The 24 hours is the aim, 48 hours the deadline held to.
- With no review (or visit) on record and no placement, it is required *before* a child is placed:
  a condition, not a date (``DueStatus.BEFORE_PLACEMENT``), so it is not listed as due now: an
  imported national register is not 7,000 reviews due today.
- A concern or safeguarding matter raised since the last review (or visit) makes it due at once.
- Documents with an expiry (insurance, gas and electric certificates) are due for renewal before
  they run out (``document_due``).

Everything takes ``today`` explicitly: the rules are tested on boundary dates, not on the clock.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa_desktop.domain.compliance import EXPIRY_NOTICE_DAYS, compliance_requirement
from qa_desktop.domain.periods import ONE_YEAR, THREE_MONTHS, THREE_YEARS, TWO_YEARS, Period
from qa_desktop.domain.service_types import ServiceType

if TYPE_CHECKING:  # framework.py builds the built-in MEDWAY from this module's tables
    from qa_desktop.domain.framework import Framework

#: Figure 2: Standard Visit Frequency ("Parent and Child Provisions": the two kinds that accommodate).
FIGURE_2: dict[ServiceType, Period] = {
    ServiceType.SUPPORTED_ACCOMMODATION: ONE_YEAR,
    ServiceType.RESIDENTIAL: THREE_YEARS,
    ServiceType.INTERNAL_RESIDENTIAL: ONE_YEAR,
    ServiceType.RESIDENTIAL_SCHOOL: THREE_YEARS,
    ServiceType.PARENT_AND_CHILD: TWO_YEARS,
    ServiceType.PARENT_AND_CHILD_SUPPORTED: TWO_YEARS,
    ServiceType.UNREGULATED: THREE_MONTHS,
}

#: Section 11: QA visits "all commissioned services that accommodate any children or young people".
#: Those without a Figure 2 row (Section 8 calls non-static activity provision high risk) are visited
#: when a concern is raised or the team asks.
VISITED_ON_REQUEST: frozenset[ServiceType] = frozenset({ServiceType.SECURE_UNIT, ServiceType.SHORT_BREAKS,
                                                        ServiceType.ACTIVITY})
ACCOMMODATES_CHILDREN: frozenset[ServiceType] = frozenset(FIGURE_2) | VISITED_ON_REQUEST

#: Kinds the regulator's file brings onto the register that the council does not commission as such
#: (issue 17): mainstream boarding schools and FE colleges with residential accommodation. Nothing is
#: due for one unless the team marks it monitored (``Provider.monitored``, ``domain.monitoring``: a
#: placement there, a contract, or by hand); then it is reviewed and visited as the framework's
#: nearest row, "38 + 52 Week Residential Schools" (Figure 1 and Figure 2): Section 4 names
#: "Residential/Boarding schools", and Section 13 has QA join the education team's "joint visits to
#: Residential/Boarding schools" and quality-assure "the education element of all residential/
#: boarding provisions". An FE college's residences are read the same way (the framework has no row
#: for them): a reading for the team to confirm.
MONITORED_ONLY: dict[ServiceType, ServiceType] = {
    ServiceType.BOARDING_SCHOOL: ServiceType.RESIDENTIAL_SCHOOL,
    ServiceType.FE_COLLEGE_RESIDENTIAL: ServiceType.RESIDENTIAL_SCHOOL,
}


def scheduled_as(service_type: ServiceType, monitored: bool | None, figures: Framework | None = None) -> ServiceType:
    """The service type whose Figure 1 and Figure 2 rows a provider is reviewed and visited by: its
    own, except a boarding school or FE college the team marked monitored (``MONITORED_ONLY``), unless
    the council's own framework (``figures``) gives that kind cycles of its own."""
    if not monitored or service_type not in MONITORED_ONLY:
        return service_type
    if figures is not None and (figures.review_frequency(service_type) or figures.visit_frequency(service_type)):
        return service_type
    return MONITORED_ONLY[service_type]


def not_monitored_due(kind: DueKind, service_type: ServiceType) -> Due:
    """What is due for a boarding school or FE college nobody marked monitored: nothing, said so."""
    return Due(kind, DueStatus.NOT_REQUIRED, None,
               f"{service_type.label}: not monitored by us, so no {kind} is due (mark it monitored if the council "
               "places a child there)")


#: Section 11: the deadline after a placement starts before a visit or review could be done.
AFTER_PLACEMENT_AIM = dt.timedelta(hours=24)
AFTER_PLACEMENT_DEADLINE = dt.timedelta(hours=48)

#: How far ahead "due soon" looks, so officers can plan the month.
DUE_SOON_DAYS = 30


class DueStatus(enum.StrEnum):
    OVERDUE = "overdue"
    DUE = "due"  # due today or within DUE_SOON_DAYS
    SCHEDULED = "scheduled"
    BEFORE_PLACEMENT = "before placement"  # none on record: required before a child is placed (no date)
    NOT_REQUIRED = "not required"


class DueKind(enum.StrEnum):
    VISIT = "QA visit"
    REVIEW = "compliance review"
    DOCUMENT = "document expires"


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


@dataclass(frozen=True)
class PlacementStart:
    """A placement that has not ended, as the 24-48 hour rules see it."""

    started_at: dt.datetime
    planned: bool = False
    reference: str | None = None

    @property
    def words(self) -> str:
        kind = "planned placement" if self.planned else "emergency placement"
        return f"{kind}{' ' + self.reference if self.reference else ''}"


@dataclass(frozen=True)
class Concern:
    """A quality concern or safeguarding matter raised (an open QA case that is one)."""

    raised_on: dt.date
    words: str = "quality concern or safeguarding matter"


def visit_frequency(service_type: ServiceType, figures: Framework | None = None) -> Period | None:
    """Figure 2's routine visit cycle: the council's (``figures``), else Medway's built-in one."""
    if figures is not None:
        return figures.visit_frequency(service_type)
    return FIGURE_2.get(service_type)


def review_frequency(service_type: ServiceType, figures: Framework | None = None) -> Period | None:
    """Figure 1's review cycle: the council's (``figures``), else Medway's built-in one."""
    if figures is not None:
        return figures.review_frequency(service_type)
    requirement = compliance_requirement(service_type)
    return requirement.frequency if requirement else None


def is_visited(service_type: ServiceType, figures: Framework | None = None) -> bool:
    """Whether QA visits this service type at all: every service that accommodates children
    (Section 11), and any other a council's framework gives a routine visit cycle."""
    return service_type in ACCOMMODATES_CHILDREN or visit_frequency(service_type, figures) is not None


def _placements(items: Iterable[PlacementStart | dt.datetime]) -> list[PlacementStart]:
    """Placements given as ``PlacementStart`` or as bare start times (taken as emergencies)."""
    return sorted((p if isinstance(p, PlacementStart) else PlacementStart(p) for p in items),
                  key=lambda p: p.started_at)


def _concern(concern: Concern | None, raised_on: dt.date | None) -> Concern | None:
    return concern if concern is not None else Concern(raised_on) if raised_on is not None else None


def next_visit_due(service_type: ServiceType, last_visit: dt.date | None, today: dt.date, *,
                   placement_starts: Iterable[PlacementStart | dt.datetime] = (),
                   concern_raised_on: dt.date | None = None, concern: Concern | None = None,
                   planned_on: dt.date | None = None, figures: Framework | None = None) -> Due:
    """When the next QA visit to a setting is due (Figure 2 and Section 11). ``planned_on``: the
    earliest visit planned there (what the team asked for, shown with the reason). ``figures``:
    the council's framework (its Figure 2 cycles); Medway's built-in one when not given."""
    frequency = visit_frequency(service_type, figures)
    raised = _concern(concern, concern_raised_on)
    if not is_visited(service_type, figures):
        return Due(DueKind.VISIT, DueStatus.NOT_REQUIRED, None,
                   f"QA does not visit {service_type.label} (Sections 2 and 11: only services that accommodate "
                   "children)")
    if frequency is None:  # visited on a concern or when the team asks (secure units, short breaks, activity)
        candidates = _concern_candidates(DueKind.VISIT, "Figure 2", last_visit, raised)
        if not candidates and planned_on is None:
            return Due(DueKind.VISIT, DueStatus.NOT_REQUIRED, None,
                       f"Figure 2 sets no routine QA visit for {service_type.label}: visited when a concern is "
                       "raised or the team plans one")
        if not candidates:
            assert planned_on is not None
            asked = f"visit planned for {planned_on:%d/%m/%Y} at the team's request"
            return _most_urgent(DueKind.VISIT, [(planned_on, asked)], today)
        due = _most_urgent(DueKind.VISIT, candidates, today)
    else:
        due = _next_due(DueKind.VISIT, frequency, "Figure 2", service_type, last_visit, today,
                        _placements(placement_starts), raised, minimum_on=None)
    if planned_on is not None and due.status is not DueStatus.NOT_REQUIRED:
        return Due(due.kind, due.status, due.due_on, f"{due.reason}; visit planned for {planned_on:%d/%m/%Y}")
    return due


def next_review_due(service_type: ServiceType, last_review: dt.date | None, today: dt.date, *,
                    placement_starts: Iterable[PlacementStart | dt.datetime] = (),
                    concern_raised_on: dt.date | None = None, concern: Concern | None = None,
                    minimum_on: dt.date | None = None, figures: Framework | None = None) -> Due:
    """When the next (full) compliance review of a provider is due (Figure 1 and Section 11).
    ``minimum_on``: the minimum urgent review done since the last full one, if any. ``figures``:
    the council's framework (its Figure 1 cycles); Medway's built-in one when not given."""
    return _next_due(DueKind.REVIEW, review_frequency(service_type, figures), "Figure 1", service_type,
                     last_review, today, _placements(placement_starts), _concern(concern, concern_raised_on),
                     minimum_on=minimum_on)


def document_due(label: str, expires: dt.date, today: dt.date) -> Due:
    """An essential document seen at the last review runs out: due for a renewed copy before it does."""
    if expires < today:
        return Due(DueKind.DOCUMENT, DueStatus.OVERDUE, expires,
                   f"{label} expired {expires:%d/%m/%Y}: ask the provider for the renewed document")
    status = DueStatus.DUE if (expires - today).days <= EXPIRY_NOTICE_DAYS else DueStatus.SCHEDULED
    return Due(DueKind.DOCUMENT, status, expires, f"{label} expires {expires:%d/%m/%Y}: ask for the renewal first")


def after_placement_deadline(placement_start: dt.datetime) -> dt.datetime:
    """Section 11: the latest moment a visit or review may follow a placement it could not precede."""
    return placement_start + AFTER_PLACEMENT_DEADLINE


def _concern_candidates(kind: DueKind, figure: str, last: dt.date | None,
                        concern: Concern | None) -> list[tuple[dt.date, str]]:
    if concern is None or (last is not None and concern.raised_on <= last):
        return []
    return [(concern.raised_on, f"{concern.words} raised {concern.raised_on:%d/%m/%Y}: {kind} due now ({figure})")]


def _next_due(kind: DueKind, frequency: Period | None, figure: str, service_type: ServiceType,
              last: dt.date | None, today: dt.date, placements: list[PlacementStart],
              concern: Concern | None, *, minimum_on: dt.date | None) -> Due:
    if frequency is None:
        return Due(kind, DueStatus.NOT_REQUIRED, None,
                   f"{figure} sets no routine {kind} for {service_type.label}"
                   + (": each element of the package is monitored by its own type (Section 9)"
                      if service_type is ServiceType.BESPOKE else ""))
    candidates: list[tuple[dt.date, str]] = []
    if last is None:
        if placements:
            first = placements[0]
            if first.planned and minimum_on is None:
                candidates.append((first.started_at.date(),
                                   (f"{first.words} starts {first.started_at.astimezone():%d/%m/%Y %H:%M}: "
                                   f"a {kind} is required before it (Section 11)")))
            else:
                deadline = after_placement_deadline(first.started_at)
                done = (f"; minimum urgent review done {minimum_on:%d/%m/%Y}, the full review follows"
                        if minimum_on is not None else f" with no {kind} first")
                candidates.append((deadline.date(),
                                   (f"{first.words} started {first.started_at.astimezone():%d/%m/%Y %H:%M}{done}: "
                                   f"due within 24-48 hours (Section 11)")))
        elif minimum_on is not None:
            candidates.append((minimum_on + dt.timedelta(days=2),
                               (f"minimum urgent review done {minimum_on:%d/%m/%Y}: the full review follows within "
                               "24-48 hours (Section 11)")))
    else:
        candidates.append((frequency.after(last),
                           f"last {kind} {last:%d/%m/%Y}; {figure}: {frequency} for {service_type.label}"))
    candidates += _concern_candidates(kind, figure, last, concern)
    if not candidates:
        return Due(kind, DueStatus.BEFORE_PLACEMENT, None,
                   f"no {kind} on record: required before a child or young person is placed (Section 11)")
    return _most_urgent(kind, candidates, today)


def _most_urgent(kind: DueKind, candidates: list[tuple[dt.date, str]], today: dt.date) -> Due:
    due_on, reason = min(candidates)
    if today > due_on:
        status = DueStatus.OVERDUE
    elif (due_on - today).days <= DUE_SOON_DAYS:
        status = DueStatus.DUE
    else:
        status = DueStatus.SCHEDULED
    return Due(kind, status, due_on, reason)
