"""Open screens follow the council's framework figures at once (issue 20, point 4): the QA lead sets a
3-monthly visit cycle for children's homes (here from another program on the same data folder, as a
sync or ``qa-desktop framework --set`` would), and the open register's "Next due" and the provider's
page change when the window next looks, without a restart."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings

from qa_desktop.domain.framework import MEDWAY
from qa_desktop.domain.schedule import DueKind
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services.demo import load_demo
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.provider_table import due_words
from qa_desktop.workspace import Workspace
from tests.conftest import TODAY


@pytest.fixture
def window(qtbot, store, workspace, hub, tmp_path):
    load_demo(store, today=TODAY)
    shown = MainWindow(workspace, hub, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(shown)
    shown.show()
    return shown


def three_monthly_homes() -> dict:
    figures = MEDWAY.to_dict()
    figures["name"] = "Our QA framework 2027"
    figures["figure_2_visit_months"][ServiceType.RESIDENTIAL.value] = 3
    return figures


def next_due_cell(window, provider_id):
    column = [c.header for c in window.model.columns].index("Next due (Figures 1, 2)")
    row = next(r for r in range(window.model.rowCount()) if window.model.rows[r].id == provider_id)
    return window.model.index(row, column).data()


def test_the_open_register_and_provider_page_show_the_new_cycle_at_once(qtbot, window, workspace, lead):
    # a children's home visited more than 3 months ago, not yet due by Medway's 3-year cycle
    home = next(i for i in workspace.register.due(include_scheduled=True, everyone=True)
                if i.service_type is ServiceType.RESIDENTIAL and i.due.kind is DueKind.VISIT
                and i.due.due_on is not None and i.due.due_on > TODAY + dt.timedelta(days=400)
                and "last QA visit" in i.due.reason)
    window.hub.catch_up()  # the demo's own records heard first: from here only the settings change
    before = next_due_cell(window, home.provider_id)
    window.search.setText(home.provider_name)
    qtbot.waitUntil(lambda: window.proxy.rowCount() >= 1)
    window.table.setCurrentIndex(window.proxy.index(0, 0))
    qtbot.waitUntil(lambda: window.panel.overview is not None and window.panel.overview.id == home.provider_id)
    page_before = [(i.due.kind, i.due.due_on) for i in window.panel.due_model.rows]

    Workspace(lead).council.set_framework(three_monthly_homes())  # the QA lead, another program
    window.hub.catch_up()  # what the hub's timer does
    qtbot.waitUntil(lambda: next_due_cell(window, home.provider_id) != before)

    expected = workspace.register.context(provider_ids={home.provider_id}).due[home.provider_id]
    assert next_due_cell(window, home.provider_id) == due_words(expected)
    assert next_due_cell(window, home.provider_id).startswith("Overdue: QA visit")
    qtbot.waitUntil(lambda: [(i.due.kind, i.due.due_on) for i in window.panel.due_model.rows] != page_before)
    visit = next(i for i in window.panel.due_model.rows
                 if i.due.kind is DueKind.VISIT and i.setting_id == home.setting_id)
    assert "3 monthly" in visit.due.reason and visit.due.due_on < TODAY
