"""QA oversight across the register: the due-and-overdue dashboard, the provider sanctions list
(filters, export to XLSX or CSV for the Access to Resources team and senior managers), every
open action, and the records past the 5-year retention (deleted only after typed confirmation).
The same ``workspace.oversight`` as ``qa-desktop dashboard``, ``sanctions``, ``actions`` and
``retention``.

The window hears every change through the ``ChangeHub`` (a case logged on the provider page, an
action completed here, a sync, another program on the same data folder) and redraws each tab whose
records it touched; while hidden it only remembers that it must, and redraws when shown. The
export and the deletion run off the UI thread (``BackgroundTask``), with their errors in words.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.roles import NotAllowed
from qa_desktop.ui.background import BackgroundTask
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.oversight_dialogs import ActionProgressDialog
from qa_desktop.ui.provider_panel import ACTION_COLUMNS, DUE_COLUMNS, SANCTION_COLUMNS, informed_flag
from qa_desktop.ui.rows_model import Column, RowsModel, fit_columns, selected_row, table_view
from qa_desktop.workspace import USER, OpChanges, Workspace
from qa_desktop.workspace.documents import ReplyDue
from qa_desktop.workspace.oversight import (
    RETENTION_YEARS,
    DueItem,
    Expired,
    RetentionReport,
    ReviewDue,
    Sanction,
    SanctionRow,
    TrackedAction,
)

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
REPLY_COLUMNS = (
    Column[ReplyDue]("Reply due", lambda r: f"{r.due_on:%d %b %Y}" + (" (overdue)" if r.overdue else ""),
                     sort=lambda r: r.due_on),
    Column[ReplyDue]("Provider", lambda r: r.provider),
    Column[ReplyDue]("Document", lambda r: r.document),
    Column[ReplyDue]("Issued", lambda r: f"{r.issued_on:%d %b %Y}" if r.issued_on else ""),
)
RETENTION_COLUMNS = (
    Column[Expired]("Ended", lambda e: f"{e.ended_on:%d %b %Y}", sort=lambda e: e.ended_on),
    Column[Expired]("Kind", lambda e: e.kind.capitalize()),
    Column[Expired]("Provider", lambda e: e.provider),
    Column[Expired]("What", lambda e: e.description),
)


#: The tables each tab is read from: a change to any of them redraws that tab (the names are the
#: op log's, as ``OpChanges.records`` gives them).
#: "council_settings": the framework's figures decide what is due and the risk ratings (a ``COUNCIL`` change)
DASHBOARD_TABLES = ("council_settings", "providers", "settings", "placements", "visits", "compliance_reviews",
                    "plan_actions", "action_plans", "visit_actions", "embargoes", "regulatory_alerts", "meetings",
                    "meeting_actions", "qa_cases", "review_items", "review_actions", "package_elements",
                    "report_revisions")
SANCTIONS_TABLES = ("providers", "settings", "embargoes", "action_plans", "regulatory_alerts", "qa_cases")
ACTIONS_TABLES = ("providers", "settings", "visits", "visit_templates", "plan_actions", "action_plans",
                  "visit_actions", "meetings", "meeting_actions", "review_actions", "compliance_reviews")
RETENTION_TABLES = ("providers", "settings", "visits", "qa_cases", "action_plans", "embargoes",
                    "regulatory_alerts")

#: A list's columns are fitted to the text of this many rows (Qt's default: 1,000, each cell's text
#: made in Python), enough for a screenful and more.
FIT_ROWS = 200


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setContentsMargins(0, 8, 0, 2)
    return label


class OversightWindow(QWidget):
    #: The sanctions list's tab.
    SANCTIONS_TAB = 1
    #: The records past retention's tab.
    RETENTION_TAB = 3

    def __init__(self, workspace: Workspace, hub: ChangeHub, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.workspace = workspace
        self.task: BackgroundTask | None = None
        self._stale = False
        self.setWindowTitle("QA oversight: due and overdue, sanctions, actions")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Oversight")
        # what is due and the actions: of the providers monitored by us unless every provider is asked for
        self.everyone = QCheckBox("Show &every provider, not only those monitored by us")
        self.everyone.setToolTip("What is due and the open actions list the providers the council uses; tick to "
                                 "see the whole register's")
        self.everyone.toggled.connect(self._whose_changed)

        # the dashboard
        self.due_model = RowsModel(DASH_DUE_COLUMNS, self, flag=lambda i: "Overdue" if i.due.is_overdue else None)
        self.overdue_model = RowsModel(ALL_ACTION_COLUMNS, self, flag=lambda a: "Overdue")
        self.reviews_model = RowsModel(REVIEW_COLUMNS, self, flag=lambda r: "Review overdue" if r.overdue else None)
        self.replies_model = RowsModel(REPLY_COLUMNS, self, flag=lambda r: "Reply overdue" if r.overdue else None)
        board = QWidget()
        column = QVBoxLayout(board)
        self.due_view = table_view(self.due_model, "Visits and compliance reviews due")
        self.overdue_view = table_view(self.overdue_model, "Actions overdue")
        self.reviews_view = table_view(self.reviews_model, "Restrictions and embargoes due for review")
        self.replies_view = table_view(self.replies_model, "Providers' replies awaited")
        # an empty list says why (walk6: after a first import the four tables were blank, no word why)
        self.due_empty = QLabel()
        self.due_empty.setWordWrap(True)
        self.due_empty.hide()
        for heading, view in (("Visits and compliance reviews due (Figures 1 and 2)", self.due_view),
                              ("Actions overdue (Figure 8)", self.overdue_view),
                              ("Restrictions and embargoes due for review in the next 14 days", self.reviews_view),
                              ("Providers' replies awaited to reports and letters issued", self.replies_view)):
            column.addWidget(_heading(heading))
            if view is self.due_view:
                column.addWidget(self.due_empty)
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
        #: Whether the sanctions list on its tab is the list now: it is made when the tab is first
        #: shown (and after a change, when shown again), its count said on the tab meanwhile. A
        #: regulator's data can put half a large register on it (issue 22: 10,000 lines at 20,000
        #: providers), which the window must not make to open on another tab.
        self._sanctions_current = False
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
        #: Whether the list of records past retention is the list now: read when its tab is first
        #: shown (and after a change, when shown again). Working it out reads every case, visit and
        #: sanction that has ended (44 ms of the window's 270 at 20,000 providers on a slow laptop:
        #: issue 22), for a list looked at now and then; the tab says no count until it is read.
        self._retention_current = False

        for view in (self.due_view, self.overdue_view, self.reviews_view, self.replies_view, self.sanctions_view,
                     self.actions_view, self.retention_view):
            # columns fitted to the first rows, not to every row: 10,000 sanctions took a second
            view.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        layout = QVBoxLayout(self)
        layout.addWidget(self.everyone)
        layout.addWidget(self.tabs)
        self.resize(1200, 760)
        self.refresh()
        self.tabs.currentChanged.connect(self._tab_shown)
        hub.changed.connect(self._on_changes)

    def _whose_changed(self) -> None:
        self.refresh_dashboard()
        self.refresh_actions()

    def refresh(self) -> None:
        """Read every tab again."""
        self._stale = False
        self.refresh_dashboard()
        self._sanctions_changed()
        self.refresh_actions()
        self._retention_changed()

    def _on_changes(self, changes: OpChanges) -> None:
        """Redraw the tabs whose records changed (all of them when the user or their role did: what
        they may read is the role's)."""
        everything = USER in changes.named
        parts = ((DASHBOARD_TABLES, self.refresh_dashboard), (SANCTIONS_TABLES, self._sanctions_changed),
                 (ACTIONS_TABLES, self.refresh_actions), (RETENTION_TABLES, self._retention_changed))
        touched = [refresh for tables, refresh in parts if everything or changes.touches(*tables)]
        if not touched:
            return
        if not self.isVisible():
            self._stale = True  # read when shown, not for every change while nobody looks
            return
        for refresh in touched:
            refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh_dashboard(self) -> None:
        board = self.workspace.oversight.dashboard(everyone=self.everyone.isChecked())
        self.due_model.set_rows(board.due)
        whose = "on the register" if self.everyone.isChecked() else "monitored by us"
        self.due_empty.setText(
            f"No visit or compliance review is overdue or due soon for the providers {whose}. Visits and "
            "reviews fall due from a setting's last visit; a provider with no placement yet needs them before its "
            "first placement, which the register's \"Next due\" column shows (sort by it), not this list.")
        self.due_empty.setVisible(not board.due)
        self.overdue_model.set_rows(board.overdue_actions)
        self.reviews_model.set_rows(board.reviews)
        replies = self.workspace.documents.replies_due()
        self.replies_model.set_rows(replies)
        overdue = sum(1 for i in board.due if i.due.is_overdue) + sum(1 for r in replies if r.overdue)
        self.tabs.setTabText(0, f"Due and overdue ({overdue + len(board.overdue_actions)} overdue)")
        for view in (self.due_view, self.overdue_view, self.reviews_view, self.replies_view):
            fit_columns(view)

    def _retention_changed(self) -> None:
        """The records past retention may have changed: read again if their tab is shown, else
        when it is next shown (the tab's words without a count meanwhile: none is known)."""
        if self.tabs.currentIndex() == self.RETENTION_TAB:
            self.refresh_retention()
            return
        self._retention_current = False
        self.tabs.setTabText(self.RETENTION_TAB, "Past retention")

    def refresh_retention(self) -> None:
        self._retention_current = True
        expired = self.workspace.oversight.past_retention()
        self.retention_model.set_rows(expired)
        self.delete_button.setEnabled(bool(expired))
        self.retention_note.setText(
            f"{len(expired)} record(s) ended more than {RETENTION_YEARS} years ago (Section 11: case information is "
            "kept for up to 5 years). Deleting blanks them on every laptop that syncs, removes their photos and "
            "report files, and keeps only who changed them and when in the audit trail.")
        self.tabs.setTabText(self.RETENTION_TAB, f"Past retention ({len(expired)})")
        fit_columns(self.retention_view)

    def _sanction_filter(self) -> Sanction | None:
        chosen = self.sanction_filter.currentData()
        return Sanction(chosen) if chosen else None

    def _tab_shown(self, index: int) -> None:
        if index == self.SANCTIONS_TAB and not self._sanctions_current:
            self.refresh_sanctions()
        if index == self.RETENTION_TAB and not self._retention_current:
            self.refresh_retention()

    def _sanctions_changed(self) -> None:
        """The sanctions in force may have changed: the list again if its tab is shown, else only
        the count on its tab (the list is made when the tab is next shown). Filtered or searched,
        the count is the list's, so the list is made."""
        if self.tabs.currentIndex() == self.SANCTIONS_TAB or self._sanction_filter() or self.sanction_search.text():
            self.refresh_sanctions()
            return
        self._sanctions_current = False
        self.tabs.setTabText(self.SANCTIONS_TAB, f"Sanctions list ({self.workspace.oversight.sanctions_count()})")

    def refresh_sanctions(self) -> None:
        self._sanctions_current = True
        rows = self.workspace.oversight.sanctions(self._sanction_filter(), text=self.sanction_search.text())
        self.sanctions_model.set_rows(rows)
        untold = sum(1 for r in rows if informed_flag(r))
        untold_words = f"; {untold} without the social work team recorded as informed" if untold else ""
        self.sanctions_count.setText(f"{len(rows)} sanction{'s' if len(rows) != 1 else ''} in force{untold_words}")
        self.tabs.setTabText(self.SANCTIONS_TAB, f"Sanctions list ({len(rows)})")
        fit_columns(self.sanctions_view)

    def refresh_actions(self) -> None:
        actions = self.workspace.oversight.tracked_actions(everyone=self.everyone.isChecked())
        if self.only_overdue.isChecked():
            actions = [a for a in actions if a.overdue]
        self.actions_model.set_rows(actions)
        fit_columns(self.actions_view)

    def _busy(self) -> bool:
        """Whether an export or a deletion is still running (one at a time)."""
        return self.task is not None and self.task.running

    def export_sanctions(self, path: str | None = None) -> BackgroundTask | None:
        """Export the list as filtered on screen, in the background; .xlsx unless the name says .csv."""
        if self._busy():
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "Export the sanctions list",
                f"Provider sanctions {self.workspace.clock.today():%Y-%m-%d}.xlsx",
                "Excel workbook (*.xlsx);;CSV file (*.csv)")
            if not path:
                return None
        target = Path(path) if Path(path).suffix.lower() in (".xlsx", ".csv") else Path(f"{path}.xlsx")
        oversight, sanction, text = self.workspace.oversight, self._sanction_filter(), self.sanction_search.text()
        task = BackgroundTask(self, "Exporting the sanctions list",
                              lambda progress: oversight.export_sanctions(target, sanction, text=text))
        task.finished.connect(lambda count: QMessageBox.information(
            self, "Sanctions list exported", f"Saved {count} sanction{'s' if count != 1 else ''} to {target}. It is "
            "OFFICIAL-SENSITIVE: share it only with the Access to Resources team and senior managers."))
        task.failed.connect(lambda message: QMessageBox.warning(
            self, "Not exported", f"{target} could not be written: {message}"))
        self.task = task.start()
        return task

    def delete_expired(self, confirmation: str | None = None) -> BackgroundTask | None:
        """Delete everything listed, in the background, once the officer has typed DELETE."""
        rows = [self.retention_model.row_at(r) for r in range(self.retention_model.rowCount())]
        if not rows or self._busy():
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
        self.delete_button.setEnabled(False)
        task = BackgroundTask(self, "Deleting records past retention",
                              lambda progress: self.workspace.oversight.apply_retention(rows).value,
                              expected=(ValueError, OSError, NotAllowed))
        task.finished.connect(self._deleted)
        task.failed.connect(self._not_deleted)
        self.task = task.start()
        return task

    def _deleted(self, report: RetentionReport) -> None:
        QMessageBox.information(self, "Records deleted", report.summary())

    def _not_deleted(self, message: str) -> None:
        self.delete_button.setEnabled(self.retention_model.rowCount() > 0)
        QMessageBox.warning(self, "The deletion stopped", message)

    def progress_action(self, complete: bool) -> ActionProgressDialog | None:
        action = selected_row(self.actions_view, self.actions_model)
        if action is None:
            return None
        dialog = ActionProgressDialog(self.workspace, action, complete, self)
        dialog.open()
        return dialog

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if self.task is not None:
            self.task.wait()  # an export or deletion half-way is finished, never cut off
        super().closeEvent(event)
