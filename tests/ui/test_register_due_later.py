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
from qa_desktop.ui.background import BackgroundTask
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.provider_table import DueState
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
    """The latest read of what is due has ended and been shown (its task is then released)."""
    return (window.due_task is None and window.model.due_state is DueState.KNOWN
            and "working out" not in window.count.text())


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
    thread = window.due_task._thread  # still running: its end is heard through the event loop
    window.close()
    assert thread.isFinished()  # the workspace may be closed now: nothing reads it


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


def test_what_is_due_that_could_not_be_worked_out_is_said_so(qtbot, due_later, workspace, hub, tmp_path, messages):
    """The background read failed: the "Next due" header and the status bar say that it could not be
    worked out (blanks and no overdue count would read as nothing due); a later reload that works
    says what is due again."""
    def fails(self):
        raise RuntimeError("the store could not be read")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MainWindow, "_register_with_due", fails)
        window = open_window(qtbot, workspace, hub, tmp_path)
        qtbot.waitUntil(lambda: window.due_task is None, timeout=60000)
    header = window.proxy.headerData(2, Qt.Orientation.Horizontal)
    assert header == "Next due: not known"
    tip = window.proxy.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "the store could not be read" in tip and "does not mean nothing is due" in tip
    assert window.count.text() == "13 providers; could not work out what is due"
    assert [kind for kind, title, _ in messages] == ["warning"] and "not shown" in messages[0][1]
    window.search.setText("Harbour")
    window.refresh()
    assert window.count.text() == "1 provider; could not work out what is due"  # not "1 provider" alone
    window.search.clear()
    window.reload()
    qtbot.waitUntil(lambda: worked_out(window), timeout=60000)
    assert window.proxy.headerData(2, Qt.Orientation.Horizontal) == "Next due (Figures 1, 2)"
    assert window.proxy.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) != tip
    assert window.count.text().startswith("13 providers") and "worked out" not in window.count.text()


def test_each_reload_releases_its_background_task_when_done(qtbot, due_later, workspace, hub, tmp_path, messages):
    """A reload (a sync, an import) makes a task to work out what is due: once it has ended, worked
    out or failed, it is released rather than kept as a child of the window all day."""
    window = open_window(qtbot, workspace, hub, tmp_path)
    for _ in range(3):
        window.reload()
    qtbot.waitUntil(lambda: worked_out(window), timeout=60000)
    qtbot.waitUntil(lambda: not window.findChildren(BackgroundTask), timeout=60000)
    assert window._due_tasks == []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MainWindow, "_register_with_due", lambda self: 1 / 0)
        window.reload()
        assert len(window.findChildren(BackgroundTask)) == 1
        qtbot.waitUntil(lambda: window.due_task is None, timeout=60000)
    qtbot.waitUntil(lambda: not window.findChildren(BackgroundTask), timeout=60000)
    assert window.model.due_state is DueState.NOT_WORKED_OUT
