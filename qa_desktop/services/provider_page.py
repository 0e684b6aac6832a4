"""Everything about one provider on one page: its facts, settings, visit history, what is due
(Figures 1 and 2), its open actions (from action plans and visits, Figure 8), its QA cases with the
risk rating by year (Figures 6 and 7) and the sanctions in force.

Gathered in one read so the window and ``qa-desktop provider URN`` show the same thing, as plain
frozen data (no ORM row outlives the read).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.oversight import CaseSource, CaseStatus
from qa_desktop.domain.risk import IfaArea, IfaConcern, IfaRiskFlags
from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.services.due import DueItem, due_items
from qa_desktop.services.oversight import (
    TrackedAction,
    YearRating,
    ifa_flags,
    provider_warnings,
    rating_history,
    tracked_actions,
)
from qa_desktop.services.placements import PlacementLine, placements
from qa_desktop.services.providers import (
    CommissionerLine,
    ContactLine,
    ElementLine,
    contacts,
    elements,
    provider_commissioners,
)
from qa_desktop.services.read_memo import remembering
from qa_desktop.services.reviews import ReviewLine, reviews
from qa_desktop.services.sanctions import SanctionRow, sanctions_list
from qa_desktop.store.access import officer
from qa_desktop.store.models import Provider, QaCase, Setting, Visit, VisitAction


@dataclass(frozen=True)
class SettingLine:
    id: str
    name: str
    address: str
    capacity: int | None
    next_visit: DueItem | None


@dataclass(frozen=True)
class VisitLine:
    id: str
    visit_date: dt.date
    setting: str
    level: str
    announced: bool
    status: str
    officers: str
    actions: int


@dataclass(frozen=True)
class CaseLine:
    """A QA case as the provider page and ``qa-desktop provider`` list it."""

    id: str
    opened_on: dt.date
    source: CaseSource
    category: str
    status: CaseStatus
    summary: str
    safeguarding: bool
    significant: bool
    closed_on: dt.date | None
    outcome: str | None

    @classmethod
    def of(cls, case: QaCase) -> CaseLine:
        return cls(case.id, case.opened_on, case.source, case.category, case.status, case.summary, case.safeguarding,
                   case.significant, case.closed_on, case.outcome)


@dataclass(frozen=True)
class ProviderOverview:
    id: str
    name: str
    facts: list[tuple[str, str]]  # (label, value) in reading order, blanks left out
    settings: list[SettingLine]
    visits: list[VisitLine]  # newest first
    due: list[DueItem]       # most urgent first
    actions: list[TrackedAction]  # open ones, overdue first, then by due time
    cases: list[CaseLine]    # newest first
    ratings: list[YearRating]  # Figure 6 by year, newest first
    ifa: IfaRiskFlags | None   # Figure 7, for an IFA
    ifa_concerns: Mapping[IfaArea, IfaConcern | None]  # what was recorded in each area (before an embargo's HIGH)
    sanctions: list[SanctionRow]
    warnings: list[str]      # embargoes, restrictions, a HIGH rating: in words
    # the caseload (issue 16)
    monitored: bool = False
    in_use: bool = False     # a child placed there now
    contacts: list[ContactLine] = field(default_factory=list)
    elements: list[ElementLine] = field(default_factory=list)   # of a bespoke package (Section 9)
    reviews: list[ReviewLine] = field(default_factory=list)     # newest first
    placements: list[PlacementLine] = field(default_factory=list)  # newest first
    commissioners: list[CommissionerLine] = field(default_factory=list)  # Figure 4's, or the one set
    service_type_value: str = ""  # the provider's service type (its value), for forms that depend on it

    @property
    def overdue_actions(self) -> int:
        return sum(1 for a in self.actions if a.overdue)


def provider_overview(session: Session, provider_id: str, now: dt.datetime) -> ProviderOverview:
    """The page, read in one unit of work; what several of its parts ask alike (the embargoes in
    force, the open alerts, this year's rating, the framework) is read once (``read_memo``)."""
    with remembering(session):
        return _overview(session, provider_id, now)


def _overview(session: Session, provider_id: str, now: dt.datetime) -> ProviderOverview:
    officer(session, "provider records")
    provider = session.get(Provider, provider_id)
    if provider is None or provider.deleted:
        raise VisitRuleError("That provider is not in the register (it may have been deleted).")
    today = now.astimezone().date()
    judgement = provider.judgement.label if provider.judgement else ""
    if judgement and provider.judgement_date:
        judgement += f" ({provider.judgement_date:%d %b %Y})"
    helped = provider.judgement_helped_protected.label if provider.judgement_helped_protected else ""
    tier = provider.tier_shown.value if provider.tier_shown else ""
    if provider.tier_override is not None:
        derived = provider.tier.value if provider.tier else "none"
        tier += f" (set by hand: {provider.tier_override_reason}; Section 3 gives {derived})"
    monitored = "No"
    if provider.monitored:
        by = f", by {provider.monitored_by.label}" if provider.monitored_by else ""
        since = f" since {provider.monitored_on:%d %b %Y}" if provider.monitored_on else ""
        monitored = f"Yes{since}{by}: {provider.monitored_reason or ''}".rstrip(": ")
    elif provider.monitored_reason:
        monitored = f"No (since {provider.monitored_on:%d %b %Y}: {provider.monitored_reason})" \
            if provider.monitored_on else f"No ({provider.monitored_reason})"
    placed = placements(session, now, provider_id=provider_id)
    current = [p for p in placed if p.current]
    leads = provider_commissioners(session, provider_id)
    lead_words = "; ".join(c.name + (f" ({c.email})" if c.email else "") for c in leads)
    if leads and provider.lead_commissioner_id is None:
        lead_words += " (Figure 4)"
    facts = [
        ("Monitored by us", monitored),
        ("In use", f"Yes: {len(current)} placed now" if current else ""),
        ("URN", provider.urn or "None (not registered)"), ("Service type", provider.service_type.label),
        ("Provision type", provider.provision_type or ""), ("Owned by", provider.organisation or ""),
        ("Registration", provider.registration_status or ""), ("Latest judgement", judgement),
        ("Helped and protected", helped),
        ("Regulator", provider.regulator.label if provider.regulator else ""),
        ("Contract route", provider.contract_route.label if provider.contract_route else ""),
        ("Framework", provider.framework_name or ""), ("Framework tier", tier),
        ("Lead commissioner", lead_words),
        ("Places", str(provider.capacity) if provider.capacity else ""),
        ("Local authority", provider.local_authority or ""),
    ]
    due = due_items(session, today, include_scheduled=True, provider_id=provider_id)
    next_visit = {item.setting_id: item for item in due if item.setting_id}
    settings = list(session.scalars(select(Setting).where(Setting.provider_id == provider_id,
                                                           Setting.deleted.is_(False)).order_by(Setting.name)))
    names = {s.id: s.name for s in settings}
    visits = session.scalars(select(Visit).where(Visit.setting_id.in_(names), Visit.deleted.is_(False))
                             .order_by(Visit.visit_date.desc())).all()
    actions = session.scalars(select(VisitAction).where(VisitAction.visit_id.in_([v.id for v in visits]),
                                                        VisitAction.deleted.is_(False))).all()
    counts: dict[str, int] = {}
    for action in actions:
        counts[action.visit_id] = counts.get(action.visit_id, 0) + 1
    return ProviderOverview(
        id=provider.id, name=provider.name, facts=[(k, v) for k, v in facts if v],
        settings=[SettingLine(s.id, s.name, s.address, s.capacity, next_visit.get(s.id)) for s in settings],
        visits=[VisitLine(v.id, v.visit_date, names[v.setting_id], v.level.label, v.announced,
                          v.status.value.replace("_", " ").capitalize(),
                          ", ".join(v.officers), counts.get(v.id, 0)) for v in visits],
        due=[item for item in due if item.due.status.value in ("overdue", "due", "scheduled", "before placement")],
        actions=tracked_actions(session, now, provider_id=provider_id),
        cases=[CaseLine.of(c) for c in session.scalars(select(QaCase).where(
            QaCase.provider_id == provider_id, QaCase.deleted.is_(False)).order_by(QaCase.opened_on.desc()))],
        ratings=rating_history(session, provider_id), ifa=ifa_flags(session, provider_id, today),
        ifa_concerns={IfaArea.PERFORMANCE_PRACTICE: provider.ifa_performance,
                      IfaArea.SAFEGUARDING: provider.ifa_safeguarding,
                      IfaArea.CONTRACT_COMPLIANCE: provider.ifa_contract},
        sanctions=sanctions_list(session, today, provider_id=provider_id),
        warnings=provider_warnings(session, provider_id, today),
        monitored=bool(provider.monitored), in_use=bool(current), contacts=contacts(session, provider_id),
        elements=elements(session, provider_id), reviews=reviews(session, provider_id=provider_id), placements=placed,
        commissioners=leads, service_type_value=provider.service_type.value)
