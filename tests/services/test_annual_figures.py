"""The annual figures, checked figure by figure against counts made another way.

Two years of varied records (2025 and 2026 to the pinned today, 22 November 2026) are entered
through the workspace's services, as the window and the commands enter them; every record entered
is also written down here, in a plain ledger. The figures the tracker works out with grouped
queries are then compared, one by one, with counts of the ledger made in Python: every headline
figure, every row of every breakdown, every Figure 8 level, for the calendar year (to date, beside
2025 to the same day), a whole past year, and a financial year.

Compliance reviews and placements have no service of their own yet (the caseload work adds them):
they are written through the store's write path, ``Changes``, as the demo data is."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from qa_desktop.domain.annual_figures import AnnualFigures, Count
from qa_desktop.domain.oversight import (
    AlertKind,
    CaseSource,
    EmbargoKind,
    EmbargoScope,
    InformalReason,
    PlanKind,
    RemovalReason,
)
from qa_desktop.domain.partnership import FundingRecommendation, MeetingKind
from qa_desktop.domain.regulation import Regulator
from qa_desktop.domain.reporting_year import ReportingYear, Span, YearKind, spans
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel, action_due
from qa_desktop.domain.unregistered import ApplicationStage, IntelligenceSource
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitStatus
from qa_desktop.domain.young_inspector_programme import DebriefBy
from qa_desktop.services import annual_figures as names
from qa_desktop.services.register import add_provider, add_setting
from qa_desktop.store.models import ComplianceReview, Placement, ReportRevision, Visit
from qa_desktop.workspace import Workspace
from tests.conftest import CLOCK_START, TODAY

CATEGORIES = ("Quality of care", "Missing from care", "Staffing", "Allegation", "Medication", "Property")
START = dt.date(2025, 1, 1)


@dataclass
class Ledger:
    """What was entered, written down as it was entered."""

    cases: list[tuple[dt.date, str, CaseSource, ServiceType]] = field(default_factory=list)
    visits: list[tuple[dt.date, VisitLevel, bool, VisitStatus]] = field(default_factory=list)
    reviews: list[tuple[dt.date, bool]] = field(default_factory=list)
    meetings: list[tuple[dt.date, MeetingKind]] = field(default_factory=list)
    alerts: list[list[Any]] = field(default_factory=list)  # [received, kind, closed, provider], kept up to date
    spells: dict[str, list[tuple[dt.date, dt.date | None]]] = field(default_factory=dict)
    embargoes: list[tuple[EmbargoKind, dt.date, dt.date | None]] = field(default_factory=list)
    plans: list[tuple[PlanKind, dt.date, dt.date | None]] = field(default_factory=list)
    actions: list[tuple[ConcernLevel, dt.datetime, dt.datetime, dt.datetime | None]] = field(default_factory=list)
    dated: dict[str, list[dt.date]] = field(default_factory=dict)
    yi_visits: list[tuple[dt.date, str, str, bool, bool, bool]] = field(default_factory=list)
    feedback: set[str] = field(default_factory=set)  # visits with a Young Inspector report and letter

    def date(self, what: str, day: dt.date | None) -> None:
        if day is not None:
            self.dated.setdefault(what, []).append(day)


def day_in(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour)).astimezone()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[Workspace, Ledger]:
    """Two years of records, entered once for the module's tests (by the QA lead, who may issue
    formal embargoes)."""
    from qa_desktop.clock import ENVIRONMENT_VARIABLE
    from qa_desktop.domain.roles import Role
    from qa_desktop.store.database import Store

    patch = pytest.MonkeyPatch()
    patch.setenv(ENVIRONMENT_VARIABLE, CLOCK_START.isoformat())
    store = Store(tmp_path_factory.mktemp("figures"), actor="lead", role=Role.QA_LEAD,
                  key=b"k" * 32)
    ws = Workspace(store)
    ledger = enter_two_years(ws, random.Random(19))
    yield ws, ledger
    ws.close()
    patch.undo()


def enter_two_years(ws: Workspace, rng: random.Random) -> Ledger:
    store, ledger = ws._store, Ledger()
    kinds = [ServiceType.RESIDENTIAL, ServiceType.SUPPORTED_ACCOMMODATION, ServiceType.IFA,
             ServiceType.UNREGULATED, ServiceType.PARENT_AND_CHILD]
    providers: list[tuple[str, str, ServiceType]] = []  # (provider, setting, type)
    with store.write() as changes:
        for n in range(18):
            kind = kinds[n % len(kinds)]
            provider = add_provider(changes, name=f"Provider {n:02d}", service_type=kind, urn=f"SC80{n:04d}")
            setting = add_setting(changes, provider, name=f"Home {n:02d}", postcode="ME1 2DQ")
            providers.append((provider.id, setting.id, kind))
    last = TODAY - dt.timedelta(days=1)  # everything entered happened before this morning

    # QA cases
    for _ in range(160):
        provider, _, kind = rng.choice(providers)
        opened = day_in(rng, START, last)
        category, source = rng.choice(CATEGORIES), rng.choice(list(CaseSource))
        ws.oversight.log_case(provider, source=source, category=category, summary="A concern", opened_on=opened)
        ledger.cases.append((opened, category, source, kind))

    # QA visits: started through the service; some only planned, written as the demo writes them
    for _ in range(26):
        provider, setting, kind = rng.choice([p for p in providers if p[2] is not ServiceType.IFA])
        day, level = day_in(rng, START, last), rng.choice(list(VisitLevel))
        announced = rng.random() < 0.6
        officers = ["Alex Patel"] if announced else ["Alex Patel", "Jo Morgan"]
        ws.visits.start(setting_id=setting, visit_date=day, level=level, reason=VisitReason.ROUTINE,
                        announced=announced, officers=officers)
        ledger.visits.append((day, level, announced, VisitStatus.IN_PROGRESS))
    with store.write() as changes:
        for _ in range(5):
            _, setting, _ = rng.choice(providers)
            day = day_in(rng, START, last)
            changes.create(Visit, setting_id=setting, visit_date=day, level=VisitLevel.FULL, announced=True,
                           reason=VisitReason.ROUTINE, status=VisitStatus.PLANNED, officers=["Alex Patel"])
            ledger.visits.append((day, VisitLevel.FULL, True, VisitStatus.PLANNED))
        for _ in range(30):
            provider, _, _ = rng.choice(providers)
            day, minimum = day_in(rng, START, last), rng.random() < 0.3
            changes.create(ComplianceReview, provider_id=provider, review_date=day, minimum_only=minimum,
                           reviewed_by="Alex Patel", outcome="Seen")
            ledger.reviews.append((day, minimum))
        # our placements: spells at some providers, some ended
        for provider, setting, _ in providers[:9]:
            first = day_in(rng, dt.date(2024, 6, 1), last)
            ended = first + dt.timedelta(days=rng.randrange(20, 300)) if rng.random() < 0.6 else None
            if ended is not None and ended > last:
                ended = None
            changes.create(Placement, setting_id=setting, started_at=moment(first, 9),
                           ended_at=moment(ended, 17) if ended else None, reference=f"PL-{provider[:4]}")
            ledger.spells.setdefault(provider, []).append((first, ended))

    # meetings, with actions arising (some for providers, due by Figure 8)
    for _ in range(60):
        day, kind = day_in(rng, START, last), rng.choice(list(MeetingKind))
        provider, _, _ = rng.choice(providers)
        meeting = ws.partnership.record_meeting(kind, attendees=["Alex Patel", "Partner"], held_on=day,
                                                providers=[provider]).value
        ledger.meetings.append((day, kind))
        if rng.random() < 0.5:
            level = rng.choice(list(ConcernLevel))
            raised = moment(day, 11)
            action = ws.partnership.add_action(meeting, "Send evidence", provider_id=provider, level=level,
                                               raised_at=raised).value
            ledger.actions.append((level, raised, *complete_maybe(ws, rng, "meeting", action, level, raised)))
        if rng.random() < 0.2:
            ws.partnership.add_action(meeting, "Minutes to ART", owner="Alex Patel", raised_at=moment(day))

    # regulatory alerts, some closed
    for _ in range(40):
        provider, _, _ = rng.choice(providers)
        received, kind = day_in(rng, START, last), rng.choice(list(AlertKind))
        regulator = Regulator.CQC if kind is AlertKind.POOR_JUDGEMENT else Regulator.OFSTED
        alert = ws.oversight.log_alert(provider, regulator=regulator, kind=kind, summary="Alert",
                                       received_on=received).value
        if kind is AlertKind.LIFTED:  # Section 12: a lifting closes the provider's open restrictions
            for earlier in ledger.alerts:
                if earlier[3] == provider and earlier[2] is None and earlier[1] in (AlertKind.RESTRICTION,
                                                                                    AlertKind.SUSPENSION):
                    earlier[2] = received
        entry = [received, kind, received if kind is AlertKind.LIFTED else None, provider]
        if rng.random() < 0.5:
            entry[2] = min(received + dt.timedelta(days=rng.randrange(1, 120)), last)
            ws.oversight.close_alert(alert, entry[2])
        ledger.alerts.append(entry)

    # embargoes and action plans, issued and some lifted
    for _ in range(14):
        provider, _, _ = rng.choice(providers)
        start, formal = day_in(rng, START, last), rng.random() < 0.5
        embargo = ws.oversight.issue_embargo(
            provider, kind=EmbargoKind.FORMAL if formal else EmbargoKind.INFORMAL, scope=EmbargoScope.PROVIDER,
            reason="Concerns", start_on=start, approved_by="Head of Service" if formal else None,
            informal_reason=None if formal else InformalReason.INVESTIGATION).value
        ended = None
        if rng.random() < 0.5:
            ended = min(start + dt.timedelta(days=rng.randrange(10, 200)), last)
            ws.oversight.end_embargo(embargo, ended)
        ledger.embargoes.append((EmbargoKind.FORMAL if formal else EmbargoKind.INFORMAL, start, ended))
    for _ in range(16):
        provider, _, _ = rng.choice(providers)
        issued, kind = day_in(rng, START, last), rng.choice(list(PlanKind))
        levels = [rng.choice(list(ConcernLevel)) for _ in range(rng.randrange(1, 4))]
        raised = moment(issued, 14)
        plan = ws.oversight.issue_action_plan(provider, kind=kind, reason="Shortfalls", issued_on=issued,
                                              raised_at=raised, actions=[("Fix it", lv) for lv in levels]).value
        for tracked in [a for a in ws.oversight.tracked_actions(provider, include_completed=True)
                        if a.kind == "plan" and a.raised_at == raised]:
            ledger.actions.append((tracked.level, raised,
                                   *complete_maybe(ws, rng, "plan", tracked.id, tracked.level, raised)))
        removed = None
        if rng.random() < 0.4:
            removed = min(issued + dt.timedelta(days=rng.randrange(5, 200)), last)
            reason = RemovalReason.IMPROVED if kind is PlanKind.QA else RemovalReason.REINSPECTED_GOOD
            ws.oversight.remove_action_plan(plan, reason=reason, removed_on=removed)
        ledger.plans.append((kind, issued, removed))

    # an action raised on a visit today (the visit screen raises them now)
    visit_id = ws.visits.in_progress()[0].id
    editor = ws.visits.open(visit_id)
    template, checklist = next(iter(editor.checklists.items()))
    editor.raise_action(template, checklist.template.items[0].key, "Repair the fire door", ConcernLevel.HIGH)
    ledger.actions.append((ConcernLevel.HIGH, CLOCK_START, action_due(ConcernLevel.HIGH, CLOCK_START), None))

    # unregistered providers, planning, intelligence, funding
    for _ in range(8):
        provider, _, _ = rng.choice(providers)
        notified = day_in(rng, START, last)
        note = ws.unregistered.notify_ofsted(provider, summary="Unregulated placement", notified_on=notified).value
        ledger.date("notified", notified)
        for _ in range(rng.randrange(0, 3)):
            sent = day_in(rng, notified, last)
            ws.unregistered.send_update(note, summary="Update", sent_on=sent)
            ledger.date("updates", sent)
    for provider, _, _ in providers[10:17]:
        began = day_in(rng, START, dt.date(2026, 6, 1))
        application = ws.unregistered.start_application(provider, support_began_on=began).value
        ledger.date("began", began)
        if rng.random() < 0.8:
            submitted = day_in(rng, began, began + dt.timedelta(days=60))
            ws.unregistered.move_application(application, ApplicationStage.SUBMITTED, on=submitted)
            ledger.date("submitted", submitted)
            if rng.random() < 0.7:
                registered = day_in(rng, submitted, min(submitted + dt.timedelta(days=120), last))
                ws.unregistered.move_application(application, ApplicationStage.REGISTERED, on=registered,
                                                 urn=f"SC9{registered:%m%d}")
                ledger.date("registered", registered)
    for n in range(20):
        listed = day_in(rng, START, last)
        application = ws.unregistered.log_planning_application(reference=f"MC/{listed:%y}/{n:04d}",
                                                               address=f"{n} High Street", postcode="ME4 4AA",
                                                               proposal="C3 to C2", listed_on=listed).value
        ledger.date("listed", listed)
        if rng.random() < 0.6:
            sent = day_in(rng, listed, last)
            ws.unregistered.give_planning_feedback(application, feedback="Area high risk", sent_on=sent)
            ledger.date("planning feedback", sent)
    for _ in range(15):
        received = day_in(rng, START, last)
        ws.unregistered.record_intelligence(address="1 Low Road", source=rng.choice(list(IntelligenceSource)),
                                            summary="Seen", received_on=received)
        ledger.date("intelligence", received)
    for n in range(12):
        received = day_in(rng, START, last)
        request = ws.partnership.record_funding_request(reference=f"PFR-{n}", summary="Bed",
                                                        provider_name="Someone Ltd", received_on=received).value
        ledger.date("funding", received)
        if rng.random() < 0.7:
            fed_back = day_in(rng, received, last)
            ws.partnership.give_funding_feedback(request, recommendation=FundingRecommendation.SUPPORTED,
                                                 feedback="Fine", on=fed_back)
            ledger.date("funding feedback", fed_back)

    # the Young Inspectors programme: visits joined, support, feedback, incentives
    inspectors = [ws.young_inspectors.add(f"YI-{n}", joined_on=START).value for n in range(4)]
    with store.read() as session:
        visit_days = [(v.id, v.visit_date) for v in session.scalars(
            select(Visit).where(Visit.status != VisitStatus.PLANNED).order_by(Visit.visit_date, Visit.id))]
    for visit_id, day in visit_days:
        for inspector in inspectors:
            if rng.random() < 0.25:
                briefed = day - dt.timedelta(days=1) if rng.random() < 0.8 else None
                joined = ws.young_inspectors.join_visit(inspector, visit_id, briefed_on=briefed).value
                debriefed = rng.random() < 0.6
                opted_out = rng.random() < 0.15
                if debriefed or opted_out:
                    ws.young_inspectors.record_support(joined, debriefed_on=day if debriefed else None,
                                                       debrief_by=DebriefBy.QA_LEAD if debriefed else None,
                                                       opted_out=opted_out or None)
                ledger.yi_visits.append((day, visit_id, inspector, briefed is not None, debriefed, opted_out))
    feedback_visits = sorted({v for _, v, *_ in ledger.yi_visits})[:5]
    with store.write() as changes:
        for visit_id in feedback_visits:
            for kind in ("young_inspector", "young_inspector_letter"):
                changes.create(ReportRevision, visit_id=visit_id, kind=kind, revision=1, fingerprint="0" * 64,
                               file_name=f"{visit_id}-{kind}.pdf", pages=1)
    ledger.feedback = set(feedback_visits)
    for _ in range(9):
        given = day_in(rng, START, last)
        ws.young_inspectors.give_incentive(rng.choice(inspectors), description="Voucher", given_on=given,
                                           value_pence=1000)
        ledger.date("incentives", given)
    return ledger


def complete_maybe(ws: Workspace, rng: random.Random, kind: str, action_id: str, level: ConcernLevel,
                   raised: dt.datetime) -> tuple[dt.datetime, dt.datetime | None]:
    """Complete some actions on time, some late, leave some open (and extend a few first); the due
    date in force and when it was completed."""
    due, roll = action_due(level, raised), rng.random()
    if roll < 0.15:
        due += dt.timedelta(days=7)
        ws.oversight.extend_action(kind, action_id, new_due=due, reason="Agreed")
        completed = due - dt.timedelta(days=4)  # late by the first date, on time by the extension
    elif roll < 0.55:
        completed = raised + (due - raised) / 2
    elif roll < 0.8:
        completed = due + dt.timedelta(days=2)
    else:
        return due, None
    completed = min(completed, CLOCK_START)
    ws.oversight.complete_action(kind, action_id, evidence="Seen", completed_at=completed)
    return due, completed


# -- the counts made another way ---------------------------------------------------------------------

def expected(ledger: Ledger, span: Span, now: dt.datetime) -> dict[str, Any]:
    """Everything the tracker should say for ``span``, counted from the ledger in plain Python."""
    inside = span.contains
    visits = [v for v in ledger.visits if inside(v[0]) and v[3] is not VisitStatus.PLANNED]
    affecting = 0
    for received, kind, closed, provider in ledger.alerts:
        if not inside(received):
            continue
        last = received if kind in (AlertKind.TERMINATION, AlertKind.LIFTED) else (closed or TODAY)
        spells = ledger.spells.get(provider, ())
        if any(first <= last and (ended is None or ended >= received) for first, ended in spells):
            affecting += 1
    first_moment = dt.datetime.combine(span.first, dt.time()).astimezone()
    end_moment = dt.datetime.combine(span.last + dt.timedelta(days=1), dt.time()).astimezone()
    levels: dict[ConcernLevel, Counter[str]] = {level: Counter() for level in ConcernLevel}
    for level, raised, due, completed in ledger.actions:
        if not first_moment <= raised < end_moment:
            continue
        levels[level]["raised"] += 1
        if completed is not None:
            levels[level]["completed"] += 1
            levels[level]["on_time"] += completed <= due
        elif due < now:
            levels[level]["overdue"] += 1
    yi = [v for v in ledger.yi_visits if inside(v[0]) and not v[5]]
    feedback_visits = {v[1] for v in yi} & ledger.feedback
    return {
        "cases": len([c for c in ledger.cases if inside(c[0])]),
        "category": Counter(c[1] for c in ledger.cases if inside(c[0])),
        "source": Counter(c[2] for c in ledger.cases if inside(c[0])),
        "service_type": Counter(c[3] for c in ledger.cases if inside(c[0])),
        "visits": len(visits),
        "level": Counter(v[1] for v in visits),
        "announced": Counter(v[2] for v in visits),
        "reviews": Counter(r[1] for r in ledger.reviews if inside(r[0])),
        "meetings": Counter(m[1] for m in ledger.meetings if inside(m[0])),
        "alerts": Counter(a[1] for a in ledger.alerts if inside(a[0])),
        "affecting": affecting,
        "embargoes issued": Counter(e[0] for e in ledger.embargoes if inside(e[1])),
        "embargoes lifted": Counter(e[0] for e in ledger.embargoes if inside(e[2])),
        "plans issued": Counter(p[0] for p in ledger.plans if inside(p[1])),
        "plans lifted": Counter(p[0] for p in ledger.plans if inside(p[2])),
        "dated": {what: sum(1 for d in days if inside(d)) for what, days in ledger.dated.items()},
        "yi": {"visits": len({v[1] for v in yi}), "inspectors": len({v[2] for v in yi}),
               "briefed": sum(v[3] for v in yi),
               "debriefed": sum(v[4] for v in yi), "feedback": 2 * len(feedback_visits),
               "incentives": sum(1 for d in ledger.dated.get("incentives", ()) if inside(d))},
        "actions": levels,
    }


def rows(figures: AnnualFigures, key: str) -> dict[str, Count]:
    return {row.label: row for row in figures.breakdown(key).rows}


def check(figures: AnnualFigures, ledger: Ledger, now: dt.datetime) -> None:
    """Every figure, this year's and the previous year's, against the ledger (``now``: when the
    figures were worked out, for what is overdue)."""
    for attr, span in (("current", figures.span), ("previous", figures.previous_span)):
        want = expected(ledger, span, now)

        def value(count: Count, _attr: str = attr) -> int:
            return getattr(count, _attr)

        head = {c.label: value(c) for c in figures.headline}
        assert head[names.CASES] == want["cases"]
        assert head[names.VISITS] == want["visits"]
        assert head[names.MEETINGS] == sum(want["meetings"].values())
        assert head[names.ATTENDED] == want["visits"] + sum(want["meetings"].values())
        assert head[names.REVIEWS] == sum(want["reviews"].values())
        assert head[names.ALERTS] == sum(want["alerts"].values())
        assert head[names.AFFECTING] == want["affecting"]
        assert head[names.SUPPORTED] == want["dated"].get("registered", 0)
        assert head[names.EMBARGOES] == sum(want["embargoes issued"].values())
        assert head[names.PLANS] == sum(want["plans issued"].values())
        assert head[names.YI_VISITS] == want["yi"]["visits"]

        categories = rows(figures, "cases_by_category")
        assert {k: value(c) for k, c in categories.items() if value(c)} == dict(want["category"])
        assert {k: value(c) for k, c in rows(figures, "cases_by_source").items()} == {
            s.label: want["source"].get(s, 0) for s in CaseSource}
        assert {k: value(c) for k, c in rows(figures, "cases_by_service_type").items()} == {
            t.label: want["service_type"].get(t, 0) for t in ServiceType}
        assert {k: value(c) for k, c in rows(figures, "visits_by_level").items()} == {
            lv.label: want["level"].get(lv, 0) for lv in VisitLevel}
        notice = rows(figures, "visits_by_notice")
        assert (value(notice["Announced"]), value(notice["Unannounced"])) == (want["announced"][True],
                                                                             want["announced"][False])
        reviews = rows(figures, "reviews")
        assert (value(reviews["Full review"]), value(reviews["Minimum urgent set"])) == (want["reviews"][False],
                                                                                       want["reviews"][True])
        assert {k: value(c) for k, c in rows(figures, "meetings_by_kind").items()} == {
            m.label: want["meetings"].get(m, 0) for m in MeetingKind}
        alerts = rows(figures, "alerts_by_kind")
        assert {a.label: value(alerts[a.label]) for a in AlertKind} == {a.label: want["alerts"].get(a, 0)
                                                                       for a in AlertKind}
        assert value(alerts[names.AFFECTING]) == want["affecting"]
        embargoes = rows(figures, "embargoes")
        for kind in EmbargoKind:
            assert value(embargoes[f"{kind.label} embargoes issued"]) == want["embargoes issued"].get(kind, 0)
            assert value(embargoes[f"{kind.label} embargoes lifted"]) == want["embargoes lifted"].get(kind, 0)
        plans = rows(figures, "action_plans")
        for kind in PlanKind:
            assert value(plans[f"{kind.label}s issued"]) == want["plans issued"].get(kind, 0)
            assert value(plans[f"{kind.label}s lifted"]) == want["plans lifted"].get(kind, 0)
        unregistered = rows(figures, "unregistered")
        for label, what in (("Registration applications QA began supporting", "began"),
                            ("Applications submitted to Ofsted", "submitted"), (names.SUPPORTED, "registered"),
                            ("Unregulated placements notified to Ofsted", "notified"),
                            ("Updates sent to Ofsted on unregulated placements", "updates"),
                            ("Change-of-use applications from the planning list", "listed"),
                            ("Feedback sent to planning", "planning feedback"),
                            ("Intelligence received by address", "intelligence"),
                            ("Placement funding requests received", "funding"),
                            ("Funding requests QA fed back on", "funding feedback")):
            assert value(unregistered[label]) == want["dated"].get(what, 0), label
        yi = rows(figures, "young_inspectors")
        for label, key in ((names.YI_VISITS, "visits"), ("Young Inspectors who joined a visit", "inspectors"),
                           ("Pre-visit briefings", "briefed"), ("Debriefs after visits", "debriefed"),
                           ("Feedback to providers from their visits", "feedback"), ("Incentives given", "incentives")):
            assert value(yi[label]) == want["yi"][key], label
        levels = figures.actions.current if attr == "current" else figures.actions.previous
        for got in levels:
            tally = want["actions"][got.level]
            assert (got.raised, got.completed, got.on_time, got.overdue) == (
                tally["raised"], tally["completed"], tally["on_time"], tally["overdue"]), got.level
        by_level = rows(figures, "actions_by_level")
        assert [value(by_level[f"{lv.label} raised"]) for lv in ConcernLevel] == [
            want["actions"][lv]["raised"] for lv in ConcernLevel]
        for part in figures.breakdowns:
            if part.total is not None and part.key != "alerts_by_kind":
                assert value(part.total) == sum(value(r) for r in part.rows), part.key


def test_this_calendar_year_to_date_beside_last_year_to_the_same_day(loaded):
    ws, ledger = loaded
    now = ws.clock.now()
    figures = ws.tracker.figures()
    assert figures.to_date and (figures.span.first, figures.span.last) == (dt.date(2026, 1, 1), TODAY)
    assert (figures.previous_span.first, figures.previous_span.last) == (dt.date(2025, 1, 1), dt.date(2025, 11, 22))
    assert figures.headline_count(names.CASES).current > 30  # the ledger is not empty
    assert sum(a.raised for a in figures.actions.current) > 10
    check(figures, ledger, now)


def test_a_whole_past_year_and_a_financial_year(loaded):
    ws, ledger = loaded
    now = ws.clock.now()
    whole = ws.tracker.figures(ReportingYear(YearKind.CALENDAR, 2025))
    assert not whole.to_date and (whole.span.first, whole.span.last) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    check(whole, ledger, now)
    financial = ws.tracker.figures(ReportingYear.parse("2025-26"))
    assert (financial.span.first, financial.span.last) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert financial.span.label == "2025-26" and financial.previous_span.label == "2024-25"
    check(financial, ledger, now)
    assert ws.tracker.alert_count(ReportingYear(YearKind.CALENDAR, 2025)).words == (
        f"{whole.headline_count(names.AFFECTING).current} of {whole.headline_count(names.ALERTS).current}")


def test_reporting_years_and_their_spans():
    assert ReportingYear.of(YearKind.FINANCIAL, dt.date(2026, 3, 31)).label == "2025-26"
    assert ReportingYear.of(YearKind.FINANCIAL, dt.date(2026, 4, 1)).label == "2026-27"
    assert ReportingYear.parse("FY2024") == ReportingYear(YearKind.FINANCIAL, 2024)
    assert ReportingYear.parse("2024/25") == ReportingYear(YearKind.FINANCIAL, 2024)
    assert ReportingYear.parse("2024", YearKind.FINANCIAL) == ReportingYear(YearKind.FINANCIAL, 2024)
    with pytest.raises(ValueError, match="second year must follow"):
        ReportingYear.parse("2024-27")
    leap = spans(ReportingYear(YearKind.CALENDAR, 2028), dt.date(2028, 2, 29))
    assert leap[1].last == dt.date(2027, 2, 28) and leap[2]
    assert Count("x", 12, 8).change_words == "+4 (+50%)" and Count("x", 0, 3).change_words == "-3 (-100%)"
    assert Count("x", 4, 0).change_words == "+4 (none the year before)" and Count("x", 2, 2).change_words == "no change"


def test_a_young_inspector_visit_counts_from_the_hand_over_where_the_tracker_has_no_record(store):
    """Issue 19 with yi's hand-over: a visit's form handed to a Young Inspector (``young_inspector_id``)
    counts as their visit when the tracker has no record of them on it; the tracker's record (joined,
    or opted out) is the team's word where there is one; a withdrawn form never counts; nobody is
    counted twice. Reviews still in progress are not yet reviews done."""
    from qa_desktop.domain.compliance import ReviewScope
    from qa_desktop.domain.young_inspectors import WithdrawalReason
    from qa_desktop.forms.library import TemplateLibrary
    from qa_desktop.services.visits import start_visit
    from tests.caseload.test_reviews_and_placements import fill

    library = TemplateLibrary.load()
    ws = Workspace(store, library)
    with store.write() as changes:
        provider = add_provider(changes, name="Oak Lodge", service_type=ServiceType.RESIDENTIAL, urn="SC790001")
        settings = [add_setting(changes, provider, name=f"Oak Lodge {n}", postcode="ME1 2DQ").id for n in range(4)]
    visits = [start_visit(store, library, setting_id=setting, visit_date=TODAY - dt.timedelta(days=n + 1),
                          level=VisitLevel.FULL, announced=True, officers=["Alex Patel", "Jo Morgan"],
                          reason=VisitReason.ROUTINE) for n, setting in enumerate(settings)]
    both, form_only, opted_out, withdrawn = visits
    sam = ws.hand_over.add_young_inspector("Sam").value
    riley = ws.hand_over.add_young_inspector("Riley").value
    ws.hand_over.set_unlock("482916")
    for visit_id, inspector in ((both, sam), (form_only, riley), (opted_out, sam), (withdrawn, riley)):
        ws.visits.add_young_inspector_form(visit_id)
        ws.hand_over.start(visit_id, inspector).value.close()
    ws.young_inspectors.join_visit(sam, both, briefed_on=TODAY - dt.timedelta(days=2))  # the tracker says it too
    said_no = ws.young_inspectors.join_visit(sam, opted_out).value
    ws.young_inspectors.record_support(said_no, opted_out=True)
    ws.visits.withdraw_young_inspector_form(withdrawn, reason=WithdrawalReason.UNAVAILABLE, officer="Alex Patel")

    done = ws.reviews.start(provider.id, ReviewScope.FULL).value
    ws.reviews.start(provider.id, ReviewScope.FULL)  # begun, not finished
    fill(ws, done)
    ws.reviews.complete(done)

    figures = ws.tracker.figures()
    head = {c.label: c.current for c in figures.headline}
    yi = {label: count.current for label, count in rows(figures, "young_inspectors").items()}
    assert head[names.YI_VISITS] == yi[names.YI_VISITS] == 2  # both (once) and the form handed to Riley
    assert yi["Young Inspectors who joined a visit"] == 2
    assert yi["Pre-visit briefings"] == 1  # support is the tracker's record alone
    assert head[names.REVIEWS] == 1
