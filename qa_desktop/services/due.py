"""What is due or overdue across the register: QA visits per setting (Figure 2), compliance reviews
per provider (Figure 1), each element of a bespoke package by its own service type (Section 9),
and essential documents running out, with the 24-48 hour rule for placements that started first
and the quality concerns and safeguarding matters that make a review (and a visit) due at once.

Read from the records, never typed twice:
- the last *completed full* review counts towards the cycle (a review recorded before reviews were
  filled in here has no status and counts as complete); a minimum urgent review does not complete
  it, and leaves the full review due within 48 hours of the placement starting (Section 11);
- only completed visits count; a planned visit is shown with the reason (and makes a visit due
  for a service visited only when the team asks: secure units, short breaks, activity provisions);
- placements not yet ended: planned ones need the review and visit before they start, emergency
  ones within 24-48 hours;
- open QA cases that are a quality concern, a safeguarding matter or significant ("or, If a
  Quality Concern or Safeguarding Matter is raised", Figures 1 and 2), opened since the last review
  (or visit): the review, and the visit of a service that accommodates children, are due at once;
- for a provider we monitor, a regulator's alert in force (poor judgement, inadequate, suspension,
  restriction) makes the review due from the day it came, unless a review since the inspection saw it;
- the newest expiry recorded of each document on a completed review.

``monitored_only``: the providers the council uses (``domain.monitoring``); what is due, the
dashboard and the oversight lists ask for these by default, every provider on request.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from qa_desktop.domain.compliance import ReviewStatus, same_document
from qa_desktop.domain.oversight import AlertKind, CaseStatus
from qa_desktop.domain.placements import PlacementKind
from qa_desktop.domain.schedule import (
    MONITORED_ONLY,
    Concern,
    Due,
    DueKind,
    DueStatus,
    PlacementStart,
    document_due,
    next_review_due,
    next_visit_due,
    not_monitored_due,
    scheduled_as,
)
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.visits import VisitStatus
from qa_desktop.services.council import framework
from qa_desktop.store.access import officer
from qa_desktop.store.database import session_clock
from qa_desktop.store.driver import core_rows
from qa_desktop.store.models import (
    ComplianceReview,
    PackageElement,
    Placement,
    Provider,
    QaCase,
    RegulatoryAlert,
    ReviewItem,
    Setting,
    Visit,
)


@dataclass(frozen=True)
class DueItem:
    provider_id: str
    provider_name: str
    urn: str | None
    service_type: ServiceType  # the provider's, or the element's for an element of a bespoke package
    setting_id: str | None  # None for a compliance review or a document (they are of the provider)
    setting_name: str | None
    due: Due
    element_id: str | None = None    # an element of a bespoke package (Section 9)
    element_name: str | None = None

    @property
    def what(self) -> str:
        """The kind of thing due, with the element it is for: "compliance review (Floating support)"."""
        return self.due.kind.value + (f" ({self.element_name})" if self.element_name else "")


_ORDER = {DueStatus.OVERDUE: 0, DueStatus.DUE: 1, DueStatus.SCHEDULED: 2, DueStatus.BEFORE_PLACEMENT: 3,
          DueStatus.NOT_REQUIRED: 4}


def provider_due(session: Session, today: dt.date, *,
                 provider_ids: Collection[str] | None = None) -> dict[str, DueItem]:
    """Each provider's most urgent visit, review or document (overdue first, then the earliest
    date, then what is needed before a first placement); of only ``provider_ids`` when given (the
    providers a change touched, so the register need not work out the whole of it again)."""
    most_urgent: dict[str, DueItem] = {}
    for item in due_items(session, today, include_scheduled=True, provider_ids=provider_ids):  # most urgent first
        most_urgent.setdefault(item.provider_id, item)
    return most_urgent


def _concern_words(case: QaCase) -> str:
    kind = ("significant concern" if case.significant else "safeguarding matter" if case.safeguarding
            else "quality concern")
    summary = case.summary if len(case.summary) <= 60 else case.summary[:57] + "..."
    return f"{kind} ({case.source.label}: {summary})"


#: Alerts that are a concern about the provider (a lifted restriction is not; a termination ends the
#: provider, which the sanctions list says as "Ceased operating").
CONCERNING_ALERTS = (AlertKind.RESTRICTION, AlertKind.SUSPENSION, AlertKind.INADEQUATE, AlertKind.POOR_JUDGEMENT)


def _alert_words(alert: RegulatoryAlert) -> str:
    return f"regulatory alert ({alert.regulator.label}: {alert.kind.label.lower()})"


@dataclass(frozen=True)
class _Reads:
    """``due_items``' reads, built once: of every provider, or of a list bound at each call
    (``wanted``; ``now`` for the placements not yet ended). Built at each call they cost more than
    reading one provider's rows (issue 22's provider page: some 1 ms of its 10)."""

    visits: Select[*tuple[Any, ...]]
    reviews: Select[*tuple[Any, ...]]
    placements: Select[*tuple[Any, ...]]
    concerns: Select[*tuple[Any, ...]]
    alerts: Select[*tuple[Any, ...]]
    elements: Select[*tuple[Any, ...]]
    documents: Select[*tuple[Any, ...]]
    providers: Select[*tuple[Any, ...]]
    settings: Select[*tuple[Any, ...]]


@functools.cache
def _reads(of_wanted: bool) -> _Reads:
    def of(column: Any) -> list[ColumnElement[bool]]:
        return [column.in_(bindparam("wanted", expanding=True))] if of_wanted else []

    setting_ids = select(Setting.id).where(*of(Setting.provider_id))
    of_settings = [Visit.setting_id.in_(setting_ids)] if of_wanted else []
    complete = or_(ComplianceReview.status.is_(None), ComplianceReview.status == ReviewStatus.COMPLETED)
    return _Reads(
        visits=select(Visit.setting_id, Visit.status, func.max(Visit.visit_date), func.min(Visit.visit_date))
        .where(Visit.deleted.is_(False), Visit.status.in_([VisitStatus.COMPLETED, VisitStatus.PLANNED]), *of_settings)
        .group_by(Visit.setting_id, Visit.status),
        reviews=select(ComplianceReview.provider_id, ComplianceReview.element_id, ComplianceReview.minimum_only,
                       func.max(ComplianceReview.review_date))
        .where(ComplianceReview.deleted.is_(False), complete, *of(ComplianceReview.provider_id))
        .group_by(ComplianceReview.provider_id, ComplianceReview.element_id, ComplianceReview.minimum_only),
        placements=select(Placement.setting_id, Placement.element_id, Placement.started_at, Placement.kind,
                          Placement.reference)
        .where(Placement.deleted.is_(False), or_(Placement.ended_at.is_(None), Placement.ended_at > bindparam("now")),
               *([Placement.setting_id.in_(setting_ids)] if of_wanted else [])),
        concerns=select(QaCase).where(QaCase.deleted.is_(False), QaCase.status == CaseStatus.OPEN,
                                      or_(QaCase.quality_concern.is_(True), QaCase.safeguarding.is_(True),
                                          QaCase.significant.is_(True)), *of(QaCase.provider_id))
        .order_by(QaCase.opened_on),
        alerts=select(RegulatoryAlert).where(RegulatoryAlert.deleted.is_(False), RegulatoryAlert.closed_on.is_(None),
                                             RegulatoryAlert.kind.in_(CONCERNING_ALERTS),
                                             *of(RegulatoryAlert.provider_id))
        .order_by(RegulatoryAlert.received_on),
        elements=select(PackageElement).where(PackageElement.deleted.is_(False), *of(PackageElement.provider_id))
        .order_by(PackageElement.name),
        documents=select(ComplianceReview.provider_id, ReviewItem.label, ReviewItem.expires,
                         ComplianceReview.review_date, ComplianceReview.completed_at)
        .join(ComplianceReview, ReviewItem.review_id == ComplianceReview.id)
        .where(ReviewItem.deleted.is_(False), ReviewItem.expires.is_not(None), ComplianceReview.deleted.is_(False),
               complete, *of(ComplianceReview.provider_id)),
        providers=select(Provider.id, Provider.name, Provider.urn, Provider.service_type, Provider.monitored)
        .where(Provider.deleted.is_(False), *of(Provider.id)),
        settings=select(Setting.id, Setting.provider_id, Setting.name)
        .where(Setting.deleted.is_(False), *of(Setting.provider_id)))


def _first_after(concerns: Sequence[Concern], last: dt.date | None) -> Concern | None:
    """The earliest concern raised after ``last`` (the one that made it due first), if any."""
    return next((c for c in concerns if last is None or c.raised_on > last), None)


def due_items(session: Session, today: dt.date, *, include_scheduled: bool = False,
              provider_id: str | None = None, provider_ids: Collection[str] | None = None,
              monitored_only: bool = False) -> list[DueItem]:
    """Every visit, review and document that is overdue or due soon (with ``include_scheduled``,
    also those scheduled later or needed before a first placement), most urgent first; of one
    provider with ``provider_id``, of some with ``provider_ids``, of monitored ones with
    ``monitored_only``."""
    officer(session, "what is due across the register")
    figures = framework(session)  # the council's Figures 1 and 2, read once for the whole list
    clock = session_clock(session)
    # placements ended by then no longer count: by the clock today, or midday of the day asked about
    now = clock.now() if today == clock.today() else dt.datetime.combine(today, dt.time(12), dt.UTC)
    # the providers asked about: a list of ids, a query of them (the monitored ones), or None for all
    wanted: Any = ([provider_id] if provider_id is not None
                   else sorted(provider_ids) if provider_ids is not None else None)
    if monitored_only:  # read once as ids: a list binds in each query below, a subquery is compiled into each
        monitored = select(Provider.id).where(Provider.deleted.is_(False), Provider.monitored.is_(True))
        wanted = list(session.scalars(monitored.where(Provider.id.in_(wanted)) if wanted is not None else monitored))

    reads = _reads(wanted is not None)
    params = {"wanted": wanted, "now": now}
    # each setting's last completed visit and first planned one, in one read (one pass over the visits)
    last_visit: dict[str, dt.date] = {}
    planned_visit: dict[str, dt.date] = {}
    for setting_id, status, latest, earliest in core_rows(session, reads.visits, params):
        if status is VisitStatus.COMPLETED:
            last_visit[setting_id] = latest
        else:
            planned_visit[setting_id] = earliest
    # the last complete full review and the last minimum urgent one, per provider and element, in one read
    last_review: dict[tuple[str, str | None], dt.date] = {}
    last_minimum: dict[tuple[str, str | None], dt.date] = {}
    for p, e, minimum_only, day in core_rows(session, reads.reviews, params):
        (last_minimum if minimum_only else last_review)[(p, e)] = day
    placements: dict[str, list[tuple[str | None, PlacementStart]]] = defaultdict(list)
    for setting_id, element_id, started_at, kind, reference in core_rows(session, reads.placements, params):
        placements[setting_id].append(
            (element_id, PlacementStart(started_at, kind is PlacementKind.PLANNED, reference)))
    concerns: dict[str, list[Concern]] = defaultdict(list)
    for case in session.scalars(reads.concerns, params):
        concerns[case.provider_id].append(Concern(case.opened_on, _concern_words(case)))
    # a regulator's poor judgement, suspension or restriction in force is, for a provider we monitor, a
    # concern that makes the compliance review due (issue 17; Section 12 feeding Figure 1). Due from the
    # day the alert came (the team cannot have acted before), unless a review since the inspection it is
    # about has seen it: (inspection or received date, the concern) per provider, oldest first.
    alert_concerns: dict[str, list[tuple[dt.date, Concern]]] = defaultdict(list)
    for alert in session.scalars(reads.alerts, params):
        alert_concerns[alert.provider_id].append(
            (alert.effective_on or alert.received_on, Concern(alert.received_on, _alert_words(alert))))
    elements: dict[str, list[PackageElement]] = defaultdict(list)
    for element in session.scalars(reads.elements, params):
        elements[element.provider_id].append(element)
    documents = _expiring_documents(session, wanted)

    items: list[DueItem] = []
    providers = core_rows(session, reads.providers, params)
    settings_by_provider: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for setting_id, setting_provider, setting_name in core_rows(session, reads.settings, params):
        settings_by_provider[setting_provider].append((setting_id, setting_name))
    for pid, name, urn, service_type, marked in providers:
        settings = settings_by_provider[pid]
        raised = concerns.get(pid, [])
        alerted = alert_concerns.get(pid, []) if marked else []  # only for the providers we use

        def add(kind_type: ServiceType, due: Due, setting: tuple[str, str] | None = None,
                element: PackageElement | None = None, *, _pid: str = pid, _name: str = name,
                _urn: str | None = urn) -> None:
            items.append(DueItem(_pid, _name, _urn, kind_type, setting[0] if setting else None,
                                 setting[1] if setting else None, due, element.id if element else None,
                                 element.name if element else None))

        def review(kind_type: ServiceType, element: PackageElement | None, starts: list[PlacementStart],
                   _pid: str = pid, _raised: list[Concern] = raised,
                   _alerted: list[tuple[dt.date, Concern]] = alerted) -> Due:
            key = (_pid, element.id if element else None)
            last = last_review.get(key)
            minimum = last_minimum.get(key)
            unseen = [c for about, c in _alerted if last is None or about > last]
            found = [c for c in (_first_after(_raised, last), unseen[0] if unseen else None) if c is not None]
            return next_review_due(kind_type, last, today, placement_starts=starts,
                                   concern=min(found, key=lambda c: c.raised_on) if found else None,
                                   minimum_on=minimum if minimum and (last is None or minimum > last) else None,
                                   figures=figures)

        def visit(kind_type: ServiceType, setting: tuple[str, str], starts: list[PlacementStart],
                  _raised: list[Concern] = raised) -> Due:
            last = last_visit.get(setting[0])
            return next_visit_due(kind_type, last, today, placement_starts=starts,
                                  concern=_first_after(_raised, last), planned_on=planned_visit.get(setting[0]),
                                  figures=figures)

        all_starts = [start for s in settings for _, start in placements.get(s[0], [])]
        if service_type is ServiceType.BESPOKE and elements.get(pid):
            for element in elements[pid]:
                starts = [start for s in settings for e, start in placements.get(s[0], []) if e in (None, element.id)]
                add(element.service_type, review(element.service_type, element, starts), element=element)
                where = [s for s in settings if s[0] == element.setting_id] if element.setting_id else settings
                for setting in where:
                    mine = [start for e, start in placements.get(setting[0], []) if e in (None, element.id)]
                    add(element.service_type, visit(element.service_type, setting, mine), setting, element)
        elif service_type in MONITORED_ONLY and not marked:  # a boarding school nobody marked (issue 17)
            add(service_type, not_monitored_due(DueKind.REVIEW, service_type))
            for setting in settings:
                add(service_type, not_monitored_due(DueKind.VISIT, service_type), setting)
        else:
            figure_type = scheduled_as(service_type, marked, figures)  # a monitored boarding school: schools' rows
            add(service_type, review(figure_type, None, all_starts))
            for setting in settings:
                add(service_type, visit(figure_type, setting, [start for _, start in placements.get(setting[0], [])]),
                    setting)
        for label, expires in documents.get(pid, ()):
            add(service_type, document_due(label, expires, today))
    shown = {DueStatus.OVERDUE, DueStatus.DUE}
    if include_scheduled:
        shown |= {DueStatus.SCHEDULED, DueStatus.BEFORE_PLACEMENT}
    items = [item for item in items if item.due.status in shown]
    items.sort(key=lambda i: (_ORDER[i.due.status], i.due.due_on or today, i.provider_name.lower()))
    return items


def document_expiries(session: Session, provider_id: str) -> list[tuple[str, dt.date]]:
    """A provider's essential documents that run out, each as its latest completed review recorded
    it (label, expiry): what the placement check weighs."""
    officer(session, "compliance reviews")
    return _expiring_documents(session, [provider_id]).get(provider_id, [])


def _expiring_documents(session: Session, wanted: Any) -> dict[str, list[tuple[str, dt.date]]]:
    """Per provider, each document's expiry as the latest completed review recorded it: a renewed
    certificate seen later replaces the one running out. The minimum urgent review's "Insurance"
    and the full review's "Insurance Documents" are one document (``same_document``)."""
    latest: dict[tuple[str, str], tuple[tuple[Any, ...], str, dt.date]] = {}
    for provider_id, label, expires, review_date, completed_at in core_rows(
            session, _reads(wanted is not None).documents, {"wanted": wanted}):
        if expires is None:
            continue
        order = (review_date, completed_at or dt.datetime.min.replace(tzinfo=dt.UTC), expires)
        key = (provider_id, same_document(label))
        if key not in latest or order > latest[key][0]:
            latest[key] = (order, label, expires)
    found: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)
    for (provider_id, _), (_, label, expires) in sorted(latest.items()):
        found[provider_id].append((label, expires))
    return found
