"""A large register is shown before what is due across it is worked out (issue 22's cold start):
the rows come with their ratings and sanctions, the status bar says what is due is being worked
out, and the due column, the count of those overdue and the due filter follow when the background
read ends. A provider changed meanwhile shows its change, whichever came first: the background
read or the change. (The size from which this happens is lowered to every register here.)"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings, Qt

from qa_desktop.domain.oversight import EmbargoKind, EmbargoScope
from qa_desktop.domain.schedule import DueStatus
from qa_desktop.services import oversight as qa
from qa_desktop.services.demo import load_demo
from qa_desktop.services.register import find_by_urn
from qa_desktop.ui import main_window
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.register import DueFilter
from tests.conftest import TODAY


@pytest.fixture
def workspace(lead):
    return Workspace(lead)  # the QA lead: a formal embargo is theirs to issue


@pytest.fixture
def due_later(monkeypatch, lead):
    load_demo(lead, today=TODAY)
    monkeypatch.setattr(main_window, "DUE_IN_BACKGROUND_FROM", 0)


def open_window(qtbot, workspace, hub, tmp_path):
    window = MainWindow(workspace, hub, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    return window


def worked_out(window):
    return window.due_task is not None and not window.due_task.running and "working out" not in window.count.text()


def test_the_register_shows_first_and_what_is_due_follows(qtbot, due_later, workspace, hub, tmp_path):
    blocked = threading.Event()
    original = MainWindow._register_with_due

    def held(self):
        blocked.wait(60)
        return original(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MainWindow, "_register_with_due", held)
        window = open_window(qtbot, workspace, hub, tmp_path)
        assert window.proxy.rowCount() == 13
        assert window.count.text() == "13 providers; working out what is due…"
        assert all(row.due is None for row in window.model.rows)
        assert window.proxy.headerData(2, Qt.Orientation.Horizontal) == "Next due: working out…"  # not "nothing"
        harbour = next(row for row in window.model.rows if row.name == "Harbour View")
        assert harbour.sanctions == ("Poor judgement/restriction",)  # ratings and sanctions at once
        window.due_filter.setCurrentIndex(window.due_filter.findData(DueFilter.OVERDUE.value))
        assert window.proxy.rowCount() == 0  # nothing is known to be overdue yet
        blocked.set()
        qtbot.waitUntil(lambda: worked_out(window), timeout=60000)
    assert window.proxy.headerData(2, Qt.Orientation.Horizontal) == "Next due (Figures 1, 2)"
    expected = workspace.register.context().due
    assert {row.id: row.due for row in window.model.rows if row.due} == dict(expected)
    overdue = sum(1 for item in expected.values() if item.due.status is DueStatus.OVERDUE)
    assert overdue and window.proxy.rowCount() == overdue  # the filter chosen meanwhile, applied
    assert window.count.text() == f"{overdue} providers, {overdue} overdue"


def test_a_change_while_what_is_due_is_worked_out_is_shown(qtbot, due_later, lead, workspace, hub, tmp_path):
    """The background read is made before the change and handed over after it: the changed
    provider is read again, so the embargo is on its row, not lost under the older read."""
    read, release = threading.Event(), threading.Event()
    original = MainWindow._register_with_due

    def read_then_held(self):
        found = original(self)
        read.set()
        release.wait(60)
        return found

    with lead.read() as session:
        maple = find_by_urn(session, "SC700101").id
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MainWindow, "_register_with_due", read_then_held)
        window = open_window(qtbot, workspace, hub, tmp_path)
        assert read.wait(60)
        qa.issue_embargo(lead, maple, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER, reason="Failed",
                         start_on=TODAY, approved_by="Sam Director")
        hub.catch_up()
        (row,) = window.model.rows_with([maple])
        assert row.sanctions == ("Embargo on provider/agency",)  # the change, shown at once
        release.set()
        qtbot.waitUntil(lambda: worked_out(window), timeout=60000)
    (row,) = window.model.rows_with([maple])
    assert row.sanctions == ("Embargo on provider/agency",)
    assert row.due == workspace.register.context([maple]).due.get(maple) and row.due is not None


def test_closing_the_window_waits_for_the_background_read(qtbot, due_later, workspace, hub, tmp_path):
    window = open_window(qtbot, workspace, hub, tmp_path)
    window.close()
    assert window.due_task._thread.isFinished()  # the workspace may be closed now: nothing reads it


def test_a_reload_while_what_is_due_is_worked_out_uses_the_latest_read(qtbot, due_later, lead, workspace, hub,
                                                                      tmp_path):
    """A change too large to list (an import, a first sync) reloads the register while the read of
    what is due is still running: the earlier read, made before the change and ending after the
    later one, is not shown over it; closing waits for both."""
    first_read, release_first = threading.Event(), threading.Event()
    original = MainWindow._register_with_due
    calls = []

    def first_held(self):
        calls.append(1)
        found = original(self)
        if len(calls) == 1:  # the first read: made now, handed over last
            first_read.set()
            release_first.wait(60)
        return found

    with lead.read() as session:
        maple = find_by_urn(session, "SC700101").id
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MainWindow, "_register_with_due", first_held)
        window = open_window(qtbot, workspace, hub, tmp_path)
        first = window.due_task
        assert first_read.wait(60)
        qa.issue_embargo(lead, maple, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER, reason="Failed",
                         start_on=TODAY, approved_by="Sam Director")
        window.reload()  # as for a change too large to list (not heard provider by provider)
        assert window.due_task is not first
        qtbot.waitUntil(lambda: worked_out(window), timeout=60000)
        release_first.set()
        qtbot.waitUntil(lambda: not first.running, timeout=60000)
    (row,) = window.model.rows_with([maple])
    assert row.sanctions == ("Embargo on provider/agency",)  # the later read's, not the first's
    assert {r.id: r.due for r in window.model.rows if r.due} == dict(workspace.register.context().due)
    assert window.proxy.headerData(2, Qt.Orientation.Horizontal) == "Next due (Figures 1, 2)"
