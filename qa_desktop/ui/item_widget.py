"""One checklist item on the visit screen: the question, big answer buttons, a note, photos, an action.

Keyboard first, because officers fill these in standing up: with the item focused, 1, 2, 3…
choose the answers in order (Met / Not met / N/A), Up and Down move between items, N goes to the
note, P adds a photo, A raises an action. Every change is handed to the visit screen at once,
which saves it through the visit service (``OpenVisit``); a note is saved after a short pause in
typing and when the focus leaves it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from qa_desktop.ui.palette import warning_colour
from qa_desktop.workspace.visits import (
    FACE_WORDS,
    MET,
    NO,
    NOT_APPLICABLE,
    NOT_MET,
    YES,
    DocumentSeen,
    Item,
    ItemRecord,
    ResponseType,
)

NOTE_SAVE_DELAY_MS = 600


def answer_options(item: Item) -> list[tuple[Any, str]]:
    """The buttons of an item whose answer is one of a few values, in shortcut order."""
    kind = item.response
    if kind is ResponseType.MET_NOT_MET:
        return [(MET, "Met"), (NOT_MET, "Not met"), (NOT_APPLICABLE, "N/A")]
    if kind is ResponseType.YES_NO:
        return [(YES, "Yes"), (NO, "No")]
    if kind in (ResponseType.CHOICE, ResponseType.MULTI_CHOICE):
        return [(choice, choice) for choice in item.choices]
    if kind in (ResponseType.RATING, ResponseType.FACES):
        low, high = item.scale or (1, 5)
        words = FACE_WORDS if kind is ResponseType.FACES else {}
        return [(n, f"{n} {words.get(n, '')}".strip()) for n in range(low, high + 1)]
    return []


class ItemWidget(QFrame):
    answered = Signal(str, object)   # item key, value (None clears)
    noted = Signal(str, str)
    photo_wanted = Signal(str)
    action_wanted = Signal(str)
    step = Signal(int)               # focus to the item above (-1) or below (+1)

    def __init__(self, item: Item, record: ItemRecord, thumbnails: dict[str, QPixmap]) -> None:
        super().__init__()
        self.item = item
        self.setObjectName("item")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(item.label)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.options = answer_options(item)
        self.buttons: list[QPushButton] = []

        title = QLabel(f"{item.label}{'  *' if item.required else ''}")
        title.setWordWrap(True)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if item.guidance:
            guidance = QLabel(item.guidance)
            guidance.setWordWrap(True)
            guidance.setEnabled(False)
            layout.addWidget(guidance)

        row = QHBoxLayout()
        for number, (value, words) in enumerate(self.options, start=1):
            button = QPushButton(f"{number}  {words}" if number <= 9 else words)
            button.setCheckable(True)
            button.setMinimumHeight(40)
            button.setAccessibleName(f"{words} for {item.label}")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _checked=False, v=value: self.choose(v))
            self.buttons.append(button)
            row.addWidget(button)
        self.text_answer: QLineEdit | None = None
        self.document_seen: QCheckBox | None = None
        self.document_expires: QDateEdit | None = None
        if item.response in (ResponseType.TEXT, ResponseType.NUMBER, ResponseType.DATE):
            hint = {ResponseType.NUMBER: "a number",
                    ResponseType.DATE: "a date, e.g. 2026-11-22"}.get(item.response, "")
            self.text_answer = QLineEdit(placeholderText=hint)
            self.text_answer.setAccessibleName(f"Answer to {item.label}")
            self.text_answer.editingFinished.connect(self._typed_answer)
            row.addWidget(self.text_answer, 1)
        if item.response is ResponseType.DOCUMENT:
            self.document_seen = QCheckBox("Seen")
            self.document_seen.setAccessibleName(f"{item.label} seen")
            self.document_expires = QDateEdit()
            self.document_expires.setCalendarPopup(True)
            self.document_expires.setDisplayFormat("d MMM yyyy")
            self.document_expires.setSpecialValueText("no expiry")
            self.document_expires.setMinimumDate(QDate(2000, 1, 1))
            self.document_expires.setAccessibleName(f"{item.label} expires")
            self.document_seen.toggled.connect(self._document_changed)
            self.document_expires.dateChanged.connect(self._document_changed)
            row.addWidget(self.document_seen)
            row.addWidget(QLabel("Expires:"))
            row.addWidget(self.document_expires)
        row.addStretch(1)
        layout.addLayout(row)

        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("Notes (N)")
        self.note.setAccessibleName(f"Notes for {item.label}")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(56)
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_SAVE_DELAY_MS)
        self._note_timer.timeout.connect(self.flush_note)
        self.note.textChanged.connect(self._note_timer.start)
        layout.addWidget(self.note)

        extras = QHBoxLayout()
        self.photo_button = QPushButton("Add &photo… (P)")
        self.photo_button.clicked.connect(lambda: self.photo_wanted.emit(item.key))
        self.action_button = QPushButton("Raise &action… (A)")
        self.action_button.clicked.connect(lambda: self.action_wanted.emit(item.key))
        self.action_label = QLabel()
        self.action_label.setWordWrap(True)
        self.thumbs = QHBoxLayout()
        extras.addWidget(self.photo_button)
        extras.addWidget(self.action_button)
        extras.addLayout(self.thumbs)
        extras.addWidget(self.action_label, 1)
        layout.addLayout(extras)
        self.show_record(record, thumbnails)

    # -- showing -----------------------------------------------------------------------------------

    def show_record(self, record: ItemRecord, thumbnails: dict[str, QPixmap]) -> None:
        value = record.answer
        selected = set(value) if isinstance(value, list) else {value}
        for number, ((option, words), button) in enumerate(zip(self.options, self.buttons, strict=True), start=1):
            button.setChecked(option in selected)
            # the choice is marked in words too, not by colour alone (high-contrast themes, print-outs)
            button.setText(f"{'✓ ' if option in selected else ''}{number}  {words}" if number <= 9 else words)
        if self.text_answer is not None and not self.text_answer.hasFocus():
            self.text_answer.setText("" if value is None else (value.isoformat() if isinstance(value, dt.date)
                                                                else str(value)))
        if self.document_seen is not None and self.document_expires is not None and isinstance(value, DocumentSeen):
            self.document_seen.blockSignals(True)
            self.document_expires.blockSignals(True)
            self.document_seen.setChecked(value.seen)
            if value.expires:
                self.document_expires.setDate(QDate(value.expires.year, value.expires.month, value.expires.day))
            self.document_seen.blockSignals(False)
            self.document_expires.blockSignals(False)
        if not self.note.hasFocus() and not self.has_pending_note() and self.note.toPlainText() != record.note:
            self.note.blockSignals(True)
            self.note.setPlainText(record.note)
            self.note.blockSignals(False)
        while self.thumbs.count():
            taken = self.thumbs.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        for evidence in record.evidence:
            thumb = QLabel()
            pixmap = thumbnails.get(evidence.blob)
            if pixmap is None or pixmap.isNull():
                thumb.setText("[photo not on this laptop]")
            else:
                thumb.setPixmap(pixmap)
            thumb.setToolTip(evidence.caption)
            thumb.setAccessibleName(f"Photo: {evidence.caption or 'no caption'}")
            self.thumbs.addWidget(thumb)
        action = record.action
        self.action_label.setText("" if action is None else
                                  f"Action ({action.level.label}): {action.text}. "
                                  f"Due {action.due_at.astimezone():%d %b %Y %H:%M}")
        flagged = value in (NOT_MET, NO)
        self.setProperty("flagged", flagged)
        self.style().unpolish(self)
        self.style().polish(self)

    # -- changing ----------------------------------------------------------------------------------

    def choose(self, value: Any) -> None:
        if self.item.response is ResponseType.MULTI_CHOICE:
            chosen = [option for (option, _), button in zip(self.options, self.buttons, strict=True)
                      if button.isChecked()]
            self.answered.emit(self.item.key, chosen)
            return
        self.answered.emit(self.item.key, value)

    def _typed_answer(self) -> None:
        text = self.text_answer.text().strip() if self.text_answer else ""
        if not text:
            self.answered.emit(self.item.key, None)
            return
        value: Any = text
        if self.item.response is ResponseType.NUMBER:
            try:
                value = int(text) if text.lstrip("-").isdigit() else float(text)
            except ValueError:
                value = text  # the service refuses it, in words
        elif self.item.response is ResponseType.DATE:
            try:
                value = dt.date.fromisoformat(text)
            except ValueError:
                value = text
        self.answered.emit(self.item.key, value)

    def _document_changed(self) -> None:
        if self.document_seen is None or self.document_expires is None:
            return
        chosen = self.document_expires.date()
        expires: dt.date | None = dt.date(chosen.year(), chosen.month(), chosen.day())
        if expires is not None and expires <= dt.date(2000, 1, 1):  # the minimum date: "no expiry"
            expires = None
        self.answered.emit(self.item.key, DocumentSeen(self.document_seen.isChecked(), None, expires))

    def flush_note(self) -> None:
        """Save the note now (the visit screen calls this before closing, too)."""
        self._note_timer.stop()
        self.noted.emit(self.item.key, self.note.toPlainText())

    def has_pending_note(self) -> bool:
        return self._note_timer.isActive()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and key - Qt.Key.Key_1 < len(self.options):
            button = self.buttons[key - Qt.Key.Key_1]
            if self.item.response is ResponseType.MULTI_CHOICE:
                button.toggle()
            else:
                button.setChecked(True)
            self.choose(self.options[key - Qt.Key.Key_1][0])
        elif key == Qt.Key.Key_Up:
            self.step.emit(-1)
        elif key == Qt.Key.Key_Down:
            self.step.emit(1)
        elif key == Qt.Key.Key_N:
            self.note.setFocus()
        elif key == Qt.Key.Key_P:
            self.photo_wanted.emit(self.item.key)
        elif key == Qt.Key.Key_A:
            self.action_wanted.emit(self.item.key)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.options:
            self.answered.emit(self.item.key, None)
        else:
            super().keyPressEvent(event)


def item_style() -> str:
    """The visit screen's style: the system palette, plus the warning colour for a not-met item."""
    return """
QFrame#item { border: 1px solid palette(mid); border-radius: 4px; }
QFrame#item:focus { border: 3px solid palette(highlight); }
QFrame#item[flagged="true"] { border-left: 6px solid WARNING; }
QFrame#item QPushButton { padding: 6px 14px; border: 1px solid palette(mid); border-radius: 4px;
                          background: palette(button); }
QFrame#item QPushButton:focus { border: 2px solid palette(highlight); }
QFrame#item QPlainTextEdit, QFrame#item QLineEdit { border: 1px solid palette(mid); }
QFrame#item QPlainTextEdit:focus, QFrame#item QLineEdit:focus { border: 2px solid palette(highlight); }
QFrame#item QPushButton:checked { background: palette(highlight); color: palette(highlighted-text); }
""".replace("WARNING", warning_colour().name())

