"""QA oversight through its services: cases and ratings, action plans and tracked actions, embargoes
and their warnings, regulatory alerts, the sanctions list (exported and read back) and the dashboard;
and through the workspace, which dates them by its clock and says what each change touched."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt

import pytest
from openpyxl import load_workbook

from qa_desktop.domain.oversight import (
    AlertKind,
    CaseSource,
    EmbargoKind,
    EmbargoScope,
    InformalReason,
    OversightError,
    PlanKind,
    RemovalReason,
)
from qa_desktop.domain.regulation import Regulator
from qa_desktop.domain.risk import IfaArea, IfaConcern, Rag
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.services import oversight as qa
from qa_desktop.services.demo import load_demo
from qa_desktop.services.register import find_by_urn
from qa_desktop.services.sanctions import COLUMNS, Sanction, dashboard, export, sanctions_list
from qa_desktop.store.models import ActionPlan, Embargo, Setting
from qa_desktop.workspace import Workspace
from tests.conftest import TODAY

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def demo(lead):
    store = lead  # these tests issue formal embargoes, which only the QA lead may do
    load_demo(store, today=TODAY)
    with store.read() as session:
        ids = {urn: find_by_urn(session, urn).id for urn in ("SC700101", "SC700102", "SC700107", "SC700104")}
    return store, ids


def cases(store, provider_id, count, *, year=2026, significant=False):
    for n in range(count):
        qa.log_case(store, provider_id, opened_on=dt.date(year, 1 + n % 12, 1), source=CaseSource.SOCIAL_WORKER,
                    category="Quality of care", summary=f"Concern {n}", significant=significant and n == 0)


@pytest.mark.parametrize(("count", "rating"), [(1, Rag.LOW), (3, Rag.LOW), (4, Rag.MEDIUM), (9, Rag.MEDIUM),
                                               (10, Rag.HIGH), (12, Rag.HIGH)])
def test_the_yearly_case_count_gives_the_figure_6_rating(demo, count, rating):
    store, ids = demo
    cases(store, ids["SC700101"], count)
    cases(store, ids["SC700101"], 2, year=2025)
    with store.read() as session:
        assert qa.risk_ratings(session, 2026)[ids["SC700101"]] is rating
        history = qa.rating_history(session, ids["SC700101"])
    assert [(h.year, h.cases, h.rag) for h in history] == [(2026, count, rating), (2025, 2, Rag.LOW)]


def test_a_significant_concern_is_high_whatever_the_count_and_cases_close_with_an_outcome(demo):
    store, ids = demo
    cases(store, ids["SC700102"], 1, significant=True)
    with store.read() as session:
        assert qa.risk_ratings(session, 2026)[ids["SC700102"]] is Rag.HIGH
        assert ids["SC700101"] not in qa.risk_ratings(session, 2026)  # no cases: no rating
    case_id = qa.log_case(store, ids["SC700102"], opened_on=TODAY, source=CaseSource.LADO, category="Allegation",
                          summary="LADO referral", safeguarding=True)
    with pytest.raises(OversightError, match="before it was opened"):
        qa.close_case(store, case_id, closed_on=TODAY - dt.timedelta(days=1), outcome="x")
    with pytest.raises(OversightError, match="outcome"):
        qa.close_case(store, case_id, closed_on=TODAY, outcome=" ")
    qa.close_case(store, case_id, closed_on=TODAY, outcome="Unsubstantiated; training arranged")
    with pytest.raises(OversightError, match="summary"):
        qa.log_case(store, ids["SC700102"], opened_on=TODAY, source=CaseSource.POLICE, category="Missing", summary="")


def test_ifa_flags_follow_figure_7_and_an_embargo_makes_them_high(demo):
    store, ids = demo
    ifa = ids["SC700107"]
    qa.set_ifa_concern(store, ifa, IfaArea.SAFEGUARDING, IfaConcern.IDENTIFIED)
    with store.read() as session:
        flags = qa.ifa_flags(session, ifa, TODAY)
        assert (flags.safeguarding, flags.performance_practice, flags.overall) == (Rag.MEDIUM, Rag.LOW, Rag.MEDIUM)
        assert qa.ifa_flags(session, ids["SC700101"], TODAY) is None  # not an IFA
    with pytest.raises(OversightError, match="independent fostering"):
        qa.set_ifa_concern(store, ids["SC700101"], IfaArea.SAFEGUARDING, IfaConcern.IDENTIFIED)
    qa.issue_embargo(store, ifa, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER, reason="Red flag from Kent",
                     start_on=TODAY, approved_by="Sam Director")
    with store.read() as session:
        assert qa.ifa_flags(session, ifa, TODAY).overall is Rag.HIGH


def test_action_plans_extensions_completion_and_visit_actions_in_one_list(demo):
    store, ids = demo
    harbour = ids["SC700102"]
    plan_id = qa.issue_action_plan(store, harbour, kind=PlanKind.QA, issued_on=TODAY, reason="Four concerns in a month",
                                   actions=[("Fix the fire door", ConcernLevel.HIGH),
                                            ("Update the rota", ConcernLevel.LOW)], raised_at=NOW)
    with store.read() as session:
        actions = qa.tracked_actions(session, NOW, provider_id=harbour)
    by_text = {a.text: a for a in actions}
    assert by_text["Fix the fire door"].due_at == NOW + dt.timedelta(hours=48)
    assert by_text["Update the rota"].due_at == NOW + dt.timedelta(weeks=4)
    assert "Fit a carbon monoxide detector in the kitchen" in by_text  # raised on the demo's visit
    assert by_text["Fit a carbon monoxide detector in the kitchen"].kind == "visit"

    door = by_text["Fix the fire door"]
    later = NOW + dt.timedelta(days=3)
    with store.read() as session:
        listed = qa.tracked_actions(session, later, provider_id=harbour)
    # both 48-hour actions are overdue three days on, and listed first; the 4-week one is not
    assert [(a.text, a.overdue) for a in listed][2] == ("Update the rota", False)
    assert {a.text for a in listed[:2] if a.overdue} == {"Fix the fire door",
                                                         "Fit a carbon monoxide detector in the kitchen"}
    with pytest.raises(OversightError, match="later than the current due date"):
        qa.extend_action(store, "plan", door.id, new_due=door.due_at, reason="More time")
    with pytest.raises(OversightError, match="why the extension"):
        qa.extend_action(store, "plan", door.id, new_due=door.due_at + dt.timedelta(days=7), reason="")
    qa.extend_action(store, "plan", door.id, new_due=door.due_at + dt.timedelta(days=7), reason="Part on order")
    with store.read() as session:
        door_now = next(a for a in qa.tracked_actions(session, later) if a.id == door.id)
    assert door_now.extended and not door_now.overdue and door_now.extension_reason == "Part on order"

    with pytest.raises(OversightError, match="evidence"):
        qa.complete_action(store, "plan", door.id, completed_at=later, evidence="")
    qa.complete_action(store, "plan", door.id, completed_at=later, evidence="Photo of the new closer; invoice")
    visit_action = by_text["Fit a carbon monoxide detector in the kitchen"]
    qa.complete_action(store, "visit", visit_action.id, completed_at=later, evidence="Detector fitted, tested")
    with store.read() as session:
        open_texts = [a.text for a in qa.tracked_actions(session, later, provider_id=harbour)]
        everything = qa.tracked_actions(session, later, provider_id=harbour, include_completed=True)
    assert open_texts == ["Update the rota"] and len(everything) == 3

    with pytest.raises(OversightError, match="removed only when"):
        qa.remove_action_plan(store, plan_id, removed_on=TODAY, reason=RemovalReason.REINSPECTED_GOOD)
    qa.remove_action_plan(store, plan_id, removed_on=TODAY, reason=RemovalReason.IMPROVED)
    with store.read() as session:
        assert [a.text for a in qa.tracked_actions(session, later, provider_id=harbour)] == []  # plan removed


def test_embargo_warnings_name_the_provider_property_or_carers_in_force(demo):
    store, ids = demo
    maple = ids["SC700101"]
    with store.read() as session:
        maple_setting = session.query(Setting).filter_by(provider_id=maple).first().id
    with pytest.raises(OversightError, match="senior manager"):
        qa.issue_embargo(store, maple, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER, reason="x", start_on=TODAY)
    with pytest.raises(OversightError, match="not one of this provider"):
        qa.issue_embargo(store, ids["SC700102"], kind=EmbargoKind.INFORMAL, scope=EmbargoScope.PROPERTY, reason="x",
                         start_on=TODAY, informal_reason=InformalReason.INVESTIGATION, setting_id=maple_setting)
    embargo_id = qa.issue_embargo(
        store, maple, kind=EmbargoKind.INFORMAL, scope=EmbargoScope.PROPERTY, reason="Police investigation at the home",
        start_on=TODAY, review_on=TODAY + dt.timedelta(days=28), informal_reason=InformalReason.INVESTIGATION,
        setting_id=maple_setting)
    with store.read() as session:
        (warning,) = qa.embargo_warnings(session, maple_setting, TODAY)
        assert warning.startswith("INFORMAL EMBARGO on this property (Maple Lodge) since 22 Nov 2026")
        assert "review due 20 Dec 2026" in warning and "Police investigation" in warning
        assert qa.embargo_warnings(session, maple_setting, TODAY - dt.timedelta(days=1)) == []  # not yet in force
    qa.end_embargo(store, embargo_id, TODAY + dt.timedelta(days=10))
    with store.read() as session:
        assert qa.embargo_warnings(session, maple_setting, TODAY + dt.timedelta(days=11)) == []


def test_alerts_are_reviewed_at_twelve_weeks_and_lifting_closes_the_restriction(demo):
    store, ids = demo
    willow = ids["SC700104"]
    qa.log_alert(store, willow, regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION, received_on=TODAY,
                 summary="No new admissions")
    with store.read() as session:
        (alert,) = qa.open_alerts(session, provider_id=willow)
        assert alert.review_on == TODAY + dt.timedelta(weeks=12)
    with pytest.raises(OversightError, match="does not issue alerts like Ofsted"):
        qa.log_alert(store, willow, regulator=Regulator.CQC, kind=AlertKind.RESTRICTION, received_on=TODAY, summary="x")
    qa.log_alert(store, willow, regulator=Regulator.OFSTED, kind=AlertKind.LIFTED,
                 received_on=TODAY + dt.timedelta(weeks=12), summary="Restriction lifted after monitoring visit")
    with store.read() as session:
        assert qa.open_alerts(session, provider_id=willow) == []


def test_sanctions_list_exported_to_xlsx_and_csv_and_read_back(demo, tmp_path):
    store, ids = demo
    qa.issue_embargo(store, ids["SC700102"], kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER,
                     reason="Failed to improve after the action plan", start_on=TODAY - dt.timedelta(days=5),
                     review_on=TODAY + dt.timedelta(days=7), approved_by="Sam Director")
    qa.issue_embargo(store, ids["SC700107"], kind=EmbargoKind.INFORMAL, scope=EmbargoScope.FOSTER_CARER,
                     reason="Allegation under LADO review", start_on=TODAY, foster_carer="Carers FC-0192",
                     informal_reason=InformalReason.INVESTIGATION, social_work_informed_on=TODAY)
    plan = qa.issue_action_plan(store, ids["SC700101"], kind=PlanKind.REGULATORY, issued_on=TODAY,
                                reason="Requires improvement at inspection", actions=[], raised_at=NOW)
    qa.log_alert(store, ids["SC700104"], regulator=Regulator.OFSTED, kind=AlertKind.SUSPENSION, received_on=TODAY,
                 summary="Registration suspended")
    cases(store, ids["SC700102"], 4)
    with store.read() as session:
        rows = sanctions_list(session, TODAY)
        embargoes_only = sanctions_list(session, TODAY, sanction=Sanction.EMBARGO_FOSTER_CARERS)
        searched = sanctions_list(session, TODAY, text="suspended")
        board = dashboard(session, NOW)
    # the register's own judgements are on it too: Harbour View's Requires improvement, Zoë's Inadequate
    assert [(r.provider, r.sanction) for r in rows] == [
        ("Harbour View", Sanction.EMBARGO_PROVIDER), ("Harbour View", Sanction.POOR_JUDGEMENT_RESTRICTION),
        ("Kindred Fostering", Sanction.EMBARGO_FOSTER_CARERS), ("Maple Lodge", Sanction.REGULATORY_ACTION_PLAN),
        ("Willow House", Sanction.POOR_JUDGEMENT_RESTRICTION),
        ("Zo\u00eb N\u00ed Bhriain House", Sanction.POOR_JUDGEMENT_RESTRICTION)]
    harbour_judgement = rows[1]
    assert harbour_judgement.since == dt.date(2023, 10, 2)  # the inspection, not the import
    assert "Ofsted provider-level data, imported 22/11/2026" in harbour_judgement.detail
    assert [r.applies_to for r in embargoes_only] == ["Carers FC-0192"]
    assert [r.provider for r in searched] == ["Willow House"]
    harbour = rows[0]
    assert harbour.rating is Rag.MEDIUM and harbour.detail == "Formal, agreed by Sam Director"

    export(rows, tmp_path / "sanctions.xlsx", TODAY)
    sheet = load_workbook(tmp_path / "sanctions.xlsx").active
    values = list(sheet.values)
    assert values[0] == COLUMNS and len(values) == 7
    first = dict(zip(COLUMNS, values[1], strict=True))
    assert first["Provider"] == "Harbour View" and first["Sanction"] == "Embargo on provider/agency"
    assert first["In place since"] == dt.datetime(2026, 11, 17) and first["Review due"] == dt.datetime(2026, 11, 29)
    assert first["Social work team informed"] == "NOT RECORDED"  # Section 12: they must be told
    assert first["Risk rating (Figure 6)"] == "MEDIUM"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:K7"

    export(rows, tmp_path / "sanctions.csv", TODAY)
    with open(tmp_path / "sanctions.csv", encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [r["Provider"] for r in read] == [r.provider for r in rows]
    assert read[2]["Social work team informed"] == "22/11/2026" and read[2]["Applies to"] == "Carers FC-0192"
    with pytest.raises(ValueError, match=r"xlsx or \.csv"):
        export(rows, tmp_path / "sanctions.pdf", TODAY)

    whats = {r.what for r in board.reviews}
    assert "Formal embargo: Embargo on provider/agency" in whats
    assert all(r.review_on <= TODAY + dt.timedelta(days=14) for r in board.reviews)
    assert board.due and all(i.due.status.value in ("overdue", "due") for i in board.due)
    with store.read() as session:
        assert session.get(ActionPlan, plan).social_work_informed_on is None
    qa.social_work_informed(store, "plan", plan, TODAY)
    with store.read() as session:
        assert session.get(ActionPlan, plan).social_work_informed_on == TODAY
        assert session.query(Embargo).count() == 2


def test_what_is_read_is_frozen_data_with_the_names_a_list_shows(demo):
    store, ids = demo
    maple = ids["SC700101"]
    with store.read() as session:
        (home,) = qa.provider_properties(session, maple)
    qa.issue_embargo(store, maple, kind=EmbargoKind.INFORMAL, scope=EmbargoScope.PROPERTY, reason="Investigation",
                     start_on=TODAY, informal_reason=InformalReason.INVESTIGATION, setting_id=home.id)
    qa.log_alert(store, maple, regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION, received_on=TODAY,
                 summary="No new admissions")
    qa.log_case(store, maple, opened_on=TODAY, source=CaseSource.POLICE, category="Missing", summary="Out overnight")
    with store.read() as session:
        (embargo,) = qa.active_embargoes(session, TODAY, provider_id=maple)
        (alert,) = qa.open_alerts(session, provider_id=maple)
        (case,) = qa.case_log(session, provider_id=maple)
        everyone = qa.case_log(session)
        board = dashboard(session, NOW)
    assert (home.name, embargo.provider, embargo.setting, embargo.informal_reason) == (
        "Maple Lodge", "Maple Lodge", "Maple Lodge", InformalReason.INVESTIGATION)
    assert (alert.provider, alert.kind, case.provider, case.summary) == (
        "Maple Lodge", AlertKind.RESTRICTION, "Maple Lodge", "Out overnight")
    assert case in everyone and isinstance(board.due, tuple)
    for read in (home, embargo, alert, case, board):  # no ORM row outlives its read, and none is changed
        with pytest.raises(dataclasses.FrozenInstanceError):
            read.id = "changed"


def test_the_social_work_team_is_told_of_a_plan_or_an_embargo_named_in_words(demo):
    store, ids = demo
    embargo = qa.issue_embargo(store, ids["SC700102"], kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER,
                               reason="Failed to improve", start_on=TODAY, approved_by="Sam Director")
    with pytest.raises(OversightError, match="plan or an embargo, not 'alert'"):
        qa.social_work_informed(store, "alert", embargo, TODAY)
    with pytest.raises(OversightError, match="action plan does not exist"):
        qa.social_work_informed(store, "plan", embargo, TODAY)  # an embargo's id is no plan's
    qa.social_work_informed(store, "embargo", embargo, TODAY)
    with store.read() as session:
        assert session.get(Embargo, embargo).social_work_informed_on == TODAY


def test_through_the_workspace_dates_are_the_clocks_and_each_change_says_what_it_touched(demo):
    store, ids = demo
    harbour = ids["SC700102"]
    oversight = Workspace(store).oversight
    logged = oversight.log_case(harbour, source=CaseSource.LADO, category="Allegation", summary="LADO referral")
    assert logged.changes.touches("qa_cases") and logged.changes.providers == {harbour}
    (case,) = oversight.cases(harbour)
    assert (case.id, case.opened_on) == (logged.value, TODAY)  # today, by the workspace clock
    plan = oversight.issue_action_plan(harbour, kind=PlanKind.QA, reason="Concerns",
                                       actions=[("Fix the fire door", ConcernLevel.HIGH)]).value
    (door,) = [a for a in oversight.tracked_actions(harbour) if a.text == "Fix the fire door"]
    assert NOW <= door.raised_at < NOW + dt.timedelta(minutes=5)  # now, by the workspace clock (started at NOW)
    told = oversight.social_work_informed("plan", plan)
    assert told.changes.providers == {harbour}
    (line,) = [r for r in oversight.sanctions(provider_id=harbour) if r.record == ("plan", plan)]
    assert line.social_work_informed == TODAY
    ended = oversight.end_record("plan", plan, reason=RemovalReason.IMPROVED)
    assert ended.changes.touches("action_plans")
    # what stays is the register's own: Harbour View's Requires improvement judgement (from the import)
    assert [r.record[0] for r in oversight.sanctions(provider_id=harbour) if r.record] == ["alert"]
