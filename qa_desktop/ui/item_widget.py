"""One checklist item on the visit screen, as one compact row: many items show at once on a laptop
on the officer's knee (1280x720), and the rest is behind keys and small buttons.

The row: the question (its guidance in the tooltip), the answer buttons or field, and three small
buttons for the note, the photos and an action, each saying what it holds ("Note", "Photos 2",
"Action HIGH"). Under it, only when there is something to say: the note as written (each officer's
part under their name when both notes were kept), the action, a document's dates in words, and,
when the two officers answered differently, both values side by side with who and when and a
button to keep each.

Keys, with the item focused (the visit screen lists them too):

- 1, 2, 3… choose the answers in order (Met / Not met / N/A); on an item answered by typing (a
  number, a date, words) a digit starts the typing in its field; Enter goes into the field;
- Up and Down move between items, from the row or any of its buttons; Esc from the note or a
  field comes back to the item;
- N writes the note, P adds a photo, V shows the photos (full size, replace, re-caption, delete),
  A raises an action, Delete clears the answer.

Every change is handed to the visit screen at once, which saves it through the visit service; a
note is saved after a short pause in typing and when the officer leaves it; a document's date when
the officer has finished typing it (``flush_date``), never part-way: Qt tells every date a section
typed makes (31/01/2026 on the way to 31/11/2027), and each saved was an op in the audit trail and on
the other laptop, the last one kept when the date typed was refused (walk8: "expires 22 Nov 2026").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.ui.palette import warning_colour
from qa_desktop.ui.typed_dates import DAY_FORMAT, DayEdit
from qa_desktop.workspace.visits import (
    FACE_WORDS,
    MET,
    NO,
    NOT_APPLICABLE,
    NOT_MET,
    YES,
    Difference,
    DocumentSeen,
    Item,
    ItemRecord,
    ResponseType,
    split_attributed,
)

NOTE_SAVE_DELAY_MS = 600
#: A document's date typed in full (its year's four digits: ``DayEdit.typed_through``) and left idle, the
#: field not left, is saved this long after the last key: a laptop put down a moment after typing has it
#: stored (a crash loses nothing typed). Longer than the note's pause: a date is typed in one go, and the
#: keys after its last digit are a correction (Backspace, the year typed again), which a shorter pause
#: would save first, one more op to the other laptop; a note saved part-way is only shorter, a date
#: part-way is wrong. Part-way dates are never saved by the pause, however long the officer waits.
DATE_SAVE_DELAY_MS = 1500
#: The earliest date a date field can hold: shown as "not recorded".
NO_DATE = QDate(2000, 1, 1)


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


def document_words(value: DocumentSeen | None) -> str:
    """A document answer in words, dates included; "expiry not recorded" rather than "in date"
    when no expiry was recorded (Figure 1: an expired document is a finding)."""
    if value is None:
        return ""
    if not value.seen:
        return "Not seen"
    dated = f"dated {value.dated:%d %b %Y}" if value.dated else "date not recorded"
    expires = f"expires {value.expires:%d %b %Y}" if value.expires else "expiry not recorded"
    return f"Seen, {dated}, {expires}"


def note_html(note: str) -> str:
    """A note for the screen: each officer's part under their name, when both notes were kept."""
    parts = split_attributed(note)
    if not any(part.who for part in parts):
        return escape(note).replace("\n", "<br>")
    return "<br>".join((f"<b>{escape(part.who)}</b> ({escape(part.when or '')}): " if part.who else "")
                       + escape(part.text).replace("\n", " ") for part in parts)


def _takes_keys(parent: QWidget) -> list[QWidget]:
    """The widgets under ``parent`` the keyboard can reach (a button, a field): those a key press goes
    to. A filter on every child (the labels too) ran in Python for every event of each, paints and
    layouts included (a document's first answer: 80 calls, 0.4 ms). A date field's own text line is
    left out: the key presses go to the date field, which hands them on to its line itself (past any
    filter), so a filter there only ever saw its paints and layouts (60 calls at a document's answer)."""
    return [child for child in parent.findChildren(QWidget) if child.focusPolicy() != Qt.FocusPolicy.NoFocus
            and not isinstance(child.parentWidget(), QAbstractSpinBox)]


class NoteEdit(QPlainTextEdit):
    """The note of an item, open only while it is being written, so the row stays compact (the
    note shows in the row's detail line otherwise). Esc goes back to the item."""

    escaped = Signal()
    left = Signal()

    def setFocus(self, reason: Qt.FocusReason = Qt.FocusReason.OtherFocusReason) -> None:  # noqa: N802 (Qt's name)
        self.show()
        super().setFocus(reason)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt API)
        super().focusOutEvent(event)
        if event.reason() not in (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason):
            self.hide()  # written: the row shows it; another window or a menu for a moment: still open
            self.left.emit()


class DifferenceCard(QFrame):
    """Where the two officers differ on this item: each value, who wrote it and when, and a
    button to keep it (and, for words, one to keep both, each part under its author)."""

    chosen = Signal(object, object)  # the difference, the value kept

    def __init__(self, difference: Difference, words: Callable[[Difference, Any], str]) -> None:
        super().__init__()
        self.setObjectName("difference")
        self.difference = difference
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        title = QLabel(f"<b>⚠ The officers differ on the {escape(difference.what)}:</b>")
        layout.addWidget(title)
        self.keep_buttons: list[QPushButton] = []
        for number, side in enumerate(difference.sides, start=1):
            shown = words(difference, side.value)
            label = QLabel(f"<b>{escape(shown)}</b><br><small>{escape(side.who)}, "
                           f"{side.at.astimezone():%d %b %H:%M}</small>")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setAccessibleName(f"{shown}, by {side.who} at {side.at.astimezone():%H:%M}")
            keep = QPushButton(f"Keep {number}")
            keep.setAccessibleName(f"Keep {shown} by {side.who}")
            keep.clicked.connect(lambda _=False, v=side.value: self.chosen.emit(difference, v))
            self.keep_buttons.append(keep)
            layout.addWidget(label, 1)
            layout.addWidget(keep)
        self.keep_both: QPushButton | None = None
        if difference.text:
            self.keep_both = QPushButton("Keep both")
            self.keep_both.setToolTip("Keeps both, each under the name of the officer who wrote it")
            self.keep_both.clicked.connect(lambda: self.chosen.emit(difference, None))
            layout.addWidget(self.keep_both)


class ItemWidget(QFrame):
    answered = Signal(str, object)   # item key, value (None clears)
    noted = Signal(str, str)
    photo_wanted = Signal(str)       # add one
    photos_wanted = Signal(str)      # see them: full size, replace, re-caption, delete
    action_wanted = Signal(str)
    step = Signal(int)               # focus to the item above (-1) or below (+1)
    told = Signal(str)               # something the officer should know, for the status line
    date_waiting = Signal(str)       # a date typed and not saved yet: when it will be, for the status line
    difference_chosen = Signal(object, object)  # Difference, the value kept (None: both, attributed)
    #: the officer has left a document's date field (item key): what arrived meanwhile can show now
    date_left = Signal(str)

    def __init__(self, item: Item, record: ItemRecord, differences: Sequence[Difference] = (),
                 words: Callable[[Difference, Any], str] | None = None, *, day: dt.date | None = None) -> None:
        """``day``: the visit's, where typing into a document date not recorded yet starts."""
        super().__init__()
        self.item = item
        self._day = day
        self.setObjectName("item")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(item.label)
        if item.guidance:
            self.setAccessibleDescription(item.guidance)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.options = answer_options(item)
        self.buttons: list[QPushButton] = []
        self._words = words or (lambda _difference, value: str(value))
        self.record = record
        #: a document's date field is being typed into (entered, not yet left: a calendar opened from it
        #: or another window for a moment does not end it), as the note is while it is open
        self._date_open = False
        #: a document's date changed and not saved yet: kept as typed, as ``_date_open`` (``flush_date``)
        self._date_pending = False
        #: the pending change came from the calendar: saved once it closes (``_calendar_closed``)
        self._date_from_calendar = False
        #: the date field typed into last, whose pause may save it (``_date_paused``)
        self._date_typed: DayEdit | None = None
        #: the date field entered last (``flush_date`` reads what is typed in it as it stands)
        self._date_in: DayEdit | None = None
        self._date_timer = QTimer(self, singleShot=True, interval=DATE_SAVE_DELAY_MS)
        self._date_timer.timeout.connect(self._date_paused)

        self.mark = QLabel()
        self.mark.setFixedWidth(self.fontMetrics().horizontalAdvance("⚠ ") + 2)
        self.title = QLabel(f"{item.label}{'  *' if item.required else ''}")
        self.title.setWordWrap(True)
        if item.guidance:
            self.title.setToolTip(item.guidance)
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.mark)
        row.addWidget(self.title, 1)
        for number, (value, text) in enumerate(self.options, start=1):
            button = QPushButton(f"{number} {text}" if number <= 9 else text)
            button.setCheckable(True)
            button.setAccessibleName(f"{text} for {item.label}")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _checked=False, v=value: self.choose(v))
            self.buttons.append(button)
            row.addWidget(button)
        self.text_answer: QLineEdit | None = None
        self.document_seen: QCheckBox | None = None
        self.document_dated: QDateEdit | None = None
        self.document_expires: QDateEdit | None = None
        if item.response in (ResponseType.TEXT, ResponseType.NUMBER, ResponseType.DATE):
            hint = {ResponseType.NUMBER: "a number",
                    ResponseType.DATE: "a date, e.g. 2026-11-22"}.get(item.response, "words")
            self.text_answer = QLineEdit(placeholderText=hint)
            self.text_answer.setAccessibleName(f"Answer to {item.label}")
            self.text_answer.editingFinished.connect(self._typed_answer)
            self.text_answer.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 10)
            row.addWidget(self.text_answer, 1 if item.response is ResponseType.TEXT else 0)
        if item.response is ResponseType.DOCUMENT:
            self.document_seen = QCheckBox("1 Seen")
            self.document_seen.setAccessibleName(f"{item.label} seen")
            self.document_dated = self._date_field(f"{item.label} dated")
            self.document_expires = self._date_field(f"{item.label} expires")
            self.document_seen.toggled.connect(self._seen_changed)
            row.addWidget(self.document_seen)
            for caption, field in (("Dated", self.document_dated), ("Expires", self.document_expires)):
                label = QLabel(caption)
                label.setBuddy(field)
                row.addWidget(label)
                row.addWidget(field)
        self.note_button = self._tool("Note", "Write the note (N)", self.edit_note)
        self.photo_button = self._tool("Photo", "Photos: add one (P), see them (V)",
                                       lambda: (self.photos_wanted if self.record.evidence
                                                else self.photo_wanted).emit(item.key))
        self.action_button = self._tool("Action", "Raise an action (A)", lambda: self.action_wanted.emit(item.key))
        for tool in (self.note_button, self.photo_button, self.action_button):
            row.addWidget(tool)

        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAccessibleName(f"About {item.label}")
        self.action_label = self.detail  # the action is said in the detail line
        self.note = NoteEdit()
        self.note.setPlaceholderText("Note (Esc: back to the item)")
        self.note.setAccessibleName(f"Notes for {item.label}")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(round(self.fontMetrics().lineSpacing() * 3.4))
        self.note.escaped.connect(self._note_escaped)
        self.note.left.connect(self._note_left)
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_SAVE_DELAY_MS)
        self._note_timer.timeout.connect(self.flush_note)
        self.note.textChanged.connect(self._note_timer.start)
        self.note.hide()
        self.differences_box = QVBoxLayout()
        self.difference_cards: list[DifferenceCard] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.detail)
        layout.addWidget(self.note)
        layout.addLayout(self.differences_box)
        for child in _takes_keys(self):
            if child is not self.note:
                child.installEventFilter(self)  # Up/Down from a button or field move between items
        self.show_record(record, differences)

    def edit_note(self) -> None:
        """Into the note, the cursor after its last word: words typed add to the note (walk6: the cursor
        was at its start, and what was typed went in front of the words already there)."""
        self.note.setFocus()
        self.note.moveCursor(QTextCursor.MoveOperation.End)

    def _date_field(self, name: str) -> QDateEdit:
        # typed as day/month/year (``typed_dates``: "5/1/2027" typed into "d MMM yyyy" became 5 December
        # of the year shown, without a word: walk6)
        field = DayEdit()
        field.setCalendarPopup(True)
        field.setDisplayFormat(DAY_FORMAT)
        field.setToolTip("Type the date as day/month/year (e.g. 05/01/2027), or pick it from the calendar")
        field.setMinimumDate(NO_DATE)
        field.setSpecialValueText("not recorded")
        field.setDate(NO_DATE)
        if self._day is not None:
            field.blank_start = QDate(self._day.year, self._day.month, self._day.day)
        field.setAccessibleName(name)
        field.dateChanged.connect(lambda _day, f=field: self._date_changed(f))
        field.finished.connect(lambda f=field: self._date_finished(f))
        field.problem_changed.connect(lambda problem: self._date_problem(name, problem))
        return field

    def _date_problem(self, name: str, problem: str) -> None:
        if problem:  # 31/11 typed: said at once in the visit screen's status line
            self.told.emit(f"{name}: {problem}")

    def _tool(self, text: str, tip: str, pressed: Callable[[], object]) -> QToolButton:
        tool = QToolButton()
        tool.setText(text)
        tool.setToolTip(tip)
        tool.setAccessibleName(f"{tip} for {self.item.label}")
        tool.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        tool.setAutoRaise(False)
        tool.clicked.connect(lambda _checked=False: pressed())
        return tool

    # -- showing -----------------------------------------------------------------------------------

    @property
    def photo_count(self) -> int:
        return len(self.record.evidence)

    def show_record(self, record: ItemRecord, differences: Sequence[Difference] = ()) -> None:
        self.record = record
        value = record.answer
        selected = set(value) if isinstance(value, list) else {value}
        for number, ((option, words), button) in enumerate(zip(self.options, self.buttons, strict=True), start=1):
            button.setChecked(option in selected)
            # the choice is marked in words too, not by colour alone (high-contrast themes, print-outs)
            button.setText(f"{'✓ ' if option in selected else ''}{number} {words}" if number <= 9 else words)
        if self.text_answer is not None and not self.text_answer.hasFocus():
            self.text_answer.setText("" if value is None else (value.isoformat() if isinstance(value, dt.date)
                                                                else str(value)))
        document = value if isinstance(value, DocumentSeen) else None
        # a date being typed is left as typed, and the document's other fields beside it, as the note is
        # (a sync touching the item while a date was half typed put the date back: walk7); the value
        # shows once the officer leaves the date (``date_left``)
        if self.document_seen is not None and self.document_dated is not None and self.document_expires is not None \
                and not self.editing_date():
            for field in (self.document_seen, self.document_dated, self.document_expires):
                field.blockSignals(True)
            self.document_seen.setChecked(bool(document and document.seen))
            for field, day in ((self.document_dated, document.dated if document else None),
                               (self.document_expires, document.expires if document else None)):
                field.setDate(QDate(day.year, day.month, day.day) if day else NO_DATE)
            for field in (self.document_seen, self.document_dated, self.document_expires):
                field.blockSignals(False)
        if not self.note.hasFocus() and not self.has_pending_note() and self.note.toPlainText() != record.note:
            self.note.blockSignals(True)
            self.note.setPlainText(record.note)
            self.note.blockSignals(False)
        note = self.note.toPlainText()  # what was typed, saved or about to be
        self.note_button.setText("Note ✓" if note.strip() else "Note")
        self.photo_button.setText(f"Photos {len(record.evidence)}" if record.evidence else "Photo")
        action = record.action
        self.action_button.setText(f"Action {action.level.label}" if action else "Action")
        lines = []
        if note.strip() and not self.note.isVisible():
            lines.append(f"<i>Note:</i> {note_html(note)}")
        if document is not None:
            lines.append(escape(document_words(document)))
        if action is not None:
            said = action.text.rstrip()  # its own full stop, if it has one (walk6: "… training.. Due")
            lines.append(f"<b>Action ({escape(action.level.label)}):</b> {escape(said)}"
                         f"{'' if said.endswith(('.', '!', '?')) else '.'} "
                         f"Due {action.due_at.astimezone():%d %b %Y %H:%M}")
        if record.evidence:
            captions = "; ".join(e.caption or "no caption" for e in record.evidence)
            lines.append(f"<i>Photos:</i> {escape(captions)} (V to see them)")
        self.detail.setText("<br>".join(lines))
        self.detail.setVisible(bool(lines))
        self._show_differences(differences)
        self.mark.setText("⚠" if differences else ("" if value in (None, "", []) else "✓"))
        self.mark.setToolTip("The two officers differ here" if differences else "")
        flagged = value in (NOT_MET, NO) or bool(differences)
        if self.property("flagged") != flagged:  # restyled only when the flag changes: a repolish re-lays the row
            self.setProperty("flagged", flagged)
            self.style().unpolish(self)
            self.style().polish(self)

    def _show_differences(self, differences: Sequence[Difference]) -> None:
        for card in self.difference_cards:
            card.hide()
            card.deleteLater()
        self.difference_cards = []
        for difference in differences:
            card = DifferenceCard(difference, self._words)
            card.chosen.connect(self.difference_chosen.emit)
            for child in _takes_keys(card):
                child.installEventFilter(self)
            self.difference_cards.append(card)
            self.differences_box.addWidget(card)

    @property
    def differences(self) -> list[Difference]:
        return [card.difference for card in self.difference_cards]

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

    def _document_value(self) -> DocumentSeen | None:
        """The document as the row shows it; a date refused in words (31/11: ``problem``) is the one saved
        before it, said again in the status line: never the date Qt cut it to, nor one typed on the way."""
        if self.document_seen is None or self.document_dated is None or self.document_expires is None:
            return None
        saved = self.record.answer if isinstance(self.record.answer, DocumentSeen) else None

        def day(field: QDateEdit, kept: dt.date | None) -> dt.date | None:
            if isinstance(field, DayEdit) and field.problem:
                self.told.emit(f"{field.accessibleName()}: {field.problem}")
                return kept
            chosen = field.date()
            return None if chosen <= NO_DATE else dt.date(chosen.year(), chosen.month(), chosen.day())

        return DocumentSeen(self.document_seen.isChecked(), day(self.document_dated, saved.dated if saved else None),
                            day(self.document_expires, saved.expires if saved else None))

    def _seen_changed(self) -> None:
        """The seen box is saved at once, with the dates as they stand (a date pending goes with it)."""
        value = self._document_value()
        self._date_timer.stop()
        self._date_pending = self._date_from_calendar = False
        if value is not None:
            self.answered.emit(self.item.key, value)

    def _date_changed(self, field: DayEdit) -> None:
        """A document's date changed: saved when the officer has finished with it (``flush_date``). Typed
        (the field has the keyboard): when it is left or Enter pressed, or after a pause once typed in full
        (``_date_paused``); picked in the calendar (arrowed through, the calendar still open): when the
        calendar closes; set otherwise (by code): at once."""
        self._date_pending = True
        if QApplication.activePopupWidget() is not None:
            self._date_from_calendar = True
        elif field.hasFocus():
            self._date_typed = field
            self._date_timer.start()
            if not field.problem:  # (a refused date says so instead: ``_date_problem``)
                self.date_waiting.emit(f"{field.accessibleName()}: being typed, saved when you leave the date or "
                                       "press Enter (or a moment after its year is typed)")
        else:
            self._save_date()

    def _date_paused(self) -> None:
        """A pause after the last key: the date is saved if the officer typed it in full and it is a date
        (a laptop put down with the date typed and the field not left); part-way, it waits for the leave."""
        typed = self._date_typed
        if QApplication.activePopupWidget() is not None or (typed is not None and not typed.typed_through):
            return
        self._save_date()  # (typed through: nothing half typed to read first)

    def _date_finished(self, field: DayEdit) -> None:
        """Enter in a date, or the date left (for another field, not its calendar or another window): the
        date is saved; left, what arrived for the item meanwhile can show (``date_left``)."""
        self._save_date()  # (the field has made what was typed whole itself)
        if not field.hasFocus():
            self._date_open = False
            self.date_left.emit(self.item.key)

    def _calendar_closed(self) -> None:
        if self._date_from_calendar:
            self._save_date()

    def flush_date(self) -> None:
        """Save a document's date changed and not saved yet, now (the visit screen calls this before
        closing or leaving the section, too); a date refused in words is not saved (``_document_value``).
        A field still being typed is read as it stands, as leaving it would ("5/1/27": the year this
        century's); only that one (the other's day typed when it was last entered is long gone)."""
        if self._date_open and self._date_in is not None:
            self._date_in.settle()
        self._save_date()

    def _save_date(self) -> None:
        """The pending date saved, as the fields hold it; nothing is written when the row already holds it
        (the date typed back as it was)."""
        self._date_timer.stop()
        if not self._date_pending:
            return
        self._date_pending = self._date_from_calendar = False
        value = self._document_value()
        if value is not None and value != self.record.answer:
            self.answered.emit(self.item.key, value)

    def has_pending_date(self) -> bool:
        """A document's date changed and not saved yet, or still being typed (``flush_date`` saves it)."""
        return self._date_pending or self._date_open

    def flush_note(self) -> None:
        """Save the note now (the visit screen calls this before closing, too)."""
        self._note_timer.stop()
        self.noted.emit(self.item.key, self.note.toPlainText())

    def has_pending_note(self) -> bool:
        return self._note_timer.isActive()

    def editing_date(self) -> bool:
        """Whether a document's date is being typed, is changed and not saved yet, or holds a day its month
        cannot have, refused in words (``typed_dates``): shown as typed until the officer types a date (see
        ``show_record``)."""
        return self._date_open or self._date_pending or bool(self.refused_dates())

    def refused_dates(self) -> list[DayEdit]:
        """The document's date fields holding a day their month cannot have (31/11), refused in words."""
        return [f for f in (self.document_dated, self.document_expires) if isinstance(f, DayEdit) and f.problem]

    def _note_escaped(self) -> None:
        if self.has_pending_note():
            self.flush_note()
        self.note.hide()
        self.setFocus()
        self.show_record(self.record, self.differences)

    def _note_left(self) -> None:
        if self.has_pending_note():
            self.flush_note()
        self.show_record(self.record, self.differences)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """Up and Down from any of the row's buttons or its field move between items (they used to
        move between buttons after Shift+Tab); Esc from a field comes back to the item. Follows a
        document's date fields being entered and left (``editing_date``)."""
        if watched is self.document_dated or watched is self.document_expires:
            if isinstance(event, QFocusEvent) and event.type() == QEvent.Type.FocusIn:
                self._date_open = True
                self._date_in = watched if isinstance(watched, DayEdit) else None
                if event.reason() == Qt.FocusReason.PopupFocusReason and self._date_from_calendar:
                    # back from the calendar: saved once it has closed (Esc puts the date back as it hides)
                    QTimer.singleShot(0, self, self._calendar_closed)
            elif event.type() == QEvent.Type.KeyPress and self._date_pending:
                self._date_timer.start()  # the pause runs from the last key (``_date_paused``)
            # (left: ``_date_finished``, once the field has made its date whole)
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and not event.modifiers():
            key = event.key()
            date_field = isinstance(watched, QDateEdit)  # its arrows step the date
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not date_field:
                self.step.emit(-1 if key == Qt.Key.Key_Up else 1)
                return True
            if key == Qt.Key.Key_Escape:
                self.setFocus()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key = event.key()
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        digit = Qt.Key.Key_0 <= key <= Qt.Key.Key_9
        if digit and self.text_answer is not None:
            self.text_answer.setFocus()  # a number item: the digit starts the answer
            self.text_answer.setText(event.text())
        elif digit and self.document_seen is not None and key == Qt.Key.Key_1:
            self.document_seen.toggle()
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and key - Qt.Key.Key_1 < len(self.options):
            button = self.buttons[key - Qt.Key.Key_1]
            if self.item.response is ResponseType.MULTI_CHOICE:
                button.toggle()
            else:
                button.setChecked(True)
            self.choose(self.options[key - Qt.Key.Key_1][0])
        elif digit:
            have = (f"1 to {len(self.options)}" if self.options else
                    "the buttons" if self.document_seen is None else "1 for seen, and the dates")
            self.told.emit(f"{event.text()} is not an answer to \u201c{self.item.label}\u201d: use {have}")
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.text_answer is not None:
            self.text_answer.setFocus()
        elif key == Qt.Key.Key_Up:
            self.step.emit(-1)
        elif key == Qt.Key.Key_Down:
            self.step.emit(1)
        elif key == Qt.Key.Key_N:
            self.edit_note()
        elif key == Qt.Key.Key_P:
            self.photo_wanted.emit(self.item.key)
        elif key == Qt.Key.Key_V:
            self.photos_wanted.emit(self.item.key)
        elif key == Qt.Key.Key_A:
            self.action_wanted.emit(self.item.key)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.options:
            self.answered.emit(self.item.key, None)
        else:
            super().keyPressEvent(event)


def item_style() -> str:
    """The visit screen's style: the system palette, plus the warning colour for a not-met item
    and where the two officers differ."""
    return """
QFrame#item { border: 1px solid palette(mid); border-radius: 3px; }
QFrame#item:focus { border: 3px solid palette(highlight); }
QFrame#item[flagged="true"] { border-left: 6px solid WARNING; }
QFrame#item QPushButton { padding: 2px 8px; border: 1px solid palette(mid); border-radius: 3px;
                          background: palette(button); }
QFrame#item QPushButton:focus, QFrame#item QToolButton:focus { border: 2px solid palette(highlight); }
QFrame#item QPlainTextEdit, QFrame#item QLineEdit { border: 1px solid palette(mid); }
QFrame#item QPlainTextEdit:focus, QFrame#item QLineEdit:focus { border: 2px solid palette(highlight); }
QFrame#item QPushButton:checked { background: palette(highlight); color: palette(highlighted-text); }
QFrame#difference { border: 2px solid WARNING; border-radius: 3px; }
""".replace("WARNING", warning_colour().name())
