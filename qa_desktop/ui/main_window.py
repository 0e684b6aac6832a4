"""The main window: the provider register with type-ahead search and a service type filter.

Search is debounced (a short pause after typing) and runs the register service's search, which
matches name, URN, organisation, town and postcode. The window's size, position and column widths
are remembered between sessions (QSettings).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QMainWindow, QTableView, QVBoxLayout, QWidget)

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services.register import search_providers
from qa_desktop.store.database import Store
from qa_desktop.ui.provider_table import SORT_ROLE, ProviderTableModel

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
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.count = QLabel()

        find = QLabel("&Find:")
        find.setBuddy(self.search)
        bar = QHBoxLayout()
        bar.addWidget(find)
        bar.addWidget(self.search, 3)
        bar.addWidget(self.type_filter, 1)
        layout = QVBoxLayout()
        layout.addLayout(bar)
        layout.addWidget(self.table)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        self.statusBar().addPermanentWidget(self.count)

        focus_search = QAction("Find", self, shortcut=QKeySequence.StandardKey.Find)
        focus_search.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(focus_search)

        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.type_filter.currentIndexChanged.connect(self.refresh)

        self.refresh()
        self._restore()

    def refresh(self) -> None:
        """Re-run the search with what is typed and chosen, and show the result."""
        with self.store.read() as session:
            rows = search_providers(session, self.search.text(), self.type_filter.currentData())
        self.model.set_rows(rows)
        noun = "provider" if len(rows) == 1 else "providers"
        self.count.setText(f"{len(rows)} {noun}")

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

    def closeEvent(self, event) -> None:  # noqa: ANN001 (Qt event)
        self._settings.setValue("main/geometry", self.saveGeometry())
        self._settings.setValue("main/columns", self.table.horizontalHeader().saveState())
        super().closeEvent(event)
