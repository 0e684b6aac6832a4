"""Completing a visit on site: sections with progress on the left, the section's items on the right,
and a "saved" state that is true: every answer, note, photo and action is committed through the
visit service the moment it is made (``OpenVisit``), so closing the window or a crash loses nothing.

Sections are a list model (``SectionListModel``); items are ``ItemWidget``s, rebuilt per section.
What cannot be saved (an answer the item refuses, a photo that is not a picture) is said in the
status line in plain words and nothing already saved is touched.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QCloseEvent, QPixmap, QShowEvent
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QInputDialog, QLabel, QListView, QMessageBox, QPlainTextEdit, QPushButton, QScrollArea,
                               QSplitter, QVBoxLayout, QWidget)

from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.forms.checklist import AnswerError, Checklist
from qa_desktop.forms.template import Section
from qa_desktop.services.visits import OpenVisit, open_visit
from qa_desktop.store.blobs import BlobError, BlobStore
from qa_desktop.store.database import Store
from qa_desktop.store.models import Provider, Setting, Visit
from qa_desktop.ui.item_widget import ITEM_STYLE, ItemWidget

THUMB = 72
_Index = QModelIndex | QPersistentModelIndex


class SectionListModel(QAbstractListModel):
    """(checklist, section) pairs in template order, shown with their progress."""

    def __init__(self, visit: OpenVisit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.visit = visit
        self.rows: list[tuple[str, Section]] = [(key, section) for key, checklist in visit.checklists.items()
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


class VisitWindow(QWidget):
    saved = Signal()

    def __init__(self, store: Store, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store = store
        self.visit = open_visit(store, visit_id)
        self.blobs = BlobStore(store.data_dir)
        self._thumbs: dict[str, QPixmap] = {}
        self.items: list[ItemWidget] = []
        self.setStyleSheet(ITEM_STYLE)
        with store.read() as session:
            visit = session.get(Visit, visit_id)
            setting = session.get(Setting, visit.setting_id)
            provider = session.get(Provider, setting.provider_id)
            kind = "Announced" if visit.announced else "Unannounced"
            self.setWindowTitle(f"Visit: {setting.name}, {visit.visit_date:%d %b %Y}")
            owner = "" if provider.name == setting.name else f" ({provider.name})"
            heading = QLabel(f"<b>{setting.name}</b>{owner} · {visit.level.label} · {kind} · "
                             f"{visit.visit_date:%d %b %Y} · {', '.join(visit.officers)}")
        heading.setWordWrap(True)

        self.sections = SectionListModel(self.visit, self)
        self.section_list = QListView()
        self.section_list.setModel(self.sections)
        self.section_list.setAccessibleName("Sections")
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
        layout.addWidget(heading)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.resize(1200, 800)
        if self.sections.rows:
            self.section_list.setCurrentIndex(self.sections.index(0))

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
        self.state.setText(f"All changes saved {dt.datetime.now():%H:%M:%S}")
        self.state.setStyleSheet("")
        self.saved.emit()

    def _not_saved(self, message: str) -> None:
        self.state.setText(f"Not saved: {message}")
        self.state.setStyleSheet("color: #a4001d; font-weight: bold")

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
                                    dt.datetime.now(dt.timezone.utc))
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

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self.items and not any(w.hasFocus() for w in self.items):
            self.items[0].setFocus()  # ready for the keyboard: 1/2/3 answers the first item

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.flush_notes()  # a note typed a moment ago is saved before the window goes
        super().closeEvent(event)
