"""What is due or overdue across the register: QA visits per setting (Figure 2) and compliance
reviews per provider (Figure 1), with the 24-48 hour rule for placements that started first.

Only completed visits count towards the cycle; a review done as the "minimum urgent" set does not
complete the full review (Section 11 says the full review must still follow within 24-48 hours).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa_desktop.domain.schedule import Due, DueStatus, next_review_due, next_visit_due
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.visits import VisitStatus
from qa_desktop.store.access import officer
from qa_desktop.store.models import ComplianceReview, Placement, Provider, Setting, Visit


@dataclass(frozen=True)
class DueItem:
    provider_id: str
    provider_name: str
    urn: str | None
    service_type: ServiceType
    setting_id: str | None  # None for a compliance review (it is of the provider)
    setting_name: str | None
    due: Due


_ORDER = {DueStatus.OVERDUE: 0, DueStatus.DUE: 1, DueStatus.SCHEDULED: 2, DueStatus.NOT_REQUIRED: 3}


def provider_due(session: Session, today: dt.date, *,
                 provider_ids: Collection[str] | None = None) -> dict[str, DueItem]:
    """Each provider's most urgent visit or review (overdue first, then the earliest date); of
    only ``provider_ids`` when given (the providers a change touched, so the register need not
    work out the whole of it again)."""
    most_urgent: dict[str, DueItem] = {}
    for item in due_items(session, today, include_scheduled=True, provider_ids=provider_ids):  # most urgent first
        most_urgent.setdefault(item.provider_id, item)
    return most_urgent


def due_items(session: Session, today: dt.date, *, include_scheduled: bool = False,
              provider_id: str | None = None, provider_ids: Collection[str] | None = None) -> list[DueItem]:
    """Every visit and review that is overdue or due soon (all of them with ``include_scheduled``),
    most urgent first; of one provider with ``provider_id``, of some with ``provider_ids``."""
    officer(session, "what is due across the register")
    wanted = [provider_id] if provider_id is not None else sorted(provider_ids) if provider_ids is not None else None
    of_providers = [Provider.id.in_(wanted)] if wanted is not None else []
    of_settings = [Setting.provider_id.in_(wanted)] if wanted is not None else []
    setting_ids = select(Setting.id).where(*of_settings)
    of_visits = [Visit.setting_id.in_(setting_ids)] if wanted is not None else []
    of_reviews = [ComplianceReview.provider_id.in_(wanted)] if wanted is not None else []
    of_placements = [Placement.setting_id.in_(setting_ids)] if wanted is not None else []
    last_visit = dict(session.execute(
        select(Visit.setting_id, func.max(Visit.visit_date))
        .where(Visit.deleted.is_(False), Visit.status == VisitStatus.COMPLETED, *of_visits)
        .group_by(Visit.setting_id)).all())
    last_review = dict(session.execute(
        select(ComplianceReview.provider_id, func.max(ComplianceReview.review_date))
        .where(ComplianceReview.deleted.is_(False), ComplianceReview.minimum_only.is_(False), *of_reviews)
        .group_by(ComplianceReview.provider_id)).all())
    starts: dict[str, list[dt.datetime]] = defaultdict(list)
    for setting_id, started_at in session.execute(
            select(Placement.setting_id, Placement.started_at).where(Placement.deleted.is_(False), *of_placements)):
        starts[setting_id].append(started_at)

    items: list[DueItem] = []
    providers = session.scalars(select(Provider).where(Provider.deleted.is_(False), *of_providers))
    settings_by_provider: dict[str, list[Setting]] = defaultdict(list)
    for setting in session.scalars(select(Setting).where(Setting.deleted.is_(False), *of_settings)):
        settings_by_provider[setting.provider_id].append(setting)
    for provider in providers:
        settings = settings_by_provider[provider.id]
        provider_starts = [s for setting in settings for s in starts[setting.id]]
        review = next_review_due(provider.service_type, last_review.get(provider.id), today,
                                 placement_starts=provider_starts)
        items.append(DueItem(provider.id, provider.name, provider.urn, provider.service_type, None, None, review))
        for setting in settings:
            visit = next_visit_due(provider.service_type, last_visit.get(setting.id), today,
                                   placement_starts=starts[setting.id])
            items.append(DueItem(provider.id, provider.name, provider.urn, provider.service_type,
                                 setting.id, setting.name, visit))
    shown = {DueStatus.OVERDUE, DueStatus.DUE} | ({DueStatus.SCHEDULED} if include_scheduled else set())
    items = [item for item in items if item.due.status in shown]
    items.sort(key=lambda i: (_ORDER[i.due.status], i.due.due_on or today, i.provider_name.lower()))
    return items
