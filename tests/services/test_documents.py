"""The lifecycle of a document that goes out (issue 18), and finished meaning finished (issue 21):
draft while the visit is in progress (DRAFT on every page, with how many answers remain),
submitted, approved by the QA lead alone, issued, never changed after; a completed visit refuses
edits until it is reopened with a reason, and the next revision says what it corrects. Through the
workspace, as the window and the command line use it, with real PDFs read back."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from qa_desktop.domain.documents import DocumentKind, DocumentRuleError, DocumentStatus
from qa_desktop.domain.roles import NotAllowed, Role
from qa_desktop.domain.visits import VisitCompleted, VisitRuleError, VisitStatus
from qa_desktop.forms.checklist import MET, NOT_MET
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.documents import Addressee
from qa_desktop.workspace import Workspace
from tests.forms.test_checklist import answer_everything
from tests.sync.conftest import make_visit


def pages(path, ws: Workspace) -> list[str]:
    """The text of each page of a kept (encrypted) document, read as the window shows it: through the
    viewing copy the system's viewer gets."""
    assert not path.read_bytes().startswith(b"%PDF")  # kept encrypted in the data folder
    return [" ".join(page.extract_text().split()) for page in PdfReader(str(ws.documents.viewing_copy(path))).pages]


@pytest.fixture
def officer_ws(store):
    workspace = Workspace(store, TemplateLibrary.load())
    return workspace


@pytest.fixture
def lead_ws(lead):
    return Workspace(lead, TemplateLibrary.load())


@pytest.fixture
def visit_id(store):
    return make_visit(store, TemplateLibrary.load())


def finish(ws: Workspace, visit_id: str) -> None:
    """Answer everything (one item not met, with its action) and complete the visit."""
    editor = ws.visits.open(visit_id, screen=False)
    for key, checklist in editor.checklists.items():
        answer_everything(checklist)
        for item in checklist.visible_items():
            record = checklist.records.get(item.key)
            if record is not None and record.answer is not None:
                editor.set_answer(key, item.key, record.answer)
    key, item = next((k, i.key) for k, c in editor.checklists.items() for i in c.visible_items()
                     if i.response.value == "met_not_met")
    editor.set_answer(key, item, NOT_MET)
    from qa_desktop.domain.timescales import ConcernLevel
    editor.raise_action(key, item, "Repair the window lock", ConcernLevel.MEDIUM)
    editor.complete()


def test_a_report_of_a_visit_in_progress_is_a_draft_on_every_page_saying_what_remains(officer_ws, visit_id):
    result = officer_ws.visits.report(visit_id).value
    text = pages(result.path, officer_ws)
    remaining = sum(len(c.missing_required()) for c in officer_ws.visits.open(visit_id).checklists.values())
    assert remaining > 50
    assert f"DRAFT, not for issue: the visit is still in progress: {remaining} required answers remain" in text[0]
    for page in text:
        assert "DRAFT" in page and "not for issue" in page  # in words on every page, not colour alone
    assert "Not yet approved" in text[-1] or any("Not yet approved" in p for p in text)
    (info,) = officer_ws.documents.of_visit(visit_id)
    assert info.status is DocumentStatus.DRAFT and info.revision == 1
    with pytest.raises(DocumentRuleError, match="still in progress"):
        officer_ws.documents.submit(info.id)


def test_submitted_approved_by_the_lead_alone_then_issued_and_never_changed(officer_ws, lead_ws, visit_id, tmp_path):
    finish(officer_ws, visit_id)
    draft = officer_ws.visits.report(visit_id).value
    assert "not yet submitted for the QA lead's approval" in pages(draft.path, officer_ws)[0]
    info = officer_ws.documents.latest(visit_id)
    with pytest.raises(DocumentRuleError, match="submit it first"):
        lead_ws.documents.approve(info.id)
    submitted = officer_ws.documents.submit(info.id).value
    first = pages(submitted.path, officer_ws)
    assert not any("DRAFT" in p for p in first)  # the visit is complete and the report submitted
    assert "Submitted by officer.test" in " ".join(first) and "Not yet approved" in " ".join(first)

    with pytest.raises(NotAllowed, match="Only the QA lead can approve"):
        officer_ws.documents.approve(info.id)  # the role is checked in the service, not the button
    with pytest.raises(DocumentRuleError, match="Only a document the QA lead has approved can be issued"):
        officer_ws.documents.issue(info.id, [Addressee("Maria Lopez", "maria@example.org", "Registered manager")],
                                   tmp_path)

    approved = lead_ws.documents.approve(info.id).value
    text = " ".join(pages(approved.path, lead_ws))
    assert "lead.test QA lead: approved for issue 22/11/2026" in text  # the lead's name and date on the sign-off
    assert approved.path.name.endswith("-r1.pdf.sealed")
    approved_bytes = approved.path.read_bytes()

    issued = officer_ws.documents.issue(info.id, [Addressee("Maria Lopez", "maria@example.org",
                                                            "Registered manager")], tmp_path).value
    info = officer_ws.documents.get(info.id)
    assert info.status is DocumentStatus.ISSUED and info.issued_by == "officer.test"
    assert [(s.name, s.role) for s in info.sent_to] == [("Maria Lopez", "Registered manager")]
    assert issued.pdf == approved.path and approved.path.read_bytes() == approved_bytes
    with pytest.raises(DocumentRuleError, match="already been issued"):
        officer_ws.documents.issue(info.id, [Addressee("Someone", None, "Provider")], tmp_path)
    # the issued file is what the report command gives back while nothing changes
    again = officer_ws.visits.report(visit_id).value
    assert again.reused and again.path == approved.path


def test_a_completed_visit_refuses_edits_until_reopened_and_the_next_revision_says_what_it_corrects(
        officer_ws, lead_ws, visit_id, tmp_path):
    finish(officer_ws, visit_id)
    officer_ws.visits.report(visit_id)
    info = officer_ws.documents.latest(visit_id)
    officer_ws.documents.submit(info.id)
    lead_ws.documents.approve(info.id)
    officer_ws.documents.issue(info.id, [Addressee("Maria Lopez", "maria@example.org", "Registered manager")],
                               tmp_path)

    editor = officer_ws.visits.open(visit_id)
    key, item = next((k, i.key) for k, c in editor.checklists.items() for i in c.visible_items()
                     if i.response.value == "met_not_met" and c.records[i.key].answer == MET)
    with pytest.raises(VisitCompleted, match="reopen it with the reason"):
        editor.set_answer(key, item, NOT_MET)
    assert editor.checklists[key].records[item].answer == MET  # the screen shows what is saved
    with pytest.raises(VisitCompleted):
        editor.set_note(key, item, "late note")
    assert officer_ws.visits.header(visit_id).read_only

    with pytest.raises(VisitRuleError, match="Say why"):
        officer_ws.visits.reopen(visit_id, "  ")
    officer_ws.visits.reopen(visit_id, "The hob was found not working after the visit")
    header = officer_ws.visits.header(visit_id)
    assert header.status is VisitStatus.IN_PROGRESS and not header.read_only
    editor = officer_ws.visits.open(visit_id)
    editor.set_answer(key, item, NOT_MET)
    draft = officer_ws.visits.report(visit_id).value
    text = " ".join(pages(draft.path, officer_ws))
    assert "Revision 2 (replaces earlier revisions)" in text
    assert "Corrects revision 1: The hob was found not working after the visit" in text
    revisions = officer_ws.documents.of_visit(visit_id)
    assert [(d.revision, d.status) for d in revisions] == [(1, DocumentStatus.ISSUED), (2, DocumentStatus.DRAFT)]
    # the audit trail has the reopening with its reason, and each step of the lifecycle
    trail = officer_ws.visits.audit(visit_id)
    words = [f"{line.what} {line.field} {line.value}" for line in trail]
    assert any("The hob was found not working" in w for w in words)
    assert any("status" in w and "approved" in w for w in words)
    assert any("sent to Maria Lopez" in w for w in words)


def test_a_change_after_submission_sends_it_back_to_draft(officer_ws, lead_ws, visit_id):
    finish(officer_ws, visit_id)
    officer_ws.visits.report(visit_id)
    info = officer_ws.documents.latest(visit_id)
    officer_ws.documents.submit(info.id)
    officer_ws.visits.reopen(visit_id, "Second officer's notes arrived")
    assert officer_ws.documents.get(info.id).status is DocumentStatus.DRAFT  # nothing approved unseen
    with pytest.raises(DocumentRuleError, match="submit it first"):
        lead_ws.documents.approve(info.id)


def test_the_lifecycle_syncs_and_the_lead_s_approval_is_drawn_on_the_officer_s_laptop(tmp_path):
    from qa_desktop.store.database import Store
    from qa_desktop.sync.engine import sync
    from qa_desktop.sync.folder import FolderStore

    shared = FolderStore(tmp_path / "shared")
    alex = Store(tmp_path / "laptop-alex", actor="Alex Patel")
    lead = Store(tmp_path / "laptop-lead", actor="Sam Lead", role=Role.QA_LEAD)
    try:
        officer, qa_lead = Workspace(alex, TemplateLibrary.load()), Workspace(lead, TemplateLibrary.load())
        visit = make_visit(alex, TemplateLibrary.load())
        finish(officer, visit)
        officer.visits.report(visit)
        info = officer.documents.latest(visit)
        officer.documents.submit(info.id)
        sync(alex, shared)
        sync(lead, shared)
        assert qa_lead.documents.get(info.id).status is DocumentStatus.SUBMITTED
        qa_lead.documents.approve(info.id)
        sync(lead, shared)
        sync(alex, shared)
        mine = officer.documents.get(info.id)
        assert mine.status is DocumentStatus.APPROVED and mine.approved_by == "Sam Lead"
        assert mine.path is None  # approved on the lead's laptop: not drawn here yet
        drawn = officer.visits.report(visit).value
        assert "Sam Lead QA lead: approved for issue 22/11/2026" in " ".join(pages(drawn.path, officer))
        assert officer.documents.get(info.id).revision == 1  # the same revision, drawn here
    finally:
        alex.close()
        lead.close()


def test_young_inspector_report_has_the_same_lifecycle_and_a_word_copy(officer_ws, visit_id, tmp_path):
    import docx

    officer_ws.visits.add_young_inspector_form(visit_id)
    officer_ws.visits.young_inspector_form(visit_id).set_answer("yi_welcome", 4)
    result = officer_ws.visits.young_inspector_report(visit_id).value
    assert "DRAFT" in pages(result.path, officer_ws)[0]
    (info,) = [d for d in officer_ws.documents.of_visit(visit_id) if d.kind is DocumentKind.YOUNG_INSPECTOR_REPORT]
    opened = docx.Document(str(officer_ws.documents.word(info.id, tmp_path / "yi.docx").path))
    assert opened.paragraphs and any(p.style.name == "Title" and p.text == "What our Young Inspector found"
                                     for p in opened.paragraphs)
    assert "4 out of 5: happy" in [p.text for p in opened.paragraphs]
    assert "DRAFT" in " ".join(p.text for p in opened.sections[0].header.paragraphs)


def test_a_young_inspector_cannot_submit_or_approve(store, visit_id):
    from qa_desktop.store.database import Store

    officer = Workspace(store, TemplateLibrary.load())
    officer.visits.report(visit_id)
    info = officer.documents.latest(visit_id)
    young = Store(store.data_dir, actor="YI-07", key=store.key, role=Role.YOUNG_INSPECTOR, assigned_visit=visit_id)
    try:
        with pytest.raises(NotAllowed):
            Workspace(young).documents.submit(info.id)
    finally:
        young.close()


def test_a_draft_says_how_many_differences_between_the_two_officers_remain(tmp_path):
    from qa_desktop.forms.checklist import NOT_APPLICABLE
    from qa_desktop.services.visits import open_visit
    from qa_desktop.store.database import Store
    from qa_desktop.sync.engine import sync
    from qa_desktop.sync.folder import FolderStore
    from tests.sync.conftest import first_items

    alex, jo = Store(tmp_path / "alex", actor="Alex Patel"), Store(tmp_path / "jo", actor="Jo Morgan")
    try:
        shared = FolderStore(tmp_path / "shared")
        visit_id = make_visit(alex, TemplateLibrary.load())
        sync(alex, shared), sync(jo, shared)
        (template, item), = first_items(alex, visit_id, 1)
        open_visit(alex, visit_id).set_answer(template, item, NOT_MET)
        open_visit(jo, visit_id).set_answer(template, item, NOT_APPLICABLE)
        sync(jo, shared), sync(alex, shared)
        draft = Workspace(alex, TemplateLibrary.load()).visits.report(visit_id).value
        assert "and 1 difference between the officers to resolve" in pages(draft.path, Workspace(alex))[0]
    finally:
        alex.close(), jo.close()
