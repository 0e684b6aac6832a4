"""The forms of QA oversight: log a case, issue an embargo, log a regulatory alert, issue an action
plan, extend or complete an action, end a sanction, set an IFA's Figure 7 flags.

Each is a thin form over one ``workspace.oversight`` call. What Section 12 does not allow (a formal
embargo without the senior manager who agreed it, an extension that is not later) is refused by
the service and said in the dialog, which stays open with everything typed. A saved form tells
every open screen through the workspace's change signal; no dialog refreshes anything itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import cast

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.oversight import (
    REMOVAL_REASONS,
    AlertKind,
    CaseSource,
    EmbargoKind,
    EmbargoScope,
    InformalReason,
    OversightError,
    PlanKind,
    RemovalReason,
    alert_review_date,
)
from qa_desktop.domain.regulation import Regulator
from qa_desktop.domain.risk import IfaArea, IfaConcern
from qa_desktop.domain.roles import NotAllowed
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.ui.palette import warning_style
from qa_desktop.ui.typed_dates import date_problems, day_edit, moment_edit
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.oversight import SanctionRow, TrackedAction


def _date_edit(day: dt.date, name: str) -> QDateEdit:
    """A day the officer types as 15/12/2026 or picks from the calendar (``ui.typed_dates``)."""
    return day_edit(day, name)


def _day(edit: QDateEdit) -> dt.date:
    """The day a date field shows."""
    chosen = edit.date()
    return dt.date(chosen.year(), chosen.month(), chosen.day())


def _text(name: str, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().height() * (lines + 1))
    return edit


def _combo(name: str, members: list, label: Callable = lambda m: m.label) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for member in members:
        combo.addItem(label(member), member.value)  # Qt hands a StrEnum back as plain text
    return combo


class RecordDialog(QDialog):
    """A form that saves through a service; a refusal is shown in it and nothing is lost."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(warning_style())
        self.error.setAccessibleName("Problem")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.saved_id: str | None = None

    def save(self) -> str | None:
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        """Open on the form's first field: the buttons are made before the subclass's fields, so Qt
        gave the focus to OK, and Enter saved the form untouched (walk6)."""
        super().showEvent(event)
        self._fit_height()
        focus = cast("QWidget | None", self.focusWidget())  # None when nothing has it yet (not in the stubs)
        if focus is None or self.buttons.isAncestorOf(focus):
            for row in range(self.form.rowCount()):
                for role in (QFormLayout.ItemRole.FieldRole, QFormLayout.ItemRole.SpanningRole):
                    item = self.form.itemAt(row, role)
                    widget = item.widget() if item is not None else None
                    if widget is not None and widget.isEnabled() and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                        widget.setFocus()
                        return

    def accept(self) -> None:
        for field, problem in date_problems(self):  # 31/11/2026: refused in words, nothing saved
            self.error.setText(f"{field.accessibleName()}: {problem}")
            self.error.show()
            self._fit_height()  # (the field keeps what was typed: entered, it shows its last date to type over)
            return
        try:
            self.saved_id = self.save()
        except (OversightError, ValueError, NotAllowed) as error:
            self.error.setText(str(error))
            self.error.show()
            self._fit_height()
            return
        super().accept()

    def _fit_height(self) -> None:
        """At least as tall as the form asks: Qt opened it at its smaller minimum, and a wrapped line (the
        form's notes, a refusal shown) then drew the fixed-height boxes over the rows below them (walk6:
        Add a provider's Notes over its Town row)."""
        wanted = self.sizeHint().height()
        if self.height() < wanted:
            self.resize(self.width(), wanted)


class CaseDialog(RecordDialog):
    def __init__(self, workspace: Workspace, provider_id: str, provider_name: str, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Log a QA case: {provider_name}", parent)
        self.workspace, self.provider_id = workspace, provider_id
        self.opened = _date_edit(today, "Date of the case")
        self.source = _combo("Source", list(CaseSource))
        self.category = QLineEdit(placeholderText="e.g. Missing from care, Allegation, Medication")
        self.category.setAccessibleName("Category")
        self.summary = _text("Summary")
        self.quality = QCheckBox("A &quality concern (a compliance review, and a visit, due now: Figures 1 and 2)")
        self.safeguarding = QCheckBox("A &safeguarding matter")
        self.significant = QCheckBox("A si&gnificant concern (reviewed as HIGH, whatever the yearly count)")
        self.form.addRow("&Date:", self.opened)
        self.form.addRow("S&ource:", self.source)
        self.form.addRow("&Category:", self.category)
        self.form.addRow("S&ummary:", self.summary)
        self.form.addRow(self.quality)
        self.form.addRow(self.safeguarding)
        self.form.addRow(self.significant)
        self.form.addRow(QLabel("Summarise the concern without naming a child."))

    def concern(self) -> bool:
        """Whether the case is one that makes a review (and a visit) due now."""
        return self.quality.isChecked() or self.safeguarding.isChecked() or self.significant.isChecked()

    def save(self) -> str:
        return self.workspace.oversight.log_case(
            self.provider_id, opened_on=_day(self.opened), source=CaseSource(self.source.currentData()),
            category=self.category.text(), summary=self.summary.toPlainText(),
            safeguarding=self.safeguarding.isChecked(), significant=self.significant.isChecked(),
            quality_concern=self.quality.isChecked()).value


class EmbargoDialog(RecordDialog):
    def __init__(self, workspace: Workspace, provider_id: str, provider_name: str, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Issue an embargo: {provider_name}", parent)
        self.workspace, self.provider_id = workspace, provider_id
        self.formal = QRadioButton("&Formal (the provider is told)")
        self.informal = QRadioButton("&Informal")
        self.formal.setChecked(True)
        kinds = QHBoxLayout()
        kinds.addWidget(self.formal)
        kinds.addWidget(self.informal)
        self.approved_by = QLineEdit(placeholderText="the senior manager who agreed it")
        self.approved_by.setAccessibleName("Agreed by")
        self.informal_reason = _combo("Why informal", list(InformalReason))
        self.scope = _combo("Embargo on", list(EmbargoScope))
        self.setting = QComboBox()
        self.setting.setAccessibleName("Property")
        for choice in workspace.oversight.properties(provider_id):
            self.setting.addItem(choice.name, choice.id)
        self.carers = QLineEdit(placeholderText="the carers' reference, not a child's name")
        self.carers.setAccessibleName("Foster carers")
        self.reason = _text("Reason")
        self.start = _date_edit(today, "Starts on")
        self.review = _date_edit(today + dt.timedelta(weeks=4), "Review on")
        self.informed = QCheckBox("The social &work team has been informed today")
        self.form.addRow("Kind:", kinds)
        self.form.addRow("&Agreed by:", self.approved_by)
        self.form.addRow("&Why informal:", self.informal_reason)
        self.form.addRow("Embargo &on:", self.scope)
        self.form.addRow("&Property:", self.setting)
        self.form.addRow("Foster &carers:", self.carers)
        self.form.addRow("&Reason:", self.reason)
        self.form.addRow("&Starts:", self.start)
        self.form.addRow("Re&view:", self.review)
        self.form.addRow(self.informed)
        self.formal.toggled.connect(self._kind_changed)
        self.scope.currentIndexChanged.connect(self._kind_changed)
        self._today = today
        self._kind_changed()

    def _kind_changed(self) -> None:
        formal = self.formal.isChecked()
        self.approved_by.setEnabled(formal)
        self.informal_reason.setEnabled(not formal)
        scope = EmbargoScope(self.scope.currentData())
        self.setting.setEnabled(scope is EmbargoScope.PROPERTY)
        self.carers.setEnabled(scope is EmbargoScope.FOSTER_CARER)

    def save(self) -> str:
        formal = self.formal.isChecked()
        scope = EmbargoScope(self.scope.currentData())
        return self.workspace.oversight.issue_embargo(
            self.provider_id, kind=EmbargoKind.FORMAL if formal else EmbargoKind.INFORMAL, scope=scope,
            reason=self.reason.toPlainText(), start_on=_day(self.start),
            review_on=_day(self.review), approved_by=self.approved_by.text() if formal else None,
            informal_reason=None if formal else InformalReason(self.informal_reason.currentData()),
            setting_id=self.setting.currentData() if scope is EmbargoScope.PROPERTY else None,
            foster_carer=self.carers.text() if scope is EmbargoScope.FOSTER_CARER else None,
            social_work_informed_on=self._today if self.informed.isChecked() else None).value


class AlertDialog(RecordDialog):
    def __init__(self, workspace: Workspace, provider_id: str, provider_name: str, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Log a regulatory alert: {provider_name}", parent)
        self.workspace, self.provider_id = workspace, provider_id
        self.regulator = _combo("Regulator", [r for r in Regulator if r is not Regulator.NONE])
        self.kind = _combo("What the alert says", list(AlertKind))
        self.received = _date_edit(today, "Received on")
        self.summary = _text("Summary")
        self.review = QLabel()
        self.review.setAccessibleName("Review date")
        self.form.addRow("R&egulator:", self.regulator)
        self.form.addRow("&Alert:", self.kind)
        self.form.addRow("&Received:", self.received)
        self.form.addRow("&Summary:", self.summary)
        self.form.addRow("Review:", self.review)
        for signal in (self.kind.currentIndexChanged, self.received.dateChanged, self.regulator.currentIndexChanged):
            signal.connect(self._show_review)
        self._show_review()

    def _show_review(self) -> None:
        due = alert_review_date(AlertKind(self.kind.currentData()), _day(self.received))
        self.review.setText(f"{due:%d %B %Y} (12 weeks)" if due else "none: nothing left to review")

    def save(self) -> str:
        return self.workspace.oversight.log_alert(
            self.provider_id, regulator=Regulator(self.regulator.currentData()),
            kind=AlertKind(self.kind.currentData()), received_on=_day(self.received),
            summary=self.summary.toPlainText()).value


class ActionPlanDialog(RecordDialog):
    """A plan and its first actions, one per row; each is due by Figure 8 from now."""

    def __init__(self, workspace: Workspace, provider_id: str, provider_name: str, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Issue an action plan: {provider_name}", parent)
        self.workspace, self.provider_id, self.today = workspace, provider_id, today
        self.kind = _combo("Kind of plan", list(PlanKind))
        self.reason = _text("Why the plan is issued")
        self.rows = QVBoxLayout()
        self.action_rows: list[tuple[QLineEdit, QComboBox]] = []
        more = QPushButton("A&dd another action")
        more.clicked.connect(self.add_row)
        self.form.addRow("&Kind:", self.kind)
        self.form.addRow("&Why:", self.reason)
        self.form.addRow("Actions:", self.rows)
        self.form.addRow("", more)
        self.add_row()

    def add_row(self) -> tuple[QLineEdit, QComboBox]:
        text = QLineEdit(placeholderText="what the provider must do")
        text.setAccessibleName(f"Action {len(self.action_rows) + 1}")
        figures = self.workspace.council.framework()  # the council's Figure 8 timescales
        level = _combo(f"Concern level of action {len(self.action_rows) + 1}", list(ConcernLevel),
                       lambda m: f"{m.label} ({figures.timescale(m).wording})")
        level.setCurrentIndex(1)
        row = QHBoxLayout()
        row.addWidget(text, 1)
        row.addWidget(level)
        self.rows.addLayout(row)
        self.action_rows.append((text, level))
        text.setFocus()
        return text, level

    def save(self) -> str:
        actions = [(t.text(), ConcernLevel(level.currentData())) for t, level in self.action_rows
                   if t.text().strip()]
        return self.workspace.oversight.issue_action_plan(
            self.provider_id, kind=PlanKind(self.kind.currentData()), issued_on=self.today,
            reason=self.reason.toPlainText(), actions=actions).value


class ActionProgressDialog(RecordDialog):
    """Extend an action (a later date and the reason agreed) or complete it (with the evidence)."""

    def __init__(self, workspace: Workspace, action: TrackedAction, complete: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__("Complete an action" if complete else "Extend an action", parent)
        self.workspace, self.action, self.complete = workspace, action, complete
        self.form.addRow(QLabel(f"<b>{action.text}</b><br>{action.provider} · {action.source}<br>"
                                f"Due {action.due_at.astimezone():%d %b %Y %H:%M} ({action.level.label})"))
        self.words = _text("Evidence" if complete else "Reason for the extension")
        when = action.due_at.astimezone() + dt.timedelta(weeks=1)
        self.when = moment_edit(when, "Completed on" if complete else "New due date")
        if complete:
            now = workspace.clock.local_now()
            self.when.setDateTime(QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute)))
            self.form.addRow("&Completed:", self.when)
            self.form.addRow("&Evidence:", self.words)
        else:
            self.form.addRow("&New due date:", self.when)
            self.form.addRow("&Reason agreed:", self.words)

    def save(self) -> None:
        moment = dt.datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch(), dt.UTC)
        oversight = self.workspace.oversight
        if self.complete:
            oversight.complete_action(self.action.kind, self.action.id, completed_at=moment,
                                      evidence=self.words.toPlainText())
        else:
            oversight.extend_action(self.action.kind, self.action.id, new_due=moment,
                                    reason=self.words.toPlainText())


class EndSanctionDialog(RecordDialog):
    """End an embargo, remove an action plan (for one of its Section 12 reasons) or close an alert."""

    def __init__(self, workspace: Workspace, row: SanctionRow, today: dt.date, parent: QWidget | None = None) -> None:
        kind, record_id = row.record or ("", "")
        verb = {"embargo": "End the embargo", "plan": "Remove the action plan",
                "alert": "Close the alert"}.get(kind, "")
        super().__init__(f"{verb}: {row.provider}", parent)
        self.workspace, self.kind, self.record_id = workspace, kind, record_id
        self.form.addRow(QLabel(f"<b>{row.sanction.value}</b> since {row.since:%d %b %Y}<br>{row.concerns}"))
        self.on = _date_edit(today, "Ended on")
        self.form.addRow("&On:", self.on)
        self.reason = QComboBox()
        self.reason.setAccessibleName("Reason for removal")
        if kind == "plan":
            plan_kind = PlanKind.QA if row.sanction.value == "Action plan" else PlanKind.REGULATORY
            for reason in REMOVAL_REASONS[plan_kind]:
                self.reason.addItem(reason.label, reason.value)
            self.form.addRow("&Why (Section 12):", self.reason)

    def save(self) -> None:
        reason = RemovalReason(self.reason.currentData()) if self.kind == "plan" else None
        self.workspace.oversight.end_record(self.kind, self.record_id, _day(self.on), reason)


class IfaFlagsDialog(RecordDialog):
    """Figure 7: what is known in each of the IFA framework's three areas."""

    def __init__(self, workspace: Workspace, provider_id: str, provider_name: str,
                 current: Mapping[IfaArea, IfaConcern | None], parent: QWidget | None = None) -> None:
        super().__init__(f"Figure 7 risk flags: {provider_name}", parent)
        self.workspace, self.provider_id = workspace, provider_id
        self.current = {area: current.get(area) or IfaConcern.NONE for area in IfaArea}
        self.combos: dict[IfaArea, QComboBox] = {}
        for area in IfaArea:
            combo = QComboBox()
            combo.setAccessibleName(f"{area.value} concerns")
            for concern in IfaConcern:
                combo.addItem(concern.value.capitalize(), concern.value)
            combo.setCurrentIndex(combo.findData(self.current[area].value))
            self.combos[area] = combo
            self.form.addRow(f"{area.value}:", combo)
        self.form.addRow(QLabel("An embargo in force makes every flag HIGH (Figure 7)."))

    def save(self) -> None:
        """Only the areas changed are written: one change, one redraw of every screen, per area."""
        for area, combo in self.combos.items():
            concern = IfaConcern(combo.currentData())
            if concern is not self.current[area]:
                self.workspace.oversight.set_ifa_concern(self.provider_id, area, concern)
