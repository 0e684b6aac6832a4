"""Roles enforced in the services: a Young Inspector gets only their own visit's form; a formal
embargo needs the QA lead. The services are called directly, as a script could, not through screens."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_desktop.cli import main
from qa_desktop.domain.oversight import EmbargoKind, EmbargoScope
from qa_desktop.domain.roles import NotAllowed, Role
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services import oversight as qa
from qa_desktop.services.audit import provider_audit, visit_audit
from qa_desktop.services.due import due_items
from qa_desktop.services.provider_page import provider_overview
from qa_desktop.services.register import find_by_urn, search_providers
from qa_desktop.services.reports import write_visit_report
from qa_desktop.services.sanctions import sanctions_list
from qa_desktop.services.visits import add_young_inspector_form, open_visit
from qa_desktop.services.young_inspector import accept_young_inspector_form, open_young_inspector_form
from qa_desktop.store.database import Store
from tests.conftest import TODAY
from tests.sync.conftest import make_visit

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def visits(store):
    library = TemplateLibrary.load()
    first = make_visit(store, library)
    add_young_inspector_form(store, library, first)
    return first


def young_inspector(store, visit_id):
    return Store(store.data_dir, actor="YI-07", key=store.key, role=Role.YOUNG_INSPECTOR, assigned_visit=visit_id)


def test_a_young_inspector_opens_only_the_form_of_their_own_visit(store, visits):
    yi = young_inspector(store, visits)
    form = open_young_inspector_form(yi, visits)
    form.set_answer("yi_welcome", 4)
    assert open_visit(store, visits).checklists["young_inspector"].answer("yi_welcome") == 4
    with store.read() as session:
        provider_id = find_by_urn(session, "SC700105").id
    refusals = [
        lambda: open_visit(yi, visits),                                  # the officers' checklists
        lambda: open_visit(yi, visits, only=["property_standards"]),
        lambda: open_young_inspector_form(yi, "some-other-visit"),
        lambda: write_visit_report(yi, visits),
        lambda: accept_young_inspector_form(yi, visits, "YI-07"),
        lambda: form._visit.set_note("young_inspector", "yi_welcome", "a note"),
        lambda: qa.log_case(yi, provider_id, opened_on=TODAY, source=qa.CaseSource.OTHER, category="x", summary="x"),
        lambda: qa.end_record(yi, "embargo", "any", TODAY),
    ]
    with yi.read() as session:
        refusals += [lambda: search_providers(session), lambda: due_items(session, TODAY),
                     lambda: provider_overview(session, provider_id, NOW), lambda: sanctions_list(session, TODAY),
                     lambda: qa.tracked_actions(session, NOW), lambda: qa.risk_ratings(session, 2026),
                     lambda: visit_audit(session, visits), lambda: provider_audit(session, provider_id)]
        for attempt in refusals:
            with pytest.raises(NotAllowed, match="Young Inspector"):
                attempt()
    yi.close()


def test_only_the_qa_lead_issues_a_formal_embargo(store, lead, visits):
    with store.read() as session:
        provider_id = find_by_urn(session, "SC700105").id
    fields = {"kind": EmbargoKind.FORMAL, "scope": EmbargoScope.PROVIDER, "reason": "Significant concerns",
              "start_on": TODAY, "approved_by": "Sam Director"}
    with pytest.raises(NotAllowed, match="Only the QA lead can issue a formal embargo"):
        qa.issue_embargo(store, provider_id, **fields)
    qa.issue_embargo(lead, provider_id, **fields)
    qa.issue_embargo(store, provider_id, kind=EmbargoKind.INFORMAL, scope=EmbargoScope.PROVIDER, reason="Investigation",
                     start_on=TODAY, informal_reason=qa.InformalReason.INVESTIGATION)  # an officer may do this


def test_the_laptops_user_and_role_are_set_once_and_kept(tmp_path, capsys):
    data = ["--data-dir", str(tmp_path / "data")]
    assert main(["user", "--name", "Alex Patel", "--role", "qa_lead", *data]) == 0
    assert capsys.readouterr().out.strip() == "Alex Patel, QA lead"
    reopened = Store(tmp_path / "data")
    assert reopened.user.name == "Alex Patel" and reopened.user.role is Role.QA_LEAD
    reopened.close()
    assert main(["user", "--role", "superuser", *data]) == 2
    assert main(["user", "--role", "young_inspector", *data]) == 2  # they use the hand-over screen instead
    main(["demo", *data])
    capsys.readouterr()
    assert main(["embargoes", "SC700102", "--add", "Failed to improve", "--approved-by", "Sam Director", *data]) == 0
    assert main(["user", "--role", "qa_officer", *data]) == 0
    assert main(["embargoes", "SC700101", "--add", "x", "--approved-by", "Sam Director", *data]) == 2
    assert "Only the QA lead" in capsys.readouterr().err
