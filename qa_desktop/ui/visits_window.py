"""Visits and their planning: "My visits" (planned or in progress with this laptop's user among
the officers) and every visit, with the reference that ``report``, ``export-visit`` and
``audit --visit`` accept. Plan a visit, move it or change its officers, save its calendar
invitation (.ics) for Outlook, begin it on the day (its checklists are added and it opens), cancel
it. The same ``workspace.planning`` as ``qa-desktop visits``, ``plan-visit`` and ``visit-invite``.

The lists hear every change through the ``ChangeHub`` (a visit planned on another laptop and
synced, officers changed) and redraw.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.ui.caseload_dialogs import PlanVisitDialog
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.rows_model import Column, RowsModel, selected_row, source_row, table_view
from qa_desktop.workspace import USER, OpChanges, Workspace
from qa_desktop.workspace.planning import VisitRuleError, VisitStatus, VisitSummary

VISIT_COLUMNS = (
    Column[VisitSummary]("Reference", lambda v: v.reference),
    Column[VisitSummary]("When", lambda v: v.when, sort=lambda v: v.starts_at or v.visit_date),
    Column[VisitSummary]("Setting", lambda v: v.setting, tooltip=lambda v: f"{v.provider}\n{v.address}"),
    Column[VisitSummary]("Level", lambda v: v.level.label),
    Column[VisitSummary]("Announced", lambda v: "Announced" if v.announced else "UNANNOUNCED"),
    Column[VisitSummary]("Officers", lambda v: ", ".join(v.officers)),
    Column[VisitSummary]("Status", lambda v: v.status.value.replace("_", " ").capitalize()),
    Column[VisitSummary]("Provider", lambda v: v.provider),
    Column[VisitSummary]("Reason", lambda v: v.reason.label),
)
_TABLES = ("visits", "settings", "providers")


class VisitsWindow(QWidget):
    """My visits, and every visit; a visit in progress opens with Enter (``open_visit``)."""

    open_visit = Signal(str)

    def __init__(self, workspace: Workspace, hub: ChangeHub, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.workspace = workspace
        self.setWindowTitle("Visits: my visits and planning")
        self.mine_model = RowsModel(VISIT_COLUMNS, self, row_id=lambda v: v.id)
        self.all_model = RowsModel(VISIT_COLUMNS, self, row_id=lambda v: v.id)
        self.mine_view = table_view(self.mine_model, "My visits")
        self.all_view = table_view(self.all_model, "Every visit")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Visits")
        self.who = QLabel()
        self.who.setWordWrap(True)
        mine = QWidget()
        column = QVBoxLayout(mine)
        column.addWidget(self.who)
        column.addWidget(self.mine_view, 1)
        self.tabs.addTab(mine, "My visits")
        self.tabs.addTab(self.all_view, "Every visit")
        self.plan_button = QPushButton("&Plan a visit…")
        self.plan_button.clicked.connect(lambda: self.plan())
        self.move_button = QPushButton("&Move or reassign…")
        self.move_button.clicked.connect(lambda: self.reassign())
        self.invite_button = QPushButton("Save the &invitation (.ics)…")
        self.invite_button.setToolTip("A calendar file Outlook opens: the visit goes in your calendar")
        self.invite_button.clicked.connect(lambda: self.save_invitation())
        self.begin_button = QPushButton("&Begin the visit today")
        self.begin_button.clicked.connect(lambda: self.begin())
        self.cancel_button = QPushButton("&Cancel the planned visit…")
        self.cancel_button.clicked.connect(lambda: self.cancel())
        bar = QHBoxLayout()
        for button in (self.plan_button, self.move_button, self.invite_button, self.begin_button, self.cancel_button):
            bar.addWidget(button)
        bar.addStretch(1)
        self.hint = QLabel("Enter opens a visit in progress. The reference works with qa-desktop report, export-visit "
                           "and audit --visit.")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.hint)
        for view in (self.mine_view, self.all_view):
            view.activated.connect(self._activated)
        self.resize(1200, 600)
        self.refresh()
        hub.changed.connect(self._on_changes)

    def refresh(self) -> None:
        mine = self.workspace.planning.my_visits()
        self.mine_model.set_rows(mine)
        self.all_model.set_rows(self.workspace.planning.visits())
        self.who.setText(f"Visits planned or in progress with {self.workspace.user.name} among the officers.")
        self.tabs.setTabText(0, f"My visits ({len(mine)})")
        self.tabs.setTabText(1, f"Every visit ({self.all_model.rowCount()})")
        for view in (self.mine_view, self.all_view):
            view.resizeColumnsToContents()

    def _on_changes(self, changes: OpChanges) -> None:
        if USER in changes.named or changes.touches(*_TABLES):
            self.refresh()

    def _view(self):  # noqa: ANN202 (the tab's view and model)
        return (self.mine_view, self.mine_model) if self.tabs.currentIndex() == 0 else (self.all_view, self.all_model)

    def selected(self) -> VisitSummary | None:
        view, model = self._view()
        return selected_row(view, model)

    def _activated(self, index: QModelIndex) -> None:
        _, model = self._view()
        visit = model.row_at(source_row(index))
        if visit.status is VisitStatus.IN_PROGRESS:
            self.open_visit.emit(visit.id)

    def plan(self, provider_id: str | None = None) -> PlanVisitDialog:
        dialog = PlanVisitDialog(self.workspace, provider_id, parent=self)
        dialog.open()
        return dialog

    def reassign(self) -> PlanVisitDialog | None:
        visit = self.selected()
        if visit is None or visit.status is not VisitStatus.PLANNED:
            return None
        dialog = PlanVisitDialog(self.workspace, summary=visit, parent=self)
        dialog.open()
        return dialog

    def save_invitation(self, path: str | None = None) -> Path | None:
        visit = self.selected()
        if visit is None or visit.status is not VisitStatus.PLANNED:
            QMessageBox.information(self, "No planned visit chosen", "Choose a planned visit first.")
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save the invitation", f"{visit.reference}.ics",
                                                  "Calendar invitation (*.ics)")
            if not path:
                return None
        try:
            saved = self.workspace.planning.save_invitation(visit.id, Path(path))
        except (VisitRuleError, OSError) as error:
            QMessageBox.warning(self, "Invitation not saved", str(error))
            return None
        QMessageBox.information(self, "Invitation saved", f"Saved {saved}. Open it in Outlook to add the visit to "
                                "your calendar" + ("" if visit.announced else "; do not share it with the provider "
                                                   "(unannounced visit)") + ".")
        return saved

    def begin(self) -> str | None:
        visit = self.selected()
        if visit is None or visit.status is not VisitStatus.PLANNED:
            return None
        try:
            visit_id = self.workspace.planning.begin(visit.id).value
        except VisitRuleError as error:
            QMessageBox.warning(self, "Visit not begun", str(error))
            return None
        self.open_visit.emit(visit_id)
        return visit_id

    def cancel(self, confirm: bool | None = None) -> bool:
        visit = self.selected()
        if visit is None or visit.status is not VisitStatus.PLANNED:
            return False
        if confirm is None:
            confirm = QMessageBox.question(self, "Cancel the visit",
                                           f"Cancel the planned visit {visit.reference} to {visit.setting}?") \
                == QMessageBox.StandardButton.Yes
        if not confirm:
            return False
        self.workspace.planning.cancel(visit.id)
        return True
