"""QA oversight across the register: the due-and-overdue dashboard, the provider sanctions list
(filters, export to XLSX or CSV for the Access to Resources team and senior managers), every
open action, and the records past the 5-year retention (deleted only after typed confirmation).
The same services as ``qa-desktop dashboard``, ``sanctions``, ``actions`` and ``retention``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QTabWidget, QVBoxLayout, QWidget)

from qa_desktop.services.due import DueItem
from qa_desktop.services.oversight import TrackedAction, tracked_actions
from qa_desktop.services.retention import RETENTION_YEARS, Expired, RetentionReport, apply_retention, past_retention
from qa_desktop.services.sanctions import ReviewDue, Sanction, SanctionRow, dashboard, export, sanctions_list
from qa_desktop.store.database import Store
from qa_desktop.ui.oversight_dialogs import ActionProgressDialog
from qa_desktop.ui.provider_panel import ACTION_COLUMNS, DUE_COLUMNS, SANCTION_COLUMNS, informed_flag
from qa_desktop.ui.rows_model import Column, RowsModel, selected_row, table_view

SANCTIONS_COLUMNS = (
    Column[SanctionRow]("Provider", lambda r: r.provider),
    Column[SanctionRow]("URN", lambda r: r.urn),
    Column[SanctionRow]("Service type", lambda r: r.service_type),
    *SANCTION_COLUMNS,
    Column[SanctionRow]("Risk", lambda r: r.rating.label, sort=lambda r: -r.rating.rank),
)
DASH_DUE_COLUMNS = (Column[DueItem]("Provider", lambda i: i.provider_name), *DUE_COLUMNS)
REVIEW_COLUMNS = (
    Column[ReviewDue]("Review", lambda r: f"{r.review_on:%d %b %Y}" + (" (overdue)" if r.overdue else ""),
                      sort=lambda r: r.review_on),
    Column[ReviewDue]("Provider", lambda r: r.provider),
    Column[ReviewDue]("What", lambda r: r.what),
)
ALL_ACTION_COLUMNS = (Column[TrackedAction]("Provider", lambda a: a.provider), *ACTION_COLUMNS)
RETENTION_COLUMNS = (
    Column[Expired]("Ended", lambda e: f"{e.ended_on:%d %b %Y}", sort=lambda e: e.ended_on),
    Column[Expired]("Kind", lambda e: e.kind.capitalize()),
    Column[Expired]("Provider", lambda e: e.provider),
    Column[Expired]("What", lambda e: e.description),
)


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setContentsMargins(0, 8, 0, 2)
    return label


class OversightWindow(QWidget):
    changed = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store = store
        self.setWindowTitle("QA oversight: due and overdue, sanctions, actions")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Oversight")

        # the dashboard
        self.due_model = RowsModel(DASH_DUE_COLUMNS, self, flag=lambda i: "Overdue" if i.due.is_overdue else None)
        self.overdue_model = RowsModel(ALL_ACTION_COLUMNS, self, flag=lambda a: "Overdue")
        self.reviews_model = RowsModel(REVIEW_COLUMNS, self, flag=lambda r: "Review overdue" if r.overdue else None)
        board = QWidget()
        column = QVBoxLayout(board)
        self.due_view = table_view(self.due_model, "Visits and compliance reviews due")
        self.overdue_view = table_view(self.overdue_model, "Actions overdue")
        self.reviews_view = table_view(self.reviews_model, "Restrictions and embargoes due for review")
        for heading, view in (("Visits and compliance reviews due (Figures 1 and 2)", self.due_view),
                              ("Actions overdue (Figure 8)", self.overdue_view),
                              ("Restrictions and embargoes due for review in the next 14 days", self.reviews_view)):
            column.addWidget(_heading(heading))
            column.addWidget(view, 1)
        self.tabs.addTab(board, "Due and overdue")

        # the sanctions list
        self.sanctions_model = RowsModel(SANCTIONS_COLUMNS, self, flag=informed_flag)
        self.sanctions_view = table_view(self.sanctions_model, "Provider sanctions list")
        self.sanction_filter = QComboBox()
        self.sanction_filter.setAccessibleName("Filter by sanction")
        self.sanction_filter.addItem("Every sanction", None)
        for sanction in Sanction:
            self.sanction_filter.addItem(sanction.value, sanction.value)
        self.sanction_search = QLineEdit(placeholderText="Search provider, URN, property or concern")
        self.sanction_search.setClearButtonEnabled(True)
        self.sanction_search.setAccessibleName("Search the sanctions list")
        self.export_button = QPushButton("&Export…")
        self.export_button.setToolTip("Save the list as shown to an Excel workbook (.xlsx) or a CSV file")
        self.export_button.clicked.connect(lambda: self.export_sanctions())
        self.sanctions_count = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.sanction_search, 2)
        bar.addWidget(self.sanction_filter, 1)
        bar.addWidget(self.export_button)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(bar)
        column.addWidget(self.sanctions_view, 1)
        column.addWidget(self.sanctions_count)
        self.tabs.addTab(page, "Sanctions list")
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self.refresh_sanctions)
        self.sanction_search.textChanged.connect(self._search_timer.start)
        self.sanction_filter.currentIndexChanged.connect(self.refresh_sanctions)

        # every open action
        self.actions_model = RowsModel(ALL_ACTION_COLUMNS, self, flag=lambda a: "Overdue" if a.overdue else None)
        self.actions_view = table_view(self.actions_model, "Open actions")
        self.only_overdue = QCheckBox("Only &overdue")
        self.only_overdue.toggled.connect(self.refresh_actions)
        extend = QPushButton("E&xtend…")
        extend.clicked.connect(lambda: self.progress_action(False))
        complete = QPushButton("Co&mplete…")
        complete.clicked.connect(lambda: self.progress_action(True))
        bar = QHBoxLayout()
        bar.addWidget(self.only_overdue)
        bar.addStretch(1)
        bar.addWidget(extend)
        bar.addWidget(complete)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(bar)
        column.addWidget(self.actions_view, 1)
        self.tabs.addTab(page, "Open actions")

        # records past retention
        self.retention_model = RowsModel(RETENTION_COLUMNS, self)
        self.retention_view = table_view(self.retention_model, "Records past retention")
        self.delete_button = QPushButton("&Delete these records for good…")
        self.delete_button.clicked.connect(lambda: self.delete_expired())
        self.retention_note = QLabel()
        self.retention_note.setWordWrap(True)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(self.retention_note)
        column.addWidget(self.retention_view, 1)
        column.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs.addTab(page, "Past retention")

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.resize(1200, 760)
        self.refresh()

    def refresh(self) -> None:
        now = self.store.clock.now()
        with self.store.read() as session:
            board = dashboard(session, now)
        self.due_model.set_rows(board.due)
        self.overdue_model.set_rows(board.overdue_actions)
        self.reviews_model.set_rows(board.reviews)
        overdue = sum(1 for i in board.due if i.due.is_overdue)
        self.tabs.setTabText(0, f"Due and overdue ({overdue + len(board.overdue_actions)} overdue)")
        self.refresh_sanctions()
        self.refresh_actions()
        with self.store.read() as session:
            expired = past_retention(session, self.store.clock.today())
        self.retention_model.set_rows(expired)
        self.delete_button.setEnabled(bool(expired))
        self.retention_note.setText(
            f"{len(expired)} record(s) ended more than {RETENTION_YEARS} years ago (Section 11: case information is "
            "kept for up to 5 years). Deleting blanks them on every laptop that syncs, removes their photos and "
            "report files, and keeps only who changed them and when in the audit trail.")
        self.tabs.setTabText(3, f"Past retention ({len(expired)})")
        for view in (self.due_view, self.overdue_view, self.reviews_view, self.sanctions_view, self.actions_view):
            view.resizeColumnsToContents()

    def shown_sanctions(self) -> list[SanctionRow]:
        chosen = self.sanction_filter.currentData()
        with self.store.read() as session:
            return sanctions_list(session, self.store.clock.today(), sanction=Sanction(chosen) if chosen else None,
                                  text=self.sanction_search.text())

    def refresh_sanctions(self) -> None:
        rows = self.shown_sanctions()
        self.sanctions_model.set_rows(rows)
        untold = sum(1 for r in rows if informed_flag(r))
        self.sanctions_count.setText(f"{len(rows)} sanction{'s' if len(rows) != 1 else ''} in force"
                                     + (f"; {untold} without the social work team recorded as informed" if untold else ""))
        self.tabs.setTabText(1, f"Sanctions list ({len(rows)})")

    def refresh_actions(self) -> None:
        with self.store.read() as session:
            actions = tracked_actions(session, self.store.clock.now())
        if self.only_overdue.isChecked():
            actions = [a for a in actions if a.overdue]
        self.actions_model.set_rows(actions)

    def export_sanctions(self, path: str | None = None) -> Path | None:
        """Export the list as filtered on screen; .xlsx unless the name says .csv."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export the sanctions list",
                                                  f"Provider sanctions {self.store.clock.today():%Y-%m-%d}.xlsx",
                                                  "Excel workbook (*.xlsx);;CSV file (*.csv)")
            if not path:
                return None
        target = Path(path) if Path(path).suffix.lower() in (".xlsx", ".csv") else Path(f"{path}.xlsx")
        try:
            export(self.shown_sanctions(), target, self.store.clock.today())
        except (OSError, ValueError) as error:
            QMessageBox.warning(self, "Not exported", f"{target} could not be written: {error}")
            return None
        QMessageBox.information(self, "Sanctions list exported", f"Saved to {target}. It is OFFICIAL-SENSITIVE: "
                                "share it only with the Access to Resources team and senior managers.")
        return target

    def delete_expired(self, confirmation: str | None = None) -> RetentionReport | None:
        """Delete everything listed, once the officer has typed DELETE."""
        rows = [self.retention_model.row_at(r) for r in range(self.retention_model.rowCount())]
        if not rows:
            return None
        if confirmation is None:
            confirmation, ok = QInputDialog.getText(
                self, "Delete records past retention",
                f"This deletes {len(rows)} record(s) for good, on every laptop that syncs.\nType DELETE to go on:")
            if not ok:
                return None
        if confirmation.strip() != "DELETE":
            QMessageBox.information(self, "Nothing deleted", "Nothing was deleted.")
            return None
        report = apply_retention(self.store, rows)
        self.refresh()
        self.changed.emit()
        QMessageBox.information(self, "Records deleted", report.summary())
        return report

    def progress_action(self, complete: bool) -> ActionProgressDialog | None:
        action = selected_row(self.actions_view, self.actions_model)
        if action is None:
            return None
        dialog = ActionProgressDialog(self.store, action, complete, self)
        dialog.accepted.connect(self.refresh)
        dialog.accepted.connect(self.changed.emit)
        dialog.open()
        return dialog
