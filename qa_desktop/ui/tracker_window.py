"""The Tracker window (issue 19): the annual figures with their charts, the meeting log, funding
requests, unregistered providers, the planning list and intelligence, the Young Inspectors
programme and the alerts that count. The same workspace services as ``qa-desktop figures``,
``meetings``, ``funding-requests``, ``unregistered``, ``planning``, ``intelligence`` and
``young-inspectors``.

Every tab hears changes through the ``ChangeHub`` (a meeting recorded here, a case logged on the
provider page, a sync, another program on the same data folder) and redraws when a table it reads
changed; while the window is hidden it only remembers that it must. Answers typed on a visit
(``FILLING_IN``) redraw nothing here. Forms are ``tracker_forms.FieldsDialog``: a refusal is said
in the form, which keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.partnership import FundingRecommendation, MeetingKind
from qa_desktop.domain.reporting_year import ReportingYear, YearKind
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.unregistered import ApplicationStage, IntelligenceSource, PlanningDecision
from qa_desktop.domain.young_inspector_programme import DebriefBy
from qa_desktop.ui.background import BackgroundTask
from qa_desktop.ui.bar_chart import BarChart, ChartRow
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.rows_model import ID_ROLE, Column, RowsModel, selected_row, table_view
from qa_desktop.ui.tracker_forms import Field, FieldsDialog, enum_choices
from qa_desktop.workspace import FILLING_IN, USER, OpChanges, Workspace
from qa_desktop.workspace.partnership import FundingRequestLine, MeetingActionLine, MeetingLine
from qa_desktop.workspace.tracker import AlertLine, AnnualFigures, Count, LevelActions
from qa_desktop.workspace.unregistered import ApplicationLine, IntelligenceLine, NotificationLine, PlanningLine
from qa_desktop.workspace.young_inspectors import InspectorLine, JoinedVisit, ProgrammeDue

YEARS_SHOWN = 7  # this year and the six before it


def _day(value: dt.date | None) -> str:
    return f"{value:%d %b %Y}" if value else ""


def _moment(value: dt.datetime | None) -> str:
    return f"{value.astimezone():%d %b %Y %H:%M}" if value else ""


# -- the columns of each list ----------------------------------------------------------------------------

def count_columns(current: str, previous: str) -> tuple[Column[Count], ...]:
    return (Column[Count]("Figure", lambda c: c.label),
            Column[Count](current, lambda c: str(c.current), sort=lambda c: c.current),
            Column[Count](previous, lambda c: str(c.previous), sort=lambda c: c.previous),
            Column[Count]("Change", lambda c: c.change_words, sort=lambda c: c.change))


LEVEL_COLUMNS = (
    Column[LevelActions]("Figure 8 level", lambda a: a.level.label),
    Column[LevelActions]("Raised", lambda a: str(a.raised), sort=lambda a: a.raised),
    Column[LevelActions]("Completed", lambda a: str(a.completed), sort=lambda a: a.completed),
    Column[LevelActions]("On time", lambda a: str(a.on_time), sort=lambda a: a.on_time),
    Column[LevelActions]("% on time", lambda a: f"{a.on_time_share:.0%}" if a.on_time_share is not None else "",
                         sort=lambda a: a.on_time_share if a.on_time_share is not None else -1),
    Column[LevelActions]("Open past due", lambda a: str(a.overdue), sort=lambda a: a.overdue),
)
MEETING_COLUMNS = (
    Column[MeetingLine]("Held", lambda m: _day(m.held_on), sort=lambda m: m.held_on),
    Column[MeetingLine]("Kind", lambda m: m.kind.label),
    Column[MeetingLine]("Title", lambda m: m.title or ""),
    Column[MeetingLine]("Attendees", lambda m: ", ".join(m.attendees)),
    Column[MeetingLine]("Discussed", lambda m: m.discussed),
    Column[MeetingLine]("Open actions", lambda m: str(m.open_actions), sort=lambda m: m.open_actions),
)
MEETING_ACTION_COLUMNS = (
    Column[MeetingActionLine]("Due", lambda a: _moment(a.due_at) + (" (extended)" if a.extended else ""),
                              sort=lambda a: a.due_at),
    Column[MeetingActionLine]("For", lambda a: a.provider or a.owner or ""),
    Column[MeetingActionLine]("Level", lambda a: a.level.label if a.level else ""),
    Column[MeetingActionLine]("Action", lambda a: a.text),
    Column[MeetingActionLine]("Completed", lambda a: _moment(a.completed_at), sort=lambda a: a.completed_at),
)
FUNDING_COLUMNS = (
    Column[FundingRequestLine]("Received", lambda r: _day(r.received_on), sort=lambda r: r.received_on),
    Column[FundingRequestLine]("Reference", lambda r: r.reference),
    Column[FundingRequestLine]("Provider", lambda r: r.provider),
    Column[FundingRequestLine]("Request", lambda r: r.summary),
    Column[FundingRequestLine]("Requested by", lambda r: r.requested_by or ""),
    Column[FundingRequestLine]("QA's view", lambda r: r.recommendation.label if r.recommendation else "Awaiting"),
    Column[FundingRequestLine]("Feedback", lambda r: r.feedback or ""),
    Column[FundingRequestLine]("Fed back", lambda r: _day(r.feedback_on), sort=lambda r: r.feedback_on),
)
NOTIFICATION_COLUMNS = (
    Column[NotificationLine]("Notified", lambda n: _day(n.notified_on), sort=lambda n: n.notified_on),
    Column[NotificationLine]("Provider", lambda n: n.provider),
    Column[NotificationLine]("Property", lambda n: n.setting or ""),
    Column[NotificationLine]("Placement", lambda n: n.placement_reference or ""),
    Column[NotificationLine]("Ofsted ref.", lambda n: n.ofsted_reference or ""),
    Column[NotificationLine]("Updates", lambda n: str(len(n.updates)), sort=lambda n: len(n.updates)),
    Column[NotificationLine]("Last told", lambda n: _day(n.last_update), sort=lambda n: n.last_update),
    Column[NotificationLine]("Ended", lambda n: _day(n.placement_ended_on), sort=lambda n: n.placement_ended_on),
    Column[NotificationLine]("Summary", lambda n: n.summary),
)
APPLICATION_COLUMNS = (
    Column[ApplicationLine]("Provider", lambda a: a.provider),
    Column[ApplicationLine]("Stage", lambda a: a.stage.label),
    Column[ApplicationLine]("Support began", lambda a: _day(a.support_began_on), sort=lambda a: a.support_began_on),
    Column[ApplicationLine]("Submitted", lambda a: _day(a.submitted_on), sort=lambda a: a.submitted_on),
    Column[ApplicationLine]("Ended", lambda a: _day(a.ended_on), sort=lambda a: a.ended_on),
    Column[ApplicationLine]("URN", lambda a: a.urn or ""),
)
PLANNING_COLUMNS = (
    Column[PlanningLine]("Listed", lambda a: _day(a.listed_on), sort=lambda a: a.listed_on),
    Column[PlanningLine]("Reference", lambda a: a.reference),
    Column[PlanningLine]("Address", lambda a: a.address),
    Column[PlanningLine]("Postcode", lambda a: a.postcode or ""),
    Column[PlanningLine]("Use", lambda a: a.change_of_use),
    Column[PlanningLine]("Decision", lambda a: a.decision.label),
    Column[PlanningLine]("Feedback sent", lambda a: _day(a.feedback_sent_on) or "Awaiting",
                         sort=lambda a: a.feedback_sent_on),
    Column[PlanningLine]("Provider", lambda a: a.provider),
    Column[PlanningLine]("Intelligence", lambda a: str(a.intelligence or ""), sort=lambda a: a.intelligence),
)
INTELLIGENCE_COLUMNS = (
    Column[IntelligenceLine]("Received", lambda i: _day(i.received_on), sort=lambda i: i.received_on),
    Column[IntelligenceLine]("Source", lambda i: i.source.label),
    Column[IntelligenceLine]("Address", lambda i: i.address),
    Column[IntelligenceLine]("Postcode", lambda i: i.postcode or ""),
    Column[IntelligenceLine]("Provider", lambda i: i.provider),
    Column[IntelligenceLine]("What was shared", lambda i: i.summary),
    Column[IntelligenceLine]("Responded", lambda i: _day(i.responded_on), sort=lambda i: i.responded_on),
)
ROSTER_COLUMNS = (
    Column[InspectorLine]("Young Inspector", lambda y: y.name),
    Column[InspectorLine]("Joined", lambda y: _day(y.joined_on), sort=lambda y: y.joined_on),
    Column[InspectorLine]("Trained", lambda y: _day(y.trained_on), sort=lambda y: y.trained_on),
    Column[InspectorLine]("DBS checked", lambda y: _day(y.dbs_checked_on), sort=lambda y: y.dbs_checked_on),
    Column[InspectorLine]("Visits", lambda y: str(y.visits), sort=lambda y: y.visits),
    Column[InspectorLine]("Incentives", lambda y: str(y.incentives), sort=lambda y: y.incentives),
    Column[InspectorLine]("Status", lambda y: "Active" if y.active else f"Opted out {_day(y.opted_out_on)}"),
)
DUE_COLUMNS = (
    Column[ProgrammeDue]("Due", lambda d: _day(d.due.due_on) + (" (overdue)" if d.due.overdue else ""),
                         sort=lambda d: d.due.due_on),
    Column[ProgrammeDue]("Young Inspector", lambda d: d.name),
    Column[ProgrammeDue]("What", lambda d: d.due.words),
)
JOINED_COLUMNS = (
    Column[JoinedVisit]("Visit", lambda j: _day(j.visit_date), sort=lambda j: j.visit_date),
    Column[JoinedVisit]("Young Inspector", lambda j: j.name),
    Column[JoinedVisit]("Provider", lambda j: j.provider),
    Column[JoinedVisit]("Setting", lambda j: j.setting),
    Column[JoinedVisit]("Briefed", lambda j: _day(j.briefed_on), sort=lambda j: j.briefed_on),
    Column[JoinedVisit]("Debriefed", lambda j: _day(j.debriefed_on) + (f" ({j.debrief_by.label})"
                                                                      if j.debrief_by else ""),
                        sort=lambda j: j.debriefed_on),
    Column[JoinedVisit]("Opted out", lambda j: "Yes" if j.opted_out else ""),
    Column[JoinedVisit]("Feedback to provider", lambda j: str(j.feedback or ""), sort=lambda j: j.feedback),
)
ALERT_COLUMNS = (
    Column[AlertLine]("Received", lambda a: _day(a.received_on), sort=lambda a: a.received_on),
    Column[AlertLine]("Provider", lambda a: a.provider),
    Column[AlertLine]("URN", lambda a: a.urn),
    Column[AlertLine]("Alert", lambda a: f"{a.regulator.label}: {a.kind.label}"),
    Column[AlertLine]("Closed", lambda a: _day(a.closed_on), sort=lambda a: a.closed_on),
    Column[AlertLine]("Affects our children", lambda a: ("Yes: " + ", ".join(a.placements))
                      if a.affects_our_children else "No", sort=lambda a: not a.affects_our_children),
    Column[AlertLine]("Summary", lambda a: a.summary),
)

#: The tables each tab reads (the op log's names): a change to any of them redraws the tab.
FIGURES_TABLES = ("providers", "qa_cases", "visits", "compliance_reviews", "meetings", "regulatory_alerts",
                  "placements", "embargoes", "action_plans", "plan_actions", "visit_actions", "meeting_actions",
                  "registration_applications", "unregulated_notifications", "notification_updates",
                  "planning_applications", "address_intelligence", "funding_requests", "young_inspector_visits",
                  "young_inspector_incentives", "report_revisions")
MEETINGS_TABLES = ("meetings", "meeting_topics", "meeting_actions", "providers", "qa_cases", "settings")
FUNDING_TABLES = ("funding_requests", "providers")
UNREGISTERED_TABLES = ("unregulated_notifications", "notification_updates", "registration_applications",
                       "providers", "settings")
PLANNING_TABLES = ("planning_applications", "address_intelligence", "providers", "settings")
YOUNG_INSPECTOR_TABLES = ("young_inspectors", "young_inspector_visits", "young_inspector_incentives", "visits",
                          "report_revisions", "settings", "providers")
ALERT_TABLES = ("regulatory_alerts", "placements", "providers", "settings")

#: The breakdowns drawn as charts on the Figures tab, in order.
CHARTED = ("meetings_by_kind", "cases_by_source", "visits_by_level", "alerts_by_kind")


def _button(text: str, slot: Callable[[], Any], tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.clicked.connect(lambda: slot())
    if tip:
        button.setToolTip(tip)
    return button


def _bar(*widgets: QWidget, stretch_after: int | None = None) -> QHBoxLayout:
    row = QHBoxLayout()
    for n, widget in enumerate(widgets):
        row.addWidget(widget)
        if stretch_after is not None and n == stretch_after:
            row.addStretch(1)
    return row


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setContentsMargins(0, 6, 0, 2)
    return label


def _search(placeholder: str, name: str) -> QLineEdit:
    edit = QLineEdit(placeholderText=placeholder)
    edit.setClearButtonEnabled(True)
    edit.setAccessibleName(name)
    return edit


class TrackerWindow(QWidget):
    FIGURES, MEETINGS, FUNDING, UNREGISTERED, PLANNING, YOUNG_INSPECTORS, ALERTS = range(7)

    def __init__(self, workspace: Workspace, hub: ChangeHub, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.workspace = workspace
        self.task: BackgroundTask | None = None
        self._stale: set[Callable[[], None]] = set()
        self.figures: AnnualFigures | None = None
        self.setWindowTitle("QA tracker: figures, partnership work, unregistered providers, Young Inspectors")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Tracker")
        self._build_figures()
        self._build_meetings()
        self._build_funding()
        self._build_unregistered()
        self._build_planning()
        self._build_young_inspectors()
        self._build_alerts()
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.resize(1280, 760)
        self._parts: tuple[tuple[tuple[str, ...], Callable[[], None]], ...] = (
            (FIGURES_TABLES, self.refresh_figures), (MEETINGS_TABLES, self.refresh_meetings),
            (FUNDING_TABLES, self.refresh_funding), (UNREGISTERED_TABLES, self.refresh_unregistered),
            (PLANNING_TABLES, self.refresh_planning), (YOUNG_INSPECTOR_TABLES, self.refresh_young_inspectors),
            (ALERT_TABLES, self.refresh_alerts))
        self.refresh()
        hub.changed.connect(self._on_changes)

    # -- years -----------------------------------------------------------------------------------

    def _year_combo(self, name: str, *, any_year: str | None = None) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        if any_year:
            combo.addItem(any_year, None)
        return combo

    def _fill_years(self, combo: QComboBox, kind: YearKind) -> None:
        """This year of ``kind`` and the six before it (keeping the choice's position)."""
        chosen = combo.currentIndex()
        this = self.workspace.tracker.this_year(kind)
        blank = combo.count() and combo.itemData(0) is None
        combo.blockSignals(True)
        combo.clear()
        if blank:
            combo.addItem("All years", None)
        for back in range(YEARS_SHOWN):
            year = ReportingYear(kind, this.start_year - back)
            combo.addItem(year.label + (" (this year)" if back == 0 else ""), year)
        combo.setCurrentIndex(max(0, chosen))
        combo.blockSignals(False)

    # -- the figures -----------------------------------------------------------------------------

    def _build_figures(self) -> None:
        self.year_kind = QComboBox()
        self.year_kind.setAccessibleName("Calendar or financial year")
        for kind in YearKind:
            self.year_kind.addItem(kind.label, kind)
        self.year = self._year_combo("Year")
        self._fill_years(self.year, YearKind.CALENDAR)
        self.year_kind.currentIndexChanged.connect(self._year_kind_changed)
        self.year.currentIndexChanged.connect(self.refresh_figures)
        self.figures_note = QLabel()
        self.figures_note.setWordWrap(True)
        self.report_button = _button("Annual &report (PDF)…", lambda: self.annual_report(),
                                     "The committee's report of this year's figures beside the previous year's")
        self.workbook_button = _button("Export everything to &Excel…", lambda: self.export_workbook(),
                                       "One workbook: the register, settings, visits, reviews, cases, meetings, "
                                       "actions, alerts, embargoes, plans and the year's figures, a sheet each")
        year_label = QLabel("&Year:")
        year_label.setBuddy(self.year)
        top = _bar(year_label, self.year, self.year_kind, self.report_button, self.workbook_button)
        top.insertStretch(3, 1)

        self.headline_model = RowsModel(count_columns("", ""), self)
        self.headline_view = table_view(self.headline_model, "Headline figures")
        self.breakdown = QComboBox()
        self.breakdown.setAccessibleName("Breakdown")
        self.breakdown.currentIndexChanged.connect(self._show_breakdown)
        self.breakdown_model = RowsModel(count_columns("", ""), self)
        self.breakdown_view = table_view(self.breakdown_model, "Breakdown")
        self.levels_model = RowsModel(LEVEL_COLUMNS, self)
        self.levels_view = table_view(self.levels_model, "Actions by Figure 8 level")
        tables = QWidget()
        column = QVBoxLayout(tables)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(_heading("The year beside the previous year"))
        column.addWidget(self.headline_view, 3)
        shown = QLabel("&Breakdown:")
        shown.setBuddy(self.breakdown)
        column.addLayout(_bar(shown, self.breakdown,
                              _button("E&xport the figures…", lambda: self.export_list(self.breakdown_model,
                                                                                   "Figures")), stretch_after=1))
        column.addWidget(self.breakdown_view, 3)
        column.addWidget(_heading("Actions raised in the year by Figure 8 level"))
        column.addWidget(self.levels_view, 2)

        # the charts, one under the other at their own height, scrolled: a breakdown of twelve kinds of
        # meeting stays readable at 1280x720 and with large text
        self.charts = [BarChart() for _ in range(len(CHARTED))]
        self.headline_chart = BarChart()
        chart_box = QWidget()
        charts = QVBoxLayout(chart_box)
        charts.setContentsMargins(0, 0, 0, 0)
        for chart in (self.headline_chart, *self.charts):
            charts.addWidget(chart)
        charts.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(chart_box)
        scroll.setAccessibleName("Charts")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(tables)
        split.addWidget(scroll)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([660, 620])
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.figures_note)
        layout.addWidget(split, 1)
        self.tabs.addTab(page, "Annual figures")

    def _year_kind_changed(self) -> None:
        self._fill_years(self.year, YearKind(self.year_kind.currentData()))
        self.refresh_figures()

    def chosen_year(self) -> ReportingYear:
        year = self.year.currentData()
        return year if isinstance(year, ReportingYear) else self.workspace.tracker.this_year()

    def refresh_figures(self) -> None:
        figures = self.figures = self.workspace.tracker.figures(self.chosen_year())
        current, previous = figures.span.label, figures.previous_span.label
        self.figures_note.setText(
            f"{current} beside {previous}" + (": both counted to the same day, so the change compares like with like"
                                              if figures.to_date else ""))
        for model in (self.headline_model, self.breakdown_model):
            model.columns = list(count_columns(current, previous))
        self.headline_model.set_rows(figures.headline)
        self.levels_model.set_rows(figures.actions.current)
        chosen = self.breakdown.currentData()
        self.breakdown.blockSignals(True)
        self.breakdown.clear()
        for part in figures.breakdowns:
            self.breakdown.addItem(part.title, part.key)
        keys = [part.key for part in figures.breakdowns]
        self.breakdown.setCurrentIndex(keys.index(chosen) if chosen in keys else 0)
        self.breakdown.blockSignals(False)
        self._show_breakdown()
        years = (current, previous)
        headline = [c for c in figures.headline if c.label in (
            "QA cases dealt with", "Multi-agency meetings and visits attended", "Regulatory alerts reviewed",
            "Alerts affecting children we have placed", "Providers supported to register")]
        self.headline_chart.set_data("Headline figures", years,
                                     [ChartRow(c.label, c.current, c.previous) for c in headline])
        for chart, key in zip(self.charts, CHARTED, strict=True):
            part = figures.breakdown(key)
            rows = [r for r in part.rows if r.current or r.previous]
            chart.set_data(part.title, years, [ChartRow(r.label, r.current, r.previous) for r in rows])
        for view in (self.headline_view, self.levels_view):
            view.resizeColumnsToContents()

    def _show_breakdown(self) -> None:
        if self.figures is None:
            return
        key = self.breakdown.currentData()
        part = next((p for p in self.figures.breakdowns if p.key == key), None)
        if part is None:
            return
        self.breakdown_model.set_rows([*part.rows, *([part.total] if part.total else [])])
        self.breakdown_view.setToolTip(part.note)
        self.breakdown_view.resizeColumnsToContents()

    # -- meetings --------------------------------------------------------------------------------

    def _build_meetings(self) -> None:
        self.meeting_search = _search("Search kind, title, attendees, providers, actions", "Search meetings")
        self.meeting_kind = QComboBox()
        self.meeting_kind.setAccessibleName("Kind of meeting")
        self.meeting_kind.addItem("Every kind", None)
        for kind in MeetingKind:
            self.meeting_kind.addItem(kind.label, kind)
        self.meeting_year = self._year_combo("Meetings of the year", any_year="All years")
        self._fill_years(self.meeting_year, YearKind.CALENDAR)
        self.meetings_model = RowsModel(MEETING_COLUMNS, self, row_id=lambda m: m.id)
        self.meetings_view = table_view(self.meetings_model, "Meetings and joint visits")
        self.meeting_detail = QLabel()
        self.meeting_detail.setWordWrap(True)
        self.meeting_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meeting_actions_model = RowsModel(MEETING_ACTION_COLUMNS, self,
                                               flag=lambda a: "Overdue" if a.overdue else None)
        self.meeting_actions_view = table_view(self.meeting_actions_model, "Actions arising")
        self.regular = QLabel()
        self.regular.setWordWrap(True)
        self.meetings_count = QLabel()
        buttons = _bar(_button("&Record a meeting…", lambda: self.record_meeting()),
                       _button("Add a provider or &case discussed…", lambda: self.add_topic()),
                       _button("Add an &action…", lambda: self.add_meeting_action()),
                       _button("Co&mplete the action…", lambda: self.complete_meeting_action()),
                       _button("&Delete the meeting…", lambda: self.delete_meeting()),
                       _button("E&xport…", lambda: self.export_list(self.meetings_model, "Meetings")),
                       stretch_after=4)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(_bar(self.meeting_search, self.meeting_kind, self.meeting_year))
        column.addWidget(self.regular)
        column.addWidget(self.meetings_view, 3)
        column.addWidget(self.meetings_count)
        column.addWidget(self.meeting_detail)
        column.addWidget(_heading("Actions arising from the meeting (for a provider: due by Figure 8)"))
        column.addWidget(self.meeting_actions_view, 2)
        column.addLayout(buttons)
        self.tabs.addTab(page, "Meetings")
        self._meeting_timer = QTimer(self, singleShot=True, interval=150)
        self._meeting_timer.timeout.connect(self.refresh_meetings)
        self.meeting_search.textChanged.connect(self._meeting_timer.start)
        self.meeting_kind.currentIndexChanged.connect(self.refresh_meetings)
        self.meeting_year.currentIndexChanged.connect(self.refresh_meetings)
        self.meetings_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_meeting())

    def refresh_meetings(self) -> None:
        year = self.meeting_year.currentData()
        chosen = self.selected_meeting(focus=False)
        lines = self.workspace.partnership.meetings(
            span=self.workspace.tracker.span(year) if isinstance(year, ReportingYear) else None,
            kind=self.meeting_kind.currentData(), text=self.meeting_search.text())
        self.meetings_model.set_rows(lines)
        self.meetings_count.setText(f"{len(lines)} meeting{'s' if len(lines) != 1 else ''} shown")
        self.regular.setText("Regular meetings (Section 13): " + "; ".join(
            f"{r.kind.label}: last {_day(r.last_held) or 'none recorded'}, next {_day(r.next_on)}"
            + (" (OVERDUE)" if r.overdue else "") for r in self.workspace.partnership.regular_meetings()))
        self.meetings_view.resizeColumnsToContents()
        if chosen is not None:
            self._select(self.meetings_view, self.meetings_model, chosen.id)
        self._show_meeting()

    def selected_meeting(self, focus: bool = True) -> MeetingLine | None:
        index = self.meetings_view.currentIndex()
        if not index.isValid():
            if focus:
                self.meetings_view.setFocus()
            return None
        line: MeetingLine | None = selected_row(self.meetings_view, self.meetings_model)
        return line

    def _show_meeting(self) -> None:
        meeting = self.selected_meeting(focus=False)
        if meeting is None:
            self.meeting_detail.setText("Choose a meeting to see what was discussed and the actions arising.")
            self.meeting_actions_model.set_rows([])
            return
        place = f" at {meeting.setting}" if meeting.setting else ""
        self.meeting_detail.setText(
            f"<b>{meeting.kind.label}{place}, {_day(meeting.held_on)}</b>: {', '.join(meeting.attendees)}<br>"
            f"Discussed: {meeting.discussed or 'nothing recorded'}" + (f"<br>{meeting.notes}" if meeting.notes else ""))
        self.meeting_actions_model.set_rows(meeting.actions)
        self.meeting_actions_view.resizeColumnsToContents()

    def _dialog(self, title: str, fields: Sequence[Field], save: Callable[[dict[str, Any]], Any],
                note: str = "") -> FieldsDialog:
        dialog = FieldsDialog(self.workspace, title, fields, save, self, note=note)
        dialog.open()
        return dialog

    def record_meeting(self) -> FieldsDialog:
        return self._dialog("Record a meeting or joint visit", [
            Field("kind", "&Kind", "choice", enum_choices(list(MeetingKind))),
            Field("held_on", "&Held on", "date"),
            Field("title", "&Title", hint="what it was about, e.g. LADO case review"),
            Field("attendees", "&Attendees", "names", hint="names, separated by commas"),
            Field("provider", "&Provider discussed", "provider"),
            Field("reference", "Case &reference discussed", hint="a LADO or case reference, never a child's name"),
            Field("notes", "&Notes", "lines"),
        ], lambda v: self.workspace.partnership.record_meeting(
            v["kind"], held_on=v["held_on"], title=v["title"], attendees=v["attendees"] or [], notes=v["notes"],
            providers=[v["provider"]] if v["provider"] else [],
            references=[v["reference"]] if v["reference"] else []).value)

    def add_topic(self) -> FieldsDialog | None:
        meeting = self.selected_meeting()
        if meeting is None:
            return None
        return self._dialog(f"Discussed at the {meeting.kind.label} of {_day(meeting.held_on)}", [
            Field("provider", "&Provider", "provider"),
            Field("reference", "or a case &reference", hint="a LADO or case reference, never a child's name"),
            Field("note", "&Note", "lines"),
        ], lambda v: self.workspace.partnership.add_topic(meeting.id, provider_id=v["provider"],
                                                          reference=None if v["provider"] else v["reference"],
                                                          note=v["note"]).value)

    def add_meeting_action(self) -> FieldsDialog | None:
        meeting = self.selected_meeting()
        if meeting is None:
            return None
        return self._dialog(f"An action arising from the {meeting.kind.label} of {_day(meeting.held_on)}", [
            Field("text", "&Action", "lines"),
            Field("provider", "For the &provider", "provider"),
            Field("level", "Concern &level (Figure 8)", "choice", enum_choices(list(ConcernLevel), none="—")),
            Field("owner", "or for &whom", hint="who will do it, when it is not a provider's"),
            Field("due", "&Due", "optional_date", options={"check": "Agreed date"}),
        ], lambda v: self.workspace.partnership.add_action(
            meeting.id, v["text"] or "", provider_id=v["provider"], level=v["level"], owner=v["owner"],
            due_at=dt.datetime.combine(v["due"], dt.time(17)).astimezone() if v["due"] and not v["provider"]
            else None).value,
            note="An action for a provider is due by Figure 8 for its level: LOW 2-4 weeks, MEDIUM 1-2 weeks, "
                 "HIGH 24-48 hours, SIGNIFICANT immediately.")

    def complete_meeting_action(self) -> FieldsDialog | None:
        action = selected_row(self.meeting_actions_view, self.meeting_actions_model)
        if action is None:
            return None
        return self._dialog(f"Complete: {action.text}", [Field("evidence", "&Evidence seen", "lines")],
                            lambda v: self.workspace.partnership.complete_action(action.id,
                                                                                 evidence=v["evidence"] or "").value)

    def delete_meeting(self, confirm: bool | None = None) -> None:
        meeting = self.selected_meeting()
        if meeting is None:
            return
        if confirm is None:
            confirm = QMessageBox.question(
                self, "Delete the meeting", f"Delete the {meeting.kind.label} of {_day(meeting.held_on)}, with what "
                "was discussed and its actions? Use this for a meeting recorded by mistake.") \
                == QMessageBox.StandardButton.Yes
        if confirm:
            self.workspace.partnership.delete_meeting(meeting.id)

    # -- funding requests ------------------------------------------------------------------------

    def _build_funding(self) -> None:
        self.funding_search = _search("Search reference, provider, request, feedback", "Search funding requests")
        self.funding_awaiting = QCheckBox("Only those a&waiting QA's feedback")
        self.funding_model = RowsModel(FUNDING_COLUMNS, self, row_id=lambda r: r.id,
                                       flag=lambda r: "Awaiting QA's feedback" if r.awaiting_feedback else None)
        self.funding_view = table_view(self.funding_model, "Placement funding requests")
        self.funding_count = QLabel()
        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(_bar(self.funding_search, self.funding_awaiting))
        column.addWidget(QLabel("Section 13: Quality Assurance provide feedback on all placement funding requests."))
        column.addWidget(self.funding_view, 1)
        column.addWidget(self.funding_count)
        column.addLayout(_bar(_button("&Record a request…", lambda: self.record_funding_request()),
                              _button("Give QA's &feedback…", lambda: self.give_funding_feedback()),
                              _button("E&xport…", lambda: self.export_list(self.funding_model, "Funding requests")),
                              stretch_after=1))
        self.tabs.addTab(page, "Funding requests")
        timer = QTimer(self, singleShot=True, interval=150)
        timer.timeout.connect(self.refresh_funding)
        self.funding_search.textChanged.connect(timer.start)
        self.funding_awaiting.toggled.connect(self.refresh_funding)

    def refresh_funding(self) -> None:
        lines = self.workspace.partnership.funding_requests(awaiting=self.funding_awaiting.isChecked(),
                                                            text=self.funding_search.text())
        self.funding_model.set_rows(lines)
        awaiting = sum(1 for r in lines if r.awaiting_feedback)
        self.funding_count.setText(f"{len(lines)} request(s) shown, {awaiting} awaiting QA's feedback")
        self.funding_view.resizeColumnsToContents()

    def record_funding_request(self) -> FieldsDialog:
        return self._dialog("Record a placement funding request", [
            Field("reference", "&Reference", hint="the request's reference, never a child's name"),
            Field("received_on", "Re&ceived on", "date"),
            Field("provider", "&Provider", "provider"),
            Field("provider_name", "or its &name", hint="a provider not in the register yet"),
            Field("service_type", "&Service type", "choice", enum_choices(list(ServiceType), none="—")),
            Field("requested_by", "Requested &by"),
            Field("summary", "What is re&quested", "lines"),
        ], lambda v: self.workspace.partnership.record_funding_request(
            reference=v["reference"] or "", summary=v["summary"] or "", received_on=v["received_on"],
            provider_id=v["provider"], provider_name=v["provider_name"], service_type=v["service_type"],
            requested_by=v["requested_by"]).value)

    def give_funding_feedback(self) -> FieldsDialog | None:
        request = selected_row(self.funding_view, self.funding_model)
        if request is None:
            return None
        return self._dialog(f"QA's feedback on {request.reference}", [
            Field("recommendation", "QA's &view", "choice", enum_choices(list(FundingRecommendation)),
                  default=request.recommendation),
            Field("feedback", "&Feedback", "lines", default=request.feedback),
            Field("on", "&Given on", "date"),
        ], lambda v: self.workspace.partnership.give_funding_feedback(
            request.id, recommendation=v["recommendation"], feedback=v["feedback"] or "", on=v["on"]).value)

    # -- unregistered providers ------------------------------------------------------------------

    def _build_unregistered(self) -> None:
        self.notifications_open = QCheckBox("Only placements still &going")
        self.notifications_open.setChecked(True)
        self.notifications_open.toggled.connect(self.refresh_unregistered)
        self.notifications_model = RowsModel(NOTIFICATION_COLUMNS, self, row_id=lambda n: n.id)
        self.notifications_view = table_view(self.notifications_model, "Unregulated placements notified to Ofsted")
        self.applications_model = RowsModel(APPLICATION_COLUMNS, self, row_id=lambda a: a.id)
        self.applications_view = table_view(self.applications_model, "Registration applications")
        self.unregistered_count = QLabel()
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(_heading("Unregulated placements notified to Ofsted (Section 10: notified, and updated "
                                  "throughout the placement)"))
        column.addLayout(_bar(self.notifications_open, stretch_after=0))
        column.addWidget(self.notifications_view, 2)
        column.addLayout(_bar(_button("&Notify Ofsted…", lambda: self.notify_ofsted()),
                              _button("Send an &update…", lambda: self.send_update()),
                              _button("The placement &ended…", lambda: self.end_placement()),
                              _button("E&xport…", lambda: self.export_list(self.notifications_model,
                                                                           "Ofsted notifications")),
                              stretch_after=2))
        column.addWidget(_heading("Registration applications QA supports (providers supported to register)"))
        column.addWidget(self.applications_view, 2)
        column.addWidget(self.unregistered_count)
        column.addLayout(_bar(_button("&Start supporting an application…", lambda: self.start_application()),
                              _button("&Move the application on…", lambda: self.move_application()),
                              _button("Ex&port…", lambda: self.export_list(self.applications_model,
                                                                           "Registration applications")),
                              stretch_after=1))
        self.tabs.addTab(page, "Unregistered providers")

    def refresh_unregistered(self) -> None:
        self.notifications_model.set_rows(self.workspace.unregistered.notifications(
            open_only=self.notifications_open.isChecked()))
        applications = self.workspace.unregistered.applications()
        self.applications_model.set_rows(applications)
        registered = sum(1 for a in applications if a.stage is ApplicationStage.REGISTERED)
        in_progress = sum(1 for a in applications if not a.stage.ended)
        self.unregistered_count.setText(f"{in_progress} in progress; {registered} supported to register in all")
        for view in (self.notifications_view, self.applications_view):
            view.resizeColumnsToContents()

    def notify_ofsted(self) -> FieldsDialog:
        return self._dialog("Notify Ofsted of an unregulated placement", [
            Field("provider", "&Provider", "provider"),
            Field("notified_on", "&Notified on", "date"),
            Field("placement", "Placement &reference", hint="the placement's reference, never a child's name"),
            Field("ofsted", "&Ofsted's reference"),
            Field("summary", "What Ofsted was &told", "lines"),
        ], lambda v: self.workspace.unregistered.notify_ofsted(
            v["provider"] or _required("the provider"), summary=v["summary"] or "", notified_on=v["notified_on"],
            placement_reference=v["placement"], ofsted_reference=v["ofsted"]).value)

    def send_update(self) -> FieldsDialog | None:
        notification = selected_row(self.notifications_view, self.notifications_model)
        if notification is None:
            return None
        return self._dialog(f"Update Ofsted on {notification.provider}", [
            Field("sent_on", "&Sent on", "date"), Field("summary", "What the update &said", "lines")],
            lambda v: self.workspace.unregistered.send_update(notification.id, summary=v["summary"] or "",
                                                              sent_on=v["sent_on"]).value)

    def end_placement(self) -> FieldsDialog | None:
        notification = selected_row(self.notifications_view, self.notifications_model)
        if notification is None:
            return None
        return self._dialog(f"The placement with {notification.provider} ended", [
            Field("ended_on", "&Ended on", "date")],
            lambda v: self.workspace.unregistered.end_placement(notification.id, v["ended_on"]).value)

    def start_application(self) -> FieldsDialog:
        return self._dialog("QA begins supporting an application to register", [
            Field("provider", "&Provider", "provider"), Field("began", "Support &began on", "date"),
            Field("notes", "&Notes", "lines")],
            lambda v: self.workspace.unregistered.start_application(
                v["provider"] or _required("the provider"), support_began_on=v["began"], notes=v["notes"]).value)

    def move_application(self) -> FieldsDialog | None:
        application = selected_row(self.applications_view, self.applications_model)
        if application is None:
            return None
        return self._dialog(f"Move {application.provider}'s application on", [
            Field("stage", "&Now", "choice", enum_choices([s for s in ApplicationStage if s is not application.stage])),
            Field("on", "&On", "date"),
            Field("urn", "&URN", hint="when registered: the URN Ofsted gave"),
            Field("notes", "N&otes", "lines", default=application.notes)],
            lambda v: self.workspace.unregistered.move_application(application.id, v["stage"], on=v["on"], urn=v["urn"],
                                                                   notes=v["notes"]).value)

    # -- planning and intelligence ---------------------------------------------------------------

    def _build_planning(self) -> None:
        self.planning_search = _search("Search reference, address, postcode, applicant", "Search the planning list")
        self.planning_awaiting = QCheckBox("Only those a&waiting QA's feedback")
        self.planning_model = RowsModel(PLANNING_COLUMNS, self, row_id=lambda a: a.id,
                                        flag=lambda a: "Awaiting QA's feedback" if a.feedback_sent_on is None else None)
        self.planning_view = table_view(self.planning_model, "Change-of-use applications")
        self.intelligence_search = _search("Search address, postcode, what was shared", "Search intelligence")
        self.intelligence_model = RowsModel(INTELLIGENCE_COLUMNS, self, row_id=lambda i: i.id)
        self.intelligence_view = table_view(self.intelligence_model, "Intelligence by address")
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(_heading("The weekly planning list: change of use from C3 to C2 (Section 13, Planning)"))
        column.addLayout(_bar(self.planning_search, self.planning_awaiting))
        column.addWidget(self.planning_view, 2)
        column.addLayout(_bar(_button("&Log an application…", lambda: self.log_planning()),
                              _button("QA's &feedback to planning…", lambda: self.planning_feedback()),
                              _button("Planning &decision…", lambda: self.planning_decision()),
                              _button("Link to a &provider…", lambda: self.link_provider("planning")),
                              _button("E&xport…", lambda: self.export_list(self.planning_model, "Planning list")),
                              stretch_after=3))
        column.addWidget(_heading("Intelligence by address: police, PCSOs, councillors, residents"))
        column.addWidget(self.intelligence_search)
        column.addWidget(self.intelligence_view, 2)
        column.addLayout(_bar(_button("&Record intelligence…", lambda: self.record_intelligence()),
                              _button("QA's re&sponse…", lambda: self.respond_to_intelligence()),
                              _button("Lin&k to a provider…", lambda: self.link_provider("intelligence")),
                              _button("Ex&port…", lambda: self.export_list(self.intelligence_model,
                                                                           "Intelligence by address")),
                              stretch_after=2))
        self.tabs.addTab(page, "Planning and intelligence")
        for edit in (self.planning_search, self.intelligence_search):
            timer = QTimer(self, singleShot=True, interval=150)
            timer.timeout.connect(self.refresh_planning)
            edit.textChanged.connect(timer.start)
        self.planning_awaiting.toggled.connect(self.refresh_planning)

    def refresh_planning(self) -> None:
        self.planning_model.set_rows(self.workspace.unregistered.planning_applications(
            text=self.planning_search.text(), awaiting_feedback=self.planning_awaiting.isChecked()))
        self.intelligence_model.set_rows(self.workspace.unregistered.intelligence(text=self.intelligence_search.text()))
        for view in (self.planning_view, self.intelligence_view):
            view.resizeColumnsToContents()

    def log_planning(self) -> FieldsDialog:
        return self._dialog("Log an application from the planning list", [
            Field("reference", "&Planning reference"), Field("listed_on", "&Listed on", "date"),
            Field("address", "&Address"), Field("postcode", "P&ostcode"), Field("applicant", "App&licant"),
            Field("use_from", "Use &from", default="C3"), Field("use_to", "Use &to", default="C2"),
            Field("proposal", "Pro&posal", "lines")],
            lambda v: self.workspace.unregistered.log_planning_application(
                reference=v["reference"] or "", address=v["address"] or "", proposal=v["proposal"] or "",
                listed_on=v["listed_on"], postcode=v["postcode"], applicant=v["applicant"],
                use_from=v["use_from"] or "", use_to=v["use_to"] or "").value)

    def planning_feedback(self) -> FieldsDialog | None:
        application = selected_row(self.planning_view, self.planning_model)
        if application is None:
            return None
        return self._dialog(f"QA's feedback to planning on {application.reference}", [
            Field("feedback", "&Feedback", "lines", default=application.qa_feedback,
                  hint="e.g. the provider is embargoed, or the area is high risk"),
            Field("sent_on", "&Sent on", "date")],
            lambda v: self.workspace.unregistered.give_planning_feedback(application.id, feedback=v["feedback"] or "",
                                                                         sent_on=v["sent_on"]).value)

    def planning_decision(self) -> FieldsDialog | None:
        application = selected_row(self.planning_view, self.planning_model)
        if application is None:
            return None
        return self._dialog(f"Planning decision on {application.reference}", [
            Field("decision", "&Decision", "choice", enum_choices(list(PlanningDecision)),
                  default=application.decision)],
            lambda v: self.workspace.unregistered.record_planning_decision(application.id, v["decision"]).value)

    def link_provider(self, kind: str) -> FieldsDialog | None:
        view, model = ((self.planning_view, self.planning_model) if kind == "planning"
                       else (self.intelligence_view, self.intelligence_model))
        line = selected_row(view, model)
        if line is None:
            return None
        matches = self.workspace.unregistered.possible_providers(line.address, line.postcode)
        note = ("Providers with a property at this postcode: " + "; ".join(
            f"{m.provider} ({m.setting}{', same address' if m.same_address else ''})" for m in matches)
            if matches else "No provider of the register has a property at this postcode.")
        first = (matches[0].provider_id, matches[0].provider) if matches else None
        return self._dialog(f"The provider at {line.address}", [Field("provider", "&Provider", "provider",
                                                                       default=first)],
                            lambda v: self.workspace.unregistered.link_provider(kind, line.id, v["provider"]).value,
                            note=note + " Leave it blank to unlink.")

    def record_intelligence(self) -> FieldsDialog:
        return self._dialog("Record intelligence about an address", [
            Field("address", "&Address"), Field("postcode", "P&ostcode"),
            Field("source", "&From", "choice", enum_choices(list(IntelligenceSource))),
            Field("received_on", "&Received on", "date"), Field("summary", "What was &shared", "lines"),
            Field("provider", "The &provider there, if known", "provider")],
            lambda v: self.workspace.unregistered.record_intelligence(
                address=v["address"] or "", source=v["source"], summary=v["summary"] or "",
                received_on=v["received_on"], postcode=v["postcode"], provider_id=v["provider"]).value)

    def respond_to_intelligence(self) -> FieldsDialog | None:
        line = selected_row(self.intelligence_view, self.intelligence_model)
        if line is None:
            return None
        return self._dialog(f"QA's response about {line.address}", [
            Field("response", "&Response", "lines", default=line.response), Field("on", "&On", "date")],
            lambda v: self.workspace.unregistered.respond_to_intelligence(line.id, response=v["response"] or "",
                                                                          on=v["on"]).value)

    # -- the Young Inspectors programme ----------------------------------------------------------

    def _build_young_inspectors(self) -> None:
        self.roster_model = RowsModel(ROSTER_COLUMNS, self, row_id=lambda y: y.id,
                                      flag=lambda y: "Something is due" if y.due else None)
        self.roster_view = table_view(self.roster_model, "Young Inspectors")
        self.programme_due_model = RowsModel(DUE_COLUMNS, self, flag=lambda d: "Overdue" if d.due.overdue else None)
        self.programme_due_view = table_view(self.programme_due_model, "What is due for the Young Inspectors")
        self.joined_model = RowsModel(JOINED_COLUMNS, self, row_id=lambda j: j.id)
        self.joined_view = table_view(self.joined_model, "Visits joined")
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(_heading("The roster (each Young Inspector by a reference, or a first name where the team "
                                  "prefers)"))
        column.addWidget(self.roster_view, 2)
        column.addLayout(_bar(_button("&Add a Young Inspector…", lambda: self.add_young_inspector()),
                              _button("&Training or DBS check…", lambda: self.record_checks()),
                              _button("Join a &visit…", lambda: self.join_visit()),
                              _button("&Incentive…", lambda: self.give_incentive()),
                              _button("&Opt out of the programme…", lambda: self.opt_out()),
                              _button("E&xport…", lambda: self.export_list(self.roster_model, "Young Inspectors")),
                              stretch_after=4))
        column.addWidget(_heading("Due: DBS checks (every 3 years), training (yearly), briefings and debriefs"))
        column.addWidget(self.programme_due_view, 1)
        column.addWidget(_heading("Visits joined, with the briefing before and the debrief after (report, section 7)"))
        column.addWidget(self.joined_view, 2)
        column.addLayout(_bar(_button("&Briefing, debrief or opting out…", lambda: self.record_support()),
                              _button("Ex&port the visits…", lambda: self.export_list(self.joined_model,
                                                                                      "Young Inspector visits")),
                              stretch_after=0))
        self.tabs.addTab(page, "Young Inspectors")

    def refresh_young_inspectors(self) -> None:
        programme = self.workspace.young_inspectors
        self.roster_model.set_rows(programme.roster())
        self.programme_due_model.set_rows(programme.due())
        self.joined_model.set_rows(programme.joined_visits())
        for view in (self.roster_view, self.programme_due_view, self.joined_view):
            view.resizeColumnsToContents()

    def add_young_inspector(self) -> FieldsDialog:
        return self._dialog("Add a Young Inspector to the roster", [
            Field("name", "&Known as", hint="a reference such as YI-05, or a first name where the team prefers"),
            Field("joined_on", "&Joined on", "date"),
            Field("trained_on", "&Trained", "optional_date", options={"check": "Trained on"}),
            Field("dbs", "&DBS checked", "optional_date", options={"check": "Checked on"})],
            lambda v: self.workspace.young_inspectors.add(v["name"] or "", joined_on=v["joined_on"],
                                                          trained_on=v["trained_on"], dbs_checked_on=v["dbs"]).value)

    def _inspector(self) -> InspectorLine | None:
        line: InspectorLine | None = selected_row(self.roster_view, self.roster_model)
        return line

    def record_checks(self) -> FieldsDialog | None:
        inspector = self._inspector()
        if inspector is None:
            return None
        return self._dialog(f"Training and DBS check: {inspector.name}", [
            Field("trained_on", "&Trained", "optional_date", default=inspector.trained_on,
                  options={"check": "Trained on"}),
            Field("dbs", "&DBS checked", "optional_date", default=inspector.dbs_checked_on,
                  options={"check": "Checked on"})],
            lambda v: self.workspace.young_inspectors.update(inspector.id, trained_on=v["trained_on"],
                                                             dbs_checked_on=v["dbs"]).value)

    def join_visit(self, visit_id: str | None = None) -> FieldsDialog | None:
        inspector = self._inspector()
        if inspector is None:
            return None
        return self._dialog(f"{inspector.name} joins a visit", [
            Field("visit", "&Visit", hint="the visit's report reference or the start of its id"),
            Field("briefed", "&Briefed", "optional_date", options={"check": "Briefed on"})],
            lambda v: self.workspace.young_inspectors.join_visit(
                inspector.id, visit_id or self.workspace.visits.find(v["visit"] or ""), briefed_on=v["briefed"]).value)

    def record_support(self) -> FieldsDialog | None:
        joined = selected_row(self.joined_view, self.joined_model)
        if joined is None:
            return None
        return self._dialog(f"{joined.name}: the visit of {_day(joined.visit_date)}", [
            Field("briefed", "&Briefed", "optional_date", default=joined.briefed_on, options={"check": "Briefed on"}),
            Field("debriefed", "&Debriefed", "optional_date", default=joined.debriefed_on,
                  options={"check": "Debriefed on"}),
            Field("by", "Debrief &given by", "choice", enum_choices(list(DebriefBy), none="—"),
                  default=joined.debrief_by),
            Field("opted_out", "&Opted out of this visit", "check", default=joined.opted_out),
            Field("notes", "&Notes", "lines", default=joined.notes)],
            lambda v: self.workspace.young_inspectors.record_support(
                joined.id, briefed_on=v["briefed"], debriefed_on=v["debriefed"], debrief_by=v["by"],
                opted_out=v["opted_out"], notes=v["notes"]).value)

    def give_incentive(self) -> FieldsDialog | None:
        inspector = self._inspector()
        if inspector is None:
            return None
        return self._dialog(f"An incentive for {inspector.name}", [
            Field("description", "&What was given"), Field("value", "&Value", "money"),
            Field("given_on", "&Given on", "date")],
            lambda v: self.workspace.young_inspectors.give_incentive(
                inspector.id, description=v["description"] or "", given_on=v["given_on"], value_pence=v["value"]).value)

    def opt_out(self) -> FieldsDialog | None:
        inspector = self._inspector()
        if inspector is None:
            return None
        return self._dialog(f"{inspector.name} leaves the programme", [
            Field("on", "&On", "date"), Field("reason", "&Reason", "lines", hint="only if they want it recorded")],
            lambda v: self.workspace.young_inspectors.opt_out(inspector.id, on=v["on"], reason=v["reason"]).value)

    # -- alerts that count -----------------------------------------------------------------------

    def _build_alerts(self) -> None:
        self.alert_year = self._year_combo("Alerts of the year", any_year="All years")
        self._fill_years(self.alert_year, YearKind.CALENDAR)
        self.alert_year.setCurrentIndex(1)
        self.alert_search = _search("Search provider, URN, summary", "Search alerts")
        self.alerts_affecting = QCheckBox("Only those affecting children &we have placed")
        self.alerts_model = RowsModel(ALERT_COLUMNS, self, row_id=lambda a: a.id,
                                      flag=lambda a: "Affects children we have placed" if a.affects_our_children
                                      else None)
        self.alerts_view = table_view(self.alerts_model, "Regulatory alerts")
        self.alert_count = QLabel()
        self.alert_count.setWordWrap(True)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(_bar(self.alert_search, self.alert_year, self.alerts_affecting))
        column.addWidget(self.alert_count)
        column.addWidget(self.alerts_view, 1)
        column.addLayout(_bar(_button("E&xport…", lambda: self.export_list(self.alerts_model, "Alerts")),
                              stretch_after=0))
        self.tabs.addTab(page, "Alerts that count")
        timer = QTimer(self, singleShot=True, interval=150)
        timer.timeout.connect(self.refresh_alerts)
        self.alert_search.textChanged.connect(timer.start)
        self.alert_year.currentIndexChanged.connect(self.refresh_alerts)
        self.alerts_affecting.toggled.connect(self.refresh_alerts)

    def refresh_alerts(self) -> None:
        year = self.alert_year.currentData()
        span = self.workspace.tracker.span(year) if isinstance(year, ReportingYear) else None
        every = self.workspace.tracker.alerts(span=span, text=self.alert_search.text())
        affecting = [a for a in every if a.affects_our_children]
        self.alerts_model.set_rows(affecting if self.alerts_affecting.isChecked() else every)
        when = f"in {span.label}" if span else "in all"
        self.alert_count.setText(
            f"<b>{len(affecting)} of {len(every)}</b> alerts received {when} affected children we have placed "
            "(one of our placements was with the provider while the alert was in force).")
        self.alerts_view.resizeColumnsToContents()

    # -- exports (issue 19, point 6) -------------------------------------------------------------

    def _save_as(self, title: str, name: str, path: str | None) -> Path | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, title, name, "Excel workbook (*.xlsx)")
            if not path:
                return None
        return Path(path) if Path(path).suffix.lower() == ".xlsx" else Path(f"{path}.xlsx")

    def shown_rows(self, model: RowsModel) -> list[Any]:
        """The rows of ``model`` as its view shows them: filtered as on screen, in the view's order."""
        proxy = next(p for v in self.findChildren(QTableView) if isinstance(p := v.model(), QSortFilterProxyModel)
                     and p.sourceModel() is model)
        return [model.row_at(proxy.mapToSource(proxy.index(row, 0)).row()) for row in range(proxy.rowCount())]

    def export_list(self, model: RowsModel, title: str, path: str | None = None) -> BackgroundTask | None:
        """Export a list as it is shown (filtered, in the view's order) to an Excel workbook, in the background."""
        if self._busy():
            return None
        target = self._save_as(f"Export {title.lower()}", f"{title} {self.workspace.clock.today():%Y-%m-%d}.xlsx", path)
        if target is None:
            return None
        rows, tracker = self.shown_rows(model), self.workspace.tracker
        task = BackgroundTask(self, f"Exporting {title.lower()}", lambda progress: tracker.export_list(target, title,
                                                                                                     rows))
        task.finished.connect(lambda count: QMessageBox.information(
            self, "Exported", f"Saved {count} row{'s' if count != 1 else ''} to {target}. It is OFFICIAL-SENSITIVE."))
        task.failed.connect(lambda message: QMessageBox.warning(self, "Not exported", f"{target}: {message}"))
        self.task = task.start()
        return task

    def export_workbook(self, path: str | None = None) -> BackgroundTask | None:
        """Everything to one workbook, a sheet each, with the chosen year's figures, in the background."""
        if self._busy():
            return None
        year = self.chosen_year()
        target = self._save_as("Export everything to Excel", f"QA tracker {self.workspace.clock.today():%Y-%m-%d}.xlsx",
                               path)
        if target is None:
            return None
        tracker = self.workspace.tracker
        task = BackgroundTask(self, "Exporting everything to Excel",
                              lambda progress: tracker.export_workbook(target, year, progress))
        task.finished.connect(lambda report: QMessageBox.information(
            self, "Workbook saved", f"Saved {len(report.sheets)} sheets, {report.rows} rows, to {report.path}. It is "
            "OFFICIAL-SENSITIVE: keep it on the council's drives."))
        task.failed.connect(lambda message: QMessageBox.warning(self, "Not exported", f"{target}: {message}"))
        self.task = task.start()
        return task

    # -- the committee's report -------------------------------------------------------------------

    def _busy(self) -> bool:
        return self.task is not None and self.task.running

    def annual_report(self, path: str | None = None) -> BackgroundTask | None:
        """Write the committee's PDF of the year chosen, in the background; then say where it is."""
        if self._busy():
            return None
        year = self.chosen_year()
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save the annual report",
                                                  f"QA tracker annual figures {year.label}.pdf", "PDF (*.pdf)")
            if not path:
                return None
        target = Path(path) if Path(path).suffix.lower() == ".pdf" else Path(f"{path}.pdf")
        tracker = self.workspace.tracker
        task = BackgroundTask(self, "Making the annual report", lambda progress: tracker.annual_report(target, year))
        task.finished.connect(lambda report: QMessageBox.information(
            self, "Annual report made", f"Saved {report.pages} pages to {report.path}. It is OFFICIAL-SENSITIVE: "
            "share it with the committee and senior managers only."))
        task.failed.connect(lambda message: QMessageBox.warning(self, "Not made", f"{target}: {message}"))
        self.task = task.start()
        return task

    # -- keeping up with changes -----------------------------------------------------------------

    def refresh(self) -> None:
        """Read every tab again."""
        self._stale.clear()
        for _, refresh in self._parts:
            refresh()

    def _on_changes(self, changes: OpChanges) -> None:
        """Redraw the tabs whose tables changed (all of them when the user changed: what they may read
        is their role's); answers typed on a visit redraw nothing here."""
        if changes.only(FILLING_IN):
            return
        everything = USER in changes.named
        touched = [refresh for tables, refresh in self._parts if everything or changes.touches(*tables)]
        if not touched:
            return
        if not self.isVisible():
            self._stale.update(touched)  # read when shown, not for every change while nobody looks
            return
        for refresh in touched:
            refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        for refresh in list(self._stale):
            refresh()
        self._stale.clear()
        super().showEvent(event)

    @staticmethod
    def _select(view: QTableView, model: RowsModel, row_id: str) -> None:
        proxy = view.model()
        for row in range(proxy.rowCount()):
            index = proxy.index(row, 0)
            if proxy.data(index, ID_ROLE) == row_id:
                view.setCurrentIndex(index)
                return

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if self.task is not None:
            self.task.wait()  # an export half-way is finished, never cut off
        super().closeEvent(event)


def _required(what: str) -> str:
    raise ValueError(f"Choose {what}.")

