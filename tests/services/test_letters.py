"""Letters and plans from the records (issue 18, point 3): the QA improvement plan, the embargo
notification and its removal, the removal of a plan, Young Inspector feedback; from templates the
team can edit, with the council's branding and the same lifecycle as reports; PDF and Word read back."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from pypdf import PdfReader

from qa_desktop.domain.documents import DocumentKind, DocumentRuleError, DocumentStatus
from qa_desktop.domain.framework import MEDWAY
from qa_desktop.domain.oversight import EmbargoKind, EmbargoScope, PlanKind, RemovalReason
from qa_desktop.domain.roles import NotAllowed
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services import oversight
from qa_desktop.services.documents import Addressee
from qa_desktop.workspace import Workspace
from tests.sync.conftest import make_visit

RAISED = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


def words(path, store) -> str:
    """The words of a kept (encrypted) letter, read back through the store."""
    assert not path.read_bytes().startswith(b"%PDF")  # kept encrypted in the data folder
    reader = PdfReader(io.BytesIO(store.reports.read(path)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def provider(store):
    visit_id = make_visit(store, TemplateLibrary.load())
    return Workspace(store).visits.header(visit_id).provider_id


def test_an_action_plan_letter_lists_each_action_with_its_level_and_figure_8_date(store, lead, provider, tmp_path):
    plan = oversight.issue_action_plan(store, provider, kind=PlanKind.QA, issued_on=dt.date(2026, 11, 22),
                                       reason="Fire doors wedged open on two visits.",
                                       actions=[("Remove every door wedge and fit closers", ConcernLevel.HIGH),
                                                ("Train staff on fire safety", ConcernLevel.LOW)], raised_at=RAISED)
    officer = Workspace(store)
    draft = officer.documents.letter(DocumentKind.ACTION_PLAN, plan).value
    assert draft.path.parent == store.data_dir / "reports" / plan  # kept with the plan: retention takes both
    text = words(draft.path, store)
    assert "QA improvement plan" in text and "DRAFT" in text and "not yet submitted" in text
    assert "Fire doors wedged open on two visits." in text and "Harbour View" in text
    assert "Remove every door wedge and fit closers HIGH 24/11/2026 10:00" in text  # 48 hours (Figure 8)
    assert "Train staff on fire safety LOW" in text and "How to evidence completion" in text
    assert "Example Council" in text  # the council's branding
    assert "(Figure 8: low 2-4 weeks, medium 1-2 weeks, high 24-48 hours, significant immediately)" in text
    (info,) = officer.documents.of_provider(provider)
    assert info.kind is DocumentKind.ACTION_PLAN and info.status is DocumentStatus.DRAFT

    # the same lifecycle as a report: submitted, approved by the QA lead alone, issued
    officer.documents.submit(info.id)
    with pytest.raises(NotAllowed):
        officer.documents.approve(info.id)
    approved = Workspace(lead).documents.approve(info.id).value
    assert "Approved for issue by lead.test, QA lead, on 22 November 2026" in words(approved.path, store)
    issued = officer.documents.issue(info.id, [Addressee("Dana Whitfield", "dana@example.org.uk",
                                                         "Registered manager")], tmp_path).value
    assert issued.eml.exists() and officer.documents.get(info.id).status is DocumentStatus.ISSUED

    # and in Word, with the actions as a table under a heading
    word = officer.documents.word(info.id, tmp_path / "plan.docx")
    opened = docx.Document(str(word.path))
    kept = officer.documents.word(info.id)  # no place chosen: kept beside its PDF, encrypted like it
    assert kept.path.parent == approved.path.parent and kept.path.name.endswith(".docx.sealed")
    assert not kept.path.read_bytes().startswith(b"PK")  # a .docx is a zip: not readable at rest
    assert docx.Document(io.BytesIO(store.reports.read(kept.path))).paragraphs
    assert any(p.style.name == "Heading 1" and p.text == "QA improvement plan" for p in opened.paragraphs)
    assert [c.text for c in opened.tables[0].rows[0].cells] == ["Action", "Concern level", "Complete by (Figure 8)",
                                                                 "Status"]

    # the plan removed: the removal letter
    oversight.remove_action_plan(store, plan, removed_on=dt.date(2026, 12, 20), reason=RemovalReason.IMPROVED)
    removal = officer.documents.letter(DocumentKind.PLAN_REMOVAL, plan).value
    assert "was removed on 20 December 2026" in words(removal.path, store)


def test_the_plan_letter_quotes_the_council_s_own_figure_8(store, lead, provider):
    """Another council's timescales (issue 20 point 4): the letter's words and the table's dates agree."""
    figures = MEDWAY.to_dict()
    figures["figure_8_action_hours"]["high"] = [12, 24]
    Workspace(lead).council.set_framework(figures)
    plan = oversight.issue_action_plan(store, provider, kind=PlanKind.QA, issued_on=dt.date(2026, 11, 22),
                                       reason="Fire doors wedged open.", raised_at=RAISED,
                                       actions=[("Remove every door wedge", ConcernLevel.HIGH)])
    text = words(Workspace(store).documents.letter(DocumentKind.ACTION_PLAN, plan).value.path, store)
    assert "high 12-24 hours" in text and "24-48 hours" not in text
    assert "Remove every door wedge HIGH 23/11/2026 10:00" in text  # 24 hours, as the council's figures say


def test_an_embargo_notification_gives_reasons_scope_next_steps_and_review_date(store, lead, provider):
    embargo = oversight.issue_embargo(lead, provider, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER,
                                      reason="Repeated failure to keep children safe from harm at night.",
                                      start_on=dt.date(2026, 11, 22), review_on=dt.date(2027, 2, 22),
                                      approved_by="Director of Children's Services")
    officer = Workspace(store)
    with pytest.raises(DocumentRuleError, match="still in force"):
        officer.documents.letter(DocumentKind.EMBARGO_REMOVAL, embargo)
    text = words(officer.documents.letter(DocumentKind.EMBARGO_NOTICE, embargo).value.path, store)
    assert "Notification of an embargo on new placements" in text
    assert "Why the embargo has been issued Repeated failure to keep children safe from harm at night." in text
    assert "What the embargo covers Embargo on provider/agency" in text
    assert "Next steps" in text and "reviewed on 22 February 2027" in text
    assert "agreed by Director of Children's Services" in text
    oversight.end_embargo(lead, embargo, dt.date(2027, 3, 1))
    removal = words(officer.documents.letter(DocumentKind.EMBARGO_REMOVAL, embargo).value.path, store)
    assert "removed on 01 March 2027" in removal or "removed on 1 March 2027" in removal


def test_the_team_s_own_template_is_used_and_a_changed_record_redraws_the_draft(store, provider):
    letters = store.data_dir / "letters"
    letters.mkdir(parents=True)
    (letters / "embargo_notice.yaml").write_text(
        "title: 'Formal notice: embargo'\nopening:\n  - 'To $provider: from $start_on, $scope.'\n", encoding="utf-8")
    from qa_desktop.domain.roles import Role
    from qa_desktop.store.database import Store
    lead = Store(store.data_dir, actor="lead.test", key=store.key, role=Role.QA_LEAD)
    try:
        embargo = oversight.issue_embargo(lead, provider, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER,
                                          reason="Staffing below the registered minimum.",
                                          start_on=dt.date(2026, 11, 22), approved_by="Head of Service")
    finally:
        lead.close()
    officer = Workspace(store)
    first = officer.documents.letter(DocumentKind.EMBARGO_NOTICE, embargo).value
    text = words(first.path, store)
    assert "Formal notice: embargo" in text and "To Harbour View: from 22 November 2026" in text
    assert officer.documents.letter(DocumentKind.EMBARGO_NOTICE, embargo).value.reused
    with store.write() as changes:
        from qa_desktop.store.models import Embargo
        changes.update(changes.session.get(Embargo, embargo), reason="Staffing below the minimum, twice.")
    again = officer.documents.letter(DocumentKind.EMBARGO_NOTICE, embargo).value
    assert not again.reused and "Staffing below the minimum, twice." in words(again.path, store)


def test_young_inspector_feedback_is_their_words_and_nothing_of_the_officers(store):
    from qa_desktop.forms.checklist import YES

    officer = Workspace(store, TemplateLibrary.load())
    visit_id = make_visit(store, TemplateLibrary.load())
    officer.visits.add_young_inspector_form(visit_id)
    form = officer.visits.young_inspector_form(visit_id)
    form.set_answer("yi_welcome", 5)
    form.set_answer("yi_room_clean", YES)
    form.set_answer("yi_good", "The staff really listened to what young people want")
    editor = officer.visits.open(visit_id)
    key = next(k for k in editor.checklists if k == "property_standards")
    editor.set_note(key, editor.checklists[key].visible_items()[0].key, "Officer's private note about a child")
    text = words(officer.documents.letter(DocumentKind.YOUNG_INSPECTOR_FEEDBACK, visit_id).value.path, store)
    assert "Feedback from our Young Inspector" in text and "5 out of 5: very happy" in text
    assert "The staff really listened to what young people want" in text
    assert "Officer's private note" not in text
    assert DocumentKind.YOUNG_INSPECTOR_FEEDBACK in {d.kind for d in officer.documents.of_visit(visit_id)}


def test_young_inspector_feedback_after_their_form_was_withdrawn_says_one_was_due_but_did_not_take_part(store):
    """yi's withdrawal (issue 16 item 6) reaches docs' feedback letter: the provider reads that a Young
    Inspector was due but did not take part; answers given before the withdrawal are kept on the visit
    but not sent, and the letter neither says one visited nor thanks the provider for welcoming them."""
    from qa_desktop.domain.young_inspectors import WithdrawalReason
    from qa_desktop.forms.checklist import YES

    officer = Workspace(store, TemplateLibrary.load())
    visit_id = make_visit(store, TemplateLibrary.load())
    officer.visits.add_young_inspector_form(visit_id)
    form = officer.visits.young_inspector_form(visit_id)
    form.set_answer("yi_room_clean", YES)
    form.set_answer("yi_good", "Started answering before deciding not to")
    before = words(officer.documents.letter(DocumentKind.YOUNG_INSPECTOR_FEEDBACK, visit_id).value.path, store)
    assert "Started answering before deciding not to" in before and "did not take part" not in before

    officer.visits.withdraw_young_inspector_form(visit_id, reason=WithdrawalReason.OPTED_OUT,
                                                 detail="Felt unwell on the day", officer="Alex Patel")
    made = officer.documents.letter(DocumentKind.YOUNG_INSPECTOR_FEEDBACK, visit_id).value
    assert not made.reused  # the withdrawal changes what the letter says: a new revision
    text = " ".join(words(made.path, store).split())
    assert "A Young Inspector was due to take part in this visit but did not take part" in text
    assert "Dear Harbour View," in text and "Yours sincerely," in text
    assert "Started answering" not in text and "Felt unwell" not in text
    assert "one of our Young Inspectors" not in text and "Thank you for welcoming" not in text
    assert "Feedback from our Young Inspector" not in text and "Young Inspector feedback Dear Harbour View," in text
    assert officer.visits.young_inspector_form(visit_id).checklist.records["yi_good"].answer == \
        "Started answering before deciding not to"  # kept on the visit, never lost
