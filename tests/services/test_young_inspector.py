"""The Young Inspector's form as a service: only their form, their answers; the officer's acceptance."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.forms.checklist import NO, YES
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.forms.template import ResponseType
from qa_desktop.services.reports import write_young_inspector_report
from qa_desktop.services.visits import add_young_inspector_form, open_visit
from qa_desktop.services.young_inspector import accept_young_inspector_form, open_young_inspector_form
from qa_desktop.store.models import VisitTemplate
from tests.sync.conftest import make_visit


def answer_all(form):
    for item in form.checklist.visible_items():
        value = {ResponseType.FACES: 4, ResponseType.YES_NO: YES, ResponseType.TEXT: "Felt like a home",
                 ResponseType.MULTI_CHOICE: ["Cooking"]}[item.response]
        form.set_answer(item.key, value)


@pytest.fixture
def visit_with_form(store):
    visit_id = make_visit(store, TemplateLibrary.load())
    visit = open_visit(store, visit_id)
    key, checklist = next(iter(visit.checklists.items()))
    item = checklist.visible_items()[0].key
    visit.set_note(key, item, "Safeguarding: the manager disclosed an allegation about a named young person")
    add_young_inspector_form(store, TemplateLibrary.load(), visit_id)
    return visit_id


def test_the_form_holds_only_the_young_inspectors_questions_and_answers(store, visit_with_form):
    form = open_young_inspector_form(store, visit_with_form)
    assert list(form._visit.checklists) == ["young_inspector"]  # nothing of the officers' checklists is read
    assert form.place == "Harbour View" and len(form.pages()) == 8
    assert all(not r.note for r in form.checklist.records.values())
    form.set_answer("yi_welcome", 5)
    form.set_answer("yi_room_clean", NO)
    assert open_visit(store, visit_with_form).checklists["young_inspector"].answer("yi_welcome") == 5


def test_an_unaccepted_form_holds_up_completion_and_acceptance_needs_the_answers(store, visit_with_form):
    form = open_young_inspector_form(store, visit_with_form)
    with pytest.raises(VisitRuleError, match="has not answered yet"):
        accept_young_inspector_form(store, visit_with_form, "Alex Patel")
    answer_all(form)
    problems = open_visit(store, visit_with_form).problems_before_completion()
    assert "Young Inspector visit: not yet reviewed and accepted by an officer" in problems
    with pytest.raises(VisitRuleError, match="which officer"):
        accept_young_inspector_form(store, visit_with_form, "  ")
    when = dt.datetime(2026, 11, 22, 15, 0, tzinfo=dt.UTC)
    accept_young_inspector_form(store, visit_with_form, "Alex Patel", now=when)
    with store.read() as session:
        part = session.get(VisitTemplate, next(p.id for p in session.query(VisitTemplate)
                                               if p.template_key == "young_inspector"))
        assert part.accepted_by == "Alex Patel" and part.accepted_at == when
    problems = open_visit(store, visit_with_form).problems_before_completion()
    assert not [p for p in problems if p.startswith("Young Inspector")]
    accepted = open_young_inspector_form(store, visit_with_form)
    with pytest.raises(VisitRuleError, match="accepted by Alex Patel"):
        accepted.set_answer("yi_welcome", 1)  # the record the officer accepted cannot change under them
    with pytest.raises(VisitRuleError, match="already accepted"):
        accept_young_inspector_form(store, visit_with_form, "Jo Morgan")
    assert write_young_inspector_report(store, visit_with_form).pages >= 1


def test_a_visit_without_the_form_says_so(store):
    visit_id = make_visit(store, TemplateLibrary.load())
    with pytest.raises(VisitRuleError, match="no Young Inspector form"):
        open_young_inspector_form(store, visit_id)
