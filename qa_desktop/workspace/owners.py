"""Whose screens show a changed record: the providers and visits it belongs to (``Workspace._owners``).

Kept apart from ``workspace.core`` so that a workspace made from the register's first look does not
import the models before the window's first paint (issue 22's cold start).

The links read (an answer's visit, a visit's setting, a setting's provider) are kept in ``OwnerLinks``:
every answer given on a visit screen asked the same three look-ups again (a read session and three
statements, about half a millisecond of each answer's 10 ms on a slow laptop, issue 22), and a row's
link changes only by a change of that row, which reaches the op log and so every catch-up: the
workspace forgets the links of every row a change touches before it asks whose screens show it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from qa_desktop.store.driver import driver_rows
from qa_desktop.store.models import (
    ActionPlan,
    AddressIntelligence,
    Answer,
    ComplianceReview,
    Contact,
    Embargo,
    FundingRequest,
    MeetingAction,
    MeetingTopic,
    NotificationUpdate,
    PackageElement,
    Placement,
    PlanAction,
    PlanningApplication,
    QaCase,
    RegistrationApplication,
    RegulatoryAlert,
    ReportRecipient,
    ReportRevision,
    ReviewAction,
    ReviewItem,
    Setting,
    UnregulatedNotification,
    Visit,
    VisitAction,
    VisitTemplate,
)
from qa_desktop.store.oplog import CHUNK

#: Tables whose rows belong to a provider directly, to a setting, or to a visit.
_BY_PROVIDER: dict[str, Any] = {"compliance_reviews": ComplianceReview, "qa_cases": QaCase, "action_plans": ActionPlan,
                "embargoes": Embargo, "regulatory_alerts": RegulatoryAlert, "contacts": Contact,
                # the tracker's records that name a provider (the others belong to no provider's page)
                "meeting_topics": MeetingTopic, "meeting_actions": MeetingAction, "funding_requests": FundingRequest,
                "unregulated_notifications": UnregulatedNotification,
                "registration_applications": RegistrationApplication, "planning_applications": PlanningApplication,
                "address_intelligence": AddressIntelligence,
                "package_elements": PackageElement, "report_revisions": ReportRevision}
_BY_REVIEW: dict[str, Any] = {"review_items": ReviewItem, "review_actions": ReviewAction}
_BY_SETTING: dict[str, Any] = {"visits": Visit, "placements": Placement}
_BY_VISIT: dict[str, Any] = {"answers": Answer, "visit_templates": VisitTemplate, "visit_actions": VisitAction,
             "report_revisions": ReportRevision}



class OwnerLinks:
    """The owner links read so far: (table, row id) -> {column: the id it holds}. Only links found
    are kept (a row not there yet is asked again). ``forget`` the rows a change touched before the
    change's owners are looked up (``Workspace._owners``), ``clear`` when anything may have changed.
    Safe across threads (a sync tells its changes from its worker thread): one lock over forgetting,
    reading and keeping."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._links: dict[tuple[str, str], dict[str, str]] = {}

    def forget(self, touched: Iterable[tuple[str, str]]) -> None:
        for row in touched:
            self._links.pop(row, None)

    def clear(self) -> None:
        self._links.clear()

    def get(self, table: str, row_id: str, column: str) -> str | None:
        links = self._links.get((table, row_id))
        return None if links is None else links.get(column)

    def keep(self, table: str, row_id: str, column: str, value: str) -> None:
        self._links.setdefault((table, row_id), {})[column] = value

    def __len__(self) -> int:
        return len(self._links)


def owners_of(session: Session, by_entity: dict[str, set[str]], visits: set[str],
              links: OwnerLinks | None = None) -> tuple[set[str], set[str]]:
    """The providers and visits (beside ``visits``, those changed themselves) whose screens show the
    records ``by_entity`` names (table -> ids); the providers changed themselves are the caller's.
    ``links``: those already read (and where to keep those read now); the caller holds its lock."""
    providers: set[str] = set()
    # a document's recipients belong to its revision, which belongs to a visit or a provider
    revisions = set(by_entity.get("report_revisions", ()))
    revisions |= _linked(session, ReportRecipient, ReportRecipient.revision_id,
                         by_entity.get("report_recipients", ()), links)
    if revisions:
        by_entity["report_revisions"] = revisions
    for entity, model in _BY_VISIT.items():
        visits |= _linked(session, model, model.visit_id, by_entity.get(entity, ()), links)
    plans = _linked(session, PlanAction, PlanAction.plan_id, by_entity.get("plan_actions", ()), links)
    providers |= _linked(session, ActionPlan, ActionPlan.provider_id, plans, links)
    notified = _linked(session, NotificationUpdate, NotificationUpdate.notification_id,
                       by_entity.get("notification_updates", ()), links)
    providers |= _linked(session, UnregulatedNotification, UnregulatedNotification.provider_id, notified, links)
    reviews: set[str] = set()
    for entity, model in _BY_REVIEW.items():
        reviews |= _linked(session, model, model.review_id, by_entity.get(entity, ()), links)
    providers |= _linked(session, ComplianceReview, ComplianceReview.provider_id, reviews, links)
    for entity, model in _BY_PROVIDER.items():
        providers |= _linked(session, model, model.provider_id, by_entity.get(entity, ()), links)
    settings = set(by_entity.get("settings", ()))
    settings |= _linked(session, Visit, Visit.setting_id, visits, links)
    for entity, model in _BY_SETTING.items():
        settings |= _linked(session, model, model.setting_id, by_entity.get(entity, ()), links)
    providers |= _linked(session, Setting, Setting.provider_id, settings, links)
    return providers, visits


def _linked(session: Session, model: type, column: object, ids: Iterable[str], links: OwnerLinks | None) -> set[str]:
    """``column`` of the rows of ``model`` with these ids: those in ``links`` from there, the others
    read (each a small indexed look-up) and kept there."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    table = model.__table__  # type: ignore[attr-defined]
    name: str = table.c[column.key].name  # type: ignore[attr-defined]
    found: set[str] = set()
    if links is not None:
        unknown = []
        for row_id in wanted:
            value = links.get(table.name, row_id, name)
            if value is None:
                unknown.append(row_id)
            else:
                found.add(value)
        wanted = unknown
        if not wanted:
            return found
    statement = _STATEMENTS.get(column)
    if statement is None:
        statement = _STATEMENTS[column] = f'SELECT id, "{name}" FROM "{table.name}" WHERE id IN '
    connection = session.connection()
    for start in range(0, len(wanted), CHUNK):
        chunk = tuple(wanted[start:start + CHUNK])
        for row_id, value in driver_rows(connection, f"{statement}({','.join('?' * len(chunk))})", chunk):
            if value:
                found.add(value)
                if links is not None:
                    links.keep(table.name, row_id, name, value)
    return found


#: Per column, its look-up by id, with the id (plain SQL for the driver: ids and the ids found are plain text):
#: every save asks whose screens show what it changed (an answer: its visit, the visit's setting, the
#: setting's provider), and building the statements, and SQLAlchemy's handling of each, were most of
#: that (issue 22).
_STATEMENTS: dict[object, str] = {}
