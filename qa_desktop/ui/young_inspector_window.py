"""The Young Inspector's screen: their own form, one short page at a time, in large plain words.

The officer hands the laptop over with this window open. It is built from a
``YoungInspectorSession`` alone (``services.young_inspector``), which holds the form's questions and
the Young Inspector's own answers and nothing else: no provider register, no officers' notes, no
other visits; there is no menu or button that leads out of it. Each answer is saved the moment it
is given, like everywhere else, so a flat battery loses nothing.

Faces are drawn (not emoji, which a laptop without a colour emoji font shows as boxes) and always
come with words ("Happy"), and a chosen face is ticked, so the scale reads without colour.
Everything scales from the system font (``BASE_SCALE`` times it), and works by keyboard: Tab between
questions, 1-5 on a face question, Y or N on a yes/no one, Page Down / Page Up (or Alt+arrows)
between pages.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QKeySequence, QPainter, QPainterPath, QPaintEvent, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.workspace.visits import (
    FACE_COLOURS,
    FACE_WORDS,
    NO,
    YES,
    AnswerError,
    Item,
    ResponseType,
    Section,
    StoreBusy,
    YoungInspectorSession,
)

BASE_SCALE = 1.45
WORDS_SAVE_DELAY_MS = 600


def _big(label: QLabel, base: QFont) -> QLabel:
    """A page title: half as large again as the screen's (already large) text, bold."""
    font = QFont(base)
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    label.setContentsMargins(0, 6, 0, 6)
    return label


class FaceButton(QAbstractButton):
    """One face of the scale: a drawn face with its words underneath, ticked when chosen."""

    def __init__(self, score: int, question: str) -> None:
        super().__init__()
        self.score = score
        self.setCheckable(True)
        self.setText(FACE_WORDS[score])
        self.setAccessibleName(f"{FACE_WORDS[score]}, {score} of 5, for: {question}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        line = self.fontMetrics().height()
        return QSize(line * 6, line * 5)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        area = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        if self.isChecked():
            painter.setPen(QPen(palette.highlight().color(), 4))
            painter.setBrush(palette.highlight().color().lighter(170))
        else:
            painter.setPen(QPen(palette.mid().color(), 1))
            painter.setBrush(palette.base())
        painter.drawRoundedRect(area, 8, 8)
        if self.hasFocus():
            painter.setPen(QPen(palette.highlight().color(), 2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(area.adjusted(5, 5, -5, -5), 6, 6)

        line = self.fontMetrics().height()
        size = min(area.width() * 0.55, area.height() - line * 1.8)
        centre = QPointF(area.center().x(), area.top() + 6 + size / 2)
        radius = size / 2
        painter.setPen(QPen(Qt.GlobalColor.black, 2))
        painter.setBrush(QColor(FACE_COLOURS[self.score]))
        painter.drawEllipse(centre, radius, radius)
        painter.setBrush(Qt.GlobalColor.black)
        for dx in (-radius / 3, radius / 3):
            painter.drawEllipse(QPointF(centre.x() + dx, centre.y() - radius / 4), radius / 9, radius / 9)
        curve = (self.score - 3) * radius / 5  # a frown at 1, a broad smile at 5
        mouth = QPainterPath(QPointF(centre.x() - radius / 2, centre.y() + radius / 3))
        mouth.quadTo(QPointF(centre.x(), centre.y() + radius / 3 + curve), QPointF(centre.x() + radius / 2,
                                                                                    centre.y() + radius / 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(mouth)

        painter.setPen(palette.buttonText().color())
        words = ("✓ " if self.isChecked() else "") + self.text()
        font = self.font()
        font.setBold(self.isChecked())
        painter.setFont(font)
        painter.drawText(QRectF(area.left(), area.bottom() - line * 1.6, area.width(), line * 1.4),
                         Qt.AlignmentFlag.AlignCenter, words)


class Question(QFrame):
    """One question and its answer control; tells the window each answer as it is given."""

    answered = Signal(str, object)  # item key, value (None clears)

    def __init__(self, item: Item, value: Any) -> None:
        super().__init__()
        self.item = item
        self.setObjectName("question")
        self.setAccessibleName(item.label)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # 1-5 or Y/N answer the focused question
        label = QLabel(item.label)
        label.setWordWrap(True)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.buttons: list[QAbstractButton] = []
        self.words: QPlainTextEdit | None = None
        self._timer = QTimer(self, singleShot=True, interval=WORDS_SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        row = QHBoxLayout()
        kind = item.response
        if kind is ResponseType.FACES:
            for score in range(1, 6):
                button = FaceButton(score, item.label)
                button.clicked.connect(lambda _=False, s=score: self._choose(s))
                self.buttons.append(button)
                row.addWidget(button)
        elif kind is ResponseType.YES_NO:
            for value_, words in ((YES, "Yes"), (NO, "No")):
                answer = QPushButton(words)
                answer.setCheckable(True)
                answer.setProperty("value", value_)
                answer.setAccessibleName(f"{words}, for: {item.label}")
                answer.clicked.connect(lambda _=False, v=value_: self._choose(v))
                self.buttons.append(answer)
                row.addWidget(answer)
            row.addStretch(1)
        elif kind is ResponseType.MULTI_CHOICE:
            grid = QVBoxLayout()
            for choice in item.choices:
                box = QCheckBox(choice)
                box.setAccessibleName(f"{choice}, for: {item.label}")
                box.toggled.connect(lambda _=False: self._choose_many())
                self.buttons.append(box)
                grid.addWidget(box)
            row.addLayout(grid)
        else:
            self.words = QPlainTextEdit()
            self.words.setPlaceholderText("Write as much or as little as you like")
            self.words.setAccessibleName(f"Your words: {item.label}")
            self.words.setTabChangesFocus(True)
            self.words.setFixedHeight(self.words.fontMetrics().height() * 4)
            self.words.textChanged.connect(self._timer.start)
            row.addWidget(self.words)
        layout.addLayout(row)
        if self.words is not None:
            self.setFocusProxy(self.words)
        elif item.response is ResponseType.MULTI_CHOICE and self.buttons:
            self.setFocusProxy(self.buttons[0])
        self.show_value(value)

    def show_value(self, value: Any) -> None:
        for button in self.buttons:
            button.blockSignals(True)
            if isinstance(button, FaceButton):
                button.setChecked(button.score == value)
            elif isinstance(button, QCheckBox):
                button.setChecked(isinstance(value, list) and button.text() in value)
            else:
                chosen = button.property("value") == value
                button.setChecked(chosen)
                words = "Yes" if button.property("value") == YES else "No"
                button.setText(f"✓ {words}" if chosen else words)
            button.blockSignals(False)
        if self.words is not None and not self.words.hasFocus() and self.words.toPlainText() != (value or ""):
            self.words.blockSignals(True)
            self.words.setPlainText(value or "")
            self.words.blockSignals(False)

    def _choose(self, value: Any) -> None:
        self.answered.emit(self.item.key, value)

    def _choose_many(self) -> None:
        self.answered.emit(self.item.key, [b.text() for b in self.buttons if b.isChecked()] or None)

    def flush(self) -> None:
        if self.words is not None and (self._timer.isActive() or self.words.document().isModified()):
            self._timer.stop()
            self.words.document().setModified(False)
            self.answered.emit(self.item.key, self.words.toPlainText().strip() or None)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key = event.key()
        if self.item.response is ResponseType.FACES and Qt.Key.Key_1 <= key <= Qt.Key.Key_5:
            self._choose(key - Qt.Key.Key_0)
        elif self.item.response is ResponseType.YES_NO and key in (Qt.Key.Key_Y, Qt.Key.Key_N):
            self._choose(YES if key == Qt.Key.Key_Y else NO)
        else:
            super().keyPressEvent(event)


class YoungInspectorWindow(QWidget):
    """The form in pages; ``finished`` when the Young Inspector hands the laptop back."""

    finished = Signal()

    def __init__(self, form: YoungInspectorSession, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.form = form
        #: answers held up by another program's write, to try again: item key -> value
        self.unsaved: dict[str, Any] = {}
        self._retry = QTimer(self, interval=2000)
        self._retry.timeout.connect(self.retry_unsaved)
        self.setWindowTitle(f"Young Inspector: {form.place}")
        self.setObjectName("youngInspector")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * BASE_SCALE)  # follows the system's font size
        self.setFont(font)
        self.setStyleSheet(YOUNG_INSPECTOR_STYLE)

        heading = QLabel(f"{form.title}\n{form.place} · {form.visit_date:%A %d %B %Y}")
        heading.setObjectName("heading")
        heading.setWordWrap(True)
        self.where = QLabel()
        self.where.setAccessibleName("Which page")
        self.bar = QProgressBar()
        self.bar.setAccessibleName("How far through the form")
        self.bar.setTextVisible(False)
        self.pages_list = form.pages()
        self.bar.setRange(0, len(self.pages_list))
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.where)
        self.stack = QStackedWidget()
        self.questions: list[list[Question]] = []
        for section in self.pages_list:
            self.stack.addWidget(self._page(section))
        self.stack.addWidget(self._end_page())

        self.back = QPushButton("◀  Back")
        self.back.setAccessibleName("Back to the page before")
        self.back.clicked.connect(lambda: self.go(self.stack.currentIndex() - 1))
        self.next = QPushButton("Next  ▶")
        self.next.clicked.connect(lambda: self.go(self.stack.currentIndex() + 1))
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.back)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)
        for keys, step in ((("PgDown", "Alt+Right"), 1), (("PgUp", "Alt+Left"), -1)):
            for key in keys:
                QShortcut(QKeySequence(key), self, lambda s=step: self.go(self.stack.currentIndex() + s))
        self.resize(1100, 800)
        self.go(0)

    def _page(self, section: Section) -> QWidget:
        body = QWidget()
        layout = QVBoxLayout(body)
        title = _big(QLabel(section.title), self.font())
        layout.addWidget(title)
        if section.intro:
            intro = QLabel(section.intro)
            intro.setWordWrap(True)
            layout.addWidget(intro)
        questions = []
        for item in self.form.checklist.visible_items(section):
            question = Question(item, self.form.checklist.answer(item.key))
            question.answered.connect(self.save)
            questions.append(question)
            layout.addWidget(question)
        layout.addStretch(1)
        self.questions.append(questions)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        return scroll

    def _end_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.thanks = _big(QLabel(), self.font())
        self.thanks.setWordWrap(True)
        self.still_to_do = QLabel()
        self.still_to_do.setWordWrap(True)
        self.done_button = QPushButton("I have finished: give the laptop back to the officer")
        self.done_button.clicked.connect(self.close)
        layout.addWidget(self.thanks)
        layout.addWidget(self.still_to_do)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return page

    @property
    def page(self) -> int:
        return self.stack.currentIndex()

    def go(self, page: int) -> None:
        if not 0 <= page < self.stack.count():
            return
        self._flush()
        self.stack.setCurrentIndex(page)
        last = len(self.pages_list)
        self.back.setEnabled(page > 0)
        self.next.setVisible(page < last)
        self.next.setText("Finish  ▶" if page == last - 1 else "Next  ▶")
        self.bar.setValue(min(page + 1, last))
        self.where.setText(f"Page {page + 1} of {last}" if page < last else "All done")
        self.message.clear()
        if page == last:
            missing = self.form.unanswered()
            self.thanks.setText("Thank you! Your answers are saved.")
            self.still_to_do.setText(
                "You have answered everything." if not missing else
                "You can go back if you want to answer these too:\n" + "\n".join(f"•  {m}" for m in missing))
            self.done_button.setFocus()
        elif self.questions[page]:
            self.questions[page][0].setFocus()

    def save(self, item_key: str, value: Any) -> bool:
        """Save one answer; True when it is saved. Held up by another program writing to the data
        file, it stays on screen and is tried again in a moment (nothing to choose twice)."""
        saved = False
        try:
            if value is None:
                self.form.clear_answer(item_key)
            else:
                self.form.set_answer(item_key, value)
        except StoreBusy:
            self.unsaved[item_key] = value
            self._retry.start()
            self.message.setText("Your answer is kept. The laptop is busy for a moment, so it will be saved shortly.")
        except (AnswerError, VisitRuleError) as error:
            self.message.setText(f"That answer was not saved: {error}. Please choose it again.")
        else:
            saved = True
            self.unsaved.pop(item_key, None)
            self.message.setText("Saved")
        current = self.form.checklist.answer(item_key)
        for question in (q for page in self.questions for q in page if q.item.key == item_key):
            question.show_value(current)
        return saved

    def retry_unsaved(self) -> None:
        """Try the held-up answers again, oldest first; stop at the first still held up."""
        for item_key, value in list(self.unsaved.items()):
            if not self.save(item_key, value):
                return
        self._retry.stop()

    def _flush(self) -> None:
        for page in self.questions:
            for question in page:
                question.flush()

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        self._flush()  # words typed a moment ago are saved before the window goes
        self.retry_unsaved()
        if self.unsaved:
            event.ignore()  # nothing they answered is lost: the form stays until it is saved
            self.message.setText("Please wait a moment: your answers are still being saved.")
            return
        super().closeEvent(event)
        self.finished.emit()


YOUNG_INSPECTOR_STYLE = """
QWidget#youngInspector QLabel#heading { font-weight: bold; }
QWidget#youngInspector QLabel#message { color: palette(text); }
QWidget#youngInspector QFrame#question { border: 1px solid palette(mid); border-radius: 8px; padding: 8px;
                                         margin-bottom: 8px; }
QWidget#youngInspector QFrame#question:focus { border: 3px solid palette(highlight); }
QWidget#youngInspector QPushButton { padding: 10px 22px; border: 1px solid palette(mid); border-radius: 6px;
                                     background: palette(button); }
QWidget#youngInspector QFrame#question QPushButton { min-width: 6em; min-height: 1.6em; }
QWidget#youngInspector QPushButton:focus { border: 3px solid palette(highlight); }
QWidget#youngInspector QPushButton:checked { background: palette(highlight); color: palette(highlighted-text); }
QWidget#youngInspector QCheckBox { padding: 4px; }
QWidget#youngInspector QCheckBox::indicator { width: 1.2em; height: 1.2em; }
"""
