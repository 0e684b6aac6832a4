"""QA oversight (Section 12) as services: the duty log of cases and the risk ratings it gives,
action plans and the tracking of every action (from plans and from visits), embargoes, regulatory
alerts. The lists built from them (the sanctions list, the dashboard) are in ``services.sanctions``.

Every change goes through ``Changes``, so it is recorded, synced and audited like a visit answer.
Dates are the caller's (``today``/``now``), so the rules are tested at their boundaries. What is
read comes back as frozen dataclasses, never ORM rows: no row outlives the read that found it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, String, bindparam, case, extract, func, select, type_coerce
from sqlalchemy.orm import Session

from qa_desktop.domain.oversight import (
    AlertKind,
    CaseSource,
    CaseStatus,
    EmbargoKind,
    EmbargoScope,
    InformalReason,
    OversightError,
    PlanKind,
    RemovalReason,
    alert_review_date,
    check_embargo,
    check_removal,
    is_active,
)
from qa_desktop.domain.registration import JUDGEMENT_ALERTS
from qa_desktop.domain.regulation import Regulator
from qa_desktop.domain.risk import IfaArea, IfaConcern, IfaRiskFlags, Rag, rag_for_year
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel, action_due
from qa_desktop.forms.template import TemplateInvalid, parse_template
from qa_desktop.services.council import framework
from qa_desktop.services.read_memo import remembered
from qa_desktop.services.register_rows import ratings_of
from qa_desktop.store.access import lead, officer
from qa_desktop.store.database import Store
from qa_desktop.store.driver import core_rows
from qa_desktop.store.models import (
    ActionPlan,
    ComplianceReview,
    Embargo,
    Meeting,
    MeetingAction,
    PlanAction,
    Provider,
    QaCase,
    RegulatoryAlert,
    ReviewAction,
    Setting,
    Visit,
    VisitAction,
    VisitTemplate,
)


def _live_provider(session: Session, provider_id: str) -> Provider:
    officer(session, "providers' cases, plans, embargoes or alerts")
    provider = session.get(Provider, provider_id)
    if provider is None or provider.deleted:
        raise OversightError("That provider is not in the register (it may have been deleted).")
    return provider


def _existing(changes: object, model: type, record_id: str, what: str):  # noqa: ANN202 (the model's row)
    """The live row, or a refusal naming what was not found."""
    officer(changes.session, f"or change a {what}")  # type: ignore[attr-defined]
    row = changes.session.get(model, record_id)  # type: ignore[attr-defined]
    if row is None or row.deleted:
        raise OversightError(f"That {what} does not exist (it may have been deleted).")
    return row


def _words(text: str | None, what: str) -> str:
    if not text or not text.strip():
        raise OversightError(f"Write {what}.")
    return text.strip()


# -- cases and ratings (Figures 6 and 7) --------------------------------------------------------------

def log_case(store: Store, provider_id: str, *, opened_on: dt.date, source: CaseSource, category: str,
             summary: str, safeguarding: bool = False, significant: bool = False,
             quality_concern: bool = False) -> str:
    """Log a case. A quality concern, a safeguarding matter or a significant concern makes a
    compliance review (and, for a service that accommodates children, a QA visit) due at once
    while it is open (Figures 1 and 2, ``services.due``)."""
    with store.write() as changes:
        _live_provider(changes.session, provider_id)
        case = changes.create(QaCase, provider_id=provider_id, opened_on=opened_on, source=source,
                              category=_words(category, "the case's category"),
                              summary=_words(summary, "a summary of the concern"), safeguarding=safeguarding,
                              significant=significant, status=CaseStatus.OPEN, quality_concern=quality_concern)
        return case.id


def close_case(store: Store, case_id: str, *, closed_on: dt.date, outcome: str) -> None:
    with store.write() as changes:
        case = _existing(changes, QaCase, case_id, "case")
        if closed_on < case.opened_on:
            raise OversightError("A case cannot close before it was opened.")
        changes.update(case, status=CaseStatus.CLOSED, closed_on=closed_on, outcome=_words(outcome, "the outcome"))


@dataclass(frozen=True)
class CaseEntry:
    """A case of the duty log, with its provider's name (the ``cases`` command lists every provider's)."""

    id: str
    provider_id: str
    provider: str
    opened_on: dt.date
    source: CaseSource
    category: str
    summary: str
    safeguarding: bool
    significant: bool
    status: CaseStatus
    closed_on: dt.date | None
    outcome: str | None


def case_log(session: Session, *, provider_id: str | None = None) -> list[CaseEntry]:
    """The duty log, newest first; of one provider with ``provider_id``."""
    officer(session, "QA cases")
    query = (select(QaCase, Provider.name).join(Provider, QaCase.provider_id == Provider.id)
             .where(QaCase.deleted.is_(False)))
    if provider_id is not None:
        query = query.where(QaCase.provider_id == provider_id)
    return [CaseEntry(c.id, c.provider_id, name, c.opened_on, c.source, c.category, c.summary, c.safeguarding,
                      c.significant, c.status, c.closed_on, c.outcome)
            for c, name in session.execute(query.order_by(QaCase.opened_on.desc()))]


@dataclass(frozen=True)
class YearRating:
    year: int
    cases: int
    significant: int
    rag: Rag


def rating_history(session: Session, provider_id: str) -> list[YearRating]:
    """Figure 6 for each calendar year the provider has cases in, newest first."""
    officer(session, "QA cases")
    rows = core_rows(session, _by_year(), {"provider_id": provider_id}).all()
    figures = framework(session)  # the council's Figure 6 bands, read once
    return sorted((YearRating(int(year), count, int(significant or 0),
                              rag_for_year(count, significant_concern=bool(significant), figures=figures))
                   for year, count, significant in rows), key=lambda r: -r.year)


@functools.cache
def _by_year() -> Select[*tuple[Any, ...]]:
    """``rating_history``'s read, built once (``provider_id`` bound at each call: issue 22)."""
    return (select(extract("year", QaCase.opened_on), func.count(), func.sum(case((QaCase.significant, 1), else_=0)))
            .where(QaCase.provider_id == bindparam("provider_id"), QaCase.deleted.is_(False))
            .group_by(extract("year", QaCase.opened_on)))


def risk_ratings(session: Session, year: int, *, provider_id: str | None = None,
                 provider_ids: Collection[str] | None = None) -> dict[str, Rag]:
    """Every provider's Figure 6 rating for ``year`` (providers with no cases are absent: no rating);
    of one provider with ``provider_id``, of some with ``provider_ids``. The year is a range of
    dates, so the cases of that year are found by the index on ``opened_on`` (not every case ever
    logged, each year worked out again)."""
    officer(session, "risk ratings")
    if provider_id is not None and provider_ids is None:  # a provider's page asks twice (sanctions, warnings)
        return dict(remembered(session, ("risk_rating", year, provider_id),
                               lambda: _risk_ratings(session, year, provider_id, None)))
    return _risk_ratings(session, year, provider_id, provider_ids)


def _risk_ratings(session: Session, year: int, provider_id: str | None,
                  provider_ids: Collection[str] | None) -> dict[str, Rag]:
    wanted = [provider_id] if provider_id else sorted(provider_ids) if provider_ids is not None else None
    if wanted is not None and not wanted:
        return {}
    chunks = [wanted[start:start + 500] for start in range(0, len(wanted), 500)] if wanted is not None else [None]
    cases: list[Any] = []
    for chunk in chunks:
        cases += core_rows(session, _year_cases(chunk is not None), {
            "start": dt.date(year, 1, 1), "end": dt.date(year + 1, 1, 1), "chunk": chunk})
    return ratings_of(cases, framework(session))  # the council's Figure 6 bands, read once


@functools.cache
def _year_cases(of_some: bool) -> Select[*tuple[Any, ...]]:
    """``_risk_ratings``' read, built once: the year (``start``, ``end``) and the providers
    (``chunk``) bound at each call."""
    of_providers = [QaCase.provider_id.in_(bindparam("chunk", expanding=True))] if of_some else []
    return select(QaCase.provider_id, QaCase.significant).where(
        QaCase.deleted.is_(False), QaCase.opened_on >= bindparam("start"), QaCase.opened_on < bindparam("end"),
        *of_providers)


def set_ifa_concern(store: Store, provider_id: str, area: IfaArea, concern: IfaConcern) -> None:
    field = {IfaArea.PERFORMANCE_PRACTICE: "ifa_performance", IfaArea.SAFEGUARDING: "ifa_safeguarding",
             IfaArea.CONTRACT_COMPLIANCE: "ifa_contract"}[area]
    values: dict[str, Any] = {field: concern}
    with store.write() as changes:
        provider = _live_provider(changes.session, provider_id)
        if provider.service_type is not ServiceType.IFA:
            raise OversightError("Figure 7 flags are for independent fostering agencies on the IFA framework.")
        changes.update(provider, **values)


def ifa_flags(session: Session, provider_id: str, today: dt.date) -> IfaRiskFlags | None:
    """Figure 7 for an IFA (an embargo in force makes every area HIGH); None for other services."""
    provider = _live_provider(session, provider_id)
    if provider.service_type is not ServiceType.IFA:
        return None
    concerns = {IfaArea.PERFORMANCE_PRACTICE: provider.ifa_performance, IfaArea.SAFEGUARDING: provider.ifa_safeguarding,
                IfaArea.CONTRACT_COMPLIANCE: provider.ifa_contract}
    return IfaRiskFlags.assess({area: c for area, c in concerns.items() if c is not None},
                               embargo_issued=bool(active_embargoes(session, today, provider_id=provider_id)))


# -- action plans, and tracking every action -----------------------------------------------------------

def issue_action_plan(store: Store, provider_id: str, *, kind: PlanKind, issued_on: dt.date, reason: str,
                      actions: list[tuple[str, ConcernLevel]], raised_at: dt.datetime) -> str:
    """Issue a plan with its actions, each due by Figure 8 from ``raised_at``."""
    with store.write() as changes:
        _live_provider(changes.session, provider_id)
        plan = changes.create(ActionPlan, provider_id=provider_id, kind=kind, issued_on=issued_on,
                              reason=_words(reason, "why the plan is issued"))
        figures = framework(changes.session)  # the council's Figure 8 timescales
        for text, level in actions:
            changes.create(PlanAction, plan_id=plan.id, text=_words(text, "what the action is"), level=level,
                           raised_at=raised_at, due_at=action_due(level, raised_at, figures))
        return plan.id


def add_plan_action(store: Store, plan_id: str, text: str, level: ConcernLevel, raised_at: dt.datetime) -> str:
    with store.write() as changes:
        plan = changes.session.get(ActionPlan, plan_id)
        if plan is None or plan.deleted or plan.removed_on is not None:
            raise OversightError("Actions are added to a plan that is in place.")
        return changes.create(PlanAction, plan_id=plan_id, text=_words(text, "what the action is"), level=level,
                              raised_at=raised_at,
                              due_at=action_due(level, raised_at, framework(changes.session))).id


def remove_action_plan(store: Store, plan_id: str, *, removed_on: dt.date, reason: RemovalReason) -> None:
    with store.write() as changes:
        plan = _existing(changes, ActionPlan, plan_id, "action plan")
        check_removal(plan.kind, reason)
        if removed_on < plan.issued_on:
            raise OversightError("A plan cannot be removed before it was issued.")
        changes.update(plan, removed_on=removed_on, removal_reason=reason)


#: What the social work team is told of (Section 12), by the word a sanctions-list line uses for it.
_TOLD_OF: dict[str, tuple[type[ActionPlan] | type[Embargo], str]] = {"plan": (ActionPlan, "action plan"),
                                                                     "embargo": (Embargo, "embargo")}


def social_work_informed(store: Store, kind: str, record_id: str, on: dt.date) -> None:
    """Record that the social work team was told of a ``kind`` ("plan" or "embargo") record
    (Section 12: they **must** be, for plans and embargoes)."""
    if kind not in _TOLD_OF:
        raise OversightError(f"The social work team is recorded as told of a plan or an embargo, not {kind!r}.")
    model, what = _TOLD_OF[kind]
    with store.write() as changes:
        row = _existing(changes, model, record_id, what)
        changes.update(row, social_work_informed_on=on)


@dataclass(frozen=True)
class TrackedAction:
    """An action from a plan or a visit, as the action list and the dashboard show it."""

    kind: str  # "plan", "visit" or "meeting"
    id: str
    provider_id: str
    provider: str
    source: str
    text: str
    level: ConcernLevel
    raised_at: dt.datetime
    due_at: dt.datetime  # the current due date: the extension's, if extended
    extended: bool
    extension_reason: str | None
    completed_at: dt.datetime | None
    evidence: str | None
    overdue: bool


#: The kinds of tracked action, by the word ``TrackedAction.kind`` uses.
_ACTION_MODELS: dict[str, type[PlanAction] | type[VisitAction] | type[MeetingAction] | type[ReviewAction]] = {
    "plan": PlanAction, "visit": VisitAction, "meeting": MeetingAction, "review": ReviewAction}


def _model(kind: str) -> type[PlanAction] | type[VisitAction] | type[MeetingAction] | type[ReviewAction]:
    try:
        return _ACTION_MODELS[kind]
    except KeyError:
        raise OversightError(f"Unknown kind of action {kind!r}.") from None


def extend_action(store: Store, kind: str, action_id: str, *, new_due: dt.datetime, reason: str) -> None:
    """An extension agreed by the QA team (Section 12): a later date and the reason for it."""
    with store.write() as changes:
        action = _existing(changes, _model(kind), action_id, "action")
        if action.completed_at is not None:
            raise OversightError("That action is already complete.")
        current = action.extended_to or action.due_at
        if current is not None and new_due <= current:  # a meeting's action for someone may have no date
            raise OversightError("An extension must be later than the current due date "
                                 f"({current.astimezone():%d %b %Y %H:%M}).")
        changes.update(action, extended_to=new_due, extension_reason=_words(reason, "why the extension was agreed"))


def complete_action(store: Store, kind: str, action_id: str, *, completed_at: dt.datetime, evidence: str) -> None:
    with store.write() as changes:
        action = _existing(changes, _model(kind), action_id, "action")
        if completed_at < action.raised_at:
            raise OversightError("An action cannot be completed before it was raised.")
        changes.update(action, completed_at=completed_at, evidence=_words(evidence, "the evidence of completion"))


def provider_names(session: Session, provider_ids: Collection[str]) -> dict[str, str]:
    """The names of these providers (a look-up by id each, in chunks)."""
    wanted = sorted(provider_ids)
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        for provider_id, name in session.execute(select(Provider.id, Provider.name).where(
                Provider.id.in_(wanted[start:start + 500]))):
            names[provider_id] = name
    return names


def visit_item_labels(session: Session, visit_ids: list[str]) -> dict[tuple[str, str, str], str]:
    """(visit, template, item) -> the item's words, from the template each visit was started with."""
    labels: dict[tuple[str, str, str], str] = {}
    parsed: dict[str, dict[str, str]] = {}
    if not visit_ids:
        return labels
    for part in session.scalars(select(VisitTemplate).where(VisitTemplate.visit_id.in_(visit_ids))):
        if part.snapshot_id not in parsed:
            try:
                template = parse_template(part.snapshot.text, part.template_key)
                parsed[part.snapshot_id] = {item.key: item.label for item in template.items}
            except TemplateInvalid:
                parsed[part.snapshot_id] = {}
        for key, label in parsed[part.snapshot_id].items():
            labels[(part.visit_id, part.template_key, key)] = label
    return labels


def tracked_actions(session: Session, now: dt.datetime, *, provider_id: str | None = None,
                    include_completed: bool = False, monitored_only: bool = False) -> list[TrackedAction]:
    """Actions from plans in place, from visits and from compliance reviews, overdue first then by
    due date; of monitored providers only with ``monitored_only``."""
    officer(session, "actions")
    found: list[TrackedAction] = []
    reads = _action_reads(bool(provider_id), include_completed)
    params = {"provider_id": provider_id}
    plan_rows = session.execute(reads.plans, params).all()
    rows = session.execute(reads.visits, params).all()
    # the names of the providers listed, not of the whole register
    names = provider_names(session, {plan.provider_id for _, plan in plan_rows} | {s.provider_id for *_, s in rows})
    for action, plan in plan_rows:
        found.append(_tracked("plan", action, plan.provider_id, names,
                              f"{plan.kind.label} issued {plan.issued_on:%d %b %Y}", now))
    labels = visit_item_labels(session, sorted({visit.id for _, visit, _ in rows}))
    for visit_action, visit, setting in rows:
        item = labels.get((visit.id, visit_action.template_key, visit_action.item_key), visit_action.item_key)
        found.append(_tracked("visit", visit_action, setting.provider_id, names,
                              f"Visit to {setting.name}, {visit.visit_date:%d %b %Y}: {item}", now))
    # actions for providers arising from meetings (Section 13), due by Figure 8 like the others
    for meeting_action, meeting in session.execute(reads.meetings, params):
        found.append(_tracked("meeting", meeting_action, meeting_action.provider_id or "", names,
                              f"{meeting.kind.label}, {meeting.held_on:%d %b %Y}", now))
    for review_action, review in session.execute(reads.reviews, params):
        scope = "Minimum urgent review" if review.minimum_only else "Compliance review"
        found.append(_tracked("review", review_action, review.provider_id, names,
                              f"{scope}, {review.review_date:%d %b %Y}", now))
    if not include_completed:
        found = [a for a in found if a.completed_at is None]
    if monitored_only:
        monitored = set(session.scalars(select(Provider.id).where(Provider.monitored.is_(True))))
        found = [a for a in found if a.provider_id in monitored]
    return sorted(found, key=lambda a: (a.completed_at is not None, not a.overdue, a.due_at))


@dataclass(frozen=True)
class _ActionReads:
    """``tracked_actions``' reads, built once (of one provider: ``provider_id`` bound at each call);
    built at each call they cost more than reading one provider's actions (issue 22)."""

    plans: Select[*tuple[Any, ...]]
    visits: Select[*tuple[Any, ...]]
    meetings: Select[*tuple[Any, ...]]
    reviews: Select[*tuple[Any, ...]]


@functools.cache
def _action_reads(one: bool, include_completed: bool) -> _ActionReads:
    plans = select(PlanAction, ActionPlan).join(ActionPlan, PlanAction.plan_id == ActionPlan.id).where(
        PlanAction.deleted.is_(False), ActionPlan.deleted.is_(False), ActionPlan.removed_on.is_(None))
    visits = (select(VisitAction, Visit, Setting).join(Visit, VisitAction.visit_id == Visit.id)
              .join(Setting, Visit.setting_id == Setting.id)
              .where(VisitAction.deleted.is_(False), Visit.deleted.is_(False)))
    if not include_completed:  # the open ones alone, by their partial index (not every action ever raised)
        visits = visits.where(VisitAction.completed_at.is_(None))
    meetings = (select(MeetingAction, Meeting).join(Meeting, MeetingAction.meeting_id == Meeting.id)
                .where(MeetingAction.deleted.is_(False), Meeting.deleted.is_(False),
                       MeetingAction.provider_id.is_not(None), MeetingAction.due_at.is_not(None)))
    reviews = (select(ReviewAction, ComplianceReview)
               .join(ComplianceReview, ReviewAction.review_id == ComplianceReview.id)
               .where(ReviewAction.deleted.is_(False), ComplianceReview.deleted.is_(False)))
    if one:
        provider_id: Any = bindparam("provider_id")
        plans = plans.where(ActionPlan.provider_id == provider_id)
        visits = visits.where(Setting.provider_id == provider_id)
        meetings = meetings.where(MeetingAction.provider_id == provider_id)
        reviews = reviews.where(ComplianceReview.provider_id == provider_id)
    return _ActionReads(plans, visits, meetings, reviews)


def _tracked(kind: str, action: PlanAction | VisitAction | MeetingAction | ReviewAction, provider_id: str,
             names: dict[str, str],
             source: str, now: dt.datetime) -> TrackedAction:
    due = action.extended_to or action.due_at
    assert due is not None and action.level is not None  # only meeting actions for a provider are tracked here
    return TrackedAction(kind, action.id, provider_id, names.get(provider_id, ""), source, action.text, action.level,
                         action.raised_at, due, action.extended_to is not None, action.extension_reason,
                         action.completed_at, action.evidence, action.completed_at is None and due < now)


# -- embargoes --------------------------------------------------------------------------------------

def issue_embargo(store: Store, provider_id: str, *, kind: EmbargoKind, scope: EmbargoScope, reason: str,
                  start_on: dt.date, review_on: dt.date | None = None, approved_by: str | None = None,
                  informal_reason: InformalReason | None = None, setting_id: str | None = None,
                  foster_carer: str | None = None, social_work_informed_on: dt.date | None = None) -> str:
    check_embargo(kind, approved_by=approved_by, informal_reason=informal_reason, scope=scope, setting_id=setting_id,
                  foster_carer=foster_carer, start_on=start_on, review_on=review_on, end_on=None)
    with store.write() as changes:
        _live_provider(changes.session, provider_id)
        if kind is EmbargoKind.FORMAL:
            lead(changes.session, "issue a formal embargo (Section 12: with senior management's agreement)")
        if setting_id is not None:
            setting = changes.session.get(Setting, setting_id)
            if setting is None or setting.deleted or setting.provider_id != provider_id:
                raise OversightError("That property is not one of this provider's settings.")
        return changes.create(
            Embargo, provider_id=provider_id, kind=kind, scope=scope,
            reason=_words(reason, "why the embargo is issued"),
            start_on=start_on, review_on=review_on, approved_by=(approved_by or "").strip() or None,
            informal_reason=informal_reason if kind is EmbargoKind.INFORMAL else None,
            setting_id=setting_id if scope is EmbargoScope.PROPERTY else None,
            foster_carer=(foster_carer or "").strip() or None if scope is EmbargoScope.FOSTER_CARER else None,
            end_on=None, social_work_informed_on=social_work_informed_on).id


def end_embargo(store: Store, embargo_id: str, end_on: dt.date) -> None:
    with store.write() as changes:
        embargo = _existing(changes, Embargo, embargo_id, "embargo")
        if end_on < embargo.start_on:
            raise OversightError("The embargo cannot end before it starts.")
        changes.update(embargo, end_on=end_on)


@dataclass(frozen=True)
class EmbargoInForce:
    """An embargo in force, with the names of its provider and property (for lists and warnings)."""

    id: str
    provider_id: str
    provider: str
    kind: EmbargoKind
    scope: EmbargoScope
    setting_id: str | None
    setting: str | None  # the property's name, for an embargo on a property
    foster_carer: str | None
    reason: str
    informal_reason: InformalReason | None
    approved_by: str | None
    start_on: dt.date
    review_on: dt.date | None
    end_on: dt.date | None
    social_work_informed_on: dt.date | None


def active_embargoes(session: Session, today: dt.date, *, provider_id: str | None = None) -> list[EmbargoInForce]:
    """Embargoes in force on ``today``, earliest first; of one provider with ``provider_id``."""
    officer(session, "embargoes")
    return list(remembered(session, ("active_embargoes", today, provider_id),
                           lambda: _active_embargoes(session, today, provider_id)))


@functools.cache
def _embargoes(one: bool) -> Select[*tuple[Any, ...]]:
    """``_active_embargoes``' read, built once (``today``, ``provider_id`` bound at each call)."""
    query = (select(Embargo, Provider.name, Setting.name).join(Provider, Embargo.provider_id == Provider.id)
             .outerjoin(Setting, Embargo.setting_id == Setting.id)
             .where(Embargo.deleted.is_(False), Embargo.start_on <= bindparam("today")))
    if one:
        query = query.where(Embargo.provider_id == bindparam("provider_id"))
    return query.order_by(Embargo.start_on)


def _active_embargoes(session: Session, today: dt.date, provider_id: str | None) -> list[EmbargoInForce]:
    return [EmbargoInForce(e.id, e.provider_id, provider, e.kind, e.scope, e.setting_id, setting, e.foster_carer,
                           e.reason, e.informal_reason, e.approved_by, e.start_on, e.review_on, e.end_on,
                           e.social_work_informed_on)
            for e, provider, setting in session.execute(_embargoes(provider_id is not None),
                                                        {"today": today, "provider_id": provider_id})
            if is_active(e.start_on, e.end_on, today)]


def embargo_warnings(session: Session, setting_id: str, today: dt.date) -> list[str]:
    """What an officer must see before visiting or placing at a setting: each embargo in force on
    its provider, on this property, or on the provider's foster carers, in words."""
    setting = session.get(Setting, setting_id)
    if setting is None:
        return []
    return [_describe(e, f"this property ({setting.name})")
            for e in active_embargoes(session, today, provider_id=setting.provider_id)
            if e.scope is not EmbargoScope.PROPERTY or e.setting_id == setting_id]


def provider_embargo_warnings(session: Session, provider_id: str, today: dt.date) -> list[str]:
    """Every embargo in force on a provider, its properties or its carers, in words."""
    _live_provider(session, provider_id)
    return [_describe(e, f"the property {e.setting}" if e.setting_id else "")
            for e in active_embargoes(session, today, provider_id=provider_id)]


@dataclass(frozen=True)
class PropertyChoice:
    """One of a provider's properties, as the embargo form offers it."""

    id: str
    name: str


def provider_properties(session: Session, provider_id: str) -> list[PropertyChoice]:
    """The provider's properties (settings), by name: what an embargo on a property can be on."""
    officer(session, "providers' properties")
    return [PropertyChoice(setting_id, name) for setting_id, name in session.execute(
        select(Setting.id, Setting.name).where(Setting.provider_id == provider_id, Setting.deleted.is_(False))
        .order_by(Setting.name))]


def provider_warnings(session: Session, provider_id: str, today: dt.date) -> list[str]:
    """What anyone visiting or placing with a provider must see first: embargoes in force, open
    regulatory restrictions and poor judgements, and a HIGH risk rating this year (Figure 6)."""
    warnings = provider_embargo_warnings(session, provider_id, today)
    for alert in open_alerts(session, provider_id=provider_id):
        review = f", review due {alert.review_on:%d %b %Y}" if alert.review_on else ""
        warnings.append(f"{alert.regulator.label.upper()}: {alert.kind.label} since {alert.since:%d %b %Y}"
                        f"{review}: {alert.summary}")
    if risk_ratings(session, today.year, provider_id=provider_id).get(provider_id) is Rag.HIGH:
        warnings.append("HIGH risk rating this year (Figure 6): see the QA cases before placing.")
    return warnings


def end_record(store: Store, kind: str, record_id: str, on: dt.date, reason: RemovalReason | None = None) -> None:
    """End what a sanctions-list line stands for: an embargo ends, a plan is removed (for one of
    Section 12's reasons), an alert is closed."""
    if kind == "embargo":
        end_embargo(store, record_id, on)
    elif kind == "plan":
        if reason is None:
            raise OversightError("Give the Section 12 reason the plan is removed.")
        remove_action_plan(store, record_id, removed_on=on, reason=reason)
    elif kind == "alert":
        close_alert(store, record_id, on)
    else:
        raise OversightError(f"{kind!r} cannot be ended here.")


def _describe(embargo: EmbargoInForce, property_words: str) -> str:
    what = {EmbargoScope.PROVIDER: embargo.provider, EmbargoScope.PROPERTY: property_words,
            EmbargoScope.FOSTER_CARER: f"{embargo.provider}'s foster carers {embargo.foster_carer}"}[embargo.scope]
    review = f", review due {embargo.review_on:%d %b %Y}" if embargo.review_on else ""
    return (f"{embargo.kind.label.upper()} EMBARGO on {what} since {embargo.start_on:%d %b %Y}{review}: "
            f"{embargo.reason}")


# -- regulatory alerts --------------------------------------------------------------------------------

def log_alert(store: Store, provider_id: str, *, regulator: Regulator, kind: AlertKind, received_on: dt.date,
              summary: str) -> str:
    """Log an alert with its review date (``alert_review_date``).

    - A "lifted" alert closes the provider's open restrictions and suspensions.
    - A later alert for the same thing supersedes the earlier (Section 12: Ofsted "will send an
      updated alert should the restriction remain in place"): the earlier one closes, naming it, so
      only the latest is open and due for review. About a judgement, any later judgement does.
    - A termination of the registration records that the provider ceased operating, which puts it
      on the sanctions list as "Ceased operating".
    """
    if regulator is not Regulator.OFSTED and kind is not AlertKind.POOR_JUDGEMENT:
        raise OversightError(f"{regulator.label} does not issue alerts like Ofsted: log its judgement of requires "
                             "improvement or below.")
    with store.write() as changes:
        provider = _live_provider(changes.session, provider_id)
        open_alerts_ = list(changes.session.scalars(select(RegulatoryAlert).where(
            RegulatoryAlert.provider_id == provider_id, RegulatoryAlert.deleted.is_(False),
            RegulatoryAlert.closed_on.is_(None))))
        if kind is AlertKind.LIFTED:
            for open_alert in open_alerts_:
                if open_alert.kind in (AlertKind.RESTRICTION, AlertKind.SUSPENSION):
                    changes.update(open_alert, closed_on=received_on)
        review = (alert_review_date(kind, received_on) if regulator is Regulator.OFSTED
                  else received_on + dt.timedelta(weeks=12))
        same = [a for a in open_alerts_ if kind is not AlertKind.LIFTED and _same_matter(a.kind, kind)]
        later = min((a for a in same if a.received_on > received_on), key=lambda a: a.received_on, default=None)
        closed_on = received_on if kind is AlertKind.LIFTED else None
        if later is not None:  # a letter older than one already logged: it was superseded when it arrived
            closed_on = later.received_on
        alert = changes.create(RegulatoryAlert, provider_id=provider_id, regulator=regulator, kind=kind,
                               received_on=received_on, review_on=review, closed_on=closed_on,
                               summary=_words(summary, "what the alert says"),
                               superseded_by=later.id if later is not None else None)
        for earlier in same:
            if earlier.received_on <= received_on:
                changes.update(earlier, closed_on=received_on, superseded_by=alert.id)
        if kind is AlertKind.TERMINATION and provider.ceased_operating_on is None:
            changes.update(provider, ceased_operating_on=received_on)
        return alert.id


def _same_matter(earlier: AlertKind, later: AlertKind) -> bool:
    """Whether a later alert replaces an earlier one: the same kind of restriction, or (judgements)
    any later judgement of the provider."""
    return earlier is later or (earlier in JUDGEMENT_ALERTS and later in JUDGEMENT_ALERTS)


def close_alert(store: Store, alert_id: str, closed_on: dt.date) -> None:
    with store.write() as changes:
        alert = _existing(changes, RegulatoryAlert, alert_id, "alert")
        if closed_on < alert.received_on:
            raise OversightError("An alert cannot be closed before it was received.")
        changes.update(alert, closed_on=closed_on)


@dataclass(frozen=True)
class OpenAlert:
    """A regulatory alert not yet closed or lifted, with its provider's name; ``source`` and
    ``effective_on`` for one raised from the regulator's data (an import)."""

    id: str
    provider_id: str
    provider: str
    regulator: Regulator
    kind: AlertKind
    received_on: dt.date
    review_on: dt.date | None
    summary: str
    source: str | None = None
    effective_on: dt.date | None = None

    @property
    def since(self) -> dt.date:
        """The day the matter took effect (the inspection, the suspension), or the day it was received."""
        return self.effective_on or self.received_on


#: Enum columns read as their stored text and turned into members here (as the register's rows
#: are): the column type's own conversion, and an ORM object per alert, cost ten times more when
#: the regulator's data has raised an alert for half of a 20,000-provider register (issue 22).
_REGULATORS = {member.value: member for member in Regulator}
_ALERT_KINDS = {member.value: member for member in AlertKind}


def open_alerts(session: Session, *, provider_id: str | None = None,
                review_by: dt.date | None = None) -> list[OpenAlert]:
    """Alerts still open, newest first; of one provider with ``provider_id``; with ``review_by``,
    only those with a review on or before that day (the dashboard's "due for review": read in SQL,
    not every open alert of the register)."""
    officer(session, "regulatory alerts")
    return list(remembered(session, ("open_alerts", provider_id, review_by),
                           lambda: _open_alerts(session, provider_id, review_by)))


@functools.cache
def _alerts(one: bool, by: bool) -> Select[*tuple[Any, ...]]:
    """``_open_alerts``' read, built once (``provider_id``, ``review_by`` bound at each call)."""
    query = (select(RegulatoryAlert.id, RegulatoryAlert.provider_id, Provider.name,
                    type_coerce(RegulatoryAlert.regulator, String), type_coerce(RegulatoryAlert.kind, String),
                    RegulatoryAlert.received_on, RegulatoryAlert.review_on, RegulatoryAlert.summary,
                    RegulatoryAlert.source, RegulatoryAlert.effective_on)
             .join(Provider, RegulatoryAlert.provider_id == Provider.id)
             .where(RegulatoryAlert.deleted.is_(False), RegulatoryAlert.closed_on.is_(None),
                    RegulatoryAlert.kind != AlertKind.LIFTED))
    if one:
        query = query.where(RegulatoryAlert.provider_id == bindparam("provider_id"))
    if by:
        query = query.where(RegulatoryAlert.review_on.is_not(None), RegulatoryAlert.review_on <= bindparam("review_by"))
    return query.order_by(RegulatoryAlert.received_on.desc())


def _open_alerts(session: Session, provider_id: str | None, review_by: dt.date | None) -> list[OpenAlert]:
    query = _alerts(provider_id is not None, review_by is not None)
    return [OpenAlert(alert_id, owner, name, _REGULATORS.get(regulator) or Regulator(regulator),
                      _ALERT_KINDS.get(kind) or AlertKind(kind), received_on, review_on, summary, source, effective_on)
            for alert_id, owner, name, regulator, kind, received_on, review_on, summary, source, effective_on
            in session.connection().execute(query, {"provider_id": provider_id, "review_by": review_by}).all()]
