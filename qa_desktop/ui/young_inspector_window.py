"""The Young Inspector's screen: their own form, one short page at a time, in large plain words.

The officer hands the laptop over through the hand-over screen (``ui.kiosk``), which shows this
form full screen and lets nothing of the officer's be reached until the officer unlocks it. It is
built from a ``YoungInspectorSession`` alone (opened on the Young Inspector's own workspace), which
holds the form's questions and their own answers and nothing else. Each answer is saved the moment
it is given, like everywhere else, so a flat battery loses nothing.

Faces are drawn (not emoji, which a laptop without a colour emoji font shows as boxes) and always
come with words ("Happy"), and a chosen face is ticked, so the scale reads without colour.

**By keyboard, and nothing changes by accident** (issue 21): Tab goes from question to question
(never through the five faces); on a question, Left and Right (or Up and Down) move between its
faces or its Yes and No without choosing; Space or Enter chooses the one moved to; 1-5, Y and N
choose directly. Tab then Space on a question therefore changes nothing: the choice is always a
deliberate key on a face, never a side effect of moving. R reads the question aloud; Page Down and
Page Up (or Alt+arrows) turn the page.

**Read aloud**: a button on each question and one for the whole page (``ui.speech``: the
operating system's own voice). **Reading comfort**: tint, letters, size and line spacing, chosen on
the screen and kept with the Young Inspector (``Comfort``). **I need a break** saves everything and
hands the laptop back to the officer (the locked screen).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.domain.young_inspectors import LINE_SPACINGS, TEXT_SIZES, Comfort, Tint, Typeface
from qa_desktop.ui.flow_layout import FlowLayout
from qa_desktop.ui.speech import Speaker
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
    answer_text,
)

BASE_SCALE = 1.45
WORDS_SAVE_DELAY_MS = 600
#: Keys that move between the choices of a question without choosing.
_BACK_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Up)
_ON_KEYS = (Qt.Key.Key_Right, Qt.Key.Key_Down)


def comfortable_font(base: QFont, comfort: Comfort) -> QFont:
    """``base`` in the Young Inspector's chosen letters and size (a family this computer has)."""
    font = QFont(base)
    families = set(QFontDatabase.families())
    family = next((f for f in comfort.typeface.families if f in families), None)
    if family:
        font.setFamily(family)
    font.setPointSizeF(base.pointSizeF() * comfort.text_size / 100)
    return font


def spaced(text: str, comfort: Comfort, bold: bool = False) -> str:
    """Rich text with the chosen line spacing (Qt's rich text understands ``line-height`` in %)."""
    body = escape(text).replace("\n", "<br>")
    if bold:
        body = f"<b>{body}</b>"
    return f'<p style="line-height:{comfort.line_spacing}%; margin:0">{body}</p>'


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




class _Choice:
    """Arrow keys, Space and Enter on one choice (a face, Yes or No, a tick box) of a question."""

    question: Question

    def choice_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in _BACK_KEYS or key in _ON_KEYS:
            self.question.move_between_choices(self, -1 if key in _BACK_KEYS else 1)  # type: ignore[arg-type]
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()  # type: ignore[attr-defined]
            return True
        return self.question.answer_key(event)


class Face(_Choice, FaceButton):
    def __init__(self, score: int, question: Question) -> None:
        super().__init__(score, question.item.label)
        self.question = question
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # not a Tab stop: Tab goes question to question

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if not self.choice_key(event):
            super().keyPressEvent(event)


class YesNo(_Choice, QPushButton):
    def __init__(self, words: str, value: str, question: Question) -> None:
        super().__init__(words)
        self.question = question
        self.setCheckable(True)
        self.setProperty("value", value)
        self.setAccessibleName(f"{words}, for: {question.item.label}")
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if not self.choice_key(event):
            super().keyPressEvent(event)


class Tick(_Choice, QCheckBox):
    def __init__(self, words: str, question: Question) -> None:
        super().__init__(words)
        self.question = question
        self.setAccessibleName(f"{words}, for: {question.item.label}")
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if not self.choice_key(event):
            super().keyPressEvent(event)


class Question(QFrame):
    """One question and its answer control; tells the window each answer as it is given.

    The question itself is the Tab stop; its choices are reached from it with the arrow keys and
    chosen with Space or Enter (or 1-5, Y, N), so moving never chooses."""

    answered = Signal(str, object)  # item key, value (None clears)
    read_aloud = Signal(str)

    def __init__(self, item: Item, value: Any, comfort: Comfort | None = None) -> None:
        super().__init__()
        self.item = item
        self.comfort = comfort or Comfort()
        self.setObjectName("question")
        self.setAccessibleName(item.label)
        kind = item.response
        keys = {ResponseType.FACES: "Left and Right to move between the faces, Space to choose, or 1 to 5",
                ResponseType.YES_NO: "Left and Right to move, Space to choose, or Y or N",
                ResponseType.MULTI_CHOICE: "Up and Down to move, Space to tick"}.get(kind, "")
        self.setAccessibleDescription(f"{keys}. R reads the question aloud." if keys else "R reads it aloud.")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.speak = QPushButton("Read aloud")
        self.speak.setObjectName("readAloud")
        self.speak.setAccessibleName(f"Read aloud: {item.label}")
        self.speak.setToolTip("Hear this question (or press R)")
        self.speak.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # R on the question does it by keyboard
        self.speak.clicked.connect(lambda: self.read_aloud.emit(self.spoken()))
        top = QHBoxLayout()
        top.addWidget(self.label, 1)
        top.addWidget(self.speak, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        self.buttons: list[QAbstractButton] = []
        self.words: QPlainTextEdit | None = None
        self._timer = QTimer(self, singleShot=True, interval=WORDS_SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        row = QHBoxLayout()
        if kind is ResponseType.FACES:
            for score in range(1, 6):
                face = Face(score, self)
                face.clicked.connect(lambda _=False, s=score: self._choose(s))
                self.buttons.append(face)
                row.addWidget(face)
        elif kind is ResponseType.YES_NO:
            for value_, words in ((YES, "Yes"), (NO, "No")):
                answer = YesNo(words, value_, self)
                answer.clicked.connect(lambda _=False, v=value_: self._choose(v))
                self.buttons.append(answer)
                row.addWidget(answer)
            row.addStretch(1)
        elif kind is ResponseType.MULTI_CHOICE:
            grid = QVBoxLayout()
            for choice in item.choices:
                box = Tick(choice, self)
                box.toggled.connect(lambda _=False: self._choose_many())
                self.buttons.append(box)
                grid.addWidget(box)
            row.addLayout(grid)
        else:
            self.words = QPlainTextEdit()
            self.words.setPlaceholderText("Write as much or as little as you like")
            self.words.setAccessibleName(f"Your words: {item.label}")
            self.words.setTabChangesFocus(True)
            self.words.textChanged.connect(self._timer.start)
            row.addWidget(self.words)
        layout.addLayout(row)
        if self.words is not None:
            self.setFocusProxy(self.words)
        self.show_comfort(self.comfort)
        self.show_value(value)

    def show_comfort(self, comfort: Comfort) -> None:
        self.comfort = comfort
        self.label.setText(spaced(self.item.label, comfort, bold=True))
        if self.words is not None:
            self.words.setFixedHeight(int(self.words.fontMetrics().height() * 4 * comfort.line_spacing / 100) + 12)

    def spoken(self) -> str:
        """What reading the question aloud says: the question, the choices, and the answer given."""
        kind, parts = self.item.response, [self.item.label]
        if kind is ResponseType.FACES:
            parts.append("Choose a face: " + ", ".join(FACE_WORDS[s] for s in range(1, 6)) + ".")
        elif kind is ResponseType.YES_NO:
            parts.append("Yes or no?")
        elif kind is ResponseType.MULTI_CHOICE:
            parts.append("Tick any of: " + ", ".join(self.item.choices) + ".")
        value = self.value()
        if value is not None and value != [] and value != "":
            parts.append(f"Your answer: {answer_text(self.item, value)[0]}.")
        return " ".join(p if p.rstrip().endswith(("?", ".", "!")) else p + "." for p in parts)

    def value(self) -> Any:
        if self.words is not None:
            return self.words.toPlainText().strip() or None
        if self.item.response is ResponseType.MULTI_CHOICE:
            return [b.text() for b in self.buttons if b.isChecked()] or None
        chosen = next((b for b in self.buttons if b.isChecked()), None)
        if chosen is None:
            return None
        return chosen.score if isinstance(chosen, FaceButton) else chosen.property("value")

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
            button.update()
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

    def move_between_choices(self, current: QAbstractButton | None, step: int) -> None:
        """Move the keyboard to the next or previous choice (from the question: the chosen one, or
        the first or last). Nothing is chosen by moving."""
        if not self.buttons:
            return
        if current is None:
            chosen = next((b for b in self.buttons if b.isChecked()), None)
            target = chosen or self.buttons[0 if step > 0 else -1]
        else:
            index = self.buttons.index(current) + step
            target = self.buttons[max(0, min(index, len(self.buttons) - 1))]
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def answer_key(self, event: QKeyEvent) -> bool:
        """1-5, Y, N: a deliberate choice; R: read aloud. True when the key was used."""
        key = event.key()
        if self.item.response is ResponseType.FACES and Qt.Key.Key_1 <= key <= Qt.Key.Key_5:
            self._choose(key - Qt.Key.Key_0)
        elif self.item.response is ResponseType.YES_NO and key in (Qt.Key.Key_Y, Qt.Key.Key_N):
            self._choose(YES if key == Qt.Key.Key_Y else NO)
        elif key == Qt.Key.Key_R and not event.modifiers():
            self.read_aloud.emit(self.spoken())
        else:
            return False
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if event.key() in _BACK_KEYS or event.key() in _ON_KEYS:
            self.move_between_choices(None, -1 if event.key() in _BACK_KEYS else 1)
        elif not self.answer_key(event):
            super().keyPressEvent(event)  # Space on the question itself does nothing


class ComfortPanel(QFrame):
    """Reading settings on the Young Inspector's own screen: tint, letters, size, line spacing.
    Every choice shows at once and is kept with them (``changed``)."""

    changed = Signal(object)  # Comfort

    def __init__(self, comfort: Comfort) -> None:
        super().__init__()
        self.setObjectName("comfort")
        self.setAccessibleName("Reading settings")
        self.groups: dict[str, QButtonGroup] = {}
        # one line per setting, its heading first; at a large text size its choices wrap under it
        # (a heading column beside them made the panel wider than a 1280-pixel screen: walk6)
        column = QVBoxLayout(self)
        rows: list[tuple[str, str, list[tuple[str, Any]], Any]] = [
            ("tint", "Background", [(t.label, t) for t in Tint], comfort.tint),
            ("typeface", "Letters", [(t.label, t) for t in Typeface], comfort.typeface),
            ("text_size", "Size", [(f"{s}%", s) for s in TEXT_SIZES], comfort.text_size),
            ("line_spacing", "Space between lines", [(("Normal" if s == 100 else f"{s / 100:g} lines"), s)
                                                     for s in LINE_SPACINGS], comfort.line_spacing),
        ]
        for name, title, choices, current in rows:
            group = QButtonGroup(self)
            line = FlowLayout()
            line.addWidget(QLabel(f"<b>{title}</b>"))
            for words, value in choices:
                button = QRadioButton(words)
                button.setProperty("choice", value.value if isinstance(value, Tint | Typeface) else value)
                button.setAccessibleName(f"{title}: {words}")
                if isinstance(value, Tint) and value.colour:
                    button.setStyleSheet(f"QRadioButton {{ background: {value.colour}; color: black; "
                                         "padding: 4px 8px; border-radius: 4px; }")
                button.setChecked(value == current)
                group.addButton(button)
                line.addWidget(button)
            group.buttonToggled.connect(self._toggled)
            self.groups[name] = group
            column.addLayout(line)

    def comfort(self) -> Comfort:
        def chosen(name: str) -> Any:
            button = self.groups[name].checkedButton()
            return button.property("choice") if button is not None else None

        return Comfort(Tint(chosen("tint")), Typeface(chosen("typeface")), int(chosen("text_size")),
                       int(chosen("line_spacing")))

    def _toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self.changed.emit(self.comfort())


class YoungInspectorWindow(QWidget):
    """The form in pages. ``finished`` when the Young Inspector has finished, ``break_wanted`` when
    they ask for a break: either way everything is saved first, and the laptop goes back to the
    officer (the hand-over screen locks)."""

    finished = Signal()
    break_wanted = Signal()

    def __init__(self, form: YoungInspectorSession, parent: QWidget | None = None, *,
                 comfort: Comfort | None = None, keep_comfort: Callable[[Comfort], None] | None = None,
                 speaker: Speaker | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.comfort = comfort or Comfort()
        self._keep_comfort = keep_comfort
        self.speaker = speaker or Speaker(self)
        #: answers held up by another program's write, to try again: item key -> value
        self.unsaved: dict[str, Any] = {}
        self._retry = QTimer(self, interval=2000)
        self._retry.timeout.connect(self.retry_unsaved)
        self.setWindowTitle(f"Young Inspector: {form.place}")
        self.setObjectName("youngInspector")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.base_font = QFont(self.font())
        self.base_font.setPointSizeF(self.base_font.pointSizeF() * BASE_SCALE)  # follows the system's font size

        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        self.where = QLabel()
        self.where.setAccessibleName("Which page")
        self.read_page = QPushButton("Read this page aloud")
        self.read_page.setAccessibleName("Read this page aloud")
        self.read_page.clicked.connect(self.speak_page)
        self.settings_button = QPushButton("Reading settings")
        self.settings_button.setCheckable(True)
        self.settings_button.setAccessibleName("Reading settings: background, letters, size, spacing")
        self.break_button = QPushButton("I need a break")
        self.break_button.setAccessibleName("I need a break: save my answers and give the laptop back")
        self.break_button.clicked.connect(self.take_break)
        self.bar = QProgressBar()
        self.bar.setAccessibleName("How far through the form")
        self.bar.setTextVisible(False)
        self.pages_list = form.pages()
        self.bar.setRange(0, len(self.pages_list))
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.where)
        tools = FlowLayout()  # on two lines when the Young Inspector's text is large (walk6)
        tools.addWidget(self.read_page)
        tools.addWidget(self.settings_button)
        tools.addWidget(self.break_button)
        self.comfort_panel = ComfortPanel(self.comfort)
        self.comfort_panel.changed.connect(self.set_comfort)
        # in a box that scrolls: at a large text size its choices wrap to more lines than the screen has
        # room for beside the form (and drawn in less room than they need, they overlapped: walk6)
        self.comfort_box = QScrollArea()
        self.comfort_box.setWidgetResizable(True)
        self.comfort_box.setFrameShape(QFrame.Shape.NoFrame)
        self.comfort_box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.comfort_box.setWidget(self.comfort_panel)
        self.comfort_box.setVisible(False)
        self.settings_button.toggled.connect(self.comfort_box.setVisible)

        self.stack = QStackedWidget()
        self.questions: list[list[Question]] = []
        self.page_texts: list[tuple[QLabel, QLabel | None, Section]] = []
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
        layout.addLayout(tools)
        layout.addWidget(self.comfort_box)
        layout.addWidget(self.bar)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)
        for keys, step in ((("PgDown", "Alt+Right"), 1), (("PgUp", "Alt+Left"), -1)):
            for key in keys:
                QShortcut(QKeySequence(key), self, lambda s=step: self.go(self.stack.currentIndex() + s))
        self.resize(1100, 800)
        self.set_comfort(self.comfort, keep=False)
        self.go(0)

    # -- reading comfort -------------------------------------------------------------------------------

    def set_comfort(self, comfort: Comfort, keep: bool = True) -> None:
        """Show the form with these reading settings (and keep them with the Young Inspector)."""
        self.comfort = comfort
        font = comfortable_font(self.base_font, comfort)
        self.setFont(font)
        for child in self.findChildren(QWidget):  # a style sheet stops a font set later reaching children
            child.setFont(font)
        tint = comfort.tint.colour
        self.setStyleSheet(YOUNG_INSPECTOR_STYLE + (
            f"QWidget#youngInspector, QWidget#youngInspector QScrollArea, QWidget#youngInspector QWidget#page "
            f"{{ background: {tint}; color: black; }}" if tint else ""))
        self.heading.setText(spaced(f"{self.form.title}\n{self.form.place} · {self.form.visit_date:%A %d %B %Y}",
                                    comfort, bold=True))
        for title, intro, section in self.page_texts:
            title.setFont(_title_font(font))
            title.setText(spaced(section.title, comfort, bold=True))
            if intro is not None:
                intro.setText(spaced(section.intro or "", comfort))
        self.thanks.setFont(_title_font(font))
        for page in self.questions:
            for question in page:
                question.show_comfort(comfort)
        if self.stack.currentIndex() == len(self.pages_list):
            self._show_end()
        if keep and self._keep_comfort is not None:
            try:
                self._keep_comfort(comfort)
            except (StoreBusy, VisitRuleError) as error:
                self.message.setText(f"Your reading settings show now but were not kept: {error}")

    # -- reading aloud ---------------------------------------------------------------------------------

    def speak(self, text: str) -> None:
        if not self.speaker.say(text):
            self.message.setText("Reading aloud is not available on this laptop. Ask the officer to read with you.")

    def spoken_page(self) -> str:
        page = self.stack.currentIndex()
        if page >= len(self.pages_list):
            return " ".join([self.thanks.text(), self.still_to_do.text(),
                             *(f"{b.property('label')}." for b in self.unanswered_links)])
        section = self.pages_list[page]
        parts = [f"Page {page + 1} of {len(self.pages_list)}: {section.title}."]
        if section.intro:
            parts.append(section.intro)
        parts += [q.spoken() for q in self.questions[page]]
        return " ".join(parts)

    def speak_page(self) -> None:
        self.speak(self.spoken_page())

    # -- pages -----------------------------------------------------------------------------------------

    def _page(self, section: Section) -> QWidget:
        body = QWidget()
        body.setObjectName("page")
        layout = QVBoxLayout(body)
        title = QLabel()
        title.setWordWrap(True)
        title.setContentsMargins(0, 6, 0, 6)
        layout.addWidget(title)
        intro = None
        if section.intro:
            intro = QLabel()
            intro.setWordWrap(True)
            layout.addWidget(intro)
        self.page_texts.append((title, intro, section))
        questions = []
        for item in self.form.checklist.visible_items(section):
            question = Question(item, self.form.checklist.answer(item.key), self.comfort)
            question.answered.connect(self.save)
            question.read_aloud.connect(self.speak)
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
        page.setObjectName("page")
        scroll = QScrollArea()  # every unanswered question may be listed: it scrolls at 1280x720 and large text
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(page)
        self.thanks = QLabel()
        self.thanks.setWordWrap(True)
        self.thanks.setAccessibleName("Where you are up to")
        self.still_to_do = QLabel()
        self.still_to_do.setWordWrap(True)
        self.links = QVBoxLayout()
        self.unanswered_links: list[QPushButton] = []
        #: a link to every question, shown while it is unanswered (made once: the page's size stays right)
        self.all_links: list[QPushButton] = []
        for number, questions in enumerate(self.questions):
            for question in questions:
                link = QPushButton(f"{question.item.label}  (page {number + 1})")
                link.setObjectName("link")
                link.setProperty("label", question.item.label)
                link.setProperty("key", question.item.key)
                link.setAccessibleName(f"Go to the question: {question.item.label}")
                link.setCursor(Qt.CursorShape.PointingHandCursor)
                link.clicked.connect(lambda _=False, p=number, q=question: self.go_to_question(p, q))
                self.links.addWidget(link, 0, Qt.AlignmentFlag.AlignLeft)
                self.all_links.append(link)
        self.done_button = QPushButton("I have finished")
        self.done_button.setAccessibleName("I have finished: give the laptop back to the officer")
        self.done_button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.done_button.clicked.connect(self.finish)
        after = QLabel("Then give the laptop back to the officer.")
        after.setWordWrap(True)
        layout.addWidget(self.thanks)
        layout.addWidget(self.still_to_do)
        layout.addLayout(self.links)
        layout.addSpacing(12)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(after)
        layout.addStretch(1)
        scroll.setWidget(page)
        return scroll

    def unanswered(self) -> list[tuple[int, Question]]:
        """Every question without an answer, with its page, in order (the required ones and the rest)."""
        return [(page, q) for page, questions in enumerate(self.questions) for q in questions
                if self.form.checklist.answer(q.item.key) in (None, "", [])]

    def _show_end(self) -> None:
        missing = self.unanswered()
        total = sum(len(page) for page in self.questions)
        if len(missing) == total:
            self.thanks.setText(spaced("You have not answered any questions yet.", self.comfort, bold=True))
        elif missing:
            self.thanks.setText(spaced("Thank you! Your answers so far are saved.", self.comfort, bold=True))
        else:
            self.thanks.setText(spaced("Thank you! All your answers are saved.", self.comfort, bold=True))
        self.still_to_do.setText(spaced(
            "You have answered every question." if not missing else
            f"{len(missing)} question{'s are' if len(missing) != 1 else ' is'} not answered yet. "
            "Choose one to go to it, or finish now:", self.comfort))
        unanswered = {q.item.key for _, q in missing}
        for link in self.all_links:
            link.setVisible(link.property("key") in unanswered)
        self.unanswered_links = [link for link in self.all_links if link.property("key") in unanswered]
        QWidget.setTabOrder(self.unanswered_links[-1] if self.unanswered_links else self.done_button,
                            self.done_button)

    def go_to_question(self, page: int, question: Question) -> None:
        self.go(page)
        question.setFocus(Qt.FocusReason.OtherFocusReason)
        scroll = self.stack.currentWidget()
        if isinstance(scroll, QScrollArea):
            scroll.ensureWidgetVisible(question)

    @property
    def page(self) -> int:
        return self.stack.currentIndex()

    def go(self, page: int) -> None:
        if not 0 <= page < self.stack.count():
            return
        self._flush()
        self.speaker.stop()
        self.stack.setCurrentIndex(page)
        last = len(self.pages_list)
        self.back.setEnabled(page > 0)
        self.next.setVisible(page < last)
        self.next.setText("Finish  ▶" if page == last - 1 else "Next  ▶")
        self.bar.setValue(min(page + 1, last))
        self.where.setText(f"Page {page + 1} of {last}" if page < last else "All done")
        self.read_page.setText("Read this page aloud")
        self.message.clear()
        if page == last:
            self._show_end()
            (self.unanswered_links[0] if self.unanswered_links else self.done_button).setFocus()
        elif self.questions[page]:
            self.questions[page][0].setFocus()

    # -- saving ----------------------------------------------------------------------------------------

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

    def saved_all(self) -> bool:
        """Save words typed a moment ago and anything held up; True when nothing is left unsaved."""
        self._flush()
        self.retry_unsaved()
        if self.unsaved:
            self.message.setText("Please wait a moment: your answers are still being saved.")
            return False
        return True

    def finish(self) -> None:
        if self.saved_all():
            self.speaker.stop()
            self.finished.emit()

    def take_break(self) -> None:
        if self.saved_all():
            self.speaker.stop()
            self.break_wanted.emit()

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        if not self.saved_all():
            event.ignore()  # nothing they answered is lost: the form stays until it is saved
            return
        self.speaker.stop()
        super().closeEvent(event)
        self.finished.emit()


def _title_font(base: QFont) -> QFont:
    """A page title: half as large again as the screen's (already large) text, bold."""
    font = QFont(base)
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    return font


YOUNG_INSPECTOR_STYLE = """
QWidget#youngInspector QLabel#heading { font-weight: bold; }
QWidget#youngInspector QLabel#message { color: palette(text); }
QWidget#youngInspector QFrame#question { border: 1px solid palette(mid); border-radius: 8px; padding: 8px;
                                         margin-bottom: 8px; }
QWidget#youngInspector QFrame#question:focus { border: 3px solid palette(highlight); }
QWidget#youngInspector QPushButton { padding: 10px 22px; border: 1px solid palette(mid); border-radius: 6px;
                                     margin: 2px; background: palette(button); color: palette(button-text); }
QWidget#youngInspector QFrame#question QPushButton { min-width: 6em; min-height: 1.6em; }
QWidget#youngInspector QFrame#question QPushButton#readAloud { min-width: 0; padding: 4px 12px; }
QWidget#youngInspector QPushButton:focus { border: 3px solid palette(highlight); margin: 0px; }
QWidget#youngInspector QPushButton:checked { background: palette(highlight); color: palette(highlighted-text); }
QWidget#youngInspector QPushButton#link { border: 3px solid transparent; margin: 0px; background: transparent;
                                          color: palette(link); text-decoration: underline; padding: 4px 6px;
                                          text-align: left; }
QWidget#youngInspector QPushButton#link:focus { border: 3px solid palette(highlight); }
QWidget#youngInspector QCheckBox { padding: 4px; }
QWidget#youngInspector QCheckBox:focus, QWidget#youngInspector QRadioButton:focus { border: 2px dashed
                                                                                     palette(highlight); }
QWidget#youngInspector QCheckBox::indicator { width: 1.2em; height: 1.2em; }
QWidget#youngInspector QFrame#comfort { border: 1px solid palette(mid); border-radius: 8px; padding: 6px; }
"""
