"""Partnership working (Section 13) through the workspace: the meeting log and the actions arising,
and placement funding requests with QA's feedback. The same service for the Tracker window and
``qa-desktop meetings`` / ``funding-requests``. A date left out is the workspace clock's today, a
moment its now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from qa_desktop.domain.partnership import FundingRecommendation, MeetingKind, PartnershipError
from qa_desktop.domain.reporting_year import Span
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.services import partnership as p
from qa_desktop.services.partnership import (
    FundingRequestLine,
    MeetingActionLine,
    MeetingLine,
    RegularMeeting,
    TopicLine,
)
from qa_desktop.workspace.changes import Done
from qa_desktop.workspace.guard import Service

if TYPE_CHECKING:
    pass

__all__ = ["PartnershipService", "MeetingLine", "TopicLine", "MeetingActionLine", "RegularMeeting",
           "FundingRequestLine", "PartnershipError"]


class PartnershipService(Service):
    area = "partnership"

    def _today(self, day: dt.date | None) -> dt.date:
        return day if day is not None else self._ws.clock.today()

    # -- meetings -----------------------------------------------------------------------------------

    def record_meeting(self, kind: MeetingKind, *, attendees: Sequence[str], held_on: dt.date | None = None,
                       title: str | None = None, notes: str | None = None, setting_id: str | None = None,
                       providers: Sequence[str] = (), cases: Sequence[str] = (),
                       references: Sequence[str] = ()) -> Done[str]:
        """Record a meeting or joint visit (held today unless said); its id."""
        held, today = self._today(held_on), self._ws.clock.today()
        return self._ws._mutation(lambda: p.record_meeting(
            self._ws._store, held_on=held, kind=kind, attendees=attendees, today=today, title=title, notes=notes,
            setting_id=setting_id, providers=providers, cases=cases, references=references))

    def update_meeting(self, meeting_id: str, *, held_on: dt.date | None = None, kind: MeetingKind | None = None,
                       attendees: Sequence[str] | None = None, title: str | None = None,
                       notes: str | None = None) -> Done[set[str]]:
        today = self._ws.clock.today()
        return self._ws._mutation(lambda: p.update_meeting(
            self._ws._store, meeting_id, today=today, held_on=held_on, kind=kind, attendees=attendees, title=title,
            notes=notes))

    def delete_meeting(self, meeting_id: str) -> Done[None]:
        return self._ws._mutation(lambda: p.delete_meeting(self._ws._store, meeting_id))

    def add_topic(self, meeting_id: str, *, provider_id: str | None = None, case_id: str | None = None,
                  reference: str | None = None, note: str | None = None) -> Done[str]:
        return self._ws._mutation(lambda: p.add_topic(self._ws._store, meeting_id, provider_id=provider_id,
                                                      case_id=case_id, reference=reference, note=note))

    def remove_topic(self, topic_id: str) -> Done[None]:
        return self._ws._mutation(lambda: p.remove_topic(self._ws._store, topic_id))

    def add_action(self, meeting_id: str, text: str, *, provider_id: str | None = None,
                   level: ConcernLevel | None = None, owner: str | None = None, due_at: dt.datetime | None = None,
                   raised_at: dt.datetime | None = None) -> Done[str]:
        """An action arising (raised now unless said): for a provider, due by Figure 8."""
        raised = raised_at or self._ws.clock.now()
        return self._ws._mutation(lambda: p.add_meeting_action(
            self._ws._store, meeting_id, text, raised_at=raised, provider_id=provider_id, level=level, owner=owner,
            due_at=due_at))

    def extend_action(self, action_id: str, *, new_due: dt.datetime, reason: str) -> Done[None]:
        return self._ws._mutation(lambda: p.extend_meeting_action(self._ws._store, action_id, new_due=new_due,
                                                                  reason=reason))

    def complete_action(self, action_id: str, *, evidence: str, completed_at: dt.datetime | None = None) -> Done[None]:
        done_at = completed_at or self._ws.clock.now()
        return self._ws._mutation(lambda: p.complete_meeting_action(self._ws._store, action_id,
                                                                    completed_at=done_at, evidence=evidence))

    def meetings(self, *, span: Span | None = None, kind: MeetingKind | None = None, provider_id: str | None = None,
                 text: str = "") -> list[MeetingLine]:
        """The meeting log, newest first."""
        with self._ws._read() as session:
            return p.meetings(session, self._ws.clock.now(), span=span, kind=kind, provider_id=provider_id, text=text)

    def meeting(self, meeting_id: str) -> MeetingLine:
        for found in self.meetings():
            if found.id == meeting_id:
                return found
        raise PartnershipError("That meeting does not exist (it may have been deleted).")

    def open_actions(self) -> list[MeetingActionLine]:
        with self._ws._read() as session:
            return p.open_meeting_actions(session, self._ws.clock.now())

    def regular_meetings(self) -> list[RegularMeeting]:
        """Section 13's regular meetings: last held, next expected (today's clock)."""
        with self._ws._read() as session:
            return p.regular_meetings(session, self._ws.clock.today())

    # -- funding requests ---------------------------------------------------------------------------

    def record_funding_request(self, *, reference: str, summary: str, received_on: dt.date | None = None,
                               provider_id: str | None = None, provider_name: str | None = None,
                               service_type: ServiceType | None = None,
                               requested_by: str | None = None) -> Done[str]:
        received = self._today(received_on)
        return self._ws._mutation(lambda: p.record_funding_request(
            self._ws._store, received_on=received, reference=reference, summary=summary, provider_id=provider_id,
            provider_name=provider_name, service_type=service_type, requested_by=requested_by))

    def give_funding_feedback(self, request_id: str, *, recommendation: FundingRecommendation, feedback: str,
                              on: dt.date | None = None) -> Done[None]:
        given = self._today(on)
        return self._ws._mutation(lambda: p.give_funding_feedback(
            self._ws._store, request_id, recommendation=recommendation, feedback=feedback, on=given))

    def funding_requests(self, *, span: Span | None = None, awaiting: bool = False, provider_id: str | None = None,
                         text: str = "") -> list[FundingRequestLine]:
        with self._ws._read() as session:
            return p.funding_requests(session, span=span, awaiting=awaiting, provider_id=provider_id, text=text)
