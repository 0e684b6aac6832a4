"""The Tracker window with real widgets: the figures and their charts for the year chosen, a meeting
recorded from the keyboard (and a refusal that keeps what was typed), funding feedback, a Young
Inspector added, alerts that count, and every tab kept up to date by the change signal."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from qa_desktop.domain.oversight import AlertKind, CaseSource
from qa_desktop.domain.partnership import MeetingKind
from qa_desktop.domain.regulation import Regulator
from qa_desktop.domain.reporting_year import ReportingYear, YearKind
from qa_desktop.services.demo import load_demo
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.tracker_window import TrackerWindow
from tests.conftest import TODAY


@pytest.fixture
def demo(store):
    load_demo(store, today=TODAY)  # SC700104 has one of our placements, from yesterday
    return store


@pytest.fixture
def window(qtbot, demo, workspace, hub) -> TrackerWindow:
    made = TrackerWindow(workspace, hub)
    qtbot.addWidget(made)
    made.show()
    return made


def cell(window: TrackerWindow, view_name: str, label: str, column: int) -> str:
    view = getattr(window, view_name)
    model = view.model()
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == label:
            return model.index(row, column).data()
    raise AssertionError(f"{label!r} not in {view_name}")


def test_the_figures_and_charts_follow_the_year_chosen(window, workspace, hub):
    willow = workspace.register.resolve("SC700104")
    for day in (dt.date(2026, 2, 3), dt.date(2026, 5, 6), dt.date(2025, 7, 8)):
        workspace.oversight.log_case(willow, source=CaseSource.POLICE, category="Missing from care",
                                     summary="Missing overnight", opened_on=day)
    workspace.oversight.log_alert(willow, regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION,
                                  summary="No new admissions", received_on=TODAY)
    hub.catch_up()
    assert cell(window, "headline_view", "QA cases dealt with", 1) == "2"
    assert cell(window, "headline_view", "QA cases dealt with", 2) == "1"
    assert cell(window, "headline_view", "QA cases dealt with", 3) == "+1 (+100%)"
    assert cell(window, "headline_view", "Alerts affecting children we have placed", 1) == "1"
    assert window.headline_view.model().headerData(1, Qt.Orientation.Horizontal) == "2026 to 22 Nov"
    assert "both counted to the same day" in window.figures_note.text()
    charts = {chart.accessibleName(): chart.accessibleDescription() for chart in window.charts}
    described = window.headline_chart.accessibleDescription()
    assert "QA cases dealt with: 2 in 2026 to 22 Nov, 1 in 2025 to 22 Nov" in described
    assert "Police: 2 in 2026 to 22 Nov, 1 in 2025 to 22 Nov" in charts["QA cases by source"]

    # the breakdown chosen, then a whole past year, then a financial year
    window.breakdown.setCurrentIndex(window.breakdown.findData("cases_by_category"))
    assert cell(window, "breakdown_view", "Missing from care", 1) == "2"
    window.year.setCurrentIndex(1)
    assert window.chosen_year() == ReportingYear(YearKind.CALENDAR, 2025)
    assert cell(window, "breakdown_view", "Missing from care", 1) == "1"  # the breakdown chosen stays chosen
    assert window.headline_view.model().headerData(2, Qt.Orientation.Horizontal) == "2024"
    window.year_kind.setCurrentIndex(window.year_kind.findData(YearKind.FINANCIAL))
    assert window.chosen_year() == ReportingYear(YearKind.FINANCIAL, 2025)  # the year before this one, still
    assert [cell(window, "headline_view", "QA cases dealt with", n) for n in (1, 2)] == ["2", "0"]
    window.year.setCurrentIndex(0)
    assert window.headline_view.model().headerData(1, Qt.Orientation.Horizontal) == "2026-27 to 22 Nov"
    assert cell(window, "headline_view", "QA cases dealt with", 1) == "1"  # 1 April to 22 November 2026


def test_a_meeting_is_recorded_from_the_keyboard_and_a_refusal_keeps_what_was_typed(qtbot, window, workspace):
    window.tabs.setCurrentIndex(TrackerWindow.MEETINGS)
    dialog = window.record_meeting()
    widgets = dialog.widgets
    widgets["kind"].setCurrentIndex(widgets["kind"].findData(MeetingKind.LADO))
    qtbot.keyClicks(widgets["title"], "LADO case review")
    qtbot.keyClicks(widgets["attendees"], "Alex Patel, Sam Reed, alex patel")
    qtbot.keyClicks(widgets["reference"], "LADO-2026-7")
    qtbot.keyClicks(widgets["notes"], "Two allegations reviewed")
    provider = widgets["provider"]
    qtbot.keyClicks(provider, "Maple")
    qtbot.keyClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.Key.Key_Space)
    assert dialog.isVisible() and "named twice" in dialog.error.text()
    assert widgets["notes"].toPlainText() == "Two allegations reviewed"  # nothing typed is lost
    widgets["attendees"].setText("Alex Patel, Sam Reed")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible()
    assert window.meetings_model.rowCount() == 1  # drawn from the change signal
    window.meetings_view.setCurrentIndex(window.meetings_view.model().index(0, 0))
    assert "LADO-2026-7; Maple Lodge" in window.meeting_detail.text()
    assert "LADO (4-weekly): last 22 Nov 2026, next 20 Dec 2026" in window.regular.text()

    action = window.add_meeting_action()
    qtbot.keyClicks(action.widgets["text"], "Send the rota")
    qtbot.keyClicks(action.widgets["provider"], "Maple Lodge")
    action.buttons.button(action.buttons.StandardButton.Ok).click()
    assert "concern level" in action.error.text()
    level: QComboBox = action.widgets["level"]
    level.setCurrentIndex(level.findText("HIGH"))
    action.buttons.button(action.buttons.StandardButton.Ok).click()
    assert not action.isVisible()
    assert window.meeting_actions_model.rowCount() == 1
    assert window.meeting_actions_model.row_at(0).due_at is not None


def test_funding_feedback_a_young_inspector_and_the_alerts_that_count(qtbot, window, workspace, hub):
    maple = workspace.register.resolve("SC700101")
    workspace.partnership.record_funding_request(reference="PFR-5", summary="Emergency bed", provider_id=maple)
    workspace.oversight.log_alert(workspace.register.resolve("SC700104"), regulator=Regulator.OFSTED,
                                  kind=AlertKind.SUSPENSION, summary="Suspended", received_on=TODAY)
    workspace.oversight.log_alert(maple, regulator=Regulator.OFSTED, kind=AlertKind.RESTRICTION, summary="Restricted",
                                  received_on=TODAY)
    hub.catch_up()
    window.tabs.setCurrentIndex(TrackerWindow.FUNDING)
    assert "1 awaiting QA's feedback" in window.funding_count.text()
    window.funding_view.setCurrentIndex(window.funding_view.model().index(0, 0))
    feedback = window.give_funding_feedback()
    qtbot.keyClicks(feedback.widgets["feedback"], "Known provider; rating LOW")
    feedback.buttons.button(feedback.buttons.StandardButton.Ok).click()
    assert "0 awaiting" in window.funding_count.text()

    window.tabs.setCurrentIndex(TrackerWindow.YOUNG_INSPECTORS)
    add = window.add_young_inspector()
    qtbot.keyClicks(add.widgets["name"], "YI-05")
    add.buttons.button(add.buttons.StandardButton.Ok).click()
    assert window.roster_model.row_at(0).name == "YI-05"
    assert {d.due.kind.value for d in window.programme_due_model.rows} == {"dbs", "training"}

    window.tabs.setCurrentIndex(TrackerWindow.ALERTS)
    assert "1 of 4" in window.alert_count.text()  # with the two the demo file's poor judgements raised
    window.alerts_affecting.setChecked(True)
    assert [a.provider for a in window.alerts_model.rows] == ["Willow House"]
    assert window.alerts_model.index(0, 5).data() == "Yes: PL-2041"


def test_a_hidden_window_catches_up_when_shown_and_the_main_window_opens_it(qtbot, demo, workspace, hub):
    main = MainWindow(workspace, hub)
    qtbot.addWidget(main)
    tracker = main.show_tracker(TrackerWindow.MEETINGS)
    assert tracker.tabs.currentIndex() == TrackerWindow.MEETINGS and tracker.meetings_model.rowCount() == 0
    tracker.hide()
    workspace.partnership.record_meeting(MeetingKind.CCRAG, attendees=["Alex Patel"])  # e.g. from another laptop
    hub.catch_up()
    assert tracker.meetings_model.rowCount() == 0 and tracker._stale  # remembered, not read while hidden
    assert main.show_tracker(TrackerWindow.MEETINGS) is tracker
    assert tracker.meetings_model.rowCount() == 1
    main.close()


def test_large_text_grows_the_charts_instead_of_clipping_them(qtbot, window):
    normal = window.headline_chart.sizeHint().height()
    app = QApplication.instance()
    font = app.font()
    bigger = type(font)(font)
    bigger.setPointSizeF(font.pointSizeF() * 1.5)
    app.setFont(bigger)
    try:
        window.headline_chart.setFont(bigger)
        window.resize(1280, 720)
        window.refresh()
        assert window.headline_chart.sizeHint().height() > normal * 1.3  # rows as tall as the text needs
        assert window.headline_chart.minimumHeight() == window.headline_chart.sizeHint().height()
    finally:
        app.setFont(font)


def test_the_annual_report_is_made_in_the_background_from_the_figures_tab(qtbot, window, tmp_path, messages):
    from pypdf import PdfReader

    window.year.setCurrentIndex(1)  # 2025
    task = window.annual_report(str(tmp_path / "committee"))
    with qtbot.waitSignal(task.finished, timeout=60000):
        pass
    assert messages and messages[-1][1] == "Annual report made"
    text = " ".join(PdfReader(tmp_path / "committee.pdf").pages[0].extract_text().split())
    assert "annual figures 2025 For the Children" in text and "1 January 2025 to 31 December 2025" in text


def test_a_list_is_exported_as_it_is_shown_and_everything_to_one_workbook(qtbot, window, workspace, hub, tmp_path,
                                                                           messages):
    from openpyxl import load_workbook

    for kind, day in ((MeetingKind.LADO, dt.date(2026, 3, 1)), (MeetingKind.CCRAG, dt.date(2026, 4, 1)),
                      (MeetingKind.LADO, dt.date(2026, 6, 1))):
        workspace.partnership.record_meeting(kind, attendees=["Alex Patel"], held_on=day)
    hub.catch_up()
    window.tabs.setCurrentIndex(TrackerWindow.MEETINGS)
    window.meeting_kind.setCurrentIndex(window.meeting_kind.findData(MeetingKind.LADO))
    window.meetings_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # oldest first, as clicked on screen
    task = window.export_list(window.meetings_model, "Meetings", str(tmp_path / "lado"))
    with qtbot.waitSignal(task.finished, timeout=60000):
        pass
    rows = list(load_workbook(tmp_path / "lado.xlsx")["Meetings"].iter_rows(values_only=True))
    assert [(r[0], r[1]) for r in rows[1:]] == [(dt.datetime(2026, 3, 1), "LADO (4-weekly)"),
                                                (dt.datetime(2026, 6, 1), "LADO (4-weekly)")]
    assert messages[-1][1] == "Exported"

    task = window.export_workbook(str(tmp_path / "everything.xlsx"))
    with qtbot.waitSignal(task.finished, timeout=120000):
        pass
    book = load_workbook(tmp_path / "everything.xlsx")
    assert book["Meetings"].max_row == 4 and "Register" in book.sheetnames
    assert messages[-1][1] == "Workbook saved"
