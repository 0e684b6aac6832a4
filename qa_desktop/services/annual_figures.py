"""The tracker's annual figures (Section 11's yearly tracker; the scrutiny report's Figures 1-3 and
its "34 providers supported to register"), for any calendar or financial year beside the previous.

Each figure is one grouped count in the database over an indexed date column, so a year of 20,000
providers and 50,000 cases is counted in well under a second (``bench/annual_figures.py``). What
counts, and on which date:

* QA cases: opened in the year, by category, source and the provider's service type;
* QA visits: dated in the year and started or completed (a visit still only planned is not one
  attended), by level and announced or not;
* compliance reviews: dated in the year, full or the minimum urgent set (Section 11);
* meetings and joint visits: held in the year, by kind; with QA visits they make the report's
  "multi-agency meetings/visits attended";
* regulatory alerts: received in the year, by kind, and those affecting our children
  (``services.alert_impact``);
* embargoes and action plans: issued (start) and lifted (end, removal) in the year, by kind;
* registration applications: support begun, submitted, and *registered* in the year (providers
  supported to register);
* unregulated placements notified to Ofsted and updates sent; planning applications listed and
  QA's feedback sent; intelligence received; funding requests received and fed back;
* Young Inspectors: visits joined (not opted out of), briefings and debriefs given, feedback to
  providers made from those visits, incentives given. A visit joined is the tracker's record of it
  (``young_inspector_visits``) or, where the tracker has no record of that Young Inspector on that
  visit, the visit's Young Inspector form handed to them (``visit_templates.young_inspector_id``,
  the hand-over) and not withdrawn: each Young Inspector on each visit counted once;
* actions (from visits, action plans and meetings, for providers): raised in the year, by Figure 8
  level, with how many have been completed, completed on time (by the due date in force, an agreed
  extension included) and are open past it now.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qa_desktop.domain.annual_figures import ActionFigures, AnnualFigures, Breakdown, Count, LevelActions
from qa_desktop.domain.compliance import ReviewStatus
from qa_desktop.domain.oversight import AlertKind, CaseSource, EmbargoKind, PlanKind
from qa_desktop.domain.partnership import MeetingKind
from qa_desktop.domain.reporting_year import ReportingYear, Span, spans
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.unregistered import ApplicationStage
from qa_desktop.domain.visits import VisitLevel, VisitStatus
from qa_desktop.services.alert_impact import alert_lines
from qa_desktop.services.young_inspector_programme import FEEDBACK_KIND_PREFIX
from qa_desktop.store.access import officer
from qa_desktop.store.models import (
    ActionPlan,
    AddressIntelligence,
    ComplianceReview,
    Embargo,
    FundingRequest,
    Incentive,
    Meeting,
    MeetingAction,
    NotificationUpdate,
    PlanAction,
    PlanningApplication,
    Provider,
    QaCase,
    RegistrationApplication,
    ReportRevision,
    UnregulatedNotification,
    Visit,
    VisitAction,
    VisitTemplate,
    YoungInspectorVisit,
)

#: Headline labels, as the committee reads them (and tests look them up).
CASES = "QA cases dealt with"
ATTENDED = "Multi-agency meetings and visits attended"
MEETINGS = "Meetings and joint visits"
VISITS = "QA visits"
REVIEWS = "Compliance reviews"
ALERTS = "Regulatory alerts reviewed"
AFFECTING = "Alerts affecting children we have placed"
SUPPORTED = "Providers supported to register"
YI_VISITS = "Young Inspector visits"
EMBARGOES = "Embargoes issued"
PLANS = "Action plans issued"


def _between(column: Any, span: Span) -> Any:
    return column.between(span.first, span.last)


def _moments(span: Span) -> tuple[dt.datetime, dt.datetime]:
    """The span as moments: from local midnight of its first day to before that of the day after its last."""
    start = dt.datetime.combine(span.first, dt.time()).astimezone()
    end = dt.datetime.combine(span.last + dt.timedelta(days=1), dt.time()).astimezone()
    return start, end


def _grouped(session: Session, query: Any) -> Counter[Any]:
    return Counter(dict(session.execute(query).all()))


def _count(session: Session, query: Any) -> int:
    return int(session.scalar(query) or 0)


class _Year:
    """The counts of one span, worked out on demand and kept."""

    def __init__(self, session: Session, span: Span, today: dt.date) -> None:
        self.session, self.span, self.today = session, span, today

    @functools.cached_property
    def _cases(self) -> Counter[tuple[Any, ...]]:
        """The year's cases counted by (category, source, service type): one pass over the year's rows."""
        columns = (QaCase.category, QaCase.source, Provider.service_type)
        return Counter({tuple(key): n for *key, n in self.session.execute(
            select(*columns, func.count()).join(Provider, QaCase.provider_id == Provider.id)
            .where(QaCase.deleted.is_(False), _between(QaCase.opened_on, self.span)).group_by(*columns))})

    def cases(self, by: str) -> Counter[Any]:
        position = ("category", "source", "service_type").index(by)
        found: Counter[Any] = Counter()
        for key, n in self._cases.items():
            found[key[position]] += n
        return found

    @functools.cached_property
    def _visits(self) -> Counter[tuple[Any, ...]]:
        return Counter({(level, announced): n for level, announced, n in self.session.execute(
            select(Visit.level, Visit.announced, func.count()).where(
                Visit.deleted.is_(False), Visit.status != VisitStatus.PLANNED, _between(Visit.visit_date, self.span))
            .group_by(Visit.level, Visit.announced))})

    def visits(self, by: str) -> Counter[Any]:
        position = 0 if by == "level" else 1
        found: Counter[Any] = Counter()
        for key, n in self._visits.items():
            found[key[position]] += n
        return found

    def reviews(self) -> Counter[Any]:
        """Reviews done in the year: completed (caseload's ``status``; None is one recorded before
        reviews were filled in here, complete when recorded), not one still in progress."""
        complete = or_(ComplianceReview.status.is_(None), ComplianceReview.status == ReviewStatus.COMPLETED)
        return _grouped(self.session, select(ComplianceReview.minimum_only, func.count()).where(
            ComplianceReview.deleted.is_(False), complete, _between(ComplianceReview.review_date, self.span))
            .group_by(ComplianceReview.minimum_only))

    def meetings(self) -> Counter[Any]:
        return _grouped(self.session, select(Meeting.kind, func.count()).where(
            Meeting.deleted.is_(False), _between(Meeting.held_on, self.span)).group_by(Meeting.kind))

    def alerts(self) -> tuple[Counter[Any], int]:
        lines = alert_lines(self.session, self.today, span=self.span)
        return Counter(a.kind for a in lines), sum(1 for a in lines if a.affects_our_children)

    def started_ended(self, model: Any, kind: Any, start: Any, end: Any) -> tuple[Counter[Any], Counter[Any]]:
        issued = _grouped(self.session, select(kind, func.count()).where(
            model.deleted.is_(False), _between(start, self.span)).group_by(kind))
        lifted = _grouped(self.session, select(kind, func.count()).where(
            model.deleted.is_(False), _between(end, self.span)).group_by(kind))
        return issued, lifted

    def dated(self, model: Any, column: Any, *also: Any) -> int:
        return _count(self.session, select(func.count()).select_from(model).where(
            model.deleted.is_(False), _between(column, self.span), *also))

    def young_inspectors(self) -> dict[str, int]:
        recorded = list(self.session.scalars(
            select(YoungInspectorVisit).join(Visit, YoungInspectorVisit.visit_id == Visit.id)
            .where(YoungInspectorVisit.deleted.is_(False), Visit.deleted.is_(False),
                   _between(Visit.visit_date, self.span))))
        rows = [j for j in recorded if not j.opted_out]
        # yi's hand-over: the form says who it was handed to; counted where the tracker says nothing
        # of that Young Inspector on that visit (its record, an opt-out included, is the team's word)
        said = {(j.young_inspector_id, j.visit_id) for j in recorded}
        handed = {(inspector, visit) for inspector, visit in self.session.execute(
            select(VisitTemplate.young_inspector_id, VisitTemplate.visit_id)
            .join(Visit, VisitTemplate.visit_id == Visit.id)
            .where(VisitTemplate.deleted.is_(False), VisitTemplate.young_inspector_id.is_not(None),
                   VisitTemplate.withdrawn_reason.is_(None), Visit.deleted.is_(False),
                   Visit.status != VisitStatus.PLANNED, _between(Visit.visit_date, self.span)))} - said
        places = {(j.young_inspector_id, j.visit_id) for j in rows} | handed
        visit_ids = sorted({visit for _, visit in places})
        feedback = 0
        for start in range(0, len(visit_ids), 500):
            feedback += _count(self.session, select(func.count()).select_from(
                select(ReportRevision.visit_id, ReportRevision.kind).where(
                    ReportRevision.deleted.is_(False), ReportRevision.visit_id.in_(visit_ids[start:start + 500]),
                    ReportRevision.kind.like(f"{FEEDBACK_KIND_PREFIX}%")).distinct().subquery()))
        return {"visits": len(visit_ids), "inspectors": len({inspector for inspector, _ in places}),
                "places": len(places), "briefed": sum(1 for j in rows if j.briefed_on is not None),
                "debriefed": sum(1 for j in rows if j.debriefed_on is not None), "feedback": feedback,
                "incentives": self.dated(Incentive, Incentive.given_on)}

    def actions(self, now: dt.datetime) -> tuple[LevelActions, ...]:
        start, end = _moments(self.span)
        tallies: dict[ConcernLevel, Counter[str]] = {level: Counter() for level in ConcernLevel}
        queries = (
            select(PlanAction.level, PlanAction.due_at, PlanAction.extended_to, PlanAction.completed_at)
            .join(ActionPlan, PlanAction.plan_id == ActionPlan.id)
            .where(PlanAction.deleted.is_(False), ActionPlan.deleted.is_(False),
                   PlanAction.raised_at >= start, PlanAction.raised_at < end),
            select(VisitAction.level, VisitAction.due_at, VisitAction.extended_to, VisitAction.completed_at)
            .join(Visit, VisitAction.visit_id == Visit.id)
            .where(VisitAction.deleted.is_(False), Visit.deleted.is_(False),
                   VisitAction.raised_at >= start, VisitAction.raised_at < end),
            select(MeetingAction.level, MeetingAction.due_at, MeetingAction.extended_to, MeetingAction.completed_at)
            .join(Meeting, MeetingAction.meeting_id == Meeting.id)
            .where(MeetingAction.deleted.is_(False), Meeting.deleted.is_(False), MeetingAction.level.is_not(None),
                   MeetingAction.due_at.is_not(None), MeetingAction.raised_at >= start, MeetingAction.raised_at < end),
        )
        for query in queries:
            for level, due_at, extended_to, completed_at in self.session.execute(query):
                due = extended_to or due_at
                assert level is not None and due is not None  # the queries ask for both
                tally = tallies[level]
                tally["raised"] += 1
                if completed_at is not None:
                    tally["completed"] += 1
                    tally["on_time"] += completed_at <= due
                elif due < now:
                    tally["overdue"] += 1
        return tuple(LevelActions(level, t["raised"], t["completed"], t["on_time"], t["overdue"])
                     for level, t in tallies.items())


def _rows(current: Counter[Any], previous: Counter[Any], keys: Iterable[Any],
          label: Callable[[Any], str] = str) -> tuple[Count, ...]:
    return tuple(Count(label(key), current.get(key, 0), previous.get(key, 0)) for key in keys)


def _total(title: str, rows: tuple[Count, ...]) -> Count:
    return Count(title, sum(r.current for r in rows), sum(r.previous for r in rows))


def _ordered_keys(current: Counter[Any], previous: Counter[Any]) -> list[Any]:
    """Keys of a free-text grouping (case categories), the largest this year first."""
    return sorted(set(current) | set(previous), key=lambda k: (-current.get(k, 0), -previous.get(k, 0), str(k)))


def annual_figures(session: Session, year: ReportingYear, now: dt.datetime) -> AnnualFigures:
    """Every figure of the tracker for ``year`` beside the previous year (counted to date while
    ``year`` is in progress, both years to the same day; ``domain.reporting_year``)."""
    officer(session, "the tracker's figures")
    today = now.astimezone().date()
    span, previous_span, to_date = spans(year, today)
    this, last = _Year(session, span, today), _Year(session, previous_span, today)

    def pair(get: Callable[[_Year], Counter[Any]]) -> tuple[Counter[Any], Counter[Any]]:
        return get(this), get(last)

    breakdowns: list[Breakdown] = []

    def add(key: str, title: str, rows: tuple[Count, ...], total: str | Count | None = None,
            note: str = "") -> Breakdown:
        """A breakdown; its total is the sum of its rows under the label ``total``, or the ``Count`` given."""
        found = Breakdown(key, title, rows, _total(total, rows) if isinstance(total, str) else total, note)
        breakdowns.append(found)
        return found

    by_category = pair(lambda y: y.cases("category"))
    cases = add("cases_by_category", "QA cases by category", _rows(*by_category, _ordered_keys(*by_category)), CASES)
    add("cases_by_source", "QA cases by source", _rows(*pair(lambda y: y.cases("source")), CaseSource,
                                                      lambda s: s.label), CASES)
    add("cases_by_service_type", "QA cases by service type",
        _rows(*pair(lambda y: y.cases("service_type")), ServiceType, lambda s: s.label), CASES)
    visits = add("visits_by_level", "QA visits by level", _rows(*pair(lambda y: y.visits("level")), VisitLevel,
                                                              lambda v: v.label), VISITS)
    add("visits_by_notice", "QA visits announced or not",
        _rows(*pair(lambda y: y.visits("announced")), (True, False), lambda a: "Announced" if a else "Unannounced"),
        VISITS, "Section 11: unannounced visits are made by two officers, when significant concerns are raised.")
    reviews = add("reviews", "Compliance reviews", _rows(*pair(lambda y: y.reviews()), (False, True),
                                                         lambda m: "Minimum urgent set" if m else "Full review"),
                  REVIEWS, "Section 11: the minimum set (health and safety, staff training, insurance) when a child "
                           "must move first, finished within 24-48 hours.")
    meetings = add("meetings_by_kind", "Meetings and joint visits by kind",
                   _rows(*pair(lambda y: y.meetings()), MeetingKind, lambda k: k.label), MEETINGS)
    (alerts_now, affecting_now), (alerts_then, affecting_then) = this.alerts(), last.alerts()
    alert_rows = _rows(alerts_now, alerts_then, AlertKind, lambda k: k.label)
    alerts = _total(ALERTS, alert_rows)
    affecting = Count(AFFECTING, affecting_now, affecting_then)
    add("alerts_by_kind", "Regulatory alerts by kind", (*alert_rows, affecting), alerts,
        "An alert affects our children when one of our placements was with the provider while it was in force.")
    embargo_issued, embargo_lifted = zip(this.started_ended(Embargo, Embargo.kind, Embargo.start_on, Embargo.end_on),
                                         last.started_ended(Embargo, Embargo.kind, Embargo.start_on, Embargo.end_on),
                                         strict=True)
    plan_issued, plan_lifted = zip(this.started_ended(ActionPlan, ActionPlan.kind, ActionPlan.issued_on,
                                                      ActionPlan.removed_on),
                                   last.started_ended(ActionPlan, ActionPlan.kind, ActionPlan.issued_on,
                                                      ActionPlan.removed_on), strict=True)
    embargo_rows = (*_rows(*embargo_issued, EmbargoKind, lambda k: f"{k.label} embargoes issued"),
                    *_rows(*embargo_lifted, EmbargoKind, lambda k: f"{k.label} embargoes lifted"))
    add("embargoes", "Embargoes issued and lifted", embargo_rows)
    plan_rows = (*_rows(*plan_issued, PlanKind, lambda k: f"{k.label}s issued"),
                 *_rows(*plan_lifted, PlanKind, lambda k: f"{k.label}s lifted"))
    add("action_plans", "Action plans issued and lifted", plan_rows)
    embargoes = _total(EMBARGOES, embargo_rows[:len(EmbargoKind)])
    plans = _total(PLANS, plan_rows[:len(PlanKind)])

    def dated(model: Any, column: Any, *also: Any) -> tuple[int, int]:
        return this.dated(model, column, *also), last.dated(model, column, *also)

    registered = dated(RegistrationApplication, RegistrationApplication.ended_on,
                       RegistrationApplication.stage == ApplicationStage.REGISTERED)
    unregistered_rows = (
        Count("Registration applications QA began supporting",
              *dated(RegistrationApplication, RegistrationApplication.support_began_on)),
        Count("Applications submitted to Ofsted",
              *dated(RegistrationApplication, RegistrationApplication.submitted_on)),
        Count(SUPPORTED, *registered),
        Count("Unregulated placements notified to Ofsted",
              *dated(UnregulatedNotification, UnregulatedNotification.notified_on)),
        Count("Updates sent to Ofsted on unregulated placements",
              *dated(NotificationUpdate, NotificationUpdate.sent_on)),
        Count("Change-of-use applications from the planning list",
              *dated(PlanningApplication, PlanningApplication.listed_on)),
        Count("Feedback sent to planning", *dated(PlanningApplication, PlanningApplication.feedback_sent_on)),
        Count("Intelligence received by address", *dated(AddressIntelligence, AddressIntelligence.received_on)),
        Count("Placement funding requests received", *dated(FundingRequest, FundingRequest.received_on)),
        Count("Funding requests QA fed back on", *dated(FundingRequest, FundingRequest.feedback_on)),
    )
    add("unregistered", "Unregistered and unknown providers, planning and funding", unregistered_rows, None,
        "Section 10: QA supports each provider of an unregulated placement to apply to register.")
    yi_now, yi_then = this.young_inspectors(), last.young_inspectors()
    yi_words = (("visits", YI_VISITS), ("inspectors", "Young Inspectors who joined a visit"),
                ("briefed", "Pre-visit briefings"), ("debriefed", "Debriefs after visits"),
                ("feedback", "Feedback to providers from their visits"), ("incentives", "Incentives given"))
    yi = add("young_inspectors", "Young Inspectors programme",
             tuple(Count(words, yi_now[key], yi_then[key]) for key, words in yi_words))
    actions = ActionFigures(this.actions(now), last.actions(now))
    add("actions_by_level", "Actions raised by Figure 8 level",
        tuple(Count(f"{c.level.label} raised", c.raised, p.raised)
              for c, p in zip(actions.current, actions.previous, strict=True)), "Actions raised")

    assert visits.total is not None and meetings.total is not None and cases.total is not None
    assert reviews.total is not None
    headline = (
        cases.total,
        Count(ATTENDED, meetings.total.current + visits.total.current, meetings.total.previous + visits.total.previous),
        visits.total,
        meetings.total,
        reviews.total,
        alerts,
        affecting,
        Count(SUPPORTED, *registered),
        embargoes,
        plans,
        yi.rows[0],
    )
    return AnnualFigures(year, span, previous_span, to_date, headline, tuple(breakdowns), actions)
