"""Partnership working (Section 13) through the workspace: the meeting log with the providers and
cases discussed and the actions arising (Figure 8 for a provider's), the regular meetings'
cadence, and placement funding requests with QA's feedback."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_desktop.domain.oversight import CaseSource
from qa_desktop.domain.partnership import FundingRecommendation, MeetingKind, PartnershipError
from qa_desktop.domain.reporting_year import Span
from qa_desktop.domain.roles import NotAllowed, Role
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.services.demo import load_demo
from qa_desktop.store.database import Store
from qa_desktop.workspace import Workspace
from tests.conftest import CLOCK_START, TODAY


@pytest.fixture
def ws(store) -> Workspace:
    load_demo(store, today=TODAY)
    return Workspace(store)


def provider(ws: Workspace, urn: str) -> str:
    return ws.register.resolve(urn)


def test_a_meeting_keeps_who_attended_the_providers_and_cases_discussed_and_what_arose(ws):
    maple, harbour = provider(ws, "SC700101"), provider(ws, "SC700102")
    case = ws.oversight.log_case(harbour, source=CaseSource.LADO, category="Allegation", summary="LADO referral").value
    done = ws.partnership.record_meeting(
        MeetingKind.LADO, attendees=["Alex Patel", " Sam (LADO) ", ""], held_on=TODAY - dt.timedelta(days=3),
        title="LADO 4-weekly", providers=[maple], cases=[case], references=["LADO-2026-114"])
    assert maple in done.changes.providers and harbour in done.changes.providers  # both pages hear of it
    meeting = ws.partnership.meeting(done.value)
    assert meeting.attendees == ("Alex Patel", "Sam (LADO)")
    assert [t.words for t in meeting.topics] == ["Harbour View: QA case Allegation, opened 22 Nov 2026",
                                                 "LADO-2026-114", "Maple Lodge"]
    # the same provider added again, on this laptop or another, is the same row
    again = ws.partnership.add_topic(meeting.id, provider_id=maple, note="Staffing raised again").value
    assert again == next(t.id for t in meeting.topics if t.provider_id == maple)
    assert len(ws.partnership.meeting(meeting.id).topics) == 3
    ws.partnership.remove_topic(again)
    assert ws.partnership.add_topic(meeting.id, provider_id=maple).value != again  # added again after removal
    assert len(ws.partnership.meeting(meeting.id).topics) == 3

    raised = CLOCK_START - dt.timedelta(days=3)
    for_provider = ws.partnership.add_action(meeting.id, "Send the missing-from-care log", provider_id=maple,
                                             level=ConcernLevel.HIGH, raised_at=raised).value
    for_us = ws.partnership.add_action(meeting.id, "Share minutes with ART", owner="Alex Patel",
                                       due_at=raised + dt.timedelta(days=10), raised_at=raised).value
    actions = {a.id: a for a in ws.partnership.meeting(meeting.id).actions}
    assert actions[for_provider].due_at == raised + dt.timedelta(hours=48)  # Figure 8: HIGH, 24-48 hours
    assert actions[for_provider].overdue and not actions[for_us].overdue
    # the provider's action is tracked with every other action on it, and completed from there
    tracked = [a for a in ws.oversight.tracked_actions(maple) if a.kind == "meeting"]
    held = f"{TODAY - dt.timedelta(days=3):%d %b %Y}"
    assert [(a.id, a.source) for a in tracked] == [(for_provider, f"LADO (4-weekly), {held}")]
    assert all(a.id != for_us for a in ws.oversight.tracked_actions())
    ws.oversight.complete_action("meeting", for_provider, evidence="Log seen on 21 Nov")
    assert ws.partnership.meeting(meeting.id).open_actions == 1
    assert [a.id for a in ws.partnership.open_actions()] == [for_us]

    with pytest.raises(PartnershipError, match="concern level"):
        ws.partnership.add_action(meeting.id, "Review staffing", provider_id=maple)
    with pytest.raises(PartnershipError, match="before the meeting raised it"):
        ws.partnership.add_action(meeting.id, "Late", due_at=CLOCK_START - dt.timedelta(days=30))
    with pytest.raises(PartnershipError, match="named twice"):
        ws.partnership.record_meeting(MeetingKind.JEM, attendees=["Jo Morgan", "jo morgan"])


def test_the_log_is_searched_by_span_kind_provider_and_words_and_a_mistake_is_deleted(ws):
    maple = provider(ws, "SC700101")
    ids = [ws.partnership.record_meeting(kind, attendees=["Alex Patel"], held_on=day, providers=prov).value
           for kind, day, prov in ((MeetingKind.STRATEGY, dt.date(2026, 3, 2), [maple]),
                                   (MeetingKind.CCRAG, dt.date(2026, 6, 9), []),
                                   (MeetingKind.JOINT_VISIT, dt.date(2025, 12, 30), []))]
    assert [m.id for m in ws.partnership.meetings()] == [ids[1], ids[0], ids[2]]
    assert [m.id for m in ws.partnership.meetings(span=Span(dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026"))] \
        == [ids[1], ids[0]]
    assert [m.id for m in ws.partnership.meetings(kind=MeetingKind.CCRAG)] == [ids[1]]
    assert [m.id for m in ws.partnership.meetings(provider_id=maple)] == [ids[0]]
    assert [m.id for m in ws.partnership.meetings(text="joint")] == [ids[2]]
    ws.partnership.add_action(ids[0], "Chase the plan", provider_id=maple, level=ConcernLevel.LOW)
    ws.partnership.delete_meeting(ids[0])
    assert [m.id for m in ws.partnership.meetings()] == [ids[1], ids[2]]
    assert not [a for a in ws.oversight.tracked_actions() if a.kind == "meeting"]  # its action went with it


def test_the_regular_meetings_are_expected_at_their_cadence(ws):
    ws.partnership.record_meeting(MeetingKind.LADO, attendees=["Alex Patel"], held_on=TODAY - dt.timedelta(weeks=5))
    ws.partnership.record_meeting(MeetingKind.ART_DROP_IN, attendees=["Jo Morgan"],
                                  held_on=TODAY - dt.timedelta(days=2))
    regular = {r.kind: r for r in ws.partnership.regular_meetings()}
    assert set(regular) == {MeetingKind.LADO, MeetingKind.EDUCATION_SEND, MeetingKind.ART_DROP_IN}
    assert regular[MeetingKind.LADO].next_on == TODAY - dt.timedelta(weeks=1) and regular[MeetingKind.LADO].overdue
    assert regular[MeetingKind.ART_DROP_IN].next_on == TODAY + dt.timedelta(days=5)
    assert not regular[MeetingKind.ART_DROP_IN].overdue
    assert regular[MeetingKind.EDUCATION_SEND].last_held is None  # never recorded: expected today


def test_funding_requests_get_qa_feedback(ws):
    maple = provider(ws, "SC700101")
    known = ws.partnership.record_funding_request(reference="PFR-101", summary="Solo placement, 2:1 staffing",
                                                  provider_id=maple, requested_by="Children in care team 2").value
    unknown = ws.partnership.record_funding_request(reference="PFR-102", summary="Supported accommodation",
                                                    provider_name="Brightside Homes Ltd",
                                                    received_on=TODAY - dt.timedelta(days=4)).value
    with pytest.raises(PartnershipError, match="Name the provider"):
        ws.partnership.record_funding_request(reference="PFR-103", summary="x")
    with pytest.raises(PartnershipError, match="reference"):
        ws.partnership.record_funding_request(reference=" ", summary="x", provider_id=maple)
    assert [r.reference for r in ws.partnership.funding_requests(awaiting=True)] == ["PFR-101", "PFR-102"]
    with pytest.raises(PartnershipError, match="before the request"):
        ws.partnership.give_funding_feedback(unknown, recommendation=FundingRecommendation.NOT_SUPPORTED,
                                             feedback="x", on=TODAY - dt.timedelta(days=5))
    ws.partnership.give_funding_feedback(unknown, recommendation=FundingRecommendation.NOT_SUPPORTED,
                                         feedback="Not known to us; no Ofsted URN; embargo area")
    lines = {r.id: r for r in ws.partnership.funding_requests()}
    assert lines[unknown].provider == "Brightside Homes Ltd" and lines[unknown].feedback_on == TODAY
    assert lines[known].provider == "Maple Lodge" and lines[known].awaiting_feedback
    assert [r.id for r in ws.partnership.funding_requests(text="brightside")] == [unknown]


def test_a_young_inspector_sees_none_of_it(store):
    load_demo(store, today=TODAY)
    Workspace(store).partnership.record_meeting(MeetingKind.CCRAG, attendees=["Alex Patel"])
    inspector = Workspace(Store(store.data_dir, actor="yi", key=store.key, role=Role.YOUNG_INSPECTOR))
    try:
        with pytest.raises(NotAllowed):
            inspector.partnership.meetings()
        with pytest.raises(NotAllowed):
            inspector.partnership.record_meeting(MeetingKind.CCRAG, attendees=["YI"])
        with pytest.raises(NotAllowed):
            inspector.partnership.funding_requests()
    finally:
        inspector.close()
