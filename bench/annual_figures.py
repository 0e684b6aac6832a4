"""Benchmark: the tracker's annual figures (and the whole workbook, once it exports) on a large store.

Builds, through the app's own write path, a register of 20,000 providers (``import_providers`` on a
generated Ofsted-layout CSV) and five years of records around it: 50,000 QA cases, and visits,
compliance reviews, meetings with actions, regulatory alerts, placements, embargoes, action plans
with actions, planning applications, intelligence, funding requests, notifications, registration
applications and Young Inspector visits in proportion. Then times, as the window and the command
line call them:

- ``ws.tracker.figures(year)`` for this calendar year (to date), a whole past year and a financial
  year: every figure beside the previous year's. Target: under 1 s each;
- ``ws.tracker.export_workbook(path)``, when the workbook export is there: every list, a sheet
  each, and the year's figures. Target: under 10 s.

Each figure is the median of a few runs, printed with the sizes (these machines are shared and
noisy: read the figures, never assert on them).

    .venv/bin/python bench/annual_figures.py [--providers 20000] [--cases 50000] [--years 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from qa_desktop.domain.oversight import AlertKind, CaseSource, CaseStatus, EmbargoKind, EmbargoScope, PlanKind
from qa_desktop.domain.partnership import MeetingKind
from qa_desktop.domain.regulation import Regulator
from qa_desktop.domain.reporting_year import ReportingYear, YearKind
from qa_desktop.domain.timescales import ConcernLevel, action_due
from qa_desktop.domain.unregistered import ApplicationStage, IntelligenceSource, PlanningDecision
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitStatus
from qa_desktop.store.changes import Changes
from qa_desktop.store.database import Store
from qa_desktop.store.models import (
    ActionPlan,
    AddressIntelligence,
    ComplianceReview,
    Embargo,
    FundingRequest,
    Meeting,
    MeetingAction,
    Placement,
    PlanAction,
    PlanningApplication,
    QaCase,
    RegistrationApplication,
    RegulatoryAlert,
    Setting,
    UnregulatedNotification,
    Visit,
    YoungInspector,
    YoungInspectorVisit,
)
from qa_desktop.workspace import Workspace

HEADER = ("URN,Provision type,Registration status,Sector,Name,Address 1,Address 2,Town,County,Postcode,"
          "Local authority,Places,Organisation which owns the provider,Latest full inspection date,"
          "Overall experiences and progress of children and young people")
TYPES = ["Children's home", "Independent fostering agency", "Residential family centre", "Residential special school",
         "Supported accommodation", "Secure children's home"]
CATEGORIES = ["Quality of care", "Missing from care", "Staffing", "Allegation", "Medication", "Property", "Education",
              "Complaint", "Incident", "Contract"]
BATCH = 5000


def provider_csv(path: Path, count: int) -> Path:
    lines = [HEADER]
    for n in range(count):
        lines.append(f"SC{300000 + n},{TYPES[n % len(TYPES)]},Active,Private,Home {n:05d},{n} High Street,,"
                     f"Town {n % 50},Kent,ME{n % 20} {n % 9}AB,Medway,{n % 6 + 1},Owner {n % 400} Ltd,"
                     f"{1 + n % 28:02d}/{1 + n % 12:02d}/20{15 + n % 10},Good")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def median_of(runs: int, work: Callable[[], object]) -> float:
    return statistics.median(seconds(work) for _ in range(runs))


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def seed(store: Store, rng: random.Random, cases: int, years: int) -> dict[str, int]:
    """Five years of records through ``Changes``, in batches of ``BATCH`` rows per unit of work, up to
    today by the store's clock."""
    today = store.clock.today()
    first = dt.date(today.year - years + 1, 1, 1)
    span = (today - first).days

    def day() -> dt.date:
        return first + dt.timedelta(days=rng.randrange(span))

    with store.read() as session:
        settings = list(session.execute(select(Setting.id, Setting.provider_id)).all())
    provider_ids = [p for _, p in settings]
    counts: dict[str, int] = {}

    def batches(name: str, total: int, make: Callable[[Changes], object]) -> None:
        done = 0
        while done < total:
            with store.write() as changes:
                for _ in range(min(BATCH, total - done)):
                    make(changes)
                    done += 1
        counts[name] = total

    batches("QA cases", cases, lambda c: c.create(
        QaCase, provider_id=rng.choice(provider_ids), opened_on=day(), source=rng.choice(list(CaseSource)),
        category=rng.choice(CATEGORIES), summary="A concern", status=CaseStatus.OPEN))
    batches("visits", cases // 6, lambda c: c.create(
        Visit, setting_id=rng.choice(settings)[0], visit_date=day(), level=rng.choice(list(VisitLevel)),
        announced=rng.random() < 0.7, reason=VisitReason.ROUTINE,
        status=rng.choice([VisitStatus.COMPLETED, VisitStatus.COMPLETED, VisitStatus.PLANNED]),
        officers=["Alex Patel", "Jo Morgan"]))
    batches("compliance reviews", cases // 10, lambda c: c.create(
        ComplianceReview, provider_id=rng.choice(provider_ids), review_date=day(), minimum_only=rng.random() < 0.2,
        reviewed_by="Alex Patel"))
    batches("placements", cases // 15, lambda c: c.create(
        Placement, setting_id=rng.choice(settings)[0], started_at=moment(day()),
        reference=f"PL-{rng.randrange(99999)}"))
    meeting_ids: list[str] = []

    def meeting(changes: Changes) -> None:
        held = day()
        row = changes.create(Meeting, held_on=held, kind=rng.choice(list(MeetingKind)),
                             attendees=["Alex Patel", "Partner"])
        meeting_ids.append(row.id)
        if rng.random() < 0.4:
            level = rng.choice(list(ConcernLevel))
            changes.create(MeetingAction, meeting_id=row.id, provider_id=rng.choice(provider_ids),
                           text="Send evidence", level=level, raised_at=moment(held),
                           due_at=action_due(level, moment(held)),
                           completed_at=moment(held) + dt.timedelta(days=rng.randrange(1, 40))
                           if rng.random() < 0.7 else None)

    batches("meetings", cases // 16, meeting)
    batches("regulatory alerts", cases // 20, lambda c: c.create(
        RegulatoryAlert, provider_id=rng.choice(provider_ids), regulator=Regulator.OFSTED,
        kind=rng.choice([k for k in AlertKind if k is not AlertKind.POOR_JUDGEMENT]), received_on=day(),
        summary="Alert"))
    batches("embargoes", cases // 100, lambda c: c.create(
        Embargo, provider_id=rng.choice(provider_ids), kind=rng.choice(list(EmbargoKind)),
        scope=EmbargoScope.PROVIDER, reason="Concerns", start_on=day(), approved_by="Head of Service"))

    def plan(changes: Changes) -> None:
        issued = day()
        row = changes.create(ActionPlan, provider_id=rng.choice(provider_ids),
                             kind=rng.choice(list(PlanKind)), issued_on=issued, reason="Shortfalls")
        for _ in range(3):
            level = rng.choice(list(ConcernLevel))
            changes.create(PlanAction, plan_id=row.id, text="Fix it", level=level,
                           raised_at=moment(issued), due_at=action_due(level, moment(issued)))

    batches("action plans (3 actions each)", cases // 60, plan)
    batches("planning applications", cases // 50, lambda c: c.create(
        PlanningApplication, reference=f"MC/{rng.randrange(10**6)}", address="1 High Street", listed_on=day(),
        proposal="C3 to C2", use_from="C3", use_to="C2", decision=PlanningDecision.PENDING))
    batches("intelligence", cases // 50, lambda c: c.create(
        AddressIntelligence, address="1 Low Road", source=rng.choice(list(IntelligenceSource)), received_on=day(),
        summary="Seen"))
    batches("funding requests", cases // 30, lambda c: c.create(
        FundingRequest, received_on=day(), reference="PFR", provider_id=rng.choice(provider_ids), summary="Bed"))
    batches("notifications", cases // 150, lambda c: c.create(
        UnregulatedNotification, provider_id=rng.choice(provider_ids), notified_on=day(), summary="Placement"))
    batches("registration applications", cases // 250, lambda c: c.create(
        RegistrationApplication, provider_id=rng.choice(provider_ids), stage=ApplicationStage.REGISTERED,
        support_began_on=day(), ended_on=day()))
    with store.write() as changes:
        inspectors = [changes.create(YoungInspector, name=f"YI-{n}", joined_on=first).id for n in range(12)]
    with store.read() as session:
        visit_ids = list(session.scalars(select(Visit.id).limit(cases // 100)))
    with store.write() as changes:
        for visit_id in visit_ids:
            changes.create(YoungInspectorVisit, young_inspector_id=rng.choice(inspectors), visit_id=visit_id,
                           opted_out=False)
    counts["Young Inspector visits"] = len(visit_ids)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=20000)
    parser.add_argument("--cases", type=int, default=50000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qa-bench-figures-"))
    store = Store(folder / "data", actor="bench", key=b"b" * 32)
    ws = Workspace(store)
    took = seconds(lambda: ws.register.import_providers(provider_csv(folder / "providers.csv", args.providers)))
    print(f"seeded {args.providers} providers in {took:.0f} s (import)")
    start = time.perf_counter()
    counts = seed(store, random.Random(19), args.cases, args.years)
    print(f"seeded in {time.perf_counter() - start:.0f} s: " + ", ".join(f"{n} {what}" for what, n in counts.items()))

    print(f"\nannual figures, median of {args.runs} (target under 1 s each):")
    this = ws.tracker.this_year()
    for year in (this, this.previous, ReportingYear(YearKind.FINANCIAL, this.start_year - 1)):
        figures = ws.tracker.figures(year)
        taken = median_of(args.runs, partial(ws.tracker.figures, year))
        cases = figures.headline_count("QA cases dealt with")
        print(f"  {figures.span.label:>18} beside {figures.previous_span.label:<18} {taken * 1000:7.0f} ms "
              f"({cases.current} and {cases.previous} cases){'' if taken < 1 else '  OVER TARGET'}")
    export = getattr(ws.tracker, "export_workbook", None)
    if export is not None:
        path = folder / "tracker.xlsx"
        taken = median_of(1, lambda: export(path))
        size = path.stat().st_size / 1e6
        print(f"\nthe whole workbook: {taken:.1f} s, {size:.1f} MB (target under 10 s)"
              f"{'' if taken < 10 else '  OVER TARGET'}")
    ws.close()


if __name__ == "__main__":
    main()
