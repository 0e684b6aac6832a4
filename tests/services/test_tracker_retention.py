"""The tracker's records are kept five years from when they ended (Section 11) and deleted like the
rest: listed past retention, blanked and tombstoned for every laptop, their old values redacted;
open ones (an open action, a placement still going, a Young Inspector on the roster) are kept."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from qa_desktop.domain.partnership import FundingRecommendation, MeetingKind
from qa_desktop.domain.unregistered import ApplicationStage, IntelligenceSource
from qa_desktop.services.demo import load_demo
from qa_desktop.store.models import Meeting, Op, YoungInspector
from qa_desktop.workspace import Workspace
from tests.conftest import TODAY

OLD = dt.date(2020, 6, 1)  # more than five years before 22 November 2026


def test_tracker_records_past_retention_are_listed_and_deleted_open_ones_kept(store):
    load_demo(store, today=TODAY)
    ws = Workspace(store)
    maple = ws.register.resolve("SC700101")
    old_meeting = ws.partnership.record_meeting(MeetingKind.LADO, attendees=["Alex Patel"], held_on=OLD,
                                                providers=[maple], notes="Discussed a named allegation").value
    kept_meeting = ws.partnership.record_meeting(MeetingKind.STRATEGY, attendees=["Alex Patel"], held_on=OLD).value
    ws.partnership.add_action(kept_meeting, "Still open", owner="Alex Patel",
                              raised_at=dt.datetime(2020, 6, 1, 12, tzinfo=dt.UTC))
    ws.partnership.record_meeting(MeetingKind.CCRAG, attendees=["Alex Patel"], held_on=TODAY)
    funding = ws.partnership.record_funding_request(reference="PFR-1", summary="Bed", provider_id=maple,
                                                    received_on=OLD).value
    ws.partnership.give_funding_feedback(funding, recommendation=FundingRecommendation.SUPPORTED, feedback="Fine",
                                         on=OLD)
    note = ws.unregistered.notify_ofsted(maple, summary="Placement", notified_on=OLD).value
    ws.unregistered.send_update(note, summary="Update", sent_on=OLD)
    ws.unregistered.end_placement(note, OLD)
    ws.unregistered.notify_ofsted(maple, summary="Still placed", notified_on=OLD)  # not ended: kept
    application = ws.unregistered.start_application(maple, support_began_on=OLD).value
    ws.unregistered.move_application(application, ApplicationStage.WITHDRAWN, on=OLD)
    ws.unregistered.log_planning_application(reference="MC/20/1", address="1 Old Road", proposal="C3 to C2",
                                             listed_on=OLD)
    ws.unregistered.record_intelligence(address="1 Old Road", source=IntelligenceSource.POLICE, summary="Seen",
                                        received_on=OLD)
    gone = ws.young_inspectors.add("YI-OLD", joined_on=OLD).value
    ws.young_inspectors.give_incentive(gone, description="Voucher", given_on=OLD)
    ws.young_inspectors.opt_out(gone, on=OLD)
    staying = ws.young_inspectors.add("YI-STAYS", joined_on=OLD).value
    ws.young_inspectors.give_incentive(staying, description="Old voucher", given_on=OLD)

    expired = [e for e in ws.oversight.past_retention() if e.kind not in ("visit", "case", "plan", "embargo", "alert")]
    assert sorted(e.kind for e in expired) == ["application", "funding", "incentive", "intelligence", "meeting",
                                               "notification", "planning", "young_inspector"]
    assert {e.description for e in expired} >= {"Meeting: LADO (4-weekly)", "Young Inspector YI-OLD",
                                                "Incentive: Old voucher", "Planning application MC/20/1"}
    assert next(e for e in expired if e.kind == "funding").provider == "Maple Lodge"
    report = ws.oversight.apply_retention(expired).value
    assert report.records == len(expired) and report.rows > len(expired)  # children went with their records
    assert report.ops_redacted > 0

    assert ws.oversight.past_retention() == [e for e in ws.oversight.past_retention()
                                             if e.kind in ("visit", "case", "plan", "embargo", "alert")]
    meetings = {m.id for m in ws.partnership.meetings()}
    assert old_meeting not in meetings and kept_meeting in meetings
    assert [n.summary for n in ws.unregistered.notifications()] == ["Still placed"]
    assert [y.name for y in ws.young_inspectors.roster()] == ["YI-STAYS"]
    assert ws.young_inspectors.incentives() == []
    assert ws.partnership.funding_requests() == [] and ws.unregistered.planning_applications() == []
    with store.read() as session:
        meeting = session.get(Meeting, old_meeting)
        assert meeting.deleted and meeting.notes is None and meeting.attendees == []
        assert session.get(YoungInspector, gone).name == ""
        notes = session.scalars(select(Op.value).where(Op.entity == "meetings", Op.entity_id == old_meeting,
                                                       Op.field == "notes")).all()
        assert "Discussed a named allegation" not in notes  # redacted from the log too
