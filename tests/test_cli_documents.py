"""The document commands: a visit's report submitted, approved by the QA lead, issued as an e-mail
draft, its reply recorded; a letter made from a plan; a completed visit reopened."""

from __future__ import annotations

import datetime as dt

from qa_desktop.cli import main
from qa_desktop.domain.oversight import PlanKind
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services import oversight
from qa_desktop.workspace import Workspace
from tests.services.test_distribution import with_contacts
from tests.services.test_documents import finish
from tests.sync.conftest import make_visit


def run(capsys, *words: str, data) -> tuple[int, str, str]:
    code = main([*words, "--data-dir", str(data)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_report_from_submission_to_reply_on_the_command_line(store, tmp_path, capsys):
    data = store.data_dir
    visit_id = make_visit(store, TemplateLibrary.load())
    with_contacts(store, visit_id)
    code, _, err = run(capsys, "submit", visit_id[:8], data=data)
    assert code == 2 and "still in progress" in err
    finish(Workspace(store, TemplateLibrary.load()), visit_id)
    assert run(capsys, "submit", visit_id[:8], data=data)[0] == 0
    code, _, err = run(capsys, "approve", visit_id[:8], data=data)
    assert code == 2 and "Only the QA lead can approve" in err
    assert run(capsys, "user", "--role", "qa_lead", "--name", "Sam Okoro", data=data)[0] == 0
    code, out, _ = run(capsys, "approve", visit_id[:8], data=data)
    assert code == 0 and "Approved for issue by Sam Okoro" in out
    run(capsys, "user", "--role", "qa_officer", "--name", "Alex Patel", data=data)
    code, _, err = run(capsys, "issue", visit_id[:8], "--to", "Nobody Known", "--out", str(tmp_path), data=data)
    assert code == 2 and "Not on Harbour View's distribution list: nobody known" in err
    code, out, _ = run(capsys, "issue", visit_id[:8], "--to", "Registered manager", "--to", "IRO",
                       "--out", str(tmp_path), data=data)
    assert code == 0 and "Issued to Dana Whitfield (Registered manager), Lee Carter (IRO); reply due 04/12/2026" in out
    assert len(list(tmp_path.glob("*.eml"))) == 1
    assert run(capsys, "reply", visit_id[:8], "--note", "No comments", data=data)[0] == 0
    code, out, _ = run(capsys, "documents", visit_id[:8], data=data)
    assert "Issued" in out and "Sam Okoro" in out and "Dana Whitfield (Registered manager)" in out
    code, out, _ = run(capsys, "reopen", visit_id[:8], "--reason", "Hob fault found later", data=data)
    assert code == 0 and "reopened" in out


def test_a_letter_from_a_plan_on_the_command_line(store, tmp_path, capsys):
    visit_id = make_visit(store, TemplateLibrary.load())
    provider = Workspace(store).visits.header(visit_id).provider_id
    plan = oversight.issue_action_plan(store, provider, kind=PlanKind.QA, issued_on=dt.date(2026, 11, 22),
                                       reason="Night checks not recorded.",
                                       actions=[("Record every night check", ConcernLevel.MEDIUM)],
                                       raised_at=dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC))
    code, out, _ = run(capsys, "letters", "SC700105", data=store.data_dir)
    assert code == 0 and plan in out
    code, out, _ = run(capsys, "letter", "action_plan", plan, "--submit", "--word", str(tmp_path / "plan.docx"),
                       data=store.data_dir)
    assert code == 0 and "QA improvement plan, revision 1" in out and (tmp_path / "plan.docx").exists()
    code, out, _ = run(capsys, "letters", "SC700105", data=store.data_dir)
    assert "QA improvement plan" in out and "Submitted" in out
    run(capsys, "user", "--role", "qa_lead", "--name", "Sam Okoro", data=store.data_dir)
    with_contacts(store, visit_id)
    code, out, err = run(capsys, "letter", "action_plan", plan, "--approve", "--issue", "--to", "Registered manager",
                         "--out", str(tmp_path), data=store.data_dir)
    assert code == 0, err
    assert "Issued to Dana Whitfield (Registered manager)" in out and len(list(tmp_path.glob("*.eml"))) == 1
