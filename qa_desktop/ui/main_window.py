"""The main window: the provider register with type-ahead search and filters (service type,
judgement, what is due), the selected provider's page beside it, and the File, Visit and Sync menus.

Search is debounced (a short pause after typing) and runs the register's search
(``ws.register.search``), which matches name, URN, organisation, town and postcode. What is due
across the register, the ratings and the sanctions are worked out once at start, not on every key.

After that the window redraws by what changed: every change, from this window, a sync, a visit
window or another program on the same data folder, reaches it as ``ChangeHub.changed(OpChanges)``,
and only the providers it names are worked out and read again, their rows replaced, added or
removed in place (so the selection, the scroll position and the sort stay). A change too large to
list (``everything``: a large import, a first sync) reloads the register as at start. The window's
size, position, column widths and the split between register and page are remembered between
sessions (QSettings).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.compliance import ReviewScope
from qa_desktop.domain.regulation import Judgement
from qa_desktop.domain.risk import Rag
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.ui.background import BackgroundTask
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.column_fit import fit_columns, settings_key
from qa_desktop.ui.key_repeat import KeyRepeatWatch
from qa_desktop.ui.provider_panel import ProviderPanel
from qa_desktop.ui.provider_table import DueState, ProviderTableModel
from qa_desktop.ui.register_proxy import RegisterProxy
from qa_desktop.ui.sync_controller import SyncController
from qa_desktop.workspace import COUNCIL, FILLING_IN, SYNC_SETTINGS, SYNC_STATE, USER, Done, OpChanges, Workspace
from qa_desktop.workspace.register import DueFilter, ProviderRow, RegisterContext, RegisterFilter

if TYPE_CHECKING:  # the windows and dialogs the menus open, imported when first opened (issue 22's cold start)
    from qa_desktop.ui.about_dialog import AboutDialog
    from qa_desktop.ui.conflicts_dialog import ConflictsDialog
    from qa_desktop.ui.council_dialog import CouncilDialog
    from qa_desktop.ui.import_report_window import ImportReportWindow
    from qa_desktop.ui.oversight_window import OversightWindow
    from qa_desktop.ui.provider_forms import CommissionerDialog, MergeDialog, ProviderDialog
    from qa_desktop.ui.review_window import ReviewWindow
    from qa_desktop.ui.setup_dialog import SetupDialog
    from qa_desktop.ui.start_visit_dialog import StartVisitDialog
    from qa_desktop.ui.sync_settings_dialog import SyncSettingsDialog
    from qa_desktop.ui.tracker_window import TrackerWindow
    from qa_desktop.ui.visit_window import VisitWindow
    from qa_desktop.ui.visits_window import VisitsWindow
    from qa_desktop.workspace.register import ImportReport
    from qa_desktop.workspace.sync import NeedsCode, SyncReport

#: Searching waits for the keys already typed to arrive (a paste, a fast typist), no longer: a
#: search of the rows in memory takes a few milliseconds (``bench/register_search.py``).
SEARCH_DELAY_MS = 0
#: The register's widest columns, in ems of its font: the rest of the row stays on screen.
REGISTER_CAPS_EMS = {"Name": 13, "Next due (Figures 1, 2)": 19, "Sanctions": 8, "Service type": 9, "Judgement": 8,
                     "Town": 7, "Postcode": 7, "Local authority": 7}
#: The status bar's "changes waiting" is counted again this long after the last change of a burst
#: (an officer answering item after item), not once per change.
SYNC_STATUS_DELAY_MS = 300
#: From this many providers, what is due across the register is worked out in the background after
#: the register is shown (about a second per 20,000 providers: issue 22's cold start); below it, at once.
DUE_IN_BACKGROUND_FROM = 2_000
#: The register's first look makes each row when first read (a first paint reads a screenful); the
#: rest are made after the first paint, this many per turn of the event loop (some 10 ms).
ROWS_MADE_AT_A_TIME = 2_000


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace, hub: ChangeHub | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self._own_hub = hub is None
        #: The change signal every screen this window opens listens to.
        self.hub = hub or ChangeHub(workspace, self)
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
        self.context: RegisterContext  # worked out by reload(), kept up to date by update_providers()
        self._reloads = 0
        #: While what is due is worked out in the background: the providers changed meanwhile.
        self._changed_while_due: set[str] | None = None
        self.due_task: BackgroundTask | None = None  # the latest, while it runs
        self._after_paint: FirstPaint | None = None  # shown from the store's first look: waits for the paint
        self._due_tasks: list[BackgroundTask] = []  # every one still running (a reload during another)
        running = QApplication.instance()
        if running is not None:
            running.aboutToQuit.connect(self._wait_for_due)

        self.local_authority_filter = QComboBox()
        self.local_authority_filter.setAccessibleName("Filter by local authority")
        self.local_authority_filter.addItem("Any local authority", None)
        self.monitored_filter = QComboBox()
        self.monitored_filter.setAccessibleName("Filter by monitored by us")
        self.monitored_filter.addItem("All providers", None)
        self.monitored_filter.addItem("Monitored by us", "yes")
        self.monitored_filter.addItem("Not monitored by us", "no")
        self.filters = (self.monitored_filter, self.type_filter, self.judgement_filter, self.due_filter,
                        self.risk_filter, self.local_authority_filter)
        for combo in self.filters:
            combo.installEventFilter(self)  # the arrows open the list rather than change the filter unseen
            # narrow enough for a small window, each with room to grow: the list shows names whole
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)

        self.model = ProviderTableModel(self)
        self.proxy = RegisterProxy(self.model, self)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Providers")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)
        self.search.installEventFilter(self)  # Down and Enter go from Find into the results
        self.count = QLabel()
        self.panel = ProviderPanel(workspace, self.hub, self)
        self.panel.open_visit.connect(self.show_visit)
        self.panel.start_visit.connect(lambda _provider: self.start_visit())
        self.panel.open_review.connect(self.show_review)
        self.table.activated.connect(lambda _index: self.panel.tabs.setFocus())  # Enter: on to its page

        find = QLabel("&Find:")
        find.setBuddy(self.search)
        bar = QHBoxLayout()
        bar.addWidget(find)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.monitored_filter)  # beside Find: "whose" before "which kind"; keeps the row narrow
        filters = QHBoxLayout()
        for combo in self.filters[1:]:
            filters.addWidget(combo, 1)

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
        self.who = QLabel()
        self.who.setAccessibleName("Signed in as")
        self.who.setToolTip("Recorded with every change: File > Team and user… to change it")
        self._show_user()
        self.statusBar().addPermanentWidget(self.who)
        self.sync = SyncController(workspace, self)
        self.statusBar().addWidget(self.sync.label)
        self.statusBar().addPermanentWidget(self.sync.bar)
        self._sync_status = QTimer(self, singleShot=True, interval=SYNC_STATUS_DELAY_MS)
        self._sync_status.timeout.connect(self.sync.refresh_status)
        self._build_file_menu()
        self._build_provider_menu()
        self._build_visit_menu()
        self._build_oversight_menu()
        self._build_tracker_menu()
        self._build_sync_menu()
        self._build_help_menu()

        focus_search = QAction("Find", self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        focus_search.triggered.connect(self._focus_search)
        self.addAction(focus_search)

        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        for combo in self.filters:
            combo.currentIndexChanged.connect(lambda _index: self.refresh())
        self._keys = KeyRepeatWatch(self.table)  # Down held: the page waits for the cursor to rest
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._follow_cursor())
        # Tab from Find goes to the results, then the filters, then the provider's page
        self.setTabOrder(self.search, self.table)
        self.setTabOrder(self.table, self.filters[0])
        for before, after in zip(self.filters, self.filters[1:], strict=False):
            self.setTabOrder(before, after)

        self._fitted_empty = False  # set by ``fit_columns``
        self.reload()
        self._restore()
        self.hub.changed.connect(self._on_changes)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _build_file_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        import_action = QAction("&Import providers (Ofsted file or a list, CSV or Excel)…", self,
                                shortcut=QKeySequence("Ctrl+I"))
        import_action.triggered.connect(lambda: self.import_providers())
        changes_action = QAction("What imports &changed…", self)
        changes_action.triggered.connect(lambda: self.show_import_report())
        owners_action = QAction("This council's own &names as an owner…", self)
        owners_action.triggered.connect(lambda: self.set_internal_owners())
        team_action = QAction("&Team and user…", self)
        team_action.triggered.connect(lambda: self.team_and_user())
        quit_action = QAction("&Quit", self, shortcut=QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        council_action = QAction("&Council settings…", self)
        council_action.triggered.connect(self.show_council_settings)
        menu.addAction(import_action)
        menu.addAction(changes_action)
        menu.addAction(owners_action)
        menu.addAction(team_action)
        menu.addAction(council_action)
        menu.addSeparator()
        menu.addAction(quit_action)
        self.import_task: BackgroundTask | None = None
        self.import_report: ImportReportWindow | None = None
        self.bundle_task: BackgroundTask | None = None

    def team_and_user(self, *, first_run: bool = False) -> SetupDialog:
        """Who uses this laptop and the team the visit forms pick from (on a first run, asked
        straight away)."""
        from qa_desktop.ui.setup_dialog import SetupDialog

        dialog = SetupDialog(self.workspace, self, first_run=first_run)
        dialog.open()
        return dialog

    def import_providers(self, path: str | None = None) -> BackgroundTask | None:
        """Import an Ofsted-layout provider CSV in the background, with progress; then say what happened."""
        if path is None:
            from qa_desktop.ui.file_names import start_folder

            path, _ = QFileDialog.getOpenFileName(self, "Import providers", start_folder(),
                                                  "Provider lists (*.csv *.xlsx *.txt);;All files (*)")
        if not path:
            return None
        from qa_desktop.workspace.register import ImportFileError

        task = BackgroundTask(self, "Importing providers",
                              lambda progress: self.workspace.register.import_providers(
                                  path, progress=lambda done, total: progress("Row", done, total)),
                              expected=(ImportFileError, OSError))
        task.finished.connect(self._imported)
        task.failed.connect(lambda message: QMessageBox.warning(
            self, "Providers not imported", f"{message}\n\nNothing in the register was changed."))
        self.import_task = task.start()
        return task

    def _imported(self, done: Done[ImportReport]) -> None:
        """Show what the import changed, provider by provider (the register has already redrawn
        from its change); rows skipped are listed above the changes."""
        report = done.value
        skipped = [str(s) for s in report.skipped]
        if report.unlisted:
            where = "the list named below" if report.skipped_list else "qa-desktop import-providers"
            skipped.append(f"{report.unlisted:,} more rows (see {where} for them all)")
        if report.skipped_list is not None:
            skipped.append(f"every skipped row is listed in {report.skipped_list}")
        elif report.skipped_list_problem:
            skipped.append(report.skipped_list_problem)
        if report.ignored_columns:
            skipped.append(f"columns not used: {', '.join(report.ignored_columns)}")
        self.show_import_report(report.import_id, skipped=skipped)

    def show_import_report(self, import_id: str | None = None, *,
                           skipped: list[str] | None = None) -> ImportReportWindow:
        """The change report of an import (the latest unless said), with the earlier ones to choose from."""
        from qa_desktop.ui.import_report_window import ImportReportWindow

        window = ImportReportWindow(self.workspace, self.hub, import_id, self, skipped=skipped)
        self.import_report = window
        window.show()
        return window

    def set_internal_owners(self, text: str | None = None) -> int | None:
        """Ask for the names this council owns homes under, one a line; mark the register by them."""
        if text is None:
            current = "\n".join(self.workspace.admin.internal_owners())
            text, ok = QInputDialog.getMultiLineText(
                self, "This council's own names as an owner",
                "Homes owned under these names are internally commissioned (Figure 2: visited yearly).\n"
                "One name a line, as Ofsted writes the owner (e.g. Medway Council):", current)
            if not ok:
                return None
        from qa_desktop.workspace.admin import SettingError

        try:
            changed = self.workspace.admin.set_internal_owners(text.splitlines()).value
        except SettingError as error:
            QMessageBox.warning(self, "Names not saved", str(error))
            return None
        self.statusBar().showMessage(f"{changed} provider(s) marked again by owner.", 8000)
        return changed

    def _build_provider_menu(self) -> None:
        """The register managed here (issue 16): add, edit, merge, monitored by us, placements,
        reviews, and the lead commissioners of Figure 4."""
        menu = self.menuBar().addMenu("&Provider")
        items = (("&Add a provider…", "Ctrl+Shift+N", lambda: self.add_provider()),
                 ("&Edit the selected provider…", "Ctrl+Shift+E", lambda: self.panel.edit_provider()),
                 ("&Monitored by us…", "", lambda: self.panel.change_monitored()),
                 ("Merge a d&uplicate into the selected provider…", "", lambda: self.merge_duplicate()),
                 ("Record a &placement…", "Ctrl+Shift+P", lambda: self.panel.record_placement()),
                 ("Start a &compliance review…", "Ctrl+Shift+R",
                  lambda: self.panel.start_review(ReviewScope.FULL)),
                 ("Start a minimum &urgent review…", "", lambda: self.panel.start_review(ReviewScope.MINIMUM)),
                 ("&Lead commissioners (Figure 4)…", "", lambda: self.add_commissioner()))
        for words, keys, action in items:
            item = QAction(words, self)
            if keys:
                item.setShortcut(QKeySequence(keys))
            item.triggered.connect(lambda _=False, a=action: a())
            menu.addAction(item)
        self.review_windows: list[ReviewWindow] = []

    def add_provider(self) -> ProviderDialog:
        from qa_desktop.ui.provider_forms import ProviderDialog

        dialog = ProviderDialog(self.workspace, None, self)
        dialog.accepted.connect(lambda: self._select_added(dialog.saved_id))
        dialog.open()
        return dialog

    def _select_added(self, provider_id: str | None) -> None:
        """Show the provider just added (its row arrives through the hub like any change)."""
        if provider_id is not None:
            self.update_providers({provider_id})
            self.refresh(keep=provider_id)

    def merge_duplicate(self) -> MergeDialog | None:
        if self.panel.overview is None:
            return None
        from qa_desktop.ui.provider_forms import MergeDialog

        dialog = MergeDialog(self.workspace, self.panel.overview.id, self.panel.overview.name, self)
        dialog.open()
        return dialog

    def add_commissioner(self) -> CommissionerDialog:
        from qa_desktop.ui.provider_forms import CommissionerDialog

        dialog = CommissionerDialog(self.workspace, None, self)
        dialog.open()
        return dialog

    def show_review(self, review_id: str) -> ReviewWindow:
        """Open a compliance review in its own window (kept up to date through the hub)."""
        from qa_desktop.ui.review_window import ReviewWindow

        window = ReviewWindow(self.workspace, self.hub, review_id)
        self.review_windows.append(window)
        window.show()
        return window

    def _build_visit_menu(self) -> None:
        menu = self.menuBar().addMenu("&Visit")
        start = QAction("&Start a visit…", self, shortcut=QKeySequence("Ctrl+N"))
        start.triggered.connect(self.start_visit)
        resume = QAction("&Open a visit in progress…", self, shortcut=QKeySequence("Ctrl+O"))
        resume.triggered.connect(self.open_visit_in_progress)
        plan = QAction("&Plan a visit…", self, shortcut=QKeySequence("Ctrl+Shift+V"))
        plan.triggered.connect(lambda: self.panel.plan_visit() if self.panel.overview else self.show_visits().plan())
        mine = QAction("&My visits…", self, shortcut=QKeySequence("Ctrl+M"))
        mine.triggered.connect(lambda: self.show_visits())
        for action in (start, resume, plan, mine):
            menu.addAction(action)
        self.visit_windows: list[VisitWindow] = []
        self.visits_window: VisitsWindow | None = None

    def show_visits(self) -> VisitsWindow:
        """My visits and every visit, with their planning (one window, kept up to date by the hub)."""
        if self.visits_window is None:
            from qa_desktop.ui.visits_window import VisitsWindow

            self.visits_window = VisitsWindow(self.workspace, self.hub)
            self.visits_window.open_visit.connect(self.show_visit)
        self.visits_window.show()
        self.visits_window.raise_()
        return self.visits_window

    def start_visit(self) -> StartVisitDialog:
        """Start a visit to the selected provider's setting (or any), then open it."""
        from qa_desktop.ui.start_visit_dialog import StartVisitDialog

        dialog = StartVisitDialog(self.workspace, provider_id=self.selected_provider_id(), parent=self)
        dialog.accepted.connect(lambda: dialog.visit_id and self.show_visit(dialog.visit_id))
        dialog.open()
        return dialog

    def open_visit_in_progress(self) -> None:
        choices = self.workspace.visits.in_progress()
        if not choices:
            QMessageBox.information(self, "No visit in progress", "There is no visit in progress on this laptop.")
            return
        labels = [choice.label for choice in choices]
        chosen, ok = QInputDialog.getItem(self, "Open a visit", "Visit in progress:", labels, 0, False)
        if ok:
            self.show_visit(choices[labels.index(chosen)].id)

    def show_visit(self, visit_id: str) -> VisitWindow:
        """Open a visit in its own window; what is saved there reaches the register and the
        provider page as changes, through the hub."""
        from qa_desktop.ui.visit_window import VisitWindow

        window = VisitWindow(self.workspace, self.hub, visit_id)
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
        if self.oversight is None:  # kept up to date by the hub from then on, shown or hidden
            from qa_desktop.ui.oversight_window import OversightWindow

            self.oversight = OversightWindow(self.workspace, self.hub)
        self.oversight.tabs.setCurrentIndex(tab)
        self.oversight.show()
        self.oversight.raise_()
        self.oversight.activateWindow()
        return self.oversight

    def _build_tracker_menu(self) -> None:
        menu = self.menuBar().addMenu("&Tracker")
        # each the name of the tracker window's tab (its module is imported when the window is first opened)
        for words, tab, keys in (("Annual &figures…", "FIGURES", "Ctrl+T"),
                                 ("&Meetings and joint visits…", "MEETINGS", "Ctrl+Shift+M"),
                                 ("Placement &funding requests…", "FUNDING", ""),
                                 ("&Unregistered providers…", "UNREGISTERED", ""),
                                 ("&Planning and intelligence…", "PLANNING", ""),
                                 ("&Young Inspectors…", "YOUNG_INSPECTORS", ""),
                                 ("&Alerts that count…", "ALERTS", "")):
            action = QAction(words, self)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _=False, t=tab: self.show_tracker(t))
            menu.addAction(action)
        self.tracker: TrackerWindow | None = None

    def show_tracker(self, tab: int | str = 0) -> TrackerWindow:
        """The tracker window on its tab ``tab`` (its number, or its name: ``TrackerWindow.MEETINGS``)."""
        from qa_desktop.ui.tracker_window import TrackerWindow

        if self.tracker is None:  # kept up to date by the hub from then on, shown or hidden
            self.tracker = TrackerWindow(self.workspace, self.hub)
        self.tracker.tabs.setCurrentIndex(getattr(TrackerWindow, tab) if isinstance(tab, str) else tab)
        self.tracker.show()
        self.tracker.raise_()
        self.tracker.activateWindow()
        return self.tracker

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
        self.sync.status_changed.connect(self._sync_state_changed)
        self._sync_state_changed()

    def _build_help_menu(self) -> None:
        menu = self.menuBar().addMenu("&Help")
        about = QAction("&About QA Desktop…", self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self.show_about)
        menu.addAction(about)

    def show_council_settings(self) -> CouncilDialog:
        """The council's details on reports and letters, and the framework's figures (QA lead)."""
        from qa_desktop.ui.council_dialog import CouncilDialog

        dialog = CouncilDialog(self.workspace, self)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        """Version, database schema, data folder and log file (for a support call)."""
        from qa_desktop.ui.about_dialog import AboutDialog

        dialog = AboutDialog(self.workspace, self)
        dialog.open()
        return dialog

    def _sync_state_changed(self) -> None:
        self.sync_action.setEnabled(not self.sync.running)
        count = self.sync.state.conflicts if self.sync.state is not None else 0
        self.conflicts_action.setText(f"&Conflicts to resolve ({count})…" if count else "&Conflicts…")

    def show_conflicts(self) -> ConflictsDialog:
        from qa_desktop.ui.conflicts_dialog import ConflictsDialog

        dialog = ConflictsDialog(self.workspace, self, self.hub)  # follows changes while it is open
        dialog.resolved.connect(self.sync.refresh_status)
        dialog.open()
        return dialog

    def show_sync_settings(self) -> SyncSettingsDialog:
        from qa_desktop.ui.sync_settings_dialog import SyncSettingsDialog

        dialog = SyncSettingsDialog(self.workspace, self)
        dialog.accepted.connect(self.sync.refresh_status)
        dialog.open()
        return dialog

    def import_bundle(self, path: str | None = None, code: str | None = None) -> BackgroundTask | None:
        """Merge a bundle from the other officer's laptop in the background (the one runner); a
        bundle sealed with a code asks for it, once. What it brought in reaches every open screen
        through the change signal. Returns the running task (``finished`` when it is merged)."""
        if not path:
            from qa_desktop.ui.file_names import start_folder

            path, _ = QFileDialog.getOpenFileName(self, "Import a bundle", start_folder(),
                                                  "QA Desktop bundles (*.qabundle)")
        if not path:
            return None
        chosen = Path(path)
        from qa_desktop.workspace.sync import CredentialsError, NeedsCode, SyncFileError

        task = BackgroundTask(self, "Importing the bundle",
                              lambda progress: self.workspace.sync.import_bundle(chosen, code=code, progress=progress),
                              expected=(NeedsCode, SyncFileError, CredentialsError, OSError))
        needed: list[NeedsCode] = []
        task.raised.connect(lambda error: needed.append(error) if isinstance(error, NeedsCode) else None)
        task.failed.connect(lambda message: self._bundle_failed(chosen, code, message, needed))
        task.finished.connect(lambda done: QMessageBox.information(self, "Bundle imported", self._bundle_words(done)))
        self.bundle_task = task.start()
        return task

    def _bundle_words(self, done: Done[SyncReport]) -> str:
        """What the bundle brought, about people and places; what could not be used, after."""
        report = done.value
        words = self.workspace.admin.in_words(done.changes) or "Nothing new: this laptop already had all of it."
        if report.waiting_rows:
            words += (" Some of it belongs to records this laptop has not received yet: it is kept and shows "
                      "after the next sync.")
        if report.conflicts:
            words += (f" {report.conflicts} answer{'s' if report.conflicts != 1 else ''} differ between the officers:"
                      " open the visit to choose (marked ⚠).")
        if report.problems:
            words += "\n\nNot used:\n" + "\n".join(f"• {p}" for p in report.problems[:10])
        return words

    def _bundle_failed(self, path: Path, code: str | None, message: str, needed: list[NeedsCode]) -> None:
        if needed and code is None:  # sealed with a one-off code: ask for it, then try again
            typed, ok = QInputDialog.getText(self, "Code for this bundle",
                                             f"{needed[0].reason}.\n\nCode (like 7KQ2-M9XD-4PTA):")
            if ok and typed.strip():
                self.import_bundle(str(path), typed)
            return
        QMessageBox.warning(self, "Bundle not imported", f"{message}\n\nNothing on this laptop was changed.")

    def _on_changes(self, changes: OpChanges) -> None:
        """Redraw what a change touched: the rows of the providers it names, or the whole register
        when it was too large to list; who is signed in; the sync status, a moment later."""
        if changes.everything or COUNCIL in changes.named:  # the framework's figures: every row's due and rating
            self.reload()
        elif changes.providers and not changes.only(FILLING_IN):  # answers show on no register row
            self.update_providers(changes.providers)
        if USER in changes.named:
            self._show_user()
        if changes.records or changes.named & {SYNC_STATE, SYNC_SETTINGS}:
            self._sync_status.start()

    def reload(self) -> None:
        """Anything may have changed (at start, or a change too large to list): work out again what
        is due, the risk ratings and the sanctions across the whole register, read every provider's
        row, then show those the search and filters keep. A large register is shown first with its
        ratings and sanctions, and what is due is added when worked out in the background
        (``DUE_IN_BACKGROUND_FROM``; the status bar says so meanwhile). At start, on a workspace whose
        store is still to be opened (``Workspace.open_for_window``), those rows are the register's
        first look (read with plain SQL), and the background read, which opens the store, starts
        after the first paint (issue 22's cold start)."""
        self._reloads += 1  # what is due, still being worked out for an earlier reload, is not used
        self._changed_while_due = None
        self.model.set_due_state(DueState.KNOWN)
        look = self.workspace.first_look if not self.workspace.is_open else None
        if look is not None and len(look.rows) >= DUE_IN_BACKGROUND_FROM:
            # the store is opened after the first paint, in the background, by the read of what is due
            self._due_pending()
            self._show_rows(look.context, look.rows)
            self._after_paint = FirstPaint(self.table.viewport(), self._first_painted)
            return
        context = self.workspace.register.context(due=False)
        rows = self.workspace.register.search(context=context)
        if len(rows) < DUE_IN_BACKGROUND_FROM:
            context = self.workspace.register.context()
            rows = self.workspace.register.search(context=context)
        else:
            self._work_out_due()
        self._show_rows(context, rows)
        if self.sync.state is None:  # a first look's store, opened by this read (a register too small to wait)
            self.sync.refresh_status()

    def _show_rows(self, context: RegisterContext, rows: Sequence[ProviderRow]) -> None:
        selected = self.selected_provider_id()
        scrolled = self.table.verticalScrollBar().value()
        self.context = context
        self.model.set_rows(rows, in_name_order=True)
        self._fill_local_authorities()
        self.refresh(selected)
        self.table.verticalScrollBar().setValue(scrolled)
        self._fit_first_rows()

    def _first_painted(self) -> None:
        """The register shown from the store's first look has been painted: now the store is opened,
        and what is due worked out, in the background; then the sync status is read. Meanwhile the
        first look's rows not yet read are made, a share at a time (``ROWS_MADE_AT_A_TIME``), so
        that the first key typed in Find does not wait for them."""
        self._after_paint = None
        self.workspace.started()  # the collector, paused since the first look, runs again
        self._work_out_due()
        self._make_rows()

    def _make_rows(self) -> None:
        if not self.model.make_rows(ROWS_MADE_AT_A_TIME):
            QTimer.singleShot(0, self, self._make_rows)

    def _due_pending(self) -> None:
        self._changed_while_due = set()
        self.model.set_due_state(DueState.WORKING_OUT)

    def _work_out_due(self) -> None:
        """What is due across the register, and the rows with it, read in the background; the
        providers that change meanwhile are read again when it is shown (the background read may
        have been before or after their change)."""
        reload = self._reloads
        self._due_pending()
        task = BackgroundTask(self, "Working out what is due", lambda progress: self._register_with_due(),
                              dialog=False)
        task.finished.connect(lambda found: self._due_worked_out(reload, found))
        task.failed.connect(lambda message: self._due_not_worked_out(reload, message))
        # a reload makes one task: released when it ends, not kept as a child of the window for as long as
        # the window is open (a long day of syncs and imports would pile them up, each with its thread)
        task.finished.connect(lambda _found: self._release_due_task(task))
        task.failed.connect(lambda _message: self._release_due_task(task))
        self.due_task = task.start()
        self._due_tasks.append(task)

    def _release_due_task(self, task: BackgroundTask) -> None:
        if task in self._due_tasks:
            self._due_tasks.remove(task)
        if self.due_task is task:
            self.due_task = None
        task.deleteLater()

    def _wait_for_due(self) -> None:
        """The program ends (another way than by this window closing): the background read of
        what is due ends first (a thread still running as Python exits aborts the program)."""
        for task in self._due_tasks:
            task.wait()

    def _register_with_due(self) -> tuple[RegisterContext, list[ProviderRow]]:
        context = self.workspace.register.context()
        return context, self.workspace.register.search(context=context)

    def _due_worked_out(self, reload: int, found: tuple[RegisterContext, list[ProviderRow]]) -> None:
        if self.sync.state is None:  # the store was opened by this read (the first look's start)
            self.sync.refresh_status()
        if reload != self._reloads:
            return
        changed, self._changed_while_due = self._changed_while_due, None
        self.model.set_due_state(DueState.KNOWN)
        self._show_rows(*found)
        if changed:
            self.update_providers(changed)

    def _due_not_worked_out(self, reload: int, message: str) -> None:
        if self.sync.state is None and self.workspace.is_open:
            self.sync.refresh_status()
        if reload != self._reloads:
            return
        self._changed_while_due = None
        self.model.set_due_state(DueState.NOT_WORKED_OUT, message)
        self._show_count()
        QMessageBox.warning(self, "What is due is not shown", f"What is due across the register could not be "
                            f"worked out: {message}")

    def _fill_local_authorities(self) -> None:
        combo = self.local_authority_filter
        chosen = combo.currentData()
        names = sorted({name for name in self.model.local_authorities() if name}, key=str.casefold)
        if names == [combo.itemData(i) for i in range(1, combo.count())]:
            return
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("Any local authority", None)
        for name in names:
            combo.addItem(name, name)
        combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
        combo.blockSignals(False)

    def update_providers(self, provider_ids: Collection[str]) -> None:
        """Only these providers changed: work out their due items, ratings and sanctions again,
        read their rows, and put just those rows in the register, replaced, added or removed; the
        search and filters on screen are applied again, and the selection and scroll position stay."""
        selected = self.selected_provider_id()
        scrolled = self.table.verticalScrollBar().value()
        if self._changed_while_due is not None:
            self._changed_while_due.update(provider_ids)
        self.context = self.context.updated(provider_ids, self.workspace.register.context(provider_ids))
        self.model.update_rows(provider_ids, self.workspace.register.search(context=self.context, only=provider_ids))
        self.proxy.refilter()
        if selected is not None:
            self._select(selected)
        self.table.verticalScrollBar().setValue(scrolled)
        self._show_count()
        self._show_selected()
        if any(row.local_authority not in self._local_authorities() for row in self.model.rows_with(provider_ids)):
            self._fill_local_authorities()
        self._fit_first_rows()

    def _local_authorities(self) -> set[str | None]:
        combo = self.local_authority_filter
        return {None, *(combo.itemData(i) for i in range(1, combo.count()))}

    def current_filter(self) -> RegisterFilter:
        """What is typed in Find and chosen in the filters."""
        kind, judgement, due, risk = (self.type_filter.currentData(), self.judgement_filter.currentData(),
                                      self.due_filter.currentData(), self.risk_filter.currentData())
        return RegisterFilter(self.search.text(), ServiceType(kind) if kind else None,
                              Judgement(judgement) if judgement else None, DueFilter(due) if due else None,
                              Rag(risk) if risk else None, self.local_authority_filter.currentData(),
                              monitored={"yes": True, "no": False}.get(self.monitored_filter.currentData()))

    def refresh(self, keep: str | None = None) -> None:
        """Show the providers the search and filters keep, from the rows held in memory (no
        database read: a key typed costs a substring test per row). The provider selected stays
        selected while it is listed; a single match is selected, and its page shown."""
        selected = keep or self.selected_provider_id()
        self._debounce.stop()
        self.proxy.set_filter(self.current_filter())
        self._show_count()
        if self.proxy.rowCount() == 1:
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        elif selected is not None:
            self._select(selected)
        self._show_selected()

    def _show_count(self) -> None:
        shown = self.proxy.rowCount()
        overdue = self.model.overdue if shown == self.model.rowCount() else self.model.overdue_among(
            self.proxy.source_rows())
        noun = "provider" if shown == 1 else "providers"
        if self.model.due_state is DueState.WORKING_OUT:
            self.count.setText(f"{shown:,} {noun}; working out what is due…")
            return
        if self.model.due_state is DueState.NOT_WORKED_OUT:  # blanks and "0 overdue" would read as nothing due
            self.count.setText(f"{shown:,} {noun}; could not work out what is due")  # short: the sync words beside it
            return
        self.count.setText(f"{shown:,} {noun}" + (f", {overdue:,} overdue" if overdue else ""))

    def _select(self, provider_id: str) -> None:
        row = self.model.position_of(provider_id)
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row is not None else None
        if index is not None and index.isValid():
            self.table.setCurrentIndex(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Find: Down, or Enter, goes into the results (the first, or the one selected). A filter:
        Up and Down open its list instead of changing it unseen (Tab then Down once emptied the
        register without a word)."""
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if watched is self.search and key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.refresh()  # what is typed, searched now rather than after the pause
                if self.proxy.rowCount():
                    if not self.table.currentIndex().isValid():
                        self.table.setCurrentIndex(self.proxy.index(0, 0))
                    self.table.setFocus()
                return True
            combo = next((c for c in self.filters if c is watched), None)
            if combo is not None and key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
                                             Qt.Key.Key_Home, Qt.Key.Key_End) and not event.modifiers():
                combo.showPopup()
                return True
        if event.type() == QEvent.Type.Wheel and any(c is watched and not c.hasFocus() for c in self.filters):
            return True  # scrolling the page over a filter does not change it
        return super().eventFilter(watched, event)

    def _show_user(self) -> None:
        user = self.workspace.user
        self.who.setText(f"{user.name} ({user.role.label})")

    def selected_provider_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.row_at(self.proxy.mapToSource(index).row()).id if index.isValid() else None

    def _follow_cursor(self) -> None:
        """The cursor moved in the register: the page follows it (when a key is held, once it rests)."""
        index = self.table.currentIndex()
        row = self.model.row_at(self.proxy.mapToSource(index).row()) if index.isValid() else None
        shown = self.panel.overview.id if self.panel.overview is not None else self.panel.pending
        if row is None or row.id != shown:
            self.panel.follow(row.id if row else None, row.name if row else "", held=self._keys.held)

    def _show_selected(self) -> None:
        """The selected provider's page, read when the selection moved to another provider (the
        page redraws itself when a change touches its provider)."""
        chosen = self.selected_provider_id()
        shown = self.panel.overview.id if self.panel.overview is not None else None
        if chosen != shown:
            self.panel.show_provider(chosen)

    def _restore(self) -> None:
        geometry = self._settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 700)
        header = self._settings.value(f"main/{settings_key(self.table)}")
        if not (isinstance(header, QByteArray) and self.table.horizontalHeader().restoreState(header)):
            self.fit_columns()
        split = self._settings.value("main/split")
        if isinstance(split, QByteArray):
            self.split.restoreState(split)

    def fit_columns(self) -> None:
        """Widths from the text as drawn now: URNs and headers whole, a long name capped, so "Next
        due" stays on a 1280-pixel screen."""
        headers = [c.header for c in self.model.columns]
        fit_columns(self.table, {n: REGISTER_CAPS_EMS.get(h, 24) for n, h in enumerate(headers)},
                    first=[headers.index("Next due (Figures 1, 2)"), 0])  # the reason a row is red, whole first
        self.table.verticalHeader().setDefaultSectionSize(round(self.table.fontMetrics().height() * 1.5))
        # widths fitted to an empty register (a new laptop) are its headers alone: fitted again when the
        # first rows arrive (an import, a sync, a provider added), or every name read "Childre…" (walk6)
        self._fitted_empty = self.model.rowCount() == 0

    def _fit_first_rows(self) -> None:
        """The register had no rows when its columns were fitted, and has some now: fit them to the text."""
        if self._fitted_empty and self.model.rowCount():
            self.fit_columns()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """The text size changed (the officer's or the system's): fit the columns again, rather than
        keep widths made for another size."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange) and hasattr(self, "table"):
            restored = self._settings.value(f"main/{settings_key(self.table)}")
            if not (isinstance(restored, QByteArray) and self.table.horizontalHeader().restoreState(restored)):
                self.fit_columns()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        for window in self.visit_windows:
            if window.isVisible() and not window.close():  # saves a note typed a moment ago
                event.ignore()  # a visit still saving what was entered keeps the app open (it says why)
                return
        for review in self.review_windows:
            if review.isVisible() and not review.close():
                event.ignore()  # a review still saving what was entered keeps the app open (it says why)
                return
        if self.oversight is not None:
            self.oversight.close()
        if self.tracker is not None:
            self.tracker.close()
        if self.visits_window is not None:
            self.visits_window.close()
        self.sync.wait()
        for task in (self.import_task, self.bundle_task, *self._due_tasks):
            if task is not None:
                task.wait()
        self._settings.setValue("main/geometry", self.saveGeometry())
        self._settings.setValue("main/split", self.split.saveState())
        if self.model.rowCount():  # widths of an empty register are no one's choice: fitted to rows next time
            self._settings.setValue(f"main/{settings_key(self.table)}", self.table.horizontalHeader().saveState())
        if self._own_hub:
            self.hub.close()  # the workspace outlives the window (a test opens another on it)
        super().closeEvent(event)


#: What waits for the first paint starts after this long even if the register is not painted (a
#: window opened minimised, or hidden behind another): what is due is never left unworked out.
FIRST_PAINT_AT_MOST_MS = 3000


class FirstPaint(QObject):
    """Calls ``then`` once, just after ``widget`` is first painted (from the event loop, so the paint
    itself is not held up), or after ``FIRST_PAINT_AT_MOST_MS`` if it is not: what the first paint
    does not need waits for it."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        self._widget = widget
        widget.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_AT_MOST_MS, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            self._widget.removeEventFilter(self)
            then()
