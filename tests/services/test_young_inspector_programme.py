"""The Young Inspectors programme (scrutiny report 4.10, 5, 7) through the workspace: the roster by
reference, training and DBS expiry in what is due, the briefing and debrief around each visit
joined, opting out, incentives, and the feedback to providers their visits produced."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from qa_desktop.domain.visits import VisitLevel, VisitReason
from qa_desktop.domain.young_inspector_programme import DebriefBy, DueKind, ProgrammeError
from qa_desktop.services.demo import load_demo
from qa_desktop.store.models import ReportRevision, Visit
from qa_desktop.workspace import Workspace
from tests.conftest import TODAY


@pytest.fixture
def ws(store) -> Workspace:
    load_demo(store, today=TODAY)
    return Workspace(store)


def visits(store) -> list[tuple[str, dt.date]]:
    with store.read() as session:
        return [(v.id, v.visit_date) for v in session.scalars(select(Visit).order_by(Visit.visit_date.desc()))]


def test_the_roster_holds_a_reference_and_says_what_falls_due(ws):
    fresh = ws.young_inspectors.add("YI-01", joined_on=dt.date(2026, 1, 5), trained_on=dt.date(2026, 1, 20),
                                    dbs_checked_on=dt.date(2026, 1, 10)).value
    expiring = ws.young_inspectors.add("Sam", joined_on=dt.date(2023, 9, 1),
                                       trained_on=dt.date(2025, 12, 10), dbs_checked_on=dt.date(2023, 12, 1)).value
    untrained = ws.young_inspectors.add("YI-03", joined_on=dt.date(2026, 10, 1)).value
    with pytest.raises(ProgrammeError, match="already on the roster"):
        ws.young_inspectors.add("yi-01")
    with pytest.raises(ProgrammeError, match="60 characters"):
        ws.young_inspectors.add("A" * 61)
    with pytest.raises(ProgrammeError, match="a name the team knows them by"):
        ws.young_inspectors.add("  ")
    roster = {line.id: line for line in ws.young_inspectors.roster()}
    assert roster[fresh].due == ()
    assert roster[expiring].name == "Sam"  # a first name, where the team prefers it to a reference
    assert [(d.kind, d.due_on, d.overdue) for d in roster[expiring].due] == [
        (DueKind.DBS, dt.date(2026, 12, 1), False),        # three-yearly: due in 9 days
        (DueKind.TRAINING, dt.date(2026, 12, 10), False)]  # yearly: due in 18 days
    assert {d.kind for d in roster[untrained].due} == {DueKind.DBS, DueKind.TRAINING}  # none recorded
    ws.young_inspectors.update(expiring, dbs_checked_on=TODAY)
    assert [d.kind for d in next(r for r in ws.young_inspectors.roster() if r.id == expiring).due] == [
        DueKind.TRAINING]

    ws.young_inspectors.opt_out(untrained, reason="Starting college")
    line = next(r for r in ws.young_inspectors.roster() if r.id == untrained)
    assert not line.active and line.due == () and "Starting college" in (line.notes or "")
    assert untrained not in {r.id for r in ws.young_inspectors.roster(include_opted_out=False)}
    assert all(d.young_inspector_id != untrained for d in ws.young_inspectors.due())


def test_each_visit_joined_has_a_briefing_before_and_a_debrief_after(ws, store):
    setting = ws.visits.settings_to_visit()[0].id
    coming = ws.visits.start(setting_id=setting, visit_date=TODAY + dt.timedelta(days=5), level=VisitLevel.FULL,
                             reason=VisitReason.ROUTINE, announced=True, officers=["Alex Patel"]).value
    past_day = TODAY - dt.timedelta(days=9)
    past = ws.visits.start(setting_id=setting, visit_date=past_day, level=VisitLevel.FULL,
                           reason=VisitReason.ROUTINE, announced=True, officers=["Alex Patel"]).value
    inspector = ws.young_inspectors.add("YI-04", trained_on=TODAY, dbs_checked_on=TODAY,
                                        joined_on=past_day - dt.timedelta(days=60)).value
    joined = ws.young_inspectors.join_visit(inspector, past).value
    ahead = ws.young_inspectors.join_visit(inspector, coming).value
    with pytest.raises(ProgrammeError, match="already joined"):
        ws.young_inspectors.join_visit(inspector, past)
    owed = ws.young_inspectors.due()
    # the briefing before the coming visit, the debrief after the past one (a week after it: overdue);
    # no briefing is owed for a visit already made
    assert [(d.due.kind, d.due.overdue) for d in owed] == [(DueKind.DEBRIEF, True), (DueKind.BRIEFING, False)]
    ws.young_inspectors.record_support(ahead, briefed_on=TODAY)
    with pytest.raises(ProgrammeError, match="briefing cannot be after"):
        ws.young_inspectors.record_support(joined, briefed_on=past_day + dt.timedelta(days=1))
    with pytest.raises(ProgrammeError, match="who gave the debrief"):
        ws.young_inspectors.record_support(joined, debriefed_on=past_day)
    ws.young_inspectors.record_support(joined, briefed_on=past_day - dt.timedelta(days=2), debriefed_on=past_day,
                                       debrief_by=DebriefBy.PERSONAL_ADVISER)
    assert ws.young_inspectors.due() == []
    _, visit = ws.young_inspectors.joined_visits(inspector_id=inspector)
    assert (visit.briefed_on, visit.debrief_by, visit.feedback) == (past_day - dt.timedelta(days=2),
                                                                    DebriefBy.PERSONAL_ADVISER, 0)
    # the feedback the documents made from the visit (a Young Inspector report, a letter) is counted
    with store.write() as changes:
        for kind, revision in (("young_inspector", 1), ("young_inspector", 2), ("young_inspector_letter", 1),
                               ("visit", 1)):
            changes.create(ReportRevision, visit_id=past, kind=kind, revision=revision, fingerprint="f" * 64,
                           file_name=f"{kind}-{revision}.pdf", pages=2)
    assert ws.young_inspectors.joined_visits()[1].feedback == 2
    ws.young_inspectors.give_incentive(inspector, description="£20 voucher", value_pence=2000)
    with pytest.raises(ProgrammeError, match="below nothing"):
        ws.young_inspectors.give_incentive(inspector, description="x", value_pence=-1)
    assert [(i.name, i.value_pence) for i in ws.young_inspectors.incentives()] == [("YI-04", 2000)]
    line, = ws.young_inspectors.roster()
    assert (line.visits, line.incentives) == (2, 1)

    ws.young_inspectors.opt_out(inspector)
    with pytest.raises(ProgrammeError, match="opted out"):
        ws.young_inspectors.join_visit(inspector, visits(store)[0][0])
