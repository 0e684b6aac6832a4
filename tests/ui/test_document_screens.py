"""The visit screen and a report's lifecycle (issue 18) and finished meaning finished (issue 21), driven
through real widgets: a completed visit shows read-only and is reopened with a reason; the report is
submitted, approved by the QA lead only, issued as an e-mail draft, saved as Word and its reply recorded."""

from __future__ import annotations

import email
from email import policy

import docx
from PySide6.QtCore import Qt

from qa_desktop.domain.roles import Role
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.store.database import Store
from qa_desktop.ui.documents_menu import IssueDialog
from qa_desktop.ui.visit_window import VisitWindow
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.documents import DocumentStatus
from tests.services.test_distribution import with_contacts
from tests.services.test_documents import finish
from tests.sync.conftest import make_visit


def shown(qtbot, window: VisitWindow) -> VisitWindow:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_completed_visit_shows_read_only_and_is_reopened_with_a_reason(qtbot, store, hub, messages):
    workspace = hub.workspace
    visit_id = make_visit(store, TemplateLibrary.load())
    finish(workspace, visit_id)
    window = shown(qtbot, VisitWindow(workspace, hub, visit_id))
    assert window.read_only and window.read_only_banner.isVisible()
    assert "can no longer be changed" in window.read_only_banner.text()
    assert window.complete_button.text() == "Re&open…"
    assert window.items and not any(item.isEnabled() for item in window.items)
    # a key pressed on an item changes nothing
    qtbot.keyClick(window.items[1], Qt.Key.Key_2)
    assert not window.reopen("   ")  # a reason is needed
    assert "Say why" in messages[-1][2]
    assert window.reopen("Hob found faulty after the visit")
    assert not window.read_only and not window.read_only_banner.isVisible()
    assert all(item.isEnabled() for item in window.items) and window.complete_button.text() == "&Complete visit…"


def test_submit_approve_issue_word_and_reply_from_the_visit_screen(qtbot, store, hub, messages, tmp_path):
    officer = hub.workspace
    visit_id = make_visit(store, TemplateLibrary.load())
    with_contacts(store, visit_id)
    finish(officer, visit_id)
    window = shown(qtbot, VisitWindow(officer, hub, visit_id))
    button = window.documents_button
    assert "Not made yet" in button.toolTip()
    task = window.make_report()
    window.open_file = lambda path: None
    qtbot.waitUntil(lambda: not task.running, timeout=60_000)
    assert "revision 1: draft" in button.toolTip()
    button.refresh()
    assert button.submit_action.isEnabled() and not button.issue_action.isEnabled()
    button.submit()
    assert "submitted by officer.test, awaiting the QA lead's approval" in button.toolTip()
    assert not button.approve_action.isEnabled()  # an officer is not offered approval
    button.approve()  # and the service refuses it all the same
    assert "Only the QA lead can approve" in messages[-1][2]

    lead_store = Store(store.data_dir, actor="Sam Lead", key=store.key, role=Role.QA_LEAD)
    try:
        lead_window = shown(qtbot, VisitWindow(Workspace(lead_store, TemplateLibrary.load()), hub, visit_id))
        lead_window.documents_button.refresh()
        assert lead_window.documents_button.approve_action.isEnabled()
        lead_window.documents_button.approve()
    finally:
        lead_store.close()
    button.refresh()
    assert "approved by Sam Lead" in button.toolTip() and button.issue_action.isEnabled()

    people = officer.documents.distribution(officer.visits.header(visit_id).provider_id)
    dialog = IssueDialog(people, officer.documents.default_reply_due(), window)
    qtbot.addWidget(dialog)
    assert [b.isChecked() for b in dialog.boxes].count(False) == 1  # the contact with no e-mail
    assert dialog.provider_missing is None  # the provider's own contacts are on it
    professionals = [p for p in people if p.role not in ("Provider", "Registered manager")]
    alone = IssueDialog(professionals, officer.documents.default_reply_due(), window)
    qtbot.addWidget(alone)  # walk6: issued to the professionals alone, nothing said the provider was not on it
    assert alone.provider_missing is not None and "provider is not on this list" in alone.provider_missing.text()
    dialog.show()  # chosen as shown (everyone with an e-mail), then issued
    eml = button.issue(folder=str(tmp_path), dialog=dialog)
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert len(message["To"].addresses) == 6 and next(message.iter_attachments()).get_filename().endswith(".pdf")
    assert officer.documents.latest(visit_id).status is DocumentStatus.ISSUED
    assert "issued on 22 Nov 2026 to 6 people; reply due 04 Dec 2026" in button.toolTip()

    task = button.save_word(str(tmp_path / "report"))
    qtbot.waitUntil(lambda: not task.running, timeout=60_000)
    opened = docx.Document(str(tmp_path / "report.docx"))
    assert messages[-1][:2] == ("information", "Word copy saved") and "report.docx" in messages[-1][2]
    assert any(p.style.name == "Heading 1" and p.text == "Sign-off" for p in opened.paragraphs)
    assert "Sam Lead" in [c.text for t in opened.tables for row in t.rows for c in row.cells]

    button.record_reply("No factual accuracy comments")
    assert "reply received 22 Nov 2026" in button.toolTip()
    assert officer.documents.replies_due() == []


def test_a_reply_awaited_is_on_the_oversight_board_and_a_letter_is_made_from_the_provider_page(qtbot, store, hub,
                                                                                                 messages, tmp_path):
    import datetime as dt

    from qa_desktop.domain.oversight import PlanKind
    from qa_desktop.domain.timescales import ConcernLevel
    from qa_desktop.services import oversight
    from qa_desktop.ui.oversight_window import OversightWindow
    from qa_desktop.ui.provider_panel import ProviderPanel
    from qa_desktop.workspace.documents import Addressee

    officer = hub.workspace
    visit_id = make_visit(store, TemplateLibrary.load())
    provider = officer.visits.header(visit_id).provider_id
    finish(officer, visit_id)
    officer.visits.report(visit_id)
    info = officer.documents.latest(visit_id)
    officer.documents.submit(info.id)
    lead_store = Store(store.data_dir, actor="Sam Lead", key=store.key, role=Role.QA_LEAD)
    try:
        Workspace(lead_store, TemplateLibrary.load()).documents.approve(info.id)
    finally:
        lead_store.close()
    officer.documents.issue(info.id, [Addressee("Dana Whitfield", "dana@example.org.uk", "Registered manager")],
                            tmp_path)
    board = OversightWindow(officer, hub)
    qtbot.addWidget(board)
    board.show()
    board.refresh_dashboard()
    (awaited,) = board.replies_model._rows
    assert awaited.provider == "Harbour View" and awaited.document == "QA visit report, revision 1"

    oversight.issue_action_plan(store, provider, kind=PlanKind.QA, issued_on=dt.date(2026, 11, 22),
                                reason="Night checks not recorded.",
                                actions=[("Record every night check", ConcernLevel.MEDIUM)],
                                raised_at=dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC))
    panel = ProviderPanel(officer, hub)
    qtbot.addWidget(panel)
    opened = []
    panel.open_file = opened.append
    panel.show_provider(provider)
    sanctions = panel.views["sanctions"]
    plan_row = next(n for n, row in enumerate(panel.sanctions_model._rows) if row.record and row.record[0] == "plan")
    sanctions.setCurrentIndex(sanctions.model().index(plan_row, 0))
    path = panel.make_letter()
    assert path is not None and opened == [path] and "action-plan-r1-draft" in path.name
    assert path.parent.parent == store.data_dir / "viewing" and path.read_bytes().startswith(b"%PDF")  # a copy
    sanctions.setCurrentIndex(sanctions.model().index(plan_row, 0))  # the page was redrawn by the change
    panel.letter_status.refresh()
    assert "revision 1: draft" in panel.letter_status.toolTip() and panel.letter_status.submit_action.isEnabled()
    panel.letter_status.submit()
    assert "submitted by officer.test" in panel.letter_status.toolTip()
