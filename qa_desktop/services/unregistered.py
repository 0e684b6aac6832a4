"""Unregistered and unknown providers (Sections 10 and 13) as services: Ofsted notifications of
unregulated placements and their updates, registration applications to "registered" (the providers
*supported to register*), the weekly planning list of change-of-use applications (C3 to C2) with
QA's feedback to planning, and intelligence by address.

Planning applications and intelligence are kept by address. A provider appears later, if at all:
``possible_providers`` offers the register's providers with a property at the same postcode, and an
officer links the one it is (``link_provider``), never the software on its own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.reporting_year import Span
from qa_desktop.domain.unregistered import (
    ApplicationStage,
    IntelligenceSource,
    PlanningDecision,
    UnregisteredError,
    address_key,
    check_dates,
    check_stage_move,
    postcode_key,
)
from qa_desktop.services.record_checks import existing, live_provider, live_setting, optional, words
from qa_desktop.store.access import officer
from qa_desktop.store.changes import derived_id
from qa_desktop.store.database import Store
from qa_desktop.store.models import (
    AddressIntelligence,
    NotificationUpdate,
    Placement,
    PlanningApplication,
    Provider,
    RegistrationApplication,
    Setting,
    UnregulatedNotification,
)


def _postcode(text: str | None) -> str | None:
    """A postcode as one spelling; refused in words when typed but not a UK postcode."""
    if not optional(text):
        return None
    key = postcode_key(text)
    if key is None:
        raise UnregisteredError(f"The postcode {text!r} is not a UK postcode (such as ME1 2DQ).")
    return key


# -- Ofsted notifications of unregulated placements (Section 10) --------------------------------------

def notify_ofsted(store: Store, provider_id: str, *, notified_on: dt.date, summary: str,
                  setting_id: str | None = None, placement_id: str | None = None,
                  placement_reference: str | None = None, ofsted_reference: str | None = None) -> str:
    """Record QA's notification to Ofsted of an unregulated placement; its id."""
    with store.write() as changes:
        officer(changes.session, "or record Ofsted notifications")
        live_provider(changes.session, provider_id, UnregisteredError)
        if setting_id:
            live_setting(changes.session, setting_id, UnregisteredError, provider_id)
        if placement_id:
            placement = changes.session.get(Placement, placement_id)
            if placement is None or placement.deleted:
                raise UnregisteredError("That placement is not recorded (it may have been deleted).")
            setting_id = setting_id or placement.setting_id
            placement_reference = placement_reference or placement.reference
        return changes.create(UnregulatedNotification, provider_id=provider_id, setting_id=setting_id or None,
                              placement_id=placement_id or None, placement_reference=optional(placement_reference),
                              notified_on=notified_on, ofsted_reference=optional(ofsted_reference),
                              summary=words(summary, "what Ofsted was told", UnregisteredError)).id


def send_notification_update(store: Store, notification_id: str, *, sent_on: dt.date, summary: str) -> str:
    """An update to Ofsted on the placement ("regular updates throughout the placement")."""
    with store.write() as changes:
        notification = existing(changes, UnregulatedNotification, notification_id, "notification",
                                UnregisteredError)
        check_dates(notification.notified_on, sent_on, "notification", "update")
        return changes.create(NotificationUpdate, notification_id=notification_id, sent_on=sent_on,
                              summary=words(summary, "what the update said", UnregisteredError)).id


def end_unregulated_placement(store: Store, notification_id: str, ended_on: dt.date) -> None:
    with store.write() as changes:
        notification = existing(changes, UnregulatedNotification, notification_id, "notification",
                                UnregisteredError)
        check_dates(notification.notified_on, ended_on, "notification", "end of the placement")
        changes.update(notification, placement_ended_on=ended_on)


@dataclass(frozen=True)
class UpdateLine:
    id: str
    sent_on: dt.date
    summary: str


@dataclass(frozen=True)
class NotificationLine:
    id: str
    provider_id: str
    provider: str
    setting: str | None
    placement_reference: str | None
    notified_on: dt.date
    ofsted_reference: str | None
    summary: str
    placement_ended_on: dt.date | None
    updates: tuple[UpdateLine, ...]

    @property
    def last_update(self) -> dt.date:
        """The last time Ofsted heard from QA about this placement."""
        return max([self.notified_on, *(u.sent_on for u in self.updates)])


def notifications(session: Session, *, span: Span | None = None, open_only: bool = False,
                  provider_id: str | None = None) -> list[NotificationLine]:
    """Notifications of unregulated placements, newest first; those still in place with ``open_only``."""
    officer(session, "Ofsted notifications")
    query = (select(UnregulatedNotification, Provider.name, Setting.name)
             .join(Provider, UnregulatedNotification.provider_id == Provider.id)
             .outerjoin(Setting, UnregulatedNotification.setting_id == Setting.id)
             .where(UnregulatedNotification.deleted.is_(False)))
    if span is not None:
        query = query.where(UnregulatedNotification.notified_on >= span.first,
                            UnregulatedNotification.notified_on <= span.last)
    if open_only:
        query = query.where(UnregulatedNotification.placement_ended_on.is_(None))
    if provider_id is not None:
        query = query.where(UnregulatedNotification.provider_id == provider_id)
    rows = session.execute(query.order_by(UnregulatedNotification.notified_on.desc())).all()
    updates: dict[str, list[UpdateLine]] = defaultdict(list)
    ids = [n.id for n, _, _ in rows]
    for start in range(0, len(ids), 500):
        for u in session.scalars(select(NotificationUpdate).where(
                NotificationUpdate.notification_id.in_(ids[start:start + 500]), NotificationUpdate.deleted.is_(False))
                .order_by(NotificationUpdate.sent_on)):
            updates[u.notification_id].append(UpdateLine(u.id, u.sent_on, u.summary))
    return [NotificationLine(n.id, n.provider_id, provider, setting, n.placement_reference, n.notified_on,
                             n.ofsted_reference, n.summary, n.placement_ended_on, tuple(updates.get(n.id, ())))
            for n, provider, setting in rows]


# -- registration applications (Section 10: supported to register) ------------------------------------

def start_application(store: Store, provider_id: str, *, support_began_on: dt.date, notes: str | None = None) -> str:
    """QA begins supporting a provider's application to register a children's home; its id."""
    with store.write() as changes:
        officer(changes.session, "or record registration applications")
        live_provider(changes.session, provider_id, UnregisteredError)
        for other in changes.session.scalars(select(RegistrationApplication).where(
                RegistrationApplication.provider_id == provider_id, RegistrationApplication.deleted.is_(False),
                RegistrationApplication.ended_on.is_(None))):
            raise UnregisteredError(f"This provider's application is already in progress "
                                    f"({other.stage.label.lower()} since {other.support_began_on:%d %b %Y}).")
        return changes.create(RegistrationApplication, provider_id=provider_id, stage=ApplicationStage.PREPARING,
                              support_began_on=support_began_on, notes=optional(notes)).id


def move_application(store: Store, application_id: str, stage: ApplicationStage, *, on: dt.date,
                     urn: str | None = None, notes: str | None = None) -> None:
    """Move an application on: submitted, registered (with the URN Ofsted gave), withdrawn or refused."""
    with store.write() as changes:
        application = existing(changes, RegistrationApplication, application_id, "application", UnregisteredError)
        check_stage_move(application.stage, stage)
        check_dates(application.support_began_on, on, "start of QA's support", f"date it was {stage.label.lower()}")
        fields: dict[str, Any] = {"stage": stage}
        if stage is ApplicationStage.SUBMITTED:
            fields["submitted_on"] = on
        elif stage is ApplicationStage.PREPARING:  # back with QA, or a fresh try after a refusal
            fields["ended_on"] = None
        else:
            fields["ended_on"] = on
        if stage is ApplicationStage.REGISTERED:
            fields["urn"] = words(urn, "the URN Ofsted registered the home under", UnregisteredError)
        if notes is not None:
            fields["notes"] = optional(notes)
        changes.update(application, **fields)


@dataclass(frozen=True)
class ApplicationLine:
    id: str
    provider_id: str
    provider: str
    stage: ApplicationStage
    support_began_on: dt.date
    submitted_on: dt.date | None
    ended_on: dt.date | None
    urn: str | None
    notes: str | None


def applications(session: Session, *, span: Span | None = None, in_progress: bool = False,
                 provider_id: str | None = None) -> list[ApplicationLine]:
    """Registration applications, newest support first; of those that ended in ``span`` (or are in
    progress) with ``span``."""
    officer(session, "registration applications")
    query = (select(RegistrationApplication, Provider.name)
             .join(Provider, RegistrationApplication.provider_id == Provider.id)
             .where(RegistrationApplication.deleted.is_(False)))
    if in_progress:
        query = query.where(RegistrationApplication.ended_on.is_(None))
    if provider_id is not None:
        query = query.where(RegistrationApplication.provider_id == provider_id)
    found = [ApplicationLine(a.id, a.provider_id, name, a.stage, a.support_began_on, a.submitted_on, a.ended_on, a.urn,
                             a.notes)
             for a, name in session.execute(query.order_by(RegistrationApplication.support_began_on.desc()))]
    if span is not None:
        found = [a for a in found
                 if a.support_began_on <= span.last and (a.ended_on is None or a.ended_on >= span.first)]
    return found


# -- the weekly planning list (Section 13, Planning) --------------------------------------------------

def planning_id(reference: str) -> str:
    """One row per planning reference, whoever logs it from the list ("MC/25/1234" = "mc/25/1234 ")."""
    return derived_id("planning-application", " ".join(reference.split()).upper())


def log_planning_application(store: Store, *, reference: str, address: str, listed_on: dt.date, proposal: str,
                             postcode: str | None = None, applicant: str | None = None, use_from: str = "C3",
                             use_to: str = "C2") -> str:
    """An application for change of use from the weekly planning list; its id. Logged twice (two
    officers, the same list), it is one application."""
    reference = " ".join(words(reference, "the planning reference", UnregisteredError).split())
    row_id = planning_id(reference)
    with store.write() as changes:
        officer(changes.session, "or log planning applications")
        found = changes.session.get(PlanningApplication, row_id)
        if found is not None and not found.deleted:
            raise UnregisteredError(f"Planning application {found.reference} is already logged (listed "
                                    f"{found.listed_on:%d %b %Y}, {found.address}).")
        if found is not None:
            raise UnregisteredError(f"Planning application {reference} was deleted; it cannot be logged again.")
        return changes.create(PlanningApplication, id=row_id, reference=reference,
                              address=words(address, "the address", UnregisteredError), postcode=_postcode(postcode),
                              listed_on=listed_on, proposal=words(proposal, "the proposal", UnregisteredError),
                              applicant=optional(applicant),
                              use_from=words(use_from, "the use class it changes from", UnregisteredError).upper(),
                              use_to=words(use_to, "the use class it changes to", UnregisteredError).upper(),
                              decision=PlanningDecision.PENDING).id


def give_planning_feedback(store: Store, application_id: str, *, feedback: str, sent_on: dt.date) -> None:
    """QA's feedback to the planning team ("if the provider is embargoed, or the area is high risk")."""
    with store.write() as changes:
        application = existing(changes, PlanningApplication, application_id, "planning application",
                               UnregisteredError)
        check_dates(application.listed_on, sent_on, "date it was listed", "feedback")
        changes.update(application, qa_feedback=words(feedback, "QA's feedback to planning", UnregisteredError),
                       feedback_sent_on=sent_on)


def record_planning_decision(store: Store, application_id: str, decision: PlanningDecision) -> None:
    with store.write() as changes:
        changes.update(existing(changes, PlanningApplication, application_id, "planning application",
                                UnregisteredError), decision=decision)


#: What can be linked to the provider behind it, by the word ``link_provider`` takes.
_LINKABLE: dict[str, tuple[type[PlanningApplication] | type[AddressIntelligence], str]] = {
    "planning": (PlanningApplication, "planning application"),
    "intelligence": (AddressIntelligence, "piece of intelligence")}


def link_provider(store: Store, kind: str, record_id: str, provider_id: str | None) -> None:
    """Link a planning application (``kind`` "planning") or intelligence ("intelligence") to the
    provider behind it, once known (None unlinks)."""
    if kind not in _LINKABLE:
        raise UnregisteredError(f"{kind!r} cannot be linked to a provider.")
    model, what = _LINKABLE[kind]
    with store.write() as changes:
        row = existing(changes, model, record_id, what, UnregisteredError)
        if provider_id:
            live_provider(changes.session, provider_id, UnregisteredError)
        changes.update(row, provider_id=provider_id or None)


@dataclass(frozen=True)
class PlanningLine:
    id: str
    reference: str
    address: str
    postcode: str | None
    listed_on: dt.date
    proposal: str
    applicant: str | None
    use_from: str
    use_to: str
    decision: PlanningDecision
    qa_feedback: str | None
    feedback_sent_on: dt.date | None
    provider_id: str | None
    provider: str
    intelligence: int  # pieces of intelligence about the same address

    @property
    def change_of_use(self) -> str:
        return f"{self.use_from} to {self.use_to}"


def planning_applications(session: Session, *, span: Span | None = None, text: str = "",
                          awaiting_feedback: bool = False, provider_id: str | None = None) -> list[PlanningLine]:
    """The planning list by address: newest listed first; searched by reference, address, postcode."""
    officer(session, "planning applications")
    query = select(PlanningApplication, Provider.name).outerjoin(
        Provider, PlanningApplication.provider_id == Provider.id).where(PlanningApplication.deleted.is_(False))
    if span is not None:
        query = query.where(PlanningApplication.listed_on >= span.first, PlanningApplication.listed_on <= span.last)
    if awaiting_feedback:
        query = query.where(PlanningApplication.feedback_sent_on.is_(None))
    if provider_id is not None:
        query = query.where(PlanningApplication.provider_id == provider_id)
    rows = session.execute(query.order_by(PlanningApplication.listed_on.desc(), PlanningApplication.reference)).all()
    by_postcode = _intelligence_by_postcode(session, {a.postcode for a, _ in rows if a.postcode})
    found = [PlanningLine(a.id, a.reference, a.address, a.postcode, a.listed_on, a.proposal, a.applicant, a.use_from,
                          a.use_to, a.decision, a.qa_feedback, a.feedback_sent_on, a.provider_id, name or "",
                          by_postcode.get(a.postcode or "", 0))
             for a, name in rows]
    for word in text.lower().split():
        found = [a for a in found if word in f"{a.reference} {a.address} {a.postcode or ''} {a.applicant or ''} "
                                             f"{a.provider} {a.proposal}".lower()]
    return found


def _intelligence_by_postcode(session: Session, postcodes: set[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    listed = sorted(postcodes)
    for start in range(0, len(listed), 500):
        for postcode in session.scalars(select(AddressIntelligence.postcode).where(
                AddressIntelligence.postcode.in_(listed[start:start + 500]), AddressIntelligence.deleted.is_(False))):
            counts[postcode or ""] += 1
    return counts


# -- intelligence by address (Section 13, External Professionals) -------------------------------------

def record_intelligence(store: Store, *, address: str, source: IntelligenceSource, received_on: dt.date,
                        summary: str, postcode: str | None = None, provider_id: str | None = None) -> str:
    with store.write() as changes:
        officer(changes.session, "or record intelligence")
        if provider_id:
            live_provider(changes.session, provider_id, UnregisteredError)
        return changes.create(AddressIntelligence, address=words(address, "the address", UnregisteredError),
                              postcode=_postcode(postcode), source=source, received_on=received_on,
                              summary=words(summary, "what was shared", UnregisteredError),
                              provider_id=provider_id or None).id


def respond_to_intelligence(store: Store, record_id: str, *, response: str, on: dt.date) -> None:
    """QA's response ("prompt responses to Cllr/Resident Complaints")."""
    with store.write() as changes:
        row = existing(changes, AddressIntelligence, record_id, "piece of intelligence", UnregisteredError)
        check_dates(row.received_on, on, "date it was received", "response")
        changes.update(row, response=words(response, "the response", UnregisteredError), responded_on=on)


@dataclass(frozen=True)
class IntelligenceLine:
    id: str
    address: str
    postcode: str | None
    source: IntelligenceSource
    received_on: dt.date
    summary: str
    provider_id: str | None
    provider: str
    response: str | None
    responded_on: dt.date | None


def intelligence(session: Session, *, span: Span | None = None, text: str = "", postcode: str | None = None,
                 provider_id: str | None = None) -> list[IntelligenceLine]:
    """Intelligence by address, newest first; of one postcode, or searched by words."""
    officer(session, "intelligence")
    query = select(AddressIntelligence, Provider.name).outerjoin(
        Provider, AddressIntelligence.provider_id == Provider.id).where(AddressIntelligence.deleted.is_(False))
    if span is not None:
        query = query.where(AddressIntelligence.received_on >= span.first,
                            AddressIntelligence.received_on <= span.last)
    if postcode:
        query = query.where(AddressIntelligence.postcode == (postcode_key(postcode) or postcode.strip().upper()))
    if provider_id is not None:
        query = query.where(AddressIntelligence.provider_id == provider_id)
    found = [IntelligenceLine(i.id, i.address, i.postcode, i.source, i.received_on, i.summary, i.provider_id,
                              name or "", i.response, i.responded_on)
             for i, name in session.execute(query.order_by(AddressIntelligence.received_on.desc()))]
    for word in text.lower().split():
        found = [i for i in found if word in f"{i.address} {i.postcode or ''} {i.summary} {i.provider} "
                                             f"{i.source.label}".lower()]
    return found


@dataclass(frozen=True)
class ProviderMatch:
    """A provider of the register with a property at the address."""

    provider_id: str
    provider: str
    setting: str
    same_address: bool  # the first line of the address matches too, not only the postcode


def possible_providers(session: Session, address: str, postcode: str | None) -> list[ProviderMatch]:
    """The register's providers with a property at this postcode, those at the same address first."""
    officer(session, "the provider register")
    key = postcode_key(postcode)
    if key is None:
        return []
    spellings = {key, key.replace(" ", "")}
    folded = address_key(address)
    found = []
    for setting, name in session.execute(
            select(Setting, Provider.name).join(Provider, Setting.provider_id == Provider.id)
            .where(Setting.deleted.is_(False), Provider.deleted.is_(False), Setting.postcode.in_(sorted(spellings)))):
        first = address_key(setting.address_line1 or setting.name)
        found.append(ProviderMatch(setting.provider_id, name, setting.name, bool(first) and first in folded))
    return sorted(found, key=lambda m: (not m.same_address, m.provider.casefold()))
