"""The main window: the provider register with type-ahead search and filters (service type,
judgement, what is due), the selected provider's page beside it, and the File, Visit and Sync menus.

Search is debounced (a short pause after typing) and runs the register service's search, which
matches name, URN, organisation, town and postcode. What is due across the register is worked out
once when the data changes (start, import, sync, a visit completed), not on every key. The
window's size, position, column widths and the split between register and page are remembered
between sessions (QSettings).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QInputDialog,
                               QLabel, QLineEdit, QMainWindow, QMessageBox, QSplitter, QTableView, QVBoxLayout,
                               QWidget)

from sqlalchemy import select

import datetime as dt

from qa_desktop.domain.regulation import Judgement
from qa_desktop.domain.risk import Rag
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.visits import VisitStatus
from qa_desktop.forms.library import library_for
from qa_desktop.store.models import Setting, Visit
from qa_desktop.services.provider_import import ImportFileError, ImportReport, import_providers
from qa_desktop.services.register import DueFilter, RegisterContext, register_context, search_providers
from qa_desktop.store.database import Store
from qa_desktop.sync.bundle import NeedsCode, import_bundle
from qa_desktop.credentials import CredentialsError, team_key
from qa_desktop.sync.wire import SyncFileError
from qa_desktop.ui.background import BackgroundTask
from qa_desktop.ui.conflicts_dialog import ConflictsDialog
from qa_desktop.ui.oversight_window import OversightWindow
from qa_desktop.ui.provider_panel import ProviderPanel
from qa_desktop.ui.provider_table import SORT_ROLE, ProviderTableModel
from qa_desktop.ui.sync_controller import SyncController
from qa_desktop.ui.start_visit_dialog import StartVisitDialog
from qa_desktop.ui.sync_settings_dialog import SyncSettingsDialog
from qa_desktop.ui.visit_window import VisitWindow

SEARCH_DELAY_MS = 150


class MainWindow(QMainWindow):
    def __init__(self, store: Store, settings: QSettings | None = None) -> None:
        super().__init__()
        self.store = store
        self._settings = settings or QSettings()
        self.setWindowTitle("QA Desktop: provider register")

        self.search = QLineEdit(placeholderText="Search name, URN, postcode or town")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search providers")
        self.type_filter = QComboBox()
        self.type_filter.setAccessibleName("Filter by service type")
        self.type_filter.addItem("All service types", None)
        for service_type in ServiceType:
            self.type_filter.addItem(service_type.label, service_type)
        self.judgement_filter = QComboBox()
        self.judgement_filter.setAccessibleName("Filter by judgement")
        self.judgement_filter.addItem("Any judgement", None)
        for judgement in Judgement:
            self.judgement_filter.addItem(judgement.label, judgement.value)  # Qt hands a StrEnum back as text
        self.due_filter = QComboBox()
        self.due_filter.setAccessibleName("Filter by what is due")
        self.due_filter.addItem("Anything due or not", None)
        for due in DueFilter:
            self.due_filter.addItem(due.label, due.value)
        self.risk_filter = QComboBox()
        self.risk_filter.setAccessibleName("Filter by risk rating")
        self.risk_filter.addItem("Any risk rating", None)
        for rag in reversed(Rag):
            self.risk_filter.addItem(f"Risk: {rag.label}", rag.value)
        self.context: RegisterContext | None = None

        self.model = ProviderTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Providers")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)
        self.count = QLabel()
        self.panel = ProviderPanel(store, self)
        self.panel.open_visit.connect(self.show_visit)
        self.panel.changed.connect(self.reload)

        find = QLabel("&Find:")
        find.setBuddy(self.search)
        bar = QHBoxLayout()
        bar.addWidget(find)
        bar.addWidget(self.search, 1)
        filters = QHBoxLayout()
        for combo in (self.type_filter, self.judgement_filter, self.due_filter, self.risk_filter):
            filters.addWidget(combo)
        filters.addStretch(1)
        layout = QVBoxLayout()
        layout.addLayout(bar)
        layout.addLayout(filters)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(self.table)
        self.split.addWidget(self.panel)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        layout.addWidget(self.split)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        self.statusBar().addPermanentWidget(self.count)
        who = QLabel(f"{store.user.name} ({store.user.role.label})")
        who.setAccessibleName("Signed in as")
        who.setToolTip("Set with `qa-desktop user --name … --role …`; recorded with every change")
        self.statusBar().addPermanentWidget(who)
        self.sync = SyncController(store, self)
        self.statusBar().addWidget(self.sync.label)
        self.statusBar().addPermanentWidget(self.sync.bar)
        self._build_file_menu()
        self._build_visit_menu()
        self._build_oversight_menu()
        self._build_sync_menu()

        focus_search = QAction("Find", self, shortcut=QKeySequence.StandardKey.Find)
        focus_search.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(focus_search)

        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        for combo in (self.type_filter, self.judgement_filter, self.due_filter, self.risk_filter):
            combo.currentIndexChanged.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self._panel_timer = QTimer(self, singleShot=True, interval=500)
        self._panel_timer.timeout.connect(self._show_selected)

        self.reload()
        self._restore()

    def _build_file_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        import_action = QAction("&Import providers from a CSV…", self, shortcut=QKeySequence("Ctrl+I"))
        import_action.triggered.connect(lambda: self.import_providers())
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(import_action)
        menu.addSeparator()
        menu.addAction(quit_action)
        self.import_task: BackgroundTask | None = None

    def import_providers(self, path: str | None = None) -> BackgroundTask | None:
        """Import an Ofsted-layout provider CSV in the background, with progress; then say what happened."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import providers", "", "CSV files (*.csv);;All files (*)")
        if not path:
            return None
        task = BackgroundTask(self, "Importing providers",
                              lambda progress: import_providers(self.store, Path(path),
                                                                progress=lambda done, total: progress("Row", done, total)),
                              expected=(ImportFileError, OSError))
        task.finished.connect(self._imported)
        task.failed.connect(lambda message: QMessageBox.warning(
            self, "Providers not imported", f"{message}\n\nNothing in the register was changed."))
        self.import_task = task.start()
        return task

    def _imported(self, report: ImportReport) -> None:
        self.reload()
        self.sync.refresh_status()
        details = [f"{report.summary()} (read as {report.encoding})."]
        if report.skipped:
            details.append("Rows skipped:\n" + "\n".join(f"• {s}" for s in report.skipped[:15])
                           + ("\n…" if len(report.skipped) > 15 else ""))
        if report.ignored_columns:
            details.append(f"Columns not used: {', '.join(report.ignored_columns)}")
        QMessageBox.information(self, "Providers imported", "\n\n".join(details))

    def _build_visit_menu(self) -> None:
        menu = self.menuBar().addMenu("&Visit")
        start = QAction("&Start a visit…", self, shortcut=QKeySequence("Ctrl+N"))
        start.triggered.connect(self.start_visit)
        resume = QAction("&Open a visit in progress…", self, shortcut=QKeySequence("Ctrl+O"))
        resume.triggered.connect(self.open_visit_in_progress)
        menu.addAction(start)
        menu.addAction(resume)
        self.visit_windows: list[VisitWindow] = []

    def start_visit(self) -> StartVisitDialog:
        """Start a visit to the selected provider's setting (or any), then open it."""
        provider_id = self.selected_provider_id()
        dialog = StartVisitDialog(self.store, library_for(self.store.data_dir), provider_id=provider_id, parent=self)
        dialog.accepted.connect(lambda: dialog.visit_id and self.show_visit(dialog.visit_id))
        dialog.open()
        return dialog

    def open_visit_in_progress(self) -> None:
        with self.store.read() as session:
            rows = session.execute(select(Visit, Setting).join(Setting, Visit.setting_id == Setting.id)
                                   .where(Visit.status == VisitStatus.IN_PROGRESS, Visit.deleted.is_(False))
                                   .order_by(Visit.visit_date.desc())).all()
        if not rows:
            QMessageBox.information(self, "No visit in progress", "There is no visit in progress on this laptop.")
            return
        labels = [f"{setting.name}, {visit.visit_date:%d %b %Y} ({visit.level.label})" for visit, setting in rows]
        chosen, ok = QInputDialog.getItem(self, "Open a visit", "Visit in progress:", labels, 0, False)
        if ok:
            self.show_visit(rows[labels.index(chosen)][0].id)

    def show_visit(self, visit_id: str) -> VisitWindow:
        window = VisitWindow(self.store, visit_id)
        window.saved.connect(self.sync.refresh_status)
        window.saved.connect(self._panel_timer.start)  # actions raised show on the provider page
        window.completed.connect(self.reload)
        self.visit_windows.append(window)
        window.show()
        return window

    def _build_oversight_menu(self) -> None:
        menu = self.menuBar().addMenu("&Oversight")
        for words, tab, keys in (("&Due and overdue…", 0, "Ctrl+D"), ("&Sanctions list…", 1, "Ctrl+L"),
                                 ("Open &actions…", 2, ""), ("Records past &retention…", 3, "")):
            action = QAction(words, self)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _=False, t=tab: self.show_oversight(t))
            menu.addAction(action)
        self.oversight: OversightWindow | None = None

    def show_oversight(self, tab: int = 0) -> OversightWindow:
        if self.oversight is None:
            self.oversight = OversightWindow(self.store)
            self.oversight.changed.connect(self.reload)
        else:
            self.oversight.refresh()
        self.oversight.tabs.setCurrentIndex(tab)
        self.oversight.show()
        self.oversight.raise_()
        self.oversight.activateWindow()
        return self.oversight

    def _build_sync_menu(self) -> None:
        menu = self.menuBar().addMenu("&Sync")
        self.sync_action = QAction("&Sync now", self, shortcut=QKeySequence("Ctrl+Shift+S"))
        self.sync_action.triggered.connect(self.sync.start)
        self.conflicts_action = QAction("&Conflicts…", self)
        self.conflicts_action.triggered.connect(self.show_conflicts)
        import_action = QAction("&Import a bundle from another laptop…", self)
        import_action.triggered.connect(self.import_bundle)
        settings_action = QAction("Sync s&ettings…", self)
        settings_action.triggered.connect(self.show_sync_settings)
        for action in (self.sync_action, self.conflicts_action, import_action, settings_action):
            menu.addAction(action)
        self.sync.synced.connect(lambda _report: self.reload())
        self.sync.status_changed.connect(self._sync_state_changed)
        self._sync_state_changed()

    def _sync_state_changed(self) -> None:
        self.sync_action.setEnabled(not self.sync.running)
        count = self.sync.state.conflicts
        self.conflicts_action.setText(f"&Conflicts to resolve ({count})…" if count else "&Conflicts…")

    def show_conflicts(self) -> ConflictsDialog:
        dialog = ConflictsDialog(self.store, self)
        dialog.resolved.connect(self.sync.refresh_status)
        dialog.open()
        return dialog

    def show_sync_settings(self) -> SyncSettingsDialog:
        dialog = SyncSettingsDialog(self.store.data_dir, self)
        dialog.accepted.connect(self.sync.refresh_status)
        dialog.open()
        return dialog

    def import_bundle(self, path: str | None = None, code: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Import a bundle", "", "QA Desktop bundles (*.qabundle)")
        if not path:
            return
        try:
            try:
                report = import_bundle(self.store, Path(path), signing_key=team_key(), code=code)
            except NeedsCode as needed:
                if code is not None:
                    raise
                code, ok = QInputDialog.getText(self, "Code for this bundle",
                                                f"{needed.reason}.\n\nCode (like 7KQ2-M9XD-4PTA):")
                if not ok:
                    return
                report = import_bundle(self.store, Path(path), signing_key=team_key(), code=code)
        except (SyncFileError, CredentialsError, OSError) as error:
            QMessageBox.warning(self, "Bundle not imported", f"{error}\n\nNothing on this laptop was changed.")
            return
        self.reload()
        self.sync.refresh_status()
        QMessageBox.information(self, "Bundle imported", report.summary())

    def reload(self) -> None:
        """The data changed: work out again what is due, the risk ratings and the sanctions across
        the register, then refresh."""
        with self.store.read() as session:
            self.context = register_context(session, self.store.clock.today())
        self.refresh()

    def refresh(self) -> None:
        """Re-run the search with what is typed and chosen, and show the result (keeping the
        selected provider selected if it is still listed)."""
        selected = self.selected_provider_id()
        judgement = self.judgement_filter.currentData()
        due = self.due_filter.currentData()
        with self.store.read() as session:
            rows = search_providers(session, self.search.text(), self.type_filter.currentData(),
                                    judgement=Judgement(judgement) if judgement else None,
                                    due=DueFilter(due) if due else None, context=self.context,
                                    risk=Rag(self.risk_filter.currentData()) if self.risk_filter.currentData() else None)
        self.model.set_rows(rows)
        noun = "provider" if len(rows) == 1 else "providers"
        overdue = sum(1 for r in rows if r.due is not None and r.due.due.is_overdue)
        self.count.setText(f"{len(rows)} {noun}" + (f", {overdue} overdue" if overdue else ""))
        if selected is not None:
            for row in range(self.proxy.rowCount()):
                index = self.proxy.index(row, 0)
                if self.model.row_at(self.proxy.mapToSource(index).row()).id == selected:
                    self.table.setCurrentIndex(index)
                    break
        self._show_selected()

    def selected_provider_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.row_at(self.proxy.mapToSource(index).row()).id if index.isValid() else None

    def _show_selected(self) -> None:
        self.panel.show_provider(self.selected_provider_id())

    def _restore(self) -> None:
        geometry = self._settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 700)
        header = self._settings.value("main/columns")
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
        else:
            self.table.resizeColumnsToContents()
        split = self._settings.value("main/split")
        if isinstance(split, QByteArray):
            self.split.restoreState(split)

    def closeEvent(self, event) -> None:  # noqa: ANN001 (Qt event)
        for window in self.visit_windows:
            window.close()  # saves a note typed a moment ago
        if self.oversight is not None:
            self.oversight.close()
        self.sync.wait()
        if self.import_task is not None:
            self.import_task.wait()
        self._settings.setValue("main/geometry", self.saveGeometry())
        self._settings.setValue("main/split", self.split.saveState())
        self._settings.setValue("main/columns", self.table.horizontalHeader().saveState())
        super().closeEvent(event)
