"""Whose screens show a changed record: the providers and visits it belongs to (``Workspace._owners``).

Kept apart from ``workspace.core`` so that a workspace made from the register's first look does not
import the models before the window's first paint (issue 22's cold start).
"""

from __future__ import annotations

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



def owners_of(session: Session, by_entity: dict[str, set[str]], visits: set[str]) -> tuple[set[str], set[str]]:
    """The providers and visits (beside ``visits``, those changed themselves) whose screens show the
    records ``by_entity`` names (table -> ids); the providers changed themselves are the caller's."""
    providers: set[str] = set()
    # a document's recipients belong to its revision, which belongs to a visit or a provider
    revisions = set(by_entity.get("report_revisions", ()))
    revisions |= _column(session, ReportRecipient, ReportRecipient.revision_id,
                         by_entity.get("report_recipients", ()))
    if revisions:
        by_entity["report_revisions"] = revisions
    for entity, model in _BY_VISIT.items():
        visits |= _column(session, model, model.visit_id, by_entity.get(entity, ()))
    plans = _column(session, PlanAction, PlanAction.plan_id, by_entity.get("plan_actions", ()))
    providers |= _column(session, ActionPlan, ActionPlan.provider_id, plans)
    notified = _column(session, NotificationUpdate, NotificationUpdate.notification_id,
                       by_entity.get("notification_updates", ()))
    providers |= _column(session, UnregulatedNotification, UnregulatedNotification.provider_id, notified)
    reviews: set[str] = set()
    for entity, model in _BY_REVIEW.items():
        reviews |= _column(session, model, model.review_id, by_entity.get(entity, ()))
    providers |= _column(session, ComplianceReview, ComplianceReview.provider_id, reviews)
    for entity, model in _BY_PROVIDER.items():
        providers |= _column(session, model, model.provider_id, by_entity.get(entity, ()))
    settings = set(by_entity.get("settings", ()))
    settings |= _column(session, Visit, Visit.setting_id, visits)
    for entity, model in _BY_SETTING.items():
        settings |= _column(session, model, model.setting_id, by_entity.get(entity, ()))
    providers |= _column(session, Setting, Setting.provider_id, settings)
    return providers, visits


def _column(session: Session, model: type, column: object, ids: Iterable[str]) -> set[str]:
    """``column`` of the rows of ``model`` with these ids (each a small indexed look-up)."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    statement = _STATEMENTS.get(column)
    if statement is None:
        table = model.__table__  # type: ignore[attr-defined]
        name = table.c[column.key].name  # type: ignore[attr-defined]
        statement = _STATEMENTS[column] = f'SELECT "{name}" FROM "{table.name}" WHERE id IN '
    connection = session.connection()
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = tuple(wanted[start:start + CHUNK])
        found.update(v for (v,) in driver_rows(connection, f"{statement}({','.join('?' * len(chunk))})", chunk) if v)
    return found


#: Per column, its look-up by id (plain SQL for the driver: ids and the ids found are plain text):
#: every save asks whose screens show what it changed (an answer: its visit, the visit's setting, the
#: setting's provider), and building the statements, and SQLAlchemy's handling of each, were most of
#: that (issue 22).
_STATEMENTS: dict[object, str] = {}
