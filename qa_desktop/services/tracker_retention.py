"""Retention of the tracker's records: the same five years as the rest (Section 11: "this
information is stored for up to 5 years in line with Medway Councils Records Management Policy"),
each counted from when the record ended, and deleted the same way (``services.retention``).

What ends when:

* a meeting, on the day it was held (with the providers and cases discussed and its actions), but
  never while one of its actions is still open;
* a placement funding request, when QA fed back on it;
* an Ofsted notification of an unregulated placement, when the placement ended (with its updates);
* a registration application, when it ended (registered, withdrawn or refused);
* a planning application, when QA's feedback was sent (or, with none sent, when it was listed);
* intelligence about an address, when QA responded (or, with no response, when it was received);
* a Young Inspector's record, when they left the programme (with their visits and incentives); and
  while they stay, each visit joined from its date and each incentive from when it was given.

Open records (a placement still going, an application in progress, a Young Inspector still on the
roster) are never past retention, however old.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa_desktop.store.models import (
    AddressIntelligence,
    FundingRequest,
    Incentive,
    Meeting,
    MeetingAction,
    MeetingTopic,
    NotificationUpdate,
    PlanningApplication,
    RegistrationApplication,
    SyncedColumns,
    UnregulatedNotification,
    Visit,
    YoungInspector,
    YoungInspectorVisit,
)

#: (kind, id, provider id or None, description, ended on)
Ended = tuple[str, str, str | None, str, dt.date]


def tracker_expired(session: Session, limit: dt.date) -> Iterator[Ended]:
    """The tracker's records that ended before ``limit``, as this module's docstring says."""
    open_actions = select(MeetingAction.meeting_id).where(MeetingAction.deleted.is_(False),
                                                          MeetingAction.completed_at.is_(None))
    for m in session.scalars(select(Meeting).where(Meeting.deleted.is_(False), Meeting.held_on < limit,
                                                   Meeting.id.not_in(open_actions))):
        yield "meeting", m.id, None, f"Meeting: {m.kind.label}", m.held_on
    for f in session.scalars(select(FundingRequest).where(FundingRequest.deleted.is_(False),
                                                          FundingRequest.feedback_on < limit)):
        yield "funding", f.id, f.provider_id, f"Funding request {f.reference}", _day(f.feedback_on)
    for n in session.scalars(select(UnregulatedNotification).where(UnregulatedNotification.deleted.is_(False),
                                                                   UnregulatedNotification.placement_ended_on < limit)):
        yield ("notification", n.id, n.provider_id, "Ofsted notification of an unregulated placement",
               _day(n.placement_ended_on))
    for a in session.scalars(select(RegistrationApplication).where(RegistrationApplication.deleted.is_(False),
                                                                   RegistrationApplication.ended_on < limit)):
        yield "application", a.id, a.provider_id, f"Registration application ({a.stage.label})", _day(a.ended_on)
    planned = func.coalesce(PlanningApplication.feedback_sent_on, PlanningApplication.listed_on)
    for p in session.scalars(select(PlanningApplication).where(PlanningApplication.deleted.is_(False),
                                                               planned < limit)):
        yield "planning", p.id, p.provider_id, f"Planning application {p.reference}", p.feedback_sent_on or p.listed_on
    heard = func.coalesce(AddressIntelligence.responded_on, AddressIntelligence.received_on)
    for i in session.scalars(select(AddressIntelligence).where(AddressIntelligence.deleted.is_(False), heard < limit)):
        yield "intelligence", i.id, i.provider_id, f"Intelligence about {i.address}", i.responded_on or i.received_on
    left = set()
    for y in session.scalars(select(YoungInspector).where(YoungInspector.deleted.is_(False),
                                                          YoungInspector.opted_out_on < limit)):
        left.add(y.id)
        yield "young_inspector", y.id, None, f"Young Inspector {y.name}", _day(y.opted_out_on)
    for j, day in session.execute(select(YoungInspectorVisit, Visit.visit_date)
                                  .join(Visit, YoungInspectorVisit.visit_id == Visit.id)
                                  .where(YoungInspectorVisit.deleted.is_(False), Visit.visit_date < limit)):
        if j.young_inspector_id not in left:
            yield "young_inspector_visit", j.id, None, "A Young Inspector's visit", day
    for g in session.scalars(select(Incentive).where(Incentive.deleted.is_(False), Incentive.given_on < limit)):
        if g.young_inspector_id not in left:
            yield "incentive", g.id, None, f"Incentive: {g.description}", g.given_on


def _day(day: dt.date | None) -> dt.date:
    assert day is not None  # the query asked for a date before the limit
    return day


#: The tracker's records with nothing of their own, by kind.
_SINGLE: dict[str, type[SyncedColumns]] = {
    "funding": FundingRequest, "application": RegistrationApplication, "planning": PlanningApplication,
    "intelligence": AddressIntelligence, "young_inspector_visit": YoungInspectorVisit, "incentive": Incentive}


def tracker_rows(session: Session, kind: str, record_id: str) -> list[Any] | None:
    """The record and everything that belongs to it, children first; None when ``kind`` is not the tracker's."""
    if kind == "meeting":
        return [*session.scalars(select(MeetingTopic).where(MeetingTopic.meeting_id == record_id)),
                *session.scalars(select(MeetingAction).where(MeetingAction.meeting_id == record_id)),
                session.get(Meeting, record_id)]
    if kind == "notification":
        return [*session.scalars(select(NotificationUpdate).where(NotificationUpdate.notification_id == record_id)),
                session.get(UnregulatedNotification, record_id)]
    if kind == "young_inspector":
        joined = select(YoungInspectorVisit).where(YoungInspectorVisit.young_inspector_id == record_id)
        return [*session.scalars(joined),
                *session.scalars(select(Incentive).where(Incentive.young_inspector_id == record_id)),
                session.get(YoungInspector, record_id)]
    if kind in _SINGLE:
        return [session.get(_SINGLE[kind], record_id)]
    return None
