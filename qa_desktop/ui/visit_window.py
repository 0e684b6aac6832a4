"""Completing a visit on site: sections with progress on the left, the section's items on the right,
and a "saved" state that is true: every answer, note, photo and action is committed through the
visit service the moment it is made (``OpenVisit``), so closing the window or a crash loses nothing.

Along the top: the report (made in the background with progress, then opened; or saved anywhere),
sharing the visit with the second officer's laptop (a bundle file, the same one ``export-visit``
writes), and the Young Inspector's form (add it, hand the laptop over, review and accept it).

Sections are a list model (``SectionListModel``); items are ``ItemWidget``s, rebuilt per section.
What cannot be saved (an answer the item refuses, a photo that is not a picture) is said in the
status line in plain words and nothing already saved is touched.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence, QPixmap, QShowEvent
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QInputDialog, QLabel, QListView, QMenu, QMessageBox, QPlainTextEdit, QPushButton,
                               QScrollArea, QSplitter, QVBoxLayout, QWidget)

from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.forms.checklist import AnswerError, Checklist
from qa_desktop.atomic import write_atomically
from qa_desktop.forms.library import library_for
from qa_desktop.forms.template import Audience, Section
from qa_desktop.reports.visit_report import ReportResult
from qa_desktop.services.reports import write_visit_report, write_young_inspector_report
from qa_desktop.services.visits import OpenVisit, add_young_inspector_form, open_visit
from qa_desktop.services.young_inspector import has_young_inspector_form, open_young_inspector_form
from qa_desktop.sync.bundle import export_bundle
from qa_desktop.credentials import CredentialsError, team_key
from qa_desktop.store.blobs import BlobError
from qa_desktop.store.database import Store
from qa_desktop.store.models import Provider, Setting, Visit
from qa_desktop.services.audit import visit_audit
from qa_desktop.ui.audit_dialog import AuditDialog
from qa_desktop.ui.background import BackgroundTask
from qa_desktop.ui.item_widget import ItemWidget, item_style
from qa_desktop.ui.young_inspector_review import YoungInspectorReview
from qa_desktop.ui.young_inspector_window import YoungInspectorWindow
from qa_desktop.ui.palette import warning_style

THUMB = 72
_Index = QModelIndex | QPersistentModelIndex


class SectionListModel(QAbstractListModel):
    """(checklist, section) pairs in template order, shown with their progress."""

    def __init__(self, visit: OpenVisit, parent: QWidget | None = None) -> None:
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

    def __init__(self, store: Store, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store = store
        self.visit = open_visit(store, visit_id)
        self.blobs = store.blobs
        self._thumbs: dict[str, QPixmap] = {}
        self.items: list[ItemWidget] = []
        self.setStyleSheet(item_style())
        with store.read() as session:
            visit = session.get(Visit, visit_id)
            setting = session.get(Setting, visit.setting_id)
            provider = session.get(Provider, setting.provider_id)
            kind = "Announced" if visit.announced else "Unannounced"
            self.setWindowTitle(f"Visit: {setting.name}, {visit.visit_date:%d %b %Y}")
            owner = "" if provider.name == setting.name else f" ({provider.name})"
            heading = QLabel(f"<b>{setting.name}</b>{owner} · {visit.level.label} · {kind} · "
                             f"{visit.visit_date:%d %b %Y} · {', '.join(visit.officers)}")
            self.officers = list(visit.officers)
            self.reference_date = visit.visit_date
        heading.setWordWrap(True)
        self.task: BackgroundTask | None = None
        self.young_inspector_window: YoungInspectorWindow | None = None

        self.sections = SectionListModel(self.visit, self)
        self.section_list = QListView()
        self.section_list.setModel(self.sections)
        self.section_list.setAccessibleName("Sections")
        self.section_list.setSpacing(2)
        self.section_list.setWordWrap(True)
        self.section_list.selectionModel().currentRowChanged.connect(lambda current, _: self.show_section(current.row()))
        self.items_host = QWidget()
        self.items_layout = QVBoxLayout(self.items_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.items_host)
        self.scroll = scroll
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
            try:
                pixmap.loadFromData(self.blobs.read(blob))
            except BlobError:
                pass
            self._thumbs[blob] = pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation) if not pixmap.isNull() else pixmap
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
            widget.move.connect(lambda step, w=widget: self._move(w, step))
            self.items.append(widget)
            self.items_layout.addWidget(widget)
        self.items_layout.addStretch(1)
        if self.items:
            self.items[0].setFocus()

    def _move(self, widget: ItemWidget, step: int) -> None:
        index = self.items.index(widget) + step
        if 0 <= index < len(self.items):
            self.items[index].setFocus()
            self.scroll.ensureWidgetVisible(self.items[index])

    def _refresh_item(self, item_key: str) -> None:
        key, checklist = self.current_checklist()
        for widget in self.items:
            if widget.item.key == item_key:
                record = checklist.record(item_key)
                widget.show_record(record, {e.blob: self._thumbnail(e.blob) for e in record.evidence})
        self.sections.changed()

    def _saved(self) -> None:
        self.state.setText(f"All changes saved {self.store.clock.local_now():%H:%M:%S}")
        self.state.setStyleSheet("")
        self.saved.emit()

    def _not_saved(self, message: str) -> None:
        self.state.setText(f"Not saved: {message}")
        self.state.setStyleSheet(warning_style())

    # -- changing (each through the visit service, committed at once) --------------------------------

    def set_answer(self, item_key: str, value: Any) -> None:
        key, checklist = self.current_checklist()
        try:
            if value is None:
                self.visit.clear_answer(key, item_key)
            else:
                self.visit.set_answer(key, item_key, value)
        except AnswerError as error:
            self._not_saved(str(error))
        else:
            self._saved()
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
        if checklist.record(item_key).note == text:
            return
        self.visit.set_note(key, item_key, text)
        self._saved()

    def flush_notes(self) -> None:
        for widget in self.items:
            if widget.has_pending_note():
                widget.flush_note()

    def add_photo(self, item_key: str, path: str | None = None, caption: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Attach a photo", "", "Pictures (*.jpg *.jpeg *.png *.heic *.webp)")
            if not path:
                return
        if caption is None:
            caption, ok = QInputDialog.getText(self, "Photo caption", "What does the photo show?")
            if not ok:
                return
        key, _ = self.current_checklist()
        try:
            self.visit.attach_photo(key, item_key, Path(path), caption)
        except BlobError as error:
            self._not_saved(str(error))
            return
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
            self.visit.raise_action(key, item_key, text, ConcernLevel(dialog.level.currentData()),
                                    self.store.clock.now())
            self._saved()
            self._refresh_item(item_key)

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def complete(self) -> None:
        self.flush_notes()
        problems = self.visit.problems_before_completion()
        if problems:
            QMessageBox.information(self, "Not ready to complete",
                                    "Before the visit can be completed:\n\n" + "\n".join(f"• {p}" for p in problems[:30])
                                    + ("\n…" if len(problems) > 30 else ""))
            return
        try:
            self.visit.complete()
        except VisitRuleError as error:
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
        write = write_visit_report if kind == "visit" else write_young_inspector_report
        visit_id = self.visit.visit_id
        task = BackgroundTask(self, "Making the report",
                              lambda progress: write(self.store, visit_id, progress=progress),
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
        with self.store.read() as session:
            lines = visit_audit(session, self.visit.visit_id)
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
            out = export_bundle(self.store, Path(path), visit_id=self.visit.visit_id, signing_key=team_key())
        except (OSError, CredentialsError) as error:
            QMessageBox.warning(self, "The visit was not shared", f"{path} could not be written: {error}")
            return
        missing = f" {out.missing_photos} photo(s) are not on this laptop and were left out." if out.missing_photos else ""
        code = (f"\n\nIt is encrypted. Code to open it: {out.code}\nTell the other officer; do not write it on the "
                "stick.") if out.code else "\n\nIt is encrypted with the team key."
        self.last_share_code = out.code
        QMessageBox.information(self, "Visit ready to share",
                                f"Written to {out.path} ({out.ops} changes, {out.photos} photos).{missing}{code}\n\n"
                                "On the other laptop: Sync > Import a bundle. Bring their file back the same "
                                "way, or both sync, and the answers come together.")

    # -- the Young Inspector ------------------------------------------------------------------------

    def _young_inspector_menu_state(self) -> None:
        present = has_young_inspector_form(self.store, self.visit.visit_id)
        self.add_form_action.setEnabled(not present)
        for action in (self.hand_over_action, self.review_action, self.young_report_action):
            action.setEnabled(present)

    def add_young_inspector(self) -> None:
        try:
            add_young_inspector_form(self.store, library_for(self.store.data_dir), self.visit.visit_id)
        except VisitRuleError as error:
            QMessageBox.information(self, "No Young Inspector form", str(error))
            return
        self._reload_young_inspector()
        self.state.setText("Young Inspector form added: hand the laptop over from the Young Inspector button")

    def hand_over(self) -> YoungInspectorWindow | None:
        """The Young Inspector's own screen, with only their form in it."""
        self.flush_notes()
        try:
            form = open_young_inspector_form(self.store, self.visit.visit_id)
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
                                      open_visit(self.store, self.visit.visit_id).checklists.items()
                                      if checklist.template.audience is Audience.YOUNG_INSPECTOR})

    def review_young_inspector(self) -> YoungInspectorReview | None:
        try:
            form = open_young_inspector_form(self.store, self.visit.visit_id)
        except VisitRuleError as error:
            QMessageBox.information(self, "Young Inspector", str(error))
            return None
        dialog = YoungInspectorReview(self.store, self.visit.visit_id, form, self.officers, self)
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
        if self.task is not None:
            self.task.wait()
        super().closeEvent(event)
