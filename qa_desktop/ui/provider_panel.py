"""The provider page, beside the register: the selected provider's facts, any embargo in force (in
a red box at the top, in words), its settings with their next QA visit, what is due (Figures 1 and
2), its visit history, its open actions from plans and visits (overdue ones flagged; extend or
complete them here), its QA cases with the risk rating by year (Figures 6 and 7) and the sanctions
in force. Everything comes from the workspace's ``register.page``, as ``qa-desktop provider``
prints it. Enter or a double click on a visit opens it; the buttons log a case, issue an embargo or
an action plan, or log a regulatory alert.

The page listens to the change signal (``ChangeHub``) and reads itself again whenever a change
touches its provider, wherever it was made: one of its own forms, a visit window, a sync, another
program on the same data folder. No one has to tell it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.schedule import DueStatus
from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.ui.audit_dialog import AuditDialog
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.documents_menu import DocumentsButton, open_with_system_viewer
from qa_desktop.ui.oversight_dialogs import (
    ActionPlanDialog,
    ActionProgressDialog,
    AlertDialog,
    CaseDialog,
    EmbargoDialog,
    EndSanctionDialog,
    IfaFlagsDialog,
    RecordDialog,
)
from qa_desktop.ui.palette import warning_colour, warning_style
from qa_desktop.ui.provider_table import due_words
from qa_desktop.ui.rows_model import Column, RowsModel, selected_row, source_row, table_view
from qa_desktop.workspace import FILLING_IN, OpChanges, Workspace
from qa_desktop.workspace.documents import DocumentInfo, DocumentKind, DocumentRuleError
from qa_desktop.workspace.register import (
    CaseLine,
    DueItem,
    ProviderOverview,
    SanctionRow,
    SettingLine,
    TrackedAction,
    VisitLine,
)

SETTING_COLUMNS = (
    Column[SettingLine]("Setting", lambda s: s.name),
    Column[SettingLine]("Address", lambda s: s.address),
    Column[SettingLine]("Places", lambda s: str(s.capacity or ""), sort=lambda s: s.capacity),
    Column[SettingLine]("Next QA visit", lambda s: due_words(s.next_visit),
                        sort=lambda s: s.next_visit.due.due_on if s.next_visit else None),
)
DUE_COLUMNS = (
    Column[DueItem]("Status", lambda i: i.due.status.value.capitalize()),
    Column[DueItem]("Due", lambda i: f"{i.due.due_on:%d %b %Y}" if i.due.due_on else "Before first placement",
                    sort=lambda i: i.due.due_on or dt.date.min),
    Column[DueItem]("What", lambda i: i.due.kind.value),
    Column[DueItem]("Setting", lambda i: i.setting_name or "(the provider)"),
    Column[DueItem]("Why", lambda i: i.due.reason),
)
VISIT_COLUMNS = (
    Column[VisitLine]("Date", lambda v: f"{v.visit_date:%d %b %Y}", sort=lambda v: v.visit_date),
    Column[VisitLine]("Setting", lambda v: v.setting),
    Column[VisitLine]("Level", lambda v: v.level),
    Column[VisitLine]("Announced", lambda v: "Announced" if v.announced else "Unannounced"),
    Column[VisitLine]("Status", lambda v: v.status),
    Column[VisitLine]("Officers", lambda v: v.officers),
    Column[VisitLine]("Actions", lambda v: str(v.actions), sort=lambda v: v.actions),
)
ACTION_COLUMNS = (
    Column[TrackedAction]("Due by (Figure 8)", lambda a: f"{a.due_at.astimezone():%d %b %Y %H:%M}" +
                          (" (overdue)" if a.overdue else "") + (" (extended)" if a.extended else ""),
                          sort=lambda a: a.due_at, tooltip=lambda a: a.extension_reason),
    Column[TrackedAction]("Concern", lambda a: a.level.label),
    Column[TrackedAction]("Action", lambda a: a.text),
    Column[TrackedAction]("From", lambda a: a.source),
)
CASE_COLUMNS = (
    Column[CaseLine]("Opened", lambda c: f"{c.opened_on:%d %b %Y}", sort=lambda c: c.opened_on),
    Column[CaseLine]("Source", lambda c: c.source.label),
    Column[CaseLine]("Category", lambda c: c.category),
    Column[CaseLine]("Safeguarding", lambda c: "Yes" if c.safeguarding else ""),
    Column[CaseLine]("Status", lambda c: c.status.label),
    Column[CaseLine]("Summary", lambda c: c.summary, tooltip=lambda c: c.outcome),
)
SANCTION_COLUMNS = (
    Column[SanctionRow]("Sanction", lambda r: r.sanction.value),
    Column[SanctionRow]("Applies to", lambda r: r.applies_to),
    Column[SanctionRow]("Since", lambda r: f"{r.since:%d %b %Y}", sort=lambda r: r.since),
    Column[SanctionRow]("Review", lambda r: f"{r.review_on:%d %b %Y}" if r.review_on else "",
                        sort=lambda r: r.review_on),
    Column[SanctionRow]("Social work told", lambda r: f"{r.social_work_informed:%d %b %Y}" if r.social_work_informed
                        else ("NOT RECORDED" if r.informed_needed else "")),
    Column[SanctionRow]("Detail", lambda r: r.detail),
    Column[SanctionRow]("Concerns", lambda r: r.concerns),
)


#: A form that records something about one provider (``CaseDialog``, ``EmbargoDialog``, ...):
#: ``(workspace, provider id, provider name, today, parent)``.
RecordForm = Callable[[Workspace, str, str, dt.date, QWidget | None], RecordDialog]


def informed_flag(row: SanctionRow) -> str | None:
    if row.informed_needed and not row.social_work_informed:
        return "The social work team must be told (Section 12)"
    return None


def _page(view: QTableView, *above: QWidget | QHBoxLayout) -> QWidget:
    """A tab page: whatever goes above the table (a line of buttons, a rating), then the table."""
    page = QWidget()
    column = QVBoxLayout(page)
    column.setContentsMargins(0, 4, 0, 0)
    for part in above:
        if isinstance(part, QHBoxLayout):
            column.addLayout(part)
        else:
            column.addWidget(part)
    column.addWidget(view, 1)
    return page


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class ProviderPanel(QWidget):
    open_visit = Signal(str)
    #: "Start a visit" for this provider (the window opens the start dialog on its settings)
    start_visit = Signal(str)
    #: How a made letter is shown; tests replace it rather than start a PDF viewer.
    open_file = staticmethod(open_with_system_viewer)

    def __init__(self, workspace: Workspace, hub: ChangeHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.overview: ProviderOverview | None = None
        self.title = QLabel("Choose a provider in the register to see its page.")
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setAccessibleName("Provider facts")
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName("Embargo warning")
        self.warnings.setStyleSheet(f"{warning_style()}; border: 2px solid {warning_colour().name()}; padding: 6px")
        self.warnings.hide()
        self.rating = QLabel()
        self.rating.setWordWrap(True)
        self.rating.setAccessibleName("Risk rating")
        self.settings_model = RowsModel(SETTING_COLUMNS, self, row_id=lambda s: s.id,
                                        flag=lambda s: "Visit overdue" if s.next_visit and
                                        s.next_visit.due.status is DueStatus.OVERDUE else None)
        self.due_model = RowsModel(DUE_COLUMNS, self, flag=lambda i: "Overdue" if i.due.status is DueStatus.OVERDUE
                                   else None)
        self.visits_model = RowsModel(VISIT_COLUMNS, self, row_id=lambda v: v.id)
        self.actions_model = RowsModel(ACTION_COLUMNS, self, flag=lambda a: "Overdue" if a.overdue else None)
        self.cases_model = RowsModel(CASE_COLUMNS, self, flag=lambda c: "Safeguarding" if c.safeguarding else None)
        self.sanctions_model = RowsModel(SANCTION_COLUMNS, self, flag=informed_flag)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Provider page")
        self.views: dict[str, QTableView] = {}
        tables = (("settings", self.settings_model, "Settings"), ("due", self.due_model, "What is due"),
                  ("visits", self.visits_model, "Visits"), ("actions", self.actions_model, "Actions"),
                  ("cases", self.cases_model, "Risk and cases"), ("sanctions", self.sanctions_model, "Sanctions"))
        for key, model, name in tables:
            self.views[key] = table_view(model, name)
        self.extend_button = QPushButton("E&xtend the selected action…")
        self.extend_button.clicked.connect(lambda: self.progress_action(complete=False))
        self.complete_button = QPushButton("Co&mplete the selected action…")
        self.complete_button.clicked.connect(lambda: self.progress_action(complete=True))
        self.ifa_button = QPushButton("Figure &7 flags…")
        self.ifa_button.clicked.connect(self.edit_ifa_flags)
        self.end_button = QPushButton("E&nd or remove the selected sanction…")
        self.end_button.clicked.connect(self.end_sanction)
        self.letter_button = QPushButton("&Letter for the selected sanction…")
        self.letter_button.setToolTip("The QA improvement plan or the embargo notification, as a draft to check, "
                                      "submit and issue (Report status on the letter's lifecycle: issue 18)")
        self.letter_button.clicked.connect(lambda: self.make_letter())
        self.letter_status = DocumentsButton(workspace, None, self, latest=self._selected_letter,
                                             words="Letter s&tatus")
        self.told_button = QPushButton("Social work team &told today")
        self.told_button.setToolTip("Section 12: the social work team must be told of an embargo or action plan")
        self.told_button.clicked.connect(self.social_work_told)
        rating_line = QHBoxLayout()
        rating_line.addWidget(self.rating, 1)
        rating_line.addWidget(self.ifa_button, 0, Qt.AlignmentFlag.AlignTop)
        pages = {"actions": _page(self.views["actions"], _buttons(self.extend_button, self.complete_button)),
                 "cases": _page(self.views["cases"], rating_line),
                 "sanctions": _page(self.views["sanctions"], _buttons(self.end_button, self.letter_button,
                                                                      self.letter_status, self.told_button))}
        for key, _, name in tables:
            self.tabs.addTab(pages.get(key, self.views[key]), name)
        visits = self.views["visits"]
        visits.activated.connect(self._visit_chosen)  # Enter or double click
        self.record_buttons: list[QPushButton] = []
        records = QHBoxLayout()
        self.start_button = QPushButton("Start a &visit…")
        self.start_button.setToolTip("Start a visit to one of this provider's settings (Ctrl+N)")
        self.start_button.clicked.connect(self._start_visit)
        records.addWidget(self.start_button)
        self.record_buttons.append(self.start_button)
        for words, dialog in (("Log a &case…", CaseDialog), ("Issue an &embargo…", EmbargoDialog),
                              ("Issue an action &plan…", ActionPlanDialog), ("Log a regulatory &alert…", AlertDialog)):
            button = QPushButton(words)
            button.clicked.connect(lambda _=False, d=dialog: self.record(d))
            records.addWidget(button)
            self.record_buttons.append(button)
        records.addStretch(1)
        audit = QPushButton("Au&dit trail…")
        audit.clicked.connect(lambda: self.show_audit())
        records.addWidget(audit)
        self.record_buttons.append(audit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.warnings)
        layout.addWidget(self.facts)
        layout.addLayout(records)
        layout.addWidget(self.tabs, 1)
        self._enable(False)
        hub.changed.connect(self._on_changes)

    def _enable(self, on: bool) -> None:
        for button in (*self.record_buttons, self.extend_button, self.complete_button, self.end_button,
                       self.letter_button, self.told_button):
            button.setEnabled(on)
        self.ifa_button.setVisible(on and self.overview is not None and self.overview.ifa is not None)

    def _on_changes(self, changes: OpChanges) -> None:
        """Read the page again when a change touched this provider (anything else: nothing to do)."""
        if changes.only(FILLING_IN):
            return  # answers being given on a visit: nothing this page shows
        if self.overview is not None and changes.touches_provider(self.overview.id):
            self.show_provider(self.overview.id)

    def show_provider(self, provider_id: str | None) -> None:
        page = self._read(provider_id) if provider_id is not None else None
        if page is None:
            self._show_nothing()
            return
        self._enable(True)
        self.overview = page
        self.title.setText(page.name)
        half = (len(page.facts) + 1) // 2  # two columns of facts, so the tables below keep their room
        pairs = [(page.facts[i], page.facts[i + half] if i + half < len(page.facts) else ("", ""))
                 for i in range(half)]
        cells = "".join("<tr>" + "".join(f"<td style='padding-right:10px'><b>{escape(k)}</b></td>"
                                         f"<td style='padding-right:28px'>{escape(v)}</td>" for k, v in pair) + "</tr>"
                        for pair in pairs)
        self.facts.setText(f"<table>{cells}</table>")
        self.settings_model.set_rows(page.settings)
        self.due_model.set_rows(page.due)
        self.visits_model.set_rows(page.visits)
        self.actions_model.set_rows(page.actions)
        self.cases_model.set_rows(page.cases)
        self.sanctions_model.set_rows(page.sanctions)
        self.warnings.setText("⚠ " + "\n⚠ ".join(page.warnings) if page.warnings else "")
        self.warnings.setVisible(bool(page.warnings))
        today = self.workspace.clock.today()
        this_year = page.ratings[0] if page.ratings and page.ratings[0].year == today.year else None
        by_year = ", ".join(f"{r.year}: {r.rag.label} ({r.cases} case{'s' if r.cases != 1 else ''})"
                            for r in page.ratings)
        rating = f"Risk rating this year (Figure 6): {this_year.rag.label if this_year else 'no cases'}"
        if by_year:
            rating += f". By year: {by_year}"
        if page.ifa is not None:
            rating += (f"\nFigure 7 flags: performance/practice {page.ifa.performance_practice.label}, safeguarding "
                       f"{page.ifa.safeguarding.label}, contract compliance {page.ifa.contract_compliance.label}")
        self.rating.setText(rating)
        self.ifa_button.setVisible(page.ifa is not None)
        overdue = sum(1 for i in page.due if i.due.status is DueStatus.OVERDUE)
        self.tabs.setTabText(0, f"Settings ({len(page.settings)})")
        self.tabs.setTabText(1, f"What is due ({overdue} overdue)" if overdue else f"What is due ({len(page.due)})")
        self.tabs.setTabText(2, f"Visits ({len(page.visits)})")
        self.tabs.setTabText(3, f"Actions ({len(page.actions)}, {page.overdue_actions} overdue)"
                             if page.overdue_actions else f"Actions ({len(page.actions)})")
        self.tabs.setTabText(4, f"Risk and cases ({this_year.rag.label if this_year else 'no cases'})")
        self.tabs.setTabText(5, f"Sanctions ({len(page.sanctions)})")
        for view in self.views.values():
            view.resizeColumnsToContents()

    def _read(self, provider_id: str) -> ProviderOverview | None:
        """The provider's page, or None when it has gone from the register (deleted by a sync)."""
        try:
            return self.workspace.register.page(provider_id)
        except VisitRuleError:
            return None

    def _show_nothing(self) -> None:
        self.overview = None
        for model in (self.settings_model, self.due_model, self.visits_model, self.actions_model,
                      self.cases_model, self.sanctions_model):
            model.set_rows([])
        self.title.setText("Choose a provider in the register to see its page.")
        self.facts.clear()
        self.warnings.hide()
        self._enable(False)

    def show_audit(self) -> AuditDialog | None:
        if self.overview is None:
            return None
        dialog = AuditDialog(self.overview.name, self.workspace.register.audit(self.overview.id), self)
        dialog.open()
        return dialog

    def record(self, kind: RecordForm) -> RecordDialog | None:
        """Open one of the oversight forms for this provider; what it saves comes back as a change
        to this provider, and the page (and the register's row) redraw from that."""
        if self.overview is None:
            return None
        dialog = kind(self.workspace, self.overview.id, self.overview.name, self.workspace.clock.today(), self)
        dialog.open()
        return dialog

    def progress_action(self, complete: bool) -> ActionProgressDialog | None:
        action = selected_row(self.views["actions"], self.actions_model)
        if action is None:
            return None
        dialog = ActionProgressDialog(self.workspace, action, complete, self)
        dialog.open()
        return dialog

    def _selected_sanction(self) -> SanctionRow | None:
        return selected_row(self.views["sanctions"], self.sanctions_model)

    def end_sanction(self) -> EndSanctionDialog | None:
        row = self._selected_sanction()
        if row is None or row.record is None:
            return None
        dialog = EndSanctionDialog(self.workspace, row, self.workspace.clock.today(), self)
        dialog.open()
        return dialog

    def _selected_letter(self) -> DocumentInfo | None:
        """The latest revision of the selected sanction's letter, if one was made."""
        row = self._selected_sanction()
        if row is None or row.record is None or row.record[0] not in ("embargo", "plan"):
            return None
        kind = DocumentKind.EMBARGO_NOTICE if row.record[0] == "embargo" else DocumentKind.ACTION_PLAN
        made = self.workspace.documents.letters_of(kind, row.record[1])
        return made[-1] if made else None

    def make_letter(self) -> Path | None:
        """The selected embargo's notification or plan's QA improvement plan, made (a draft until it is
        submitted and approved) and opened."""
        row = self._selected_sanction()
        if row is None or row.record is None or row.record[0] not in ("embargo", "plan"):
            QMessageBox.information(self, "Letter", "Choose an embargo or an action plan in the list first.")
            return None
        kind = DocumentKind.EMBARGO_NOTICE if row.record[0] == "embargo" else DocumentKind.ACTION_PLAN
        try:
            result = self.workspace.documents.letter(kind, row.record[1]).value
        except (DocumentRuleError, ValueError, OSError) as error:
            QMessageBox.information(self, "The letter was not made", str(error))
            return None
        self.open_file(result.path)
        return result.path

    def social_work_told(self) -> None:
        row = self._selected_sanction()
        if row is None or row.record is None or row.record[0] not in ("embargo", "plan"):
            return
        kind, record_id = row.record
        self.workspace.oversight.social_work_informed(kind, record_id, self.workspace.clock.today())

    def edit_ifa_flags(self) -> IfaFlagsDialog | None:
        if self.overview is None or self.overview.ifa is None:
            return None
        dialog = IfaFlagsDialog(self.workspace, self.overview.id, self.overview.name,
                                dict(self.overview.ifa_concerns), self)
        dialog.open()
        return dialog

    def _start_visit(self) -> None:
        if self.overview is not None:
            self.start_visit.emit(self.overview.id)

    def _visit_chosen(self, index: QModelIndex) -> None:
        self.open_visit.emit(self.visits_model.row_at(source_row(index)).id)
