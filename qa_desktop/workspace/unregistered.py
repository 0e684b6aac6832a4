"""Unregistered and unknown providers (Sections 10 and 13) through the workspace: Ofsted
notifications of unregulated placements, registration applications, the weekly planning list and
intelligence by address. The same service for the Tracker window and ``qa-desktop unregistered``,
``planning`` and ``intelligence``. A date left out is the workspace clock's today."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from qa_desktop.domain.reporting_year import Span
from qa_desktop.domain.unregistered import ApplicationStage, IntelligenceSource, PlanningDecision, UnregisteredError
from qa_desktop.services import unregistered as u
from qa_desktop.services.unregistered import (
    ApplicationLine,
    IntelligenceLine,
    NotificationLine,
    PlanningLine,
    ProviderMatch,
    UpdateLine,
)
from qa_desktop.workspace.changes import Done
from qa_desktop.workspace.guard import Service

if TYPE_CHECKING:
    pass

__all__ = ["UnregisteredService", "NotificationLine", "UpdateLine", "ApplicationLine", "PlanningLine",
           "IntelligenceLine", "ProviderMatch", "UnregisteredError"]


class UnregisteredService(Service):
    area = "unregistered"

    def _today(self, day: dt.date | None) -> dt.date:
        return day if day is not None else self._ws.clock.today()

    # -- Ofsted notifications -----------------------------------------------------------------------

    def notify_ofsted(self, provider_id: str, *, summary: str, notified_on: dt.date | None = None,
                      setting_id: str | None = None, placement_id: str | None = None,
                      placement_reference: str | None = None, ofsted_reference: str | None = None) -> Done[str]:
        day = self._today(notified_on)
        return self._ws._mutation(lambda: u.notify_ofsted(
            self._ws._store, provider_id, notified_on=day, summary=summary, setting_id=setting_id,
            placement_id=placement_id, placement_reference=placement_reference, ofsted_reference=ofsted_reference))

    def send_update(self, notification_id: str, *, summary: str, sent_on: dt.date | None = None) -> Done[str]:
        day = self._today(sent_on)
        return self._ws._mutation(lambda: u.send_notification_update(self._ws._store, notification_id, sent_on=day,
                                                                     summary=summary))

    def end_placement(self, notification_id: str, ended_on: dt.date | None = None) -> Done[None]:
        day = self._today(ended_on)
        return self._ws._mutation(lambda: u.end_unregulated_placement(self._ws._store, notification_id, day))

    def notifications(self, *, span: Span | None = None, open_only: bool = False,
                      provider_id: str | None = None) -> list[NotificationLine]:
        with self._ws._read() as session:
            return u.notifications(session, span=span, open_only=open_only, provider_id=provider_id)

    # -- registration applications ------------------------------------------------------------------

    def start_application(self, provider_id: str, *, support_began_on: dt.date | None = None,
                          notes: str | None = None) -> Done[str]:
        day = self._today(support_began_on)
        return self._ws._mutation(lambda: u.start_application(self._ws._store, provider_id, support_began_on=day,
                                                              notes=notes))

    def move_application(self, application_id: str, stage: ApplicationStage, *, on: dt.date | None = None,
                         urn: str | None = None, notes: str | None = None) -> Done[None]:
        day = self._today(on)
        return self._ws._mutation(lambda: u.move_application(self._ws._store, application_id, stage, on=day, urn=urn,
                                                             notes=notes))

    def applications(self, *, span: Span | None = None, in_progress: bool = False,
                     provider_id: str | None = None) -> list[ApplicationLine]:
        with self._ws._read() as session:
            return u.applications(session, span=span, in_progress=in_progress, provider_id=provider_id)

    # -- the planning list and intelligence by address ----------------------------------------------

    def log_planning_application(self, *, reference: str, address: str, proposal: str,
                                 listed_on: dt.date | None = None, postcode: str | None = None,
                                 applicant: str | None = None, use_from: str = "C3", use_to: str = "C2") -> Done[str]:
        day = self._today(listed_on)
        return self._ws._mutation(lambda: u.log_planning_application(
            self._ws._store, reference=reference, address=address, listed_on=day, proposal=proposal,
            postcode=postcode, applicant=applicant, use_from=use_from, use_to=use_to))

    def give_planning_feedback(self, application_id: str, *, feedback: str,
                               sent_on: dt.date | None = None) -> Done[None]:
        day = self._today(sent_on)
        return self._ws._mutation(lambda: u.give_planning_feedback(self._ws._store, application_id,
                                                                   feedback=feedback, sent_on=day))

    def record_planning_decision(self, application_id: str, decision: PlanningDecision) -> Done[None]:
        return self._ws._mutation(lambda: u.record_planning_decision(self._ws._store, application_id, decision))

    def planning_applications(self, *, span: Span | None = None, text: str = "", awaiting_feedback: bool = False,
                              provider_id: str | None = None) -> list[PlanningLine]:
        with self._ws._read() as session:
            return u.planning_applications(session, span=span, text=text, awaiting_feedback=awaiting_feedback,
                                           provider_id=provider_id)

    def record_intelligence(self, *, address: str, source: IntelligenceSource, summary: str,
                            received_on: dt.date | None = None, postcode: str | None = None,
                            provider_id: str | None = None) -> Done[str]:
        day = self._today(received_on)
        return self._ws._mutation(lambda: u.record_intelligence(
            self._ws._store, address=address, source=source, received_on=day, summary=summary, postcode=postcode,
            provider_id=provider_id))

    def respond_to_intelligence(self, record_id: str, *, response: str, on: dt.date | None = None) -> Done[None]:
        day = self._today(on)
        return self._ws._mutation(lambda: u.respond_to_intelligence(self._ws._store, record_id, response=response,
                                                                    on=day))

    def intelligence(self, *, span: Span | None = None, text: str = "", postcode: str | None = None,
                     provider_id: str | None = None) -> list[IntelligenceLine]:
        with self._ws._read() as session:
            return u.intelligence(session, span=span, text=text, postcode=postcode, provider_id=provider_id)

    def link_provider(self, kind: str, record_id: str, provider_id: str | None) -> Done[None]:
        """Link a planning application ("planning") or intelligence ("intelligence") to its provider."""
        return self._ws._mutation(lambda: u.link_provider(self._ws._store, kind, record_id, provider_id))

    def possible_providers(self, address: str, postcode: str | None) -> list[ProviderMatch]:
        """The register's providers with a property at this postcode (for an officer to link one)."""
        with self._ws._read() as session:
            return u.possible_providers(session, address, postcode)
