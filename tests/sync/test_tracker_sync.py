"""The tracker's records sync like every other: each new table travels through a shared folder
whole, the same provider added to a meeting on two laptops is one row, different ones are both
kept, and two different feedbacks typed at once are both kept as a conflict."""

from __future__ import annotations

import datetime as dt

from qa_desktop.domain.partnership import FundingRecommendation, MeetingKind
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.unregistered import ApplicationStage, IntelligenceSource
from qa_desktop.domain.young_inspector_programme import DebriefBy
from qa_desktop.services.demo import load_demo
from qa_desktop.store.models import SYNCED_MODELS
from qa_desktop.sync.conflicts import list_conflicts
from qa_desktop.sync.engine import sync
from qa_desktop.workspace import Workspace
from tests.sync.conftest import DAY, snapshot

TRACKER_TABLES = {"meetings", "meeting_topics", "meeting_actions", "funding_requests", "unregulated_notifications",
                  "notification_updates", "registration_applications", "planning_applications",
                  "address_intelligence", "young_inspectors", "young_inspector_visits", "young_inspector_incentives"}


def fill(ws: Workspace) -> dict[str, str]:
    """One record or more of every tracker table, through the services."""
    maple, harbour = ws.register.resolve("SC700101"), ws.register.resolve("SC700102")
    meeting = ws.partnership.record_meeting(MeetingKind.STRATEGY, attendees=["Alex Patel", "DS Khan"],
                                            held_on=DAY - dt.timedelta(days=1), providers=[maple],
                                            references=["LADO-7"]).value
    ws.partnership.add_action(meeting, "Safety plan to QA", provider_id=maple, level=ConcernLevel.MEDIUM)
    funding = ws.partnership.record_funding_request(reference="PFR-9", summary="Emergency bed",
                                                    provider_id=harbour).value
    notified = ws.unregistered.notify_ofsted(maple, summary="16-year-old placed pending registration").value
    ws.unregistered.send_update(notified, summary="Manager appointed")
    application = ws.unregistered.start_application(maple, support_began_on=DAY - dt.timedelta(days=90)).value
    ws.unregistered.move_application(application, ApplicationStage.SUBMITTED)
    planning = ws.unregistered.log_planning_application(reference="MC/26/0042", address="3 Mill Lane",
                                                        postcode="ME2 4XX", proposal="C3 to C2, 2 young people").value
    ws.unregistered.record_intelligence(address="3 Mill Lane", postcode="ME2 4XX", source=IntelligenceSource.RESIDENT,
                                        summary="Staff changeovers at night")
    inspector = ws.young_inspectors.add("YI-07", trained_on=DAY, dbs_checked_on=DAY).value
    visit = ws.visits.in_progress()[0].id
    joined = ws.young_inspectors.join_visit(inspector, visit, briefed_on=DAY - dt.timedelta(days=1)).value
    ws.young_inspectors.record_support(joined, debriefed_on=DAY, debrief_by=DebriefBy.QA_LEAD)
    ws.young_inspectors.give_incentive(inspector, description="Cinema tickets", value_pence=1500)
    return {"meeting": meeting, "funding": funding, "planning": planning, "maple": maple, "harbour": harbour}


def test_every_tracker_record_travels_whole_through_a_shared_folder(laptops, folder):
    alex, jo = laptops("alex", "jo")
    load_demo(alex, today=DAY)
    assert {model.__tablename__ for model in SYNCED_MODELS} >= TRACKER_TABLES
    ids = fill(Workspace(alex))
    sync(alex, folder)
    report = sync(jo, folder)
    assert report.waiting_rows == 0
    mine, theirs = snapshot(alex), snapshot(jo)
    assert {table for table, *_ in mine if table != "conflicts"} >= TRACKER_TABLES
    assert theirs == mine
    on_jo = Workspace(jo)
    meeting = on_jo.partnership.meeting(ids["meeting"])
    assert meeting.attendees == ("Alex Patel", "DS Khan") and meeting.actions[0].due_at is not None
    assert on_jo.young_inspectors.roster()[0].visits == 1
    assert on_jo.tracker.figures().headline_count("Meetings and joint visits").current == 1


def test_two_officers_adding_to_the_same_meeting_keep_everything_they_added(laptops, folder):
    alex, jo = laptops("alex", "jo")
    load_demo(alex, today=DAY)
    ids = fill(Workspace(alex))
    sync(alex, folder), sync(jo, folder)
    on_alex, on_jo = Workspace(alex), Workspace(jo)
    both = on_alex.partnership.add_topic(ids["meeting"], provider_id=ids["harbour"]).value
    assert on_jo.partnership.add_topic(ids["meeting"], provider_id=ids["harbour"]).value == both  # the same row
    on_jo.partnership.add_topic(ids["meeting"], reference="CCRAG-55")
    on_alex.partnership.give_funding_feedback(ids["funding"], recommendation=FundingRecommendation.SUPPORTED,
                                              feedback="Known provider, good judgement")
    on_jo.partnership.give_funding_feedback(ids["funding"], recommendation=FundingRecommendation.NOT_SUPPORTED,
                                            feedback="Embargo being considered")
    for laptop in (alex, jo, alex):
        sync(laptop, folder)
    assert snapshot(alex) == snapshot(jo)
    topics = [t.words for t in on_alex.partnership.meeting(ids["meeting"]).topics]
    assert topics == ["CCRAG-55", "Harbour View", "LADO-7", "Maple Lodge"]
    conflicts = {(c.entity, c.field) for c in list_conflicts(alex)}
    assert {("funding_requests", "feedback"), ("funding_requests", "recommendation")} <= conflicts
    kept = {v.value for c in list_conflicts(jo) if c.field == "feedback" for v in c.values}
    assert kept == {"Known provider, good judgement", "Embargo being considered"}  # both typed answers kept
