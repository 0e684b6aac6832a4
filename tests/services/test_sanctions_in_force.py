"""The register's sanctions column and the Oversight window's count read the sanctions in force as
plain columns (``sanctions_in_force``), not the sanctions list made in full (issue 22). Here they
are held to the list itself on data with every case: each kind of embargo (in force, not yet, ended),
both kinds of plan (and one removed), each kind of alert (open, lifted, closed, superseded), a
termination, a provider that ceased operating without one, one that ceases next month, and a
deleted provider with records still in force. And the dashboard's "due for review" reads in SQL
the alerts the window used to pick out of every open alert."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from qa_desktop.domain.oversight import (
    AlertKind,
    EmbargoKind,
    EmbargoScope,
    InformalReason,
    PlanKind,
    RemovalReason,
)
from qa_desktop.domain.regulation import Regulator
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services import oversight as qa
from qa_desktop.services.demo import load_demo
from qa_desktop.services.register import add_provider, find_by_urn, register_context
from qa_desktop.services.sanctions import (
    REVIEW_NOTICE_DAYS,
    Sanction,
    dashboard,
    sanction_kinds,
    sanctions_count,
    sanctions_in_force,
    sanctions_list,
)
from qa_desktop.store.models import Provider, Setting
from tests.conftest import TODAY

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def every_case(lead):
    store = lead  # a formal embargo is the QA lead's to issue
    load_demo(store, today=TODAY)
    with store.read() as session:
        ids = {urn: find_by_urn(session, urn).id for urn in
               ("SC700101", "SC700102", "SC700104", "SC700105", "SC700106", "SC700107", "SC700108", "SC700109")}
        maple_home = session.query(Setting).filter_by(provider_id=ids["SC700101"]).first().id
    days = dt.timedelta(days=1)
    qa.issue_embargo(store, ids["SC700102"], kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER, reason="Failed",
                     start_on=TODAY - 5 * days, review_on=TODAY + 7 * days, approved_by="Sam Director")
    qa.issue_embargo(store, ids["SC700101"], kind=EmbargoKind.INFORMAL, scope=EmbargoScope.PROPERTY,
                     reason="Police at the home", start_on=TODAY, setting_id=maple_home,
                     informal_reason=InformalReason.INVESTIGATION)
    qa.issue_embargo(store, ids["SC700107"], kind=EmbargoKind.INFORMAL, scope=EmbargoScope.FOSTER_CARER,
                     reason="LADO", start_on=TODAY, foster_carer="Carers FC-0192",
                     informal_reason=InformalReason.INVESTIGATION)
    qa.issue_embargo(store, ids["SC700105"], kind=EmbargoKind.INFORMAL, scope=EmbargoScope.PROVIDER,
                     reason="Not yet", start_on=TODAY + 3 * days, informal_reason=InformalReason.INVESTIGATION)
    ended = qa.issue_embargo(store, ids["SC700106"], kind=EmbargoKind.INFORMAL, scope=EmbargoScope.PROVIDER,
                             reason="Over", start_on=TODAY - 30 * days, informal_reason=InformalReason.INVESTIGATION)
    qa.end_embargo(store, ended, TODAY - 2 * days)
    qa.issue_action_plan(store, ids["SC700101"], kind=PlanKind.REGULATORY, issued_on=TODAY, reason="RI",
                         actions=[], raised_at=NOW)
    qa.issue_action_plan(store, ids["SC700108"], kind=PlanKind.QA, issued_on=TODAY, reason="Visit", actions=[],
                         raised_at=NOW)
    removed = qa.issue_action_plan(store, ids["SC700109"], kind=PlanKind.QA, issued_on=TODAY - 60 * days,
                                   reason="Old", actions=[], raised_at=NOW - 60 * days)
    qa.remove_action_plan(store, removed, removed_on=TODAY, reason=RemovalReason.IMPROVED)
    qa.log_alert(store, ids["SC700104"], regulator=Regulator.OFSTED, kind=AlertKind.SUSPENSION,
                 received_on=TODAY - 80 * days, summary="Suspended")  # its review falls in the next 14 days
    qa.log_alert(store, ids["SC700104"], regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION,
                 received_on=TODAY - 10 * days, summary="No admissions")
    qa.log_alert(store, ids["SC700106"], regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION,
                 received_on=TODAY - 20 * days, summary="Restricted")
    qa.log_alert(store, ids["SC700106"], regulator=Regulator.OFSTED, kind=AlertKind.LIFTED,
                 received_on=TODAY - days, summary="Lifted")  # closes the restriction; itself never listed
    closed = qa.log_alert(store, ids["SC700108"], regulator=Regulator.CQC, kind=AlertKind.POOR_JUDGEMENT,
                          received_on=TODAY - 40 * days, summary="Requires improvement")
    qa.close_alert(store, closed, TODAY)
    qa.log_alert(store, ids["SC700109"], regulator=Regulator.OFSTED, kind=AlertKind.TERMINATION,
                 received_on=TODAY - 3 * days, summary="Registration cancelled")  # ceased, with its termination
    with store.write() as changes:
        changes.update(changes.session.get(Provider, ids["SC700105"]), ceased_operating_on=TODAY - 9 * days)
        later = add_provider(changes, name="Closing Soon", service_type=ServiceType.RESIDENTIAL)
        changes.update(later, ceased_operating_on=TODAY + 30 * days)
        gone = add_provider(changes, name="Deleted Since", service_type=ServiceType.RESIDENTIAL)
    qa.issue_action_plan(store, gone.id, kind=PlanKind.QA, issued_on=TODAY, reason="x", actions=[], raised_at=NOW)
    qa.log_alert(store, gone.id, regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION, received_on=TODAY,
                 summary="x")
    with store.write() as changes:
        changes.delete(changes.session.get(Provider, gone.id))
    return store


def _kinds_from_the_list(rows):
    """What the register's column was made from before: the list's kinds per provider, each once."""
    kinds = defaultdict(list)
    for row in rows:
        if row.sanction.value not in kinds[row.provider_id]:
            kinds[row.provider_id].append(row.sanction.value)
    return {k: tuple(v) for k, v in kinds.items()}


@pytest.mark.parametrize("day", [TODAY, TODAY + dt.timedelta(days=5), TODAY - dt.timedelta(days=4)])
def test_the_lines_in_force_are_the_sanctions_lists_lines(every_case, day):
    with every_case.read() as session:
        rows = sanctions_list(session, day)
        lines = sanctions_in_force(session, day)
        assert sorted(lines) == sorted((r.provider_id, r.sanction) for r in rows)
        assert sanctions_count(session, day) == len(rows)
        assert sanction_kinds(lines) == _kinds_from_the_list(rows)
        for provider_id in {r.provider_id for r in rows} | {p.id for p in session.query(Provider)}:
            mine = sanctions_in_force(session, day, provider_ids=[provider_id])
            assert sorted(mine) == sorted((r.provider_id, r.sanction)
                                          for r in sanctions_list(session, day, provider_id=provider_id))
        assert register_context(session, day).sanctions == _kinds_from_the_list(rows)
    found = {s for _, s in lines}
    if day == TODAY:  # every kind is on the list, so the comparison above compared every kind
        assert found == set(Sanction)
        assert sanctions_in_force(session, day, provider_ids=[]) == []


def test_the_dashboard_reads_only_the_alerts_due_for_review(every_case):
    with every_case.read() as session:
        soon = TODAY + dt.timedelta(days=REVIEW_NOTICE_DAYS)
        every_open = qa.open_alerts(session)
        due_for_review = [a for a in every_open if a.review_on is not None and a.review_on <= soon]
        assert due_for_review and len(due_for_review) < len(every_open)
        assert qa.open_alerts(session, review_by=soon) == due_for_review
        board = dashboard(session, NOW)
    assert {(r.provider_id, r.review_on) for r in board.reviews if "embargo" not in r.what} == \
        {(a.provider_id, a.review_on) for a in due_for_review}


def test_the_windows_count_is_the_lists_length(every_case):
    from qa_desktop.workspace import Workspace

    workspace = Workspace(every_case)
    assert workspace.oversight.sanctions_count() == len(workspace.oversight.sanctions()) > 0
