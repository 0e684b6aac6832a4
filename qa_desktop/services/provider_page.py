"""Everything about one provider on one page: its facts, settings, visit history, what is due
(Figures 1 and 2), its open actions (from action plans and visits, Figure 8), its QA cases with the
risk rating by year (Figures 6 and 7) and the sanctions in force.

Gathered in one read so the window and ``qa-desktop provider URN`` show the same thing, as plain
frozen data (no ORM row outlives the read).

The window shows one tab of the page at a time: it may leave the lists of the other tabs that need
nothing but their own rows (``LAZY_LISTS``: visits, cases, contacts, package, reviews) unread, and
read each when its tab is shown (``page_list``); the page then carries their counts, for the tabs'
words, from one read (``ProviderOverview.counts``). Moving down the register read every list of
every provider passed, most of them never looked at (issue 22).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from qa_desktop.domain.compliance import ReviewStatus
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
from qa_desktop.store.driver import core_rows
from qa_desktop.store.models import (
    ComplianceReview,
    Contact,
    PackageElement,
    Provider,
    QaCase,
    Setting,
    Visit,
    VisitAction,
)

#: The page's lists a caller may leave unread (``provider_overview(..., lists=...)``), each read
#: alone by ``page_list`` when its tab is shown: what shows on the page's other parts or in the
#: tabs' words needs only their counts (``ProviderOverview.counts``).
LAZY_LISTS = frozenset({"visits", "cases", "contacts", "elements", "reviews"})


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
    #: the lists of ``LAZY_LISTS`` left unread (empty here: read them with ``page_list``)
    unread: frozenset[str] = frozenset()
    #: how many visits, contacts, elements and reviews (and reviews in progress) the provider has,
    #: read or not: the tabs' words
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def overdue_actions(self) -> int:
        return sum(1 for a in self.actions if a.overdue)


def provider_overview(session: Session, provider_id: str, now: dt.datetime, *,
                      lists: Collection[str] | None = None) -> ProviderOverview:
    """The page, read in one unit of work; what several of its parts ask alike (the embargoes in
    force, the open alerts, this year's rating, the framework) is read once (``read_memo``).
    With ``lists``, of ``LAZY_LISTS`` only those named are read (the others: ``page_list``)."""
    with remembering(session):
        return _overview(session, provider_id, now, LAZY_LISTS if lists is None else LAZY_LISTS & set(lists))


def page_list(session: Session, provider_id: str, name: str) -> Sequence[Any]:
    """One of the page's ``LAZY_LISTS`` (its tab shown): the rows the whole page would carry."""
    officer(session, "provider records")
    if name == "visits":
        return _visits(session, provider_id)
    if name == "cases":
        return _cases(session, provider_id)
    if name == "contacts":
        return contacts(session, provider_id)
    if name == "elements":
        return elements(session, provider_id)
    if name == "reviews":
        return reviews(session, provider_id=provider_id)
    raise ValueError(f"not a list of the provider page: {name!r}")


def _visits(session: Session, provider_id: str, names: Mapping[str, str] | None = None) -> list[VisitLine]:
    """The provider's visits, newest first; ``names``: its settings' (when the caller has read them)."""
    if names is None:
        names = dict(session.execute(select(Setting.id, Setting.name).where(
            Setting.provider_id == provider_id, Setting.deleted.is_(False))).all())
    visits = session.scalars(select(Visit).where(Visit.setting_id.in_(names), Visit.deleted.is_(False))
                             .order_by(Visit.visit_date.desc())).all()
    counts: dict[str, int] = dict(session.execute(  # open or done: the actions each visit raised
        select(VisitAction.visit_id, func.count()).where(VisitAction.visit_id.in_([v.id for v in visits]),
                                                          VisitAction.deleted.is_(False))
        .group_by(VisitAction.visit_id)).all())
    return [VisitLine(v.id, v.visit_date, names[v.setting_id], v.level.label, v.announced,
                      v.status.value.replace("_", " ").capitalize(), ", ".join(v.officers), counts.get(v.id, 0))
            for v in visits]


def _cases(session: Session, provider_id: str) -> list[CaseLine]:
    return [CaseLine.of(c) for c in session.scalars(select(QaCase).where(
        QaCase.provider_id == provider_id, QaCase.deleted.is_(False)).order_by(QaCase.opened_on.desc()))]


@functools.cache
def _counts_read() -> Select[*tuple[Any, ...]]:
    """How long the unread lists are, one read built once (``provider_id`` bound at each call)."""
    def count(model: Any, *where: Any) -> Any:
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    provider_id: Any = bindparam("provider_id")
    settings = select(Setting.id).where(Setting.provider_id == provider_id, Setting.deleted.is_(False))
    review = [ComplianceReview.provider_id == provider_id, ComplianceReview.deleted.is_(False)]
    return select(
        count(Visit, Visit.setting_id.in_(settings), Visit.deleted.is_(False)),
        count(Contact, Contact.provider_id == provider_id, Contact.deleted.is_(False)),
        count(PackageElement, PackageElement.provider_id == provider_id, PackageElement.deleted.is_(False)),
        count(ComplianceReview, *review),
        count(ComplianceReview, *review, ComplianceReview.status == ReviewStatus.IN_PROGRESS))


def _counts(session: Session, provider_id: str) -> dict[str, int]:
    """How long the unread lists are, in one read (each by the provider's own index)."""
    row = core_rows(session, _counts_read(), {"provider_id": provider_id}).one()
    return dict(zip(("visits", "contacts", "elements", "reviews", "reviews_in_progress"), row, strict=True))


@functools.cache
def _settings_read() -> Select[Setting]:
    return (select(Setting).where(Setting.provider_id == bindparam("provider_id"), Setting.deleted.is_(False))
            .order_by(Setting.name))


def _overview(session: Session, provider_id: str, now: dt.datetime, lists: Collection[str]) -> ProviderOverview:
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
    settings = list(session.scalars(_settings_read(), {"provider_id": provider_id}))
    visits = _visits(session, provider_id, {s.id: s.name for s in settings}) if "visits" in lists else []
    element_lines = elements(session, provider_id) if "elements" in lists else []
    contact_lines = contacts(session, provider_id) if "contacts" in lists else []
    review_lines = reviews(session, provider_id=provider_id) if "reviews" in lists else []
    unread = LAZY_LISTS - set(lists)
    counts = _counts(session, provider_id) if unread & {"visits", "contacts", "elements", "reviews"} else {}
    counts.update({"visits": len(visits)} if "visits" in lists else {})
    counts.update({"contacts": len(contact_lines)} if "contacts" in lists else {})
    counts.update({"elements": len(element_lines)} if "elements" in lists else {})
    if "reviews" in lists:
        counts.update(reviews=len(review_lines),
                      reviews_in_progress=sum(1 for r in review_lines if r.status is ReviewStatus.IN_PROGRESS))
    return ProviderOverview(
        id=provider.id, name=provider.name, facts=[(k, v) for k, v in facts if v],
        settings=[SettingLine(s.id, s.name, s.address, s.capacity, next_visit.get(s.id)) for s in settings],
        visits=visits,
        due=[item for item in due if item.due.status.value in ("overdue", "due", "scheduled", "before placement")],
        actions=tracked_actions(session, now, provider_id=provider_id),
        cases=_cases(session, provider_id) if "cases" in lists else [],
        ratings=rating_history(session, provider_id), ifa=ifa_flags(session, provider_id, today),
        ifa_concerns={IfaArea.PERFORMANCE_PRACTICE: provider.ifa_performance,
                      IfaArea.SAFEGUARDING: provider.ifa_safeguarding,
                      IfaArea.CONTRACT_COMPLIANCE: provider.ifa_contract},
        sanctions=sanctions_list(session, today, provider_id=provider_id),
        warnings=provider_warnings(session, provider_id, today),
        monitored=bool(provider.monitored), in_use=bool(current), contacts=contact_lines,
        elements=element_lines, reviews=review_lines, placements=placed,
        commissioners=leads, service_type_value=provider.service_type.value, unread=frozenset(unread),
        counts=counts)
