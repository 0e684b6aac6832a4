"""Unregistered and unknown providers (Sections 10 and 13) through the workspace: Ofsted
notifications of unregulated placements and their updates, registration applications to
registered, the weekly planning list with QA's feedback, intelligence by address, and linking both
to a provider once one appears."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.unregistered import (
    ApplicationStage,
    IntelligenceSource,
    PlanningDecision,
    UnregisteredError,
    postcode_key,
)
from qa_desktop.services.demo import load_demo
from qa_desktop.services.register import add_provider, add_setting
from qa_desktop.workspace import Workspace
from tests.conftest import TODAY


@pytest.fixture
def ws(store) -> Workspace:
    load_demo(store, today=TODAY)
    with store.write() as changes:
        unknown = add_provider(changes, name="Northgate Care Ltd", service_type=ServiceType.UNREGULATED)
        add_setting(changes, unknown, name="12 Elm Road", postcode="ME4 6AB")
    return Workspace(store)


@pytest.mark.parametrize(("typed", "key"), [("me4 6ab", "ME4 6AB"), (" ME46AB ", "ME4 6AB"), ("SW1A 1AA", "SW1A 1AA"),
                                            ("not a postcode", None), ("", None)])
def test_postcodes_are_matched_in_one_spelling(typed, key):
    assert postcode_key(typed) == key


def test_an_unregulated_placement_is_notified_to_ofsted_and_updated_until_it_ends(ws):
    northgate = ws.register.resolve("Northgate Care")
    notified = ws.unregistered.notify_ofsted(northgate, summary="Under-16 placed in an unregistered setting",
                                             placement_reference="PL-3001", ofsted_reference="UCH-2211",
                                             notified_on=TODAY - dt.timedelta(days=30)).value
    assert northgate in ws.unregistered.send_update(notified, summary="Fire risk assessment now in place",
                                                    sent_on=TODAY - dt.timedelta(days=9)).changes.providers
    with pytest.raises(UnregisteredError, match="update cannot be before the notification"):
        ws.unregistered.send_update(notified, summary="x", sent_on=TODAY - dt.timedelta(days=31))
    line, = ws.unregistered.notifications(open_only=True)
    assert (line.provider, line.placement_reference, line.last_update) == ("Northgate Care Ltd", "PL-3001",
                                                                           TODAY - dt.timedelta(days=9))
    assert [u.summary for u in line.updates] == ["Fire risk assessment now in place"]
    ws.unregistered.end_placement(notified)
    assert ws.unregistered.notifications(open_only=True) == []
    assert ws.unregistered.notifications()[0].placement_ended_on == TODAY


def test_an_application_moves_to_registered_and_counts_as_supported_to_register(ws):
    northgate = ws.register.resolve("Northgate Care")
    application = ws.unregistered.start_application(northgate, support_began_on=dt.date(2026, 2, 1)).value
    with pytest.raises(UnregisteredError, match="already in progress"):
        ws.unregistered.start_application(northgate)
    with pytest.raises(UnregisteredError, match="not to registered"):
        ws.unregistered.move_application(application, ApplicationStage.REGISTERED, urn="SC799001")
    ws.unregistered.move_application(application, ApplicationStage.SUBMITTED, on=dt.date(2026, 5, 1))
    with pytest.raises(UnregisteredError, match="URN"):
        ws.unregistered.move_application(application, ApplicationStage.REGISTERED, on=dt.date(2026, 9, 1))
    ws.unregistered.move_application(application, ApplicationStage.REGISTERED, on=dt.date(2026, 9, 1), urn="SC799001")
    with pytest.raises(UnregisteredError, match="nothing: it has ended"):
        ws.unregistered.move_application(application, ApplicationStage.WITHDRAWN)
    line, = ws.unregistered.applications()
    assert (line.stage, line.submitted_on, line.ended_on, line.urn) == (
        ApplicationStage.REGISTERED, dt.date(2026, 5, 1), dt.date(2026, 9, 1), "SC799001")
    assert ws.unregistered.applications(in_progress=True) == []
    assert ws.tracker.figures().headline_count("Providers supported to register").current == 1


def test_the_planning_list_is_kept_by_address_with_feedback_and_a_provider_when_one_appears(ws):
    app = ws.unregistered.log_planning_application(
        reference="MC/26/1234", address="12 Elm Road, Chatham", postcode="me46ab", applicant="J. Smith",
        proposal="Change of use from dwelling house (C3) to children's home (C2) for 3 young people",
        listed_on=TODAY - dt.timedelta(days=6)).value
    with pytest.raises(UnregisteredError, match="already logged"):
        ws.unregistered.log_planning_application(reference=" mc/26/1234", address="12 Elm Rd", proposal="C3 to C2")
    with pytest.raises(UnregisteredError, match="not a UK postcode"):
        ws.unregistered.log_planning_application(reference="MC/26/9", address="x", proposal="y", postcode="ME4")
    intel = ws.unregistered.record_intelligence(address="12 Elm Road", postcode="ME4 6AB",
                                                source=IntelligenceSource.PCSO,
                                                summary="Young people seen arriving with staff late at night").value
    line, = ws.unregistered.planning_applications(text="elm")
    assert (line.postcode, line.change_of_use, line.intelligence, line.provider) == ("ME4 6AB", "C3 to C2", 1, "")
    assert [i.id for i in ws.unregistered.intelligence(postcode="me46ab")] == [intel]

    # the provider behind the address is in the register now: offered, and linked by an officer
    match, = ws.unregistered.possible_providers(line.address, line.postcode)
    assert (match.provider, match.same_address) == ("Northgate Care Ltd", True)
    ws.unregistered.link_provider("planning", app, match.provider_id)
    ws.unregistered.link_provider("intelligence", intel, match.provider_id)
    assert ws.unregistered.planning_applications(provider_id=match.provider_id)[0].provider == "Northgate Care Ltd"
    assert ws.unregistered.intelligence(provider_id=match.provider_id)[0].id == intel

    assert [a.id for a in ws.unregistered.planning_applications(awaiting_feedback=True)] == [app]
    ws.unregistered.give_planning_feedback(app, feedback="Provider not known to us; area high risk (two embargoed "
                                                         "homes on the same road).")
    ws.unregistered.record_planning_decision(app, PlanningDecision.REFUSED)
    line, = ws.unregistered.planning_applications()
    assert (line.feedback_sent_on, line.decision) == (TODAY, PlanningDecision.REFUSED)
    ws.unregistered.respond_to_intelligence(intel, response="Shared with the PCSO: provider known, QA visit booked")
    assert ws.unregistered.intelligence()[0].responded_on == TODAY
    with pytest.raises(UnregisteredError, match="cannot be linked"):
        ws.unregistered.link_provider("meeting", app, None)
