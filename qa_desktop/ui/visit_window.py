"""Completing a visit on site: sections with progress on the left, the section's items on the right,
and a "saved" state that is true: every answer, note, photo and action is committed through the
visit service the moment it is made (``OpenVisit``), so closing the window or a crash loses nothing.

Along the top: the report (made in the background with progress, then opened; or saved anywhere),
sharing the visit with the second officer's laptop (a bundle file, the same one ``export-visit``
writes), and the Young Inspector's form (add it, hand the laptop over, review and accept it).

Sections are a list model (``SectionListModel``); items are ``ItemWidget``s, rebuilt per section.
What cannot be saved (an answer the item refuses, a photo that is not a picture) is said in the
status line in plain words and nothing already saved is touched.

The screen hears every change (``ChangeHub``): when the other officer's answers arrive (a sync, a
bundle, another program on the same data folder) the items redraw in place, keeping the officer's
section, focus and scroll position, and any note still being typed. What the screen showed is what
its edits are written over (``workspace.visits.VisitEditor``): an answer given over a value that
arrived but was never drawn is kept beside it as a conflict, never written over it silently.

A save that another program holds up (the data file is locked by a sync) waits only briefly, then
says "Not saved" with the reason, keeps what was typed or chosen, and tries again every
``RETRY_MS`` until it is saved: the window never freezes, and nothing is lost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence, QPixmap, QShortcut, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitCompleted, VisitRuleError
from qa_desktop.safe_text import ControlCharacters
from qa_desktop.ui.audit_dialog import AuditDialog
from qa_desktop.ui.background import BackgroundTask
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.documents_menu import DocumentsButton
from qa_desktop.ui.file_names import start_folder, suggested_path
from qa_desktop.ui.hand_over_dialog import HandOverDialog, WithdrawDialog
from qa_desktop.ui.item_widget import ItemWidget, item_style
from qa_desktop.ui.kiosk import HandOverKiosk
from qa_desktop.ui.palette import warning_style
from qa_desktop.ui.photos_dialog import PICTURES, PhotoActions, PhotosDialog
from qa_desktop.ui.wrapped_list import WrappedListView
from qa_desktop.ui.young_inspector_review import YoungInspectorReview
from qa_desktop.workspace import Done, OpChanges, Workspace
from qa_desktop.workspace.hand_over import UnlockError
from qa_desktop.workspace.sync import ConflictError, CredentialsError
from qa_desktop.workspace.visits import (
    AnswerError,
    Audience,
    BlobError,
    Checklist,
    Difference,
    Evidence,
    FieldKey,
    ReportFileError,
    ReportResult,
    Section,
    StoreBusy,
    VisitEditor,
)

#: How often a save held up by another program is tried again.
RETRY_MS = 2000
_Index = QModelIndex | QPersistentModelIndex


class SectionListModel(QAbstractListModel):
    """(checklist, section) pairs in template order, shown with their progress.

    What each row says is worked out when the visit changes (``changed``), not when the list paints:
    a view asks ``data`` for a dozen roles per row at every repaint, and counting a section's answers
    each time made one answer cost a recount of every section several times over. ``changed`` tells
    the view only of the rows whose words changed, so an answer redraws its own section's row."""

    def __init__(self, visit: VisitEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.visit = visit
        #: (template key, section key) -> how many differences between the officers it holds
        self.differences: dict[tuple[str, str], int] = {}
        # the Young Inspector's form is theirs: it has its own screen and the officer's review
        self.rows: list[tuple[str, Section]] = [(key, section) for key, checklist in visit.checklists.items()
                                                if checklist.template.audience is not Audience.YOUNG_INSPECTOR
                                                for section in checklist.sections()]
        #: per row: (answered, total, display words, accessible words), as of the last ``changed``
        self._words: list[tuple[int, int, str, str]] = [self._row_words(row) for row in range(len(self.rows))]
        #: (template key, item key) -> (the template, the rows that item's record can change)
        self._affected: dict[tuple[str, str], tuple[Any, list[int]]] = {}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._words[index.row()][2]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._words[index.row()][3]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.visit.checklists[self.rows[index.row()][0]].template.title
        return None

    def _row_words(self, row: int) -> tuple[int, int, str, str]:
        key, section = self.rows[row]
        progress = self.visit.checklists[key].progress(section)
        differ = self.differences.get((key, section.key), 0)
        mark = "⚠ " if differ else ("✓ " if progress.complete else "")
        display = f"{mark}{section.title}  {progress.answered}/{progress.total}" + (
            f" · {differ} to resolve" if differ else "")
        accessible = f"{section.title}, {progress.answered} of {progress.total} answered" + (
            f", {differ} difference{'s' if differ != 1 else ''} between the officers to resolve" if differ else "")
        return progress.answered, progress.total, display, accessible

    def totals(self) -> tuple[int, int]:
        """Answered and total over every section listed (the officers' checklists, as last counted)."""
        return sum(w[0] for w in self._words), sum(w[1] for w in self._words)

    def changed(self, item: tuple[str, str] | None = None) -> None:
        """Count again (the visit or its differences changed); redraw the rows whose words changed.

        ``item`` (template key, item key): only that item's record changed (its answer, note, photos or
        action): only the rows it can change are counted again, its own section's and those of the
        items its answer shows or hides (``show_when``, directly or through another). Counting every
        section at every answer was half a millisecond of each (issue 22)."""
        for row in range(len(self.rows)) if item is None else self._rows_of(*item):
            words = self._row_words(row)
            if words != self._words[row]:
                self._words[row] = words
                self.dataChanged.emit(self.index(row), self.index(row))

    def _rows_of(self, template_key: str, item_key: str) -> list[int]:
        """The rows whose counts an item's record can change (worked out once per item: a template
        does not change under an open visit, and it is checked to be the same one)."""
        template = self.visit.checklists[template_key].template
        known = self._affected.get((template_key, item_key))
        if known is not None and known[0] is template:
            return known[1]
        keys = template.shown_through(item_key)
        rows = [row for row, (key, section) in enumerate(self.rows)
                if key == template_key and any(i.key in keys for i in section.items)]
        self._affected[(template_key, item_key)] = (template, rows)
        return rows


class ActionDialog(QDialog):
    """Raise an action from an item: what must be done and its concern level; Figure 8 sets the due date."""

    def __init__(self, item_label: str, parent: QWidget | None = None, *, high_within: str = "24-48 hours") -> None:
        super().__init__(parent)
        self.setWindowTitle("Raise an action")
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Action")
        self.text.setTabChangesFocus(True)
        self.level = QComboBox()
        self.level.setAccessibleName("Concern level")
        for level in ConcernLevel:
            self.level.addItem(level.label.title(), level.value)  # Qt hands a StrEnum back as plain text
        self.level.setCurrentIndex(1)
        form = QFormLayout()
        form.addRow(QLabel(f"<b>{item_label}</b>"))
        form.addRow("&What must be done:", self.text)
        form.addRow("&Concern level:", self.level)
        form.addRow(QLabel(f"The due date follows Figure 8 of the framework (e.g. HIGH: {high_within})."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)


def open_with_system_viewer(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


#: How many of the things to see to before completing are listed in words (the rest counted).
PROBLEMS_LISTED = 8


class VisitWindow(QWidget):
    saved = Signal()
    completed = Signal()  # what is due across the register has changed
    report_ready = Signal(object)  # ReportResult
    #: How a finished report is shown; tests replace it rather than start a PDF viewer.
    open_file = staticmethod(open_with_system_viewer)

    def __init__(self, workspace: Workspace, hub: ChangeHub, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.workspace = workspace
        self.visit = workspace.visits.open(visit_id)
        #: the items on screen, in template order; ``_built`` also holds those of the section a
        #: ``show_when`` hides now (made with the section, hidden until an answer shows them)
        self.items: list[ItemWidget] = []
        self._built: list[ItemWidget] = []
        #: The section whose items are on screen: (template key, section, its row). Every save from an
        #: item is filed under this template, never under the row the section list has just moved to:
        #: an item leaving the screen (a typed answer saved as it loses focus, a note flushed) belongs
        #: to the section it was shown in, and sections of two templates sit side by side in the list.
        self._shown: tuple[str, Any, int] | None = None
        self._leaving = False
        #: the visit was read again while a document's date was being typed (kept as typed, ``_editing``)
        self._held = False
        #: saves another program held up, to try again: (template, item, what) -> the save
        self.unsaved: dict[tuple[str, str, str], Callable[[], Done[Any]]] = {}
        self._own_changes: list[OpChanges] | None = None
        #: the date refused in words that a close was held for, once (``closeEvent``)
        self._refused_said: str | None = None
        self.setStyleSheet(item_style())
        header = workspace.visits.header(visit_id)
        kind = "Announced" if header.announced else "Unannounced"
        self.setWindowTitle(f"Visit: {header.setting}, {header.visit_date:%d %b %Y}")
        #: "Maple Lodge, 24 Nov 2026": what a suggested file name says
        self.place_and_day = f"{header.setting}, {header.visit_date:%d %b %Y}"
        owner = "" if header.provider == header.setting else f" ({header.provider})"
        heading = QLabel(f"<b>{header.setting}</b>{owner} · {header.level.label} · {kind} · "
                         f"{header.visit_date:%d %b %Y} · {', '.join(header.officers)}")
        self.officers = list(header.officers)
        self.reference_date = header.visit_date
        heading.setWordWrap(True)
        self.task: BackgroundTask | None = None
        self.kiosk: HandOverKiosk | None = None

        self.sections = SectionListModel(self.visit, self)
        self.section_list = WrappedListView()  # an answer's count redraws its row alone
        self.section_list.setModel(self.sections)
        self.section_list.setAccessibleName("Sections")
        self.section_list.setSpacing(2)
        self.section_list.setWordWrap(True)
        self.section_list.selectionModel().currentRowChanged.connect(
            lambda current, _: self.show_section(current.row()))
        self.items_host = QWidget()
        self.items_layout = QVBoxLayout(self.items_host)
        self.items_layout.setSpacing(3)
        self.items_layout.setContentsMargins(4, 4, 4, 4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.items_host)
        self.scroll_area = scroll
        split = QSplitter()
        split.addWidget(self.section_list)
        split.addWidget(scroll)
        split.setStretchFactor(1, 4)
        split.setSizes([230, 970])

        self.read_only_banner = QLabel()
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setAccessibleName("Visit completed")
        self.read_only = header.read_only
        self.state = QLabel("All changes saved")
        self.state.setAccessibleName("Save state")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Overall progress")
        self.progress.setMaximumWidth(180)
        self.progress_words = QLabel()
        self.progress_words.setAccessibleName("Answered so far")
        self.progress_words.setWordWrap(True)
        self.next_button = QPushButton("Next &unanswered")
        self.next_button.setToolTip("The next item with no answer (Ctrl+J)")
        self.next_button.clicked.connect(lambda: self.next_unanswered())
        self.next_difference_button = QPushButton("Next difference")
        self.next_difference_button.setToolTip("The next item where the two officers differ (Ctrl+Shift+J)")
        self.next_difference_button.clicked.connect(lambda: self.next_difference())
        self.complete_button = QPushButton("&Complete visit…")
        self.complete_button.clicked.connect(lambda: self.reopen() if self.read_only else self.complete())
        self.state.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        for widget in (self.progress, self.progress_words, self.next_button, self.next_difference_button,
                       self.complete_button):
            bottom.addWidget(widget)
        keys = QLabel("Keys: 1 2 3 answer · ↑↓ items · Ctrl+PgUp/PgDn sections · Ctrl+J next unanswered · "
                      "Ctrl+Shift+J next difference · N note (Esc back) · P photo · V photos · A action · Del clear")
        keys.setWordWrap(True)
        keys.setAccessibleName("Keys")  # in the text's own colour: a disabled label's grey read 1.6:1 (WCAG: 4.5)
        for sequence, slot in (("Ctrl+PgDown", lambda: self.step_section(1)),
                               ("Ctrl+PgUp", lambda: self.step_section(-1)), ("Ctrl+J", lambda: self.next_unanswered()),
                               ("Ctrl+Shift+J", lambda: self.next_difference())):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
        layout = QVBoxLayout(self)
        layout.addLayout(self._toolbar(heading))
        layout.addWidget(self.read_only_banner)
        layout.addWidget(split, 1)
        layout.addWidget(keys)
        layout.addLayout(bottom)
        self.resize(1200, 800)
        self._read_differences()
        if self.sections.rows:
            self.section_list.setCurrentIndex(self.sections.index(0))
        self._retry = QTimer(self, interval=RETRY_MS)
        self._retry.timeout.connect(self.retry_unsaved)
        self.hub = hub
        hub.changed.connect(self._on_changes)
        self._show_completion()

    def _toolbar(self, heading: QLabel) -> QHBoxLayout:
        self.report_button = QPushButton("&Report")
        self.report_button.setToolTip("Make the visit report (PDF) and open it (Ctrl+R)")
        self.report_button.setShortcut(QKeySequence("Ctrl+R"))
        self.report_button.clicked.connect(lambda: self.make_report())
        save_as = QPushButton("Save report &as…")
        save_as.clicked.connect(lambda: self.save_report_as())
        share = QPushButton("&Share with second officer…")
        share.setToolTip("Write a file that opens this visit on another laptop (USB stick or shared folder) (Ctrl+E)")
        share.setShortcut(QKeySequence("Ctrl+E"))
        share.clicked.connect(lambda: self.share_visit())
        self.young_inspector_button = QPushButton("&Young Inspector")
        menu = QMenu(self.young_inspector_button)
        self.add_form_action = menu.addAction("Add the Young Inspector form", self.add_young_inspector)
        self.hand_over_action = menu.addAction("Hand over to the Young Inspector…", self.hand_over)
        self.review_action = menu.addAction("Review and accept their form…", self.review_young_inspector)
        self.young_report_action = menu.addAction("Young Inspector report", lambda: self.make_report("young_inspector"))
        self.withdraw_action = menu.addAction("Withdraw the Young Inspector form…", self.withdraw_young_inspector)
        menu.aboutToShow.connect(self._young_inspector_menu_state)
        self.young_inspector_button.setMenu(menu)
        audit = QPushButton("Au&dit trail…")
        audit.clicked.connect(lambda: self.show_audit())
        self.documents_button = DocumentsButton(self.workspace, self.visit.visit_id, self)
        row = QHBoxLayout()
        row.addWidget(heading, 1)  # wraps: at large text sizes the buttons still fit a laptop's width
        for button in (self.report_button, self.documents_button, save_as, share, self.young_inspector_button,
                       audit):
            row.addWidget(button)
        return row

    # -- showing -----------------------------------------------------------------------------------

    def current_checklist(self) -> tuple[str, Checklist]:
        """The checklist of the items on screen (of the section list's row until a section is shown)."""
        if self._shown is not None:
            key = self._shown[0]
        else:
            key, _ = self.sections.rows[self.section_list.currentIndex().row()]
        return key, self.visit.checklists[key]

    def show_section(self, row: int) -> None:
        # what the items leaving the screen hold is saved under their own section's template first
        self.flush_typed()
        self._leaving = True
        try:
            for widget in self._built:
                widget.hide()  # gone at once (a typed answer is saved as it loses focus, here)
                widget.deleteLater()
        finally:
            self._leaving = False
        self.items = []
        self._built = []
        self._shown = None
        while self.items_layout.count():
            self.items_layout.takeAt(0)
        if row < 0:
            return
        key, section = self.sections.rows[row]
        self._shown = (key, section, row)
        checklist = self.visit.checklists[key]
        if section.intro:
            intro = QLabel(section.intro)
            intro.setWordWrap(True)
            self.items_layout.addWidget(intro)
        showing = {item.key for item in checklist.visible_items(section)}
        # every item the section can show is made now, in template order (the keyboard's order, Tab
        # included): one a ``show_when`` hides waits hidden, and an answer that shows it only shows it
        for item in checklist.items_in_scope(section):
            widget = self._item_widget(key, checklist, item)
            self._built.append(widget)
            self.items_layout.addWidget(widget)
            if item.key in showing:
                self.items.append(widget)
                widget.show()  # now, not when the layout next runs: the focus can go to it at once
            else:
                widget.hide()  # said explicitly: a window not shown yet would show it with the rest
                widget.ensurePolished()  # styled now, with the section, rather than on the answer
        self.items_layout.addStretch(1)
        if self.items:
            self.items[0].setFocus()

    def _item_widget(self, key: str, checklist: Checklist, item: Any) -> ItemWidget:
        widget = ItemWidget(item, checklist.record(item.key), self._differences_of(key, item.key),
                            self._difference_words, day=checklist.on)
        widget.setEnabled(not self.read_only)  # a completed visit: shown, not changed (issue 21)
        widget.answered.connect(self.set_answer)
        widget.noted.connect(self.set_note)
        widget.photo_wanted.connect(self.add_photo)
        widget.photos_wanted.connect(self.show_photos)
        widget.action_wanted.connect(self.raise_action)
        widget.told.connect(self._not_saved_told)
        widget.date_waiting.connect(self._waiting)
        widget.difference_chosen.connect(self.resolve_difference)
        widget.date_left.connect(self._date_left)
        widget.step.connect(lambda step, w=widget: self._move(w, step))
        return widget

    def _show_visible(self, key: str, checklist: Checklist, section: Any) -> None:
        """An answer showed or hid items of the section on screen (``show_when``): show and hide just
        those, in place (their widgets were made with the section). The others stay as they are
        (focus, scroll, a note being typed). An item shown again shows what is stored for it now
        (a change may have arrived while it was hidden); one hidden keeps its answer, as the
        checklist does, and a note being typed in it is saved first."""
        showing = {i.key for i in checklist.visible_items(section)}
        was = set(map(id, self.items))
        for widget in self._built:
            if widget.item.key in showing and id(widget) not in was:
                widget.show_record(checklist.record(widget.item.key), self._differences_of(key, widget.item.key))
                widget.setEnabled(not self.read_only)
                widget.show()
            elif widget.item.key not in showing and id(widget) in was:
                if widget.has_pending_note():
                    widget.flush_note()  # saved under its own item, as when leaving the section
                # (a date being typed in it is saved as its field loses the focus, hidden)
                # its note closed, as a row made afresh has it: kept open it came back open, beside
                # its own "Note:" line, and one more stop for Tab
                widget.note.hide()
                widget.hide()
        self.items = [w for w in self._built if w.item.key in showing]

    def _move(self, widget: ItemWidget, step: int) -> None:
        index = self.items.index(widget) + step
        if 0 <= index < len(self.items):
            self.focus_item(self.items[index])
        elif 0 <= self.section_list.currentIndex().row() + step < len(self.sections.rows):
            self.step_section(step, last=step < 0)  # past the last item: on to the next section

    def focus_item(self, widget: ItemWidget) -> None:
        widget.setFocus()
        self.scroll_area.ensureWidgetVisible(widget, 0, 24)

    def step_section(self, step: int, *, last: bool = False) -> None:
        """Ctrl+PgDn / Ctrl+PgUp: the next or previous section, its first item focused (its last
        when coming up from below)."""
        row = self.section_list.currentIndex().row() + step
        if 0 <= row < len(self.sections.rows):
            self.section_list.setCurrentIndex(self.sections.index(row))
            if self.items:
                self.focus_item(self.items[-1] if last else self.items[0])

    def _go_to(self, template_key: str, item_key: str) -> None:
        for row, (key, section) in enumerate(self.sections.rows):
            if key == template_key and any(i.key == item_key for i in section.items):
                if row != self.section_list.currentIndex().row():
                    self.section_list.setCurrentIndex(self.sections.index(row))
                for widget in self.items:
                    if widget.item.key == item_key:
                        self.focus_item(widget)
                return

    def _places(self) -> list[tuple[str, str, Any]]:
        """Every item the officer fills in, in the screen's order: (template, item, item)."""
        places = []
        for key, section in self.sections.rows:
            checklist = self.visit.checklists[key]
            places += [(key, item.key, item) for item in checklist.visible_items(section)]
        return places

    def _after_current(self, places: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
        """The places after the item focused, wrapping round to the start."""
        focused = next((w for w in self.items if w.hasFocus() or w.isAncestorOf(self.focusWidget())), None)
        key = self.current_checklist()[0] if self.items else None
        at = next((n for n, (t, i, _) in enumerate(places) if focused and t == key and i == focused.item.key), -1)
        return places[at + 1:] + places[:at + 1]

    def next_unanswered(self) -> bool:
        """Ctrl+J: the next item with no answer yet, after the one focused (round to the start)."""
        for key, item_key, item in self._after_current(self._places()):
            if not self.visit.checklists[key].is_answered(item):
                self._go_to(key, item_key)
                return True
        self.state.setText("Every item is answered")
        return False

    def next_difference(self) -> bool:
        """Ctrl+Shift+J: the next item where the two officers differ."""
        wanted = {(d.template_key, d.item_key) for d in self.differences}
        for key, item_key, _ in self._after_current(self._places()):
            if (key, item_key) in wanted:
                self._go_to(key, item_key)
                return True
        self.state.setText("No differences between the officers")
        return False

    def show_progress(self) -> None:
        """The overall bar and words: the sections' counts summed (as ``SectionListModel.changed`` last
        made them), not every checklist counted again."""
        answered, total = self.sections.totals()
        # QProgressBar.setValue repaints at once when its percentage moves (0.5-1.5 ms, then the
        # window paints again): held here, it is painted with the rest of the window's update
        shown = (max(total, 1), answered, f"{round(100 * answered / total) if total else 100}%")
        if (self.progress.maximum(), self.progress.value(), self.progress.format()) != shown:
            self.progress.setUpdatesEnabled(False)
            try:
                self.progress.setRange(0, shown[0])
                self.progress.setValue(shown[1])
                self.progress.setFormat(shown[2])
            finally:
                self.progress.setUpdatesEnabled(True)  # asks for the paint (``update``)
        words = f"{answered} of {total} answered"
        differ = len(self.differences)
        if differ:
            words += f" · ⚠ {differ} difference{'s' if differ != 1 else ''} between the officers to resolve"
        self.progress_words.setText(words)
        self.next_difference_button.setVisible(bool(differ))

    # -- the two officers' differences ---------------------------------------------------------------

    def _read_differences(self) -> None:
        self.differences = self.visit.differences()
        by_section: dict[tuple[str, str], int] = {}
        for difference in self.differences:
            for key, section in self.sections.rows:
                if key == difference.template_key and any(i.key == difference.item_key for i in section.items):
                    by_section[(key, section.key)] = by_section.get((key, section.key), 0) + 1
        self.sections.differences = by_section
        self.sections.changed()
        self.show_progress()

    def _differences_of(self, template_key: str, item_key: str) -> list[Difference]:
        return [d for d in self.differences if (d.template_key, d.item_key) == (template_key, item_key)]

    def _difference_words(self, difference: Difference, value: Any) -> str:
        return self.visit.difference_words(difference, value)

    def resolve_difference(self, difference: Difference, value: Any) -> None:
        """Keep one officer's value (or, ``None`` for words, both under their names): over the
        values shown, so a third arriving meanwhile stays to be looked at."""
        try:
            self.visit.resolve_difference(difference, value)
        except (ConflictError, StoreBusy) as error:
            self._not_saved(str(error))
        self._reload_changed()
        self._read_differences()
        self._refresh_item(difference.item_key)
        self._go_to(difference.template_key, difference.item_key)

    def _refresh_item(self, item_key: str) -> None:
        key, checklist = self.current_checklist()
        for widget in self.items:
            if widget.item.key == item_key:
                widget.show_record(checklist.record(item_key), self._differences_of(key, item_key))
        self.sections.changed((key, item_key))
        self.show_progress()

    def _saved(self) -> None:
        if self.unsaved:
            self._not_saved(f"{len(self.unsaved)} change(s) are still waiting: the data file is busy. They are "
                            "kept and tried again every few seconds")
            return
        self.state.setText(f"All changes saved {self.workspace.clock.local_now():%H:%M:%S}")
        self._state_style("")
        self.saved.emit()

    def _waiting(self, message: str) -> None:
        """Typing not saved yet, and when it will be (a date part-way typed said "All changes saved":
        date8), in the text's own colour: nothing is wrong."""
        self.state.setText(message)
        self._state_style("")

    def _not_saved(self, message: str) -> None:
        self.state.setText(f"Not saved: {message}")
        self._state_style(warning_style())

    def _not_saved_told(self, message: str) -> None:
        """A key that does nothing on this item, said rather than ignored."""
        self.state.setText(message)
        self._state_style(warning_style())

    def _state_style(self, style: str) -> None:
        """Set the saved state's style when it changes: setting a style sheet restyles the label (and
        lays it out again) even when it is the one it has, about half a millisecond at every answer."""
        if self.state.styleSheet() != style:
            self.state.setStyleSheet(style)

    def _save(self, what: tuple[str, str, str], save: Callable[[], Done[Any]]) -> bool:
        """Run one save; if another program holds the data file, keep it to retry (newest wins per
        field) and say so. True when saved."""
        self._own_changes = []
        try:
            done = save()
        except VisitCompleted as error:  # completed elsewhere a moment ago: refused, the screen shows what is saved
            self._not_saved(str(error))
            self._show_completion()
            return False
        except StoreBusy as error:
            self.unsaved[what] = save
            self.unsaved[what] = self.unsaved.pop(what)  # in the order they were made
            self._not_saved(f"{error}. What you entered is kept on screen and will be saved in a moment")
            self._retry.start()
            return False
        except ControlCharacters as error:  # pasted from a terminal: said, and the text stays on screen
            self._not_saved(str(error))
            return False
        finally:
            heard, self._own_changes = self._own_changes, None
        self.unsaved.pop(what, None)
        brought_in = self.visit.took_in_theirs()
        if brought_in or any(not c.within(done.changes) for c in heard):
            # something else arrived with it (another program's changes), or the save made a row over the
            # other officer's that had arrived in part, their note, photos or words now in it (review 8):
            # shown, with the differences as they are now (review6: read again only on the other
            # branch, this one kept the old words)
            self._read_differences()
            self._reload_changed()
        elif self._differences_of(what[0], what[1]):
            # an edit of an item the officers differ on changes the difference (a side written over, or
            # closed by a new answer): shown as it is now, not as it was (walk6: a note added to kept
            # showing the words it replaced, and a choice made there would have been over them)
            self._read_differences()
            self._show_differences_in_place()
        return True

    def retry_unsaved(self) -> None:
        """Try the held-up saves again, oldest first; stop at the first still held up."""
        for what, save in list(self.unsaved.items()):
            if not self._save(what, save):
                return
            self._refresh_item(what[1])
        self._retry.stop()
        self._saved()

    def _on_changes(self, changes: OpChanges) -> None:
        """Every change anywhere: redraw this visit's items that it touched."""
        if self._own_changes is not None:
            self._own_changes.append(changes)  # told while this screen's own save runs: sorted out there
            return
        if changes.touches_visit(self.visit.visit_id):
            self._read_differences()  # before the redraw, which shows them
            self._reload_changed()
            self._show_completion()

    def _editing(self) -> set[FieldKey]:
        """Fields the officer is still editing on screen: kept as typed when the visit is read again."""
        if not self.items:
            return set()
        key, _ = self.current_checklist()
        keep: set[FieldKey] = set()  # (saves still waiting are kept by the editor itself: ``pending``)
        for widget in self.items:
            if widget.has_pending_note() or widget.note.hasFocus():
                keep.add((key, widget.item.key, "note"))
            if (widget.text_answer is not None and widget.text_answer.hasFocus()) or widget.editing_date():
                keep.add((key, widget.item.key, "value"))
        return keep

    def _date_left(self, item_key: str) -> None:
        """The officer has left a document's date: what arrived for it while it was typed shows now
        (read again, with the differences: the dates typed were saved over what the screen showed, so
        a value that came meanwhile is kept beside them), or, nothing having arrived, what is saved."""
        if self._held:
            self._held = False
            self._read_differences()
            self._reload_changed()
        self._refresh_item(item_key)

    def _reload_changed(self) -> None:
        """Read the visit again and redraw what changed, keeping the officer's place and typing."""
        self._held = self._held or any(w.editing_date() for w in self.items)
        changed = self.visit.reload(self._editing())
        if not changed or not self.items:
            self.sections.changed()
            self._show_differences_in_place()
            return
        row = self.section_list.currentIndex().row()
        key, checklist = self.current_checklist()
        _, section = self.sections.rows[row]
        if [i.key for i in checklist.visible_items(section)] != [w.item.key for w in self.items]:
            focus = self.focusWidget()
            focused = next((w.item.key for w in self.items if w is focus or w.isAncestorOf(focus)), None)
            scrolled = self.scroll_area.verticalScrollBar().value()
            self.show_section(row)
            self.scroll_area.verticalScrollBar().setValue(scrolled)
            for widget in self.items:
                if widget.item.key == focused:
                    widget.setFocus()
        else:
            for template_key, item_key in changed:
                if template_key == key:
                    self._refresh_item(item_key)
        self.sections.changed()
        self._show_differences_in_place()
        self.state.setText(f"Updated with changes from elsewhere at {self.workspace.clock.local_now():%H:%M:%S}")

    def _show_differences_in_place(self) -> None:
        """Items whose differences came or went (a sync, a choice made on another screen)."""
        if not self.items:
            return
        key, checklist = self.current_checklist()
        for widget in self.items:
            mine = self._differences_of(key, widget.item.key)
            if [d.key for d in mine] != [d.key for d in widget.differences] or \
                    [s.op_id for d in mine for s in d.sides] != [s.op_id for d in widget.differences for s in d.sides]:
                widget.show_record(checklist.record(widget.item.key), mine)
        self.show_progress()

    # -- changing (each through the visit service, committed at once) --------------------------------

    def set_answer(self, item_key: str, value: Any) -> None:
        key, checklist = self.current_checklist()

        def save() -> Done[Any]:
            if value is None:
                return self.visit.clear_answer(key, item_key)
            return self.visit.set_answer(key, item_key, value)

        try:
            if self._save((key, item_key, "value"), save):
                self._saved()
        except AnswerError as error:
            self._not_saved(str(error))  # refused: the item shows what is stored
        # saved or waiting for the data file, the item shows the officer's choice (the editor holds it)
        self._refresh_item(item_key)
        # a show_when may reveal or hide items: rebuild the section when visibility changed (not while
        # its items are leaving the screen for another section)
        if self._leaving or self._shown is None:
            return
        _, section, _ = self._shown
        # the save may have read the visit again (a change from the other laptop came with it): what
        # shows is decided on the checklist as it is now, not the one read before the save
        key, checklist = self.current_checklist()
        if [i.key for i in checklist.visible_items(section)] != [w.item.key for w in self.items]:
            self._show_visible(key, checklist, section)

    def set_note(self, item_key: str, text: str) -> None:
        key, checklist = self.current_checklist()
        if checklist.record(item_key).note == text and (key, item_key, "note") not in self.unsaved:
            return
        if self._save((key, item_key, "note"), lambda: self.visit.set_note(key, item_key, text)):
            self._saved()

    def flush_typed(self) -> None:
        """Save what the items on screen hold typed and not saved yet (a note in its pause, a document's
        date not left yet), before the screen closes, shows another section, completes, makes a report or
        hands over: nothing typed is lost, and a date is saved as typed, not part-way (``flush_date``)."""
        for widget in self.items:
            if widget.has_pending_note():
                widget.flush_note()
            if widget.has_pending_date():
                widget.flush_date()

    def add_photo(self, item_key: str, path: str | None = None, caption: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Attach a photo", start_folder("Pictures"), PICTURES)
            if not path:
                return
        if caption is None:
            caption, ok = QInputDialog.getText(self, "Photo caption", "What does the photo show?")
            if not ok:
                return
        key, _ = self.current_checklist()
        try:
            saved = self._save((key, item_key, f"photo {path}"),
                               lambda: self.visit.attach_photo(key, item_key, Path(path), caption or ""))
        except BlobError as error:
            self._not_saved(str(error))
            return
        if saved:
            self._saved()
            self._refresh_item(item_key)

    def show_photos(self, item_key: str) -> PhotosDialog:
        """V: the item's photos large, full size on demand; replace, re-caption or delete one."""
        key, checklist = self.current_checklist()

        def photos() -> list[Evidence]:
            return list(self.visit.checklists[key].record(item_key).evidence)

        def change(work: Callable[[], Done[Any]], what: str) -> list[Evidence]:
            try:
                if self._save((key, item_key, what), work):
                    self._saved()
            except BlobError as error:
                self._not_saved(str(error))
            self._refresh_item(item_key)
            return photos()

        def add(path: str, caption: str) -> list[Evidence]:
            return change(lambda: self.visit.attach_photo(key, item_key, Path(path), caption), f"photo {path}")

        actions = PhotoActions(
            photos=photos, image=self._picture, add=add,
            replace=lambda blob, path: change(lambda: self.visit.replace_photo(key, item_key, blob, Path(path)),
                                              f"photo {blob}"),
            recaption=lambda blob, caption: change(lambda: self.visit.recaption_photo(key, item_key, blob, caption),
                                                   f"photo {blob}"),
            delete=lambda blob: change(lambda: self.visit.remove_photo(key, item_key, blob), f"photo {blob}"))
        dialog = PhotosDialog(checklist.template.item(item_key).label, actions, self)
        dialog.open()
        return dialog

    def _picture(self, blob: str) -> QPixmap:
        pixmap = QPixmap()
        with contextlib.suppress(BlobError):
            pixmap.loadFromData(self.workspace.visits.photo(blob))
        return pixmap

    def raise_action(self, item_key: str) -> ActionDialog:
        key, checklist = self.current_checklist()
        high = self.workspace.council.framework().timescale(ConcernLevel.HIGH)  # the council's Figure 8
        dialog = ActionDialog(checklist.template.item(item_key).label, self, high_within=high.wording)
        shown = checklist.record(item_key).action
        if shown is not None:  # changed from the action shown: its words added to, its level kept unless changed
            dialog.setWindowTitle("Change the action")
            dialog.text.setPlainText(shown.text)
            dialog.text.moveCursor(QTextCursor.MoveOperation.End)
            dialog.level.setCurrentIndex(dialog.level.findData(shown.level.value))

        def accepted() -> None:
            text = dialog.text.toPlainText().strip()
            if not text:
                self._not_saved("an action needs words saying what must be done")
                return
            level = ConcernLevel(dialog.level.currentData())
            if self._save((key, item_key, "action"), lambda: self.visit.raise_action(key, item_key, text, level)):
                self._saved()
            self._refresh_item(item_key)  # saved or waiting, the item shows the action entered

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def complete(self) -> None:
        self.flush_typed()
        problems = self.visit.problems_before_completion()
        if problems:
            # a few lines and a count, then the first item to see to: thirty lines made the box taller
            # than a 1280x720 screen at large text, its OK button off the bottom (walk6)
            # what Ctrl+J does not find first (a Not met with no action, a difference, a form to accept),
            # then the unanswered items
            problems = sorted(problems, key=lambda p: ": Required: " in p)
            shown, more = problems[:PROBLEMS_LISTED], len(problems) - PROBLEMS_LISTED
            QMessageBox.information(self, "Not ready to complete",
                                    f"Before the visit can be completed, {len(problems)} thing(s) to see to:\n\n"
                                    + "\n".join(f"• {p}" for p in shown)
                                    + (f"\n…and {more} more." if more > 0 else "")
                                    + "\n\nNext unanswered (Ctrl+J) goes to each unanswered item in turn.")
            self.next_unanswered()
            return
        if self.unsaved:
            QMessageBox.information(self, "Not ready to complete", "Some changes are still waiting to be saved "
                                    "(the data file is busy). Try again in a moment.")
            return
        try:
            self.visit.complete()
        except (VisitRuleError, StoreBusy) as error:
            QMessageBox.information(self, "Not ready to complete", str(error))
            return
        self._saved()
        self.state.setText("Visit completed and saved")
        self._show_completion()
        self.completed.emit()

    def _show_completion(self) -> None:
        """A completed visit is read-only on screen as in the services: said in words above the items,
        the items disabled, and Reopen… where Complete was."""
        header = self.workspace.visits.header(self.visit.visit_id)
        was, self.read_only = self.read_only, header.read_only
        self.read_only_banner.setVisible(self.read_only)
        self.read_only_banner.setText("<b>Completed:</b> this visit can no longer be changed. If something must "
                                      "change, use Reopen… and say why: the reason is kept in the audit trail and "
                                      "the next report revision says what it corrects.")
        self.complete_button.setText("Re&open…" if self.read_only else "&Complete visit…")
        for widget in self._built:
            widget.setEnabled(not self.read_only)
        self.documents_button.refresh()
        if was != self.read_only:
            self.sections.changed()

    def reopen(self, reason: str | None = None) -> bool:
        """Open the completed visit again, with the reason (asked for; required)."""
        if reason is None:
            reason, ok = QInputDialog.getMultiLineText(self, "Reopen the visit",
                                                       "Why is the visit being reopened? (Kept in the audit trail; "
                                                       "the next report revision says what it corrects.)")
            if not ok:
                return False
        try:
            self.workspace.visits.reopen(self.visit.visit_id, reason)
        except (VisitRuleError, StoreBusy) as error:
            QMessageBox.information(self, "The visit was not reopened", str(error))
            return False
        self._show_completion()
        self.state.setText("Visit reopened: changes can be made again")
        self.completed.emit()  # what is due across the register has changed too
        return True

    # -- the report ----------------------------------------------------------------------------------

    def make_report(self, kind: str = "visit", save_to: Path | None = None) -> BackgroundTask | None:
        """Make (or reuse) the report's revision in the data folder, in the background; then open it,
        or copy it to ``save_to``."""
        if self.task is not None and self.task.running:
            return None
        self.flush_typed()
        visits = self.workspace.visits
        write = visits.report if kind == "visit" else visits.young_inspector_report
        visit_id = self.visit.visit_id
        task = BackgroundTask(self, "Making the report",
                              lambda progress: write(visit_id, progress=progress).value,
                              expected=(VisitRuleError, OSError))
        task.finished.connect(lambda result: self._report_made(result, save_to))
        task.failed.connect(lambda message: QMessageBox.warning(self, "The report was not made", message))
        self.task = task.start()
        return task

    def _report_made(self, result: ReportResult, save_to: Path | None) -> None:
        """The report is kept encrypted; it opens from a temporary copy (removed later), or is saved,
        readable, where the officer chose ("Save report as…", the one plain copy kept)."""
        visits = self.workspace.visits
        try:
            shown = visits.save_report_copy(result.path, save_to) if save_to is not None \
                else visits.viewing_copy(result.path)
        except (OSError, ReportFileError) as error:
            where = save_to or "a temporary copy to view"
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            QMessageBox.warning(self, "The report was not saved" if save_to else "The report cannot be shown",
                                f"{where} could not be written ({reason}). The report is kept, encrypted, "
                                "in the data folder: try again.")
            return
        words = "unchanged since the last revision" if result.reused else f"{result.pages} pages"
        self.state.setText(f"Report {shown.name}: {words}")
        self.documents_button.refresh()
        if result.warnings:
            QMessageBox.warning(self, "Report made, with gaps", "\n".join(result.warnings))
        self.report_ready.emit(result)
        self.open_file(shown)

    def save_report_as(self, path: str | None = None) -> BackgroundTask | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save the report as",
                                                  suggested_path(f"QA visit report - {self.place_and_day}", ".pdf"),
                                                  "PDF files (*.pdf)")
            if not path:
                return None
        target = Path(path) if path.lower().endswith(".pdf") else Path(f"{path}.pdf")
        return self.make_report(save_to=target)

    def show_audit(self) -> AuditDialog:
        lines = self.workspace.visits.audit(self.visit.visit_id)
        dialog = AuditDialog(self.windowTitle().removeprefix("Visit: "), lines, self)
        dialog.open()
        return dialog

    # -- the second officer -------------------------------------------------------------------------

    def share_visit(self, path: str | None = None) -> None:
        """A bundle file of this visit, for the second officer's laptop (which imports it from its Sync
        menu)."""
        self.flush_typed()
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Share this visit",
                                                  suggested_path(f"Visit - {self.place_and_day}", ".qabundle"),
                                                  "QA Desktop bundles (*.qabundle)")
            if not path:
                return
        try:
            out = self.workspace.sync.export_bundle(self.visit.visit_id, Path(path)).value
        except (OSError, CredentialsError) as error:
            QMessageBox.warning(self, "The visit was not shared", f"{path} could not be written: {error}")
            return
        missing = (f" {out.missing_photos} photo(s) are not on this laptop and were left out."
                   if out.missing_photos else "")
        code = (f"\n\nIt is encrypted. Code to open it: {out.code}\nTell the other officer; do not write it on the "
                "stick.") if out.code else "\n\nIt is encrypted with the team key."
        self.last_share_code = out.code
        QMessageBox.information(self, "Visit ready to share",
                                f"Written to {out.path} ({out.ops} changes, {out.photos} photos).{missing}{code}\n\n"
                                "On the other laptop choose Sync > Import a bundle from another laptop… and pick it. "
                                "Bring their file back the same way, or both sync, and the answers come together.")

    # -- the Young Inspector ------------------------------------------------------------------------

    def _young_inspector_menu_state(self) -> None:
        present = self.workspace.visits.has_young_inspector_form(self.visit.visit_id)
        self.add_form_action.setEnabled(not present)
        withdrawn = present and self.workspace.visits.young_inspector_withdrawal(self.visit.visit_id) is not None
        for action in (self.hand_over_action, self.review_action, self.young_report_action, self.withdraw_action):
            action.setEnabled(present and not withdrawn)

    def add_young_inspector(self) -> None:
        try:
            self.workspace.visits.add_young_inspector_form(self.visit.visit_id)
        except VisitRuleError as error:
            QMessageBox.information(self, "No Young Inspector form", str(error))
            return
        self._reload_young_inspector()
        self.state.setText("Young Inspector form added: hand the laptop over from the Young Inspector button")

    def hand_over(self) -> HandOverDialog | None:
        """Ask who the Young Inspector is (and the officer's unlock PIN), then hand over."""
        self.flush_typed()
        dialog = HandOverDialog(self.workspace, self)
        dialog.accepted.connect(lambda: dialog.chosen and self.start_hand_over(dialog.chosen))
        dialog.open()
        return dialog

    def start_hand_over(self, young_inspector_id: str) -> HandOverKiosk | None:
        """The locked, full-screen hand-over on the Young Inspector's own workspace (``ui.kiosk``)."""
        self.flush_typed()
        try:
            young = self.workspace.hand_over.start(self.visit.visit_id, young_inspector_id).value
            form = young.visits.young_inspector_form(self.visit.visit_id)
        except (VisitRuleError, UnlockError) as error:
            QMessageBox.information(self, "Young Inspector", str(error))
            return None
        kiosk = HandOverKiosk(young, form, unlock=self.workspace.hand_over.unlock, officer=self.workspace.user.name)
        kiosk.unlocked.connect(young.close)
        kiosk.unlocked.connect(self._young_inspector_done)
        self.kiosk = kiosk
        kiosk.start()
        return kiosk

    def withdraw_young_inspector(self) -> WithdrawDialog:
        dialog = WithdrawDialog(self.workspace, self.visit.visit_id, self.officers, self)
        dialog.accepted.connect(self._reload_young_inspector)
        dialog.accepted.connect(lambda: self.state.setText(
            "Young Inspector form withdrawn: the visit can complete without it"))
        dialog.open()
        return dialog

    def _young_inspector_done(self) -> None:
        self._reload_young_inspector()
        self.state.setText("The Young Inspector has handed the laptop back: review and accept their form")

    def _reload_young_inspector(self) -> None:
        """The form was added, or answered through its own screen: read it again (completion checks)."""
        self.visit.checklists.update({key: checklist for key, checklist in
                                      self.workspace.visits.open(self.visit.visit_id).checklists.items()
                                      if checklist.template.audience is Audience.YOUNG_INSPECTOR})

    def review_young_inspector(self) -> YoungInspectorReview | None:
        try:
            form = self.workspace.visits.young_inspector_form(self.visit.visit_id)
        except VisitRuleError as error:
            QMessageBox.information(self, "Young Inspector", str(error))
            return None
        dialog = YoungInspectorReview(self.workspace, self.visit.visit_id, form, self.officers, self)
        dialog.accepted_form.connect(self._saved)
        dialog.accepted_form.connect(self._reload_young_inspector)
        dialog.open()
        return dialog

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self.items and not any(w.hasFocus() for w in self.items):
            self.items[0].setFocus()  # ready for the keyboard: 1/2/3 answers the first item

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.flush_typed()  # a note typed a moment ago, a date not left yet, are saved before the window goes
        if self.unsaved:
            self.retry_unsaved()
        if self.unsaved:
            event.ignore()  # nothing typed is lost: the window stays until it is saved
            QMessageBox.warning(self, "Not saved yet", "Some changes could not be saved yet because another "
                                "program is writing to the data file. They are kept on screen and tried again "
                                "every few seconds; close the window once it says all changes are saved.")
            return
        refused = self._refused_date()
        if refused is not None and refused[1] != self._refused_said:
            # a date typed that is not one (31/11) is never saved: said, and the officer taken to it, before
            # the window goes with it (date8: it closed without a word); closed again, it goes unsaved
            field, said = refused
            event.ignore()
            self._refused_said = said
            self._not_saved(f"{said} Close again to leave it unsaved (the date saved before stays).")
            self.raise_()
            self.activateWindow()
            field.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if self.task is not None:
            self.task.wait()
        self.hub.changed.disconnect(self._on_changes)
        super().closeEvent(event)

    def _refused_date(self) -> tuple[QWidget, str] | None:
        """The first date on screen typed as a day its month cannot have, and what is wrong with it."""
        for widget in self.items:
            for field in widget.refused_dates():
                return field, f"{field.accessibleName()}: {field.problem}"
        return None
