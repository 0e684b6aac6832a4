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
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.atomic import write_atomically
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.ui.audit_dialog import AuditDialog
from qa_desktop.ui.background import BackgroundTask
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.item_widget import ItemWidget, item_style
from qa_desktop.ui.palette import warning_style
from qa_desktop.ui.young_inspector_review import YoungInspectorReview
from qa_desktop.ui.young_inspector_window import YoungInspectorWindow
from qa_desktop.workspace import Done, OpChanges, Workspace
from qa_desktop.workspace.sync import CredentialsError
from qa_desktop.workspace.visits import (
    AnswerError,
    Audience,
    BlobError,
    Checklist,
    FieldKey,
    ReportResult,
    Section,
    StoreBusy,
    VisitEditor,
)

THUMB = 72
#: How often a save held up by another program is tried again.
RETRY_MS = 2000
_Index = QModelIndex | QPersistentModelIndex


class SectionListModel(QAbstractListModel):
    """(checklist, section) pairs in template order, shown with their progress."""

    def __init__(self, visit: VisitEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.visit = visit
        # the Young Inspector's form is theirs: it has its own screen and the officer's review
        self.rows: list[tuple[str, Section]] = [(key, section) for key, checklist in visit.checklists.items()
                                                if checklist.template.audience is not Audience.YOUNG_INSPECTOR
                                                for section in checklist.sections()]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key, section = self.rows[index.row()]
        progress = self.visit.checklists[key].progress(section)
        if role == Qt.ItemDataRole.DisplayRole:
            mark = "✓ " if progress.complete else ""
            return f"{mark}{section.title}  {progress.answered}/{progress.total}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{section.title}, {progress.answered} of {progress.total} answered"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.visit.checklists[key].template.title
        return None

    def changed(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0), self.index(len(self.rows) - 1))


class ActionDialog(QDialog):
    """Raise an action from an item: what must be done and its concern level; Figure 8 sets the due date."""

    def __init__(self, item_label: str, parent: QWidget | None = None) -> None:
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
        form.addRow(QLabel("The due date follows Figure 8 of the framework (e.g. HIGH: within 48 hours)."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)


def open_with_system_viewer(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


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
        self._thumbs: dict[str, QPixmap] = {}
        self.items: list[ItemWidget] = []
        #: saves another program held up, to try again: (template, item, what) -> the save
        self.unsaved: dict[tuple[str, str, str], Callable[[], Done[Any]]] = {}
        self._own_changes: list[OpChanges] | None = None
        self.setStyleSheet(item_style())
        header = workspace.visits.header(visit_id)
        kind = "Announced" if header.announced else "Unannounced"
        self.setWindowTitle(f"Visit: {header.setting}, {header.visit_date:%d %b %Y}")
        owner = "" if header.provider == header.setting else f" ({header.provider})"
        heading = QLabel(f"<b>{header.setting}</b>{owner} · {header.level.label} · {kind} · "
                         f"{header.visit_date:%d %b %Y} · {', '.join(header.officers)}")
        self.officers = list(header.officers)
        self.reference_date = header.visit_date
        heading.setWordWrap(True)
        self.task: BackgroundTask | None = None
        self.young_inspector_window: YoungInspectorWindow | None = None

        self.sections = SectionListModel(self.visit, self)
        self.section_list = QListView()
        self.section_list.setModel(self.sections)
        self.section_list.setAccessibleName("Sections")
        self.section_list.setSpacing(2)
        self.section_list.setWordWrap(True)
        self.section_list.selectionModel().currentRowChanged.connect(
            lambda current, _: self.show_section(current.row()))
        self.items_host = QWidget()
        self.items_layout = QVBoxLayout(self.items_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.items_host)
        self.scroll_area = scroll
        split = QSplitter()
        split.addWidget(self.section_list)
        split.addWidget(scroll)
        split.setStretchFactor(1, 3)
        split.setSizes([260, 900])

        self.state = QLabel("All changes saved")
        self.state.setAccessibleName("Save state")
        self.complete_button = QPushButton("&Complete visit…")
        self.complete_button.clicked.connect(self.complete)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.complete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self._toolbar(heading))
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.resize(1200, 800)
        if self.sections.rows:
            self.section_list.setCurrentIndex(self.sections.index(0))
        self._retry = QTimer(self, interval=RETRY_MS)
        self._retry.timeout.connect(self.retry_unsaved)
        self.hub = hub
        hub.changed.connect(self._on_changes)

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
        menu.aboutToShow.connect(self._young_inspector_menu_state)
        self.young_inspector_button.setMenu(menu)
        audit = QPushButton("Au&dit trail…")
        audit.clicked.connect(lambda: self.show_audit())
        row = QHBoxLayout()
        row.addWidget(heading, 1)
        for button in (self.report_button, save_as, share, self.young_inspector_button, audit):
            row.addWidget(button)
        return row

    # -- showing -----------------------------------------------------------------------------------

    def current_checklist(self) -> tuple[str, Checklist]:
        key, _ = self.sections.rows[self.section_list.currentIndex().row()]
        return key, self.visit.checklists[key]

    def _thumbnail(self, blob: str) -> QPixmap:
        if blob not in self._thumbs:
            pixmap = QPixmap()
            with contextlib.suppress(BlobError):
                pixmap.loadFromData(self.workspace.visits.photo(blob))
            if not pixmap.isNull():
                pixmap = pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
            self._thumbs[blob] = pixmap
        return self._thumbs[blob]

    def show_section(self, row: int) -> None:
        self.flush_notes()
        for widget in self.items:
            widget.hide()  # gone at once, not when the deferred delete comes round
            widget.deleteLater()
        self.items = []
        while self.items_layout.count():
            self.items_layout.takeAt(0)
        if row < 0:
            return
        key, section = self.sections.rows[row]
        checklist = self.visit.checklists[key]
        if section.intro:
            intro = QLabel(section.intro)
            intro.setWordWrap(True)
            self.items_layout.addWidget(intro)
        for item in checklist.visible_items(section):
            record = checklist.record(item.key)
            widget = ItemWidget(item, record, {e.blob: self._thumbnail(e.blob) for e in record.evidence})
            widget.answered.connect(self.set_answer)
            widget.noted.connect(self.set_note)
            widget.photo_wanted.connect(self.add_photo)
            widget.action_wanted.connect(self.raise_action)
            widget.step.connect(lambda step, w=widget: self._move(w, step))
            self.items.append(widget)
            self.items_layout.addWidget(widget)
        self.items_layout.addStretch(1)
        if self.items:
            self.items[0].setFocus()

    def _move(self, widget: ItemWidget, step: int) -> None:
        index = self.items.index(widget) + step
        if 0 <= index < len(self.items):
            self.items[index].setFocus()
            self.scroll_area.ensureWidgetVisible(self.items[index])

    def _refresh_item(self, item_key: str) -> None:
        _, checklist = self.current_checklist()
        for widget in self.items:
            if widget.item.key == item_key:
                record = checklist.record(item_key)
                widget.show_record(record, {e.blob: self._thumbnail(e.blob) for e in record.evidence})
        self.sections.changed()

    def _saved(self) -> None:
        if self.unsaved:
            self._not_saved(f"{len(self.unsaved)} change(s) are still waiting: the data file is busy. They are "
                            "kept and tried again every few seconds")
            return
        self.state.setText(f"All changes saved {self.workspace.clock.local_now():%H:%M:%S}")
        self.state.setStyleSheet("")
        self.saved.emit()

    def _not_saved(self, message: str) -> None:
        self.state.setText(f"Not saved: {message}")
        self.state.setStyleSheet(warning_style())

    def _save(self, what: tuple[str, str, str], save: Callable[[], Done[Any]]) -> bool:
        """Run one save; if another program holds the data file, keep it to retry (newest wins per
        field) and say so. True when saved."""
        self._own_changes = []
        try:
            done = save()
        except StoreBusy as error:
            self.unsaved[what] = save
            self.unsaved[what] = self.unsaved.pop(what)  # in the order they were made
            self._not_saved(f"{error}. What you entered is kept on screen and will be saved in a moment")
            self._retry.start()
            return False
        finally:
            heard, self._own_changes = self._own_changes, None
        self.unsaved.pop(what, None)
        if any(not c.within(done.changes) for c in heard):
            self._reload_changed()  # something else arrived with it (another program's changes): show it
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
            self._reload_changed()

    def _editing(self) -> set[FieldKey]:
        """Fields the officer is still editing on screen: kept as typed when the visit is read again."""
        if not self.items:
            return set()
        key, _ = self.current_checklist()
        keep: set[FieldKey] = set()  # (saves still waiting are kept by the editor itself: ``pending``)
        for widget in self.items:
            if widget.has_pending_note() or widget.note.hasFocus():
                keep.add((key, widget.item.key, "note"))
            if widget.text_answer is not None and widget.text_answer.hasFocus():
                keep.add((key, widget.item.key, "value"))
        return keep

    def _reload_changed(self) -> None:
        """Read the visit again and redraw what changed, keeping the officer's place and typing."""
        changed = self.visit.reload(self._editing())
        if not changed or not self.items:
            self.sections.changed()
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
        self.state.setText(f"Updated with changes from elsewhere at {self.workspace.clock.local_now():%H:%M:%S}")

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
        # a show_when may reveal or hide items: rebuild the section when visibility changed
        _, section = self.sections.rows[self.section_list.currentIndex().row()]
        if [i.key for i in checklist.visible_items(section)] != [w.item.key for w in self.items]:
            focused = item_key
            self.show_section(self.section_list.currentIndex().row())
            for widget in self.items:
                if widget.item.key == focused:
                    widget.setFocus()

    def set_note(self, item_key: str, text: str) -> None:
        key, checklist = self.current_checklist()
        if checklist.record(item_key).note == text and (key, item_key, "note") not in self.unsaved:
            return
        if self._save((key, item_key, "note"), lambda: self.visit.set_note(key, item_key, text)):
            self._saved()

    def flush_notes(self) -> None:
        for widget in self.items:
            if widget.has_pending_note():
                widget.flush_note()

    def add_photo(self, item_key: str, path: str | None = None, caption: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Attach a photo", "",
                                                  "Pictures (*.jpg *.jpeg *.png *.heic *.webp)")
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

    def raise_action(self, item_key: str) -> ActionDialog:
        key, checklist = self.current_checklist()
        dialog = ActionDialog(checklist.template.item(item_key).label, self)

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
        self.flush_notes()
        problems = self.visit.problems_before_completion()
        if problems:
            QMessageBox.information(self, "Not ready to complete",
                                    "Before the visit can be completed:\n\n"
                                    + "\n".join(f"• {p}" for p in problems[:30])
                                    + ("\n…" if len(problems) > 30 else ""))
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
        self.completed.emit()

    # -- the report ----------------------------------------------------------------------------------

    def make_report(self, kind: str = "visit", save_to: Path | None = None) -> BackgroundTask | None:
        """Make (or reuse) the report's revision in the data folder, in the background; then open it,
        or copy it to ``save_to``."""
        if self.task is not None and self.task.running:
            return None
        self.flush_notes()
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
        shown = result.path
        if save_to is not None:
            try:
                write_atomically(save_to, result.path.read_bytes())
            except OSError as error:
                QMessageBox.warning(self, "The report was not saved",
                                    f"{save_to} could not be written ({error.strerror or error}). The report is "
                                    f"still in {result.path}.")
                return
            shown = save_to
        words = "unchanged since the last revision" if result.reused else f"{result.pages} pages"
        self.state.setText(f"Report {shown.name}: {words}")
        if result.warnings:
            QMessageBox.warning(self, "Report made, with gaps", "\n".join(result.warnings))
        self.report_ready.emit(result)
        self.open_file(shown)

    def save_report_as(self, path: str | None = None) -> BackgroundTask | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save the report as", f"{self.windowTitle()}.pdf",
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
        """A bundle file of this visit, for the second officer's laptop (Sync > Import a bundle there)."""
        self.flush_notes()
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Share this visit", f"{self.windowTitle()}.qabundle",
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
                                "On the other laptop: Sync > Import a bundle. Bring their file back the same "
                                "way, or both sync, and the answers come together.")

    # -- the Young Inspector ------------------------------------------------------------------------

    def _young_inspector_menu_state(self) -> None:
        present = self.workspace.visits.has_young_inspector_form(self.visit.visit_id)
        self.add_form_action.setEnabled(not present)
        for action in (self.hand_over_action, self.review_action, self.young_report_action):
            action.setEnabled(present)

    def add_young_inspector(self) -> None:
        try:
            self.workspace.visits.add_young_inspector_form(self.visit.visit_id)
        except VisitRuleError as error:
            QMessageBox.information(self, "No Young Inspector form", str(error))
            return
        self._reload_young_inspector()
        self.state.setText("Young Inspector form added: hand the laptop over from the Young Inspector button")

    def hand_over(self) -> YoungInspectorWindow | None:
        """The Young Inspector's own screen, with only their form in it."""
        self.flush_notes()
        try:
            form = self.workspace.visits.young_inspector_form(self.visit.visit_id)
        except VisitRuleError as error:
            QMessageBox.information(self, "Young Inspector", str(error))
            return None
        window = YoungInspectorWindow(form)
        window.finished.connect(self._young_inspector_done)
        self.young_inspector_window = window
        window.show()
        return window

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
        self.flush_notes()  # a note typed a moment ago is saved before the window goes
        if self.unsaved:
            self.retry_unsaved()
        if self.unsaved:
            event.ignore()  # nothing typed is lost: the window stays until it is saved
            QMessageBox.warning(self, "Not saved yet", "Some changes could not be saved yet because another "
                                "program is writing to the data file. They are kept on screen and tried again "
                                "every few seconds; close the window once it says all changes are saved.")
            return
        if self.task is not None:
            self.task.wait()
        self.hub.changed.disconnect(self._on_changes)
        super().closeEvent(event)
