"""The window's first paint from the register's first look (issue 22's cold start): the store is
not opened before it (the rows, ratings, sanctions and the user come from plain SQL), it is opened
after it in the background with the read of what is due, and a change made meanwhile by another
program is heard once it is open. (The register size from which this happens is lowered to every
register here.)"""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QSettings, Qt

from qa_desktop.domain.oversight import EmbargoKind, EmbargoScope
from qa_desktop.domain.roles import Role
from qa_desktop.services import oversight as qa
from qa_desktop.services.demo import load_demo
from qa_desktop.services.register import find_by_urn, register_context, search_providers
from qa_desktop.ui import column_fit, main_window
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.provider_table import DueState
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.register import RowsOnDemand
from tests.conftest import TODAY


@pytest.fixture(autouse=True)
def collector_as_it_was():
    """A window's first paint freezes what start-up made (``Workspace.started``): undone after each
    test, so that no later test finds objects frozen (``gc.get_freeze_count``) or the collector paused."""
    yield
    gc.unfreeze()
    gc.enable()


@pytest.fixture
def register(monkeypatch, lead):
    load_demo(lead, today=TODAY)
    monkeypatch.setattr(main_window, "DUE_IN_BACKGROUND_FROM", 0)
    return lead


def test_the_first_paint_comes_before_the_store_is_opened(qtbot, register, tmp_path):
    lead = register
    with lead.read() as session:
        maple = find_by_urn(session, "SC700101").id
    workspace = Workspace.open_for_window(lead.data_dir, actor="Alex Patel", key=lead.key, role=Role.QA_LEAD)
    assert workspace.first_look is not None and not workspace.is_open
    hub = ChangeHub(workspace, poll_ms=0)
    window = MainWindow(workspace, hub, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert not workspace.is_open  # the window was made from the first look alone
    assert window.proxy.rowCount() == 13
    assert window.count.text() == "13 providers; working out what is due…"
    assert window.proxy.headerData(2, Qt.Orientation.Horizontal) == "Next due: working out…"
    harbour = next(row for row in window.model.rows if row.name == "Harbour View")
    assert harbour.sanctions == ("Poor judgement/restriction",)
    assert window.who.text() == "Alex Patel (QA lead)"
    assert window.sync.label.text() == "Sync status: reading…"  # not "all your work is shared": not read yet
    assert hub.catch_up().records == {}  # nothing to tell, and the store is not opened by asking

    # another program changes a provider after the first look, before this one's store is opened
    qa.issue_embargo(lead, maple, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER, reason="Failed",
                     start_on=TODAY, approved_by="Sam Director")
    window.show()
    qtbot.waitUntil(lambda: window.model.due_state is DueState.KNOWN, timeout=60000)
    assert workspace.is_open
    assert maple in hub.catch_up().providers  # heard: the change signal starts where the first look read
    (row,) = window.model.rows_with([maple])
    assert row.sanctions == ("Embargo on provider/agency",)
    assert {r.id: r.due for r in window.model.rows if r.due} == dict(workspace.register.context().due)
    assert window.count.text().startswith("13 providers") and "working out" not in window.count.text()
    assert window.sync.label.text().startswith("Last synced:")
    window.close()
    hub.close()
    workspace.close()


def test_a_folder_without_a_first_look_is_opened_at_once(tmp_path):
    workspace = Workspace.open_for_window(tmp_path / "new")  # a first start: the store is made now
    try:
        assert workspace.first_look is None and workspace.is_open
        assert workspace.register.search() == []
    finally:
        workspace.close()


def test_a_small_register_from_the_first_look_reads_the_sync_status(qtbot, lead, tmp_path):
    """A register under ``DUE_IN_BACKGROUND_FROM`` shown from a first-look workspace opens the store at
    once (what is due is worked out there and then): the sync status (changes waiting, conflicts to
    resolve) is read then too, not left at "reading…" until some change or sync comes."""
    load_demo(lead, today=TODAY)
    workspace = Workspace.open_for_window(lead.data_dir, actor="Alex Patel", key=lead.key, role=Role.QA_LEAD)
    assert workspace.first_look is not None and not workspace.is_open
    hub = ChangeHub(workspace, poll_ms=0)
    window = MainWindow(workspace, hub, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    try:
        assert workspace.is_open  # 13 providers: what is due was worked out as the window was made
        assert window.model.due_state is DueState.KNOWN
        assert window.sync.state is not None
        assert window.sync.label.text().startswith("Last synced:")
    finally:
        window.close()
        hub.close()
        workspace.close()


def test_the_first_looks_rows_are_made_as_read_and_the_rest_after_the_paint(qtbot, register, tmp_path, monkeypatch):
    """Shown from the first look, the register's rows are made when read (the first paint reads a
    screenful); the filters' lists, the count and a search typed at once are as before; the rest of
    the rows are made after the first paint, a share at a time, so no key typed waits for them."""
    lead = register
    monkeypatch.setattr(main_window, "ROWS_MADE_AT_A_TIME", 5)
    monkeypatch.setattr(column_fit, "SAMPLE", 2)  # the columns fitted to two rows: 13 are a screenful
    monkeypatch.setattr(MainWindow, "_work_out_due", lambda self: None)  # the first look's rows stay shown
    workspace = Workspace.open_for_window(lead.data_dir, actor="Alex Patel", key=lead.key, role=Role.QA_LEAD)
    hub = ChangeHub(workspace, poll_ms=0)
    window = MainWindow(workspace, hub, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    rows = window.model.rows
    assert isinstance(rows, RowsOnDemand) and not rows.all_made  # none made for the count or the filters
    with lead.read() as session:
        expected = search_providers(session, context=register_context(session, TODAY, due=False), today=TODAY)
    assert window.count.text() == "13 providers; working out what is due…"
    authorities = sorted({r.local_authority for r in expected if r.local_authority}, key=str.casefold)
    combo = window.local_authority_filter
    assert [combo.itemData(i) for i in range(1, combo.count())] == authorities
    assert [window.proxy.index(n, 0).data() for n in range(13)] == [r.name for r in expected]
    window.show()
    qtbot.waitUntil(lambda: rows.all_made, timeout=10000)  # after the paint, five at a time
    assert window.model.rows is rows and list(rows) == expected
    window.search.setText("harbour")
    window.refresh()
    assert window.proxy.rowCount() == 1 and window.proxy.index(0, 0).data() == "Harbour View"
    window.close()
    hub.close()
    workspace.close()


def test_a_change_to_the_first_looks_rows_is_taken_in_place(qtbot, register, tmp_path, monkeypatch):
    """A provider changed before what is due is worked out: its row replaced in the rows made when
    read (copied into the model's own list), the others kept."""
    lead = register
    monkeypatch.setattr(MainWindow, "_work_out_due", lambda self: None)
    workspace = Workspace.open_for_window(lead.data_dir, actor="Alex Patel", key=lead.key, role=Role.QA_LEAD)
    hub = ChangeHub(workspace, poll_ms=0)
    window = MainWindow(workspace, hub, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    with lead.read() as session:
        maple = find_by_urn(session, "SC700101").id
    qa.issue_embargo(lead, maple, kind=EmbargoKind.FORMAL, scope=EmbargoScope.PROVIDER, reason="Failed",
                     start_on=TODAY, approved_by="Sam Director")
    window.update_providers({maple})
    (row,) = window.model.rows_with([maple])
    assert row.sanctions == ("Embargo on provider/agency",)
    assert window.proxy.rowCount() == 13 and len(window.model.rows) == 13
    window.close()
    hub.close()
    workspace.close()


def test_the_collector_is_paused_from_the_first_look_to_the_first_paint(qtbot, register, tmp_path):
    """Start-up's objects are not walked again and again by the cyclic collector: paused by the
    first look, it runs again at the window's first paint (what start-up made frozen out of its
    sight), or when the store is opened or closed first; without a first look it is never paused."""
    lead = register
    assert gc.isenabled()
    workspace = Workspace.open_for_window(lead.data_dir, actor="Alex Patel", key=lead.key, role=Role.QA_LEAD)
    try:
        assert not gc.isenabled()
        hub = ChangeHub(workspace, poll_ms=0)
        window = MainWindow(workspace, hub, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        assert not gc.isenabled()
        window.show()
        qtbot.waitUntil(gc.isenabled, timeout=10000)  # at the first paint
        qtbot.waitUntil(lambda: window.model.due_state is DueState.KNOWN, timeout=60000)
        window.close()
        hub.close()
    finally:
        workspace.close()
        gc.enable()
    assert gc.isenabled()
    for ending in (lambda w: w.close(), lambda w: w.register.context(due=False)):  # no window: closed, or opened
        workspace = Workspace.open_for_window(lead.data_dir, actor="Alex Patel", key=lead.key, role=Role.QA_LEAD)
        try:
            assert not gc.isenabled()
            ending(workspace)
            assert gc.isenabled()
        finally:
            workspace.close()
            gc.enable()
    workspace = Workspace.open_for_window(tmp_path / "new")  # no first look: opened at once, never paused
    try:
        assert workspace.first_look is None and gc.isenabled()
    finally:
        workspace.close()
