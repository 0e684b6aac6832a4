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

A tab whose list needs nothing but its own rows (visits, cases, contacts, package, reviews: the
page's ``unread``) is read when it is shown: the tab on show with the page, another when its tab is
first shown for that provider. Every read of the page (another provider, or a change to this one)
leaves the lists of the tabs not on show unread again, so a tab shows what is current when it is
shown; the tabs' words carry the counts read with the page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.compliance import ReviewScope, ReviewStatus
from qa_desktop.domain.documents import DocumentKind, DocumentRuleError
from qa_desktop.domain.schedule import DueKind, DueStatus
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.visits import VisitReason, VisitRuleError
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.documents_menu import DocumentsButton, open_with_system_viewer
from qa_desktop.ui.facts_grid import FactsGrid
from qa_desktop.ui.palette import warning_colour, warning_style
from qa_desktop.ui.provider_table import due_words
from qa_desktop.ui.rows_model import Column, RowsModel, selected_row, source_row, table_view
from qa_desktop.workspace import COUNCIL, FILLING_IN, OpChanges, Workspace

if TYPE_CHECKING:  # the forms this page opens, and the services' types: not before the first paint (issue 22)
    from qa_desktop.ui.audit_dialog import AuditDialog
    from qa_desktop.ui.caseload_dialogs import (
        CloseCaseDialog,
        EndPlacementDialog,
        PlacementDialog,
        PlanVisitDialog,
        StartReviewDialog,
    )
    from qa_desktop.ui.oversight_dialogs import (
        ActionProgressDialog,
        CaseDialog,
        EndSanctionDialog,
        IfaFlagsDialog,
        RecordDialog,
    )
    from qa_desktop.ui.placement_check_dialog import PlacementCheckDialog
    from qa_desktop.ui.provider_forms import (
        ContactDialog,
        ElementDialog,
        MonitoredDialog,
        ProviderDialog,
        SettingDialog,
    )
    from qa_desktop.workspace.documents import DocumentInfo
    from qa_desktop.workspace.placements import PlacementLine
    from qa_desktop.workspace.providers import ContactLine, ElementLine
    from qa_desktop.workspace.register import (
        CaseLine,
        DueItem,
        ProviderOverview,
        SanctionRow,
        SettingLine,
        TrackedAction,
        VisitLine,
    )
    from qa_desktop.workspace.reviews import ReviewLine

#: Down held in the register (the keyboard repeats it every 30-40 ms): the page is read once the
#: cursor has rested this long, not for every provider passed (``ProviderPanel.follow``).
FOLLOW_MS = 60

SETTING_COLUMNS: tuple[Column[SettingLine], ...] = (
    Column("Setting", lambda s: s.name),
    Column("Address", lambda s: s.address),
    Column("Places", lambda s: str(s.capacity or ""), sort=lambda s: s.capacity),
    Column("Next QA visit", lambda s: due_words(s.next_visit),
                        sort=lambda s: s.next_visit.due.due_on if s.next_visit else None),
)
DUE_COLUMNS: tuple[Column[DueItem], ...] = (
    Column("Status", lambda i: i.due.status.value.capitalize()),
    Column("Due", lambda i: f"{i.due.due_on:%d %b %Y}" if i.due.due_on else "Before first placement",
                    sort=lambda i: i.due.due_on or dt.date.min),
    Column("What", lambda i: i.what),
    Column("Setting", lambda i: i.setting_name or "(the provider)"),
    Column("Why", lambda i: i.due.reason, tooltip=lambda i: i.due.reason),
)
VISIT_COLUMNS: tuple[Column[VisitLine], ...] = (
    Column("Date", lambda v: f"{v.visit_date:%d %b %Y}", sort=lambda v: v.visit_date),
    Column("Setting", lambda v: v.setting),
    Column("Level", lambda v: v.level),
    Column("Announced", lambda v: "Announced" if v.announced else "Unannounced"),
    Column("Status", lambda v: v.status),
    Column("Officers", lambda v: v.officers),
    Column("Actions", lambda v: str(v.actions), sort=lambda v: v.actions),
)
ACTION_COLUMNS: tuple[Column[TrackedAction], ...] = (
    Column("Due by (Figure 8)", lambda a: f"{a.due_at.astimezone():%d %b %Y %H:%M}" +
                          (" (overdue)" if a.overdue else "") + (" (extended)" if a.extended else ""),
                          sort=lambda a: a.due_at, tooltip=lambda a: a.extension_reason),
    Column("Concern", lambda a: a.level.label),
    Column("Action", lambda a: a.text),
    Column("From", lambda a: a.source),
)
CASE_COLUMNS: tuple[Column[CaseLine], ...] = (
    Column("Opened", lambda c: f"{c.opened_on:%d %b %Y}", sort=lambda c: c.opened_on),
    Column("Source", lambda c: c.source.label),
    Column("Category", lambda c: c.category),
    Column("Safeguarding", lambda c: "Yes" if c.safeguarding else ""),
    Column("Status", lambda c: c.status.label),
    Column("Summary", lambda c: c.summary, tooltip=lambda c: c.outcome),
)
SANCTION_COLUMNS: tuple[Column[SanctionRow], ...] = (
    Column("Sanction", lambda r: r.sanction.value),
    Column("Applies to", lambda r: r.applies_to),
    Column("Since", lambda r: f"{r.since:%d %b %Y}", sort=lambda r: r.since),
    Column("Review", lambda r: f"{r.review_on:%d %b %Y}" if r.review_on else "",
                        sort=lambda r: r.review_on),
    Column("Social work told", lambda r: f"{r.social_work_informed:%d %b %Y}" if r.social_work_informed
                        else ("NOT RECORDED" if r.informed_needed else "")),
    Column("Detail", lambda r: r.detail),
    Column("Concerns", lambda r: r.concerns),
)


REVIEW_COLUMNS: tuple[Column[ReviewLine], ...] = (
    Column("Date", lambda r: f"{r.review_date:%d %b %Y}", sort=lambda r: r.review_date),
    Column("Review", lambda r: r.scope.label + (f" ({r.element})" if r.element else "")),
    Column("Status", lambda r: r.status.label),
    Column("By", lambda r: r.reviewed_by),
    Column("Reference", lambda r: r.reference),
    Column("Notes", lambda r: r.outcome or ""),
)
PLACEMENT_COLUMNS: tuple[Column[PlacementLine], ...] = (
    Column("Case reference", lambda p: p.reference),
    Column("Kind", lambda p: p.kind.label),
    Column("When", lambda p: p.when, sort=lambda p: p.started_at),
    Column("Setting", lambda p: p.setting + (f" ({p.element})" if p.element else "")),
    Column("Now", lambda p: "Placed now" if p.current else ""),
)
CONTACT_COLUMNS: tuple[Column[ContactLine], ...] = (
    Column("Role", lambda c: c.kind_label),
    Column("Name", lambda c: c.name),
    Column("Job title", lambda c: c.role or ""),
    Column("Organisation", lambda c: c.organisation or ""),
    Column("Phone", lambda c: c.phone or ""),
    Column("Email", lambda c: c.email or ""),
    Column("Setting", lambda c: c.setting or ""),
)
ELEMENT_COLUMNS: tuple[Column[ElementLine], ...] = (
    Column("Element", lambda e: e.name),
    Column("Service type", lambda e: e.service_type.label),
    Column("Delivered at", lambda e: e.setting or ""),
    Column("Delivered by", lambda e: e.delivered_by or ""),
)


D = TypeVar("D", bound=QDialog)

#: A form that records something about one provider (``CaseDialog``, ``EmbargoDialog``, ...):
#: ``(workspace, provider id, provider name, today, parent)``.
RecordForm = Callable[[Workspace, str, str, dt.date, QWidget | None], "RecordDialog"]


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
    open_review = Signal(str)
    #: How a made letter is shown; tests replace it rather than start a PDF viewer.
    open_file = staticmethod(open_with_system_viewer)

    def __init__(self, workspace: Workspace, hub: ChangeHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.hub = hub
        self.overview: ProviderOverview | None = None
        self.placement_check: PlacementCheckDialog | None = None
        #: the provider the register's cursor rests on, whose page is still to read (``follow``)
        self.pending: str | None = None
        self._follow = QTimer(self, singleShot=True, interval=FOLLOW_MS)
        self._follow.timeout.connect(lambda: self.show_provider(self.pending))
        self.title = QLabel("Choose a provider in the register to see its page.")
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.facts = FactsGrid()
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
        self.reviews_model = RowsModel(REVIEW_COLUMNS, self, row_id=lambda r: r.id)
        self.placements_model = RowsModel(PLACEMENT_COLUMNS, self, row_id=lambda p: p.id)
        self.contacts_model = RowsModel(CONTACT_COLUMNS, self, row_id=lambda c: c.id)
        self.elements_model = RowsModel(ELEMENT_COLUMNS, self, row_id=lambda e: e.id)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Provider page")
        # no frame drawn round the pages: the tables have their own, and the frame was repainted whole
        # (some 2 ms) whenever a tab's words changed, for each provider passed in the register
        self.tabs.setDocumentMode(True)
        self.views: dict[str, QTableView] = {}
        tables = (("settings", self.settings_model, "Settings"), ("due", self.due_model, "What is due"),
                  ("visits", self.visits_model, "Visits"), ("actions", self.actions_model, "Actions"),
                  ("cases", self.cases_model, "Risk and cases"), ("sanctions", self.sanctions_model, "Sanctions"),
                  ("reviews", self.reviews_model, "Reviews"), ("placements", self.placements_model, "Placements"),
                  ("contacts", self.contacts_model, "Contacts"), ("elements", self.elements_model, "Package"))
        for key, model, name in tables:
            self.views[key] = table_view(model, name)
        self.models: dict[str, RowsModel[Any]] = {key: model for key, model, _ in tables}
        #: tables whose rows changed since their columns were last fitted (``_size_shown_table``)
        self._unsized: set[str] = set()
        self.extend_button = QPushButton("E&xtend the selected action…")
        self.extend_button.clicked.connect(lambda: self.progress_action(complete=False))
        self.complete_button = QPushButton("Co&mplete the selected action…")
        self.complete_button.clicked.connect(lambda: self.progress_action(complete=True))
        self.ifa_button = QPushButton("Figure &7 flags…")
        self.ifa_button.clicked.connect(self.edit_ifa_flags)
        self.end_button = QPushButton("E&nd or remove the selected sanction…")
        self.end_button.clicked.connect(self.end_sanction)
        self.letter_button = QPushButton("&Letter…")
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
        self.close_case_button = QPushButton("C&lose the selected case…")
        self.close_case_button.clicked.connect(lambda: self.close_case())
        rating_line.addWidget(self.close_case_button, 0, Qt.AlignmentFlag.AlignTop)
        self.caseload_buttons: dict[str, QPushButton] = {}

        def caseload_button(key: str, words: str, action: Callable[[], object], tip: str = "") -> QPushButton:
            made = QPushButton(words)
            made.clicked.connect(lambda: action())
            if tip:
                made.setToolTip(tip)
            self.caseload_buttons[key] = made
            return made

        pages = {"actions": _page(self.views["actions"], _buttons(self.extend_button, self.complete_button)),
                 "cases": _page(self.views["cases"], rating_line),
                 "sanctions": _page(self.views["sanctions"], _buttons(self.end_button, self.letter_button,
                                                                      self.letter_status, self.told_button)),
                 "settings": _page(self.views["settings"], _buttons(
                     caseload_button("add_setting", "Add a &setting…", self.add_setting),
                     caseload_button("edit_setting", "Edit the selected setting…", self.edit_setting))),
                 "visits": _page(self.views["visits"], _buttons(
                     caseload_button("plan_visit", "Pla&n a visit…", self.plan_visit))),
                 "reviews": _page(self.views["reviews"], _buttons(
                     caseload_button("full_review", "Start a f&ull review…",
                                     lambda: self.start_review(ReviewScope.FULL),
                                     "The essential documents of Figure 1 for this service type"),
                     caseload_button("minimum_review", "Start a minimum ur&gent review…",
                                     lambda: self.start_review(ReviewScope.MINIMUM),
                                     "Section 11: when a placement cannot wait for the full review"),
                     caseload_button("open_review", "&Open the selected review", self.open_selected_review))),
                 "placements": _page(self.views["placements"], _buttons(
                     caseload_button("record_placement", "&Record a placement…", self.record_placement),
                     caseload_button("end_placement", "End the selected placement…", self.end_placement))),
                 "contacts": _page(self.views["contacts"], _buttons(
                     caseload_button("add_contact", "Add a con&tact…", self.add_contact),
                     caseload_button("edit_contact", "Edit the selected contact…", self.edit_contact),
                     caseload_button("remove_contact", "Remove the selected contact", self.remove_contact))),
                 "elements": _page(self.views["elements"], _buttons(
                     caseload_button("add_element", "Add an &element…", self.add_element),
                     caseload_button("edit_element", "Edit the selected element…", self.edit_element)))}
        self.tab_index: dict[str, int] = {}
        for key, _, name in tables:
            self.tab_index[key] = self.tabs.addTab(pages.get(key, self.views[key]), name)
        self.tabs.currentChanged.connect(lambda _: self._tab_shown())
        self.views["reviews"].activated.connect(lambda index: self.open_review.emit(
            self.reviews_model.row_at(source_row(index)).id))
        visits = self.views["visits"]
        visits.activated.connect(self._visit_chosen)  # Enter or double click
        self.record_buttons: list[QPushButton] = []
        records = QHBoxLayout()
        self.start_button = QPushButton("Start a &visit…")
        self.start_button.setToolTip("Start a visit to one of this provider's settings (Ctrl+N)")
        self.start_button.clicked.connect(self._start_visit)
        records.addWidget(self.start_button)
        self.record_buttons.append(self.start_button)
        # each form's class by name: ``ui.oversight_dialogs`` is imported when a form is first opened
        for words, dialog in (("Log a &case…", "CaseDialog"), ("Issue an &embargo…", "EmbargoDialog"),
                              ("Issue an action &plan…", "ActionPlanDialog"),
                              ("Log a regulatory &alert…", "AlertDialog")):
            button = QPushButton(words)
            button.clicked.connect(lambda _=False, d=dialog: self.record(d))
            records.addWidget(button)
            self.record_buttons.append(button)
        records.addStretch(1)
        check = QPushButton("Placement chec&k…")
        check.setToolTip("Everything QA holds that should stop or worry a placing social worker, and a one-page "
                         "PDF for the Access to Resources team")
        check.clicked.connect(lambda: self.show_placement_check())
        self.record_buttons.append(check)
        heading = QHBoxLayout()  # beside the name, where it is seen before a placement is discussed
        heading.addWidget(self.title, 1)
        heading.addWidget(check)
        audit = QPushButton("Au&dit trail…")
        audit.clicked.connect(lambda: self.show_audit())
        records.addWidget(audit)
        self.record_buttons.append(audit)
        self.edit_button = QPushButton("Ed&it the provider…")
        self.edit_button.clicked.connect(lambda: self.edit_provider())
        self.monitored_button = QPushButton("&Monitored by us…")
        self.monitored_button.setToolTip("Mark the provider monitored by us, or no longer, with the reason")
        self.monitored_button.clicked.connect(lambda: self.change_monitored())
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.monitored_button, 0, Qt.AlignmentFlag.AlignTop)
        heading.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading)
        # below the name: the page, or, while Down is held in the register, a line saying whose page
        # comes when the cursor rests (not the page of a provider passed, greyed under another's name)
        body = QWidget()
        page_layout = QVBoxLayout(body)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.warnings)
        # the facts scroll rather than being cut off when the text is large (150%) or the window small
        self.facts_area = QScrollArea()
        self.facts_area.setWidget(self.facts)
        self.facts_area.setWidgetResizable(True)
        self.facts_area.setFrameShape(QFrame.Shape.NoFrame)
        self.facts_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page_layout.addWidget(self.facts_area)
        page_layout.addLayout(records)
        page_layout.addWidget(self.tabs, 1)
        # the same words for every provider passed (the name is in the title): nothing laid out again per key
        self.waiting = QLabel("This provider's page shows when the cursor rests.")
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.waiting.setWordWrap(True)
        self.waiting.setAccessibleName("Provider page to come")
        self.body = QStackedWidget()
        self.body.addWidget(body)
        self.body.addWidget(self.waiting)
        layout.addWidget(self.body, 1)
        self._enable(False)
        hub.changed.connect(self._on_changes)

    def _enable(self, on: bool) -> None:
        for button in (*self.record_buttons, self.extend_button, self.complete_button, self.end_button,
                       self.letter_button, self.told_button, self.close_case_button, self.edit_button,
                       self.monitored_button,
                       *self.caseload_buttons.values()):
            button.setEnabled(on)
        self.ifa_button.setVisible(on and self.overview is not None and self.overview.ifa is not None)

    def _on_changes(self, changes: OpChanges) -> None:
        """Read the page again when a change touched this provider (anything else: nothing to do)."""
        if changes.only(FILLING_IN):
            return  # answers being given on a visit: nothing this page shows
        if self.overview is not None and (changes.touches_provider(self.overview.id) or COUNCIL in changes.named):
            self.show_provider(self.overview.id)

    def follow(self, provider_id: str | None, name: str = "", *, held: bool = False) -> None:
        """The register's cursor moved to this provider. Its page is read at once, unless the key that
        moved it is held down (``held``: the keyboard repeating it, ``ui.key_repeat``): then the page
        is read when the cursor has rested ``FOLLOW_MS``, for the provider it rests on, instead of for
        every provider it passes. Meanwhile the page is greyed under the provider's name and holds no
        provider (``overview`` is None), so nothing done from it or the menus can act on the provider
        left behind."""
        if provider_id is None or not held:
            self.show_provider(provider_id)
            return
        self.pending = provider_id
        self._follow.start()  # again: read when the cursor has rested FOLLOW_MS
        if self.overview is not None:
            self.overview = None
            self._enable(False)
            for part in self._page_parts():
                part.setEnabled(False)
            self.body.setCurrentWidget(self.waiting)
        self.title.setText(f"{name} …" if name else "…")

    def _page_parts(self) -> tuple[QWidget, ...]:
        return self.facts, self.warnings, self.rating, self.tabs

    def show_provider(self, provider_id: str | None) -> None:
        self._follow.stop()
        self.pending = None
        for part in self._page_parts():
            part.setEnabled(True)
        self.body.setCurrentIndex(0)
        page = self._read(provider_id) if provider_id is not None else None
        if page is None:
            self._show_nothing()
            return
        self._enable(True)
        self.overview = page
        self._show_page(page)

    def _shown_key(self) -> str | None:
        """The key of the tab on show (``tab_index``'s)."""
        at = self.tabs.currentIndex()
        return next((key for key, index in self.tab_index.items() if index == at), None)

    def _tab_shown(self) -> None:
        """Another tab shown: its list read now if the page left it unread, then its columns fitted."""
        key = self._shown_key()
        if self.overview is not None and key in self.overview.unread:
            self._read_list(key)
        self._size_shown_table()

    def _read_list(self, key: str) -> None:
        """Read one of the page's unread lists (its tab shown, or a form needs it) into the page."""
        assert self.overview is not None
        try:
            rows = self.workspace.register.page_list(self.overview.id, key)
        except VisitRuleError:  # the provider went from the register (a sync): the page says so
            self.show_provider(self.overview.id)
            return
        counts = {**self.overview.counts, key: len(rows)}  # the tab's words as its rows now
        if key == "reviews":
            counts["reviews_in_progress"] = sum(1 for r in rows if r.status is ReviewStatus.IN_PROGRESS)
        read: dict[str, Any] = {key: list(rows)}
        self.overview = dataclasses.replace(self.overview, unread=self.overview.unread - {key}, counts=counts, **read)
        self._show_page(self.overview)

    def _show_page(self, page: ProviderOverview) -> None:
        if self.title.text() != page.name:
            self.title.setText(page.name)
        self.facts.set_facts(page.facts)  # two columns, so the tables below keep their room
        rows: dict[str, Sequence[Any]] = {
            "settings": page.settings, "due": page.due, "visits": page.visits, "actions": page.actions,
            "cases": page.cases, "sanctions": page.sanctions, "reviews": page.reviews,
            "placements": page.placements, "contacts": page.contacts, "elements": page.elements}
        self._unsized |= {key for key, shown in rows.items() if self.models[key].replace_rows(shown)}
        bespoke = page.service_type_value == ServiceType.BESPOKE.value
        if self.tabs.isTabVisible(self.tab_index["elements"]) != bespoke:
            self.tabs.setTabVisible(self.tab_index["elements"], bespoke)
        self.monitored_button.setText("&Monitored by us: yes…" if page.monitored else "&Monitored by us: no…")
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
        in_progress = page.counts.get("reviews_in_progress", 0)
        current = sum(1 for p in page.placements if p.current)
        self._tab_texts({
            "settings": f"Settings ({len(page.settings)})",
            "due": f"What is due ({overdue} overdue)" if overdue else f"What is due ({len(page.due)})",
            "visits": f"Visits ({page.counts.get('visits', 0)})",
            "actions": f"Actions ({len(page.actions)}, {page.overdue_actions} overdue)" if page.overdue_actions
            else f"Actions ({len(page.actions)})",
            "cases": f"Risk and cases ({this_year.rag.label if this_year else 'no cases'})",
            "sanctions": f"Sanctions ({len(page.sanctions)})",
            "reviews": f"Reviews ({page.counts.get('reviews', 0)}" + (f", {in_progress} in progress)" if in_progress
                                                                   else ")"),
            "placements": f"Placements ({current} now)",
            "contacts": f"Contacts ({page.counts.get('contacts', 0)})",
            "elements": f"Package ({page.counts.get('elements', 0)} elements)"})
        self._size_shown_table()

    def _tab_texts(self, texts: dict[str, str]) -> None:
        """The tabs' words, set where they changed: a tab's words set lays the tab bar out again and
        repaints the whole page below it, for each provider passed in the register."""
        for key, text in texts.items():
            at = self.tab_index[key]
            if self.tabs.tabText(at) != text:
                self.tabs.setTabText(at, text)

    def _size_shown_table(self) -> None:
        """Fit the columns of the table on show to what it holds now; a table on another tab is
        fitted when its tab is shown (fitting asks every cell its size: ten tables per provider was
        most of the cost of moving down the register)."""
        shown = self.tabs.currentWidget()
        for key in [k for k in self._unsized if self.views[k] is shown or shown.isAncestorOf(self.views[k])]:
            self.views[key].resizeColumnsToContents()
            self._unsized.discard(key)

    def _read(self, provider_id: str) -> ProviderOverview | None:
        """The provider's page, or None when it has gone from the register (deleted by a sync)."""
        shown = self._shown_key()
        try:
            return self.workspace.register.page(provider_id, lists=[shown] if shown else [])
        except VisitRuleError:
            return None

    def _show_nothing(self) -> None:
        self.overview = None
        for model in (self.settings_model, self.due_model, self.visits_model, self.actions_model,
                      self.cases_model, self.sanctions_model, self.reviews_model, self.placements_model,
                      self.contacts_model, self.elements_model):
            model.set_rows([])
        self.title.setText("Choose a provider in the register to see its page.")
        self.facts.clear()
        self.warnings.hide()
        self._enable(False)

    def show_placement_check(self) -> PlacementCheckDialog | None:
        if self.overview is None:
            return None
        from qa_desktop.ui.placement_check_dialog import PlacementCheckDialog

        dialog = PlacementCheckDialog(self.workspace, self.hub, self.overview.id, self)
        self.placement_check = dialog
        dialog.show()
        return dialog

    def show_audit(self) -> AuditDialog | None:
        if self.overview is None:
            return None
        from qa_desktop.ui.audit_dialog import AuditDialog

        dialog = AuditDialog(self.overview.name, self.workspace.register.audit(self.overview.id), self)
        dialog.open()
        return dialog

    def record(self, kind: RecordForm | str) -> RecordDialog | None:
        """Open one of the oversight forms for this provider (``kind``: its class, or its name in
        ``ui.oversight_dialogs``); what it saves comes back as a change to this provider, and the
        page (and the register's row) redraw from that."""
        from qa_desktop.ui import oversight_dialogs
        from qa_desktop.ui.oversight_dialogs import CaseDialog

        form: RecordForm = getattr(oversight_dialogs, kind) if isinstance(kind, str) else kind
        if self.overview is None:
            return None
        dialog = form(self.workspace, self.overview.id, self.overview.name, self.workspace.clock.today(), self)
        if isinstance(dialog, CaseDialog):
            dialog.accepted.connect(lambda: self.offer_unannounced_visit(dialog))
        dialog.open()
        return dialog

    def offer_unannounced_visit(self, case: CaseDialog) -> PlanVisitDialog | None:
        """A quality concern or safeguarding matter makes a review (and, where children are
        accommodated, a visit) due now; Section 11: "unannounced visits will be triggered when
        significant concerns have been identified". Offer to plan one, preset for two officers."""
        if not case.concern() or self.overview is None:
            return None
        visit_due = [i for i in self.workspace.register.due(provider_id=self.overview.id)
                     if i.due.kind is DueKind.VISIT]
        what = "A compliance review" + (" and a QA visit are" if visit_due else " is")
        if not visit_due:
            QMessageBox.information(self, "Compliance review due now", f"{what} now due (Figure 1: a quality concern "
                                    "or safeguarding matter was raised). See What is due.")
            return None
        answer = QMessageBox.question(self, "Plan an unannounced visit?",
                                      f"{what} now due (Figures 1 and 2: a quality concern or safeguarding matter was "
                                      "raised).\n\nPlan an unannounced visit now (two officers, Section 11)?")
        if answer != QMessageBox.StandardButton.Yes:
            return None
        return self.plan_visit(unannounced=True)

    def progress_action(self, complete: bool) -> ActionProgressDialog | None:
        action = selected_row(self.views["actions"], self.actions_model)
        if action is None:
            return None
        from qa_desktop.ui.oversight_dialogs import ActionProgressDialog

        dialog = ActionProgressDialog(self.workspace, action, complete, self)
        dialog.open()
        return dialog

    def _selected_sanction(self) -> SanctionRow | None:
        return selected_row(self.views["sanctions"], self.sanctions_model)

    def end_sanction(self) -> EndSanctionDialog | None:
        row = self._selected_sanction()
        if row is None or row.record is None:
            return None
        from qa_desktop.ui.oversight_dialogs import EndSanctionDialog

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
            shown = self.workspace.documents.viewing_copy(result.path)  # kept encrypted: the viewer reads a copy
        except (DocumentRuleError, ValueError, OSError) as error:
            QMessageBox.information(self, "The letter was not made", str(error))
            return None
        self.open_file(shown)
        return shown

    def social_work_told(self) -> None:
        row = self._selected_sanction()
        if row is None or row.record is None or row.record[0] not in ("embargo", "plan"):
            return
        kind, record_id = row.record
        self.workspace.oversight.social_work_informed(kind, record_id, self.workspace.clock.today())

    def edit_ifa_flags(self) -> IfaFlagsDialog | None:
        if self.overview is None or self.overview.ifa is None:
            return None
        from qa_desktop.ui.oversight_dialogs import IfaFlagsDialog

        dialog = IfaFlagsDialog(self.workspace, self.overview.id, self.overview.name,
                                dict(self.overview.ifa_concerns), self)
        dialog.open()
        return dialog

    def _start_visit(self) -> None:
        if self.overview is not None:
            self.start_visit.emit(self.overview.id)

    def _visit_chosen(self, index: QModelIndex) -> None:
        self.open_visit.emit(self.visits_model.row_at(source_row(index)).id)

    # -- the caseload: the provider itself, settings, contacts, package, placements, reviews, visits ------

    def _settings(self) -> list[tuple[str, str]]:
        return [(s.id, s.name) for s in self.overview.settings] if self.overview else []

    def _elements(self) -> Sequence[ElementLine]:
        """The package's elements, for a form that offers them (read now if their tab was not shown)."""
        if self.overview is not None and "elements" in self.overview.unread:
            self._read_list("elements")
        return self.overview.elements if self.overview is not None else []

    def _opened(self, dialog: D) -> D:
        dialog.open()
        return dialog

    def edit_provider(self) -> ProviderDialog | None:
        if self.overview is None:
            return None
        from qa_desktop.ui.provider_forms import ProviderDialog

        return self._opened(ProviderDialog(self.workspace, self.workspace.providers.provider(self.overview.id), self))

    def change_monitored(self) -> MonitoredDialog | None:
        if self.overview is None:
            return None
        from qa_desktop.ui.provider_forms import MonitoredDialog

        return self._opened(MonitoredDialog(self.workspace, self.workspace.providers.provider(self.overview.id), self))

    def add_setting(self) -> SettingDialog | None:
        if self.overview is None:
            return None
        from qa_desktop.ui.provider_forms import SettingDialog

        return self._opened(SettingDialog(self.workspace, self.overview.id, None, self))

    def edit_setting(self) -> SettingDialog | None:
        chosen = selected_row(self.views["settings"], self.settings_model)
        if self.overview is None or chosen is None:
            return None
        record = self.workspace.providers.setting(chosen.id)
        from qa_desktop.ui.provider_forms import SettingDialog

        return self._opened(SettingDialog(self.workspace, self.overview.id, record, self))

    def add_contact(self) -> ContactDialog | None:
        if self.overview is None:
            return None
        from qa_desktop.ui.provider_forms import ContactDialog

        return self._opened(ContactDialog(self.workspace, self.overview.id, self._settings(), None, self))

    def edit_contact(self) -> ContactDialog | None:
        chosen = selected_row(self.views["contacts"], self.contacts_model)
        if self.overview is None or chosen is None:
            return None
        fresh = next((c for c in self.workspace.providers.contacts(self.overview.id) if c.id == chosen.id), chosen)
        from qa_desktop.ui.provider_forms import ContactDialog

        return self._opened(ContactDialog(self.workspace, self.overview.id, self._settings(), fresh, self))

    def remove_contact(self) -> None:
        chosen = selected_row(self.views["contacts"], self.contacts_model)
        if chosen is not None:
            self.workspace.providers.remove_contact(chosen.id)

    def add_element(self) -> ElementDialog | None:
        if self.overview is None:
            return None
        from qa_desktop.ui.provider_forms import ElementDialog

        return self._opened(ElementDialog(self.workspace, self.overview.id, self._settings(), None, self))

    def edit_element(self) -> ElementDialog | None:
        chosen = selected_row(self.views["elements"], self.elements_model)
        if self.overview is None or chosen is None:
            return None
        from qa_desktop.ui.provider_forms import ElementDialog

        return self._opened(ElementDialog(self.workspace, self.overview.id, self._settings(), chosen, self))

    def record_placement(self) -> PlacementDialog | None:
        if self.overview is None:
            return None
        elements = [(e.id, e.name) for e in self._elements()]
        from qa_desktop.ui.caseload_dialogs import PlacementDialog

        return self._opened(PlacementDialog(self.workspace, self.overview.id, self.overview.name, self, elements))

    def end_placement(self) -> EndPlacementDialog | None:
        chosen = selected_row(self.views["placements"], self.placements_model)
        if chosen is None:
            return None
        from qa_desktop.ui.caseload_dialogs import EndPlacementDialog

        return self._opened(EndPlacementDialog(self.workspace, chosen, self))

    def start_review(self, scope: ReviewScope) -> StartReviewDialog | None:
        """Start a review (full, or the minimum urgent set); once started it opens in its own window."""
        if self.overview is None:
            return None
        elements = [(e.id, e.name) for e in self._elements()]
        from qa_desktop.ui.caseload_dialogs import StartReviewDialog

        dialog = StartReviewDialog(self.workspace, self.overview.id, self.overview.name, scope, self, elements)

        def started() -> None:
            if dialog.review_id:
                self.open_review.emit(dialog.review_id)

        dialog.accepted.connect(started)
        return self._opened(dialog)

    def open_selected_review(self) -> str | None:
        chosen = selected_row(self.views["reviews"], self.reviews_model)
        if chosen is None:
            return None
        self.open_review.emit(chosen.id)
        return chosen.id

    def plan_visit(self, *, unannounced: bool = False) -> PlanVisitDialog | None:
        if self.overview is None:
            return None
        from qa_desktop.ui.caseload_dialogs import PlanVisitDialog

        return self._opened(PlanVisitDialog(self.workspace, self.overview.id, parent=self, unannounced=unannounced,
                                            reason=VisitReason.CONCERN_RAISED if unannounced else VisitReason.ROUTINE))

    def close_case(self) -> CloseCaseDialog | None:
        chosen = selected_row(self.views["cases"], self.cases_model)
        if chosen is None or chosen.closed_on is not None:
            return None
        from qa_desktop.ui.caseload_dialogs import CloseCaseDialog

        return self._opened(CloseCaseDialog(self.workspace, chosen, self))
