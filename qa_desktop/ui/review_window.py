"""A compliance review on screen (Figure 1, Section 11): each essential document seen (with its date
and expiry), not seen or not applicable, with a note; the written items (findings, the urgent
meeting's notes); the review's notes; actions raised with Figure 8 dates; and Complete.

Every entry is saved as it is made (a choice at once, a typed field when the officer leaves it),
written over what the screen showed. A date that is not a date is refused in one sentence naming
the document and the field, with what was typed left in the box. A save held up by another
program's write says "Not saved", keeps the entry on screen and retries. Complete is refused, in one
sentence naming the documents, while any document is neither seen nor marked; a completed review is
shown as it was, read only.

Changes from elsewhere (the other officer's laptop, a sync) arrive through the ``ChangeHub``: rows
the officer is not editing are redrawn; a row being edited keeps what is typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.oversight_dialogs import RecordDialog, _text
from qa_desktop.ui.palette import warning_style
from qa_desktop.ui.rows_model import Column, RowsModel, table_view
from qa_desktop.workspace import Done, OpChanges, Workspace
from qa_desktop.workspace.reviews import (
    ComplianceError,
    DocumentStatus,
    ReviewActionLine,
    ReviewItemLine,
    ReviewSheet,
    StoreBusy,
)

RETRY_MS = 2000
_TABLES = ("review_items", "review_actions", "compliance_reviews")

ACTION_COLUMNS = (
    Column[ReviewActionLine]("Due by (Figure 8)", lambda a: f"{a.due_at.astimezone():%d %b %Y %H:%M}",
                             sort=lambda a: a.due_at),
    Column[ReviewActionLine]("Concern", lambda a: a.level.label),
    Column[ReviewActionLine]("Action", lambda a: a.text),
    Column[ReviewActionLine]("Done", lambda a: f"{a.completed_at.astimezone():%d %b %Y}" if a.completed_at else ""),
)


def parse_day(text: str, label: str, field: str) -> dt.date | None:
    """A typed date (dd/mm/yyyy, d/m/yy or yyyy-mm-dd); blank is None; otherwise one sentence naming
    the document and the field."""
    cleaned = text.strip()
    if not cleaned:
        return None
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(cleaned, pattern).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    raise ComplianceError(f"{label}: the {field} {cleaned!r} is not a date (dd/mm/yyyy).")


class ItemRow(QFrame):
    """One item of the review: a document's radio buttons and dates, or a written answer; a note."""

    def __init__(self, item: ReviewItemLine, save: Callable[[ItemRow, str], None]) -> None:
        super().__init__()
        self.item = item
        self._save = save
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(item.label)
        grid = QGridLayout(self)
        grid.setVerticalSpacing(4)
        title = QLabel(item.label + (" *" if item.required and not item.is_document else ""))
        font = QFont(title.font())
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        grid.addWidget(title, 0, 0, 1, 5 if item.is_document else 6)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(warning_style())
        self.error.setAccessibleName(f"Problem with {item.label}")
        self.error.hide()
        self.buttons: dict[DocumentStatus, QRadioButton] = {}
        self.text: QPlainTextEdit | None = None
        if item.is_document:
            # one line of choices beside the name, one of dates and the note under it
            self.group = QButtonGroup(self)
            self.group.setExclusive(True)
            line = QHBoxLayout()
            line.addStretch(1)
            for status in DocumentStatus:
                button = QRadioButton(status.label)
                button.setAccessibleName(f"{item.label}: {status.label}")
                self.group.addButton(button)
                self.buttons[status] = button
                line.addWidget(button)
            grid.addLayout(line, 0, 5)
            self.dated = QLineEdit(placeholderText="dd/mm/yyyy")
            self.dated.setAccessibleName(f"{item.label}: date of the document")
            self.expires = QLineEdit(placeholderText="if it runs out")
            self.expires.setAccessibleName(f"{item.label}: expires")
            width = self.dated.fontMetrics().horizontalAdvance("00/00/00000") + 16
            self.dated.setFixedWidth(width)
            self.expires.setMinimumWidth(width)
            self.expires.setMaximumWidth(width * 3 // 2)
            grid.addWidget(QLabel("Dated:"), 1, 0)
            grid.addWidget(self.dated, 1, 1)
            grid.addWidget(QLabel("Expires:"), 1, 2)
            grid.addWidget(self.expires, 1, 3)
            self.group.buttonClicked.connect(self._status_clicked)
            self.dated.editingFinished.connect(lambda: self._dates_typed())
            self.expires.editingFinished.connect(lambda: self._dates_typed())
        else:
            self.text = QPlainTextEdit()
            self.text.setAccessibleName(item.label)
            self.text.setTabChangesFocus(True)
            self.text.setFixedHeight(self.text.fontMetrics().height() * 4)
            grid.addWidget(self.text, 1, 0, 1, 6)
            self._text_timer = QTimer(self, singleShot=True, interval=800)
            self._text_timer.timeout.connect(lambda: self._save(self, "text"))
            self.text.textChanged.connect(self._text_timer.start)
        self.note = QLineEdit(placeholderText="note (optional)")
        self.note.setAccessibleName(f"{item.label}: note")
        self.note.editingFinished.connect(lambda: self._save(self, "note") if self._note_changed() else None)
        if item.is_document:
            grid.addWidget(QLabel("Note:"), 1, 4)
            grid.addWidget(self.note, 1, 5)
        else:
            grid.addWidget(QLabel("Note:"), 2, 0)
            grid.addWidget(self.note, 2, 1, 1, 5)
        grid.addWidget(self.error, 3, 0, 1, 6)
        grid.setColumnStretch(5, 1)
        self.show_item(item)

    def show_item(self, item: ReviewItemLine) -> None:
        """Put the item's recorded values on screen."""
        self.item = item
        if item.is_document:
            self.group.setExclusive(False)
            for status, button in self.buttons.items():
                button.setChecked(item.status is status)
            self.group.setExclusive(True)
            self.dated.setText(f"{item.dated:%d/%m/%Y}" if item.dated else self.dated.text()
                               if item.status is not DocumentStatus.SEEN else "")
            self.expires.setText(f"{item.expires:%d/%m/%Y}" if item.expires else "" if item.status is
                                 DocumentStatus.SEEN else self.expires.text())
            self._enable_dates()
        elif self.text is not None and self.text.toPlainText() != (item.text or ""):
            self.text.blockSignals(True)
            self.text.setPlainText(item.text or "")
            self.text.blockSignals(False)
        self.note.setText(item.note or "")

    def chosen(self) -> DocumentStatus | None:
        return next((s for s, b in self.buttons.items() if b.isChecked()), None)

    def _enable_dates(self) -> None:
        seen = self.chosen() in (DocumentStatus.SEEN, None)
        self.dated.setEnabled(seen)
        self.expires.setEnabled(seen)

    def _status_clicked(self, button: QAbstractButton) -> None:
        self._enable_dates()
        self._save(self, "document")

    def _dates_typed(self) -> None:
        typed = (self.dated.text().strip(), self.expires.text().strip())
        shown = (f"{self.item.dated:%d/%m/%Y}" if self.item.dated else "",
                 f"{self.item.expires:%d/%m/%Y}" if self.item.expires else "")
        if typed == shown:
            return
        if self.chosen() is None and typed[0]:
            self.buttons[DocumentStatus.SEEN].setChecked(True)  # a date typed: the document was seen
        if self.chosen() is DocumentStatus.SEEN:
            self._save(self, "document")

    def _note_changed(self) -> bool:
        return self.note.text().strip() != (self.item.note or "")

    def editing(self) -> bool:
        """Whether the officer is in one of this row's fields (typing, or about to)."""
        focus = QApplication.focusWidget()
        return focus is not None and self.isAncestorOf(focus)

    def say(self, problem: str | None) -> None:
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))

    def set_read_only(self, read_only: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(not read_only)
        for edit in (getattr(self, "dated", None), getattr(self, "expires", None), self.note):
            if edit is not None:
                edit.setReadOnly(read_only)
        if self.text is not None:
            self.text.setReadOnly(read_only)


class RaiseActionDialog(RecordDialog):
    def __init__(self, workspace: Workspace, sheet: ReviewSheet, parent: QWidget | None = None) -> None:
        super().__init__("Raise an action", parent)
        self.workspace, self.sheet = workspace, sheet
        self.words = _text("What the provider must do")
        self.level = QComboBox()
        self.level.setAccessibleName("Concern level")
        figures = workspace.council.framework()  # the council's Figure 8 timescales
        for level in ConcernLevel:
            self.level.addItem(f"{level.label} ({figures.timescale(level).wording})", level.value)
        self.level.setCurrentIndex(1)
        self.item = QComboBox()
        self.item.setAccessibleName("About the document")
        self.item.addItem("(the review as a whole)", None)
        for item in sheet.items:
            self.item.addItem(item.label, item.key)
        self.form.addRow("&Action:", self.words)
        self.form.addRow("&Concern level:", self.level)
        self.form.addRow("&About:", self.item)

    def save(self) -> str:
        return self.workspace.reviews.raise_action(self.sheet.id, self.words.toPlainText(),
                                                   ConcernLevel(self.level.currentData()),
                                                   self.item.currentData()).value


class ReviewWindow(QWidget):
    def __init__(self, workspace: Workspace, hub: ChangeHub, review_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.workspace, self.review_id = workspace, review_id
        self.sheet = workspace.reviews.sheet(review_id)
        self.unsaved: dict[str, tuple[ItemRow, str]] = {}
        self._own: OpChanges | None = None
        self.setWindowTitle(f"{self.sheet.scope.label}: {self.sheet.provider}")
        self.title = QLabel()
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setAccessibleName("About this review")
        body = QWidget()
        self.rows_layout = QVBoxLayout(body)
        self.rows: dict[str, ItemRow] = {}
        section = None
        for item in self.sheet.items:
            if item.section != section:
                section = item.section
                heading = QLabel(f"<b>{section}</b>")
                heading.setContentsMargins(0, 8, 0, 0)
                self.rows_layout.addWidget(heading)
            row = ItemRow(item, self._save)
            self.rows[item.key] = row
            self.rows_layout.addWidget(row)
        self.outcome = QPlainTextEdit(self.sheet.outcome or "")
        self.outcome.setAccessibleName("Notes on the review")
        self.outcome.setTabChangesFocus(True)
        self.outcome.setFixedHeight(self.outcome.fontMetrics().height() * 5)
        self._outcome_timer = QTimer(self, singleShot=True, interval=800)
        self._outcome_timer.timeout.connect(self._save_outcome)
        self.outcome.textChanged.connect(self._outcome_timer.start)
        self.rows_layout.addWidget(QLabel("<b>Notes on the review</b> (what was found, the feedback given)"))
        self.rows_layout.addWidget(self.outcome)
        self.actions_model = RowsModel(ACTION_COLUMNS, self)
        self.actions_view = table_view(self.actions_model, "Actions raised")
        self.actions_view.setMinimumHeight(self.actions_view.fontMetrics().height() * 6)
        self.raise_button = QPushButton("&Raise an action…")
        self.raise_button.clicked.connect(lambda: self.raise_action())
        actions_bar = QHBoxLayout()
        actions_bar.addWidget(QLabel("<b>Actions</b> (Figure 8 timescales)"))
        actions_bar.addStretch(1)
        actions_bar.addWidget(self.raise_button)
        self.rows_layout.addLayout(actions_bar)
        self.rows_layout.addWidget(self.actions_view)
        self.rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.scroller = scroll
        self.state = QLabel("All changes saved")
        self.state.setAccessibleName("Save state")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(warning_style())
        self.problem.setAccessibleName("Problem")
        self.problem.hide()
        self.complete_button = QPushButton("&Complete the review")
        self.complete_button.clicked.connect(lambda: self.complete())
        footer = QHBoxLayout()
        footer.addWidget(self.state, 1)
        footer.addWidget(self.complete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)
        layout.addLayout(footer)
        self._retry = QTimer(self, interval=RETRY_MS)
        self._retry.timeout.connect(self.retry_unsaved)
        self.resize(1000, 720)
        self._show_sheet(self.sheet)
        hub.changed.connect(self._on_changes)

    # -- showing ------------------------------------------------------------------------------------

    def _show_sheet(self, sheet: ReviewSheet) -> None:
        self.sheet = sheet
        element = f" ({sheet.element})" if sheet.element else ""
        self.title.setText(f"{sheet.provider}{element} · {sheet.title}")
        marked = sum(1 for i in sheet.items if i.is_document and i.status is not None)
        documents = sum(1 for i in sheet.items if i.is_document)
        self.facts.setText(f"{sheet.reference} · {sheet.scope.label} · Figure 1 row: {sheet.figure_row} · "
                           f"{sheet.review_date:%d %b %Y} · by {sheet.reviewed_by} · {sheet.status.label} · "
                           f"{marked} of {documents} documents marked")
        self.actions_model.set_rows(sheet.actions)
        self.actions_view.resizeColumnsToContents()
        for row in self.rows.values():
            row.set_read_only(sheet.complete)
        self.raise_button.setEnabled(not sheet.complete)
        self.outcome.setReadOnly(sheet.complete)
        self.complete_button.setEnabled(not sheet.complete)
        if sheet.complete:
            done = f" on {sheet.completed_at.astimezone():%d %b %Y %H:%M}" if sheet.completed_at else ""
            self.state.setText(f"Completed{done}: kept as it was (read only)")

    def _on_changes(self, changes: OpChanges) -> None:
        if not changes.touches(*_TABLES):
            return
        if self._own is not None and changes.within(self._own):
            return  # our own save, heard again
        mine = changes.everything or self.review_id in changes.ids("compliance_reviews") or any(
            changes.ids(t) for t in ("review_items", "review_actions"))
        if not mine:
            return
        fresh = self.workspace.reviews.sheet(self.review_id)
        for item in fresh.items:
            row = self.rows.get(item.key)
            if row is None or item == row.item:
                continue
            if row.editing() or item.key in self.unsaved:
                continue  # what the officer is typing stays; its save is written over what was shown
            row.show_item(item)
        if not self.outcome.hasFocus() and "outcome" not in self.unsaved:
            self.outcome.blockSignals(True)
            if self.outcome.toPlainText() != (fresh.outcome or ""):
                self.outcome.setPlainText(fresh.outcome or "")
            self.outcome.blockSignals(False)
        self._show_sheet(fresh)

    # -- saving --------------------------------------------------------------------------------------

    def _done(self, done: Done[Any]) -> None:
        self._own = done.changes if self._own is None else self._own.merged(done.changes)

    def _save(self, row: ItemRow, what: str) -> None:
        item = row.item
        reviews = self.workspace.reviews
        try:
            if what == "document":
                status = row.chosen()
                dated = parse_day(row.dated.text(), item.label, "date") if status is DocumentStatus.SEEN else None
                expires = (parse_day(row.expires.text(), item.label, "expiry date")
                           if status is DocumentStatus.SEEN else None)
                self._done(reviews.record_document(self.review_id, item.key, status, dated, expires,
                                                   seen=item.seen, screen=True))
            elif what == "text" and row.text is not None:
                self._done(reviews.record_text(self.review_id, item.key, row.text.toPlainText(), seen=item.seen,
                                               screen=True))
            elif what == "note":
                self._done(reviews.set_note(self.review_id, item.key, row.note.text(), seen=item.seen, screen=True))
        except ComplianceError as error:
            row.say(str(error))
            self.state.setText("Not saved: see the document marked")
            return
        except StoreBusy as error:
            self.unsaved[f"{item.key}/{what}"] = (row, what)
            self.state.setText(f"Not saved: {error}. What you entered is kept on screen and will be saved in a moment.")
            self._retry.start()
            return
        self.unsaved.pop(f"{item.key}/{what}", None)
        row.say(None)
        fresh = {i.key: i for i in self.workspace.reviews.sheet(self.review_id).items}
        if item.key in fresh:
            row.item = fresh[item.key]  # what this screen now shows and has seen
        self.problem.hide()
        if not self.unsaved:
            self.state.setText("All changes saved")
            self._retry.stop()
        self._show_sheet(self.workspace.reviews.sheet(self.review_id))

    def _save_outcome(self) -> None:
        try:
            self._done(self.workspace.reviews.set_outcome(self.review_id, self.outcome.toPlainText(),
                                                          seen=self.sheet.seen, screen=True))
        except StoreBusy as error:
            self.unsaved["outcome"] = (next(iter(self.rows.values())), "outcome")
            self.state.setText(f"Not saved: {error}. What you entered is kept on screen and will be saved in a moment.")
            self._retry.start()
            return
        except ComplianceError as error:
            self.problem.setText(str(error))
            self.problem.show()
            return
        self.unsaved.pop("outcome", None)
        self.sheet = self.workspace.reviews.sheet(self.review_id)
        if not self.unsaved:
            self.state.setText("All changes saved")

    def retry_unsaved(self) -> None:
        for key, (row, what) in list(self.unsaved.items()):
            if what == "outcome":
                self._save_outcome()
            else:
                self._save(row, what)
            if key in self.unsaved:
                return  # still busy: try again at the next tick

    def raise_action(self) -> RaiseActionDialog:
        dialog = RaiseActionDialog(self.workspace, self.sheet, self)
        dialog.open()
        return dialog

    def complete(self) -> bool:
        """Complete the review; a refusal names the documents and goes to the first of them."""
        for row in self.rows.values():
            if row.editing():
                row.note.clearFocus()
        try:
            self._done(self.workspace.reviews.complete(self.review_id))
        except (ComplianceError, StoreBusy) as error:
            self.problem.setText(str(error))
            self.problem.show()
            first = next((r for r in self.rows.values() if r.item.is_document and r.item.status is None), None)
            if first is not None:
                self.scroller.ensureWidgetVisible(first)
                first.buttons[DocumentStatus.SEEN].setFocus()
            return False
        self.problem.hide()
        self._show_sheet(self.workspace.reviews.sheet(self.review_id))
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if self._outcome_timer.isActive():
            self._outcome_timer.stop()
            self._save_outcome()
        for row in self.rows.values():
            if row.text is not None and row._text_timer.isActive():
                row._text_timer.stop()
                self._save(row, "text")
        if self.unsaved:
            QMessageBox.warning(self, "Not saved yet", "Some entries could not be saved yet because another program "
                                "is writing to the data file. The review stays open and saves them in a moment.")
            event.ignore()
            return
        super().closeEvent(event)

