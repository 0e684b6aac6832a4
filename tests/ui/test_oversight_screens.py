"""Oversight on screen: the embargo warning where a visit starts, the provider page's oversight
forms, the sanctions list with its filters and export, an action completed, and the Oversight
window kept up to date by the change signal (from this window, and from another program)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from qa_desktop.domain.oversight import EmbargoKind, EmbargoScope, InformalReason
from qa_desktop.services import oversight as qa
from qa_desktop.services.demo import load_demo
from qa_desktop.services.register import find_by_urn
from qa_desktop.store.database import Store
from qa_desktop.store.models import Setting
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.oversight_dialogs import CaseDialog, EmbargoDialog
from qa_desktop.ui.oversight_window import OversightWindow
from qa_desktop.ui.start_visit_dialog import StartVisitDialog
from qa_desktop.workspace import Workspace
from tests.conftest import CLOCK_START, TODAY  # the screens work out "in force" and "due" for today


@pytest.fixture
def workspace(lead):
    """The screens' workspace (and so the ``hub``'s) is the QA lead's: these tests issue formal
    embargoes, which only the lead may do."""
    return Workspace(lead)


@pytest.fixture
def demo(lead):
    store = lead
    load_demo(store, today=TODAY)
    with store.read() as session:
        ids = {urn: find_by_urn(session, urn).id for urn in ("SC700101", "SC700102", "SC700104", "SC700107")}
        settings = {urn: session.query(Setting).filter_by(provider_id=pid).first().id for urn, pid in ids.items()}
    return store, ids, settings


@pytest.fixture
def messages(monkeypatch):
    shown = []
    for kind in ("warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *a, _k=kind: shown.append((title, text)))
    return shown


def main_window(qtbot, workspace, hub, tmp_path):
    window = MainWindow(workspace, hub, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    return window


def oversight_window(qtbot, workspace, hub, tab):
    window = OversightWindow(workspace, hub)
    qtbot.addWidget(window)
    window.tabs.setCurrentIndex(tab)
    window.show()
    return window


def finished(qtbot, task):
    """What a background task of the window gave, once it has finished."""
    with qtbot.waitSignal(task.finished, timeout=60000) as blocker:
        pass
    return blocker.args[0]


def test_starting_a_visit_at_an_embargoed_provider_shows_a_clear_warning(qtbot, demo, workspace):
    store, ids, settings = demo
    qa.issue_embargo(store, ids["SC700104"], kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER,
                     reason="Failed to make improvements after the action plan", start_on=TODAY,
                     review_on=TODAY + dt.timedelta(days=28), approved_by="Sam Director")
    dialog = StartVisitDialog(workspace, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.setting.setCurrentIndex(dialog.setting.findData(settings["SC700104"]))
    assert dialog.embargo.isVisible()
    assert dialog.embargo.text().startswith("⚠ FORMAL EMBARGO on Willow House since")
    assert "Failed to make improvements" in dialog.embargo.text()
    dialog.setting.setCurrentIndex(dialog.setting.findData(settings["SC700101"]))
    assert not dialog.embargo.isVisible()
    dialog.setting.setCurrentIndex(dialog.setting.findData(settings["SC700104"]))
    dialog.date.setDate(dialog.date.date().addDays(-1))  # the day before it began: nothing in force
    assert not dialog.embargo.isVisible()


def test_provider_page_logs_cases_and_an_embargo_and_the_register_flags_it(qtbot, demo, workspace, hub, tmp_path,
                                                                           messages):
    window = main_window(qtbot, workspace, hub, tmp_path)
    window.search.setText("Harbour View")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    window.table.setCurrentIndex(window.proxy.index(0, 0))
    panel = window.panel
    panel.tabs.setCurrentIndex(panel.tab_index["cases"])
    for n in range(4):
        dialog = panel.record(CaseDialog)
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.category, "Missing from care")
        qtbot.keyClicks(dialog.summary, f"Young person missing overnight ({n + 1})")
        dialog.accept()
        assert dialog.result() == dialog.DialogCode.Accepted
    assert panel.tabs.tabText(4) == "Risk and cases (MEDIUM)" and panel.cases_model.rowCount() == 4
    assert "Risk rating this year (Figure 6): MEDIUM" in panel.rating.text()

    dialog = panel.record(EmbargoDialog)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.reason, "Significant safeguarding concerns")
    dialog.accept()  # formal, but no senior manager named: refused in the dialog
    assert dialog.isVisible() and "senior manager" in dialog.error.text()
    assert dialog.reason.toPlainText() == "Significant safeguarding concerns"  # nothing typed is lost
    qtbot.keyClicks(dialog.approved_by, "Sam Director")
    dialog.informed.setChecked(True)
    dialog.accept()
    assert not dialog.isVisible()
    assert panel.warnings.isVisible() and panel.warnings.text().startswith("⚠ FORMAL EMBARGO on Harbour View")
    assert panel.tabs.tabText(5) == "Sanctions (2)"  # the embargo, and its Requires improvement judgement
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    columns = [c.header for c in window.model.columns]
    row = window.proxy.index(0, columns.index("Sanctions"))
    assert row.data().startswith("Embargo on provider/agency") and row.data(Qt.ItemDataRole.FontRole).bold()
    assert window.proxy.index(0, columns.index("Risk (Figure 6)")).data() == "MEDIUM"
    assert "Embargo on provider/agency" in window.proxy.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_sanctions_screen_filters_and_exports_what_it_shows(qtbot, demo, workspace, hub, tmp_path, messages):
    store, ids, settings = demo
    qa.issue_embargo(store, ids["SC700102"], kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER,
                     reason="Failed to improve", start_on=TODAY, approved_by="Sam Director")
    qa.issue_embargo(store, ids["SC700101"], kind=EmbargoKind.INFORMAL, scope=EmbargoScope.PROPERTY,
                     reason="Police investigation", start_on=TODAY, setting_id=settings["SC700101"],
                     informal_reason=InformalReason.INVESTIGATION, social_work_informed_on=TODAY)
    qa.log_alert(store, ids["SC700104"], regulator=qa.Regulator.OFSTED, kind=qa.AlertKind.SUSPENSION,
                 received_on=TODAY, summary="Registration suspended")
    board = oversight_window(qtbot, workspace, hub, 1)
    # and the register's own poor judgements from the imported file: Harbour View's and Zoë's
    assert board.sanctions_model.rowCount() == 5
    assert board.sanctions_count.text() == "5 sanctions in force; 1 without the social work team recorded as informed"
    board.sanction_filter.setCurrentIndex(board.sanction_filter.findText("Embargo on specific property"))
    shown = [board.sanctions_model.row_at(r).provider for r in range(board.sanctions_model.rowCount())]
    assert shown == ["Maple Lodge"]
    board.sanction_filter.setCurrentIndex(0)
    qtbot.keyClicks(board.sanction_search, "suspended")
    qtbot.waitUntil(lambda: board.sanctions_model.rowCount() == 1)
    board.sanction_search.clear()
    qtbot.waitUntil(lambda: board.sanctions_model.rowCount() == 5)
    board.sanction_filter.setCurrentIndex(board.sanction_filter.findText("Embargo on provider/agency"))
    assert finished(qtbot, board.export_sanctions(str(tmp_path / "embargoes.csv"))) == 1  # as filtered on screen
    board.sanction_filter.setCurrentIndex(0)
    assert finished(qtbot, board.export_sanctions(str(tmp_path / "sanctions"))) == 5
    assert messages[-1][0] == "Sanctions list exported" and str(tmp_path / "sanctions.xlsx") in messages[-1][1]
    exported = list(load_workbook(tmp_path / "sanctions.xlsx").active.values)
    assert [r[0] for r in exported[1:]] == ["Harbour View", "Harbour View", "Maple Lodge", "Willow House",
                                            "Zo\u00eb N\u00ed Bhriain House"]
    assert exported[1][9] == "NOT RECORDED"
    assert (tmp_path / "embargoes.csv").read_text(encoding="utf-8-sig").count("Embargo on provider/agency") == 1

    task = board.export_sanctions(str(tmp_path / "embargoes.csv" / "list.xlsx"))  # a file is no folder
    with qtbot.waitSignal(task.failed, timeout=60000):
        pass
    assert messages[-1][0] == "Not exported" and "could not be written" in messages[-1][1]


def test_an_overdue_action_is_completed_from_the_oversight_window(qtbot, demo, workspace, hub, messages):
    store, ids, _ = demo
    qa.issue_action_plan(store, ids["SC700107"], kind=qa.PlanKind.QA, issued_on=TODAY - dt.timedelta(days=10),
                         reason="Three concerns in a month",
                         actions=[("Refresh safer recruitment training", qa.ConcernLevel.HIGH)],
                         raised_at=CLOCK_START - dt.timedelta(days=10))
    board = oversight_window(qtbot, workspace, hub, 0)
    assert [a.text for a in board.overdue_model._rows] == ["Refresh safer recruitment training"]
    board.tabs.setCurrentIndex(2)
    board.only_overdue.setChecked(True)
    board.actions_view.setCurrentIndex(board.actions_view.model().index(0, 0))
    dialog = board.progress_action(complete=True)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert "evidence" in dialog.error.text()
    qtbot.keyClicks(dialog.words, "Training certificates for all 14 staff seen")
    dialog.accept()
    assert board.actions_model.rowCount() == 0 and board.overdue_model.rowCount() == 0


def test_sanctions_are_ended_on_the_provider_page_and_ifa_flags_set(qtbot, demo, workspace, hub, tmp_path,
                                                                      messages):
    store, ids, _ = demo
    qa.issue_embargo(store, ids["SC700107"], kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER,
                     reason="Red flag from Kent", start_on=TODAY - dt.timedelta(days=30), approved_by="Sam Director")
    qa.issue_action_plan(store, ids["SC700107"], kind=qa.PlanKind.QA, issued_on=TODAY - dt.timedelta(days=40),
                         reason="Concerns in a short period", actions=[], raised_at=CLOCK_START)
    window = main_window(qtbot, workspace, hub, tmp_path)
    window.search.setText("Kindred")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    window.table.setCurrentIndex(window.proxy.index(0, 0))
    panel = window.panel
    assert panel.tabs.tabText(5) == "Sanctions (2)" and not panel.ifa_button.isHidden()  # an IFA
    assert "Figure 7 flags: performance/practice HIGH" in panel.rating.text()  # the embargo makes them HIGH
    view = panel.views["sanctions"]
    plan_row = next(r for r in range(view.model().rowCount()) if view.model().index(r, 0).data() == "Action plan")
    view.setCurrentIndex(view.model().index(plan_row, 0))
    panel.social_work_told()
    assert panel.sanctions_model.row_at(plan_row).social_work_informed == TODAY
    view.setCurrentIndex(view.model().index(plan_row, 0))
    dialog = panel.end_sanction()
    qtbot.addWidget(dialog)
    assert dialog.reason.itemText(0).startswith("All areas met")
    dialog.reason.setCurrentIndex(2)  # concerns escalated and a formal embargo was issued
    dialog.accept()
    assert panel.tabs.tabText(5) == "Sanctions (1)"

    view.setCurrentIndex(view.model().index(0, 0))
    dialog = panel.end_sanction()
    qtbot.addWidget(dialog)
    dialog.on.setDate(dialog.on.date().addDays(-60))  # before it began: refused, dialog stays
    dialog.accept()
    assert "cannot end before it starts" in dialog.error.text()
    dialog.on.setDate(dialog.on.date().addDays(59))  # yesterday
    dialog.accept()
    assert panel.tabs.tabText(5) == "Sanctions (0)" and not panel.warnings.isVisible()

    flags = panel.edit_ifa_flags()
    qtbot.addWidget(flags)
    combo = flags.combos[qa.IfaArea.SAFEGUARDING]
    combo.setCurrentIndex(combo.findText("A concern has been identified"))
    flags.accept()
    assert "safeguarding MEDIUM" in panel.rating.text() and "performance/practice LOW" in panel.rating.text()


def test_audit_trails_open_from_the_provider_page_and_the_visit(qtbot, demo, workspace, hub, tmp_path):
    store, ids, _ = demo
    qa.log_case(store, ids["SC700102"], opened_on=TODAY, source=qa.CaseSource.LADO, category="Allegation",
                summary="Allegation against staff")
    window = main_window(qtbot, workspace, hub, tmp_path)
    window.search.setText("Harbour View")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    window.table.setCurrentIndex(window.proxy.index(0, 0))
    dialog = window.panel.show_audit()
    qtbot.addWidget(dialog)
    rows = [dialog.model.row_at(r) for r in range(dialog.model.rowCount())]
    assert any(r.what.startswith("Case of") and r.value == "Allegation against staff" for r in rows)
    window.panel.tabs.setCurrentIndex(window.panel.tab_index["visits"])
    visit_row = window.panel.visits_model.row_at(0)
    visit = window.show_visit(visit_row.id)
    qtbot.addWidget(visit)
    trail = visit.show_audit()
    qtbot.addWidget(trail)
    whats = {trail.model.row_at(r).what for r in range(trail.model.rowCount())}
    assert "Action: Carbon monoxide detector" in whats and "Visit" in whats


def test_records_past_retention_are_deleted_only_after_typing_delete(qtbot, demo, workspace, hub, messages):
    store, ids, _ = demo
    case = qa.log_case(store, ids["SC700101"], opened_on=dt.date(2018, 3, 1), source=qa.CaseSource.POLICE,
                       category="Missing", summary="An old missing episode")
    qa.close_case(store, case, closed_on=dt.date(2018, 4, 1), outcome="Closed")
    board = oversight_window(qtbot, workspace, hub, 3)
    assert board.tabs.tabText(3) == "Past retention (1)" and board.delete_button.isEnabled()
    assert board.delete_expired("delete please") is None and messages[-1][0] == "Nothing deleted"
    assert board.retention_model.rowCount() == 1
    report = finished(qtbot, board.delete_expired("DELETE"))  # off the UI thread
    assert report.records == 1 and messages[-1][0] == "Records deleted"
    assert board.retention_model.rowCount() == 0 and not board.delete_button.isEnabled()


def old_closed_case(oversight, provider_id, summary):
    """A case closed long ago, so the Oversight window lists it as past retention."""
    case = oversight.log_case(provider_id, opened_on=dt.date(2018, 3, 1), source=qa.CaseSource.POLICE,
                              category="Missing", summary=summary).value
    return oversight.close_case(case, closed_on=dt.date(2018, 4, 1), outcome="Closed")


def test_a_case_logged_by_another_program_shows_in_the_open_oversight_window(qtbot, demo, workspace, hub):
    store, ids, _ = demo
    board = oversight_window(qtbot, workspace, hub, 3)
    assert board.tabs.tabText(3) == "Past retention (0)"

    other = Workspace(Store(store.data_dir, key=store.key))  # ``qa-desktop cases --add`` in a terminal, say
    old_closed_case(other.oversight, ids["SC700102"], "An old missing episode")
    other.close()
    assert board.retention_model.rowCount() == 0  # the window has not looked yet

    hub.catch_up()  # what the hub's poll does
    assert board.tabs.tabText(3) == "Past retention (1)" and board.delete_button.isEnabled()
    (row,) = [board.retention_model.row_at(r) for r in range(board.retention_model.rowCount())]
    assert (row.kind, row.provider, row.description) == ("case", "Harbour View", "QA case: Missing")


def test_a_hidden_oversight_window_reads_a_change_when_it_is_shown_again(qtbot, demo, workspace, hub, monkeypatch):
    _, ids, _ = demo
    board = oversight_window(qtbot, workspace, hub, 3)
    board.hide()
    reads = []
    monkeypatch.setattr(workspace.oversight, "past_retention", lambda: reads.append(1) or [])
    done = old_closed_case(workspace.oversight, ids["SC700101"], "Kept for five years only")
    assert done.changes.touches("qa_cases") and done.changes.touches_provider(ids["SC700101"])
    assert reads == []  # nobody is looking: nothing read for each change
    monkeypatch.undo()
    board.show()
    assert board.tabs.tabText(3) == "Past retention (1)"


def test_the_sanctions_list_is_made_when_its_tab_is_shown_and_its_count_kept_meanwhile(qtbot, demo, workspace, hub):
    """The window opens on what is due without making the sanctions list (issue 22: a regulator's
    data can put thousands of lines on it); its tab says how many lines it has all the same, and
    a change heard while another tab is shown updates that count and the list when it is shown."""
    store, ids, _ = demo
    board = oversight_window(qtbot, workspace, hub, 0)
    assert board.sanctions_model.rowCount() == 0  # not made: nobody has looked at it
    assert board.tabs.tabText(1) == "Sanctions list (2)"  # the register's own judgements: Harbour View's, Zoë's
    qtbot.mouseClick(board.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=board.tabs.tabBar().tabRect(1).center())
    assert board.tabs.currentIndex() == 1
    assert board.sanctions_model.rowCount() == 2 and board.tabs.tabText(1) == "Sanctions list (2)"
    assert board.sanctions_count.text().startswith("2 sanctions in force")

    board.tabs.setCurrentIndex(0)
    qa.issue_embargo(store, ids["SC700101"], kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER,
                     reason="Failed to improve", start_on=TODAY, approved_by="Sam Director")
    hub.catch_up()
    qtbot.waitUntil(lambda: board.tabs.tabText(1) == "Sanctions list (3)")
    assert board.sanctions_model.rowCount() == 2  # the list waits until it is shown again
    board.tabs.setCurrentIndex(1)
    assert [board.sanctions_model.row_at(r).provider for r in range(3)] == [
        "Harbour View", "Maple Lodge", "Zo\u00eb N\u00ed Bhriain House"]

    qa.log_alert(store, ids["SC700104"], regulator=qa.Regulator.OFSTED, kind=qa.AlertKind.SUSPENSION,
                 received_on=TODAY, summary="Registration suspended")
    hub.catch_up()  # shown: the list at once
    qtbot.waitUntil(lambda: board.sanctions_model.rowCount() == 4)
    assert board.tabs.tabText(1) == "Sanctions list (4)"


def test_an_empty_due_list_says_why(qtbot, demo, workspace, hub, tmp_path):
    """walk6: after a first import the due tables were blank with no word why (every provider needed its
    visit before a first placement, which this list does not show)."""
    board = oversight_window(qtbot, workspace, hub, 0)
    assert board.due_model.rowCount() > 0 and board.due_empty.isHidden()  # the demo has visits due
    laptop = Store(tmp_path / "new", actor="Sam Lead", role=workspace.user.role)
    new = oversight_window(qtbot, Workspace(laptop), hub, 0)
    assert new.due_model.rowCount() == 0 and not new.due_empty.isHidden()
    assert "monitored by us" in new.due_empty.text() and "before its first placement" in new.due_empty.text()
    new.everyone.setChecked(True)
    assert "on the register" in new.due_empty.text()
    laptop.close()


def test_a_long_value_does_not_push_the_columns_after_it_off_the_screen(qtbot):
    """walk6: at large text one long service type made its column half the sanctions table and the
    sanction itself was off a 1280-pixel screen. Columns are fitted, none over ~40 characters."""
    from qa_desktop.ui.rows_model import Column, RowsModel, fit_columns, table_view

    columns = (Column("Provider", lambda r: r[0]), Column("Service type", lambda r: r[1]),
               Column("Sanction", lambda r: r[2]))
    model = RowsModel(columns)
    view = table_view(model, "Sanctions")
    model.setParent(view)  # as the screens hold theirs (freed with the view, not before it)
    qtbot.addWidget(view)
    model.set_rows([("Maple House", "Residential", "Embargo"),
                    ("Harbour View", ("Supported accommodation for looked after children and care leavers aged "
                                      "16 and 17, registered with Ofsted under the 2023 regulations"), "Restriction")])
    fit_columns(view)
    most = view.fontMetrics().averageCharWidth() * 40
    header = view.horizontalHeader()
    assert header.sectionSize(0) < most and header.sectionSize(1) <= most  # short kept whole, long capped
    assert header.sectionSize(0) >= view.fontMetrics().horizontalAdvance("Harbour View")


def test_records_past_retention_are_read_when_their_tab_is_shown(qtbot, demo, workspace, hub, monkeypatch):
    """The window opens without working out what is past retention (issue 22: it reads every record
    that has ended); its tab says no count until shown, then the list and its count are as they were."""
    _, ids, _ = demo
    old_closed_case(workspace.oversight, ids["SC700101"], "Kept for five years only")
    reads: list[int] = []
    past_retention = workspace.oversight.past_retention
    monkeypatch.setattr(workspace.oversight, "past_retention", lambda: reads.append(1) or past_retention())
    board = oversight_window(qtbot, workspace, hub, 0)
    assert reads == [] and board.tabs.tabText(3) == "Past retention"
    old_closed_case(workspace.oversight, ids["SC700102"], "Another old one")  # heard while another tab is shown
    assert reads == []
    board.tabs.setCurrentIndex(3)
    assert reads == [1] and board.tabs.tabText(3) == "Past retention (2)" and board.delete_button.isEnabled()
    assert board.retention_model.rowCount() == 2
    board.tabs.setCurrentIndex(0)
    board.tabs.setCurrentIndex(3)  # nothing changed: not read again
    assert reads == [1]
