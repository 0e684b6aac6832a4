"""The forms of the caseload: record a placement (planned or emergency, the child's case reference
only) and end one; start a compliance review (full or the minimum urgent set); plan a visit (date,
time, level, announced or not, the officers) or change one; close a QA case with its outcome.

Each is a ``RecordDialog`` over one workspace call: a refusal is one sentence naming the field,
shown in the form, which keeps what was typed. What a placement makes due is said after it is
saved; an embargo, restriction or HIGH rating of the provider is shown before it is.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from qa_desktop.domain.compliance import ReviewScope
from qa_desktop.domain.placements import PlacementKind
from qa_desktop.domain.visits import VisitLevel, VisitReason
from qa_desktop.ui.oversight_dialogs import RecordDialog, _date_edit, _day, _text
from qa_desktop.ui.palette import warning_colour, warning_style
from qa_desktop.ui.typed_dates import moment_edit
from qa_desktop.ui.visit_kind import UnannouncedPresets
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.placements import PlacementLine
from qa_desktop.workspace.planning import VisitSummary
from qa_desktop.workspace.register import CaseLine


def _moment_edit(moment: dt.datetime, name: str) -> QDateTimeEdit:
    """A day and time the officer types as 15/12/2026 14:30 or picks (``ui.typed_dates``)."""
    return moment_edit(moment, name)


def _moment(edit: QDateTimeEdit) -> dt.datetime:
    """The moment a date-and-time field shows (local time), as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), dt.UTC)


def _warning_box() -> QLabel:
    box = QLabel()
    box.setWordWrap(True)
    box.setAccessibleName("Warning")
    box.setStyleSheet(f"{warning_style()}; border: 2px solid {warning_colour().name()}; padding: 6px")
    box.hide()
    return box


class PlacementDialog(RecordDialog):
    """Record a placement at one of a provider's settings."""

    def __init__(self, workspace: Workspace, provider_id: str, provider_name: str, parent: QWidget | None = None,
                 elements: list[tuple[str, str]] | None = None) -> None:
        super().__init__(f"Record a placement: {provider_name}", parent)
        self.workspace, self.provider_id = workspace, provider_id
        self.warnings = _warning_box()
        self.form.insertRow(0, self.warnings)
        self.setting = QComboBox()
        self.setting.setAccessibleName("Setting")
        for choice in workspace.visits.settings_to_visit(provider_id):
            self.setting.addItem(choice.label, choice.id)
        self.reference = QLineEdit(placeholderText="from the case system, e.g. PL-2041 (never the child's name)")
        self.reference.setAccessibleName("Child's case reference")
        self.planned = QRadioButton("&Planned (review and visit due before it starts)")
        self.emergency = QRadioButton("&Emergency (due within 24-48 hours of the start)")
        self.emergency.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.planned)
        group.addButton(self.emergency)
        self.start = _moment_edit(workspace.clock.now(), "Starts")
        self.ended = QCheckBox("It has &ended")
        self.end = _moment_edit(workspace.clock.now(), "Ended")
        self.end.setEnabled(False)
        self.ended.toggled.connect(self.end.setEnabled)
        self.element = QComboBox()
        self.element.setAccessibleName("Element of the package")
        self.element.addItem("(the whole package)", None)
        for element_id, name in elements or []:
            self.element.addItem(name, element_id)
        self.form.addRow("&Setting:", self.setting)
        self.form.addRow("Case &reference:", self.reference)
        self.form.addRow("Kind:", self.planned)
        self.form.addRow("", self.emergency)
        self.form.addRow("S&tarts:", self.start)
        self.form.addRow(self.ended)
        self.form.addRow("Ende&d:", self.end)
        if elements:
            self.form.addRow("E&lement:", self.element)
        self.setting.currentIndexChanged.connect(self._warn)
        self._warn()

    def _warn(self) -> None:
        setting_id = self.setting.currentData()
        warnings = self.workspace.placements.warnings(setting_id) if setting_id else []
        self.warnings.setText("⚠ " + "\n⚠ ".join(warnings) if warnings else "")
        self.warnings.setVisible(bool(warnings))

    def save(self) -> str:
        if not self.setting.currentData():
            raise ValueError("Setting: the provider has no setting; add one first.")
        return self.workspace.placements.record(
            setting_id=self.setting.currentData(), reference=self.reference.text(),
            kind=PlacementKind.PLANNED if self.planned.isChecked() else PlacementKind.EMERGENCY,
            started_at=_moment(self.start), ended_at=_moment(self.end) if self.ended.isChecked() else None,
            element_id=self.element.currentData()).value


class EndPlacementDialog(RecordDialog):
    def __init__(self, workspace: Workspace, placement: PlacementLine, parent: QWidget | None = None) -> None:
        super().__init__(f"End placement {placement.reference}", parent)
        self.workspace, self.placement = workspace, placement
        self.form.addRow(QLabel(f"<b>{placement.kind.label} placement {placement.reference}</b> at "
                                f"{placement.setting}, {placement.when}"))
        self.end = _moment_edit(placement.ended_at or workspace.clock.now(), "Ended")
        self.form.addRow("&Ended:", self.end)

    def save(self) -> None:
        self.workspace.placements.edit(self.placement.id, {"ended_at": _moment(self.end)},
                                       {"ended_at": self.placement.seen.get("ended_at", ())})


class StartReviewDialog(RecordDialog):
    """Start a compliance review: full, or the minimum urgent set when a placement cannot wait."""

    def __init__(self, workspace: Workspace, provider_id: str, provider_name: str, scope: ReviewScope,
                 parent: QWidget | None = None, elements: list[tuple[str, str]] | None = None) -> None:
        super().__init__(f"{scope.label}: {provider_name}", parent)
        self.workspace, self.provider_id, self.scope = workspace, provider_id, scope
        self.review_id: str | None = None
        self.date = _date_edit(workspace.clock.today(), "Review date")
        self.by = QLineEdit(workspace.user.name)
        self.by.setAccessibleName("Reviewed by")
        self.element = QComboBox()
        self.element.setAccessibleName("Element reviewed")
        for element_id, name in elements or []:
            self.element.addItem(name, element_id)
        self.placement = QComboBox()
        self.placement.setAccessibleName("For the placement")
        self.placement.addItem("(no placement)", None)
        for line in workspace.placements.lines(provider_id):
            if line.current or line.started_at > workspace.clock.now():
                self.placement.addItem(f"{line.reference}, {line.when}", line.id)
        if self.placement.count() > 1:
            self.placement.setCurrentIndex(1)
        self.form.addRow("&Date:", self.date)
        self.form.addRow("Reviewed &by:", self.by)
        if elements:
            self.form.addRow("&Element:", self.element)
        if scope is ReviewScope.MINIMUM:
            self.form.addRow("&Placement:", self.placement)
            note = QLabel("The minimum urgent review (Section 11): health and safety documents, staff training and "
                          "insurance, and the urgent meeting. The full review stays due within 48 hours of the "
                          "placement starting.")
        else:
            note = QLabel("The essential documents of Figure 1 for this service type.")
        note.setWordWrap(True)
        self.form.addRow(note)

    def save(self) -> str:
        self.review_id = self.workspace.reviews.start(
            self.provider_id, self.scope, review_date=_day(self.date), reviewed_by=self.by.text(),
            element_id=self.element.currentData(),
            placement_id=self.placement.currentData() if self.scope is ReviewScope.MINIMUM else None).value
        return self.review_id


class PlanVisitDialog(RecordDialog):
    """Plan a visit (``summary`` None), or move one and change its officers."""

    def __init__(self, workspace: Workspace, provider_id: str | None = None, summary: VisitSummary | None = None,
                 parent: QWidget | None = None, *, unannounced: bool = False,
                 reason: VisitReason = VisitReason.ROUTINE) -> None:
        super().__init__(f"Move or reassign the visit {summary.reference}" if summary else "Plan a visit", parent)
        self.workspace, self.summary = workspace, summary
        self.visit_id: str | None = summary.id if summary else None
        self.setting = QComboBox()
        self.setting.setAccessibleName("Setting")
        if summary:
            self.setting.addItem(f"{summary.setting} ({summary.provider})", summary.setting_id)
            self.setting.setEnabled(False)
        else:
            for choice in workspace.visits.settings_to_visit(provider_id):
                self.setting.addItem(choice.label, choice.id)
        today = workspace.clock.today()
        day = summary.visit_date if summary else today + dt.timedelta(days=1)
        self.date = _date_edit(day, "Visit date")
        start = summary.starts_at.astimezone() if summary and summary.starts_at else None
        self.time = QLineEdit(f"{start:%H:%M}" if start else "10:00")
        self.time.setAccessibleName("Start time")
        self.minutes = QSpinBox()
        self.minutes.setAccessibleName("Expected length in minutes")
        self.minutes.setRange(15, 24 * 60)
        self.minutes.setSingleStep(30)
        self.minutes.setSuffix(" minutes")
        self.minutes.setValue(summary.duration_minutes if summary and summary.duration_minutes else 180)
        self.level = QComboBox()
        self.level.setAccessibleName("Visit level")
        for level in VisitLevel:
            self.level.addItem(level.label, level.value)
        self.announced = QRadioButton("&Announced")
        self.unannounced = QRadioButton("&Unannounced (two officers, Section 11)")
        group = QButtonGroup(self)
        group.addButton(self.announced)
        group.addButton(self.unannounced)
        (self.unannounced if (summary and not summary.announced) or unannounced else self.announced).setChecked(True)
        officers = list(summary.officers) if summary else [workspace.user.name]
        self.officer_one = QLineEdit(officers[0] if officers else "")
        self.officer_one.setAccessibleName("First officer")
        self.officer_two = QLineEdit(officers[1] if len(officers) > 1 else "",
                                     placeholderText="needed for an unannounced visit")
        self.officer_two.setAccessibleName("Second officer")
        self.reason = QComboBox()
        self.reason.setAccessibleName("Reason")
        for item in VisitReason:
            self.reason.addItem(item.label, item.value)
        chosen = summary.reason if summary else reason
        self.reason.setCurrentIndex(self.reason.findData(chosen.value))
        if summary:
            self.level.setCurrentIndex(self.level.findData(summary.level.value))
        elif unannounced:
            self.level.setCurrentIndex(self.level.findData(VisitLevel.ASSURANCE_MONITORING.value))
        if summary is None:  # a new plan: choosing unannounced presets as the provider page's path does
            self.presets = UnannouncedPresets(self.unannounced, self.reason, self.level)
        kinds = QHBoxLayout()
        kinds.addWidget(self.announced)
        kinds.addWidget(self.unannounced)
        self.form.addRow("&Setting:", self.setting)
        self.form.addRow("&Date:", self.date)
        self.form.addRow("Start &time:", self.time)
        self.form.addRow("Ta&kes:", self.minutes)
        self.form.addRow("&Level:", self.level)
        self.form.addRow("Visit:", kinds)
        self.form.addRow("Officer &1:", self.officer_one)
        self.form.addRow("Officer &2:", self.officer_two)
        self.form.addRow("&Reason:", self.reason)

    def _starts(self) -> dt.datetime:
        text = self.time.text().strip()
        try:
            clock = dt.time.fromisoformat(text if len(text) > 2 else f"{text}:00")
        except ValueError:
            raise ValueError(f"Start time: {text!r} is not a time of day (HH:MM, e.g. 09:30).") from None
        return dt.datetime.combine(_day(self.date), clock).astimezone().astimezone(dt.UTC)

    def save(self) -> str:
        starts = self._starts()
        officers = [self.officer_one.text(), self.officer_two.text()]
        officers = [o for o in officers if o.strip()] or officers
        day, level = _day(self.date), VisitLevel(self.level.currentData())
        reason = VisitReason(self.reason.currentData())
        announced, minutes = self.announced.isChecked(), self.minutes.value()
        if self.summary is not None:
            self.workspace.planning.edit(self.summary.id, {
                "visit_date": day, "planned_at": starts, "duration_minutes": minutes, "level": level,
                "announced": announced, "officers": officers, "reason": reason})
            return self.summary.id
        if not self.setting.currentData():
            raise ValueError("Setting: choose where the visit is.")
        self.visit_id = self.workspace.planning.plan(
            setting_id=self.setting.currentData(), visit_date=day, level=level, announced=announced,
            officers=officers, reason=reason, starts_at=starts, duration_minutes=minutes).value
        return self.visit_id


class CloseCaseDialog(RecordDialog):
    """Close a QA case with its outcome (the duty log keeps it, closed)."""

    def __init__(self, workspace: Workspace, case: CaseLine, parent: QWidget | None = None) -> None:
        super().__init__("Close a QA case", parent)
        self.workspace, self.case = workspace, case
        summary = QLabel(f"<b>{case.category}</b>, opened {case.opened_on:%d %b %Y} ({case.source.label})<br>"
                         f"{case.summary}")
        summary.setWordWrap(True)
        self.closed = _date_edit(workspace.clock.today(), "Closed on")
        self.outcome = _text("Outcome", 4)
        self.form.addRow(summary)
        self.form.addRow("&Closed on:", self.closed)
        self.form.addRow("&Outcome:", self.outcome)

    def save(self) -> None:
        self.workspace.oversight.close_case(self.case.id, outcome=self.outcome.toPlainText(),
                                            closed_on=_day(self.closed))

