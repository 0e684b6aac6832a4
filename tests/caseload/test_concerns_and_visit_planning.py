"""Concern-driven work, visit planning and what is due for the providers we monitor (issue 16, items
3-6), through the workspace, on a register imported from Ofsted's file."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_desktop.domain.oversight import CaseSource
from qa_desktop.domain.regulation import ContractRoute
from qa_desktop.domain.schedule import DueKind, DueStatus
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitRuleError, VisitStatus
from qa_desktop.workspace import Workspace
from tests.conftest import CLOCK_START, TODAY


def due(ws, provider_id, kind):
    return [i for i in ws.register.due(provider_id=provider_id, include_scheduled=True) if i.due.kind is kind]


def test_a_significant_lado_case_makes_the_review_and_the_visit_due_now_with_the_reason(ws, urn):
    """Maple Lodge, reviewed and visited last year, with a significant LADO case: due now, not in 2028."""
    maple = urn("SC800001")
    ws.reviews.record_past(maple, _full(), review_date=dt.date(2026, 1, 10), reviewed_by="Alex", outcome="Fine")
    ws.planning.record_past(setting_id=ws.register.page(maple).settings[0].id, visit_date=dt.date(2025, 12, 1),
                            level=VisitLevel.FULL, announced=True, officers=["Alex"], reason=VisitReason.ROUTINE)
    assert due(ws, maple, DueKind.VISIT)[0].due.due_on == dt.date(2028, 12, 1)
    case = ws.oversight.log_case(maple, source=CaseSource.LADO, category="Allegation",
                                 summary="Allegation against a member of staff", significant=True).value
    [review], [visit] = due(ws, maple, DueKind.REVIEW), due(ws, maple, DueKind.VISIT)
    for item in (review, visit):
        assert item.due.due_on == TODAY and item.due.status is DueStatus.DUE
        assert "significant concern (LADO: Allegation against a member of staff) raised 22/11/2026" in item.due.reason
    ws.oversight.close_case(case, outcome="LADO threshold not met; no further action")
    assert due(ws, maple, DueKind.VISIT)[0].due.due_on == dt.date(2028, 12, 1)  # closed: the cycle again
    assert [c.outcome for c in ws.oversight.cases(maple)] == ["LADO threshold not met; no further action"]


def _full():
    from qa_desktop.domain.compliance import ReviewScope

    return ReviewScope.FULL


def test_a_concern_about_a_fostering_agency_makes_a_review_due_but_never_a_visit(ws, urn):
    kindred = urn("SC800004")
    ws.oversight.log_case(kindred, source=CaseSource.SOCIAL_WORKER, category="Practice",
                          summary="Carer training out of date", quality_concern=True)
    assert due(ws, kindred, DueKind.REVIEW)[0].due.due_on == TODAY
    assert due(ws, kindred, DueKind.VISIT) == []  # foster homes are not visited (Section 2)


def test_a_case_that_is_not_a_concern_changes_nothing(ws, urn):
    maple = urn("SC800001")
    before = ws.register.due(provider_id=maple, include_scheduled=True)
    ws.oversight.log_case(maple, source=CaseSource.PROVIDER, category="Notification", summary="New manager in post")
    assert ws.register.due(provider_id=maple, include_scheduled=True) == before


def test_secure_units_short_breaks_and_activity_are_visited_on_a_concern_or_when_the_team_asks(ws, urn, setting_of):
    secure, breaks = urn("SC800006"), urn("SC800009")
    assert due(ws, secure, DueKind.VISIT) == [] and due(ws, breaks, DueKind.VISIT) == []  # no routine visit
    ws.oversight.log_case(secure, source=CaseSource.POLICE, category="Restraint", summary="Injury during restraint",
                          safeguarding=True)
    [visit] = due(ws, secure, DueKind.VISIT)
    assert visit.due.status is DueStatus.DUE and "safeguarding matter (Police" in visit.due.reason
    week = TODAY + dt.timedelta(days=7)
    ws.planning.plan(setting_id=setting_of("SC800009"), visit_date=week, level=VisitLevel.FULL, announced=True,
                     officers=["Alex Patel"], reason=VisitReason.ROUTINE)
    [asked] = due(ws, breaks, DueKind.VISIT)
    assert asked.due.due_on == week and asked.due.reason == "visit planned for 29/11/2026 at the team's request"


def test_planning_a_visit_with_officers_and_my_visits(ws, urn, setting_of, store):
    from qa_desktop.store.database import Store

    maple = setting_of("SC800001")
    with pytest.raises(VisitRuleError, match="two officers"):
        ws.planning.plan(setting_id=maple, visit_date=TODAY, level=VisitLevel.ASSURANCE_MONITORING, announced=False,
                         officers=["Alex Patel"], reason=VisitReason.CONCERN_RAISED)
    with pytest.raises(VisitRuleError, match=r"^Date: a visit is planned for today or later"):
        ws.planning.plan(setting_id=maple, visit_date=TODAY - dt.timedelta(days=1), level=VisitLevel.FULL,
                         announced=True, officers=["Alex Patel"], reason=VisitReason.ROUTINE)
    with pytest.raises(VisitRuleError, match=r"^QA does not visit a Independent Fostering Agency"):
        ws.planning.plan(setting_id=setting_of("SC800004"), visit_date=TODAY, level=VisitLevel.FULL, announced=True,
                         officers=["Alex Patel"], reason=VisitReason.ROUTINE)
    visit = ws.planning.plan(setting_id=maple, visit_date=TODAY + dt.timedelta(days=3),
                             level=VisitLevel.ASSURANCE_MONITORING, announced=False,
                             officers=["Alex Patel", "Jo Morgan"], reason=VisitReason.CONCERN_RAISED,
                             starts_at=CLOCK_START + dt.timedelta(days=3), duration_minutes=150).value
    jo = Workspace(Store(store.data_dir, actor="Jo Morgan", key=store.key))
    try:
        assert [v.id for v in jo.planning.my_visits()] == [visit]
        assert ws.planning.my_visits() == []  # officer.test is not assigned
    finally:
        jo.close()
    summary = ws.planning.summary(visit)
    assert summary.status is VisitStatus.PLANNED and summary.officers == ("Alex Patel", "Jo Morgan")
    assert ws.visits.find(summary.reference) == visit  # the reference report/export-visit/audit accept
    [listed] = ws.planning.visits(officer="jo", status=VisitStatus.PLANNED)
    assert listed.reference == summary.reference and listed.provider == "Maple Lodge"
    ws.planning.edit(visit, {"officers": ["Alex Patel", "Sam Lee"], "visit_date": TODAY + dt.timedelta(days=4)})
    with pytest.raises(VisitRuleError, match="two officers"):
        ws.planning.edit(visit, {"officers": ["Alex Patel"]})
    ws.planning.begin(visit)
    editor = ws.visits.open(visit, screen=False)
    assert set(editor.checklists) == {"compliance_areas", "property_standards", "voice_of_child"}
    assert ws.planning.summary(visit).status is VisitStatus.IN_PROGRESS and editor.visit_date == TODAY


def unfold(text: str) -> list[str]:
    """RFC 5545 content lines: CRLF-separated, a line starting with one space continues the last."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines: list[str] = []
    for raw in text.split("\r\n")[:-1]:
        assert len(raw.encode("utf-8")) <= 75
        if raw.startswith(" "):
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def test_a_planned_visit_has_a_calendar_invitation_outlook_opens(ws, setting_of, tmp_path):
    ws.providers.edit_setting(setting_of("SC800003"), {"name": "Brightpath; Chatham, Kent \\ Annexe"})
    visit = ws.planning.plan(setting_id=setting_of("SC800003"), visit_date=dt.date(2026, 11, 25),
                             level=VisitLevel.FULL, announced=False, officers=["Alex Patel", "Zoë Ní Bhriain"],
                             reason=VisitReason.CONCERN_RAISED,
                             starts_at=dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)).value
    path = ws.planning.save_invitation(visit)
    summary = ws.planning.summary(visit)
    assert path == ws.data_dir / "invitations" / f"{summary.reference}.ics"
    lines = unfold(path.read_bytes().decode("utf-8"))
    event = lines[lines.index("BEGIN:VEVENT"):lines.index("BEGIN:VALARM")]
    fields = dict(line.split(":", 1) for line in lines[:lines.index("BEGIN:VEVENT")] + event[1:])
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR" and fields["METHOD"] == "PUBLISH"
    assert lines[-3:] == ["END:VALARM", "END:VEVENT", "END:VCALENDAR"]
    assert fields["UID"] == f"{visit}@qa-desktop" and fields["VERSION"] == "2.0"
    assert fields["DTSTART"] == "20261125T093000Z" and fields["DTEND"] == "20261125T153000Z"  # a Full visit: 6 h
    assert fields["SUMMARY"] == "QA visit (UNANNOUNCED): Brightpath\\; Chatham\\, Kent \\\\ Annexe"
    assert "Officers: Alex Patel\\, Zoë Ní Bhriain." in fields["DESCRIPTION"]
    assert "do not share this invitation with the provider" in fields["DESCRIPTION"]
    assert fields["CLASS"] == "PRIVATE"
    assert fields["LOCATION"] == "Chatham\\, Kent\\, ME4 6PZ"  # (the address was redacted by Ofsted)
    with pytest.raises(VisitRuleError, match="Only a planned visit has an invitation"):
        ws.planning.begin(visit)
        ws.planning.invitation(visit)


def test_what_is_due_shows_the_providers_we_monitor_and_every_provider_on_request(ws, urn, setting_of):
    every = ws.register.due(everyone=True, include_scheduled=True)
    assert {i.due.status for i in every} == {DueStatus.BEFORE_PLACEMENT}  # an imported register: nothing due now
    assert ws.register.due(everyone=True) == [] and ws.register.due() == []
    harbour = urn("SC800002")
    ws.reviews.record_past(harbour, _full(), review_date=dt.date(2024, 1, 5), reviewed_by="Alex", outcome="Fine")
    assert [i.provider_name for i in ws.register.due(everyone=True)] == ["Harbour View"]
    assert ws.register.due() == []  # not monitored by us
    ws.providers.edit(harbour, {"contract_route": ContractRoute.SPOT})
    assert [i.provider_name for i in ws.register.due()] == ["Harbour View"]
    assert [i.provider_name for i in ws.oversight.dashboard().due] == ["Harbour View"]
    ws.providers.set_monitored(harbour, False, "No children placed since 2025")
    assert ws.oversight.dashboard().due == () and len(ws.oversight.dashboard(everyone=True).due) == 1
