"""The provider page, beside the register: the selected provider's facts, its settings with their
next QA visit, what is due (Figures 1 and 2), its visit history and the actions raised on its
visits (overdue ones flagged). Everything comes from ``services.provider_page``, as
``qa-desktop provider`` prints it. Enter or a double click on a visit opens it.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QTabWidget, QVBoxLayout, QWidget

from qa_desktop.domain.schedule import DueStatus
from qa_desktop.services.due import DueItem
from qa_desktop.services.provider_page import ActionLine, ProviderOverview, SettingLine, VisitLine, provider_overview
from qa_desktop.store.database import Store
from qa_desktop.ui.provider_table import due_words
from qa_desktop.ui.rows_model import SORT_ROLE, Column, RowsModel

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
    Column[ActionLine]("Due by (Figure 8)", lambda a: f"{a.due_at.astimezone():%d %b %Y %H:%M}" +
                       (" (overdue)" if a.overdue else ""), sort=lambda a: a.due_at),
    Column[ActionLine]("Concern", lambda a: a.level.label),
    Column[ActionLine]("Item", lambda a: a.item),
    Column[ActionLine]("Action", lambda a: a.text),
    Column[ActionLine]("Visit", lambda a: f"{a.setting}, {a.visit_date:%d %b %Y}", sort=lambda a: a.visit_date),
)


def _table(model: RowsModel, name: str) -> tuple[QTableView, QSortFilterProxyModel]:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QTableView()
    view.setModel(proxy)
    view.setAccessibleName(name)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view, proxy


class ProviderPanel(QWidget):
    open_visit = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
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
        self.settings_model = RowsModel(SETTING_COLUMNS, self, row_id=lambda s: s.id,
                                        flag=lambda s: "Visit overdue" if s.next_visit and
                                        s.next_visit.due.status is DueStatus.OVERDUE else None)
        self.due_model = RowsModel(DUE_COLUMNS, self, flag=lambda i: "Overdue" if i.due.status is DueStatus.OVERDUE
                                   else None)
        self.visits_model = RowsModel(VISIT_COLUMNS, self, row_id=lambda v: v.id)
        self.actions_model = RowsModel(ACTION_COLUMNS, self, flag=lambda a: "Overdue" if a.overdue else None)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Provider page")
        self.views: dict[str, QTableView] = {}
        for key, model, name in (("settings", self.settings_model, "Settings"), ("due", self.due_model, "What is due"),
                                 ("visits", self.visits_model, "Visits"), ("actions", self.actions_model, "Actions")):
            view, proxy = _table(model, name)
            self.views[key] = view
            self.tabs.addTab(view, name)
        visits = self.views["visits"]
        visits.activated.connect(self._visit_chosen)  # Enter or double click
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.tabs, 1)

    def show_provider(self, provider_id: str | None) -> None:
        if provider_id is None:
            self.overview = None
            for model in (self.settings_model, self.due_model, self.visits_model, self.actions_model):
                model.set_rows([])
            self.title.setText("Choose a provider in the register to see its page.")
            self.facts.clear()
            return
        with self.store.read() as session:
            page = provider_overview(session, provider_id, dt.datetime.now(dt.timezone.utc))
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
        overdue = sum(1 for i in page.due if i.due.status is DueStatus.OVERDUE)
        self.tabs.setTabText(0, f"Settings ({len(page.settings)})")
        self.tabs.setTabText(1, f"What is due ({overdue} overdue)" if overdue else f"What is due ({len(page.due)})")
        self.tabs.setTabText(2, f"Visits ({len(page.visits)})")
        self.tabs.setTabText(3, f"Actions ({len(page.actions)}, {page.overdue_actions} overdue)"
                             if page.overdue_actions else f"Actions ({len(page.actions)})")
        for view in self.views.values():
            view.resizeColumnsToContents()

    def _visit_chosen(self, index: QModelIndex) -> None:
        proxy = index.model()
        row = proxy.mapToSource(index).row()
        self.open_visit.emit(self.visits_model.row_at(row).id)
